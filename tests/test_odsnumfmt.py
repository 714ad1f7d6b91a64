"""Cells of an .ods table found by the kind of their number format (:mod:`sheetsync.formats.odsnumfmt`),
as Calc writes them; real Calc pastes are in tests/test_teacher_calc_paste.py."""

from __future__ import annotations

from sheetsync.formats.numfmt import is_buddhist_format, is_percent_format
from sheetsync.formats.odsnumfmt import ods_styled_cells, ods_styles_where

CONTENT = (b'<office:automatic-styles>'
           b'<number:percentage-style style:name="N11"><number:number number:decimal-places="2"/>'
           b'<number:text>%</number:text></number:percentage-style>'
           b'<number:number-style style:name="N2"/>'
           b'<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N11"/>'
           b'<style:style style:name="ce2" style:family="table-cell" style:data-style-name="N20143"/>'
           b'<style:style style:name="ce3" style:family="table-cell" style:parent-style-name="Percent"/>'
           b'<style:style style:name="ce4" style:family="table-cell" style:data-style-name="N2"/>'
           b'</office:automatic-styles><office:body>'
           b'<style:style style:name="ce9" style:data-style-name="N11"/></office:body>')
#: styles.xml: Calc's B.E. date style, and a named style (as an .xlsx's "Percent" becomes) holding a percent.
STYLES = (b'<office:styles><number:date-style style:name="N20143" number:language="th">'
          b'<number:day number:calendar="buddhist"/><number:text>/</number:text>'
          b'<number:year number:calendar="buddhist" number:style="long"/></number:date-style>'
          b'<number:date-style style:name="N37"><number:year/></number:date-style>'
          b'<number:percentage-style style:name="N10"><number:number/><number:text>%</number:text>'
          b'</number:percentage-style>'
          b'<style:style style:name="Percent" style:family="table-cell" style:data-style-name="N10"/></office:styles>')
PARTS = [(CONTENT, CONTENT.find(b"<office:body")), (STYLES, len(STYLES))]


def test_the_styles_of_each_kind_with_their_parents() -> None:
    assert ods_styles_where(PARTS, is_percent_format) == {b"ce1", b"ce3", b"Percent"}
    assert ods_styles_where(PARTS, is_buddhist_format) == {b"ce2"}
    assert ods_styles_where(PARTS[:1], is_buddhist_format) == frozenset()  # its data style is in styles.xml


def test_cells_are_placed_counting_repeated_rows_and_columns() -> None:
    body = (b'<table:table-column table:number-columns-repeated="7"/>'
            b'<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="7"/>'
            b'</table:table-row>'
            b'<table:table-row><table:covered-table-cell/><table:table-cell table:style-name="ce4" '
            b'office:value-type="float" office:value="1"/><table:table-cell table:style-name="ce1" '
            b'office:value-type="percentage" office:value="1" table:number-columns-repeated="2"/>'
            b'<table:table-cell office:value-type="percentage" office:value="0.5"/></table:table-row>'
            b'<table:table-row><table:table-cell table:style-name="ce2" office:value-type="date"/></table:table-row>')
    wanted = {(2, 1), (2, 2), (2, 3), (2, 4), (3, 0), (9, 9)}
    percent = ods_styles_where(PARTS, is_percent_format)
    assert ods_styled_cells(body, percent, wanted) == {(2, 2), (2, 3)}  # no style of its own: left out
    assert ods_styled_cells(body, ods_styles_where(PARTS, is_buddhist_format), wanted) == {(3, 0)}
    assert ods_styled_cells(body, frozenset(), wanted) == set()
