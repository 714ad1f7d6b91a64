"""Text of start tags never closed (``<c <c <c …``, legal inside a comment; calamine reads past it
elsewhere too) is read once, not once per tag.

Every search for a start tag (the extent scan, the clipping copy, the formulas of the form's cells)
ran ``[^>]*`` to the next ``>``: where the rest of the pattern then failed (no ``r=``, no ``<f>``
after the tag, no ``>`` before the row's end) the search began again at the next ``<c`` and read
the same text again. A 70 KB sheet took 17 s to validate, 140 KB 42 s in the formula search alone,
and a 24 MB one would take days. No start tag holds a ``<``: a search that stops there reads each
byte once. The patterns are checked for that property here (not in seconds), and whole files are
read with the text where each search used to fail.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.errors import LimitError
from sheetsync.formats import _clip, bounded, expansion, extent, formulas
from sheetsync.template.write import write_template
from sheetsync.spec.form import Form
from tests.data.hostile.build import FORM_SHEET, SEED, XLSX_SHEETS, rewrite, set_xlsx_cell

TAG_PATTERNS = {
    "formulas.XLSX_CELL_START": formulas.XLSX_CELL_START, "formulas.XLSX_RESULT": formulas.XLSX_RESULT,
    "extent.XLSX_CELL_REF": extent.XLSX_CELL_REF, "extent.XLSX_DIMENSION": extent.XLSX_DIMENSION,
    "extent.ODS_TABLE_OPEN": extent.ODS_TABLE_OPEN, "bounded.ODS_TABLE": bounded.ODS_TABLE,
    "_clip.XLSX_SHEETDATA": _clip.XLSX_SHEETDATA, "_clip.XLSX_DIMENSION": _clip.XLSX_DIMENSION,
    "_clip.XLSX_ROW": _clip.XLSX_ROW, "_clip.XLSX_CELL": _clip.XLSX_CELL, "_clip.XLSX_CONTENT": _clip.XLSX_CONTENT,
    "_clip.ODS_ROW": _clip.ODS_ROW, "_clip.ODS_CELL": _clip.ODS_CELL, "_clip.ODS_GROUP": _clip.ODS_GROUP,
    "formulas.XLSX_PREFIX": formulas.XLSX_PREFIX, "formulas.MARKUP": formulas.MARKUP,
    "expansion.ODS_SPACE": expansion.ODS_SPACE, "expansion.ODS_CELL": expansion.ODS_CELL,
    "expansion.ODS_REPEATED_CELL": expansion.ODS_REPEATED_CELL, "expansion.ODS_REPEATED_ROW": expansion.ODS_REPEATED_ROW,
}
#: Each tag name the patterns look for, left open before a whole tag that each would match.
OPEN = (b"<c <v <t <f <is <row <sheetData <dimension <table:table <table:table-row <table:table-cell "
        b"<table:table-row-group <text:s <table:table-cell table:number-columns-repeated='3' "
        b"<table:table-row table:number-rows-repeated='3' ")
WHOLE = (b'<c r="A1"><f>1</f><v>1 </v><text:s text:c="2"/><table:table-row table:number-rows-repeated="2">'
         b'<table:table-cell table:number-columns-repeated="2">')


@pytest.mark.parametrize("name", list(TAG_PATTERNS))
def test_a_start_tag_search_never_reads_past_a_tag_start(name: str) -> None:
    pattern = TAG_PATTERNS[name]
    for match in pattern.finditer(OPEN + WHOLE):
        assert b"<" not in match.group().lstrip()[1:].split(b">")[0], (name, match.group())


def _junk(tag: bytes, n: int) -> bytes:
    return b"".join(tag + os.urandom(3).hex().encode() for _ in range(n))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Path:
    path = tmp_path_factory.mktemp("unclosed") / "base.xlsx"
    write_template(progress_form, path, data=json.loads(SEED.read_text(encoding="utf-8")), recipient="school-01")
    return path


@pytest.mark.parametrize("where", ["comment", "row"])
def test_a_sheet_of_unclosed_cell_tags_is_read(base: Path, tmp_path: Path, where: str) -> None:
    # In a comment: the extent scan and the formula search each read it once per tag (5,000: ~4 s).
    # Inside the last row (no '>' before its end): the clipping copy did (5,000: ~3 s, 20,000: 48 s).
    junk = _junk(b"<c ", 5_000)

    def edit(xml: bytes) -> bytes:
        if where == "comment":
            return xml.replace(b"<sheetData>", b"<sheetData><!--" + junk + b"-->", 1)
        return xml.replace(b"</row></sheetData>", junk + b"</row></sheetData>", 1)
    formula = set_xlsx_cell("C4", b"<f>1/0</f><v>#DIV/0!</v>", b' t="e"')
    path = rewrite(base, tmp_path / f"{where}.xlsx",
                   {XLSX_SHEETS[FORM_SHEET]: lambda xml: edit(formula(xml))})
    report = validate(read_filled(path), key=None)
    assert {(f.cell, f.code) for f in report.findings if f.code.startswith("formula")} == {("C4", "formula-error")}


def test_formula_search_reads_unclosed_tags_once() -> None:
    """Unclosed ``<c`` tags before a formula cell: found, the cell's formula told."""
    xml = b"<sheetData><!--" + _junk(b"<c ", 50_000) + b'--><row r="4"><c r="C4"><f>RAND()</f><v>0.5</v></c></row>'
    found = formulas.find_formulas(xml, "xlsx", {(3, 2)})
    assert {at: f.code for at, f in found.items()} == {(3, 2): "formula-volatile"}


def test_formula_search_reads_comments_and_prefixes_once() -> None:
    """Comments full of unclosed tags, prefixed ones among them, before a prefixed formula cell: the
    sheet is rewritten plainly in one pass each (comments out, then prefixes), then searched once."""
    junk = b"".join(b"<!--<c <x:c <x:f " + os.urandom(3).hex().encode() + b"-->" for _ in range(20_000))
    xml = (b'<x:sheetData>' + junk + _junk(b"<x:c ", 20_000)
           + b'<x:row r="4"><x:c r="C4"><!----><x:f>RAND()</x:f><x:v>0.5</x:v></x:c></x:row></x:sheetData>')
    found = formulas.find_formulas(xml, "xlsx", {(3, 2)})
    assert {at: f.code for at, f in found.items()} == {(3, 2): "formula-volatile"}


def test_shared_string_cells_are_looked_into_a_bounded_stretch_each() -> None:
    """``t="s"`` with no ``>`` after it (text in a comment): each was read to the end of the sheet
    (40,000 in 240 KB: 8 s); now at most 256 bytes past it, never past a ``<``."""
    found = expansion.XLSX_SHARED_INDEX.search(b' t="s"' + b" " * 300 + b"><v>1</v>")
    assert found is None  # (a cell the pattern misses is weighed as the longest string: safe)
    assert expansion.XLSX_SHARED_INDEX.search(b' t="s"<x ><v>1</v>') is None
    assert expansion.XLSX_SHARED_INDEX.findall(b'<c r="A1" t="s" s="3"><v>7</v></c>') == [b"7"]


@pytest.mark.parametrize("unit", [b"<text:s ", b'<table:table-cell table:number-columns-repeated="5" ',
                                  b'<table:table-row table:number-rows-repeated="5" '])
def test_ods_tags_never_closed_are_refused_in_one_look(unit: bytes) -> None:
    """A tag holding a repeat or a space that runs into the next tag is no XML any two readers agree
    on: refused, as a raw ">" in such a tag already was (each was read to the end of the content
    once per tag: 20,000 in 1 MB took 5 s)."""
    content = b"<office:document-content><!-- " + unit * 50_000 + b" -->"
    with pytest.raises(LimitError):
        expansion.check_ods(Path("school.ods"), content)


def test_a_shared_strings_comment_of_cell_types_is_read_once(base: Path, tmp_path: Path) -> None:
    """The whole file: 40,000 ``t="s"`` in a comment of the form sheet, with a shared strings part."""
    shared = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              + b"<si><t>abcdefghij</t></si>" * 100 + b"</sst>")
    path = rewrite(base, tmp_path / "shared.xlsx",
                   {XLSX_SHEETS[FORM_SHEET]: lambda xml: xml.replace(b"<sheetData>", b"<!--" + b' t="s"' * 40_000
                                                                       + b"--><sheetData>", 1)})
    with zipfile.ZipFile(path, "a") as added:  # calamine reads its strings there, named or not
        added.writestr("xl/sharedStrings.xml", shared)
    assert validate(read_filled(path), key=None).valid
