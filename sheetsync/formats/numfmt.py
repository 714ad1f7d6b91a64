"""Which cells of an .xlsx sheet are shown in a kind of number format (a percent, a Buddhist-calendar
date), from the file's styles and the cells' ``s=``.

python-calamine gives a cell's number, not its format: "100%" in a percent-formatted cell is stored
as 1 and comes back as 1.0, the same as a plain 1. A template's percent cells are Text-formatted, so
neither program converts what is typed there; a percent format only arrives with a paste from another
workbook (Excel pastes formats into unlocked cells of a protected sheet) or in a sheet unprotected.
Then the number behind "100%" must be read as 100, not as 1 %. The searches read the parts already
inflated (bounded) at C speed: the cells are looked for only when the styles hold a percent format,
which no template's do.

A date typed in Thai Excel is parsed in the Gregorian calendar even where Windows is set to the
Buddhist one: "31/10/2562" is stored as the year 2562 C.E., and a Buddhist-calendar format (``[$-1070000]``,
``[$-107041E]``, ``bbbb``) then shows and prints it 543 years on, as 31/10/3105.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from typing import Callable

from ._clip import column_number

__all__ = ["is_buddhist_format", "is_percent_format", "styled_cells", "styles_where"]

#: Excel's built-in percent formats: 0% and 0.00%.
BUILT_IN_PERCENT = frozenset({9, 10})
#: Styles up to this size are remembered (an office's files share a few); a larger part is looked into each time.
CACHED_STYLES = 256 * 1024
XF = re.compile(rb"<xf(?=[\s/>])([^<>]*)>")
NUM_FMT = re.compile(rb"<numFmt(?=[\s/>])([^<>]*)>")
FMT_ID = re.compile(rb"""(?<=\s)numFmtId\s*=\s*["']([0-9]{1,9})["']""")
FMT_CODE = re.compile(rb"""(?<=\s)formatCode\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: What in a format code is no placeholder: quoted text, an escaped character, [colour]/[$-locale].
LITERAL = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]?|_.|\*.')
#: A locale and calendar tag: ``[$-1070000]``, ``[$-D07041E]`` (hex: digits, calendar, LCID) or ``[$-th-TH,107]``.
LOCALE = re.compile(r"\[\$[^\]-]*-(?:([0-9A-Fa-f]{1,8})|[A-Za-z-]+,([0-9A-Fa-f]{1,4}))\]")
#: The Buddhist calendar's number in a locale tag.
BUDDHIST = 0x07
QUOTED = re.compile(r'"[^"]*"?|\\.')
#: Excel's Buddhist-Era year codes (bb, bbbb), outside quotes and brackets.
BE_YEAR = re.compile(r"b{2,4}", re.I)
STYLED_CELL = re.compile(rb"""<c\s[^<>]*?(?<=\s)s\s*=\s*["']([0-9]{1,9})["'][^<>]*>""")
REF = re.compile(rb"""(?<=\s)r\s*=\s*["']\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})["']""")


def is_percent_format(code: str) -> bool:
    """Whether the number format ``code`` multiplies by 100: a ``%`` outside quotes, escapes and brackets."""
    return "%" in LITERAL.sub("", code)


def is_buddhist_format(code: str) -> bool:
    """Whether the number format ``code`` shows dates in the Buddhist calendar (years 543 on)."""
    code = QUOTED.sub("", code)
    for tag in LOCALE.finditer(code):
        if tag.group(1) is not None and (int(tag.group(1), 16) >> 16) & 0xFF == BUDDHIST:
            return True
        if tag.group(2) is not None and int(tag.group(2), 16) & 0xFF == BUDDHIST:
            return True
    return BE_YEAR.search(LITERAL.sub("", code)) is not None


def styles_where(styles: bytes, kind: Callable[[str], bool]) -> frozenset[int]:
    """The indices of ``styles.xml``'s cell formats (``cellXfs``, what a cell's ``s=`` names) whose
    number format is of ``kind`` (:func:`is_percent_format`, :func:`is_buddhist_format`)."""
    if len(styles) > CACHED_STYLES:  # never kept: 64 large parts would hold their size 64 times
        return _styles_where(styles, kind)
    return _cached_styles_where(styles, kind)


@lru_cache(maxsize=64)  # every file of a school, saved by the same program, holds the same styles
def _cached_styles_where(styles: bytes, kind: Callable[[str], bool]) -> frozenset[int]:
    return _styles_where(styles, kind)


def _styles_where(styles: bytes, kind: Callable[[str], bool]) -> frozenset[int]:
    percent = set(BUILT_IN_PERCENT) if kind is is_percent_format else set()
    for element in NUM_FMT.finditer(styles):
        fmt_id, code = FMT_ID.search(element.group(1)), FMT_CODE.search(element.group(1))
        if fmt_id is not None and code is not None:
            text = unescape((code.group(1) if code.group(1) is not None else code.group(2)).decode("utf-8", "replace"))
            if kind(text):
                percent.add(int(fmt_id.group(1)))
            else:
                percent.discard(int(fmt_id.group(1)))  # a custom format redefining a built-in id is its own
    # Searched for, not matched (a regular expression would read on from every unclosed <cellXfs).
    start = styles.find(b"<cellXfs")
    end = styles.find(b"</cellXfs>", start)
    if start < 0 or end < 0:
        return frozenset()
    found = set()
    for index, xf in enumerate(XF.finditer(styles, start, end)):
        fmt_id = FMT_ID.search(xf.group(1))
        if fmt_id is not None and int(fmt_id.group(1)) in percent:
            found.add(index)
    return frozenset(found)


def styled_cells(sheet: bytes, styles: frozenset[int], wanted: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The cells among ``wanted`` (0-based row, column) of the worksheet XML ``sheet`` whose style
    (``s=``) is one of ``styles``. A cell without ``r=`` (no spreadsheet program writes one) is left out."""
    if not styles or not wanted:
        return set()
    found = set()
    for cell in STYLED_CELL.finditer(sheet):
        if int(cell.group(1)) not in styles:
            continue
        ref = REF.search(cell.group())
        if ref is not None:
            place = (int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)
            if place in wanted:
                found.add(place)
    return found
