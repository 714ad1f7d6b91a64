"""Issue 8, item 6: multi-line text typed in Calc or Excel reads back with its line breaks.

An ODS cell may hold its lines as separate paragraphs or as ``<text:line-break/>`` inside one
paragraph; python-calamine drops the latter (see sheetsync.formats.odsbreaks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from odf.opendocument import load
from odf.table import Table, TableRow
from odf.text import LineBreak, P, Span
from openpyxl import load_workbook

from sheetsync.spec.form import Form
from sheetsync.formats.odsbreaks import break_lines, with_line_breaks
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template

SCHOOLS = ["โรงเรียนวัดไทร", "โรงเรียนวัดยายร่ม", "โรงเรียนวัดบางขุนเทียน"]


def _type_with_line_breaks(path: Path, sheet: str, row: int, col: int, lines: list[str], span: bool) -> None:
    """Put ``lines`` into a cell as one paragraph joined by <text:line-break/> (as other producers do)."""
    doc = load(str(path))
    table = next(t for t in doc.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == sheet)
    cell = table.getElementsByType(TableRow)[row - 1].childNodes[col - 1]
    assert cell.qname[1] == "table-cell"
    cell.setAttribute("valuetype", "string")
    paragraph = P()
    holder = Span() if span else paragraph
    for i, line in enumerate(lines):
        if i:
            holder.addElement(LineBreak())
        holder.addText(line)
    if span:
        paragraph.addElement(holder)
    cell.addElement(paragraph)
    doc.save(str(path))


@pytest.mark.parametrize("span", [False, True])
def test_ods_school_list_with_line_breaks_reads_back_as_separate_schools(progress_form: Form, tmp_path: Path,
                                                                         span: bool) -> None:
    path = tmp_path / "schools.ods"
    write_template(progress_form, path)
    _type_with_line_breaks(path, progress_form.sheet, 25, 3, SCHOOLS, span)
    _type_with_line_breaks(path, progress_form.sheet, 37, 3, ["ขั้นที่ 1", "ขั้นที่ 2", "ขั้นที่ 3"], span)
    filled = read_filled(path)
    assert filled.data["targets"]["networks"][0]["schools"] == SCHOOLS
    assert filled.data["reports"][0]["stage"] == "ขั้นที่ 1\nขั้นที่ 2\nขั้นที่ 3"


def test_ods_without_line_breaks_is_read_as_is(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "plain.ods"
    write_template(progress_form, path, data=seed)
    assert with_line_breaks(path) is None  # nothing copied for the common case
    assert read_filled(path).data["targets"]["networks"][0]["schools"] == seed["targets"]["networks"][0]["schools"]


def test_xlsx_multi_line_cell_reads_back_with_its_lines(progress_form: Form, tmp_path: Path) -> None:
    path = tmp_path / "schools.xlsx"
    write_template(progress_form, path)
    wb = load_workbook(path)
    wb[progress_form.sheet]["C25"] = "\n".join(SCHOOLS)  # Alt+Enter in Excel stores "\n"
    wb[progress_form.sheet]["C37"] = "ขั้นที่ 1\r\nขั้นที่ 2"
    wb.save(path)
    filled = read_filled(path)
    assert filled.data["targets"]["networks"][0]["schools"] == SCHOOLS
    assert filled.data["reports"][0]["stage"] == "ขั้นที่ 1\nขั้นที่ 2"


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_lines_typed_in_calc_read_back(libreoffice: Any, progress_form: Form, tmp_path: Path, fmt: str) -> None:
    template = tmp_path / f"t.{fmt}"
    write_template(progress_form, template)
    typed = tmp_path / f"typed.{fmt}"
    libreoffice.type_into(template, typed, {"C25": "\n".join(SCHOOLS)}, sheet=progress_form.sheet)
    assert read_filled(typed).data["targets"]["networks"][0]["schools"] == SCHOOLS


def test_new_line_hint_names_the_key_of_each_program(progress_form: Form) -> None:
    """Issue 8, item 7: Alt+Enter is Excel's key; in Calc it does nothing, Ctrl+Enter does it."""
    from sheetsync.template.plan import build_plan

    prompts = [c.validation.prompt for c in build_plan(progress_form).cells
               if c.kind == "lines" and c.validation is not None]
    assert prompts
    for prompt in prompts:
        assert "Excel กด Alt+Enter" in prompt and "Calc กด Ctrl+Enter" in prompt


def test_break_lines_takes_any_prefix_and_both_ways_of_writing_a_break() -> None:
    head = b'<office:document-content xmlns:t="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
    content = head + b"<t:p>a<t:line-break/>b<t:line-break ></t:line-break >c</t:p></office:document-content>"
    assert break_lines(content) == head + b"<t:p>a&#10;b&#10;c</t:p></office:document-content>"
    plain = head + b"<t:p>one line</t:p></office:document-content>"
    assert break_lines(plain) is plain  # nothing to do: the same bytes, not a copy
    unbound = b"<root><text:p>a<text:line-break/>b</text:p></root>"  # no text namespace declared
    assert break_lines(unbound) is unbound
