"""The formulas in a sheet's cells, found in the sheet's XML as already inflated (bounded).

python-calamine (0.9) gives a formula's stored result and nothing else: an error result (#DIV/0!)
comes back as an empty cell, a RAND() as the number it happened to show. So the reader looks at
the cells themselves, in the part :mod:`sheetsync.formats.extent` already holds in memory: one
forward pass of C-speed searches over the sheet (.xlsx) or over the form's table (.ods), which
stops at the last formula and keeps only the cells asked for. Nothing is evaluated, and nothing a
formula names (another file, an address) is ever opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from ._clip import column_number

__all__ = ["CellFormula", "find_formulas"]

MAX_SHOWN = 120  # characters of a formula kept for a message
#: Characters of a formula looked into for what it calls (Excel's own limit on a formula's length):
#: a RAND() past the characters a message shows is still a RAND().
MAX_FORMULA = 8_192
#: Functions whose value changes every time the file opens (or is recalculated).
VOLATILE = re.compile(r"(?<![\w.])(?:[\w]+\.)*(RAND|RANDBETWEEN|RANDARRAY|NOW|TODAY)\s*\(", re.IGNORECASE)
#: What reaches outside the file: another workbook, a web address, a link, a live data feed.
EXTERNAL = re.compile(r"(?<![\w.])(?:[\w]+\.)*(WEBSERVICE|FILTERXML|HYPERLINK|DDE|RTD|IMPORTXML|IMPORTDATA)\s*\("
                      r"|'?(?:file|https?|ftp|smb):|\[\d+\]|'#\$", re.IGNORECASE)
#: A cell's start tag up to its ``<f`` (the schema puts the formula first in a cell), matched from the
#: ``<`` before that ``<f``: it never reads past a ``<``, so no part of the sheet is read twice.
XLSX_CELL_START = re.compile(rb"<c(\s[^<>]*)?>\s*")
#: What follows a formula: its stored result (``<v>``, which may be empty) or inline text.
XLSX_RESULT = re.compile(rb"\s*<(v|is)(?=[\s/>])[^<>]*?(/?)>([^<]*)")
F_TAG_ENDS = (b">", b" ", b"/", b"\t", b"\n", b"\r")
XLSX_REF = re.compile(rb"""(?<=\s)r\s*=\s*["']\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})["']""")
XLSX_TYPE = re.compile(rb"""(?<=\s)t\s*=\s*["']([a-zA-Z]+)["']""")
ODS_FORMULA = re.compile(rb"""table:formula\s*=\s*"([^"]*)\"""")
ODS_ERROR = re.compile(rb"""calcext:value-type\s*=\s*["']error["']""")
ODS_VALUE = re.compile(rb"""office:value-type\s*=""")
ODS_TOKEN = re.compile(rb"<table:(table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>|</table:table-row>")
ODS_REPEAT = re.compile(rb"""number-(?:rows|columns)-repeated\s*=\s*["'](\d+)["']""")
ODS_TEXT = re.compile(rb"<text:p(?:\s[^>]*)?>([^<]*)")


@dataclass(frozen=True)
class CellFormula:
    """A cell's formula as written (at most :data:`MAX_FORMULA` characters), and the error it shows
    (``"#DIV/0!"``; ``""`` for a formula saved without a result; None when it has a value)."""

    text: str
    error: str | None

    @property
    def code(self) -> str | None:
        """The finding its cell gets: ``formula-error``, ``formula-external``, ``formula-volatile``,
        or None for a formula whose stored result is a plain value (read as if typed)."""
        if EXTERNAL.search(self.text):
            return "formula-external"  # first: a link that fails is still a link
        if self.error is not None:
            return "formula-error"
        if VOLATILE.search(self.text):
            return "formula-volatile"
        return None

    @property
    def shown(self) -> str:
        """What the teacher sees in the cell, as far as a message can tell: the error, else the formula."""
        return self.error or f"={self.text[:MAX_SHOWN]}"


def find_formulas(xml: bytes, fmt: str, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], CellFormula]:
    """The formulas of the cells ``wanted`` (0-based row, column) in one sheet's XML: an .xlsx
    worksheet part, or the body of an .ods ``<table:table>`` (holding no sub-table)."""
    if not wanted:
        return {}
    if fmt == "ods":
        return _ods(xml, wanted) if b"table:formula" in xml else {}
    return _xlsx(xml, wanted)


def _text(raw: bytes, limit: int = MAX_SHOWN) -> str:
    return unescape(raw[:limit * 8].decode("utf-8", "replace"))[:limit]


def _xlsx(xml: bytes, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], CellFormula]:
    """One forward pass over the ``<f`` tags (C-speed searches; the ``<formula1>`` of the template's
    own dropdowns is stepped over), each looking back to its cell's start tag only as far as the
    ``<`` before it: a sheet of unclosed ``<c`` tags costs one pass, not one per tag."""
    found: dict[tuple[int, int], CellFormula] = {}
    at = xml.find(b"<f")
    while at >= 0:
        f_at, at = at, xml.find(b"<f", at + 2)
        if xml[f_at + 2:f_at + 3] not in F_TAG_ENDS:
            continue
        cell = XLSX_CELL_START.fullmatch(xml, max(xml.rfind(b"<", 0, f_at), 0), f_at)
        attrs: bytes = (cell.group(1) or b"") if cell is not None else b""
        ref = XLSX_REF.search(attrs)
        if ref is None:
            continue  # not a cell's formula, or a cell without r= (the extent scan clips such sheets)
        place = (int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)
        if place not in wanted or place in found:
            continue  # each wanted cell is looked into once: a cell written twice costs no second search
        closed = xml.find(b">", f_at)
        if closed < 0:
            break
        if xml[closed - 1:closed] == b"/":
            formula, after = b"", closed + 1
        else:
            end = xml.find(b"<", closed + 1)
            end = len(xml) if end < 0 else end
            formula, after = xml[closed + 1:end], xml.find(b">", end) + 1
        result = XLSX_RESULT.match(xml, after) if after else None
        kind = XLSX_TYPE.search(attrs)
        value = result.group(3) if result is not None and result.group(1) == b"v" else b""
        error = None
        if kind is not None and kind.group(1) == b"e":
            error = _text(value) or "#ERROR"
        elif result is None or (result.group(1) == b"v" and not value and (kind is None or kind.group(1) == b"n")):
            error = ""  # no stored result (openpyxl writes none): calamine reads the cell as empty
        found[place] = CellFormula(_text(formula, MAX_FORMULA), error)
    return found


def _ods(body: bytes, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], CellFormula]:
    """One pass over the rows and cells (repeats counted) up to the last formula, or to the last
    row wanted."""
    found: dict[tuple[int, int], CellFormula] = {}
    last_row, last_col = max(row for row, _ in wanted), max(col for _, col in wanted)
    row, rows, col = 0, 0, 0  # the current row's first index (0-based) and its repeats; its next column
    last = body.rfind(b"table:formula")
    for token in ODS_TOKEN.finditer(body, 0, body.find(b">", last) + 1):  # up to the last formula's tag
        name, attrs = token.group(1), token.group(2) or b""
        repeat = ODS_REPEAT.search(attrs) if b"repeated" in attrs else None
        times = max(1, int(repeat.group(1)[:9])) if repeat else 1
        if name is None:  # </table:table-row>
            continue
        if name == b"table-row":
            row, rows, col = row + rows, times, 0
            if row > last_row:
                break
            continue
        if col <= last_col and name == b"table-cell" and b"table:formula" in attrs:
            places = [at for at in wanted if row <= at[0] < row + rows and col <= at[1] < col + times]
            if places:
                cell = _ods_cell(body, token.end(), attrs)
                found.update((at, cell) for at in places)
        col += times
    return found


def _ods_cell(body: bytes, content: int, attrs: bytes) -> CellFormula:
    formula = ODS_FORMULA.search(attrs)
    text = _text(formula.group(1), MAX_FORMULA) if formula else ""
    text = text[4:] if text.startswith("of:=") else text.lstrip("=")
    error = None
    if ODS_ERROR.search(attrs):
        shown = ODS_TEXT.match(body, content)
        error = (_text(shown.group(1)) if shown else "") or "#ERROR"
    elif not ODS_VALUE.search(attrs):
        error = ""  # no stored result: calamine reads the cell as empty
    return CellFormula(text, error)
