"""Percent formats found in an .xlsx's styles, and the cells shown in them (sheetsync.formats.numfmt)."""

from __future__ import annotations

import time

import pytest

from sheetsync.formats.numfmt import is_buddhist_format, is_percent_format, styled_cells, styles_where

STYLES = (b'<styleSheet><numFmts count="3"><numFmt numFmtId="164" formatCode="0.0%"/>'
          b'<numFmt numFmtId="165" formatCode="0&quot;%&quot;"/><numFmt numFmtId="166" formatCode="[$-1070000]d/m/yyyy;@"/>'
          b'</numFmts><cellStyleXfs count="1"><xf numFmtId="9"/></cellStyleXfs><cellXfs count="6">'
          b'<xf numFmtId="0" fontId="0"/><xf numFmtId="9" fontId="0"><alignment/></xf><xf numFmtId="164"/>'
          b'<xf numFmtId="165"/><xf numFmtId="166"/><xf fontId="1" numFmtId="10"/></cellXfs></styleSheet>')


@pytest.mark.parametrize("code, percent", [
    ("0%", True), ("0.00%", True), ("[$-41E]0.0%;[Red]-0.0%", True), ('#,##0" บาท"', False),
    ('0"%"', False), ("0\\%", False), ("[$-1070000]d/m/yyyy;@", False), ('"ร้อยละ "0', False),
])
def test_a_percent_sign_counts_outside_quotes_escapes_and_brackets(code: str, percent: bool) -> None:
    assert is_percent_format(code) is percent


@pytest.mark.parametrize("code, buddhist", [
    ("[$-1070000]d/m/yyyy;@", True), ("[$-107041E]d/m/yyyy", True), ("[$-D07041E]d mmmm yyyy", True),
    ("[$-th-TH,107]d/m/yyyy", True), ("d/m/bbbb", True), ("[$-41E]d/m/yyyy", False), ("[$-th-TH]d/m/yyyy", False),
    ("d/m/yyyy", False), ('d/m/yyyy" bb"', False), ("[Blue]d/m/yyyy", False), ("[$€-2] #,##0", False),
])
def test_a_buddhist_calendar_by_its_locale_tag_or_its_year_code(code: str, buddhist: bool) -> None:
    assert is_buddhist_format(code) is buddhist


def test_the_cell_formats_whose_number_format_is_a_percent() -> None:
    assert styles_where(STYLES, is_percent_format) == {1, 2, 5}  # 9, 164 and 10; not the quoted "%" nor cellStyleXfs'
    assert styles_where(b'<styleSheet><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>', is_percent_format) == set()


def test_the_wanted_cells_in_those_formats() -> None:
    sheet = (b'<worksheet><sheetData><row r="37"><c r="D37" s="1"><v>0.1</v></c><c r="E37" s="2"><v>1</v></c>'
             b'<c s="1"><v>1</v></c><c r="D38" s="12" t="n"><v>1</v></c><c r="D39" t="n" s=\'5\'><v>1</v></c>'
             b'</row></sheetData></worksheet>')
    wanted = {(36, 3), (37, 3), (38, 3)}
    assert styled_cells(sheet, frozenset({1, 2, 5}), wanted) == {(36, 3), (38, 3)}
    assert styled_cells(sheet, frozenset(), wanted) == set()


def test_unclosed_tags_cost_one_pass() -> None:
    """A hostile styles part of 2 MB of unclosed ``<cellXfs`` and ``<numFmt`` tags is read in one pass
    (each search stops at the next ``<``), and, larger than what is remembered, is not kept."""
    styles = b"<styleSheet>" + b'<numFmt numFmtId="164" formatCode="0%"' * 50_000 + b"<cellXfs " * 100_000
    started = time.perf_counter()
    assert styles_where(styles, is_percent_format) == set()
    assert time.perf_counter() - started < 1.0
