"""The fast path of bounded reading (sheetsync.formats.extent): an honest file reaches calamine as
written; a file the scan cannot measure, or whose cells reach beyond the form, is clipped and
gives the same finding as before."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.check.reader import form_area, read_filled
from sheetsync.check.validate import validate
from sheetsync.formats.bounded import Bounds
from sheetsync.formats.extent import Extent, scan
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.data.hostile.measure import measure
from tests.data.hostile.build import (FAR_ODS, FORM_SHEET, META, XLSX_SHEETS, ods_append_rows, ods_bomb, rewrite,
                                      xlsx_text)


def _filled(tmp_path: Path, form: Form, seed: dict[str, Any], fmt: str) -> Path:
    path = tmp_path / f"filled.{fmt}"
    write_template(form, path, data=seed)
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_honest_file_takes_the_fast_path(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                            fmt: str, clipped: list[dict[str, Bounds]]) -> None:
    path = _filled(tmp_path, progress_form, seed, fmt)
    scanned = scan(path, fmt)
    assert scanned.extents[FORM_SHEET] == Extent(51, 7) == Extent(*vars(form_area(progress_form)).values())
    assert scanned.extents[META] is not None and scanned.extents[META].columns == 3
    report = validate(read_filled(path))
    assert clipped == [] and report.valid
    assert read_filled(path).data["project"] == seed["project"]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("sheet", [FORM_SHEET, META])
def test_a_far_cell_is_clipped_and_named(tmp_path: Path, progress_form: Form, seed: dict[str, Any], fmt: str,
                                         sheet: str, clipped: list[dict[str, Bounds]]) -> None:
    edit = ({XLSX_SHEETS[sheet]: xlsx_text("XFD1048576", "far")} if fmt == "xlsx"
            else {"content.xml": ods_append_rows(sheet, FAR_ODS)})
    clean = _filled(tmp_path, progress_form, seed, fmt)
    rows_before = len(CalamineWorkbook.from_path(str(clean)).get_sheet_by_name(sheet).to_python(skip_empty_area=False))
    path = rewrite(clean, tmp_path / f"far.{fmt}", edit)
    extent = scan(path, fmt).extents[sheet]
    assert extent is None or extent.rows > 1_000_000
    report = validate(read_filled(path))
    assert clipped and sheet in clipped[-1]
    # The ODS case appends 1,048,000 empty rows and then the far cell after the sheet's last row.
    far = "XFD1048576" if fmt == "xlsx" else f"XFD{1048001 + rows_before}"
    assert [(f.sheet, f.cell) for f in report.findings if f.code == "outside-form-area"] == [(sheet, far)]



def test_a_cell_just_beyond_the_form_is_clipped(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                clipped: list[dict[str, Bounds]]) -> None:
    # Small enough to be kept for the metadata read; beyond the form once its bounds are known.
    path = rewrite(_filled(tmp_path, progress_form, seed, "xlsx"), tmp_path / "h1.xlsx",
                   {XLSX_SHEETS[FORM_SHEET]: xlsx_text("H1", "beyond")})
    assert scan(path, "xlsx").extents[FORM_SHEET] == Extent(51, 8)
    report = validate(read_filled(path))
    assert len(clipped) == 1 and FORM_SHEET in clipped[0]
    assert [(f.code, f.cell) for f in report.findings if f.code == "outside-form-area"] == [("outside-form-area", "H1")]


def test_an_ods_repeat_bomb_is_clipped(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                       clipped: list[dict[str, Bounds]]) -> None:
    path = rewrite(_filled(tmp_path, progress_form, seed, "ods"), tmp_path / "bomb.ods",
                   {"content.xml": ods_append_rows(FORM_SHEET, ods_bomb(1000))})
    assert scan(path, "ods").extents[FORM_SHEET] == Extent(51 + 1000, 16000)
    report = validate(read_filled(path))
    assert clipped
    assert [f.cell for f in report.findings if f.code == "outside-form-area"] == ["A52"]


@pytest.mark.parametrize("cell", [
    b'<table:table-cell table:number-columns-repeated="16000"><text:p><text:s/></text:p></table:table-cell>',
    b'<table:table-cell table:number-columns-repeated="16000" office:value-type="float" office:value="1"/>',
])
def test_ods_cells_that_may_hold_something_count(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                 cell: bytes) -> None:
    # A space written as <text:s/> has no text node, yet calamine reads it: it counts as content.
    path = rewrite(_filled(tmp_path, progress_form, seed, "ods"), tmp_path / "s.ods",
                   {"content.xml": ods_append_rows(FORM_SHEET, b"<table:table-row>" + cell + b"</table:table-row>")})
    assert scan(path, "ods").extents[FORM_SHEET] == Extent(52, 16000)


def test_trailing_empty_repeats_as_calc_writes_them_stay_fast(tmp_path: Path, progress_form: Form,
                                                              seed: dict[str, Any],
                                                              clipped: list[dict[str, Bounds]]) -> None:
    trailing = (b'<table:table-row table:number-rows-repeated="1048000">'
                b'<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    path = rewrite(_filled(tmp_path, progress_form, seed, "ods"), tmp_path / "calc.ods",
                   {"content.xml": ods_append_rows(FORM_SHEET, trailing)})
    assert scan(path, "ods").extents[FORM_SHEET] == Extent(51, 7)
    assert validate(read_filled(path)).valid and clipped == []


def test_cells_without_references_are_clipped(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                              clipped: list[dict[str, Bounds]]) -> None:
    original = _filled(tmp_path, progress_form, seed, "xlsx")
    bare = rewrite(original, tmp_path / "bare.xlsx",
                   {XLSX_SHEETS[FORM_SHEET]: lambda xml: re.sub(rb' r="[A-Z]+\d+"', b"", xml)})
    assert scan(bare, "xlsx").extents[FORM_SHEET] is None
    filled = read_filled(bare)
    assert clipped and filled.data == read_filled(original).data and validate(filled).valid


@pytest.mark.parametrize("edit", [
    lambda xml: xml.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)
    .replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>"),  # cells under a prefix
    lambda xml: b'<?xml version="1.0" encoding="ISO-8859-1"?>' + xml,  # another encoding
])
def test_unusual_xlsx_is_not_measured(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                      edit: Any) -> None:
    path = rewrite(_filled(tmp_path, progress_form, seed, "xlsx"), tmp_path / "odd.xlsx",
                   {XLSX_SHEETS[FORM_SHEET]: edit})
    assert scan(path, "xlsx").extents[FORM_SHEET] is None


def test_an_ods_sub_table_is_not_measured(tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    inner = (b'<table:table-row><table:table-cell><table:table table:name="inner"><table:table-row>'
             b'<table:table-cell/></table:table-row></table:table></table:table-cell></table:table-row>')
    path = rewrite(_filled(tmp_path, progress_form, seed, "ods"), tmp_path / "sub.ods",
                   {"content.xml": ods_append_rows(FORM_SHEET, inner)})
    assert all(extent is None for extent in scan(path, "ods").extents.values())


def test_repeated_content_at_the_end_of_the_last_row_counts(tmp_path: Path, progress_form: Form,
                                                            seed: dict[str, Any],
                                                            clipped: list[dict[str, Bounds]]) -> None:
    cell = b'<table:table-cell table:number-columns-repeated="16000"><text:p><text:s/></text:p></table:table-cell>'

    def edit(xml: bytes) -> bytes:
        start = xml.index(b'table:name="' + FORM_SHEET.encode() + b'"')
        end = xml.rindex(b"</table:table-row>", start, xml.index(b"</table:table>", start))
        return xml[:end] + cell + xml[end:]
    path = rewrite(_filled(tmp_path, progress_form, seed, "ods"), tmp_path / "row48.ods", {"content.xml": edit})
    extent = scan(path, "ods").extents[FORM_SHEET]
    assert extent is not None and extent.rows == 51 and extent.columns > 16000
    read_filled(path)
    assert clipped


#: Self-closing cells without a value that calamine still gives a place (5 GB for this row).
FORMULA_BOMB = (b'<table:table-row table:number-rows-repeated="100000"><table:table-cell table:formula="of:=1" '
                b'table:number-columns-repeated="1000"/></table:table-row>')


def test_empty_looking_cells_with_a_formula_count_and_stay_bounded(tmp_path: Path, progress_form: Form,
                                                                   seed: dict[str, Any],
                                                                   clipped: list[dict[str, Bounds]]) -> None:
    path = rewrite(_filled(tmp_path, progress_form, seed, "ods"), tmp_path / "formulas.ods",
                   {"content.xml": ods_append_rows(FORM_SHEET, FORMULA_BOMB)})
    assert scan(path, "ods").extents[FORM_SHEET] == Extent(51 + 100_000, 1000)
    read_filled(path)
    assert clipped
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    run = measure([sys.executable, "-m", "sheetsync", "validate", str(path)], env=env)
    assert run.returncode in (0, 1) and run.peak_mb <= 300, (run.returncode, run.peak_mb, run.stderr[-300:])


def test_a_trailing_cell_with_only_a_style_is_empty(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                    clipped: list[dict[str, Bounds]]) -> None:
    styled = (b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:style-name="ce1" '
              b'table:number-columns-repeated="1024"/></table:table-row>')
    path = rewrite(_filled(tmp_path, progress_form, seed, "ods"), tmp_path / "styled.ods",
                   {"content.xml": ods_append_rows(FORM_SHEET, styled)})
    assert scan(path, "ods").extents[FORM_SHEET] == Extent(51, 7)
    assert validate(read_filled(path)).valid and clipped == []
