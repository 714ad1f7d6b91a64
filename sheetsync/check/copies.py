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
from ..template.fingerprint import cell_hash, normalize

__all__ = ["COPIES_LOOKED_AT", "copies_differing", "holds_form"]

Grid = list[list[Any]]

#: Added sheets looked into (each costs a bounded read); a file with more is told of them anyway.
COPIES_LOOKED_AT = 5
#: The share of the form's fixed cells a sheet must hold as issued to be a copy of the form.
COPY_SHARE = 0.9


def copies_differing(added: Iterable[str], grid: Grid, locked: dict[str, tuple[int, int, str]],
                     read: Callable[[str], Grid], issued: dict[str, str]) -> dict[str, str]:
    """``{sheet: cell}``: each added sheet that is a copy of the form sheet (``grid``), with the first
    cell (A1, row by row) where it holds another value than the form sheet, which holds it as issued.

    :param locked: the form's fixed cells, ``ref -> (row, col, hash as issued)`` (0-based).
    :param issued: what cells were issued holding, ``{ref: text}`` (:func:`normalize`); a cell not named
        was issued empty, or is not known (then only an empty one is as issued).
    :param read: the cells of an added sheet, over the form's area, made safe as ``grid`` was.
    """
    out = {}
    for name in list(added)[:COPIES_LOOKED_AT]:
        try:
            copy = read(name)
        except (SheetsyncError, CalamineError):  # a sheet the school added never stops her form being read
            continue
        if holds_form(copy, locked):
            first = _first_added(grid, copy, issued)
            if first is not None:
                out[name] = first
    return out


def holds_form(grid: Grid, locked: dict[str, tuple[int, int, str]]) -> bool:
    """Whether ``grid`` (a sheet's cells, made safe) holds the form's fixed cells as issued: their hashes,
    but for a few (:data:`COPY_SHARE`: a label she typed over still leaves her sheet the form's).

    :param locked: the form's fixed cells, ``ref -> (row, col, hash as issued)`` (0-based).
    """
    held = sum(cell_hash(_value(grid, row, col)) == expected for row, col, expected in locked.values())
    return bool(locked) and held >= COPY_SHARE * len(locked)


def _first_added(grid: Grid, copy: Grid, issued: dict[str, str]) -> str | None:
    """The first cell (row by row) where ``copy`` holds another value than ``grid``, which holds its own
    as issued (so the copy is what was typed into there)."""
    for row in range(max(len(grid), len(copy))):
        width = max(len(grid[row]) if row < len(grid) else 0, len(copy[row]) if row < len(copy) else 0)
        for col in range(width):
            mine = _value(grid, row, col)
            if normalize(_value(copy, row, col)) != normalize(mine):
                ref = f"{column_letter(col + 1)}{row + 1}"
                if normalize(mine) == issued.get(ref, ""):
                    return ref
    return None


def _value(grid: Grid, row: int, col: int) -> Any:
    """The value at 0-based (row, col); "" beyond the grid (calamine's empty cell)."""
    return grid[row][col] if row < len(grid) and col < len(grid[row]) else ""
