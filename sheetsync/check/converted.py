"""Warnings on values a spreadsheet program changed from what the teacher typed: a percentage typed as
a fraction, a date made of text in a free-text cell, a B.E. date shown 543 years on. Each is read as
meant (or as typed) and the file is taken; the warning says what the cell holds and what to type."""

from __future__ import annotations

from datetime import date
from typing import Iterator

from ..errors import CoerceError
from ..spec.form import Form
from ..spec.pointers import generic, lookup
from ..thaidates import BE_OFFSET
from .coerce import format_be_date, parse_date
from .findings import finding
from .reader import Filled
from .report import Finding
from .shown import shown

__all__ = ["dates_shown_later", "percent_fractions", "text_as_dates"]


def percent_fractions(filled: Filled, flagged: set[str]) -> Iterator[Finding]:
    """A warning on a percentage typed as a fraction ("0.45" without "%"): it is read as 0.45 %, and a
    teacher who meant 45 % (as a spreadsheet's percent format shows 0.45) would never see why."""
    percents = _pointers_of(filled.form, ("percent",))
    for pointer, ref in filled.source_map.items():
        typed = filled.raw.get(ref.cell)
        if ref.cell in flagged or not isinstance(typed, str) or generic(pointer) not in percents:
            continue
        if "%" in typed or "ร้อยละ" in typed:
            continue  # typed as a percentage: its value is not looked up (most percentages are)
        value = lookup(filled.data, pointer)
        if isinstance(value, (int, float)) and 0 < value < 1:
            yield finding(filled, "percent-as-fraction", pointer, typed.strip(), severity="warning", cell=ref.cell,
                           sheet=filled.form.sheet, meant=shown(round(value * 100, 10)))


def text_as_dates(filled: Filled, flagged: set[str]) -> Iterator[Finding]:
    """A warning on a free-text cell that holds a date: long text cells stay General (Excel shows ####
    for a Text-formatted cell over 255 characters), and there Calc and Excel make a date of what looks
    like one ("1/2", a stage, became 1 February): the school is told what was read, and how to keep text."""
    texts = _pointers_of(filled.form, ("text", "lines"))
    for pointer, ref in filled.source_map.items():
        stored = filled.raw.get(ref.cell)
        if isinstance(stored, date) and ref.cell not in flagged and generic(pointer) in texts:
            yield finding(filled, "text-became-date", pointer, lookup(filled.data, pointer), severity="warning",
                           cell=ref.cell, sheet=filled.form.sheet, date=_be_text(stored))


def _pointers_of(form: Form, kinds: tuple[str, ...]) -> set[str]:
    """The generic pointers of the form's fields (table columns as ``/table/*/column``) of these kinds."""
    return {f.pointer for f in form.fields if f.kind in kinds} | {
        f"{t.pointer}/*/{c.pointer}" for t in form.tables for c in t.columns if c.kind in kinds}


def _be_text(stored: date) -> str:
    """The stored date as the school reads dates (d/m/yyyy B.E.); a year already B.E. (Calc's typed 2562) kept."""
    try:
        return format_be_date(parse_date(stored))
    except CoerceError:  # 29/2 of a B.E. year that was no leap year: shown as stored
        return f"{stored.day}/{stored.month}/{stored.year}"


def dates_shown_later(filled: Filled) -> Iterator[Finding]:
    """A warning on each date cell holding a B.E. year that a Buddhist-calendar format shows 543 years
    on (:func:`sheetsync.check.formatted.dates_shown_later`): the date meant is read, but the cell shows
    and prints another; typed after an apostrophe it stays as typed."""
    for pointer, ref in filled.source_map.items():
        stored = filled.raw.get(ref.cell)
        if ref.cell in filled.shown_later and isinstance(stored, date):
            yield finding(filled, "date-shown-later", pointer, f"{stored.day}/{stored.month}/{stored.year}",
                          severity="warning", cell=ref.cell, sheet=filled.form.sheet,
                          shown=f"{stored.day}/{stored.month}/{stored.year + BE_OFFSET}")
