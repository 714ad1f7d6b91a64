"""The marked-up return file: the school's values, wrong cells marked, a linked findings sheet."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.render.html import render_html
from sheetsync.spec.form import Form
from sheetsync.template.markup import SUMMARY_SHEET, write_marked_up
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template
from sheetsync.check.validate import validate

HOSTILE = '=HYPERLINK("http://evil.example","คลิก")'


def _school_file(form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> Path:
    """A returned file with mistakes, typed into an issued template (header prefilled)."""
    source = tmp_path / "issued.xlsx"
    write_template(form, source, data={k: v for k, v in seed.items() if k != "reports"}, recipient="school-07")
    wb = load_workbook(source)
    ws = wb[form.sheet]
    typed = {"B37": "31/10/2562", "C37": "<script>alert(1)</script>\r\nบรรทัดสอง " + "ก" * 5000,
             "D37": "10 %", "E37": "0", "F37": "เป็นไปตามแผน", "G37": "เป็นไปตามเป้าหมาย",
             "B38": "วันจันทร์", "C38": HOSTILE, "D38": "5", "E38": "0", "F38": "เป็นไปตามแผน",
             "G38": "ไม่เป็นไปตามเป้าหมาย"}
    for ref, text in typed.items():
        ws[ref] = text
        ws[ref].data_type = "s"
    path = tmp_path / "returned.xlsx"
    wb.save(path)
    if fmt == "xlsx":
        return path
    ods = tmp_path / "returned.ods"
    filled = read_filled(path)
    write_marked_up(filled, validate(filled), ods)  # an .ods holding the same cells
    return ods


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_marked_up_reads_back_as_the_school_file(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                 fmt: str) -> None:
    school = read_filled(_school_file(progress_form, seed, tmp_path, fmt))
    report = validate(school)
    out = tmp_path / f"marked.{fmt}"
    write_marked_up(school, report, out)
    again = read_filled(out)
    assert again.data == school.data
    assert again.metadata["recipient"] == "school-07"
    assert again.metadata["template_id"] == school.metadata["template_id"]
    assert [(f.code, f.cell) for f in validate(again).findings] == [(f.code, f.cell) for f in report.findings]
    assert again.raw["C38"] == HOSTILE  # formula-looking text stays text


def test_marked_up_xlsx_marks_exactly_the_wrong_cells(progress_form: Form, seed: dict[str, Any],
                                                      tmp_path: Path) -> None:
    school = read_filled(_school_file(progress_form, seed, tmp_path, "xlsx"))
    report = validate(school)
    out = tmp_path / "marked.xlsx"
    write_marked_up(school, report, out)
    wb = load_workbook(out)
    assert wb.sheetnames[0] == SUMMARY_SHEET
    ws = wb[progress_form.sheet]
    wrong = {f.cell for f in report.findings}
    assert {"B38", "D38"} <= wrong
    commented = {c.coordinate for row in ws.iter_rows() for c in row if c.comment}
    assert commented == wrong
    # Red while it holds what was found (a conditional format: tests/test_marks.py), not painted in.
    marks = {str(cf.sqref): rule for cf in ws.conditional_formatting for rule in cf.rules if rule.dxf.fill}
    assert set(marks) == wrong and marks["B38"].dxf.fill.bgColor.rgb.endswith("FFC7CE")
    assert "วันจันทร์" in marks["B38"].formula[0]
    assert ws.protection.sheet and ws["B39"].protection.locked is False and ws["A4"].protection.locked
    assert ws["C5"].protection.locked  # prefilled by the office, still locked
    links = [row[0].hyperlink.location for row in wb[SUMMARY_SHEET].iter_rows(min_row=2) if row[0].hyperlink]
    assert sorted(links) == sorted(f"'{progress_form.sheet}'!{f.cell}" for f in report.findings)
    assert ws["C38"].data_type == "s"


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_marked_up_in_libreoffice(progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str,
                                  libreoffice: Any) -> None:
    school = read_filled(_school_file(progress_form, seed, tmp_path, fmt))
    report = validate(school)
    out = tmp_path / f"marked.{fmt}"
    write_marked_up(school, report, out)
    info = libreoffice.inspect(out)
    sheets = {s["name"]: s for s in info["sheets"]}
    assert [s["name"] for s in info["sheets"]][0] == SUMMARY_SHEET
    form_sheet = sheets[progress_form.sheet]
    assert form_sheet["protected"] is True
    annotated = {ref for ref, c in form_sheet["cells"].items() if c.get("annotation")}
    assert annotated == {f.cell for f in report.findings}
    assert "B38" in annotated and "วันจันทร์" in form_sheet["cells"]["B38"]["annotation"]
    assert form_sheet["cells"]["B39"]["locked"] is False
    urls = {link["url"].replace("!", ".") for c in sheets[SUMMARY_SHEET]["cells"].values()
            for link in c.get("hyperlinks", [])}  # Calc shows Excel's "!" or its own "." form
    assert urls == {f"#'{progress_form.sheet}'.{f.cell}" for f in report.findings}


def test_the_findings_name_the_field_and_show_the_value_as_the_school_typed_it(progress_form: Form,
                                                                               seed: dict[str, Any],
                                                                               tmp_path: Path) -> None:
    # The findings sheet's "Field" column held codes (over-budget-running); "Value found" held the
    # rule's own total (270000.0) or a C.E. ISO date (2020-10-29) instead of what the cell shows.
    seed["reports"][5]["disbursed"] = 100000.0  # 10,000 typed with one zero too many
    seed["reports"][6]["date"] = "2020-10-29"   # past the project's end
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    filled = read_filled(path)
    report = validate(filled)
    out = tmp_path / "s1-marked.xlsx"
    write_marked_up(filled, report, out)
    rows = [[c.value for c in row] for row in load_workbook(out)[SUMMARY_SHEET].iter_rows(min_row=2)]
    by_cell = {str(r[0]).split("\n")[0]: r for r in rows}
    over = next(f for f in report.findings if f.code == "over-budget-running")
    typed = load_workbook(path).worksheets[0][over.cell].value
    assert by_cell[over.cell][2] == "งบประมาณที่เบิกใช้ (บาท)"
    assert by_cell[over.cell][3] == f"{int(typed):,}"
    late = next(f for f in report.findings if f.code == "outside-period")
    assert by_cell[late.cell][3] == "29/10/2563" and by_cell[late.cell][2] == "วันที่รายงาน"
    assert not any(str(r[2]).count("-") and str(r[2]).islower() for r in rows)  # no code in the Field column


def test_a_missing_report_is_labelled_by_the_column_its_cell_is_in(progress_form: Form, seed: dict[str, Any],
                                                                  tmp_path: Path) -> None:
    """Report 4 left out, report 5 typed: the finding points at B40, the empty report's date, but the
    findings sheet labelled it "รายงานครั้งที่", the title of column A (the report's number). The label
    is the title of the column the linked cell is in; the HTML report's "Field" column says the same."""
    seed["reports"] = [r for r in seed["reports"] if r["no"] != 4]
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    filled = read_filled(path)
    report = validate(filled)
    gap = next(f for f in report.findings if f.code == "report-gap")
    assert gap.cell == "B40"
    out = tmp_path / "s1-marked.xlsx"
    write_marked_up(filled, report, out)
    rows = [[c.value for c in row] for row in load_workbook(out)[SUMMARY_SHEET].iter_rows(min_row=2)]
    row = next(r for r in rows if str(r[0]).split("\n")[0] == "B40")
    assert row[2] == "วันที่รายงาน", row
    html = render_html(report, form=progress_form)
    assert re.search(r"<td[^>]*>B40<br>\(รายงานครั้งที่ 4\)</td><td[^>]*>วันที่รายงาน</td>", html), html
