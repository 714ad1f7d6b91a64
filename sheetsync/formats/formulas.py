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
#: Functions whose value changes every time the file opens (or is recalculated).
VOLATILE = re.compile(r"(?<![\w.])(?:[\w]+\.)*(RAND|RANDBETWEEN|RANDARRAY|NOW|TODAY)\s*\(", re.IGNORECASE)
#: What reaches outside the file: another workbook, a web address, a link, a live data feed.
EXTERNAL = re.compile(r"(?<![\w.])(?:[\w]+\.)*(WEBSERVICE|FILTERXML|HYPERLINK|DDE|RTD|IMPORTXML|IMPORTDATA)\s*\("
                      r"|'?(?:file|https?|ftp|smb):|\[\d+\]|'#\$", re.IGNORECASE)
#: ``<c …>`` directly followed by its ``<f>`` (the schema puts the formula first in a cell).
XLSX_FORMULA_CELL = re.compile(rb"<c(\s[^>]*)?>\s*<f(?=[\s>/])")
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
    """A cell's formula as written (at most :data:`MAX_SHOWN` characters), and the error it shows
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
        return self.error or f"={self.text}"


def find_formulas(xml: bytes, fmt: str, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], CellFormula]:
    """The formulas of the cells ``wanted`` (0-based row, column) in one sheet's XML: an .xlsx
    worksheet part, or the body of an .ods ``<table:table>`` (holding no sub-table)."""
    if not wanted:
        return {}
    if fmt == "ods":
        return _ods(xml, wanted) if b"table:formula" in xml else {}
    return _xlsx(xml, wanted) if _has_cell_formula(xml) else {}


def _has_cell_formula(xml: bytes) -> bool:
    """Whether an ``<f>`` element is in ``xml``: one pass, stepping over the ``<formula1>`` of the
    template's own dropdowns (in every sheet sheetsync writes, so ``b"<f" in xml`` is always true)."""
    at = xml.find(b"<f")
    while at >= 0:
        if xml[at + 2:at + 3] in (b">", b" ", b"/", b"\t", b"\n", b"\r"):
            return True
        at = xml.find(b"<f", at + 2)
    return False


def _text(raw: bytes) -> str:
    return unescape(raw[:MAX_SHOWN * 8].decode("utf-8", "replace"))[:MAX_SHOWN]


def _xlsx(xml: bytes, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], CellFormula]:
    found: dict[tuple[int, int], CellFormula] = {}
    for match in XLSX_FORMULA_CELL.finditer(xml):
        attrs = match.group(1) or b""
        ref = XLSX_REF.search(attrs)
        if ref is None:
            continue  # a cell without r= is not located here (the extent scan clips such sheets)
        at = (int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)
        if at not in wanted or at in found:
            continue  # each wanted cell is looked into once: a cell written twice costs no second search
        end = xml.find(b"</c>", match.end())
        body = xml[match.end():end if end >= 0 else len(xml)]
        closed = body.find(b">")
        formula = b"" if closed < 0 or body[closed - 1:closed] == b"/" else body[closed + 1:body.find(b"<", closed)]
        kind = XLSX_TYPE.search(attrs)
        value_at = body.find(b"<v>")
        value = body[value_at + 3:body.find(b"<", value_at + 3)] if value_at >= 0 else b""
        error = None
        if kind is not None and kind.group(1) == b"e":
            error = _text(value) or "#ERROR"
        elif (value_at < 0 and b"<is>" not in body) or (not value and (kind is None or kind.group(1) == b"n")):
            error = ""  # no stored result (openpyxl writes none): calamine reads the cell as empty
        found[at] = CellFormula(_text(formula), error)
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
    text = _text(formula.group(1)) if formula else ""
    text = text[4:] if text.startswith("of:=") else text.lstrip("=")
    error = None
    if ODS_ERROR.search(attrs):
        shown = ODS_TEXT.match(body, content)
        error = (_text(shown.group(1)) if shown else "") or "#ERROR"
    elif not ODS_VALUE.search(attrs):
        error = ""  # no stored result: calamine reads the cell as empty
    return CellFormula(text, error)
