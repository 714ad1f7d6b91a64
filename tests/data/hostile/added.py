"""Sheets a school adds to the form (a list of its students, say): never read, so never refused
for their size, however many rows and cells they hold (cases of :mod:`tests.data.hostile.build`)."""

from __future__ import annotations

from typing import Callable

from sheetsync import limits

#: Rows of the list a school adds on a sheet of its own: 4 elements a row (the row, 3 cells), so twice
#: the element limit in an .ods table (~12 MB of XML) and four times it in an .xlsx sheet.
ADDED_ROWS = limits.MAX_ELEMENTS // 2
NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def added_sheet_xlsx() -> tuple[dict[str, Callable[[bytes], bytes]], str, bytes]:
    """The edits listing a sheet the school added after the form's two, its member and its XML: a list
    of 2 × ``ADDED_ROWS`` rows of 3 values."""
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>student %d</t></is></c><c r="B%d"><v>%d</v></c>'
                    b'<c r="C%d"><v>%d</v></c></row>' % (n, n, n, n, n % 7, n, n % 13)
                    for n in range(1, 2 * ADDED_ROWS + 1))
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows
             + b"</sheetData></worksheet>")
    edits: dict[str, Callable[[bytes], bytes]] = {
        "xl/workbook.xml": lambda xml: xml.replace(
            b"</sheets>", b'<sheet xmlns:r="' + NS + b'" name="list" sheetId="3" r:id="rId99"/></sheets>'),
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
            b"</Relationships>", b'<Relationship Id="rId99" Type="' + NS + b'/worksheet" '
            b'Target="worksheets/sheet3.xml"/></Relationships>'),
        "[Content_Types].xml": lambda xml: xml.replace(
            b"</Types>", b'<Override PartName="/xl/worksheets/sheet3.xml" ContentType="' + SHEET_TYPE + b'"/></Types>'),
    }
    return edits, "xl/worksheets/sheet3.xml", sheet


def added_table_ods(xml: bytes) -> bytes:
    """content.xml with a table the school added after the form's two: ``ADDED_ROWS`` rows of 3 values."""
    rows = b"".join(b'<table:table-row><table:table-cell office:value-type="string"><text:p>student %d</text:p>'
                    b'</table:table-cell><table:table-cell office:value-type="float" office:value="%d"/>'
                    b'<table:table-cell office:value-type="float" office:value="%d"/></table:table-row>'
                    % (n, n % 7, n % 13) for n in range(1, ADDED_ROWS + 1))
    table = b'<table:table table:name="list">' + rows + b"</table:table>"
    return xml.replace(b"</office:spreadsheet>", table + b"</office:spreadsheet>", 1)
