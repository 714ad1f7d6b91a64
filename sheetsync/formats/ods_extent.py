"""How far an .ods table's cells reach, measured at C speed (:func:`ods_bound` first, else
:func:`ods_extent` row by row), for :mod:`sheetsync.formats.extent`; and the :class:`Extent` both
formats' measures give.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, filterfalse
from operator import add, lt, methodcaller
from typing import TYPE_CHECKING

from .. import limits
from ._clip import ODS_COLUMNS_REPEATED, ODS_ROWS_REPEATED

if TYPE_CHECKING:
    from .bounded import Bounds

__all__ = ["Extent", "ROW_TAG_ENDS", "ods_bound", "ods_extent", "rows_between"]

ODS_EMPTY_CELL = re.compile(rb'<table:(?:covered-)?table-cell(?:\s+table:(?:style-name|number-columns-repeated)'
                            rb'\s*=\s*"[^"<>]*")*\s*/>')
ODS_EMPTY_RUN = re.compile(rb"(?:\s*" + ODS_EMPTY_CELL.pattern + rb")*\s*")  # only empty cells
#: A repeat of rows or columns (a search at twice the speed of ``bytes.find`` on a sheet's XML).
REPEATED = re.compile(rb"repeated")
#: A row's start tag as written plainly.
ROW_STARTS = (b"<table:table-row ", b"<table:table-row>")
#: What may follow ``<table:table-row`` in a row's own tag (not a row group's or header rows').
ROW_TAG_ENDS = (b" ", b">", b"/", b"\t", b"\n", b"\r")


@dataclass(frozen=True)
class Extent:
    """The last row and column holding a cell (1-based; 0 × 0 for an empty sheet)."""

    rows: int
    columns: int

    def within(self, bounds: Bounds) -> bool:
        """Whether every cell lies within ``bounds``."""
        return self.rows <= bounds.rows and self.columns <= bounds.columns


def ods_extent(body: bytes) -> Extent | None:
    """How far the table's cells that may hold something reach, counting repeats (``body`` holds
    no sub-table); None for rows written in a way not measured here.

    One loop over the rows with every test written out: this runs for each row of every file,
    and a function call per test cost more than the searches themselves."""
    if len(body) > 7 * limits.MAX_ELEMENTS and body.count(b"<table:") > limits.MAX_ELEMENTS:
        return None  # the clipping path counts rows and cells, and refuses it naming the sheet
    find, rfind, count, empty = body.find, body.rfind, body.count, ODS_EMPTY_CELL.match
    row_tag, cell_tag, covered_tag = b"<table:table-row", b"<table:table-cell", b"<table:covered-table-cell"
    row = rows = columns = pos = 0  # rows seen (with repeats); the extent so far
    while (end := find(b"</table:table-row>", pos)) >= 0:
        start = rfind(row_tag, pos, end)  # this row's own start tag (rows hold no rows)
        if start < 0 or body[start + 16:start + 17] not in ROW_TAG_ENDS:
            return None  # a self-closing row, or a row group's tag: clip
        tag_end = find(b">", start, end)
        if tag_end < 0 or (find(row_tag, pos, start) >= 0 and rows_between(body, pos, start)):
            return None  # written oddly: clip
        repeated = 1
        if find(b"rows-repeated", start, tag_end) >= 0:
            found = ODS_ROWS_REPEATED.search(body, start, tag_end)
            repeated = max(1, int(found.group(1)[:9])) if found else 1
        # The row's last cell that may hold something; only trailing empty cells are passed over.
        last = max(rfind(cell_tag, tag_end, end), rfind(covered_tag, tag_end, end))
        if last >= 0 and empty(body, last):
            # Merged cells leave a run of empty covered cells: when all that follows the last
            # closing cell tag is such a run, step over it at once (the loop below would skip
            # each of them and stop at the same cell).
            close = max(rfind(b"</table:table-cell>", tag_end, end), rfind(b"</table:covered-table-cell>", tag_end, end))
            if close >= 0 and ODS_EMPTY_RUN.fullmatch(body, find(b">", close) + 1, end):
                last = max(rfind(cell_tag, tag_end, close), rfind(covered_tag, tag_end, close))
        while last >= 0 and empty(body, last):
            last = max(rfind(cell_tag, tag_end, last), rfind(covered_tag, tag_end, last))
        if last >= 0:
            cell_end = find(b">", last, end) + 1  # every cell up to the end of that one's start tag
            if not cell_end:
                return None  # a tag never closed: not measured
            width = count(cell_tag, tag_end, cell_end) + count(covered_tag, tag_end, cell_end)
            if find(b"columns-repeated", tag_end, cell_end) >= 0:
                width += sum(max(1, int(n[:9])) - 1 for n in ODS_COLUMNS_REPEATED.findall(body, tag_end, cell_end))
            rows, columns = row + repeated, max(columns, width)
        row += repeated
        pos = end + 18
    return None if rows_between(body, pos, len(body)) else Extent(rows, columns)


def ods_bound(body: bytes) -> Extent | None:
    """A bound on :func:`ods_extent` found at C speed, for a table written plainly: no row repeats,
    no row groups, every row tag ``<table:table-row>`` or ``<table:table-row …>``, each row closed
    before the next starts and every tag closed. None when the table is written otherwise.

    Those are the conditions under which :func:`ods_extent` measures the table (never None), and
    each of its rows then holds at most the cells between its closing tag and the one before, each
    once more for each repeat of its columns (Calc writes merged and empty neighbours so): so the
    table reaches no further than (rows, most such cells between two row ends). A repeat of more
    than :data:`MAX_QUICK_REPEAT` is left to the row-by-row measure (a bound that far is no use)."""
    row_tag = b"<table:table-row"
    # Repeats before the first row are the columns' (which hold no cells): only the rows' count.
    first = max(body.find(row_tag), 0)
    if len(body) > 7 * limits.MAX_ELEMENTS:
        return None  # a table the row-by-row measure may refuse
    repeats = _column_repeats(body, first)
    if repeats is None:
        return None  # rows repeated, or a long run of cells: measured row by row
    chunks = body.split(b"</table:table-row>")  # each ends where one row does; the last one holds no row
    rows = len(chunks) - 1
    if list(map(methodcaller("count", row_tag), chunks)) != [1] * rows + [0]:
        return None  # a row inside another, one never closed, or a row group
    ends = chunks[:-1]
    # Each row's one tag must be followed by " " or ">": seen at once where a row starts right after
    # the one before (as Calc and sheetsync write rows), else looked at (after columns, header rows).
    for chunk in filterfalse(methodcaller("startswith", ROW_STARTS), ends):
        at = chunk.find(row_tag)
        if chunk[at + 16:at + 17] not in (b" ", b">"):
            return None  # a row tag written otherwise
    if any(map(lt, map(methodcaller("rfind", b">"), ends), map(methodcaller("rfind", b"<"), ends))):
        return None  # a row's last tag (its own, or its last cell's) never closed
    cells = list(map(methodcaller("count", b"<table:table-cell"), chunks))
    # Covered cells (merges) are counted row by row only where the table has any: one search
    # otherwise, where counting them in each row cost a fifth of the bound.
    if body.find(b"<table:covered-table-cell") >= 0:
        cells = list(map(add, cells, map(methodcaller("count", b"<table:covered-table-cell"), chunks)))
    if repeats:
        # Where each chunk ends, with the row's end tag (18 bytes) after it: a repeat is its chunk's.
        chunk_ends = list(accumulate(map(len, chunks), lambda done, size: done + size + 18, initial=-18))[1:]
        for at, more in repeats:
            cells[bisect_right(chunk_ends, at)] += more
    return Extent(rows, max(cells))


#: The most cells one column repeat may stand for in a quick bound (:func:`ods_bound`).
MAX_QUICK_REPEAT = 256


def _column_repeats(body: bytes, start: int) -> list[tuple[int, int]] | None:
    """Where each column repeat of ``body[start:]`` is and how many cells it adds, read as
    :func:`ods_extent` reads them; None when rows are repeated or a repeat adds more than
    :data:`MAX_QUICK_REPEAT` cells. One search: every repeat's attribute holds the word "repeated"."""
    found = []
    for word in REPEATED.finditer(body, start):
        at = word.start()
        if body.endswith(b"rows-", 0, at):
            return None
        match = ODS_COLUMNS_REPEATED.match(body, at - 15) if at >= 15 + start else None
        if match is not None:
            more = max(1, int(match.group(1)[:9])) - 1
            if more > MAX_QUICK_REPEAT:
                return None
            found.append((match.start(), more))
    return found


def rows_between(body: bytes, start: int, end: int) -> bool:
    """Whether a row element starts in ``body[start:end]`` (row groups and header rows aside)."""
    at = body.find(b"<table:table-row", start, end)
    while at >= 0:
        if body[at + 16:at + 17] in ROW_TAG_ENDS:
            return True
        at = body.find(b"<table:table-row", at + 16, end)
    return False
