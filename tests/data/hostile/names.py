"""Sheet names no spreadsheet program saves (cases of :mod:`tests.data.hostile.build`): two sheets of
one name — Calc and Excel both refuse a second one, Excel even one differing only by case — and names
holding direction controls (U+202E shows what follows it backwards).

A second metadata sheet, after the template's own, once gave the file the identity written in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from tests.data.hostile.xls import number, shared_strings, xls

Edit = Callable[[bytes], bytes]
NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: A right-to-left override: "report\u202excod.exe" shows as "reportexe.docx".
RLO = "\u202e"
BIDI_NAME = f"list{RLO}txt.exe"


def ods_table_twice(sheet: str, change: tuple[bytes, bytes] = (b"", b"")) -> Edit:
    """content.xml with ``sheet``'s table written again after it, ``change`` made in the copy."""
    def edit(xml: bytes) -> bytes:
        start = xml.index(b'<table:table table:name="' + sheet.encode() + b'"')
        end = xml.index(b"</table:table>", start) + len(b"</table:table>")
        copy = xml[start:end].replace(*change) if change[0] else xml[start:end]
        return xml[:end] + copy + xml[end:]
    return edit


def xlsx_sheet_listed_again(name: str, rid: str = "rId2") -> Edit:
    """workbook.xml with one more ``<sheet>`` called ``name``, naming the part of ``rid`` (the metadata's)."""
    def edit(xml: bytes) -> bytes:
        entry = b'<sheet xmlns:r="%s" name="%s" sheetId="9" state="hidden" r:id="%s"/>' % (
            NS, name.encode(), rid.encode())
        return xml.replace(b"</sheets>", entry + b"</sheets>")
    return edit


def ods_table_renamed_copy(sheet: str, name: str) -> Edit:
    """content.xml with ``sheet``'s table copied after it under ``name`` (a sheet the school added)."""
    return ods_table_twice(sheet, (b'table:name="' + sheet.encode() + b'"', b'table:name="' + name.encode() + b'"'))


def twice_xls(out: Path) -> Path:
    """A .xls listing a sheet "_sheetsync" twice (BIFF BOUNDSHEET records: no program writes them so)."""
    path = out / "meta-sheet-twice-xls.xls"
    path.write_bytes(xls([("_sheetsync", number(0, 0)), ("_sheetsync", number(1, 1))], shared_strings(["x"])))
    return path
