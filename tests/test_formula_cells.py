"""Formulas a teacher types into the unlocked input cells, in real Calc (.xlsx and .ods).

Policy (README, ``sheetsync validate``): a formula whose result is a plain value is what the teacher
meant (``=1000*12``) and its stored result is read; a formula whose result is an error (#DIV/0!),
one whose value changes every time the file opens (RAND, NOW, TODAY) and one that reaches another
file or the network (WEBSERVICE, HYPERLINK, ``'file:…'#``) are refused naming the cell. Nothing
here touches the network: the one address used is 127.0.0.1 on the discard port.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.errors import UnreadableFileError, UnsafeFileError
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

TYPED = {
    "F6": "=1000*12",  # amount: a sum typed as a formula
    "F7": "=F6-1000",  # amount: a reference to another input cell
    "C4": "=1/0",  # text, required: #DIV/0!
    "C31": '=WEBSERVICE("http://127.0.0.1:9/x")',  # text, optional: #VALUE! (and the network)
    "C32": '=HYPERLINK("http://127.0.0.1:9/x";"link")',  # text: a link
    "E37": "=RAND()",  # amount: a new value on every open
    "E38": "=1/0",  # amount in a report row: #DIV/0!
    "C6": "=TODAY()",  # date: the cell is text-formatted, so Calc keeps what was typed as text
    "D37": "=50+5",  # percent: text-formatted too
}


def _typed(libreoffice: Any, form: Form, tmp_path: Path, fmt: str) -> Path:
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(form, blank)
    libreoffice.type_into(blank, typed, TYPED, sheet=form.sheet)
    return typed


def _by_cell(path: Path) -> dict[str, set[str]]:
    """Each cell's finding codes, but a report row's being only begun (``row-begun-only``, told on the row's
    first typed cell: here the one cell a test types in an empty row), which is not what these tests are about."""
    found: dict[str, set[str]] = {}
    for f in validate(read_filled(path), key=None).findings:
        if f.code != "row-begun-only":
            found.setdefault(f.cell, set()).add(f.code)
    return found


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_formulas_typed_in_calc(libreoffice: Any, progress_form: Form, tmp_path: Path, fmt: str) -> None:
    typed = _typed(libreoffice, progress_form, tmp_path, fmt)
    filled = read_filled(typed)
    found = _by_cell(typed)
    # A computed plain value is what the teacher meant: read, no finding on its cell.
    assert filled.data["project"]["budget_received"] == 12000
    assert filled.data["project"]["budget_used"] == 11000
    assert "F6" not in found and "F7" not in found, found
    # An error result is told as such, never as an empty cell.
    assert found["C4"] == {"formula-error"}, found.get("C4")
    assert found["E38"] == {"formula-error"}, found.get("E38")
    report = validate(filled, key=None)
    div = next(f for f in report.findings if f.cell == "C4")
    assert div.value == "#DIV/0!" and "C4" in div.message_th and "#DIV/0!" in div.message_th
    # A value that changes on every open, or one from elsewhere, is refused.
    assert found["E37"] == {"formula-volatile"}, found.get("E37")
    assert found["C31"] == {"formula-external"}, found.get("C31")
    assert found["C32"] == {"formula-external"}, found.get("C32")
    assert "disbursed" not in filled.data["reports"][0]
    # Text-formatted cells keep a typed formula as text: refused as not a date / percent.
    assert found["C6"] == {"not-a-date"} and found["D37"] == {"not-a-percent"}, found


@pytest.mark.libreoffice
def test_a_reference_to_another_file_in_an_ods(libreoffice: Any, progress_form: Form, tmp_path: Path) -> None:
    """Typing ``='file:///etc/hostname'#$Sheet1.A1`` aborts the headless soffice (it tries to load
    the link), so the reference Calc would save is written into the typed file's cell instead."""
    typed = _typed(libreoffice, progress_form, tmp_path, "ods")
    linked = tmp_path / "linked.ods"
    with zipfile.ZipFile(typed) as src, zipfile.ZipFile(linked, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "content.xml":
                data = data.replace(b'table:formula="of:=1000*12"',
                                    b"table:formula=\"of:=['file:///etc/hostname'#$Sheet1.A1]\"")
            dst.writestr(info, data, compress_type=zipfile.ZIP_STORED if info.filename == "mimetype"
                         else zipfile.ZIP_DEFLATED)
    assert _by_cell(linked)["F6"] == {"formula-external"}
    # Saved by Calc as .xlsx, the reference becomes an external link part: the guard refuses the file.
    resaved = tmp_path / "linked.xlsx"
    libreoffice.convert(linked, resaved)
    assert any(n.startswith("xl/externalLinks/") for n in zipfile.ZipFile(resaved).namelist())
    with pytest.raises(UnsafeFileError, match="links to other workbooks"):
        read_filled(resaved)


def test_a_formula_saved_without_its_result(progress_form: Form, tmp_path: Path) -> None:
    """A program that does not calculate (openpyxl, some converters) saves a formula with no result:
    calamine reads it as an empty cell, so the school was told the cell is empty."""
    import openpyxl

    path = tmp_path / "uncalculated.xlsx"
    write_template(progress_form, path)
    book = openpyxl.load_workbook(path)
    book[progress_form.sheet]["F6"] = "=1000*12"
    book[progress_form.sheet]["C4"] = "=1/0"
    book.save(path)
    found = _by_cell(path)
    assert found["F6"] == {"formula-error"} and found["C4"] == {"formula-error"}, found
    f6 = next(f for f in validate(read_filled(path), key=None).findings if f.cell == "F6")
    assert f6.value == "=1000*12"


def test_formulas_are_looked_for_in_the_wanted_cells_only() -> None:
    """Untrusted XML: a cell written again and again, a row of many formulas, nothing evaluated."""
    from sheetsync.formats.formulas import find_formulas

    xlsx = b'<sheetData><row r="4">' + b'<c r="C4" t="e"><f>1/0</f><v>#DIV/0!</v>' * 20_000 + b"</row></sheetData>"
    assert {at: (f.code, f.shown) for at, f in find_formulas(xlsx, "xlsx", {(3, 2)}).items()} == {
        (3, 2): ("formula-error", "#DIV/0!")}
    cell = b'<table:table-cell table:formula="of:=RAND()" office:value-type="float" office:value="0.5"/>'
    ods = (b'<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
           b'<table:table-row><table:table-cell table:number-columns-repeated="2"/>' + cell * 20_000
           + b"</table:table-row>")
    found = find_formulas(ods, "ods", {(3, 2), (3, 3), (0, 0)})
    assert {at: f.code for at, f in found.items()} == {(3, 2): "formula-volatile", (3, 3): "formula-volatile"}
    assert find_formulas(ods, "ods", set()) == {} and find_formulas(b"<sheetData/>", "xlsx", {(0, 0)}) == {}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_call_past_the_characters_a_message_shows_is_still_found(fmt: str) -> None:
    """The formula was cut to the 120 characters a message quotes before it was looked into: a
    RAND() or a link at character 200 of a long IF() was read as a plain value."""
    from sheetsync.formats.formulas import find_formulas

    long = "IF(" + "+".join(["F6"] * 50) + '>0;{};0)'
    cells = {
        "xlsx": lambda text: b'<row r="4"><c r="C4"><f>' + text.encode() + b"</f><v>1</v></c></row>",
        "ods": lambda text: (b'<table:table-row table:number-rows-repeated="3"/><table:table-row>'
                             b'<table:table-cell table:number-columns-repeated="2"/><table:table-cell table:formula="of:='
                             + text.encode() + b'" office:value-type="float" office:value="1"/></table:table-row>'),
    }
    for call, code in (("RAND()", "formula-volatile"), ('HYPERLINK("http://127.0.0.1:9/")', "formula-external")):
        text = long.format(call).replace(">", "&gt;").replace("\"", "&quot;")
        found = find_formulas(cells[fmt](text), fmt, {(3, 2)})
        assert found[(3, 2)].code == code, (call, found)
        assert len(found[(3, 2)].shown) == 121  # the message still quotes its start only


# Crafted files (no program writes them, calamine reads them): the RAND() typed into E37 was hidden
# from the search while calamine read its last result as a plain 0.5.
SPREADSHEETML = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RAND_XLSX = {
    "cdata": b"<f><![CDATA[RAND()]]></f><v>0.5</v>",
    "cdata-part": b"<f>RAN<![CDATA[D]]>()</f><v>0.5</v>",
    "comment-in-formula": b"<f>RAN<!-- x -->D()</f><v>0.5</v>",
    "instruction-in-formula": b"<f>RAN<?x y?>D()</f><v>0.5</v>",
    "comment-before-formula": b"<!-- x --><f>RAND()</f><v>0.5</v>",
    "cell-tag-in-comment": b'<!--<c r="H1">--><f>RAND()</f><v>0.5</v>',
    "instruction-before-formula": b"<?x?><f>RAND()</f><v>0.5</v>",
    "prefixed-formula": b'<x:f xmlns:x="' + SPREADSHEETML + b'">RAND()</x:f><v>0.5</v>',
    "prefixed-cell": b"<f>RAND()</f><v>0.5</v>",  # made <x:c><x:f>…<x:v> below
    "lower-case-reference": b"<f>RAND()</f><v>0.5</v>",  # made r="e37" below (calamine reads it as E37)
}
RAND_ODS = {
    "single-quotes": b"<table:table-cell table:formula='of:=RAND()' office:value-type='float' office:value='0.5'/>",
    "raw-gt-in-formula": b'<table:table-cell office:value-type="float" office:value="0.5" '
                         b'table:formula="of:=IF(1>0;RAND();0)"/>',
}


def _crafted(form: Form, tmp_path: Path, fmt: str, edit: Any) -> Path:
    from tests.data.hostile.build import FORM_SHEET, XLSX_SHEETS, rewrite

    base = tmp_path / f"base.{fmt}"
    write_template(form, base)
    member = XLSX_SHEETS[FORM_SHEET] if fmt == "xlsx" else "content.xml"
    return rewrite(base, tmp_path / f"crafted.{fmt}", {member: edit})


def _calamine_e37(path: Path, sheet: str) -> Any:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)[36][4]


@pytest.mark.parametrize("case", list(RAND_XLSX) + list(RAND_ODS))
def test_a_formula_written_unusually_is_still_found(progress_form: Form, tmp_path: Path, case: str) -> None:
    from tests.data.hostile.build import FORM_SHEET, ods_cell, set_xlsx_cell

    if case in RAND_ODS:
        path = _crafted(progress_form, tmp_path, "ods", ods_cell(FORM_SHEET, "E37", RAND_ODS[case]))
    else:
        def edit(xml: bytes) -> bytes:
            xml = set_xlsx_cell("E37", RAND_XLSX[case], b' t="n"')(xml)
            if case == "prefixed-cell":
                xml = xml.replace(b'<worksheet xmlns="', b'<worksheet xmlns:x="' + SPREADSHEETML + b'" xmlns="', 1)
                xml = xml.replace(b'<c r="E37" t="n"><f>RAND()</f><v>0.5</v></c>',
                                  b'<x:c r="E37" t="n"><x:f>RAND()</x:f><x:v>0.5</x:v></x:c>')
            if case == "lower-case-reference":
                xml = xml.replace(b'<c r="E37" t="n">', b'<c r="e37" t="n">')
            return xml
        path = _crafted(progress_form, tmp_path, "xlsx", edit)
    assert _calamine_e37(path, FORM_SHEET) == 0.5  # what the school would have had accepted
    assert _by_cell(path)["E37"] == {"formula-volatile"}


def test_a_cell_tag_in_a_comment_of_an_ods_cell_moves_no_formula(progress_form: Form, tmp_path: Path) -> None:
    """Three phantom cells in a comment of C37's text put E37's RAND() in H37, a cell not looked into."""
    from tests.data.hostile.build import FORM_SHEET, ods_cell

    rand = b'<table:table-cell table:formula="of:=RAND()" office:value-type="float" office:value="0.5"/>'
    phantom = (b'<table:table-cell office:value-type="string"><text:p>a<!--<table:table-cell '
               b'table:number-columns-repeated="3"/>--></text:p></table:table-cell>')
    path = _crafted(progress_form, tmp_path, "ods",
                    lambda xml: ods_cell(FORM_SHEET, "E37", rand)(ods_cell(FORM_SHEET, "C37", phantom)(xml)))
    assert _calamine_e37(path, FORM_SHEET) == 0.5
    assert _by_cell(path)["E37"] == {"formula-volatile"}


def test_a_cell_written_twice_is_read_as_its_last(progress_form: Form, tmp_path: Path) -> None:
    """calamine reads the last of two E37s: a plain formula first no longer hides a RAND() after it."""
    from tests.data.hostile.build import FORM_SHEET, set_xlsx_cell

    twice = b'<f>1+1</f><v>2</v></c><c r="E37" t="n"><f>RAND()</f><v>0.5</v>'
    path = _crafted(progress_form, tmp_path, "xlsx", set_xlsx_cell("E37", twice, b' t="n"'))
    assert _calamine_e37(path, FORM_SHEET) == 0.5
    assert _by_cell(path)["E37"] == {"formula-volatile"}


MASTER_IN_A1 = {  # E37 takes its formula from the locked title cell A1 (its text unchanged)
    "shared": (b'<f t="shared" ref="A1:G50" si="0">RAND()</f>', b'<f t="shared" si="0"/><v>0.5</v>'),
    "array": (b'<f t="array" ref="A1:G50">RAND()</f>', b"<v>0.5</v>"),
}


@pytest.mark.parametrize("kind", list(MASTER_IN_A1))
def test_a_formula_taken_from_a_cell_not_looked_into_is_found(progress_form: Form, tmp_path: Path, kind: str) -> None:
    from tests.data.hostile.build import FORM_SHEET, set_xlsx_cell

    master, cell = MASTER_IN_A1[kind]

    def edit(xml: bytes) -> bytes:
        xml = set_xlsx_cell("E37", cell, b' t="n"')(xml)
        return xml.replace(b'<c r="A1" s="1" t="inlineStr">', b'<c r="A1" s="1" t="inlineStr">' + master, 1)
    path = _crafted(progress_form, tmp_path, "xlsx", edit)
    assert _calamine_e37(path, FORM_SHEET) == 0.5
    found = _by_cell(path)
    assert found["E37"] == {"formula-volatile"} and "A1" not in found, found


def test_a_formula_whose_cell_does_not_say_where_it_is_is_found(progress_form: Form, tmp_path: Path) -> None:
    """Cells without r= follow the one before (calamine places the fifth cell of row 37 in E37)."""
    import re

    def edit(xml: bytes) -> bytes:
        row = re.search(rb'<row r="37"[^>]*>.*?</row>', xml, re.S)
        assert row is not None
        return (xml[:row.start()] + b'<row r="37"><c/><c/><c/><c/><c t="n"><f>RAND()</f><v>0.5</v></c></row>'
                + xml[row.end():])
    path = _crafted(progress_form, tmp_path, "xlsx", edit)
    assert _calamine_e37(path, "แบบรายงาน") == 0.5
    assert _by_cell(path)["E37"] == {"formula-volatile"}


def test_many_array_formulas_cost_one_look_each() -> None:
    """Past MAX_ARRAYS arrays over the wanted cells, the next one is every open cell's (one look each)."""
    from sheetsync.formats.formulas import MAX_ARRAYS, find_formulas

    arrays = b"".join(b'<c r="A%d"><f t="array" ref="B1:B1">1</f><v>1</v></c>' % (n + 1) for n in range(MAX_ARRAYS))
    xml = (b"<sheetData><row r=\"1\">" + arrays + b'</row><row r="2"><c r="A2"><f t="array" ref="B2">RAND()</f>'
           b"<v>1</v></c></row></sheetData>" + b'<c r="A3"><f t="array" ref="A3">RAND()</f></c>' * 50_000)
    found = find_formulas(xml, "xlsx", {(0, 1), (4, 2)})
    assert found[(0, 1)].text == "1" and found[(4, 2)].code == "formula-volatile"


@pytest.mark.parametrize("binding", ["on-the-cell", "twice-on-the-root"])
def test_an_ods_whose_formulas_cannot_be_placed_is_refused(progress_form: Form, tmp_path: Path, binding: str) -> None:
    """The table namespace bound to a second prefix: the search measured no table and looked for no
    formula at all (any formula of the file, a tt:formula too, went unseen)."""
    from tests.data.hostile.build import FORM_SHEET, ods_cell

    ns = b'xmlns:tt="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    if binding == "on-the-cell":
        cell = b'<table:table-cell ' + ns + b' tt:formula="of:=RAND()" office:value-type="float" office:value="0.5"/>'
        edit = ods_cell(FORM_SHEET, "E37", cell)
    else:
        cell = b'<table:table-cell table:formula="of:=RAND()" office:value-type="float" office:value="0.5"/>'
        edit = lambda xml: ods_cell(FORM_SHEET, "E37", cell)(xml).replace(  # noqa: E731
            b"<office:document-content ", b"<office:document-content " + ns + b" ", 1)
    path = _crafted(progress_form, tmp_path, "ods", edit)
    assert _calamine_e37(path, FORM_SHEET) == 0.5
    with pytest.raises(UnreadableFileError, match=r"crafted\.ods.*formulas cannot be checked"):
        read_filled(path)


def test_a_gt_inside_a_cell_tags_value_keeps_its_error_type() -> None:
    """XML allows a raw ">" in an attribute value: the cell's type after it is still read (it was
    dropped, and a formula's error result read as its value)."""
    from sheetsync.formats.formulas import find_formulas

    for quote in (b'"', b"'"):
        odd = b"x=" + quote + b"a>b" + quote
        xlsx = b'<sheetData><row r="4"><c r="C4" ' + odd + b' t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData>'
        assert {at: (f.code, f.shown) for at, f in find_formulas(xlsx, "xlsx", {(3, 2)}).items()} == {
            (3, 2): ("formula-error", "#DIV/0!")}
    unclosed = b'<sheetData><row r="4"><c r="C4" x="a t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData>'
    assert find_formulas(unclosed, "xlsx", {(3, 2)})[(3, 2)].code == "formula-error"  # read as before
