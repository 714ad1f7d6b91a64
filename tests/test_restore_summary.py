"""The batch summary a clerk opens (reports/summary.xlsx and .csv) after a restore: a file read again
is marked as such, and the counts say how many were read again, apart from new returns."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import typer
from python_calamine import CalamineWorkbook

from sheetsync.spec.form import Form
from tests.test_office import in_office
from tests.test_restore import arrive, backed_up_then_more


REREAD = "อ่านใหม่หลังกู้คืน"  # how the run's table and the digest name a file read again (Thai first)


def restored_then_synced(app: typer.Typer, office: Path, form: Form, tmp_path: Path) -> Path:
    """s1 synced, backed up, s2 synced; the store garbled, restored (s2.xlsx put back into the inbox),
    s3 arrives and a sync reads both: the office's reports folder."""
    usb = backed_up_then_more(app, office, form, tmp_path / "b.sqlite")
    (office / "sheetsync.sqlite").write_bytes(b"\0" * 4096)
    assert in_office(app, office, "restore", str(usb)).exit_code == 0
    arrive(form, office, "s3", 42)  # new to the office, beside s2.xlsx put back into the inbox
    done = in_office(app, office, "sync")
    assert done.exit_code == 0, done.output
    return office / "reports"


def row_of(rows: list[list[Any]], file: str) -> list[Any]:
    [row] = [r for r in rows if r and r[0] == file]
    return row


def test_summary_xlsx_marks_a_file_read_again_and_counts_it_apart(
        app: typer.Typer, office: Path, progress_form: Form, tmp_path: Path) -> None:
    reports = restored_then_synced(app, office, progress_form, tmp_path)
    rows = CalamineWorkbook.from_path(str(reports / "summary.xlsx")).get_sheet_by_index(0).to_python()
    s2, s3 = row_of(rows, "s2.xlsx"), row_of(rows, "s3.xlsx")
    assert any(str(v).startswith(REREAD) for v in s2), s2  # received before the restore: not a new return
    assert not any(REREAD in str(v) for v in s3), s3
    assert s2[2] == s3[2] == "ผ่าน"  # the check's own result is kept
    counts = {str(r[0]): r[1] for r in rows if r and r[0] and isinstance(r[1], float)}
    assert counts["ไฟล์ใหม่"] == 1, rows  # s3 alone
    assert [n for label, n in counts.items() if label.startswith(REREAD)] == [1], rows


def test_summary_csv_marks_a_file_read_again(app: typer.Typer, office: Path, progress_form: Form,
                                             tmp_path: Path) -> None:
    reports = restored_then_synced(app, office, progress_form, tmp_path)
    rows = list(csv.reader((reports / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len({len(r) for r in rows}) == 1, rows  # still one table: every line has the header's columns
    s2, s3 = row_of(rows, "s2.xlsx"), row_of(rows, "s3.xlsx")
    assert any(v.startswith(REREAD) for v in s2), s2
    assert not any(REREAD in v for v in s3), s3
    assert [r[0] for r in rows[1:]].count("s2.xlsx") == 1
