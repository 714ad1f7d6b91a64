"""Facts of the Thai calendar that both the form model and the checks need: month names, fiscal years.

A month is named in Thai ("พฤศจิกายน", or shortened "พ.ย.") or numbered 1–12; the Buddhist Era
(พ.ศ.) is the Common Era + 543; the Thai fiscal year N (B.E.) runs from 1 October of N−1 to
30 September of N, so October 2566 belongs to fiscal year 2567. Nothing here reads a form or a file.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

#: Years are B.E. on Thai forms: C.E. + 543.
BE_OFFSET = 543

MONTH_NAMES = [
    ("มกราคม", "มค"), ("กุมภาพันธ์", "กพ"), ("มีนาคม", "มีค"), ("เมษายน", "เมย"),
    ("พฤษภาคม", "พค"), ("มิถุนายน", "มิย"),
    ("กรกฎาคม", "กค", "กรกฏาคม"),  # ฏ for ฎ is the commonest misspelling
    ("สิงหาคม", "สค"), ("กันยายน", "กย"), ("ตุลาคม", "ตค"), ("พฤศจิกายน", "พย"),
    ("ธันวาคม", "ธค"),
]  # fmt: skip
#: Each name's month number. Keys carry no dots or spaces: "ก.พ.", "ก. พ." and "กพ" are all typed.
MONTHS = {name: number for number, names in enumerate(MONTH_NAMES, 1) for name in names}
#: The first month of a fiscal year (October): from it on, a month belongs to the next fiscal year.
FISCAL_START = 10


def month_number(value: object) -> int | None:
    """The month (1–12) that ``value`` names: a number 1–12 or a Thai month name; None for anything else.

    Example::

        month_number("พฤศจิกายน") == month_number("พ.ย.") == month_number(11) == 11
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return int(value) if 1 <= value <= 12 else None
    if isinstance(value, str):
        return MONTHS.get(value.replace(".", "").replace(" ", ""))
    return None


def month_span(month: int, year: int, *, fiscal: bool) -> tuple[dt.date, dt.date] | None:
    """The first and last day of ``month`` of the B.E. ``year`` (a fiscal year when ``fiscal``), or None
    when that year has no calendar date (a year typed as 25 or 99999)."""
    calendar_be = year - 1 if fiscal and month >= FISCAL_START else year
    year_ce = calendar_be - BE_OFFSET
    if not dt.MINYEAR <= year_ce <= dt.MAXYEAR:
        return None
    return dt.date(year_ce, month, 1), dt.date(year_ce, month, monthrange(year_ce, month)[1])


__all__ = ["BE_OFFSET", "FISCAL_START", "MONTHS", "MONTH_NAMES", "month_number", "month_span"]


#: A year above this is B.E. (no office writes a Christian year past 2400), as in a form's cells.
BE_FROM = 2400


def settings_day(value: str | dt.date) -> dt.date:
    """A day an office writes in its settings, ``2569-12-01`` (B.E., as Thai offices write every date)
    or ``2026-12-01``, as a date of the Christian era (``2026-12-01`` both).

    A TOML date literal already is a :class:`datetime.date` (of the year as written); text is
    ``YYYY-MM-DD``. 29 February of a B.E. year is the leap day of its Christian year.

    :raises ValueError: ``value`` is no such day.
    """
    if isinstance(value, dt.date):
        year, month, day = value.year, value.month, value.day
    else:
        parts = value.strip().split("-")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts) or len(parts[0]) != 4:
            raise ValueError(f"{value!r} is not a day such as 2026-12-01")
        year, month, day = (int(p) for p in parts)
    return dt.date(year - BE_OFFSET if year > BE_FROM else year, month, day)
