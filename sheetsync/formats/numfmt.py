"""Which cells of an .xlsx sheet are shown in a percent format, from its styles and the cells' ``s=``.

python-calamine gives a cell's number, not its format: "100%" in a percent-formatted cell is stored
as 1 and comes back as 1.0, the same as a plain 1. A template's percent cells are Text-formatted, so
neither program converts what is typed there; a percent format only arrives with a paste from another
workbook (Excel pastes formats into unlocked cells of a protected sheet) or in a sheet unprotected.
Then the number behind "100%" must be read as 100, not as 1 %. The searches read the parts already
inflated (bounded) at C speed: the cells are looked for only when the styles hold a percent format,
which no template's do.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

from ._clip import column_number

__all__ = ["is_percent_format", "percent_cells", "percent_styles"]

#: Excel's built-in percent formats: 0% and 0.00%.
BUILT_IN_PERCENT = frozenset({9, 10})
CELL_XFS = re.compile(rb"<cellXfs(?=[\s>])(.*?)</cellXfs>", re.S)
XF = re.compile(rb"<xf(?=[\s/>])([^<>]*)>")
NUM_FMT = re.compile(rb"<numFmt(?=[\s/>])([^<>]*)>")
FMT_ID = re.compile(rb"""(?<=\s)numFmtId\s*=\s*["']([0-9]{1,9})["']""")
FMT_CODE = re.compile(rb"""(?<=\s)formatCode\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: What in a format code is no placeholder: quoted text, an escaped character, [colour]/[$-locale].
LITERAL = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]?|_.|\*.')
REF = re.compile(rb"""(?<=\s)r\s*=\s*["']\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})["']""")


def is_percent_format(code: str) -> bool:
    """Whether the number format ``code`` multiplies by 100: a ``%`` outside quotes, escapes and brackets."""
    return "%" in LITERAL.sub("", code)


@lru_cache(maxsize=64)  # every file of a school, saved by the same program, holds the same styles
def percent_styles(styles: bytes) -> frozenset[int]:
    """The indices of ``styles.xml``'s cell formats (``cellXfs``, what a cell's ``s=`` names) whose
    number format is a percent."""
    percent = set(BUILT_IN_PERCENT)
    for element in NUM_FMT.finditer(styles):
        fmt_id, code = FMT_ID.search(element.group(1)), FMT_CODE.search(element.group(1))
        if fmt_id is not None and code is not None:
            text = unescape((code.group(1) if code.group(1) is not None else code.group(2)).decode("utf-8", "replace"))
            if is_percent_format(text):
                percent.add(int(fmt_id.group(1)))
            else:
                percent.discard(int(fmt_id.group(1)))  # a custom format redefining a built-in id is its own
    block = CELL_XFS.search(styles)
    if block is None:
        return frozenset()
    found = set()
    for index, xf in enumerate(XF.finditer(block.group(1))):
        fmt_id = FMT_ID.search(xf.group(1))
        if fmt_id is not None and int(fmt_id.group(1)) in percent:
            found.add(index)
    return frozenset(found)


def percent_cells(sheet: bytes, styles: frozenset[int], wanted: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The cells among ``wanted`` (0-based row, column) of the worksheet XML ``sheet`` whose style
    (``s=``) is one of ``styles``. A cell without ``r=`` (no spreadsheet program writes one) is left out."""
    if not styles or not wanted:
        return set()
    names = b"|".join(str(index).encode() for index in sorted(styles))
    tag = re.compile(rb"""<c\s[^<>]*?(?<=\s)s\s*=\s*["'](?:""" + names + rb""")["'][^<>]*>""")
    found = set()
    for cell in tag.finditer(sheet):
        ref = REF.search(cell.group())
        if ref is not None:
            place = (int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)
            if place in wanted:
                found.add(place)
    return found
