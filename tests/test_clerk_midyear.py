"""Found by a clerk walking an office started mid-year (first check in March) through the README's
"For the office" part: files dropped by hand under names used before, a summary held open."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,P\n"


def _drop(office: Path, form: Form, name: str, reports: int) -> Path:
    """The school's file with ``reports`` rows, saved into the inbox by the clerk as ``name``."""
    path = office / "inbox" / name
    write_template(form, path, data=variant(seed_data(), reports=reports), recipient="s1")
    return path


def test_a_name_used_last_month_keeps_last_months_report(tmp_path: Path, progress_form: Form) -> None:
    # The school's file arrives every month as "n73-01 โรงเรียนวัดไทร.XLSX" (the template keeps its name).
    # processed/ kept April's as "…-2.XLSX" and history named it so, but its reports were written over
    # March's in reports/ under March's name: March's check was gone, and "…-2" had no report at all.
    office = new_office(tmp_path, ROSTER)
    _drop(office, progress_form, "รายงาน วัดไทร.XLSX", 5)
    assert run("sync", cwd=office).returncode == 0
    march = (office / "reports" / "รายงาน วัดไทร.txt").read_text(encoding="utf-8")
    _drop(office, progress_form, "รายงาน วัดไทร.XLSX", 4)  # a row the office holds is missing: a note
    assert run("sync", cwd=office).returncode == 0
    assert (office / "processed" / "รายงาน วัดไทร-2.XLSX").exists()
    assert "รายงาน วัดไทร-2.XLSX" in run("history", "--recipient", "s1", cwd=office).stdout
    # March's check is kept whole; April's file replaced March's, so it waits in reports/old/ (office/superseded.py)
    assert (office / "reports" / "old" / "รายงาน วัดไทร.txt").read_text(encoding="utf-8") == march
    april = office / "reports" / "รายงาน วัดไทร-2.json"
    assert [f["code"] for f in json.loads(april.read_text(encoding="utf-8"))["findings"]] == ["row-dropped"]


def test_a_summary_held_open_leaves_this_checks_summary_beside_it(tmp_path: Path, progress_form: Form,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # reports/summary.xlsx open in Excel (Windows refuses to replace it): the check said "close it and
    # run again", but the next run finds nothing new and writes no summary, so the clerk opened last
    # check's summary.xlsx, with nothing telling it was not this check's.
    office = new_office(tmp_path, ROSTER)
    _drop(office, progress_form, "มีนาคม.xlsx", 5)
    assert run("sync", cwd=office).returncode == 0
    held = office / "reports" / "summary.xlsx"
    _drop(office, progress_form, "เมษายน.xlsx", 6)
    real_replace = os.replace

    def locked(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == held:  # what Windows answers while Excel holds the file
            raise PermissionError(13, "The process cannot access the file", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", locked)
    done = run("sync", cwd=office)
    monkeypatch.undo()
    [line] = [line for line in done.stderr.splitlines() if "summary.xlsx" in line]
    thai, _, english = line.removeprefix("sheetsync: ").partition(" / ")
    assert "summary-2.xlsx" in thai and "summary-2.xlsx" in english, line
    assert "มีนาคม.xlsx" in _summary_files(held) and "เมษายน.xlsx" in _summary_files(held.with_name("summary-2.xlsx"))
    assert "เมษายน.xlsx" in (office / "reports" / "summary.csv").read_text(encoding="utf-8-sig")


def _summary_files(path: Path) -> str:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return " ".join(str(row[0]) for row in rows[1:])
