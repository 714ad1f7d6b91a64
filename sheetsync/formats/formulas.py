"""The formulas in a sheet's cells, found in the sheet's XML as already inflated (bounded).

python-calamine (0.9) gives a formula's stored result and nothing else: an error result (#DIV/0!)
comes back as an empty cell, a RAND() as the number it happened to show. So the reader looks at
the cells themselves, in the part :mod:`sheetsync.formats.extent` already holds in memory: one
forward pass of C-speed searches over the sheet (.xlsx) or over the form's table (.ods), which
stops at the last formula and keeps only the cells asked for. Nothing is evaluated, and nothing a
formula names (another file, an address) is ever opened.

The searches read the XML as calamine does, not as Excel, Calc and openpyxl happen to write it: a
formula may follow its cell's tag after a comment, hold CDATA, use a prefixed element (``<x:f>``)
or a single-quoted attribute (``table:formula='…'``), and a tag inside a comment is no tag. Such a
sheet is first rewritten plainly (:func:`plain`), a cost only files written so pay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from html import unescape

from ._clip import Clip, clip_xlsx_sheet, column_number
from ._pieces import hides_markup, holds
from .expansion import QUOTED_TAG

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
#: A cell's start tag (never read past a ``<``, so no part of the sheet is read twice).
XLSX_CELL_START = re.compile(rb"<c(\s[^<>]*)?>")
#: The same to its real end: a ">" inside a quoted value (XML allows it; calamine reads past it) does
#: not end it, so a type written after one (``t="e"``) is still the cell's.
XLSX_CELL_QUOTED = re.compile(rb"""<c(\s(?:[^<>"']|"[^"<]*"|'[^'<]*')*)?>""")
#: What follows a formula: its stored result (``<v>``, which may be empty) or inline text.
XLSX_RESULT = re.compile(rb"\s*<(v|is)(?=[\s/>])[^<>]*?(/?)>([^<]*)")
F_TAG_ENDS = (b">", b" ", b"/", b"\t", b"\n", b"\r")
XLSX_REF = re.compile(rb"""(?<=\s)r\s*=\s*["']\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})["']""")
#: A cell's type attribute saying it holds an error (whether or not a formula made it).
XLSX_ERROR_TYPE = re.compile(rb"""(?<=\s)t\s*=\s*["']e["']""")
XLSX_TYPE = re.compile(rb"""(?<=\s)t\s*=\s*["']([a-zA-Z]+)["']""")
#: A cell's formula, in either quotes (the part is only searched where the table namespace is bound
#: once, to ``table:``: :meth:`sheetsync.formats.extent.Scanned.part`).
ODS_FORMULA = re.compile(rb"""table:formula\s*=\s*(?:"([^"]*)"|'([^']*)')""")
ODS_ERROR = re.compile(rb"""calcext:value-type\s*=\s*["']error["']""")
ODS_VALUE = re.compile(rb"""office:value-type\s*=""")
ODS_TOKEN = re.compile(rb"<table:(table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>|</table:table-row>")
ODS_REPEAT = re.compile(rb"""number-(?:rows|columns)-repeated\s*=\s*["'](\d+)["']""")
ODS_TEXT = re.compile(rb"<text:p(?:\s[^>]*)?>([^<]*)")
#: Markup that holds no element: a comment, a processing instruction, CDATA (text written raw).
MARKUP = re.compile(rb"<(!--|\?|!\[CDATA\[)")
MARKUP_ENDS = {b"!--": b"-->", b"?": b"?>", b"![CDATA[": b"]]>"}
#: An element's prefix in a start or end tag: calamine knows .xlsx elements by their local names.
XLSX_PREFIX = re.compile(rb"""<(/?)[^\s<>/:!?"'=]+:""")
XLSX_PREFIXED = re.compile(rb":(?:c|f|v|is|sheetData)[\s/>]")
XLSX_F_ATTR = re.compile(rb"""(?<=\s)(t|si|ref)\s*=\s*["']([^"'<>]*)["']""")
XLSX_RANGE = re.compile(rb"\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})(?::\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6}))?")
#: Array formulas over the wanted cells looked into one by one (see :func:`_in_arrays`).
MAX_ARRAYS = 1_000
#: An error type's value, in either quotes: searched as patterns, which run at twice the speed of
#: ``find(b'"e"')`` over Thai text (whose bytes defeat ``find``'s skip table for short needles).
_QUOTED_E = re.compile(rb'"e"')
_APOSTROPHED_E = re.compile(rb"'e'")
#: A formula's start tag (a search for this pattern runs at twice the speed of ``find(b"<f")``).
XLSX_F = re.compile(rb"<f(?=[\s/>])")


@dataclass(frozen=True)
class CellFormula:
    """A cell's formula as written (at most :data:`MAX_FORMULA` characters), and the error it shows
    (``"#DIV/0!"``; ``""`` for a formula saved without a result; None when it has a value)."""

    text: str
    error: str | None
    #: No formula at all: an error value typed or pasted (Excel keeps "#N/A" typed into a number cell
    #: as the error itself, ``<c t="e"><v>#N/A</v></c>``), which calamine reads as an empty cell.
    value: bool = False

    @property
    def code(self) -> str | None:
        """The finding its cell gets: ``error-value``, ``formula-error``, ``formula-external``,
        ``formula-volatile``, or None for a formula whose stored result is a plain value (read as if typed)."""
        if self.value:
            return "error-value"
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


def find_formulas(xml: bytes, fmt: str, wanted: set[tuple[int, int]], *, path: Path = Path(),
                  sheet: str = "") -> dict[tuple[int, int], CellFormula]:
    """The formulas of the cells ``wanted`` (0-based row, column) in one sheet's XML: an .xlsx
    worksheet part, or the body of an .ods ``<table:table>`` (holding no sub-table).

    :param path: the file, and ``sheet`` its sheet, named if the sheet must be clipped to place
        its cells and cannot be (:func:`sheetsync.formats._clip.clip_xlsx_sheet`).
    :raises LimitError: such a sheet holds too many rows and cells.
    """
    if not wanted:
        return {}
    if fmt == "ods":
        return _ods(plain(xml, fmt), wanted) if holds(xml, b"table:formula") else {}
    xml = plain(xml, fmt)
    found = _xlsx(xml, wanted)
    if found is None:  # a formula's cell without r=: placed as calamine places it, by the clipping copy
        clip = Clip(sheet, max(row for row, _ in wanted) + 1, max(col for _, col in wanted) + 1, path)
        xml = clip_xlsx_sheet(xml, clip)
        found = _xlsx(xml, wanted, place_all=False) or {}
    _error_values(xml, wanted, found)
    return found


def _error_values(xml: bytes, wanted: set[tuple[int, int]], found: dict[tuple[int, int], CellFormula]) -> None:
    """Add each wanted cell that holds an error value without a formula (``t="e"``, no ``<f>``). A
    cell that does not say where it is (no ``r=``; no spreadsheet program writes one) is left out."""
    # Two C-speed searches, over the cells alone (an .xlsx holds its validations' long texts after
    # them: searched whole, these two cost a tenth of a form's reading): the common case.
    stop = xml.rfind(b"</sheetData>")
    stop = len(xml) if stop < 0 else stop
    if _QUOTED_E.search(xml, 0, stop) is None and _APOSTROPHED_E.search(xml, 0, stop) is None:
        return
    since = 0
    for kind in XLSX_ERROR_TYPE.finditer(xml, 0, stop):
        start = _last_cell(xml, since, kind.start())
        since = kind.end()
        tag = XLSX_CELL_QUOTED.match(xml, start) if start >= 0 else None
        if tag is None or tag.end() < kind.end():  # not a cell's own type
            continue
        ref = XLSX_REF.search(tag.group(1) or b"")
        place = (int(ref.group(2)) - 1, column_number(ref.group(1)) - 1) if ref else None
        if place is None or place not in wanted or place in found:
            continue
        result = XLSX_RESULT.match(xml, tag.end())
        shown = result.group(3) if result is not None and result.group(1) == b"v" else b""
        found[place] = CellFormula("", _text(shown) or "#ERROR", value=True)


def plain(xml: bytes, fmt: str) -> bytes:
    """``xml`` as the searches here read it: comments and processing instructions dropped, CDATA
    written as the escaped text it stands for, and (.xlsx) elements without their prefixes. An
    honest sheet holds none of them and is returned as it is, after a few C-speed searches."""
    if hides_markup(xml):
        xml = _without_markup(xml)
    if fmt == "xlsx":
        end = xml.rfind(b"sheetData>")
        if _prefixed(xml, max(xml.find(b"sheetData"), 0), len(xml) if end < 0 else end):
            xml = XLSX_PREFIX.sub(rb"<\1", xml)
    return xml


def _prefixed(xml: bytes, start: int, stop: int) -> bool:
    """Whether a cell, formula or value in ``xml[start:stop]`` is written with a prefix. The ":" are
    looked at one by one while they are few (a template's labels end in " :"), as a search for
    ":c" or for the pattern reads every byte (~1 ns each: 50 us for a form, on every file)."""
    at = xml.find(b":", start, stop)
    for _ in range(32):
        if at < 0:
            return False
        if XLSX_PREFIXED.match(xml, at) is not None:
            return True
        at = xml.find(b":", at + 1, stop)
    return XLSX_PREFIXED.search(xml, at, stop) is not None


def _without_markup(xml: bytes) -> bytes:
    """``xml`` without comments and processing instructions, its CDATA escaped text (one pass:
    each piece of markup ends at the first end mark after it, as in any XML parser; one never
    ended takes the rest of the part with it)."""
    pieces, done = [], 0
    while (markup := MARKUP.search(xml, done)) is not None:
        pieces.append(xml[done:markup.start()])
        closing = MARKUP_ENDS[markup.group(1)]
        end = xml.find(closing, markup.end())
        if end < 0:
            return b"".join(pieces)
        if closing == b"]]>":
            pieces.append(xml[markup.end():end].replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;"))
        done = end + len(closing)
    pieces.append(xml[done:])
    return b"".join(pieces)


def _text(raw: bytes, limit: int = MAX_SHOWN) -> str:
    return unescape(raw[:limit * 8].decode("utf-8", "replace"))[:limit]


def _xlsx(xml: bytes, wanted: set[tuple[int, int]], place_all: bool = True) -> dict[tuple[int, int], CellFormula] | None:
    """One forward pass over the ``<f`` tags of the cells (those after ``</sheetData>`` belong to
    validations), each taken to belong to the last cell tag before it, looked for only since the
    ``<f`` before (a cell with something between its tag and its formula is still that cell's;
    a sheet of unclosed ``<c`` tags costs one pass, not one per tag). A cell written twice is
    read as calamine reads it: the last one counts. A formula shared from another cell
    (``<f t="shared" si="0"/>``) is its first cell's; a cell inside another one's array formula
    (``<f t="array" ref="A1:G50">``) has that one. None (with ``place_all``) when a formula's cell
    does not say where it is (no ``r=``)."""
    found: dict[tuple[int, int], CellFormula] = {}
    shared: dict[bytes, str] = {}  # si → the formula of the cell it is shared from
    children: dict[tuple[int, int], bytes] = {}  # wanted cell → the si of the formula it shares
    arrays: list[tuple[int, int, int, int, str]] = []  # rows and columns (0-based, inclusive) → formula
    stop = xml.rfind(b"</sheetData>")
    stop = len(xml) if stop < 0 else stop
    cell, since = -1, 0
    for f_tag in XLSX_F.finditer(xml, 0, stop):
        f_at = f_tag.start()
        cell, since = max(_last_cell(xml, since, f_at), cell), f_at
        tag = (XLSX_CELL_QUOTED.match(xml, cell) or XLSX_CELL_START.match(xml, cell)) if cell >= 0 else None
        attrs: bytes = (tag.group(1) or b"") if tag is not None else b""
        ref = XLSX_REF.search(attrs)
        closed = xml.find(b">", f_at, stop)
        if closed < 0:
            break
        if ref is None:
            if tag is not None and place_all:
                return None  # a cell placed by those before it: found on the sheet with every r= written
            continue  # not a cell's formula
        place = (int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)
        head = xml[f_at + 2:closed]
        master = b"ref" in head
        if place not in wanted and not master:
            continue
        if xml[closed - 1:closed] == b"/":
            formula, after = b"", closed + 1
        else:
            end = xml.find(b"<", closed + 1)
            end = len(xml) if end < 0 else end
            formula, after = xml[closed + 1:end], xml.find(b">", end) + 1
        text = _text(formula, MAX_FORMULA)
        f_attrs = dict(XLSX_F_ATTR.findall(head)) if master or b"si" in head else {}
        if master:
            _master(f_attrs, text, shared, arrays)
        if place not in wanted:
            continue
        result = XLSX_RESULT.match(xml, after) if after else None
        kind = XLSX_TYPE.search(attrs)
        value = result.group(3) if result is not None and result.group(1) == b"v" else b""
        error = None
        if kind is not None and kind.group(1) == b"e":
            error = _text(value) or "#ERROR"
        elif result is None or (result.group(1) == b"v" and not value and (kind is None or kind.group(1) == b"n")):
            error = ""  # no stored result (openpyxl writes none): calamine reads the cell as empty
        found[place] = CellFormula(text, error)
        if not text.strip() and f_attrs.get(b"t") == b"shared" and b"si" in f_attrs:
            children[place] = f_attrs[b"si"]
    for place, si in children.items():
        if si in shared:
            found[place] = CellFormula(shared[si], found[place].error)
    if arrays:
        _in_arrays(arrays, wanted, found)
    return found


def _master(f_attrs: dict[bytes, bytes], text: str, shared: dict[bytes, str],
            arrays: list[tuple[int, int, int, int, str]]) -> None:
    """Record a formula that other cells take: shared (by its ``si``) or an array's (by its range)."""
    kind = f_attrs.get(b"t", b"")
    if kind == b"shared" and b"si" in f_attrs and text.strip():
        shared.setdefault(f_attrs[b"si"], text)
    elif kind != b"shared":  # an array (or a data table): every cell of its range is its
        span = XLSX_RANGE.fullmatch(f_attrs.get(b"ref", b"").strip())
        if span is not None:
            first = (int(span.group(2)) - 1, column_number(span.group(1)) - 1)
            last = (int(span.group(4)) - 1, column_number(span.group(3)) - 1) if span.group(3) else first
            arrays.append((first[0], first[1], last[0], last[1], text))


def _in_arrays(arrays: list[tuple[int, int, int, int, str]], wanted: set[tuple[int, int]],
               found: dict[tuple[int, int], CellFormula]) -> None:
    """Give each wanted cell without a formula of its own the formula of an array holding it. Past
    :data:`MAX_ARRAYS` arrays over the wanted cells (no form holds as many), every cell still
    without one is given the next (each array then costs one look, not one per cell)."""
    top, left = min(row for row, _ in wanted), min(col for _, col in wanted)
    bottom, right = max(row for row, _ in wanted), max(col for _, col in wanted)
    open_cells = wanted - found.keys()
    over = 0
    for r1, c1, r2, c2, text in arrays:
        if not open_cells:
            return
        if r2 < top or r1 > bottom or c2 < left or c1 > right:
            continue
        over += 1
        held = open_cells if over > MAX_ARRAYS else {at for at in open_cells if r1 <= at[0] <= r2 and c1 <= at[1] <= c2}
        for at in held:
            found[at] = CellFormula(text, None)
        open_cells = open_cells - held


def _last_cell(xml: bytes, start: int, end: int) -> int:
    """Where the last cell start tag of ``xml[start:end]`` begins (-1: none), read backwards once."""
    at = xml.rfind(b"<c", start, end)
    while at >= 0 and xml[at + 2:at + 3] not in F_TAG_ENDS:
        at = xml.rfind(b"<c", start, at)
    return at


def _ods(body: bytes, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], CellFormula]:
    """One pass over the rows and cells (repeats counted) up to the last formula, or to the last
    row wanted."""
    found: dict[tuple[int, int], CellFormula] = {}
    last_row, last_col = max(row for row, _ in wanted), max(col for _, col in wanted)
    row, rows, col = 0, 0, 0  # the current row's first index (0-based) and its repeats; its next column
    last = body.rfind(b"table:formula")
    for token in ODS_TOKEN.finditer(body, 0, body.find(b">", last) + 1):  # up to the last formula's tag
        name, attrs = token.group(1), token.group(2) or b""
        if b"'" in attrs or attrs.count(b'"') % 2:  # a ">" inside a value: the tag ends further on
            stop = body.find(b"<", token.start() + 1)
            whole = QUOTED_TAG.match(body, token.start(), len(body) if stop < 0 else stop)
            attrs = whole.group()[len(name or b"") + 7:-1] if whole is not None else attrs
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
    text = _text(formula.group(1) if formula.group(1) is not None else formula.group(2), MAX_FORMULA) if formula else ""
    text = text[4:] if text.startswith("of:=") else text.lstrip("=")
    error = None
    if ODS_ERROR.search(attrs):
        shown = ODS_TEXT.match(body, content)
        error = (_text(shown.group(1)) if shown else "") or "#ERROR"
    elif not ODS_VALUE.search(attrs):
        error = ""  # no stored result: calamine reads the cell as empty
    return CellFormula(text, error)
