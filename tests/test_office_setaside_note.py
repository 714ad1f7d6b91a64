"""Found in review: a copy of a quarantined file ("already received") is moved
with a reason written first; killed between the two (crash point ``reason-written``) the reason
stays for good without its file: the copy has no recorded name, so the next run takes another name
(the leftover note holds the first one), and nothing ever removes the note."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sheetsync.crashpoint import CRASH_ENV
from tests.test_office_setaside import ROOT, RUN, _run


def test_killed_after_the_reason_of_a_copy_no_reason_is_left_without_its_file(tmp_path: Path) -> None:
    office, inbox = tmp_path / "office", tmp_path / "office" / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "scan-s1.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    _run(office)
    assert (inbox / "quarantine" / "scan-s1.xlsx").is_file()
    (inbox / "scan-s1.xlsx").write_text("not a spreadsheet", encoding="utf-8")  # the school sends it again
    env = {**os.environ, CRASH_ENV: "reason-written"}
    done = subprocess.run([sys.executable, "-c", RUN, str(office)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0 and (inbox / "scan-s1.xlsx").exists()  # killed before the move
    _run(office)
    assert not (inbox / "scan-s1.xlsx").exists()
    orphans = [p.name for p in (inbox / "quarantine").glob("*.txt") if not p.with_suffix("").exists()]
    assert orphans == []  # a reason whose file is not there tells the clerk of a file that is not
