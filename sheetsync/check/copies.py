"""A copy of the form's sheet, filled instead of it.

Calc keeps no lock on a workbook's sheets: a teacher keeps last month's report with Sheet > Move or
Copy Sheet > Copy and types the new one into the copy ("แบบรายงาน (2)"). Only the form's own sheet is
read, so the file passed with last month's values and the new report was lost. An added sheet is a
copy of the form when its fixed cells hold the form's labels (their hashes, as issued); when it holds
anything else than the form's sheet, the first such cell is told.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from python_calamine import CalamineError

from ..errors import SheetsyncError
from ..spec.cells import column_letter
from ..template.fingerprint import cell_hash

__all__ = ["COPIES_LOOKED_AT", "copies_differing"]

Grid = list[list[Any]]

#: Added sheets looked into (each costs a bounded read); a file with more is told of them anyway.
COPIES_LOOKED_AT = 5
#: The share of the form's fixed cells a sheet must hold as issued to be a copy of the form.
COPY_SHARE = 0.9


def copies_differing(added: Iterable[str], grid: Grid, locked: dict[str, tuple[int, int, str]],
                     read: Callable[[str], Grid]) -> dict[str, str]:
    """``{sheet: cell}``: each added sheet that is a copy of the form sheet (``grid``), with the first
    cell (A1, row by row) where it holds another value.

    :param locked: the form's fixed cells, ``ref -> (row, col, hash as issued)`` (0-based).
    :param read: the cells of an added sheet, over the form's area, made safe as ``grid`` was.
    """
    out = {}
    for name in list(added)[:COPIES_LOOKED_AT]:
        try:
            copy = read(name)
        except (SheetsyncError, CalamineError):  # a sheet the school added never stops her form being read
            continue
        if locked and _held(copy, locked) >= COPY_SHARE * len(locked):
            first = _first_difference(grid, copy)
            if first is not None:
                out[name] = first
    return out


def _held(grid: Grid, locked: dict[str, tuple[int, int, str]]) -> int:
    return sum(cell_hash(_value(grid, row, col)) == expected for row, col, expected in locked.values())


def _first_difference(a: Grid, b: Grid) -> str | None:
    for row in range(max(len(a), len(b))):
        width = max(len(a[row]) if row < len(a) else 0, len(b[row]) if row < len(b) else 0)
        for col in range(width):
            if _value(a, row, col) != _value(b, row, col):
                return f"{column_letter(col + 1)}{row + 1}"
    return None


def _value(grid: Grid, row: int, col: int) -> Any:
    """The value at 0-based (row, col); "" beyond the grid (calamine's empty cell)."""
    return grid[row][col] if row < len(grid) and col < len(grid[row]) else ""
