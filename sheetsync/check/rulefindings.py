"""The third pass of validation: the layout's cross-field rules, each hit worded as its layout says.

A rule's hit (:mod:`sheetsync.check.rules`) carries its kind's finding code; the layout may give the
rule's main finding another code (``code:``) and any finding its own words (:mod:`sheetsync.spec.wording`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator

from ..spec.cells import column_letter
from ..spec.form import Form
from ..spec.formcache import PerForm
from ..spec.pointers import lookup
from ..spec.rulespec import COLUMN, COLUMNS, PARAMS, Rule
from ..messages import catalogue
from .findings import Message, finding
from .places import locate
from .reader import Filled
from .report import Finding
from .rules import RULES, Hit, RuleContext


def rule_findings(filled: Filled, flagged: set[str]) -> Iterator[Finding]:
    """The findings of the layout's rules, in the layout's order: one mistake, one finding, on its cell.

    A rule that reads a field already in error (unreadable, against the schema, or flagged by an
    earlier rule) is skipped, and a table's cell in error before the rules ran is left out of its
    column: judged by a wrong value, right values would be blamed for it (a mistyped end date put
    every report "outside the period"). The rules run from the surest to the least sure
    (:data:`TIERS`): rules between fields, rules that judge a row by fields or by its own other
    cell, rules that judge a row by its neighbours, totals. A cell a row rule or a neighbour rule
    blames is left out of the columns the later rules read, and a break that a cell an earlier
    finding could blame would explain is that finding's: it is told once, on that cell (a start
    typed too late is after its own end and before the next start: the start is named, once).
    A column one total found wrong is not judged by another: one amount typed ten times over takes
    the running total over the budget and the sum away from the expenses, and is told once, by the
    running total (on the row where it goes over, naming the amount that stands out).

    :param flagged: pointers that already have an error; the rules' own errors are added to it.
    """
    # A table's cell already in error (unreadable, or against the schema: 250 typed for 25 %) is
    # left out of its column too, or every later report would "go down" from it.
    blocked = {p.pointer for p in filled.problems} | flagged
    ctx = RuleContext(filled.data, blocked, lambda table, n: _gap_cell(filled.form, table, n),
                      lambda pointer: filled.cell_of(pointer).cell, _prefilled(filled))
    kept: list[_Blame] = []
    totalled: set[tuple[str, str]] = set()  # columns a total already found wrong: their total is not known
    for index, rule, fields, column, blaming in _order(filled.form):
        if not flagged.isdisjoint(fields) or column in totalled:
            continue
        earlier = [blame for blame in kept if blame.blaming]
        hits = [_Blame(index, rule, _worded(rule, hit), blaming) for hit in RULES[rule.kind](rule, ctx)]
        new = [blame for blame in hits if not (blaming and _explained(earlier, blame.hit))]
        kept += new
        if column is not None and new:
            totalled.add(column)
        flagged.update(blame.hit.pointer for blame in kept)
        blocked.update(blame.hit.pointer for blame in kept if blame.blaming)
    for blame in sorted(kept, key=lambda blame: blame.index):  # stable: each rule's hits in its own order
        yield _hit_finding(filled, blame.rule, blame.hit)


#: How sure a rule's finding is of its cell, in the order rules run: between fields; a row judged by
#: fields or by its own other cell; a row judged by its neighbours; a running total (found on the row
#: where it goes over); other totals (found on the last amount: they name no row).
FIELDS, ROW, NEIGHBOURS, RUNNING, TOTALS = range(5)
TIERS = {"within": ROW, "row_compare": ROW, "row_sum": ROW, "row_ratio": ROW, "sequence": NEIGHBOURS, "increasing": NEIGHBOURS,
         "not_decreasing": NEIGHBOURS, "running_total_max": RUNNING}


def _tier(rule: Rule) -> int:
    return TIERS.get(rule.kind, TOTALS) if rule.over_table else FIELDS


#: A rule as :func:`rule_findings` runs it: its place in the layout, the rule, the fields it reads,
#: the column it totals (None for other tiers), and whether it blames its cell.
_Step = tuple[int, Rule, tuple[str, ...], "tuple[str, str] | None", bool]


def _order(form: Form) -> tuple[_Step, ...]:
    """The form's rules in the order they run, with what each run needs: worked out once per form
    (every file of a form runs the same rules)."""
    return _ORDERS(form)


def _steps(form: Form) -> tuple[_Step, ...]:
    return tuple((index, rule, rule.fields, (rule["table"], rule["field"]) if tier in (RUNNING, TOTALS) else None,
                  tier in (ROW, NEIGHBOURS))
                 for index, rule in sorted(enumerate(form.rules), key=lambda pair: _tier(pair[1]))
                 for tier in (_tier(rule),))


_ORDERS = PerForm(_steps)


@dataclass
class _Blame:
    """A rule's hit, as it stands: a later finding may move it to a cell it offered ``instead``."""

    index: int  # the rule's place in the layout
    rule: Rule
    hit: Hit
    blaming: bool  # a row's or a neighbour rule's: it blames its cell, and joins others on a shared one


def _cells(hit: Hit) -> set[str]:
    return {hit.pointer, *(other.pointer for other in hit.instead)}


def _explained(earlier: list[_Blame], hit: Hit) -> bool:
    """Whether a cell an earlier finding blames, or could blame instead, would explain ``hit`` too:
    then that finding moves to the shared cell (if it is not there already) and ``hit`` is not told."""
    cells = _cells(hit)
    for blame in earlier:
        shared = cells & _cells(blame.hit)
        if shared:
            if blame.hit.pointer not in shared:
                blame.hit = next(other for other in blame.hit.instead if other.pointer in shared)
            return True
    return False


def _worded(rule: Rule, hit: Hit) -> Hit:
    """``hit`` less the cells it offers instead with its own code when the layout words that code
    itself: "the end must not be before the start" would be wrong on the start's cell."""
    own = rule.finding_code(hit.code) != hit.code or rule.message_of(hit.code, hit.code) != hit.code
    return replace(hit, instead=tuple(other for other in hit.instead if not (own and other.code == hit.code)))


def _prefilled(filled: Filled) -> frozenset[str]:
    """The pointers read from cells the office prefilled and locked (next period's earlier reports)."""
    locked = filled.locked_expected
    return frozenset(p for p, where in filled.source_map.items() if where.cell in locked) if locked else frozenset()


def _hit_finding(filled: Filled, rule: Rule, hit: Hit) -> Finding:
    # The finding's value is what its field holds (the 170,000 of that report), not a total the
    # rule computed: the message says the total, the value shows what to look at in the cell.
    code = rule.finding_code(hit.code)
    message = rule.message_of(code, hit.code)
    found = finding(filled, code, hit.pointer, hit.value, cell=hit.cell,
                    message=_variant(message, "apart" if hit.apart else "rows" if hit.run else ""), **hit.params)
    held = lookup(filled.data, hit.pointer) if hit.pointer else None
    found = replace(found, rests_on=_rests_on(filled, rule, found.cell))
    return replace(found, value=held) if held is not None and not isinstance(held, (dict, list)) else found


def _variant(message: Message, variant: str) -> Message:
    """The catalogue's ``<key>.<variant>`` words for a hit of that kind, if it has them.

    ``apart``: an order break with a row not next to its own names that row ("ลดลงจากรายงานครั้งที่ 5
    (65% ในช่อง D41)"), where "the previous report" would name the wrong one. ``rows``: a gap of
    several rows names them all ("รายงานครั้งที่ 3 ถึง 8"). A layout's own text, or a key with no such
    entry, stays as it is.
    """
    if variant and isinstance(message, str) and f"{message}.{variant}" in catalogue():
        return f"{message}.{variant}"
    return message


def _rests_on(filled: Filled, rule: Rule, own: str) -> tuple[str, ...]:
    """The other cells of the form's sheet that ``rule`` judged its finding on ``own`` by: its single fields (the
    budget), and its table's columns: in the hit's own row for a rule within a row, down to it for a
    running total (any amount above may take it over), down the whole table for the others."""
    cells = {where.cell for where in map(filled.cell_of, rule.fields) if where.sheet == filled.form.sheet}
    table = filled.form.table_at(str(rule["table"])) if rule.over_table else None
    if table is not None:
        spec = PARAMS[rule.kind]
        names: set[str] = set()
        for name, value in rule.params.items():
            if spec[name][0] in (COLUMN, COLUMNS):
                names.update([str(value)] if spec[name][0] == COLUMN else map(str, value))
        letters = [column_letter(c.place.col) for c in table.columns if c.pointer in names]
        at = int(re.sub(r"\D", "", own))
        # A running total is judged down to its own row: a report typed below cannot be the fix.
        last = at if _tier(rule) == RUNNING else table.last_row
        rows = [at] if _tier(rule) == ROW else range(table.first_row, last + 1)
        cells.update(f"{letter}{row}" for letter in letters for row in rows)
    return tuple(sorted(cells - {own}))


def _gap_cell(form: Form, table_pointer: str, n: int) -> str:
    table = form.table_at(table_pointer)
    if table is None:
        return locate(form, table_pointer)
    first_input = next(c for c in table.columns if c.auto is None)
    return f"{column_letter(first_input.place.col)}{table.first_row + n - 1}"
