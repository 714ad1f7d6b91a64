"""Clipping one sheet's XML to a rectangle (for :mod:`sheetsync.formats.bounded`).

Rows and cells are found with regular expressions over bytes (prefix-agnostic, attribute order
free); a kept cell is copied as written, a cell or repeat beyond the rectangle is dropped, and
the first one that holds content is recorded. Positions follow the formats' own rules: an
.xlsx row or cell without ``r`` follows the previous one; ODS rows and cells count their repeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .. import limits
from ..errors import LimitError, UnreadableFileError
from ..text import brief
from ._pieces import count_matches

XLSX_SHEETDATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData(?=[\s/>])[^<>]*?(/?)>")
XLSX_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension(?=[\s/>])[^<>]*>")
XLSX_ROW = re.compile(rb"<((?:[\w.-]+:)?)(row)(?=[\s/>])([^<>]*?)(/?)>")
XLSX_CELL = re.compile(rb"<((?:[\w.-]+:)?)(c)(?=[\s/>])([^<>]*?)(/?)>")
XLSX_R = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]*)\$?(\d*)["']""")
XLSX_CONTENT = re.compile(rb"<(?:[\w.-]+:)?(?:v|t|f)(?:\s[^<>]*)?>\s*[^<\s]")
ODS_ROW = re.compile(rb"<((?:[\w.-]+:)?)(table-row)(?=[\s/>])([^<>]*?)(/?)>")
ODS_CELL = re.compile(rb"<((?:[\w.-]+:)?)((?:covered-)?table-cell)(?=[\s/>])([^<>]*?)(/?)>")
ODS_GROUP = re.compile(rb"<(/?)((?:[\w.-]+:)?table-(?:row-group|header-rows|rows))(?=[\s/>])[^<>]*?(/?)>")
ODS_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d+)["']""")
ODS_COLUMNS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d+)["']""")
ODS_TEXT = re.compile(rb">[^<]*[^<\s][^<]*<")
ODS_CONTENT = re.compile(rb"value-type|>[^<]*[^<\s][^<]*<")


@dataclass(frozen=True)
class Element:
    """One element found by :func:`elements`: its prefix, name, attributes and content."""

    prefix: bytes
    name: bytes
    attrs: bytes
    inner: bytes
    start: int
    end: int

    def rebuilt(self, attrs: bytes) -> bytes:
        """The element with other attributes (content unchanged)."""
        tag = b"<" + self.prefix + self.name + attrs
        if not self.inner:
            return tag + b"/>"
        return tag + b">" + self.inner + b"</" + self.prefix + self.name + b">"


def elements(text: bytes, start: "re.Pattern[bytes]", clip: "Clip", pos: int = 0) -> Iterator[Element]:
    """Non-nested elements matched by ``start`` (groups: prefix, name, attrs, "/"), in order, from ``pos``.

    Each end tag is found with one forward search, so the scan is linear in the text's length.
    """
    while (match := start.search(text, pos)) is not None:
        clip.count()
        prefix, name, attrs, empty = match.groups()
        if empty:
            yield Element(prefix, name, attrs, b"", match.start(), match.end())
            pos = match.end()
            continue
        end_tag = b"</" + prefix + name + b">"
        end = text.find(end_tag, match.end())
        if end < 0:
            raise UnreadableFileError(clip.path, f"the sheet {brief(clip.sheet)!r} is damaged (an element never ends)")
        yield Element(prefix, name, attrs, text[match.end():end], match.start(), end + len(end_tag))
        pos = end + len(end_tag)


@dataclass(frozen=True)
class Overflow:
    """The first cell beyond a sheet's bounds that holds something (``cell`` in A1 style)."""

    sheet: str
    cell: str


@dataclass
class Clip:
    """One sheet's rectangle, and what was found beyond it."""

    sheet: str
    rows: int
    columns: int
    path: Path
    overflows: list[Overflow] = field(default_factory=list)
    elements: int = 0

    def beyond(self, row: int, col: int) -> None:
        """Record content at 1-based (row, col) outside the rectangle (only the first counts)."""
        if not self.overflows:
            self.overflows.append(Overflow(self.sheet, f"{column_letters(col)}{row}"))

    @property
    def limit(self) -> int:
        """Rows and cells the sheet may write within the rectangle: :data:`limits.MAX_ELEMENTS`, or for
        a form too large for it, twice what the rectangle holds (an honest file writes each once)."""
        return max(limits.MAX_ELEMENTS, 2 * self.rows * (self.columns + 1))

    def count(self, n: int = 1) -> None:
        """Count ``n`` more rows or cells read within the rectangle; refuse the file past :attr:`limit`."""
        self.elements += n
        if self.elements > self.limit:
            raise LimitError(self.path, "limit.elements", sheet=self.sheet, limit=f"{self.limit:,}")


def column_letters(col: int) -> str:
    """1 → A, 27 → AA (any size: a hostile reference may lie beyond XFD)."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper()[:8]:  # 8 letters already exceed any real sheet
        n = n * 26 + ch - 64
    return n


def clip_xlsx_sheet(xml: bytes, clip: Clip) -> bytes:
    """The worksheet ``xml`` with only the cells inside ``clip``; what follows the cells is dropped."""
    start = XLSX_SHEETDATA.search(xml)
    root = re.search(rb"</((?:[\w.-]+:)?)worksheet\s*>\s*$", xml)
    closing = root.group(0).strip() if root else b"</worksheet>"
    if start is None:
        return EMPTY_SHEET
    head = XLSX_DIMENSION.sub(b"", xml[:start.start()])
    if start.group(2):  # <sheetData/>
        return head + start.group(0) + closing
    end_tag = b"</" + start.group(1) + b"sheetData>"
    end = xml.find(end_tag, start.end())
    body = xml[start.end():end if end >= 0 else len(xml)]
    # Kept by place, the last written winning as in calamine: a cell written twice (which no
    # program does) is kept once, so 2 million copies of B7 cost one cell, not ~400 MB.
    rows: dict[int, tuple[bytes, bytes]] = {}
    cells: dict[tuple[int, int], bytes] = {}
    row = 0
    for element in elements(body, XLSX_ROW, clip):
        number = _number(XLSX_R.search(element.attrs))
        row = number or row + 1
        if row > clip.rows:
            # Rows are in ascending order: nothing from here on is inside the form; only the
            # first content below it matters, found with one search rather than row by row.
            _xlsx_first_beyond(body, element, row, clip)
            break
        rows.setdefault(row, (element.prefix, element.attrs if number else b' r="%d"' % row + element.attrs))
        _xlsx_cells(element.inner, row, clip, keep=True, into=cells)
    return head + start.group(0) + _xlsx_rows(rows, cells, start.group(1)) + end_tag + closing


def _xlsx_rows(rows: dict[int, tuple[bytes, bytes]], cells: dict[tuple[int, int], bytes], prefix: bytes) -> bytes:
    """The rows kept, in order, each with its cells in order (a cell naming another row goes to that row)."""
    by_row: dict[int, list[tuple[int, bytes]]] = {}
    for (row, col), cell in cells.items():
        by_row.setdefault(row, []).append((col, cell))
    kept = []
    for row in sorted(rows.keys() | by_row.keys()):
        tag_prefix, attrs = rows.get(row, (prefix, b' r="%d"' % row))
        inner = b"".join(cell for _, cell in sorted(by_row.get(row, []), key=lambda item: item[0]))
        kept.append(b"<" + tag_prefix + b"row" + attrs + b">" + inner + b"</" + tag_prefix + b"row>")
    return b"".join(kept)


EMPTY_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'


def _xlsx_first_beyond(body: bytes, first: Element, row: int, clip: Clip) -> None:
    """Record the first content cell at or after the row ``first`` (numbered ``row``)."""
    hit = XLSX_CONTENT.search(body, first.start)
    if hit is None:
        return
    opening = b"<" + first.prefix + b"row"
    start = max(body.rfind(opening, first.start, hit.start()), first.start)
    if start > first.start:
        row += body.count(opening, first.start, start)  # for rows without r=; r= wins below
    holder = next(elements(body, XLSX_ROW, clip, start))
    _xlsx_cells(holder.inner, _number(XLSX_R.search(holder.attrs)) or row, clip, keep=False)


def _number(ref: "re.Match[bytes] | None") -> int:
    return int(ref.group(2)[:9]) if ref and ref.group(2) else 0


def _xlsx_cells(inner: bytes, row: int, clip: Clip, *, keep: bool,
                into: dict[tuple[int, int], bytes] | None = None) -> bytes:
    """The cells of one row that lie inside ``clip`` (or, with ``keep=False``, b"" / b"x" for
    whether content was found); the first content cell outside is recorded. With ``into``, each
    kept cell is put there by its (row, column) instead."""
    kept: list[bytes] = []
    col = 0
    for cell in elements(inner, XLSX_CELL, clip):
        ref = XLSX_R.search(cell.attrs)
        has_ref = bool(ref and ref.group(1))
        col = column_number(ref.group(1)) if ref and has_ref else col + 1
        cell_row = _number(ref) or row
        content = bool(XLSX_CONTENT.search(cell.inner))
        if cell_row > clip.rows or col > clip.columns:
            if content:
                clip.beyond(cell_row, col)
                if not keep or (cell_row == row and col > clip.columns):
                    return b"x" if not keep else b"".join(kept)  # the rest of the row lies beyond too
            elif cell_row == row and col > clip.columns:
                # Cells of a row are in ascending order: the rest of this row lies beyond the form
                # too, and only its first content matters, found with one search.
                found = _xlsx_first_content_cell(inner, cell, col, row, clip)
                return b"x" if found and not keep else b"".join(kept)
            continue
        if keep:
            written = (inner[cell.start:cell.end] if has_ref
                       else cell.rebuilt(b' r="%s%d"' % (column_letters(col).encode(), cell_row) + cell.attrs))
            if into is not None:
                into[(cell_row, col)] = written
            else:
                kept.append(written)
    return b"".join(kept)


def _xlsx_first_content_cell(inner: bytes, after: Element, col: int, row: int, clip: Clip) -> bool:
    """Record the first content cell of the row ``inner`` after the cell ``after`` (at ``col``)."""
    hit = XLSX_CONTENT.search(inner, after.end)
    if hit is None:
        return False
    opening = b"<" + after.prefix + b"c"
    start = inner.rfind(opening, after.end, hit.start())
    holder = next(elements(inner, XLSX_CELL, clip, start))
    ref = XLSX_R.search(holder.attrs)
    if ref and ref.group(1):
        col = column_number(ref.group(1))
    else:  # no r=: count the cells in between
        col += count_matches(XLSX_CELL, inner, after.end, start) + 1  # a piece at a time: no list of them all
    clip.beyond(_number(ref) or row, col)
    return True


def clip_ods_table(inner: bytes, clip: Clip) -> bytes:
    """The content of one ``<table:table>`` with rows and cells beyond ``clip`` dropped or shortened."""
    pieces: list[bytes] = []
    done = 0
    row = 1  # 1-based number of the row element's first row
    for element in elements(inner, ODS_ROW, clip):
        pieces.append(inner[done:element.start])  # columns, row groups, header-row tags …
        done = element.end
        repeated = _repeat(ODS_ROWS_REPEATED, element.attrs)
        if row > clip.rows:
            # Nothing from here on is inside the form: find the first content with one search,
            # close the row groups still open and drop the rest.
            _ods_first_content_row(inner, element, row, clip)
            return b"".join(pieces) + _close_open_groups(pieces)
        cells, first = _ods_cells(element.inner, row, clip)
        kept = min(repeated, clip.rows - row + 1)
        if kept < repeated and first:
            clip.beyond(row + kept, first)
        attrs = ODS_ROWS_REPEATED.sub(b'number-rows-repeated="%d"' % kept, element.attrs)
        pieces.append(Element(element.prefix, element.name, attrs, cells, 0, 0).rebuilt(attrs))
        row += repeated
    return b"".join(pieces) + inner[done:]


def _ods_first_content_row(inner: bytes, first: Element, row: int, clip: Clip) -> None:
    """Record the first content cell at or after the row ``first`` (numbered ``row``)."""
    hit = ODS_CONTENT.search(inner, first.start)
    if hit is None:
        return
    start = hit.start()
    while (start := inner.rfind(b"<" + first.prefix + b"table-row", first.start, start)) > first.start:
        if ODS_ROW.match(inner, start):  # not a table-row-group
            break
    start = max(start, first.start)
    a, b = first.start, start  # counted in place: no copy of what may be most of the file
    opening = b"<" + first.prefix + b"table-row"
    rows = inner.count(opening, a, b) - inner.count(opening + b"-group", a, b) - inner.count(opening + b"s", a, b)
    row += rows + sum(int(n[:9]) - 1 for n in ODS_ROWS_REPEATED.findall(inner, a, b))
    holder = next(elements(inner, ODS_ROW, clip, start))
    col = _ods_first_content_column(holder.inner, 0, 1)
    if col:
        clip.beyond(row, col)


def _ods_first_content_column(inner: bytes, pos: int, col: int) -> int:
    """The column of the first content cell of a row's ``inner`` from ``pos`` (where column ``col``
    starts), or 0: one search, then the cells and repeats before it are counted, not walked."""
    hit = ODS_CONTENT.search(inner, pos)
    if hit is None:
        return 0
    start = hit.start()
    while (start := inner.rfind(b"<", pos, start)) >= pos and not ODS_CELL.match(inner, start):
        pass  # back to the start tag of the cell holding the hit
    if start < pos:
        return col
    prefix = ODS_CELL.match(inner, start).group(1)  # type: ignore[union-attr]  # matched just above
    cells = inner.count(b"<" + prefix + b"table-cell", pos, start) + inner.count(b"<" + prefix + b"covered-table-cell",
                                                                                  pos, start)
    return col + cells + sum(int(n[:9]) - 1 for n in ODS_COLUMNS_REPEATED.findall(inner, pos, start))


def _close_open_groups(pieces: list[bytes]) -> bytes:
    """End tags for the row groups (header rows, row groups …) opened in ``pieces`` and not closed."""
    stack: list[bytes] = []
    for piece in pieces:
        for match in ODS_GROUP.finditer(piece):
            if match.group(1):
                if stack:
                    stack.pop()
            elif not match.group(3):
                stack.append(match.group(2))
    return b"".join(b"</" + name + b">" for name in reversed(stack))


def _ods_cells(inner: bytes, row: int, clip: Clip) -> tuple[bytes, int]:
    """The row's cells inside ``clip``, and the column of its first content cell (0 if none)."""
    kept: list[bytes] = []
    col = 1
    first = 0
    for cell in elements(inner, ODS_CELL, clip):
        repeated = _repeat(ODS_COLUMNS_REPEATED, cell.attrs)
        content = b"value-type" in cell.attrs or bool(ODS_TEXT.search(b">" + cell.inner + b"<"))
        if content and not first:
            first = col
        if content and row <= clip.rows and col + repeated - 1 > clip.columns:
            clip.beyond(row, max(col, clip.columns + 1))
        if col <= clip.columns and row <= clip.rows:
            n = min(repeated, clip.columns - col + 1)
            kept.append(inner[cell.start:cell.end] if n == repeated else
                        cell.rebuilt(ODS_COLUMNS_REPEATED.sub(b'number-columns-repeated="%d"' % n, cell.attrs)))
        col += repeated
        if col > clip.columns and row <= clip.rows:
            # The rest of the row lies beyond the form: only its first content matters.
            if not clip.overflows and (beyond := _ods_first_content_column(inner, cell.end, col)):
                clip.beyond(row, beyond)
                first = first or beyond
            break
    return b"".join(kept), first


def _repeat(pattern: "re.Pattern[bytes]", attrs: bytes) -> int:
    found = pattern.search(attrs)
    return max(1, int(found.group(1)[:9])) if found else 1
