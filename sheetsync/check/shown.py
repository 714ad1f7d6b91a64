"""How a value is quoted in a finding's message: B.E. dates, grouped amounts, long text cut short.

The rules, the findings of the schema and the renderers all quote values so, in Thai and English alike.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from ..text import brief
from .coerce import format_be_date

__all__ = ["brief", "iso_date", "rounded", "shown"]

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(text: Any) -> dt.date | None:
    """The date a value of the data holds (``YYYY-MM-DD`` text), else None."""
    # Only the data's own form, YYYY-MM-DD: fromisoformat also reads "25630115" (a code typed
    # without its dash) as a date, which a message would then show as 15/1/3106.
    if not ISO_DATE.fullmatch(str(text)):
        return None
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


#: From here on a number has more digits than Excel and Calc keep (15 significant ones): written out,
#: 12345678901234567890 pasted into a cell read "12,345,678,901,234,567,168", 1E+308 309 digits.
EXACT_LIMIT = 1e15


def shown(value: Any) -> str:
    """A value as a Thai reader expects it: B.E. dates, grouped amounts, whole numbers as typed.

    The reader gives amounts and percentages as float and whole numbers (years, counts, report
    numbers) as int: a year reads "2563", never "2,563". A float with a fraction has two decimals,
    as the sheet shows an amount with satang ("10,000.50 บาท") and the form writes a percentage
    ("65.50"); a whole one none ("180,000").
    """
    as_date = iso_date(value) if isinstance(value, str) else None
    if as_date is not None:
        return format_be_date(as_date)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):  # two amounts near the float limit add up to inf
            return str(value)
        if abs(value) >= EXACT_LIMIT:  # its last digits are the float's, not hers: as the sheet shows it
            return f"{value:.15G}"
        if value.is_integer():  # as the cell's format decides: on the value, not on its rounded text
            return f"{value:,.0f}"
        # Rounded as Calc and Excel round what they show (half away from zero), not as binary floats do.
        return f"{Decimal(repr(value)).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"
    return brief(str(value))


def rounded(value: float, decimals: int) -> str:
    """``value`` to ``decimals`` places as a cell shows it (half away from zero), written as :func:`shown`
    writes numbers: grouped, and a whole one without decimals ("61.60", "50")."""
    exact = Decimal(repr(value))
    # Room for every digit kept: a tiny denominator typed by mistake makes a 30-digit percentage.
    room = Context(prec=max(exact.adjusted(), 0) + decimals + 2)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP, context=room)
    return f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,.{decimals}f}"
