"""Cross-field rules: a small vocabulary of rule kinds that layouts declare as data.

Each kind is a function ``(rule, ctx) -> hits``; a :class:`Hit` names the finding code, the JSON
pointer of the offending value and the numbers its message needs. Rules whose inputs are
missing or unreadable stay silent: those cells already have findings of their own.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import replace
from collections.abc import Mapping
from typing import Any, Callable, Iterator

from ..limits import MAX_SEQUENCE_GAP
from ..spec.wording import RULE_CODES
from ..thaidates import month_number, month_span
from .shown import iso_date as _date, shown as _shown
from .order import breaks
from .hits import HALF_SATANG, Hit, RuleContext
from .rowrules import ratio_hits, row_ratio, row_sum


def sequence(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """Report numbers run 1..N with no gap and no repeat."""
    expected = 1
    for pointer, value in ctx.column(rule["table"], rule["field"]):
        if value > expected + MAX_SEQUENCE_GAP:
            # No table has that many rows: a wrong number, not a run of missing reports (and a
            # number like 1e308 must not become that many findings).
            yield Hit("report-number", pointer, value, {"expected": expected})
        elif value > expected:
            yield _gap(rule["table"], expected, int(value) - 1, ctx)
        elif value < expected:
            yield Hit("report-number", pointer, value, {"expected": expected})
        expected = max(expected, min(int(value), expected + MAX_SEQUENCE_GAP)) + 1


def _gap(table: str, first: int, last: int, ctx: RuleContext) -> Hit:
    """Rows ``first`` to ``last`` skipped: one hit on the first empty row's cell. A report typed in
    the last row is one mistake (typed too low, or rows left out), and one finding per empty row
    would list it six times; the words of a run of rows name its last row and cell too."""
    params: dict[str, Any] = {"expected": first}
    if last > first:
        params |= {"last": last, "last_cell": ctx.gap_cell(table, last)}
    return Hit("report-gap", f"{table}/{first - 1}", None, params, cell=ctx.gap_cell(table, first), run=last > first)


def increasing(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """Dates (or numbers) strictly increase from one row to the next; a value out of order with the
    rows around it is found on its own cell (:mod:`.order`), not on the right row after it."""
    yield from _order_hits(rule["table"], ctx.column(rule["table"], rule["field"]), ("not-increasing", "not-before-next"),
                           strict=True, fixed=ctx.fixed)


def within(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """Every value of a column lies between two other fields (the project period).

    A period that ends before it starts is itself the mistake: one finding on its end, not one on
    every row (a layout's compare rule usually reports it first, and then this rule is skipped).
    """
    low, high = ctx.get(rule["from"]), ctx.get(rule["to"])
    if low is not None and high is not None and high < low:
        yield Hit("end-before-start", rule["to"], high, {"expected": _shown(low), "other": rule["from"]})
        return
    for pointer, value in ctx.column(rule["table"], rule["field"]):
        if (low is not None and value < low) or (high is not None and value > high):
            yield Hit("outside-period", pointer, value, {"low": _shown(low or "…"), "high": _shown(high or "…"),
                                                         "from": rule["from"], "to": rule["to"]})


def not_decreasing(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """A column never goes down from one row to the next (progress): a value too high for the rows
    after it is found on its own cell, not on each right row after it (:mod:`.order`)."""
    yield from _order_hits(rule["table"], ctx.column(rule["table"], rule["field"]),
                           ("progress-decreased", "progress-above-next"),
                           strict=False, running_max=True, fixed=ctx.fixed)


def _order_hits(table: str, column: list[tuple[str, Any]], codes: tuple[str, str], *, strict: bool,
                running_max: bool = False, fixed: frozenset[str] = frozenset()) -> Iterator[Hit]:
    """A hit for each break of order: ``codes[0]`` on a value that must come after an earlier one,
    ``codes[1]`` on one that must come before a later one. A break either value could be the
    cause of names the earlier value as what may be wrong instead. Values at ``fixed`` pointers
    (prefilled and locked) stand: the school cannot change them, so the other side is found.
    A hit against a value not in the row next to its own is ``apart`` (its words name that row)."""
    standing = {i for i, (pointer, _) in enumerate(column) if pointer in fixed} if fixed else set()
    for found in breaks([value for _, value in column], strict=strict, running_max=running_max, fixed=standing):
        (pointer, value), (other, against) = column[found.at], column[found.against]
        apart = abs(_row(table, pointer) - _row(table, other)) != 1
        hit = Hit(codes[0] if found.after else codes[1], pointer, value, {"expected": _shown(against), "other": other},
                  apart=apart)
        yield hit if found.certain else replace(
            hit, instead=(Hit(codes[1], other, against, {"expected": _shown(value), "other": pointer}, apart=apart),))


def _row(table: str, pointer: str) -> int:
    """The row (item index) of ``table`` that ``pointer`` (``<table>/<i>/<column>``) is in."""
    return int(pointer[len(table) + 1:].split("/", 1)[0])


def running_total_max(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """The running total of a column never exceeds another field (disbursed ≤ budget received).

    The finding sits on the first row where the total goes over (FORM.md: that is where the
    total is wrong). When one amount alone makes the difference (100,000 typed for 10,000 in
    report 6 takes the total over at report 7), the message names it too, as a fact to check
    (:func:`_suspect`).
    """
    limit = ctx.get(rule["max"])
    if limit is None:
        return
    column = ctx.column(rule["table"], rule["field"])
    total = 0.0
    for index, (pointer, value) in enumerate(column):
        total += value
        if total > limit + HALF_SATANG:
            params = {"limit": _shown(limit), "total": _shown(total), "other": rule["max"]}
            suspect = _suspect(column, index, limit, ctx.fixed)
            if suspect is not None:
                params |= {"suspect": suspect[0], "suspect_value": _shown(suspect[1])}
            yield Hit("over-budget-running", pointer, value, params)
            return  # one finding: every later row would repeat it


def _suspect(column: list[tuple[str, Any]], over: int, limit: Any,
             fixed: frozenset[str] = frozenset()) -> tuple[str, Any] | None:
    """The one earlier amount that alone takes the column's running total over ``limit``, or None
    when unsure (FORM.md: the message may name an earlier amount, as a fact to check).

    An amount counts when, left out, the running total stays within the limit over the *whole*
    column: with 22,000 / 90,000 / 19,800 against 100,000, leaving out the 22,000 still ends at
    109,800, so it is never blamed. Only rows before ``over`` (where the total goes over) are named,
    and only one: the finding already sits on ``over``'s own cell, and when the limit itself was
    mistyped (100,000 for 180,000) the last amount "counts" too, though it is right. An amount at a
    ``fixed`` pointer (prefilled and locked from the office's record) is never named: it stands.
    """
    counts = [i for i, (pointer, value) in enumerate(column[:over])
              if value > 0 and pointer not in fixed and _peak_without(column, i) <= limit + HALF_SATANG]
    return column[counts[0]] if len(counts) == 1 else None


def _peak_without(column: list[tuple[str, Any]], skipped: int) -> float:
    """The highest running total of ``column`` with the item at ``skipped`` left out."""
    total, peak = 0.0, 0.0
    for index, (_, value) in enumerate(column):
        if index != skipped:
            total += value
            peak = max(peak, total)
    return peak


def total_when_complete(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """Once progress reaches 100 %, the column's total equals another field (budget used)."""
    expected = ctx.get(rule["equals"])
    done = [p for p, v in ctx.column(rule["table"], rule["progress"]) if v >= 100]
    amounts = ctx.column(rule["table"], rule["field"])
    if expected is None or not done or not amounts or ctx.incomplete(rule["table"], rule["field"]):
        return
    total = sum(v for _, v in amounts)
    if abs(total - expected) > HALF_SATANG:
        yield Hit("total-mismatch", amounts[-1][0], total,
                  {"expected": _shown(expected), "other": rule["equals"], "progress": done[0]})


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}
#: The same comparisons of amounts, which differ only from half a satang on (what the cells show).
_AMOUNT_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": lambda a, b: a <= b + HALF_SATANG, "<": lambda a, b: a < b - HALF_SATANG,
    ">=": lambda a, b: a >= b - HALF_SATANG, ">": lambda a, b: a > b + HALF_SATANG,
    "==": lambda a, b: abs(a - b) < HALF_SATANG}


def compare(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """Two fields compare as declared (budget used <= budget received; end >= start)."""
    left, right = ctx.get(rule["left"]), ctx.get(rule["right"])
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
    if left is not None and right is not None and not (_AMOUNT_OPS if numbers else _OPS)[rule["op"]](left, right):
        yield Hit("compare-failed", rule["left"], left,
                  {"expected": _shown(right), "other": rule["right"], "op": rule["op"]})


#: Each comparison read from its right side: end >= start is start <= end.
_TURNED = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "==": "=="}


def row_compare(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """In each row of a table, two columns compare as declared (a training's end >= its start).

    The finding sits on the left cell; the right one, which may as well be the wrong one, is offered
    instead (a start typed too late is also out of order with the next row's start: then the start is named).

    Amounts compare to half a satang, dates as dates. A row with either cell empty or in error is
    not judged: the cell in error has its own finding, and one wrong value is told once.
    """
    table, left_name, right_name, op = rule["table"], rule["left"], rule["right"], rule["op"]
    items = ctx.get(table)
    for index in range(len(items) if isinstance(items, list) else 0):
        left_at, right_at = f"{table}/{index}/{left_name}", f"{table}/{index}/{right_name}"
        left, right = ctx.get(left_at), ctx.get(right_at)
        if _holds(op, left, right) is False:
            turned = Hit("row-compare-failed", right_at, right, {"expected": _shown(left), "other": left_at,
                                                                "op": _TURNED[op]})
            yield Hit("row-compare-failed", left_at, left, {"expected": _shown(right), "other": right_at, "op": op},
                      instead=(turned,))


def _holds(op: str, left: Any, right: Any) -> bool | None:
    """Whether ``left op right``: two amounts to half a satang, two dates as dates; None when the two are
    not both numbers or both dates (an empty cell, a value the schema already refused)."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
        return _AMOUNT_OPS[op](left, right)
    days = (_date(left), _date(right)) if isinstance(left, str) and isinstance(right, str) else (None, None)
    return _OPS[op](days[0], days[1]) if days[0] is not None and days[1] is not None else None


def sum_equals(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """A column adds up to another field (the networks' budgets = budget received)."""
    expected = ctx.get(rule["equals"])
    values = ctx.column(rule["table"], rule["field"])
    if expected is None or not values or ctx.incomplete(rule["table"], rule["field"]):
        return
    total = sum(v for _, v in values)
    if abs(total - expected) > HALF_SATANG:
        yield Hit("sum-mismatch", values[-1][0], total,
                  {"expected": _shown(expected), "other": rule["equals"], "column": rule["field"]})


def fiscal_year(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """Dates lie in Thai fiscal year N (B.E.): 1 Oct of N-544 C.E. to 30 Sep of N-543 C.E.

    When two or more dates agree among themselves on another fiscal year, the year is what is
    wrong: one finding on the year's cell ("fiscal-year-disagrees"). Otherwise each date outside
    the year has its own finding.
    """
    year = ctx.get(rule["year"])
    if not isinstance(year, int) or not dt.MINYEAR + 544 <= year <= dt.MAXYEAR + 543:
        return  # not a year at all: the schema's range check says so
    start, end = dt.date(year - 544, 10, 1), dt.date(year - 543, 9, 30)
    dated = [(p, v, d) for p, v in ((p, ctx.get(p)) for p in rule["dates"])
             if v is not None and (d := _date(v)) is not None]
    outside = [(p, v, d) for p, v, d in dated if not start <= d <= end]
    theirs = {_fiscal_year_of(d) for _, _, d in dated}
    if len(dated) >= 2 and len(outside) == len(dated) and len(theirs) == 1:
        yield Hit("fiscal-year-disagrees", rule["year"], year,
                  {"expected": theirs.pop(), "year": year, "cells": ", ".join(ctx.cell_of(p) for p, _, _ in dated)})
        return
    for pointer, value, _ in outside:
        yield Hit("fiscal-year-mismatch", pointer, value,
                  {"expected": year, "low": year - 1, "high": year, "low_ce": start.year, "high_ce": end.year})


def _fiscal_year_of(day: dt.date) -> int:
    """The Thai fiscal year (B.E.) a date falls in: from October on, the next one."""
    return day.year + 543 + (1 if day.month >= 10 else 0)


def in_month(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """Dates lie in the month one field states (a Thai month name, or 1–12) of the year another states:
    a fiscal year (``fiscal_year:``; October 2566 is in fiscal year 2567) or a calendar year (``year:``), B.E.

    A date alone cannot say whether it or the month is wrong: the finding sits on the date and its
    message names the month's and the year's cells as the other thing to check.
    """
    fiscal = "fiscal_year" in rule
    year_at = rule["fiscal_year"] if fiscal else rule["year"]
    month, year = month_number(ctx.get(rule["month"])), ctx.get(year_at)
    span = month_span(month, year, fiscal=fiscal) if month is not None and type(year) is int else None
    if span is None:
        return  # no month or year to judge by: their own cells have findings
    first, last = span
    for pointer in rule.get("dates", ()):
        value = ctx.get(pointer)
        day = _date(value) if value is not None else None
        if day is not None and not first <= day <= last:
            yield Hit("outside-month", pointer, value, {
                "low": _shown(first.isoformat()), "high": _shown(last.isoformat()), "month": month, "year": year,
                "calendar": "fiscal" if fiscal else "calendar", "month_at": rule["month"], "year_at": year_at})


def ratio(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """A field equals one field divided by another, times ``scale`` (a share spent: spent ÷ allocated × 100),
    to the ``decimals`` it is written with (2 by default, as the form writes 61.60): closer than half
    the last decimal, it is the same number.

    A denominator of 0 divides nothing: with a numerator of 0 too there is nothing to judge (0 of 0);
    otherwise the denominator is what a teacher must look at, and the finding sits on it.
    """
    value, top, bottom = (ctx.get(rule[name]) for name in ("value", "numerator", "denominator"))
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (value, top, bottom)):
        return
    at = {name: rule[name] for name in ("value", "numerator", "denominator")}
    yield from ratio_hits(rule, at, (value, top, bottom), "ratio")


RULES: dict[str, Callable[[Mapping[str, Any], RuleContext], Iterator[Hit]]] = {
    "sequence": sequence, "increasing": increasing, "within": within, "not_decreasing": not_decreasing,
    "running_total_max": running_total_max, "total_when_complete": total_when_complete,
    "compare": compare, "row_compare": row_compare, "sum_equals": sum_equals, "fiscal_year": fiscal_year,
    "in_month": in_month, "ratio": ratio, "row_sum": row_sum, "row_ratio": row_ratio,
}

__all__ = ["HALF_SATANG", "Hit", "RULES", "RULE_CODES", "RuleContext"]

