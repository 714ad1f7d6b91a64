"""How people type values into the form: the text a teacher would enter for each value."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from sheetsync.check.coerce import parse_date, parse_percent
from sheetsync.spec.form import Form
from sheetsync.template.plan import build_plan

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]


def typed(kind: str, value: Any, n: int) -> str:
    """The n-th way of typing ``value`` into a cell of ``kind`` (cycling through real habits)."""
    if kind == "date":
        d = value if isinstance(value, dt.date) else parse_date(value)  # the plan holds B.E. text
        be = d.year + 543
        forms = [f"{d.day}/{d.month}/{be}", f"{d.day} {MONTHS[d.month - 1]} {be}",
                 f"{d.day}/{d.month}/{be}".translate(THAI), f"{d.day}/{d.month}/{d.year}"]
        return forms[n % len(forms)]
    if kind == "amount":
        shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"  # satang typed as shown
        forms = [shown, f"{shown} บาท", shown.translate(THAI), f"{value:.2f}"]
        return forms[n % len(forms)]
    if kind == "percent":
        number = parse_percent(value)  # the plan holds "10.00 %"
        text = f"{number:g}"
        return [f"{text} %", f"{number:.2f}", f"{text}%", text][n % 4]
    if kind == "whole":
        return str(value) if n % 2 else str(value).translate(THAI)
    return str(value)


def typed_entries(form: Form, data: dict[str, Any]) -> dict[str, str]:
    """Cell → text to type, for every value of ``data`` (report N on row N, like the template)."""
    plan = build_plan(form, data)
    counter = count()
    return {c.place.ref: typed(c.kind, c.value, next(counter)) for c in plan.cells
            if c.role in ("input", "prefill") and c.value not in (None, "")}
