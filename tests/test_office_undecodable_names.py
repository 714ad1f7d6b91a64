"""A file whose name is not UTF-8 on a Linux office's disk: Info-ZIP's ``unzip`` of a zip made on Thai
Windows writes its names in code page 874, as does a USB stick mounted with another character set.
Python hands such a name over with lone surrogates, which no report, e-mail or summary can hold: a
school's good return was set aside in quarantine as "internal error while writing its report". The
name is now read as the Thai it is (or with U+FFFD where it reads as nothing) before the inbox is read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, SyncResult, sync
from sheetsync.template.write import write_template

pytestmark = pytest.mark.skipif(sys.platform == "win32" or os.fsencode("\udcff") != b"\xff",
                                reason="a name of any bytes: POSIX file systems under UTF-8 mode")

PEOPLE = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example"), Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example")]


def _run(tmp_path: Path) -> SyncResult:
    return sync(tmp_path / "inbox", tmp_path / "master.xlsx", report_dir=tmp_path / "reports", roster=PEOPLE,
                options=SyncOptions(settle=0, view="never"))


def _drop(form: Form, seed: dict[str, Any], tmp_path: Path, raw_name: bytes, school: str) -> None:
    """A school's good return, put into the inbox under the name of ``raw_name``'s bytes."""
    made = tmp_path / f"{school}.xlsx"
    write_template(form, made, data=seed, recipient=school)
    (tmp_path / "inbox").mkdir(exist_ok=True)
    shutil.move(made, os.fsdecode(os.fsencode(tmp_path / "inbox") + b"/" + raw_name))


@pytest.mark.parametrize(("raw", "kept"), [("รายงาน วัดไทร.xlsx".encode("cp874"), "รายงาน วัดไทร.xlsx"),
                                          (b"r\xff\xfe.xlsx", "r\ufffd\ufffd.xlsx")])
def test_a_return_whose_name_is_not_utf_8_is_merged_under_a_readable_name(progress_form: Form, seed: dict[str, Any],
                                                                           tmp_path: Path, raw: bytes, kept: str) -> None:
    _drop(progress_form, seed, tmp_path, raw, "s1")
    done = _run(tmp_path)
    [outcome] = done.outcomes()
    assert (outcome.result, outcome.path.name) == ("merged", kept), outcome
    assert (tmp_path / "inbox" / "processed" / kept).is_file()
    assert (tmp_path / "reports" / Path(kept).with_suffix(".html").name).is_file()
    assert any(kept in line for line in done.problems)  # the clerk is told which name it now has


def test_a_readable_name_already_taken_is_not_overwritten(progress_form: Form, seed: dict[str, Any],
                                                          tmp_path: Path) -> None:
    _drop(progress_form, seed, tmp_path, "รายงาน.xlsx".encode("utf-8"), "s1")
    _drop(progress_form, seed, tmp_path, "รายงาน.xlsx".encode("cp874"), "s2")
    done = _run(tmp_path)
    assert sorted((o.result, o.path.name) for o in done.outcomes()) == [("merged", "รายงาน-2.xlsx"),
                                                                          ("merged", "รายงาน.xlsx")]
    assert len({o.sha256 for o in done.outcomes()}) == 2  # both files, each kept whole


def test_validate_writes_the_reports_of_a_file_whose_name_is_not_utf_8(progress_form: Form, seed: dict[str, Any],
                                                                        tmp_path: Path) -> None:
    # The HTML and JSON reports named the file as read, surrogates and all: a traceback, no report.
    _drop(progress_form, seed, tmp_path, b"r\xff.xlsx", "s1")
    [path] = (tmp_path / "inbox").iterdir()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    run = subprocess.run([sys.executable, "-m", "sheetsync", "validate", path, "--report-dir", tmp_path / "reports"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    reports = {p.suffix: p for p in (tmp_path / "reports").iterdir()}
    assert "r\ufffd.xlsx" in reports[".html"].read_text(encoding="utf-8")
    assert json.loads(reports[".json"].read_text(encoding="utf-8"))["file"].endswith("r\ufffd.xlsx")


@pytest.mark.parametrize("raw", [b".~lock." + "รายงาน.xlsx".encode("cp874") + b"#", b"~$" + "รายงาน.xlsx".encode("cp874"),
                                 "รายงาน.xlsx".encode("cp874") + b".crdownload"])
def test_a_lock_file_or_a_download_under_way_is_left_as_it_is(tmp_path: Path, raw: bytes) -> None:
    # Renamed, Calc's lock file lost its leading dot: the file beside it read while open in Calc, the lock
    # file itself set aside as an unreadable return.
    from sheetsync.office.renaming import readable_names

    (tmp_path / "inbox").mkdir()
    path = os.fsencode(tmp_path / "inbox") + b"/" + raw
    open(path, "wb").close()
    assert readable_names(tmp_path / "inbox") == [] and os.path.exists(path)


def test_a_file_still_being_written_is_renamed_only_once_settled(tmp_path: Path) -> None:
    # A copy under way (a Windows client over Samba reopens the file by its name) must keep its name.
    from sheetsync.office.renaming import readable_names

    (tmp_path / "inbox").mkdir()
    path = os.fsencode(tmp_path / "inbox") + b"/" + "รายงาน.xlsx".encode("cp874")
    open(path, "wb").close()
    assert readable_names(tmp_path / "inbox", settle=60) == [] and os.path.exists(path)
    assert len(readable_names(tmp_path / "inbox", settle=0)) == 1 and not os.path.exists(path)
