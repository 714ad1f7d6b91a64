"""Rules within one row of a table, judged on the row's own cells: a row's total of its parts
(``row_sum``: boys + girls = total) and a share worked out in the row (``row_ratio``: attendance ÷
total × 100). Like ``row_compare`` (:mod:`.rules`), a row with a cell empty or already in error is not
judged: that cell has its own finding, and one wrong value is told once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Iterator

from .hits import HALF_SATANG, Hit, RuleContext
from .shown import rounded, shown


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _rows(ctx: RuleContext, table: str) -> range:
    items = ctx.get(table)
    return range(len(items) if isinstance(items, list) else 0)


def row_sum(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """In each row, the ``equals`` column is the ``fields`` columns added up (total = boys + girls).

    The finding sits on the total, which the form asks to be worked out from its parts, and names
    each part's cell and value so that the school sees which to check.
    """
    table, names = rule["table"], list(rule["fields"])
    for index in _rows(ctx, table):
        total_at = f"{table}/{index}/{rule['equals']}"
        parts = [f"{table}/{index}/{name}" for name in names]
        values = [ctx.get(p) for p in parts]
        total = ctx.get(total_at)
        if not (_number(total) and all(_number(v) for v in values)):
            continue
        expected = sum(values)
        if abs(total - expected) > HALF_SATANG:
            yield Hit("row-sum-mismatch", total_at, total, {
                "expected": shown(expected), "parts": parts,
                "parts_values": " + ".join(shown(v) for v in values)})


def row_ratio(rule: Mapping[str, Any], ctx: RuleContext) -> Iterator[Hit]:
    """In each row, the ``value`` column is ``numerator`` ÷ ``denominator`` × ``scale``, to its
    ``decimals`` (as :func:`~sheetsync.check.rules.ratio` judges two fields). A denominator of 0 with a
    numerator of 0 is nothing of nothing; with another numerator, the denominator's cell is found."""
    table = rule["table"]
    for index in _rows(ctx, table):
        at = {name: f"{table}/{index}/{rule[name]}" for name in ("value", "numerator", "denominator")}
        value, top, bottom = (ctx.get(at[name]) for name in ("value", "numerator", "denominator"))
        if not all(_number(v) for v in (value, top, bottom)):
            continue
        yield from ratio_hits(rule, at, (value, top, bottom), "row-ratio")


def ratio_hits(rule: Mapping[str, Any], at: Mapping[str, str], values: tuple[Any, Any, Any],
               codes: str) -> Iterator[Hit]:
    """The judgement of ``ratio`` and ``row_ratio``: ``value`` is ``numerator`` ÷ ``denominator`` × the
    rule's ``scale``, to its ``decimals`` (closer than half the last decimal is the same number).
    ``at`` gives the three pointers, ``values`` their numbers, ``codes`` the codes' stem (``ratio``,
    ``row-ratio``: ``-mismatch`` on the value, ``-no-denominator`` on a 0 that divides a number)."""
    value, top, bottom = values
    scale, decimals = rule.get("scale", 1), rule.get("decimals", 2)
    parts = {"numerator": at["numerator"], "denominator": at["denominator"], "ratio": at["value"],
             "numerator_value": shown(top), "denominator_value": shown(bottom),
             "times": f" × {shown(scale)}" if scale != 1 else ""}
    if bottom == 0:
        if top != 0:
            yield Hit(f"{codes}-no-denominator", at["denominator"], bottom, parts)
        return
    exact = top / bottom * scale
    # The float error of the division (~1e-14) must not tip a value exactly half a decimal away.
    if math.isfinite(exact) and abs(value - exact) > 0.5 * 10.0 ** -decimals * (1 + 1e-9):
        yield Hit(f"{codes}-mismatch", at["value"], value, parts | {"expected": rounded(exact, decimals)})
