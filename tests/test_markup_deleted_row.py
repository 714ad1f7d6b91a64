"""A report row deleted from the form: the marked-up copy puts the row back, empty, and says so there.

A school whose sheet lost its protection deleted report 5's row (41) with its data. The marked-up copy
is the form again, each later report in its own row, report 5's row back but empty; no cell of it was
marked, and the answer said the copy "has every row back": nothing told her report 5 was lost and was to
be typed again (the copy read back is an error, a gap in the reports). The put-back row's cells are red,
with a note, until she types there; the answer with the copy attached says the row is back, empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from odf.element import Element
from odf.namespaces import OFFICENS
from odf.opendocument import load
from odf.table import TableRow
from openpyxl import load_workbook

from sheetsync.check.putback import lost_params, rows_put_back
from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.messages import render
from sheetsync.render import render_for_school
from sheetsync.spec.form import Form
from sheetsync.spec.registry import find_form
from sheetsync.template.fingerprint import VALUE
from sheetsync.template.markup import FILLS, SUMMARY_SHEET, write_marked_up
from sheetsync.template.write import write_template
from tests.test_marks import _background, _ods_maps

#: Report 5's row, and the cells of it she types into (A holds the form's own number).
ROW = 41
DATA = Path(__file__).parent / "data"
INPUTS = [f"{col}{ROW}" for col in "BCDEFG"]


def _deleted(form: Form, seed: dict[str, Any], tmp_path: Path) -> Path:
    """The school's file with report 5's row deleted, its data with it."""
    path = tmp_path / "school.xlsx"
    write_template(form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    wb[form.sheet].delete_rows(ROW)
    wb.save(path)
    return path


def _ods_note(path: Path, ref: str) -> str:
    """The text of the note on the form's cell ``ref`` of an .ods."""
    sheet = load(str(path)).spreadsheet.childNodes[-2]  # the form, before the hidden metadata table
    col, row = ord(ref[0]) - 64, int(ref[1:])
    cells = [c for c in sheet.getElementsByType(TableRow)[row - 1].childNodes if c.qname[1].endswith("cell")]
    notes = [n for n in cells[col - 1].childNodes if isinstance(n, Element) and n.qname == (OFFICENS, "annotation")]
    return "\n".join(str(p) for n in notes for p in n.childNodes if p.qname[1] == "p")


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_row_put_back_is_marked_until_she_types_there(progress_form: Form, seed: dict[str, Any],
                                                           tmp_path: Path, fmt: str) -> None:
    filled = read_filled(_deleted(progress_form, seed, tmp_path))
    report = validate(filled)
    assert [(f.code, f.cell) for f in report.errors] == [("rows-deleted", f"A{ROW}")]
    marked = tmp_path / f"marked.{fmt}"
    write_marked_up(filled, report, marked)
    note = render("markup.row_put_back", "th", item="รายงานครั้งที่ 5")
    if fmt == "xlsx":
        ws = load_workbook(marked)[progress_form.sheet]
        marks = {str(cf.sqref): rule for cf in ws.conditional_formatting for rule in cf.rules if rule.dxf.fill}
        for ref in INPUTS:
            assert ws[ref].value is None and ws[ref].protection.locked is False
            assert marks[ref].dxf.fill.bgColor.rgb.endswith(FILLS["error"])
            assert f"LEN(TRIM($B${ROW}))=0" in marks[ref].formula[0]  # clears once she types in the row
            assert ws[ref].comment is not None and ws[ref].comment.text.startswith(note)
            assert render("markup.row_put_back", "en", item="item 5 of reports") in ws[ref].comment.text  # Thai, then English
        assert ws[f"A{ROW}"].value == 5 and f"A{ROW}" not in marks  # the form's own number: nothing to type
        assert f"B{ROW + 1}" not in marks  # report 6, back in its own row, holds what she typed
        # The finding's own note, and its line on the findings sheet, say report 5 is to be typed again.
        back = render("markup.put_back.report", "th", items="รายงานครั้งที่ 5")
        assert back in ws[f"A{ROW}"].comment.text and render("markup.put_right", "th") not in ws[f"A{ROW}"].comment.text
        todo = [str(line[-1].value) for line in load_workbook(marked)[SUMMARY_SHEET].iter_rows(min_row=2)]
        assert any(back in t for t in todo)
    else:
        for ref in INPUTS:
            # An amount's satang format is a rule of its own beside the mark (tests/test_marks.py).
            assert any(f"LEN(TRIM([.$B${ROW}]))=0" in condition and _background(style) == f"#{FILLS['error']}"
                       for condition, style in _ods_maps(marked, ref))
            assert _ods_note(marked, ref).startswith(note)
    again = validate(read_filled(marked))
    assert "report-gap" in again.codes()  # still to be typed: the copy is not her return as it is


def test_the_answer_with_the_copy_says_the_row_is_back_empty(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path) -> None:
    report = validate(read_filled(_deleted(progress_form, seed, tmp_path)))
    text = render_for_school(report, marked=True)
    said = [render("rows-deleted.attached.report", lang, row=ROW, items="รายงานครั้งที่ 5", items_en="item 5 of reports")
             for lang in ("th", "en")]
    assert text.index(said[0]) < text.index(said[1])  # Thai first
    assert "รายงานครั้งที่ 5" in said[0] and "item 5 of reports" in said[1] and "every row back" not in text
    assert "ว่าง" in said[0] and "สีแดง" in said[0] and "empty" in said[1] and "red" in said[1]


@pytest.mark.parametrize(("row", "key"), [(3, "rows-deleted.attached"), (7, "rows-deleted.attached.lost")])
def test_rows_with_nothing_to_type_or_no_report_are_told_so(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path, row: int, key: str) -> None:
    """A heading row deleted lost nothing (the copy has every row back); a row of fields outside the
    reports is told "the row put back, marked red", with no report's number."""
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    wb[progress_form.sheet].delete_rows(row)
    wb.save(path)
    filled = read_filled(path)
    report = validate(filled)
    assert [(f.code, f.cell) for f in report.errors] == [("rows-deleted", f"A{row}")]
    assert render(key, "th", row=row, lost="1") in render_for_school(report, marked=True)
    marked = tmp_path / "marked.xlsx"
    write_marked_up(filled, report, marked)
    notes = [c.comment.text for line in load_workbook(marked)[progress_form.sheet].iter_rows(min_row=row, max_row=row)
             for c in line if c.comment and c.column > 1]  # A: the finding's own cell (tests/test_teacher_marked_fixed.py)
    put_back = render("markup.row_put_back.row", "th")
    assert (bool(notes) and all(n.startswith(put_back) for n in notes)) == (key.endswith(".lost"))


def test_an_office_filled_cell_of_the_row_put_back_can_be_typed_again(progress_form: Form, seed: dict[str, Any],
                                                                      tmp_path: Path) -> None:
    """Row 7 holds the project's end date (C7), filled in by the office and locked: deleted, its value is
    in the file no more, and the copy gave it back empty and still locked, a cell she could not type into
    that the copy read back said was missing. A template that records what the office filled in gets it
    back (tests/test_putback_refilled.py); one issued before it did (no ``values`` rows) is this one."""
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    wb[progress_form.sheet].delete_rows(7)
    meta = wb["_sheetsync"]
    for row in reversed([r[0].row for r in meta.iter_rows() if r[0].value == VALUE]):
        meta.delete_rows(row)
    wb.save(path)
    filled = read_filled(path)
    assert "C7" in filled.locked_expected
    marked = tmp_path / "marked.xlsx"
    write_marked_up(filled, validate(filled), marked)
    ws = load_workbook(marked)[progress_form.sheet]
    assert ws["C7"].value is None and ws["C7"].protection.locked is False
    assert ws["C7"].comment is not None and ws["C7"].comment.text.startswith(render("markup.row_put_back.row", "th"))
    ws["C7"] = "30/9/2563"
    wb = ws.parent
    wb.save(marked)
    assert validate(read_filled(marked)).valid  # typed again, the copy is her return


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_calc_shows_the_note_on_the_row_put_back(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                 tmp_path: Path, fmt: str) -> None:
    filled = read_filled(_deleted(progress_form, seed, tmp_path))
    marked = tmp_path / f"marked.{fmt}"
    write_marked_up(filled, validate(filled), marked)
    cells = libreoffice.cells(marked, progress_form.sheet, INPUTS)
    assert all(c["annotation"].startswith(render("markup.row_put_back", "th", item="รายงานครั้งที่ 5")) for c in cells.values())
    assert not any(c["locked"] for c in cells.values())  # she can type report 5 there


def test_a_row_put_back_is_named_as_each_form_names_its_rows() -> None:
    """Another form's keyed table is named by its own words, never as "รายงานครั้งที่" (the progress report's):
    a form is a layout and a schema, and the words for its rows come from them."""
    equipment = find_form(DATA / "equipment" / "equipment-inventory.yaml")
    table = next(t for t in equipment.tables if t.key)
    (row, name), = rows_put_back(equipment, (table.first_row + 1, -1))
    assert row == table.first_row + 1 and name is not None
    assert "รายงาน" not in name[0] and "แถวที่ 2" in name[0] and "report" not in name[1], name
    progress = find_form("progress-report")
    assert lost_params(progress, (ROW, -1)) == (("items", "รายงานครั้งที่ 5"), ("items_en", "item 5 of reports"))
