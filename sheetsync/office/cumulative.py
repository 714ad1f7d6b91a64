"""The master's cumulative sheet: each submission's table with running totals, or, for a form sent
anew each period (``master: period``), one row per key and period with the periods added up.

A form with a period is a monthly report, say: each month's submission is a line of its own, and the
cumulative sheet is where months meet. Its rows are each school's periods in time order (ตุลาคม
before พฤศจิกายน, as the schema lists the months): the period's amount (its table's amounts added),
the amounts so far and the budgets so far — a period's budget is that period's own (the lunch
report's allocation of the month), so both add up — and their share. The totals start again when a
period field before the last changes (a new fiscal year): a year's money is never added to the next's.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..check.rules import HALF_SATANG
from ..master.derive import KEY_COLUMNS, add, add_up, as_date, number, share
from ..master.layout import Column, Highlight, Sheet
from ..master.model import Record
from ..spec.form import Form
from ..spec.master import SEP
from ..spec.pointers import lookup
from .headings import CUMULATIVE_ROLES, PERIOD_ROLES, cumulative_name, declared, flag_labels, headings, word
from .spec import MasterSpec, master_spec
from .summary import CUMULATIVE_SHAPES, OVER_BUDGET, PINK, main_form

#: Width and kind of the columns only a form with a period has.
PERIOD_SHAPES = {"period": (20.0, "text"), "budget_total": (15.0, "amount")}


def cumulative_sheet(records: Callable[[], Iterable[Record]], forms: dict[str, Form], count: int | None = None,
                     keys: int | None = None, names: Mapping[str, str] | None = None) -> Sheet | None:
    """Every row of each submission's cumulative table with running totals (one row per key and
    period for a form with a period and an amount), for the first form declaring a table with progress
    or an amount (None: no form does).

    Its columns are those the form declares (see :mod:`.headings`); its name is the layout's
    (``sheets: cumulative``), else one saying what it holds.

    :param count: how many rows of the table the form's submissions hold (counted when None).
    :param keys: how many submissions of the form there are (counted when None).
    :param names: recipient id → school name (the roster's): given, a column after the id shows it,
        for a reader who knows a school by its name, not the office's id.
    """
    form = main_form(forms, lambda spec: bool(spec.table and (spec.progress or spec.amount)))
    if form is None:
        return None
    spec = master_spec(form)
    if spec.period and spec.amount:
        if keys is None:
            keys = sum(1 for r in records() if r.key.form_id == form.id)
        return _by_period(records, form, spec, keys, names)
    roles = [role for role in CUMULATIVE_ROLES if role in declared(spec, cumulative=True)]
    titles = headings(form, spec)
    who = _Who(names, titles)
    columns = (*who.columns, *(Column(titles[role], *CUMULATIVE_SHAPES[role]) for role in roles))
    if count is None:
        count = sum(len(spec.rows_of(r.data)) for r in records() if r.key.form_id == form.id)

    def rows() -> Iterator[list[Any]]:
        for record in (r for r in records() if r.key.form_id == form.id):
            budget, total = number(lookup(record.data, spec.budget) if spec.budget else None), 0.0
            for row in spec.rows_of(record.data):
                amount = number(row.get(spec.amount)) if spec.amount else 0.0
                total = add(total, amount)
                values = {"number": row.get(spec.number) if spec.number else None,
                          "date": as_date(row.get(spec.date)) if spec.date else None,
                          "progress": row.get(spec.progress) if spec.progress else None, "amount": amount,
                          "total": total, "share": share(total, budget),
                          "notes": _noted(flag_labels(row, spec, form), total, budget)}
                yield [*who.cells(record.key.recipient, record.key.project_code), *(values[role] for role in roles)]

    notes = (Highlight(len(who.columns) + roles.index("notes"), None, PINK),) if "notes" in roles else ()
    return Sheet(cumulative_name(spec), columns, rows(), count,
                 freeze_columns=len(who.columns) + (1 if spec.number else 0), highlights=notes)


def _by_period(records: Callable[[], Iterable[Record]], form: Form, spec: MasterSpec, keys: int,
               names: Mapping[str, str] | None) -> Sheet:
    """One row per key and period: the period's amount, the amounts and budgets so far, their share."""
    roles = [role for role in PERIOD_ROLES if role in declared(spec, cumulative=True) | {"period"}]
    titles = headings(form, spec)
    shapes: dict[str, tuple[float, Any]] = {**CUMULATIVE_SHAPES, **PERIOD_SHAPES}
    who = _Who(names, titles)
    columns = (*who.columns, *(Column(titles[role], *shapes[role]) for role in roles))

    def rows() -> Iterator[list[Any]]:
        ordered = in_period_order((r for r in records() if r.key.form_id == form.id), spec)
        for _, group in groupby(ordered, key=lambda r: (r.key.recipient, *_runs_over(spec, r))):
            total = budget = 0.0
            for record in group:
                code, period = spec.split(record.key.project_code)
                table = spec.rows_of(record.data)
                amount = add_up(number(row.get(spec.amount or "")) for row in table)
                total = add(total, amount)
                budget = add(budget, number(lookup(record.data, spec.budget) if spec.budget else None))
                values = {"period": spec.period_label(period), "amount": amount, "total": total, "budget_total": budget,
                          "share": share(total, budget),
                          "notes": _noted(flag_labels(table[-1] if table else {}, spec, form), total, budget)}
                yield [*who.cells(record.key.recipient, code), *(values[role] for role in roles)]

    notes = (Highlight(len(who.columns) + roles.index("notes"), None, PINK),) if "notes" in roles else ()
    return Sheet(cumulative_name(spec), columns, rows(), keys, freeze_columns=len(who.columns) + 1, highlights=notes)


class _Who:
    """The columns that say whose a row is: the recipient id, its school's name when known, the key."""

    def __init__(self, names: Mapping[str, str] | None, titles: Mapping[str, str]) -> None:
        self.names = names or {}
        school = Column(titles.get("school") or word("heading.school"), *CUMULATIVE_SHAPES["school"])
        self.columns = (KEY_COLUMNS[0], school, *KEY_COLUMNS[1:]) if self.names else KEY_COLUMNS

    def cells(self, recipient: str, code: str) -> list[Any]:
        """The row's first cells."""
        return [recipient, self.names.get(recipient) or None, code] if self.names else [recipient, code]


def _runs_over(spec: MasterSpec, record: Record) -> tuple[str, ...]:
    """What one running total is of: the key, and the period's values but the last (a fiscal year)."""
    code, period = spec.split(record.key.project_code)
    return (code, *period.split(SEP)[:-1]) if period else (code,)


def _noted(flags: str | None, total: float, budget: float) -> str | None:
    """The row's flags, and "over the budget" from half a satang on, as the rules judge it (check/rules.py)."""
    if budget and total > budget + HALF_SATANG:
        return ", ".join(filter(None, [flags, OVER_BUDGET]))
    return flags or None


def in_period_order(records: Iterable[Record], spec: MasterSpec) -> Iterator[Record]:
    """``records`` (in the store's order: by key text) with each key's periods in time order, by
    recipient; a form without a period as given.

    The store orders keys as text, so a key's periods come together (they share its first values)
    but in the order of their names (ธันวาคม before พฤศจิกายน): each key's few are held and sorted,
    never the whole store."""
    if not spec.period:
        yield from records
        return
    for _, group in groupby(records, key=lambda r: (r.key.form_id, spec.split(r.key.project_code)[0])):
        yield from sorted(group, key=lambda r: (r.key.recipient, spec.period_rank(spec.split(r.key.project_code)[1])))
