"""A hostile or odd file never jams the loop (issue 9, item 4): for every case of the corpus, a sync
over an inbox holding that file and a good one merges the good one, sets the other aside with its
outcome (quarantined with a reason when it cannot be read, refused when it reads but is wrong), and
a second sync finds nothing new."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template
from tests.test_hostile import EXPECTED

#: What validate's exit code for a case means for sync: 2 cannot be read, 1 reads but is wrong.
OUTCOME = {2: "quarantined", 1: "refused", 0: "merged"}
OPTIONS = SyncOptions(settle=0, view="never")


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_sync_merges_the_good_file_and_sets_the_hostile_one_aside(corpus: dict[str, Path], case: str,
                                                                  tmp_path: Path, progress_form: Form,
                                                                  seed: dict[str, Any]) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_template(progress_form, inbox / "good.xlsx", data=seed, recipient="good-school")
    hostile = shutil.copy(corpus[case], inbox / corpus[case].name)
    master = tmp_path / "master.xlsx"
    first = sync(inbox, master, report_dir=tmp_path / "reports", options=OPTIONS)
    outcomes = {o.path.name: o for o in first.outcomes()}
    assert outcomes["good.xlsx"].result == "merged", outcomes
    [other] = [o for name, o in outcomes.items() if name != "good.xlsx"]
    assert other.result == OUTCOME[EXPECTED[case][0]], outcomes
    # named as kept (a name holding control characters is kept under a safe one), as the clerk finds it
    kept = {p.name for folder in ("processed", "quarantine") if (inbox / folder).is_dir()
            for p in (inbox / folder).iterdir()}
    assert other.path.name in kept, (other.path.name, Path(hostile).name, kept)
    assert not [p for p in inbox.iterdir() if p.is_file()], "every file is set aside once its outcome is kept"
    if OUTCOME[EXPECTED[case][0]] == "quarantined":
        reasons = list((inbox / "quarantine").glob("*.txt"))
        assert len(reasons) == 1 and reasons[0].read_text(encoding="utf-8").strip()
    second = sync(inbox, master, report_dir=tmp_path / "reports", options=OPTIONS)
    assert second.new == [] and second.outcomes() == []


#: A sync in a child process over an inbox holding one file (argv: inbox, master); prints its outcome.
SYNC = """
import sys
from pathlib import Path
from sheetsync.sync import SyncOptions, sync
from sheetsync.mailer import MailConfig
inbox, master = Path(sys.argv[1]), Path(sys.argv[2])
config = MailConfig(from_addr="office@example.org", outbox=master.parent / "outbox")
done = sync(inbox, master, report_dir=master.parent / "reports", config=config,
            options=SyncOptions(settle=0, view="never"))
print(*[o.result for o in done.outcomes()])
"""


@pytest.mark.parametrize("case", ["ods-spaces-within-limits", "many-empty-cells-in-form-xlsx",
                                  "many-cells-in-form-clipped-xlsx", "shared-string-copies-xlsx",
                                  "ods-repeated-text"])
def test_sync_stays_within_the_memory_limit(corpus: dict[str, Path], case: str, tmp_path: Path) -> None:
    """The office's run, reports and e-mail included, within the limit too: a cell of 15.9 million
    spaces (built by calamine from 30 bytes) went whole into the marked-up copy, whose row sizing
    took 2.3 GB and 200 s; two million empty cells in the form took 470 MB."""
    import os
    import sys

    from tests.data.hostile.measure import measure
    from tests.test_hostile import PEAK_MB

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(corpus[case], inbox / corpus[case].name)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    run = measure([sys.executable, "-c", SYNC, str(inbox), str(tmp_path / "master.xlsx")], env=env)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert run.stdout.split() == [OUTCOME[EXPECTED[case][0]]]
    assert run.peak_mb < PEAK_MB, run.peak_mb
