"""What a teacher does to the form from Calc's menus, beside typing: the fill handle, sorting, hiding,
comments, colours, links, sheets of her own. Driven for real (``tests/libreoffice/uno_act.py``).

Tried and found right (2026-12, LibreOffice 7.4, .xlsx and .ods; no test of its own): hiding rows 44–45
or column C, freezing the panes at the table's heading and zooming to 150 %, a comment on an open or a
locked cell, a red bold font or a green fill on a cell she typed in, an AutoFilter over the report
table, Delete over a selection spanning locked and open cells (the protected sheet refuses it: nothing
changes): each file reads back as the seed, with no finding. (Merge Cells is not on her path: Calc's
menu has it off on a protected sheet, though its API merges C42:C43 regardless.) Sorting
the reports by date, newest first: every report out of order is told on its own date and progress
cells. A link inserted over a report's stage reads as the link's text. A sheet she adds ("หมายเหตุ") or
a copy of the form ("แบบรายงาน (2)") is one warning, Thai first, naming the sheet; the form's sheet
renamed to her school's name is read, with one warning (tests/test_sheet_renamed.py). Typed into
the progress cell: "ร้อยละ 100", "100 %", "100 เปอร์เซ็นต์", "๑๐๐%", "100.00%", "๑๐๐" all read as 100;
"เต็ม 100" is told as no percent on D43. Saved as CSV, .fods or PDF: refused, Thai first, with what to do
(see tests/test_teacher_calc_saves.py); saved as .xls: valid. The hidden sheet shown (Sheet > Show Sheet),
even moved first: read as issued. Delete over all the open cells of the table: one "required" on B37.
Sort over A37:G43 (the locked numbers inside): refused, nothing moves. A formula typed into an amount
("=SUM(E37:E48)" in F7, "=100000+70000" in E43) reads as its result; into a Text cell (a date, a
percent: "=TODAY()", "=70+30") it stays text and is told as no date / no percent on its cell. Report 7's
row dragged down one row with the fill handle: Calc counts every number on (29/4/2564, 101, 170,001
บาท), each told on its cell (outside-period, above-maximum, over-budget-running); B43's date dragged
alone does the same to the year, and each row is then one row-begun-only on its B cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.errors import NotOurFormError
from sheetsync.identity import META_SHEET
from sheetsync.pipeline import why_not_read
from sheetsync.check.validate import validate
from sheetsync.render import ordered
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice

#: "please delete", the advice for a row whose report is not due yet.
DELETE = "กรุณาลบ"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_dropdown_dragged_down_the_empty_rows_is_one_finding_a_row_on_the_cell_to_delete(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """Reports 1–7 filled; she drags F43's "เป็นไปตามแผน" down with the fill handle to F48, ready for the
    months to come. Rows 44–48 then hold that one cell each, and the school was told twenty errors,
    four a row, "row 44 is partly filled but B44 is empty, please complete the row": to type reports
    that are not due. Each row is told once, on the cell she filled, with both ways out: delete it, or
    fill the rest of the row if its report is due."""
    issued, dragged = tmp_path / f"issued.{fmt}", tmp_path / f"dragged.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    libreoffice.act(issued, dragged, [["fill_down", "F43:F48"]], sheet=progress_form.sheet)
    filled = read_filled(dragged)
    assert [r.get("on_plan") for r in filled.data["reports"][7:]] == [True] * 5  # what Calc's fill did
    findings = ordered(validate(filled).findings)  # by cell, as every report lists them
    assert [(f.code, f.cell) for f in findings] == [("row-begun-only", f"F{row}") for row in range(44, 49)]
    for f in findings:
        assert f.message_th.startswith(f"แถวที่ {f.cell[1:]}") and DELETE in f.message_th, f.message_th
        assert all(f"{col}{f.cell[1:]}" in f.message_th for col in "BDEG"), f.message_th


def test_a_row_mostly_filled_still_names_each_empty_cell(progress_form: Form, seed: dict[str, Any],
                                                         tmp_path: Path) -> None:
    """Without Calc: report 7 typed but for its date: that cell is told, as before, to be filled in."""
    del seed["reports"][6]["date"]
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    assert [(f.code, f.cell) for f in validate(read_filled(path)).findings] == [("required-in-row", "B43")]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_hidden_sheet_shown_and_deleted_is_said_so(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                       tmp_path: Path, fmt: str) -> None:
    """Calc has no lock on the workbook's sheets: she shows the hidden sheet (Sheet > Show Sheet), finds
    "_sheetsync" of no use to her and deletes it. Her file was refused as "not the report the office
    sent (the data may have been copied into a new file, or the wrong file sent)": neither is what she
    did, and nothing says what to do. It names the hidden sheet she deleted and what to send instead."""
    issued, deleted = tmp_path / f"issued.{fmt}", tmp_path / f"deleted.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    done = libreoffice.act(issued, deleted, [["show_sheet", META_SHEET], ["remove_sheet", META_SHEET]],
                           sheet=progress_form.sheet)
    assert done["sheets"] == [progress_form.sheet]
    with pytest.raises(NotOurFormError) as caught:
        read_filled(deleted)
    why = why_not_read(caught.value)
    assert META_SHEET in why["th"] and "ถูกลบ" in why["th"] and "คัดลอกข้อมูล" not in why["th"], why["th"]
    assert META_SHEET in why["en"] and "deleted" in why["en"], why["en"]


COPY = "แบบรายงาน (2)"  # the name Calc gives a copy of the sheet
REPORT_8 = {"B44": "29/5/2563", "D44": "100", "E44": "175000", "F44": "เป็นไปตามแผน", "G44": "เป็นไปตามเป้าหมาย"}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_copy_of_the_form_filled_instead_of_it_is_an_error_on_its_cell(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """She keeps last month's report: Sheet > Move or Copy Sheet > Copy, and types report 8 into the copy
    "แบบรายงาน (2)". The office reads the form's own sheet only: the file was valid, a warning aside,
    so last month's data were taken as this month's and report 8 was lost, while she was told "ถูกต้อง".
    A copy of the form holding other values than the form's sheet is an error on its first such cell."""
    issued, copied = tmp_path / f"issued.{fmt}", tmp_path / f"copied.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    actions = [["copy_sheet", progress_form.sheet, COPY, 1]] + [["type_in", ref, text, COPY]
                                                               for ref, text in REPORT_8.items()]
    libreoffice.act(issued, copied, actions, sheet=progress_form.sheet)
    report = validate(read_filled(copied))
    assert not report.valid
    assert [(f.code, f.sheet, f.cell) for f in report.findings] == [("form-copy-filled", COPY, "B44")]
    message = report.findings[0].message_th
    assert message.startswith(f"แผ่นงาน “{COPY}”") and "B44" in message and f"ลบแผ่นงาน “{COPY}”" in message, message


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_copy_of_the_form_as_filled_is_still_a_warning(libreoffice: Any, progress_form: Form,
                                                         seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """A copy holding what the form's sheet holds loses nothing: it stays the warning it was."""
    issued, copied = tmp_path / f"issued.{fmt}", tmp_path / f"copied.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    libreoffice.act(issued, copied, [["copy_sheet", progress_form.sheet, COPY, 1]], sheet=progress_form.sheet)
    report = validate(read_filled(copied))
    assert report.valid and [(f.code, f.sheet) for f in report.findings] == [("sheet-not-read", COPY)]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_amount_written_with_the_abbreviation_of_baht_reads_as_the_amount(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """"170,000 บ." (บ. is how Thai paperwork abbreviates บาท), pasted into E43 from her own workbook of
    amounts (typed there, the cell's rule refuses it and says to leave out บาท; a paste passes no rule):
    it was refused as no number ("type digits only") where "170,000 บาท" is read. It is the amount."""
    issued, pasted = tmp_path / f"issued.{fmt}", tmp_path / f"pasted.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    cells = libreoffice.paste_into(issued, pasted, {"E43": ("170,000 บ.", None), "E42": ("10,000.-บ.", None)},
                                   sheet=progress_form.sheet)
    assert cells["E43"]["type"] == "text"  # as Calc pasted it
    filled = read_filled(pasted)
    assert filled.data == seed and validate(filled).findings == []


def test_in_an_xls_a_copy_of_the_form_filled_instead_of_it_is_told_too(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """Saved as .xls (Excel 97–2003, which Calc offers), the sheets a school added were never looked at:
    the copy filled instead of the form passed as valid with last month's values, and not a word of it; a
    sheet added and left empty is still nothing to say."""
    from openpyxl import load_workbook

    issued, legacy = tmp_path / "copied.xlsx", tmp_path / "copied.xls"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    wb = load_workbook(issued)
    copied = wb.copy_worksheet(wb[progress_form.sheet])
    copied.title = COPY
    for ref, text in REPORT_8.items():
        copied[ref] = text
    wb.create_sheet("ว่าง")
    kept = wb.copy_worksheet(wb[progress_form.sheet])  # as filled: loses nothing, a warning
    kept.title = "สำรอง"
    wb.save(issued)
    libreoffice.convert(issued, legacy)
    report = validate(read_filled(legacy))
    assert not report.valid
    assert [(f.code, f.sheet, f.cell) for f in report.findings] == [("form-copy-filled", COPY, "B44"),
                                                                     ("sheet-not-read", "สำรอง", "A1")]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("formula", ["=1/0", '="ห้าพัน"+1'])
def test_a_copy_of_the_form_with_its_formula_error_is_still_only_a_warning(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str, formula: str) -> None:
    """A formula whose result is an error (#DIV/0!, #VALUE!) typed into report 6's amount (E42), then the
    sheet copied as an archive: the copy holds what the form's sheet holds, error and all. The error is told
    once, on the form's cell; the copy, losing nothing, is the usual warning, never "filled instead of it"."""
    issued, copied = tmp_path / f"issued.{fmt}", tmp_path / f"copied.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    actions = [["type_in", "E42", formula], ["copy_sheet", progress_form.sheet, COPY, 1]]
    libreoffice.act(issued, copied, actions, sheet=progress_form.sheet)
    report = validate(read_filled(copied))
    told = [(f.code, f.sheet, f.cell) for f in report.findings]
    assert ("sheet-not-read", COPY, "A1") in told, told
    assert [(c, s) for c, s, _ in told if s == COPY] == [("sheet-not-read", COPY)], told
    assert [(s, c) for _, s, c in told if s != COPY] == [(progress_form.sheet, "E42")], told


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_copy_whose_only_entry_is_a_formula_error_is_read_as_it_shows(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """The copy's cells are read as the form's are: a formula's error is what it shows (calamine reads it
    as an empty cell). Report 8's amount begun in the copy as a formula that fails (E44, empty on the
    form's sheet) is something typed there instead of the form: it was taken for an identical copy."""
    issued, copied = tmp_path / f"issued.{fmt}", tmp_path / f"copied.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    actions = [["copy_sheet", progress_form.sheet, COPY, 1], ["type_in", "E44", "=E43/0", COPY]]
    libreoffice.act(issued, copied, actions, sheet=progress_form.sheet)
    report = validate(read_filled(copied))
    assert [(f.code, f.sheet, f.cell) for f in report.findings] == [("form-copy-filled", COPY, "E44")]
