"""The scheduled run, as cron or the Task Scheduler starts it: no terminal, a bare environment, its
output appended to a log that may sit on a full disk (found by an exploratory walk of such runs).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_master_support import seed_data, variant
from tests.test_office import in_office

ROOT = Path(__file__).resolve().parent.parent
FULL = Path("/dev/full")  # every write to it fails with "No space left on device", as a full disk's log


def scheduled(*args: str | Path, stdout: Path, stderr: Path,
              extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """``python -m sheetsync ARGS`` as a scheduler runs it: stdin from the null device, a bare
    environment (no HOME, no LANG, no TERM) with ``extra`` added, the root folder as its working directory."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **(extra or {})}
    with open(os.devnull, "rb") as nothing, open(stdout, "wb") as out, open(stderr, "wb") as err:
        return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], stdin=nothing, stdout=out,
                              stderr=err, env=env, cwd="/", timeout=300)


needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")


@needs_dev_full
def test_a_log_on_a_full_disk_is_exit_code_3_not_a_traceback(office: Path, app: typer.Typer,
                                                             tmp_path: Path) -> None:
    # The run's tables could not be written (stdout on a full disk): the run still did its work, but
    # Python printed a traceback at exit and ended with code 120, a code no scheduler's reader knows.
    errors = tmp_path / "stderr.txt"
    done = scheduled("sync", "--office", office, stdout=FULL, stderr=errors)
    said = errors.read_text(encoding="utf-8")
    assert done.returncode == 3, said
    assert "Traceback" not in said and "Exception ignored" not in said


@needs_dev_full
@pytest.mark.parametrize("extra", [{}, {"PYTHONUNBUFFERED": "1"}])
def test_a_run_whose_every_output_is_lost_still_ends_with_code_3(office: Path, app: typer.Typer,
                                                                  extra: dict[str, str]) -> None:
    # Was 120: even the error line could not be written. Then 1 where Python writes unbuffered (as
    # many a container and service sets it): the failed line left nothing to flush at exit, so
    # the error escaped as Python's own.
    done = scheduled("sync", "--office", office, stdout=FULL, stderr=FULL, extra=extra)
    assert done.returncode == 3


def test_a_quiet_scheduled_run_writes_its_one_line(office: Path, app: typer.Typer, tmp_path: Path) -> None:
    log = tmp_path / "sync.log"
    done = scheduled("sync", "--office", office, stdout=log, stderr=log)
    assert done.returncode == 0
    assert log.read_text(encoding="utf-8").splitlines() == ["sheetsync sync: ไม่มีไฟล์ใหม่ / nothing new"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_what_a_run_writes_follows_the_umask_as_the_master_does(office: Path, app: typer.Typer, progress_form: Form,
                                                               umask: int) -> None:
    # The reports, the summary and the e-mails were 0600 whatever the umask (the master followed it).
    config = (office / "sheetsync.toml").read_text(encoding="utf-8")
    (office / "sheetsync.toml").write_text(config.replace('from = ""', 'from = "office@bma.example"')
                                           .replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    bad = variant(seed_data(), reports=5)
    bad["reports"][2]["progress_percent"] = 5.0  # an error: its marked-up copy is written too
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=bad, recipient="s1")
    before = os.umask(umask)
    try:
        assert in_office(app, office, "sync").exit_code == 1
    finally:
        os.umask(before)
    written = [office / "master.xlsx", *(office / "reports").iterdir(), *(office / "outbox").glob("*.eml")]
    assert len(written) > 6 and (office / "reports" / "summary.xlsx") in written
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == \
        {p.name: oct(0o666 & ~umask) for p in written}


@needs_dev_full
@pytest.mark.parametrize("output", ["json", "text"])
def test_an_output_that_cannot_be_written_is_said_thai_first(tmp_path: Path, progress_form: Form, output: str) -> None:
    # `validate --format json f.xlsx > /dev/full` said "sheetsync: No space left on device", English
    # alone, where every other error line is Thai first.
    filled = tmp_path / "f.xlsx"
    write_template(progress_form, filled, data=seed_data())
    errors = tmp_path / "stderr.txt"
    done = scheduled("validate", "--format", output, filled, stdout=FULL, stderr=errors)
    said = errors.read_text(encoding="utf-8")
    assert done.returncode == 3, said
    [line] = said.splitlines()
    thai, _, english = line.removeprefix("sheetsync: ").partition(" / ")
    assert re.search("[\u0e00-\u0e7f]", thai) and not re.search("[\u0e00-\u0e7f]", english), line
    assert "No space left on device" in english and "Traceback" not in said
