"""A1 cell references, without a spreadsheet library (the read path never needs openpyxl)."""

from __future__ import annotations

import re
from functools import lru_cache

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$")
#: Excel's and Calc's largest sheet: XFD1048576.
MAX_COL, MAX_ROW = 16384, 1048576


@lru_cache(maxsize=512)
def column_letter(index: int) -> str:
    """Column letters for a 1-based index: ``3`` → ``"C"``, ``28`` → ``"AB"``."""
    if not 1 <= index <= MAX_COL:
        raise ValueError(f"column {index} is outside 1..{MAX_COL}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """1-based column index of ``letters``: ``"C"`` → 3, ``"ab"`` → 28."""
    if not letters.isascii() or not letters.isalpha() or len(letters) > 3:
        raise ValueError(f"{letters!r} is not a column")
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    if index > MAX_COL:
        raise ValueError(f"{letters!r} is outside the sheet")
    return index


def parse_ref(ref: str) -> tuple[int, int]:
    """``"C5"`` → ``(3, 5)`` (column, row); ``ValueError`` if it is not a single cell in the sheet."""
    match = _REF.match(ref.strip())
    if not match or int(match.group(2)) > MAX_ROW:
        raise ValueError(f"{ref!r} is not a cell or range")
    return column_index(match.group(1)), int(match.group(2))


def parse_span(text: str) -> tuple[int, int, int, int]:
    """``"C5:H6"`` or ``"C5"`` → ``(first col, first row, last col, last row)``, corners in any order."""
    first, _, last = text.partition(":")
    col1, row1 = parse_ref(first)
    col2, row2 = parse_ref(last) if last else (col1, row1)
    return min(col1, col2), min(row1, row2), max(col1, col2), max(row1, row2)
