"""What a cell's number format changes in what the teacher sees, where calamine gives the bare value.

python-calamine reads a cell's number, not its format. Two formats change its meaning, and both arrive
only with a paste from another workbook or in a sheet unprotected (a template's percentage and date
cells are Text-formatted): a percent format ("100%" is stored as 1), and a Buddhist-calendar date
format holding a year typed in B.E. (Thai Excel parses 31/10/2562 in the Gregorian calendar: the year
2562 C.E., which that format shows and prints 543 years on, as 31/10/3105). The cells' formats are
looked up in the .xlsx's styles (:mod:`sheetsync.formats.numfmt`) or the .ods's
(:mod:`sheetsync.formats.odsnumfmt`), only for cells holding such values.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..formats.numfmt import is_buddhist_format, is_percent_format
from ..spec.cells import column_letter
from ..spec.form import Form
from . import coerce
from .opener import Opener
from .places import plan_of

__all__ = ["dates_shown_later", "mark_percents"]

Grid = list[list[Any]]


def mark_percents(grid: Grid, opener: Opener, form: Form) -> None:
    """Make the number of each percentage cell shown in a percent format a :class:`coerce.PercentShown`:
    calamine reads "100%" as 1.0, which alone would be taken as 1 %."""
    height = len(grid)
    # Only cells holding a number are looked up (a template's percent cells are Text: the common case is none).
    held = {(row, col) for row, col in plan_of(form).percents
            if row < height and col < len(grid[row]) and grid[row][col].__class__ is float}
    for row, col in opener.styled(form.sheet, held, is_percent_format) if held else ():
        grid[row][col] = coerce.PercentShown(grid[row][col])


def dates_shown_later(grid: Grid, opener: Opener, form: Form) -> list[str]:
    """The date cells (A1) holding a B.E. year as a date that a Buddhist-calendar format shows 543 years on."""
    height = len(grid)
    held = {(row, col) for row, col in plan_of(form).dates if row < height and col < len(grid[row])
            and isinstance(value := grid[row][col], date) and value.year > coerce.BE_THRESHOLD}
    if not held:  # the common case: no date stored at all (the cells are Text)
        return []
    return [f"{column_letter(col + 1)}{row + 1}" for row, col in sorted(opener.styled(form.sheet, held, is_buddhist_format))]
