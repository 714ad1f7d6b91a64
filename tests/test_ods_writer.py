"""The .ods writer: a real form's plan, written with odfpy and read back (never byte-compared).

Values are read with python-calamine (what sheetsync's reader uses), structure with odfpy, and
once through a real LibreOffice, which must keep protection, locks, validations and the
Buddhist-Era date format when it converts the file to .xlsx.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import datetime as dt
import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from odf.element import Element
from odf.namespaces import FONS, METANS, STYLENS, TABLENS
from odf.opendocument import OpenDocument, OpenDocumentSpreadsheet, load
from odf import teletype
from odf.dc import Title
from odf.style import Map, MasterPage, PageLayout, Style
from odf.table import ContentValidation, ErrorMessage, HelpMessage, Table, TableRow
from odf.text import P
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from sheetsync.check.coerce import format_be_date
from sheetsync.spec.form import column_index, column_letter
from sheetsync.formats.odf_styles import StyleBook
from sheetsync.formats.odf_styles import sheet_address
from sheetsync.formats.ods import condition, odf_formula, write_plan
from sheetsync.identity import META_SHEET
from sheetsync.template.plan import BE_DATE_FORMAT, CellSpec, TemplatePlan, Validation, build_plan
from sheetsync.spec.registry import find_form

DATA: dict[str, Any] = {
    "project": {"name": "โครงการพัฒนาคุณภาพเครือข่ายโรงเรียน", "code": "50360000-3553", "fiscal_year": 2563,
                "start_date": "2019-10-01"},
    "reports": [{"no": 1, "date": "2019-10-31", "stage": "จัดทำโครงการ\nบรรทัดสอง", "progress_percent": 10,
                 "disbursed": 0, "on_plan": True, "on_target": True}],
}
SHEET = "แบบรายงาน"
REQUIRE_LO = "SHEETSYNC_REQUIRE_LIBREOFFICE"


@pytest.fixture(scope="module")
def plan() -> TemplatePlan:
    """The progress report, prefilled with a project header and one report."""
    return build_plan(find_form("progress-report"), DATA)


@pytest.fixture(scope="module")
def ods(plan: TemplatePlan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan written once as .ods (read-only for the tests)."""
    path = tmp_path_factory.mktemp("ods") / "แบบรายงาน.ods"
    write_plan(plan, path)
    return path


@pytest.fixture(scope="module")
def doc(ods: Path) -> OpenDocument:
    """The written file, parsed back by odfpy."""
    return load(str(ods))


def rows_of(path: Path, sheet: str) -> list[list[Any]]:
    """Cell values as python-calamine reads them, anchored at A1."""
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def value(rows: list[list[Any]], ref: str) -> Any:
    """The value at an A1 reference of ``rows``."""
    split = next(i for i, ch in enumerate(ref) if ch.isdigit())
    return rows[int(ref[split:]) - 1][column_index(ref[:split]) - 1]


def table_named(document: OpenDocument, name: str) -> Element:
    """The table:table called ``name``."""
    return next(t for t in document.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == name)


def cells_of(table: Element) -> dict[str, Element]:
    """Every cell element (covered ones too) by A1 reference, expanding repeated rows and cells."""
    cells: dict[str, Element] = {}
    row = 0
    for row_el in table.getElementsByType(TableRow):
        for _ in range(int(row_el.getAttribute("numberrowsrepeated") or 1)):
            row += 1
            col = 0
            for cell in row_el.childNodes:
                repeat = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1))
                for _ in range(repeat):
                    col += 1
                    cells[f"{column_letter(col)}{row}"] = cell
    return cells


def table_style(document: OpenDocument, table: Element) -> Element:
    """The automatic table style of a table."""
    name = table.getAttribute("stylename")
    return next(s for s in document.automaticstyles.getElementsByType(Style) if s.getAttribute("name") == name)


def cell_style(document: OpenDocument, cell: Element) -> Element:
    """The automatic cell style a cell uses."""
    name = cell.attributes[(TABLENS, "style-name")]
    return next(s for s in document.automaticstyles.getElementsByType(Style) if s.getAttribute("name") == name)


def style_property(style: Element, ns: str, attr: str) -> str | None:
    """One attribute of any properties child of ``style`` (None when no child sets it)."""
    for child in style.childNodes:
        if (ns, attr) in child.attributes:
            return str(child.attributes[(ns, attr)])
    return None


def protection(document: OpenDocument, ref: str) -> str | None:
    """style:cell-protect of the cell at ``ref`` on the input sheet."""
    cell = cells_of(table_named(document, SHEET))[ref]
    return style_property(cell_style(document, cell), STYLENS, "cell-protect")


def spec_at(plan: TemplatePlan, ref: str) -> CellSpec:
    """The plan's cell anchored at ``ref``."""
    return next(c for c in plan.cells if c.place.ref == ref)


def test_values_read_back_with_calamine(ods: Path, plan: TemplatePlan) -> None:
    rows = rows_of(ods, SHEET)
    assert value(rows, "A4") == "ชื่อโครงการ/กิจกรรม :"
    assert value(rows, "C4") == "โครงการพัฒนาคุณภาพเครือข่ายโรงเรียน"
    assert value(rows, "C5") == "50360000-3553"  # an ID stays text
    assert value(rows, "F5") == 2563.0
    assert value(rows, "C6") == "1/10/2562"  # dates are B.E. text, as typed (plan._date_rule)
    assert value(rows, "A37") == 1.0
    assert value(rows, "B37") == "31/10/2562"
    assert value(rows, "C37") == "จัดทำโครงการ\nบรรทัดสอง"  # one text:p per line, read back exactly
    assert value(rows, "D37") == "10.00 %"  # percent cells are text, as the form prints them
    assert value(rows, "E37") == 0.0
    assert value(rows, "F37") == "เป็นไปตามแผน"
    assert value(rows, "B38") == "" and value(rows, "C9") == ""
    assert len(rows) == max(plan.row_heights)


def test_metadata_sheet_is_hidden_and_all_text(ods: Path, plan: TemplatePlan) -> None:
    book = CalamineWorkbook.from_path(str(ods))
    assert book.sheet_names == [SHEET, META_SHEET]
    visibility = {m.name: m.visible for m in book.sheets_metadata}
    assert visibility == {SHEET: SheetVisibleEnum.Visible, META_SHEET: SheetVisibleEnum.Hidden}
    rows = rows_of(ods, META_SHEET)
    assert [tuple(cell for cell in row[:len(meta)]) for row, meta in zip(rows, plan.metadata)] == list(plan.metadata)
    assert all(isinstance(cell, str) for row in rows for cell in row)


def test_sheet_is_protected_with_a_sha256_digest(doc: OpenDocument, plan: TemplatePlan) -> None:
    digest = base64.b64encode(hashlib.sha256(plan.password.encode("utf-8")).digest()).decode()
    for name in (SHEET, META_SHEET):
        table = table_named(doc, name)
        assert table.getAttribute("protected") == "true"
        assert table.getAttribute("protectionkey") == digest
        assert table.getAttribute("protectionkeydigestalgorithm") == "http://www.w3.org/2000/09/xmldsig#sha256"


def test_input_cells_unlocked_labels_and_prefill_protected(doc: OpenDocument, plan: TemplatePlan) -> None:
    assert protection(doc, "A4") == "protected"  # label
    assert protection(doc, "C4") == "protected"  # prefilled header field
    assert protection(doc, "A37") == "protected"  # row number
    assert protection(doc, "C9") == "none" and protection(doc, "G9") == "none"  # input and a cell it covers
    assert protection(doc, "D4") == "protected"  # covered by the prefilled C4:G4
    assert protection(doc, "B37") == "none" and protection(doc, "B38") == "none"
    for spec in plan.cells:
        assert protection(doc, spec.place.ref) == ("protected" if spec.locked else "none"), spec.place.ref


def test_merged_cells_span_and_cover(doc: OpenDocument) -> None:
    cells = cells_of(table_named(doc, SHEET))
    anchor = cells["C4"]
    assert anchor.getAttribute("numbercolumnsspanned") == "5"
    assert all(cells[ref].qname == (TABLENS, "covered-table-cell") for ref in ("D4", "E4", "F4", "G4"))
    assert cells["B17"].getAttribute("numbercolumnsspanned") == "6"


def test_validations_defined_and_referenced(doc: OpenDocument, plan: TemplatePlan) -> None:
    definitions = {v.getAttribute("name"): v for v in doc.spreadsheet.getElementsByType(ContentValidation)}
    cells = cells_of(table_named(doc, SHEET))

    def rule(ref: str) -> Element:
        return definitions[cells[ref].attributes[(TABLENS, "content-validation-name")]]

    for spec in plan.cells:
        named = (TABLENS, "content-validation-name") in cells[spec.place.ref].attributes
        assert named == (spec.validation is not None and not spec.locked), spec.place.ref
    g34 = rule("G37")
    assert g34.getAttribute("condition") == 'of:cell-content-is-in-list("เป็นไปตามเป้าหมาย";"ไม่เป็นไปตามเป้าหมาย")'
    assert g34.getAttribute("displaylist") == "unsorted" and g34.getAttribute("allowemptycell") == "true"
    assert rule("G38") is g34  # no cell references: one shared definition
    assert rule("A25").getAttribute("condition") == (
        "of:cell-content-is-whole-number() and cell-content-is-between(1,9999)")
    assert rule("B25") is rule("A25")  # covered cells carry the anchor's rule
    b34 = rule("B37")
    assert b34.getAttribute("condition").startswith('of:is-true-formula(AND(LEFT(RIGHT(TRIM([.$B$37]);5))="/";')
    assert '[.$F$5]=""' in b34.getAttribute("condition")  # the fiscal year, once typed
    assert b34.getAttribute("basecelladdress") == f"'{SHEET}'.B37"
    assert rule("B38") is not b34  # relative to their own cell: one definition each
    prompt = spec_at(plan, "B37").validation
    assert prompt is not None
    help_message = b34.getElementsByType(HelpMessage)[0]
    assert help_message.getAttribute("title") == prompt.prompt_title
    assert [teletype.extractText(p) for p in help_message.getElementsByType(P)] == prompt.prompt.split("\n")
    error = b34.getElementsByType(ErrorMessage)[0]
    assert error.getAttribute("messagetype") == "stop" and error.getAttribute("display") == "true"


def test_fonts_styles_and_formats(doc: OpenDocument) -> None:
    cells = cells_of(table_named(doc, SHEET))
    style = cell_style(doc, cells["C37"])
    for attr in ("font-name", "font-name-complex", "font-name-asian"):
        assert style_property(style, STYLENS, attr) == "TH Sarabun New"
    assert style_property(style, STYLENS, "font-size-complex") == "16pt"
    assert style_property(style, FONS, "background-color") == "#FFF9E5"
    assert style_property(style, FONS, "wrap-option") == "wrap"
    title = cell_style(doc, cells["A1"])
    assert style_property(title, STYLENS, "font-weight-complex") == "bold"
    assert style_property(title, FONS, "text-align") == "center"
    faces = [f.getAttribute("name") for f in doc.fontfacedecls.childNodes]
    assert "TH Sarabun New" in faces
    # Styles are shared: a few dozen cells, a handful of cell styles (but an amount's: its satang's
    # condition is on its own cell, tests/test_teacher_calc.py).
    assert len([s for s in doc.automaticstyles.getElementsByType(Style)
                if s.getAttribute("family") == "table-cell" and not s.getElementsByType(Map)]) < 25
    text_style = cell_style(doc, cells["B38"]).getAttribute("datastylename")  # date cells are Text cells
    text = next(e for e in doc.automaticstyles.childNodes if e.getAttribute("name") == text_style)
    assert [e.qname[1] for e in text.childNodes] == ["text-content"]
    master = OpenDocumentSpreadsheet()  # the master's date columns keep the Buddhist date style
    date_style = StyleBook(master).data_style(BE_DATE_FORMAT)
    date = next(e for e in master.automaticstyles.childNodes if e.getAttribute("name") == date_style)
    parts = [(e.qname[1], e.attributes.get(("urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0", "calendar")))
             for e in date.childNodes]
    assert parts == [("day", "buddhist"), ("text", None), ("month", "buddhist"), ("text", None),
                     ("year", "buddhist")]


def test_page_setup_sizes_and_properties(doc: OpenDocument, plan: TemplatePlan) -> None:
    table = table_named(doc, SHEET)
    assert table.getAttribute("printranges") == f"'{SHEET}'.A1:'{SHEET}'.G51"
    master = table_style(doc, table).getAttribute("masterpagename")
    layout_name = next(m for m in doc.masterstyles.getElementsByType(MasterPage)
                       if m.getAttribute("name") == master).getAttribute("pagelayoutname")
    page = next(p for p in doc.automaticstyles.getElementsByType(PageLayout) if p.getAttribute("name") == layout_name)
    props = page.childNodes[0].attributes
    assert (props[(FONS, "page-width")], props[(FONS, "page-height")]) == ("21.0cm", "29.7cm")
    assert props[(STYLENS, "scale-to-X")] == "1" and props[(STYLENS, "scale-to-Y")] == "2"
    assert props[(FONS, "margin-left")] == "1.5cm"
    meta = {e.getAttribute("name"): str(e) for e in doc.meta.childNodes if e.qname == (METANS, "user-defined")}
    assert meta == plan.properties
    assert [teletype.extractText(t) for t in doc.meta.getElementsByType(Title)] == [plan.title]


def test_page_styles_have_header_and_footer_off(doc: OpenDocument) -> None:
    """As Calc writes a sheet's page style with them turned off (tests/test_print_resaved.py:
    without these, Calc's next save prints blank pages)."""
    for master in doc.masterstyles.getElementsByType(MasterPage):
        parts = {e.qname[1]: e.getAttribute("display") for e in master.childNodes}
        assert parts == {"header": "false", "footer": "false"}
    for layout in doc.automaticstyles.getElementsByType(PageLayout):
        parts = {e.qname[1]: e for e in layout.childNodes}
        assert {"header-style", "footer-style"} <= parts.keys()
        for part in ("header-style", "footer-style"):  # a line high, should a teacher turn one on
            assert parts[part].childNodes[0].getAttribute("minheight") == "0.75cm"


def test_formula_translation() -> None:
    assert odf_formula('AND(VALUE(SUBSTITUTE($D$34,"%",""))>=0,$D$34<=100)') == (
        'AND(VALUE(SUBSTITUTE([.$D$34];"%";""))>=0;[.$D$34]<=100)')
    assert odf_formula('OR(A1="x,B2",SUM(A1:B$3)>LOG10(C4))') == 'OR([.A1]="x,B2";SUM([.A1:.B$3])>LOG10([.C4]))'
    assert sheet_address("it's", "A1:B2") == "'it''s'.A1:'it''s'.B2"
    text = Validation("text_length", formula1="500", operator="lessThanOrEqual")
    assert condition(text) == ("of:cell-content-text-length()<=500", False)
    amount = Validation("decimal", formula1="0", formula2="1E10", operator="between")
    assert condition(amount) == ("of:cell-content-is-decimal-number() and cell-content-is-between(0,1E10)", False)
    assert condition(Validation("list", choices=('say "hi"', "b"))) == (
        'of:cell-content-is-in-list("say ""hi""";"b")', False)


def test_landscape_and_documents_do_not_share_styles(plan: TemplatePlan, tmp_path: Path) -> None:
    wide = dataclasses.replace(plan, page=dataclasses.replace(plan.page, orientation="landscape", fit_pages_tall=0))
    write_plan(wide, tmp_path / "a.ods")
    write_plan(wide, tmp_path / "b.ods")
    first, second = load(str(tmp_path / "a.ods")), load(str(tmp_path / "b.ods"))
    assert len(first.automaticstyles.childNodes) == len(second.automaticstyles.childNodes)
    props = first.automaticstyles.getElementsByType(PageLayout)[0].childNodes[0]
    assert props.attributes[(FONS, "page-width")] == "29.7cm"
    assert props.attributes[(STYLENS, "print-orientation")] == "landscape"
    assert (STYLENS, "scale-to-Y") not in props.attributes  # height: as many pages as needed


def soffice_convert(source: Path, fmt: str, out: Path, tmp_path: Path) -> Path:
    """Convert ``source`` with a real, headless LibreOffice using its own profile under tmp_path."""
    soffice = shutil.which("soffice") or ("/usr/bin/soffice" if os.access("/usr/bin/soffice", os.X_OK) else None)
    if soffice is None:
        if os.environ.get(REQUIRE_LO) == "1":
            pytest.fail(f"{REQUIRE_LO}=1 but soffice is not installed", pytrace=False)
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = (tmp_path / "lo-profile").as_uri()
    out.mkdir(exist_ok=True)
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", fmt,
                    "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    result = out / f"{source.stem}.{fmt.split(':')[0]}"
    assert result.is_file(), f"soffice did not write {result.name}"
    return result


@pytest.mark.libreoffice
def test_libreoffice_keeps_protection_validations_and_dates(ods: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    xlsx = soffice_convert(ods, "xlsx", tmp_path / "out", tmp_path)
    book = load_workbook(xlsx)
    ws = book[SHEET]
    assert ws.protection.sheet
    assert not ws["C9"].protection.locked  # an empty input
    assert ws["C4"].protection.locked and ws["A4"].protection.locked  # prefilled field, label
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}

    def rule_at(ref: str) -> Any:
        return next(dv for sqref, dv in rules.items() if any(ref in r for r in sqref.split()))

    assert rule_at("G37").type == "list" and "เป็นไปตามเป้าหมาย" in rule_at("G37").formula1
    assert (rule_at("A25").type, rule_at("A25").formula1, rule_at("A25").formula2) == ("whole", "1", "9999")
    assert rule_at("E37").type == "decimal"
    assert rule_at("B37").type == "custom" and "$B$37" in rule_at("B37").formula1
    assert ws["B38"].number_format == "@"  # a Text cell: Calc would turn a typed B.E. year into C.E.
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 2)
    assert book[META_SHEET].sheet_state == "hidden"


@pytest.mark.libreoffice
def test_libreoffice_shows_buddhist_era_dates(plan: TemplatePlan, tmp_path: Path) -> None:
    leap = dataclasses.replace(plan, cells=tuple(
        dataclasses.replace(c, value=format_be_date(dt.date(2020, 2, 28))) if c.place.ref == "B37" else c
        for c in plan.cells))
    source = tmp_path / "dates.ods"
    write_plan(leap, source)
    # CSV export writes cells as shown on screen; 44,34,76 = comma, double quote, UTF-8.
    shown = soffice_convert(source, 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true',
                            tmp_path / "out", tmp_path)
    with shown.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[5][2] == "1/10/2562"  # C6, 2019-10-01
    assert rows[36][1] == "28/2/2563"  # B37
