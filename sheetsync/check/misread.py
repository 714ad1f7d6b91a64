"""Dates whose year a spreadsheet program read otherwise than the teacher meant, pasted past the form's
validation (which refuses such years while typing): each is one error on its cell, saying what the year
was read as, what looks to have happened, and the date to type.

Three ways arrive (each seen in Calc, tests/test_teacher_calc_paste_dates.py):

- "31/10/62" typed in another workbook: Calc and Excel read a two-digit year as C.E. (62 is 1962), never
  as B.E. 2562; the date pasted is 57 years early.
- "31/10/3105" copied as text from a cell that showed a B.E. date 543 years on (a B.E. year stored as
  C.E. in a Buddhist-calendar format): read as B.E. 3105, it is still 543 years late.
- a year before 1900 ("0062"): no date of this form, and not the one meant.

A B.E. year stored as C.E. (2562 C.E.) is taken back 543 years when read (:func:`coerce.parse_date`),
and a real C.E. date is what it says: neither is told here.
"""

from __future__ import annotations

from datetime import date
from typing import Iterator

from ..errors import CoerceError
from ..spec.pointers import generic
from .coerce import BE_THRESHOLD, parse_date
from .findings import finding
from .reader import Filled
from .report import Finding

__all__ = ["misread_years"]

#: The first year a date of the form can hold (no Thai school's report predates it).
FIRST_YEAR = 1900
#: Calc's and Excel's two-digit years, 30–99, are read as 1930–1999.
TWO_DIGIT_FIRST = 1930


def misread_years(filled: Filled) -> Iterator[Finding]:
    """An error on each date cell whose year was read wrong (see the module's docstring); its pointer is
    the finding's path, so the date's rules (the project period, the order of reports) say nothing more."""
    dates = {f.pointer for f in filled.form.fields if f.kind == "date"} | {
        f"{t.pointer}/*/{c.pointer}" for t in filled.form.tables for c in t.columns if c.kind == "date"}
    bounded = _bounded(filled)
    for pointer, ref in filled.source_map.items():
        if generic(pointer) not in dates:
            continue
        read = _read(filled.raw.get(ref.cell))
        how = _how(read, filled.raw.get(ref.cell), generic(pointer) in bounded) if read is not None else None
        if read is not None and how is not None:
            yield finding(filled, "date-year-misread", pointer, read.isoformat(), cell=ref.cell,
                          sheet=filled.form.sheet, message=f"date-year-misread.{how[0]}",
                          year=read.year, meant=f"{read.day}/{read.month}/{how[1]}")


def _read(raw: object) -> date | None:
    """The date a cell was read as (:func:`parse_date`); None for anything else (its own finding says so)."""
    try:
        return parse_date(raw)
    except CoerceError:
        return None


def _bounded(filled: Filled) -> set[str]:
    """The date fields a rule of the form judges (a project's period, the order of reports): dates of the
    present. A year of the last century in one of them is a two-digit year misread; in a date no rule
    bounds (a birth date, in another form) it may be what was meant."""
    found: set[str] = set()
    for rule in filled.form.rules:
        found.update(rule.fields)
        if "table" in rule.params and "field" in rule.params:
            found.add(f"{rule['table']}/*/{rule['field']}")
    return found


def _how(read: date, raw: object, bounded: bool) -> tuple[str, int] | None:
    """What happened to the year (the message's variant) and the B.E. year meant; None when it is plausible
    (``bounded``: the date is one a rule judges, so a year of the last century cannot be meant)."""
    if read.year > BE_THRESHOLD:  # B.E. still, after 543 years were taken off
        return "be-twice", read.year
    if read.year < FIRST_YEAR:  # "62" meant 2562, "0062" too; older years were never typed for this form
        return "before-1900", read.year % 100 + 2500
    if bounded and isinstance(raw, date) and TWO_DIGIT_FIRST <= read.year < 2000:
        # Stored as a date (text's two digits are read as B.E. already): Calc's 1962 for "62".
        return "two-digit", read.year % 100 + 2500
    return None
