"""Which cells of an .ods table are shown in a kind of number format (a percent, a Buddhist-calendar
date): :mod:`sheetsync.formats.numfmt`'s question, asked of an .ods.

A cell pasted in Calc with its format keeps it: "100%" is written ``office:value-type="percentage"
office:value="1"``, which calamine gives as 1.0, and a B.E. year typed into a Buddhist-calendar date
cell (stored as that year C.E.) prints 543 years on. A cell names its style (``table:style-name``), the
style its data style (``style:data-style-name``, or its parent's), and the data style is a
``<number:percentage-style>`` or a ``<number:date-style>`` whose parts say ``number:calendar="buddhist"``.
Calc writes the data styles in content.xml's automatic styles or in styles.xml, so both are searched.
Each data style is summed up as the format code the kinds look at (:func:`data_style_code`). Only
the usual prefixes (``table:``, ``style:``, ``number:``) are looked for, as Calc and odfpy write them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Callable

from .expansion import QUOTED_TAG
from .formulas import ODS_REPEAT, ODS_TOKEN

__all__ = ["data_style_code", "ods_styled_cells", "ods_styles_where"]

DATA_STYLE = re.compile(rb"<number:([a-z]+)-style(?=[\s/>])([^<>]*?)(/?)>")
CELL_STYLE = re.compile(rb"<style:style(?=[\s/>])([^<>]*)>")
NAME = re.compile(rb"""(?<=\s)style:name\s*=\s*["']([^"'<>]*)["']""")
PARENT = re.compile(rb"""(?<=\s)style:parent-style-name\s*=\s*["']([^"'<>]*)["']""")
DATA_NAME = re.compile(rb"""(?<=\s)style:data-style-name\s*=\s*["']([^"'<>]*)["']""")
CELL_STYLE_NAME = re.compile(rb"""(?<=\s)table:style-name\s*=\s*["']([^"'<>]*)["']""")
BUDDHIST = re.compile(rb"""number:calendar\s*=\s*["']buddhist["']""")
#: How many parents a style's data style is looked for through (Calc's are one or two deep).
MAX_PARENTS = 16


def data_style_code(kind: bytes, buddhist: bool = False) -> str:
    """A format code standing for the data style ``<number:{kind}-style>`` (``buddhist``: its parts say
    ``number:calendar="buddhist"``): what :func:`sheetsync.formats.numfmt.is_percent_format` and
    ``is_buddhist_format`` look at."""
    if kind == b"percentage":
        return "0%"
    if kind == b"date":
        return "[$-1070000]d/m/yyyy" if buddhist else "d/m/yyyy"
    return "General"


def ods_styles_where(parts: list[tuple[bytes, int]], kind: Callable[[str], bool]) -> frozenset[bytes]:
    """The names of the cell styles whose data style (their own, or a parent's) is of ``kind``.

    :param parts: each styles part with where its styles end (content.xml: where its body begins; the
        whole of styles.xml), the data and cell styles of all of them taken together.
    """
    of_kind: set[bytes] = set()
    for xml, end in parts:
        of_kind |= _data_styles(xml, end, kind)
    if not of_kind:
        return frozenset()
    styles: dict[bytes, tuple[bytes | None, bytes | None]] = {}  # cell style → (its data style, its parent)
    for xml, end in parts:
        for match in CELL_STYLE.finditer(xml, 0, end):
            name, data, parent = NAME.search(match.group(1)), DATA_NAME.search(match.group(1)), PARENT.search(match.group(1))
            if name is not None:
                styles[name.group(1)] = (data.group(1) if data else None, parent.group(1) if parent else None)
    return frozenset(name for name in styles if _data_style(styles, name) in of_kind)


def _data_styles(xml: bytes, end: int, kind: Callable[[str], bool]) -> set[bytes]:
    """The names of the data styles of ``kind`` in ``xml[:end]``. One pass: every Buddhist calendar is
    found once, and each date style holds one if one lies before its end (a search from each unclosed
    tag to the next end would cost a hostile part its size times their number)."""
    calendars = [m.start() for m in BUDDHIST.finditer(xml, 0, end)]
    found, close = set(), -1
    for match in DATA_STYLE.finditer(xml, 0, end):
        name = NAME.search(match.group(2))
        buddhist = False
        if match.group(1) == b"date" and not match.group(3):
            if close < match.end():
                close = xml.find(b"</number:date-style>", match.end(), end)
                close = end if close < 0 else close
            at = bisect_right(calendars, match.end())
            buddhist = at < len(calendars) and calendars[at] < close
        if name is not None and kind(data_style_code(match.group(1), buddhist)):
            found.add(name.group(1))
    return found


def _data_style(styles: dict[bytes, tuple[bytes | None, bytes | None]], name: bytes) -> bytes | None:
    """The data style a cell style shows its numbers in: its own, else the nearest parent's."""
    for _ in range(MAX_PARENTS):
        data, parent = styles.get(name, (None, None))
        if data is not None or parent is None:
            return data
        name = parent
    return None


def ods_styled_cells(body: bytes, styles: frozenset[bytes], wanted: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The cells among ``wanted`` (0-based row, column) of an .ods table's body whose own style
    (``table:style-name``) is one of ``styles``: one pass over rows and cells, repeats counted, up to
    the last row wanted. A cell without a style of its own (the column's) is left out: a pasted cell
    always names its style."""
    if not styles or not wanted:
        return set()
    found: set[tuple[int, int]] = set()
    last_row, last_col = max(row for row, _ in wanted), max(col for _, col in wanted)
    row, rows, col = 0, 0, 0  # the current row's first index and its repeats; its next column
    for token in ODS_TOKEN.finditer(body):
        name, attrs = token.group(1), token.group(2) or b""
        if name is None:  # </table:table-row>
            continue
        if b"'" in attrs or attrs.count(b'"') % 2:  # a ">" inside a value: the tag ends further on
            stop = body.find(b"<", token.start() + 1)
            whole = QUOTED_TAG.match(body, token.start(), len(body) if stop < 0 else stop)
            attrs = whole.group()[len(name) + 7:-1] if whole is not None else attrs
        repeat = ODS_REPEAT.search(attrs) if b"repeated" in attrs else None
        times = max(1, int(repeat.group(1)[:9])) if repeat else 1
        if name == b"table-row":
            row, rows, col = row + rows, times, 0
            if row > last_row:
                break
            continue
        style = CELL_STYLE_NAME.search(attrs) if col <= last_col and name == b"table-cell" else None
        if style is not None and style.group(1) in styles:
            found.update(at for at in wanted if row <= at[0] < row + rows and col <= at[1] < col + times)
        col += times
    return found
