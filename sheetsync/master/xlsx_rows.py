"""Streaming the data rows of an .xlsx view straight into the sheet XML.

openpyxl builds an object per cell and serialises it through an XML library: ~30 µs a cell, two
minutes for a view of 20,000 keys. The rows of the master's sheets are plain values in a handful
of styles, so they are written here as XML text, ~1 µs a cell, into a temporary file per sheet
while openpyxl writes everything else (styles, header, widths, filters, conditional formats,
charts, print setup); :func:`splice` then puts the rows into each sheet of the saved workbook.
Every text is written as an inline string, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import zipfile
from pathlib import Path
from typing import IO, Any, Callable, Iterable
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

#: Excel's limit for one cell.
CELL_MAX = 32_767
_EPOCH = dt.date(1899, 12, 30)
_DIMENSION = re.compile(rb"<dimension ref=\"[^\"]*\"\s*/>")


def write_rows(out: IO[str], rows: Iterable[list[Any]], styles: list[int], text_style: int, first_row: int,
               heights: Callable[[list[Any]], float] | None = None, wrapped: frozenset[int] = frozenset()) -> int:
    """Write ``rows`` as ``<row>`` elements from ``first_row`` on; returns the last row number written.

    :param styles: the cell style (xf index) of each column; columns beyond it get ``text_style``,
        and so does a text in any column (a number format means nothing to it) but ``wrapped`` ones.
    :param heights: each row's own height in points (else the sheet's default).
    :param wrapped: the columns whose texts keep their column's style (wrapped text).
    """
    letters = [get_column_letter(n + 1) for n in range(max(len(styles), 1) + 64)]
    number = first_row - 1
    for number, row in enumerate(rows, start=first_row):
        tall = f' ht="{heights(row):g}" customHeight="1"' if heights is not None else ""
        parts = [f'<row r="{number}"{tall}>']
        for n, value in enumerate(row):
            if value is None or value == "":
                continue
            ref = f"{letters[n] if n < len(letters) else get_column_letter(n + 1)}{number}"
            style = styles[n] if n < len(styles) else text_style
            parts.append(_cell(ref, style, style if n in wrapped else text_style, value))
        parts.append("</row>")
        out.write("".join(parts))
    return number


def _cell(ref: str, style: int, text_style: int, value: Any) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    if isinstance(value, float):
        if math.isfinite(value):
            return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
        value = str(value)
    elif isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}" s="{style}"><v>{serial!r}</v></c>'
    elif isinstance(value, dt.date):
        return f'<c r="{ref}" s="{style}"><v>{(value - _EPOCH).days}</v></c>'
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if len(text) > CELL_MAX:
        text = text[:CELL_MAX - 1] + "…"
    return f'<c r="{ref}" s="{text_style}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def splice(skeleton: Path, parts: dict[str, tuple[Path, str]], dest: Path) -> None:
    """Copy ``skeleton`` to ``dest``, putting the rows of ``parts`` (member → (rows file, dimension))
    at the end of each member's ``<sheetData>``."""
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED,
                                                               compresslevel=1) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
                continue
            rows_file, dimension = parts[info.filename]
            xml = _DIMENSION.sub(f'<dimension ref="{dimension}"/>'.encode(), source.read(info), count=1)
            if b"<sheetData/>" in xml:
                xml = xml.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
            head, tail = xml.split(b"</sheetData>", 1)
            with target.open(zipfile.ZipInfo(info.filename, info.date_time), "w", force_zip64=True) as member:
                member.write(head)
                with rows_file.open("rb") as rows:
                    shutil.copyfileobj(rows, member, 1 << 20)
                member.write(b"</sheetData>" + tail)
