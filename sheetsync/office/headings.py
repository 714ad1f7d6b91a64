"""What the master's computed sheets show of a form, and under which headings.

A column is shown only when a form declares it in its ``master:`` entry (a form without report
numbers gets no report-number column), and headed by the field's title in the schema unless the
layout gives its own (``master: headings:``). The words sheetsync adds itself are in
``sheetsync/messages/master.yaml``.
"""

from __future__ import annotations

from typing import Any

from ..messages import render
from ..spec.form import Form
from ..spec.master import MasterSpec
from ..spec.pointers import schema_node

#: The summary's columns, in order, by role; roles a form does not declare are left out.
SUMMARY_ROLES = ("recipient", "school", "network", "key", "period", "title", "latest_number", "latest_date", "progress",
                 "total", "budget", "share", "notes", "corrected", "status", "file")
#: The cumulative sheet's columns, in order, by role (after the recipient and the key).
CUMULATIVE_ROLES = ("number", "date", "progress", "amount", "total", "share", "notes")
#: The cumulative sheet's columns of a form with a period (``master: period``): one row per period.
PERIOD_ROLES = ("period", "amount", "total", "budget_total", "share", "notes")
#: The roles shown whatever the form declares.
ALWAYS = frozenset({"recipient", "school", "network", "key", "title", "status", "file"})


def word(code: str, **params: Any) -> str:
    """The Thai text ``code`` of ``sheetsync/messages/master.yaml``, placeholders filled."""
    return render(code, "th", source="master.yaml", **params)


def declared(spec: MasterSpec, *, cumulative: bool = False) -> set[str]:
    """The roles of the summary's (or the cumulative sheet's) columns that ``spec`` declares."""
    roles = {"number": spec.number, "date": spec.date, "progress": spec.progress, "amount": spec.amount,
             "total": spec.amount, "budget": spec.budget, "share": spec.amount and spec.budget,
             "latest_number": spec.number, "latest_date": spec.date, "corrected": spec.table,
             "period": spec.period, "budget_total": spec.period and spec.budget}
    found = {role for role, value in roles.items() if value}
    if spec.flags or (cumulative and spec.amount and spec.budget):  # "over budget" is a note of a row
        found.add("notes")
    return found


def headings(form: Form | None, spec: MasterSpec | None) -> dict[str, str]:
    """Every role's heading for ``form`` (the fields' titles, the layout's own headings, else sheetsync's words)."""
    def title(pointer: str | None, default: str) -> str:
        node = schema_node(form.schema, pointer) if form and pointer else None
        return str(node.get("title", default)) if node else default

    def column(name: str | None, default: str) -> str:
        return title(f"{spec.table}/*/{name}" if spec and spec.table and name else None, default)

    def own(name: str, field: str | None) -> str:
        return (spec.heading(name) if spec else None) or column(field, name)

    # Baht only for money: an amount column of another kind (an average of pupils) is headed by its title alone.
    unit, budget_unit = _unit(form, spec, spec.amount if spec else None), _unit(form, spec, None)
    amount = _without_baht(column(spec.amount if spec else None, word("heading.amount")), unit)
    budget = _without_baht(title(spec.budget if spec else None, word("heading.budget")), budget_unit)
    number, date = own("number", spec.number if spec else None), own("date", spec.date if spec else None)
    found = {name: word(f"heading.{name}") for name in ("recipient", "school", "network", "share", "notes",
                                                        "corrected", "status", "file")}
    return found | {
        "key": " · ".join(title(p, p) for p in spec.key) if spec and spec.key else word("heading.key"),
        "period": " · ".join(title(p, p) for p in spec.period) if spec and spec.period else word("heading.period"),
        "title": title(spec.title if spec else None, word("heading.title")),
        "number": number, "date": date, "progress": own("progress", spec.progress if spec else None),
        "latest_number": (spec.heading("latest_number") if spec else None) or word("heading.latest", heading=number),
        "latest_date": (spec.heading("latest_date") if spec else None) or word("heading.latest", heading=date),
        "amount": word(f"heading{unit}", amount=amount), "total": word(f"heading.total{unit}", amount=amount),
        "budget": word(f"heading{budget_unit}", amount=budget),
        "budget_total": word(f"heading.total{budget_unit}", amount=budget)}


def _unit(form: Form | None, spec: MasterSpec | None, column: str | None) -> str:
    """The suffix of the heading's words: ``.baht`` for money (an ``amount`` cell, as every amount of a form
    without a layout to say is), else nothing (a ``number`` or ``whole`` column: pupils, days)."""
    if form is None or spec is None:
        return ".baht"
    if column is None:
        placed = form.field_at(spec.budget) if spec.budget else None
    else:
        table = form.table_at(spec.table) if spec.table else None
        placed = next((c for c in table.columns if c.pointer == column), None) if table else None
    return ".baht" if placed is None or placed.kind == "amount" else ""


def summary_headings(form: Form | None, spec: MasterSpec | None) -> dict[str, str]:
    """The summary's headings for ``form``: as :func:`headings`, except that a form with a period
    (``master: period``) has a line per period, whose amount is that period's own: headed as the
    amount, never "so far" (the cumulative sheet is where its periods add up)."""
    found = headings(form, spec)
    if spec is not None and spec.period:
        found["total"] = found["amount"]
    return found


def cumulative_name(spec: MasterSpec) -> str:
    """The cumulative sheet's name: the layout's (``sheets: cumulative``), else one saying what it holds."""
    if spec.cumulative_sheet:
        return spec.cumulative_sheet
    return word("sheet.cumulative-progress" if spec.progress else "sheet.cumulative")


def _without_baht(title: str, unit: str) -> str:
    """A field's title without its unit, which the column adds once ("เงินที่ได้รับจัดสรร (บาท)" → "เงินที่ได้รับจัดสรร");
    a column that adds none (``unit`` "") keeps the title as its author wrote it."""
    return title.replace("(บาท)", "").strip() if unit else title


def flag_labels(row: dict[str, Any], spec: MasterSpec | None, form: Form | None) -> str | None:
    """The labels of the row's flags that say "no" (e.g. ไม่เป็นไปตามแผน)."""
    if not spec or not spec.flags or not row:
        return None
    table = form.table_at(spec.table) if form and spec.table else None
    labels = {c.pointer: c.choices or {} for c in table.columns} if table else {}
    found = [str(labels.get(f, {}).get(False, f"{f}: no")) for f in spec.flags if row.get(f) is False]
    return ", ".join(found) or None

