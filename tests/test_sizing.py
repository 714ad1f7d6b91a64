"""Issue 8, items 2 and 3: rows that grow, widths from the font's metrics, the form's look."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from odf.opendocument import load
from odf.table import Table, TableHeaderRows, TableRow
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sheetsync.spec.form import Form
from sheetsync.spec.pointers import generic, schema_node
from sheetsync.template.metrics import ESTIMATE, PT_PER_UNIT, font_metrics, line_count, line_height, longest_word, text_width
from sheetsync.template.plan import AMOUNT_FORMAT, build_plan
from sheetsync.template.sizing import MAX_ROW_PT, fit_rows
from sheetsync.template.write import write_template

REPORT_ROWS = range(37, 49)


def test_metrics_come_from_the_installed_font() -> None:
    metrics = font_metrics("TH Sarabun New")
    if metrics is ESTIMATE:
        pytest.skip("no TH Sarabun New (or substitute) font file on this machine")
    # Thai marks above and below take no width; a digit is narrower than a Thai letter here.
    assert text_width("ก้", 16) == text_width("ก", 16)
    assert 0 < text_width("0", 16) < text_width("ม", 16)
    assert text_width("งบประมาณ", 16, bold=True) > text_width("งบประมาณ", 16)
    assert 1.3 < line_height(16) / 16 < 2.0


def test_line_count_breaks_at_spaces_and_cuts_what_cannot_fit() -> None:
    word = text_width("เครือข่ายโรงเรียน", 16)
    assert line_count("เครือข่ายโรงเรียน", word * 3, 16) == 1
    assert line_count("เครือข่ายโรงเรียน เครือข่ายโรงเรียน", word * 1.5 + 6, 16) == 2
    assert line_count("ก" * 200, 100, 16) > 5
    assert line_count("หนึ่ง\nสอง\nสาม", 500, 16) == 3
    assert longest_word("ความก้าวหน้า\nของงานฯ (%)", 16) == text_width("ความก้าวหน้า", 16)


def test_report_rows_fit_their_text_other_rows_are_computed(progress_form: Form, seed: dict[str, Any]) -> None:
    plan = build_plan(progress_form, seed)
    assert set(REPORT_ROWS) <= plan.fit_rows == fit_rows(progress_form) - {25, 26}
    assert 12 not in fit_rows(progress_form)  # merged text: a height computed from the text
    # The networks' schools are a plain cell: fitted, but the sample's two networks are prefilled and
    # locked, so their rows get the height computed from their text (sizing.settled_rows).
    assert {25, 26, 27, 28} <= fit_rows(progress_form)
    # The networks' school lists (five and six lines) get rows tall enough for them.
    assert plan.row_heights[25] >= round(5 * line_height(16), 1) and plan.row_heights[26] >= round(6 * line_height(16), 1)
    assert max(plan.row_heights.values()) <= MAX_ROW_PT


@pytest.mark.parametrize("data", [None, "seed"])
def test_every_xlsx_row_height_within_excel_limit(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                  data: str | None) -> None:
    path = tmp_path / "t.xlsx"
    write_template(progress_form, path, data=seed if data else None)
    ws = load_workbook(path)[progress_form.sheet]
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}
    assert heights and max(heights.values()) <= 409
    # openpyxl reports every row with a height as custom: read the sheet's XML instead.
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    rows = {int(m[1]): m[0] for m in re.finditer(r'<row r="(\d+)"[^>]*>', xml)}
    for row in REPORT_ROWS:
        assert 'ht="' in rows[row] and "customHeight" not in rows[row], rows[row]  # programs fit it
    assert 'customHeight="1"' in rows[12]  # merged: a fixed height computed from the text


def test_the_form_look(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(progress_form, path, data=seed, lock_rows=True)
    ws = load_workbook(path)[progress_form.sheet]
    assert ws["E37"].number_format == AMOUNT_FORMAT and ws["F6"].number_format == AMOUNT_FORMAT
    assert ws["E43"].alignment.horizontal == "right" and ws["D43"].alignment.horizontal == "right"
    assert ws["D37"].value == "10.00 %"  # progress as the form prints it
    # Prefilled (locked) report rows keep their borders and fill: no holes in the table.
    assert ws["B37"].protection.locked and ws["B37"].border.left.style == "thin"
    assert ws["B37"].fill.fgColor.rgb.endswith("FFF9E5")
    # Next month's signature line is empty and open.
    assert ws["C50"].value is None and not ws["C50"].protection.locked
    assert ws.print_title_rows == "$36:$36"


def test_ods_repeats_the_report_header_and_fits_report_rows(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    path = tmp_path / "t.ods"
    write_template(progress_form, path, data=seed)
    doc = load(str(path))
    table = next(t for t in doc.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == progress_form.sheet)
    (header,) = table.getElementsByType(TableHeaderRows)
    assert len(header.getElementsByType(TableRow)) == 1
    styles = {s.getAttribute("name"): s for s in doc.automaticstyles.childNodes}
    rows = table.getElementsByType(TableRow)
    def optimal(row: int) -> str:
        return str(styles[rows[row - 1].getAttribute("stylename")].childNodes[0].getAttribute("useoptimalrowheight"))

    assert optimal(45) == "true"  # a report still to write: Calc fits it to what is typed
    assert optimal(38) == "false"  # a prefilled one keeps its computed height (tests/test_reopened_ods.py)


def test_columns_widen_for_dates_amounts_and_dropdown_labels(progress_form: Form) -> None:
    plan = build_plan(progress_form)
    unit = 7.0  # sheetsync.template.metrics.PT_PER_UNIT
    assert plan.column_widths["B"] * unit >= longest_word("30/12/2563", 16)
    assert plan.column_widths["G"] * unit >= longest_word("ไม่เป็นไปตามเป้าหมาย", 16)
    assert plan.column_widths["A"] + plan.column_widths["B"] >= 22  # never narrower than the layout


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_calc_grows_a_report_row_to_typed_lines(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"t.{fmt}"
    write_template(progress_form, path, data=seed)
    three = "ขั้นที่ 1 จัดทำโครงการ\nขั้นที่ 2 เสนอขออนุมัติ\nขั้นที่ 3 ดำเนินการ"
    geometry = libreoffice.geometry(path, progress_form.sheet, columns=7, rows=51, entries={"C44": three})
    mm_per_pt = 25.4 / 72
    assert geometry["rows_mm"][43] >= 3 * 16 * 1.5 * mm_per_pt  # three lines of 16 pt at least
    prefilled = len(seed["reports"]) if fmt == "ods" else 0  # see tests/test_reopened_ods.py
    assert geometry["optimal"][36 + prefilled:48] == [True] * (12 - prefilled)
    assert geometry["repeat_rows"] == [36, 36]
    # Prefilled report 5 (a long stage text) is shown whole, not cut to one line.
    assert geometry["rows_mm"][40] > 20 * line_height(16) * mm_per_pt * 0.5


def test_earlier_reports_of_next_months_template_get_fixed_heights(progress_form: Form,
                                                                   seed: dict[str, Any]) -> None:
    """Locked, prefilled report rows hold nothing to type: their height is computed, fixed; the
    rows still to fill stay fitted by the program."""
    seed["reports"] = seed["reports"][:3]
    plan = build_plan(progress_form, seed, lock_rows=True)
    assert not {37, 38, 39} & plan.fit_rows and set(range(40, 49)) <= plan.fit_rows
    assert all(plan.row_heights[row] >= round(line_height(16), 1) for row in (37, 38, 39))


@pytest.mark.libreoffice
@pytest.mark.parametrize("route", ["ods", "xlsx saved as ods by Calc"])
def test_a_prefilled_report_row_keeps_its_two_lines_in_calc(libreoffice: Any, progress_form: Form,
                                                             seed: dict[str, Any], tmp_path: Path, route: str) -> None:
    """Calc fitted report 1 ("…(โรงเรียนวัดนางนอง)") one line tall each time it opened the .ods,
    and printed its second line over report 2; so did a school's "save as .ods" of the .xlsx."""
    seed["reports"] = seed["reports"][:3]
    seed["reports"][0]["stage"] = "จัดทำโครงการเพื่อขออนุมัติ (โรงเรียนวัดนางนอง)"
    path = tmp_path / ("t.ods" if route == "ods" else "t.xlsx")
    write_template(progress_form, path, data=seed, lock_rows=True)
    if route != "ods":
        path = libreoffice.convert(path, tmp_path / "saved.ods")
    geometry = libreoffice.geometry(path, progress_form.sheet, columns=7, rows=48)
    mm_per_pt = 25.4 / 72
    assert geometry["rows_mm"][36] >= 2 * line_height(16) * mm_per_pt * 0.95  # two lines, as printed
    assert geometry["optimal"][39:48] == [True] * 9  # the reports still to come grow as typed


@pytest.mark.libreoffice
def test_calc_grows_a_merged_one_line_input_typed_into_an_ods(libreoffice: Any, progress_form: Form,
                                                              tmp_path: Path) -> None:
    """A long objective or qualitative target typed into a blank template (B17:G17, C29:G29: one row
    each) was cut to its row's height on screen and in print. Calc fits a row to a cell merged across
    its columns: the .ods and the .xlsx leave such empty one-line rows with a label to it (the .xlsx
    pinned them, cutting what a teacher typed in Calc; Excel, which fits a row to its single cells
    only, keeps the one line written, as before). Rows the layout gives more room keep it (Calc fits an empty row to its label): ``heights:``, rows
    taller than a line, unlabelled rows (the networks')."""
    long = "ส่งเสริมให้นักเรียนมีทักษะการอ่าน การเขียน และการคิดวิเคราะห์ ตามมาตรฐานการศึกษาขั้นพื้นฐาน " * 4
    plan = build_plan(progress_form)
    assert {9, 17, 21, 29} <= plan.grow_rows and not {12, 23, 25, 31, 34, 37} & plan.grow_rows
    mm = {}
    for fmt in ("ods", "xlsx"):
        path = tmp_path / f"blank.{fmt}"
        write_template(progress_form, path)
        mm[fmt] = libreoffice.geometry(path, progress_form.sheet, columns=7, rows=40,
                                       entries={"B17": long, "C29": long})["rows_mm"]
    mm_per_pt = 25.4 / 72
    for row in (17, 29):
        for fmt in ("ods", "xlsx"):
            assert mm[fmt][row - 1] >= 3 * line_height(16) * mm_per_pt * 0.9, (fmt, row)  # it holds the typed lines
    for row in (23, 31, 34):  # the rows the layout sizes print as tall in the .ods as in the .xlsx
        assert mm["ods"][row - 1] == pytest.approx(mm["xlsx"][row - 1], abs=0.6), row


@pytest.mark.libreoffice
def test_xlsx_and_ods_lay_out_alike_in_calc(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                           tmp_path: Path) -> None:
    widths = {}
    for fmt in ("xlsx", "ods"):
        path = tmp_path / f"t.{fmt}"
        write_template(progress_form, path, data=seed)
        widths[fmt] = libreoffice.geometry(path, progress_form.sheet, columns=7, rows=1)["columns_mm"]
    assert widths["xlsx"] == pytest.approx(widths["ods"], abs=0.3)


def test_a_text_too_tall_for_excel_widens_its_column(progress_form: Form, seed: dict[str, Any]) -> None:
    """A report's stage needing more than 409 pt at the layout's width widens column C instead."""
    seed["reports"][0]["stage"] = "เครือข่ายโรงเรียนจัดนิทรรศการแสดงผลงานทางวิชาการ " * 40
    plan = build_plan(progress_form, seed)
    layout = float(progress_form.layout["columns"]["C"])
    assert plan.column_widths["C"] > layout
    lines = line_count(seed["reports"][0]["stage"], plan.column_widths["C"] * 7.0, 16)
    assert lines * line_height(16) <= MAX_ROW_PT
    assert plan.row_heights[37] <= MAX_ROW_PT
    # The sample's own texts fit without widening beyond what report 5 needs.
    assert build_plan(progress_form, None).column_widths["C"] == layout


def _block_height_needed(plan: Any, cell: Any, text: str) -> float:
    width = sum(plan.column_widths[chr(64 + c)] for c in range(cell.place.col, cell.place.last_col + 1))
    return line_count(text, width * PT_PER_UNIT, 16) * line_height(16)


def test_a_rationale_too_long_for_one_row_splits_over_its_block(progress_form: Form, seed: dict[str, Any]) -> None:
    """Issue 8: the sample's own rationale needs ~470 pt at the layout's widths (over Excel's 409):
    its block spans four rows, each under the limit, together tall enough for the whole text."""
    seed["rationale"] = "\n".join([seed["rationale"]] * 3)  # ~4,500 characters, three times the sample
    for report in seed["reports"]:
        report["stage"] = "ดำเนินการตามแผน"  # short: column C keeps the layout's width
    plan = build_plan(progress_form, seed)
    block = next(c for c in plan.cells if c.pointer == "/rationale")
    rows = range(block.place.row, block.place.last_row + 1)
    assert len(rows) == 4 and plan.column_widths["C"] == float(progress_form.layout["columns"]["C"])
    needed = _block_height_needed(plan, block, seed["rationale"])
    assert needed > 3 * MAX_ROW_PT  # the text really needs more than three rows of Excel's limit
    assert all(plan.row_heights[r] <= MAX_ROW_PT for r in rows)
    assert sum(plan.row_heights[r] for r in rows) >= needed


def test_an_empty_rationale_block_keeps_room_to_write(progress_form: Form) -> None:
    plan = build_plan(progress_form, None)
    assert sum(plan.row_heights[r] for r in range(12, 16)) >= 120  # as the one-row block had


def test_every_text_block_holds_the_longest_text_its_schema_allows(progress_form: Form,
                                                                  seed: dict[str, Any]) -> None:
    """The schema's limits and the layout agree: the longest text a school may write (ordinary Thai
    prose, the sample's) fits its merged block at the template's widths, at ≤ 409 pt a row. Report
    rows are left out: programs fit those, and a text too tall widens its column instead."""
    plan = build_plan(progress_form, None)
    prose = (seed["rationale"].replace("\n", " ") + " ") * 20
    names = [s for n in seed["targets"]["networks"] for s in n["schools"]]
    checked = 0
    for cell in plan.cells:
        if cell.role != "input" or cell.kind not in ("text", "lines") or cell.place.row in plan.fit_rows:
            continue
        node = schema_node(progress_form.schema, generic(re.sub(r"/#\d+", "/0", cell.pointer or ""))) or {}
        if cell.kind == "lines":
            item = node.get("items", {})
            longest = [max(names, key=len).ljust(item["maxLength"], "ก")] * node["maxItems"]
            text = "\n".join(longest)
        else:
            text = prose[:node.get("maxLength", 0)]
        room = (cell.place.last_row - cell.place.row + 1) * MAX_ROW_PT - 6
        assert _block_height_needed(plan, cell, text) <= room, (cell.pointer, cell.place.span)
        checked += 1
    assert checked >= 15


def test_every_cell_of_a_merged_block_has_its_block_s_style(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    """A merged block is written with its style (borders, lock, fill) on every cell, edges and inside
    alike: the writer merges without openpyxl's pass copying the top-left cell's borders to the edges,
    then styles each cell itself (a border or a lock on the first cell only would leave holes).
    Read from the sheet's XML: openpyxl's reader redoes that pass on the blocks it loads."""
    from openpyxl.utils.cell import range_boundaries

    path = tmp_path / "t.xlsx"
    plan = build_plan(progress_form, seed, recipient="school-01")
    write_template(progress_form, path, data=seed, recipient="school-01")
    ws = load_workbook(path)[progress_form.sheet]
    blocks = [c for c in plan.cells if c.place.span != c.place.ref]
    assert blocks and {str(r) for r in ws.merged_cells.ranges} == {c.place.span for c in blocks}
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    style = dict(re.findall(r'<c r="([A-Z]+[0-9]+)" s="([0-9]+)"', xml))
    for spec in blocks:
        first_col, first_row, last_col, last_row = range_boundaries(spec.place.span)
        refs = [f"{get_column_letter(c)}{r}" for r in range(first_row, last_row + 1)
                for c in range(first_col, last_col + 1)]
        assert {style.get(ref) for ref in refs} == {style[spec.place.ref]}, spec.place.span
    anchor = next(c for c in blocks if c.style.border and c.locked)
    assert ws[anchor.place.ref].border.left.style == "thin" and ws[anchor.place.ref].protection.locked
