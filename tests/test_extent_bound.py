"""The quick bound of a plainly written .ods table (sheetsync.formats.ods_extent.ods_bound): never below
the exact extent, given only where the row-by-row measure would measure the table too, and the
reader's decisions (kept as written, or clipped) are the same as with the exact extent."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.formats import extent
from sheetsync.formats.bounded import Bounds
from sheetsync.formats.extent import scan
from sheetsync.formats.ods_extent import Extent, ods_bound, ods_extent
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.data.hostile.build import FORM_SHEET, META, ods_append_rows, rewrite

EMPTY = b'<table:table-cell table:style-name="ce1"/>'
TEXT = b'<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every table body measured row by row."""
    calls: list[int] = []

    def spy(body: bytes) -> Extent | None:
        calls.append(len(body))
        return ods_extent(body)
    monkeypatch.setattr(extent, "ods_extent", spy)
    return calls


def _ods(tmp_path: Path, form: Form, seed: dict[str, Any]) -> Path:
    path = tmp_path / "filled.ods"
    write_template(form, path, data=seed)
    return path


def _body(path: Path, sheet: str) -> bytes:
    content = zipfile.ZipFile(path).read("content.xml")
    start = content.index(b">", content.index(b'table:name="' + sheet.encode() + b'"')) + 1
    return content[start:content.index(b"</table:table>", start)]


def test_an_honest_ods_is_read_without_measuring_row_by_row(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                            clipped: list[dict[str, Bounds]],
                                                            measured: list[int]) -> None:
    report = validate(read_filled(_ods(tmp_path, progress_form, seed)))
    assert report.valid and clipped == [] and measured == []


def _as_calc(xml: bytes) -> bytes:
    """Each run of a merged block's covered cells written as Calc writes it: one cell, repeated."""
    def one(run: re.Match[bytes]) -> bytes:
        return b'<table:covered-table-cell table:style-name="%s" table:number-columns-repeated="%d"/>' % (
            run[1], run[0].count(b"<table:covered-table-cell"))
    return re.sub(rb'<table:covered-table-cell table:style-name="(\w+)"/>(?:<table:covered-table-cell '
                  rb'table:style-name="\1"/>)+', one, xml)


def test_merged_cells_written_as_calc_writes_them_keep_the_fast_path(tmp_path: Path, progress_form: Form,
                                                                     seed: dict[str, Any],
                                                                     clipped: list[dict[str, Bounds]],
                                                                     measured: list[int]) -> None:
    clean = _ods(tmp_path, progress_form, seed)
    path = rewrite(clean, tmp_path / "calc.ods", {"content.xml": _as_calc})
    assert b"number-columns-repeated" in _body(path, FORM_SHEET)
    filled = read_filled(path)
    assert filled.data == read_filled(clean).data and validate(filled).valid
    assert clipped == [] and measured == []


@pytest.mark.parametrize("rows", [
    b"",
    b"<table:table-row>" + EMPTY * 10 + b"</table:table-row>",  # empty cells past the form: counted by the bound only
    b"<table:table-row>" + TEXT + EMPTY * 3 + b"</table:table-row><table:table-row></table:table-row>",
    b"<table:table-row>" + EMPTY * 8 + TEXT + b"</table:table-row>",
    TEXT + b"<table:table-row>" + TEXT + b"</table:table-row>",  # a cell outside any row
    # rows that do not start right after the row before (looked at one by one, not seen at once)
    b"<table:table-header-rows><table:table-row>" + TEXT + b"</table:table-row></table:table-header-rows>",
    b'\n  <table:table-row table:style-name="ro1">' + TEXT + b"</table:table-row>",
    # columns repeated (as Calc writes merged and empty neighbours), before, between and after the text
    b"<table:table-row>" + b'<table:table-cell table:number-columns-repeated="9"/>' + TEXT + b"</table:table-row>",
    b"<table:table-row>" + TEXT + b'<table:covered-table-cell table:number-columns-repeated="6"/>' + TEXT
    + b'<table:table-cell table:style-name="ce1" table:number-columns-repeated="4"/></table:table-row>',
    b'<table:table-row><table:table-cell table:number-columns-repeated="9" office:value-type="string">'
    b"<text:p>x</text:p></table:table-cell></table:table-row>",
])
@pytest.mark.parametrize("sheet", [FORM_SHEET, META])
def test_the_bound_is_never_below_the_exact_extent(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                   rows: bytes, sheet: str) -> None:
    path = rewrite(_ods(tmp_path, progress_form, seed), tmp_path / "plain.ods", {"content.xml": ods_append_rows(sheet, rows)})
    body = _body(path, sheet)
    bound, exact = ods_bound(body), ods_extent(body)
    assert bound is not None and exact is not None
    assert bound.rows >= exact.rows and bound.columns >= exact.columns
    assert scan(path, "ods").extents[sheet] == exact


@pytest.mark.parametrize("rows", [
    b'<table:table-row table:number-rows-repeated="2">' + TEXT + b"</table:table-row>",
    b"<table:table-row>" + b'<table:table-cell table:number-columns-repeated="1000"/>' + TEXT + b"</table:table-row>",
    b"<table:table-row\n>" + TEXT + b"</table:table-row>",
    b" <table:table-row\t>" + TEXT + b"</table:table-row>",  # after white space: its tag looked at, not seen at once
    b"<table:table-header-rows><table:table-row\r>" + TEXT + b"</table:table-row></table:table-header-rows>",
    b"<table:table-row-group><table:table-row>" + TEXT + b"</table:table-row></table:table-row-group>",
    b"<table:table-row/><table:table-row>" + TEXT + b"</table:table-row>",
    b"<table:table-row>" + TEXT,  # a row never closed
    b"<table:table-row>" + TEXT + b"<table:table-cell </table:table-row>",  # a cell tag never closed
    b'<table:table-row table:style-name="ro1" </table:table-row>',  # a row tag never closed
])
def test_a_table_written_otherwise_is_measured_row_by_row(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                          rows: bytes) -> None:
    path = rewrite(_ods(tmp_path, progress_form, seed), tmp_path / "odd.ods",
                   {"content.xml": ods_append_rows(FORM_SHEET, rows)})
    assert ods_bound(_body(path, FORM_SHEET)) is None


def test_empty_cells_past_the_form_keep_the_fast_path(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                      clipped: list[dict[str, Bounds]]) -> None:
    row = b"<table:table-row>" + EMPTY * 10 + b"</table:table-row>"
    clean = _ods(tmp_path, progress_form, seed)
    path = rewrite(clean, tmp_path / "wide.ods", {"content.xml": ods_append_rows(FORM_SHEET, row)})
    assert scan(path, "ods").extents[FORM_SHEET] == scan(clean, "ods").extents[FORM_SHEET]
    assert validate(read_filled(path)).valid and clipped == []


def test_content_past_the_form_without_repeats_is_clipped_and_named(tmp_path: Path, progress_form: Form,
                                                                    seed: dict[str, Any],
                                                                    clipped: list[dict[str, Bounds]]) -> None:
    clean = _ods(tmp_path, progress_form, seed)
    rows_before = len(CalamineWorkbook.from_path(str(clean)).get_sheet_by_name(FORM_SHEET)
                      .to_python(skip_empty_area=False))
    row = b"<table:table-row>" + EMPTY * 8 + TEXT + b"</table:table-row>"
    path = rewrite(clean, tmp_path / "beyond.ods", {"content.xml": ods_append_rows(FORM_SHEET, row)})
    report = validate(read_filled(path))
    assert clipped and FORM_SHEET in clipped[-1]
    assert [(f.sheet, f.cell) for f in report.findings if f.code == "outside-form-area"] == \
        [(FORM_SHEET, f"I{rows_before + 1}")]
