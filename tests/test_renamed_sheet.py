"""A teacher renamed the form's sheet (Calc lets her: it keeps no workbook structure lock, for an
.xlsx or an .ods template alike). Where the form's sheet cannot be told (here: she renamed a copy of it
too, so two sheets hold the form; the sheet renamed alone is read, see tests/test_sheet_renamed.py), what
the school is told must say so, Thai first, and how to fix it (name the sheet back), not that this is not
the office's template and that the data may have been copied into a new file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sheetsync.pipeline import check_file
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template


def test_a_renamed_sheet_is_told_as_such_thai_first(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed)
    book = load_workbook(path)
    book.copy_worksheet(book[progress_form.sheet]).title = "สำรอง"
    book[progress_form.sheet].title = "แบบรายงาน รร.วัดไทร"
    book.save(path)
    result = check_file(path)
    assert result.filled is None and result.failure is not None
    thai = result.failure.message("th")
    assert f"'{progress_form.sheet}'" in thai and "เปลี่ยนชื่อ" in thai, thai
    assert "คัดลอกข้อมูล" not in thai  # not "the data may have been copied into a new file"
    assert "renamed" in result.why["en"] and progress_form.sheet in result.why["en"]


def test_a_file_mended_in_place_is_not_asked_for_again(progress_form: Form, seed: dict[str, Any],
                                                         tmp_path: Path) -> None:
    """The message told the teacher to name the sheet back (or save the file again), then to send the
    office's template again: she would fill in a blank one for nothing."""
    renamed = tmp_path / "school.xlsx"
    write_template(progress_form, renamed, data=seed)
    book = load_workbook(renamed)
    book.copy_worksheet(book[progress_form.sheet]).title = "Sheet2"
    book[progress_form.sheet].title = "Sheet1"
    book.save(renamed)
    flat = tmp_path / "flat.xlsx"
    flat.write_bytes(b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook></Workbook>')
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not a whole zip")
    for path, asked_again in ((renamed, False), (flat, False), (damaged, True)):
        finding = check_file(path).failure
        assert finding is not None and finding.code == "file-unreadable"
        assert ("กรุณาส่งแบบฟอร์มที่ได้รับจากสำนักงาน" in finding.message("th")) is asked_again, finding.message("th")
        assert ("send the template you received" in finding.message("en")) is asked_again, finding.message("en")
