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

from sheetsync.spec.form import Form
from sheetsync.metrics import ESTIMATE, font_metrics, line_count, line_height, longest_word, text_width
from sheetsync.template.plan import AMOUNT_FORMAT, build_plan
from sheetsync.sizing import MAX_ROW_PT, fit_rows
from sheetsync.template.write import write_template

REPORT_ROWS = range(34, 46)


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
    assert set(REPORT_ROWS) <= plan.fit_rows == fit_rows(progress_form)
    assert 12 not in plan.fit_rows and 22 not in plan.fit_rows  # merged cells: heights from the text
    # The networks' school lists (five and six lines) get rows tall enough for them.
    assert plan.row_heights[22] >= 5 * line_height(16) and plan.row_heights[23] >= 6 * line_height(16)
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
    assert ws["E34"].number_format == AMOUNT_FORMAT and ws["F6"].number_format == AMOUNT_FORMAT
    assert ws["E40"].alignment.horizontal == "right" and ws["D40"].alignment.horizontal == "right"
    assert ws["D34"].value == "10.00 %"  # progress as the form prints it
    # Prefilled (locked) report rows keep their borders and fill: no holes in the table.
    assert ws["B34"].protection.locked and ws["B34"].border.left.style == "thin"
    assert ws["B34"].fill.fgColor.rgb.endswith("FFF9E5")
    # Next month's signature line is empty and open.
    assert ws["C47"].value is None and not ws["C47"].protection.locked
    assert ws.print_title_rows == "$33:$33"


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
    report = styles[rows[34].getAttribute("stylename")]  # row 35
    props = report.childNodes[0]
    assert props.getAttribute("useoptimalrowheight") == "true"


def test_columns_widen_for_dates_amounts_and_dropdown_labels(progress_form: Form) -> None:
    plan = build_plan(progress_form)
    unit = 7.0  # sheetsync.metrics.PT_PER_UNIT
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
    geometry = libreoffice.geometry(path, progress_form.sheet, columns=7, rows=48, entries={"C41": three})
    mm_per_pt = 25.4 / 72
    assert geometry["rows_mm"][40] >= 3 * 16 * 1.5 * mm_per_pt  # three lines of 16 pt at least
    assert geometry["optimal"][33:45] == [True] * 12
    assert geometry["repeat_rows"] == [33, 33]
    # Prefilled report 5 (a long stage text) is shown whole, not cut to one line.
    assert geometry["rows_mm"][37] > 20 * line_height(16) * mm_per_pt * 0.5


@pytest.mark.libreoffice
def test_xlsx_and_ods_lay_out_alike_in_calc(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                           tmp_path: Path) -> None:
    widths = {}
    for fmt in ("xlsx", "ods"):
        path = tmp_path / f"t.{fmt}"
        write_template(progress_form, path, data=seed)
        widths[fmt] = libreoffice.geometry(path, progress_form.sheet, columns=7, rows=1)["columns_mm"]
    assert widths["xlsx"] == pytest.approx(widths["ods"], abs=0.3)
