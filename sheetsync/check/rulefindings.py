"""The third pass of validation: the layout's cross-field rules, each hit worded as its layout says.

A rule's hit (:mod:`sheetsync.check.rules`) carries its kind's finding code; the layout may give the
rule's main finding another code (``code:``) and any finding its own words (:mod:`sheetsync.spec.wording`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from ..spec.cells import column_letter
from ..spec.form import Form
from ..spec.pointers import lookup
from ..spec.rulespec import Rule
from .findings import finding
from .reader import Filled, locate
from .report import Finding
from .rules import RULES, Hit, RuleContext


def rule_findings(filled: Filled, flagged: set[str]) -> Iterator[Finding]:
    """The findings of the layout's rules, in the layout's order.

    A rule that reads a field already in error (unreadable, against the schema, or flagged by an
    earlier rule) is skipped, and a table's cell in error before the rules ran is left out of its
    column: judged by a wrong value, right values would be blamed for it (a
    mistyped end date put every report "outside the period"). Rules between fields run before
    rules over tables, since a table's rows are judged by fields (the period, the budget) and
    never the other way round; within each group the layout's order decides.

    :param flagged: pointers that already have an error; the rules' own errors are added to it.
    """
    # A table's cell already in error (unreadable, or against the schema: 250 typed for 25 %) is
    # left out of its column too, or every later report would "go down" from it.
    blocked = {p.pointer for p in filled.problems} | flagged
    ctx = RuleContext(filled.data, blocked, lambda table, n: _gap_cell(filled.form, table, n),
                      lambda pointer: filled.cell_of(pointer).cell)
    found: dict[int, list[Finding]] = {}
    for index, rule in sorted(enumerate(filled.form.rules), key=lambda pair: pair[1].over_table):
        if flagged.isdisjoint(rule.fields):
            found[index] = [_hit_finding(filled, rule, hit) for hit in RULES[rule.kind](rule, ctx)]
            flagged.update(f.path for f in found[index] if f.severity == "error")
    for index in sorted(found):
        yield from found[index]


def _hit_finding(filled: Filled, rule: Rule, hit: Hit) -> Finding:
    # The finding's value is what its field holds (the 170,000 of that report), not a total the
    # rule computed: the message says the total, the value shows what to look at in the cell.
    code = rule.finding_code(hit.code)
    found = finding(filled, code, hit.pointer, hit.value, cell=hit.cell, message=rule.message_of(code, hit.code),
                    **hit.params)
    held = lookup(filled.data, hit.pointer) if hit.pointer else None
    return replace(found, value=held) if held is not None and not isinstance(held, (dict, list)) else found


def _gap_cell(form: Form, table_pointer: str, n: int) -> str:
    table = form.table_at(table_pointer)
    if table is None:
        return locate(form, table_pointer)
    first_input = next(c for c in table.columns if c.auto is None)
    return f"{column_letter(first_input.place.col)}{table.first_row + n - 1}"
