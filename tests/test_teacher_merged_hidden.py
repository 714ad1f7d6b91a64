"""Text typed into a cell that was hidden inside a merged field is reported, not silently lost.

A school whose sheet lost its protection split the merged field of the agency (C9:G9) and typed the
rest of its name into E9, or typed a line of the rationale into B14 inside A12:G15. The reader takes a
merged field from its first cell only, so that text was neither read nor told: the office's record
lacked it and the school never knew. Now each such cell has its finding, Thai first: text there is not
read; type it into the field's first cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.markup import FILLS, marked_up_plan
from sheetsync.template.write import write_template

TYPED = {"E9": "ฝ่ายวิชาการ", "B14": "ข้อความที่พิมพ์เพิ่มในช่องหลักการและเหตุผล"}
FIRST = {"E9": "C9", "B14": "A12"}


def _findings(path: Path) -> dict[str, Any]:
    report = validate(read_filled(path))
    return {f.cell: f for f in report.findings if f.code == "merged-cell-not-read"}


def test_text_typed_inside_a_split_merged_field_is_reported(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    ws = wb[progress_form.sheet]
    for merged, (cell, text) in zip(("C9:G9", "A12:G15"), TYPED.items()):
        ws.unmerge_cells(merged)
        ws[cell] = text
    wb.save(path)
    found = _findings(path)
    assert sorted(found) == ["B14", "E9"]
    for cell, f in found.items():
        assert f.severity == "error" and f.value == TYPED[cell]
        assert f"ช่อง {FIRST[cell]}" in f.message_th and TYPED[cell] in f.message_th
    assert found["E9"].path == "/unit/agency" and found["B14"].path == "/rationale"
    # The agency is hers to keep up to date: she types it into C9. The rationale came filled in and locked
    # from the office: not hers to move into A12; she deletes it, and tells the office if A12 is wrong.
    assert "กรุณาพิมพ์ข้อความนั้นลงในช่องแรก" in found["E9"].message_th
    assert "กรุณาแจ้งส่วนกลาง" in found["B14"].message_th


def test_text_inside_a_blank_template_s_merged_field_is_to_be_typed_into_its_first_cell(
        progress_form: Form, tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, recipient="school-07")
    wb = load_workbook(path)
    wb[progress_form.sheet].unmerge_cells("A12:G15")
    wb[progress_form.sheet]["B14"] = TYPED["B14"]
    wb.save(path)
    [finding] = _findings(path).values()
    assert finding.cell == "B14" and "กรุณาพิมพ์ข้อความนั้นลงในช่องแรกของช่องที่รวมไว้ คือช่อง A12" in finding.message_th


def test_a_merged_field_as_issued_has_no_such_finding(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    assert _findings(path) == {}


def test_the_marked_up_copy_marks_the_field_s_first_cell(progress_form: Form, seed: dict[str, Any],
                                                         tmp_path: Path) -> None:
    """The copy is the form again (C9:G9 merged): E9 is no cell of its own there; the field's first cell
    carries the note, and is red until she types into it."""
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    wb[progress_form.sheet].unmerge_cells("C9:G9")
    wb[progress_form.sheet]["E9"] = TYPED["E9"]
    wb.save(path)
    filled = read_filled(path)
    cell = next(c for c in marked_up_plan(filled, validate(filled)).cells if c.place.ref == "C9")
    assert cell.note is not None and TYPED["E9"] in cell.note
    assert cell.mark is not None and cell.mark.fill == FILLS["error"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_text_typed_in_calc_inside_a_split_merged_field_is_reported(libreoffice: Any, progress_form: Form,
                                                                   seed: dict[str, Any], tmp_path: Path,
                                                                   fmt: str) -> None:
    template = tmp_path / f"template.{fmt}"
    write_template(progress_form, template, data=seed, recipient="school-07")
    school = tmp_path / f"school.{fmt}"
    cells = libreoffice.unmerge_and_type(template, school, ["C9:G9", "A12:G15"], TYPED, progress_form.sheet)
    assert {ref: cell["string"] for ref, cell in cells.items()} == TYPED  # Calc took the typing
    found = _findings(school)
    assert sorted(found) == ["B14", "E9"]
    assert all(f"ช่อง {FIRST[c]}" in f.message_th for c, f in found.items())
