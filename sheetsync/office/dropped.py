"""Rows a new version leaves out: a school's file that lacks reports the office already holds.

A school that sends an older copy, or a file where a row was cleared by mistake, would replace its
record with fewer reports and nobody would know: the store keeps the earlier version, but the
master shows the new one. Each report the office holds for that school and key and that the file
lacks is a warning in the school's report (at the row where it belongs) and in the run's outcome.
It stays a warning: a school may remove a report it entered by mistake.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..check.coerce import format_be_date
from ..check.report import Finding
from ..messages import render
from ..pipeline import FileResult
from ..spec.form import Form
from .spec import MasterSpec, master_spec
from .store import Store

DROPPED = "row-dropped"


def dropped_rows(store: Store, item: FileResult) -> list[Finding]:
    """A warning per row of the form's cumulative table that the store's current version of this
    file's key and recipient holds and the file does not (none for a file that starts a record)."""
    if item.report is None or item.form is None or not item.report.identity_verified:
        return []  # a forged file is nobody's: nothing the office holds is compared with it, or told
    spec = master_spec(item.form)
    if not spec.table or not spec.number:
        return []
    key = spec.key_of(item.data)
    if spec.key and not key:
        return []
    current = store.current_of(item.form.id, key, item.report.recipient.strip())  # a forged file is nobody's
    if current is None:
        return []
    kept = {_number(row, spec) for row in spec.rows_of(item.data)}
    return [_finding(item.form, spec, row) for row in spec.rows_of(current.data) if _number(row, spec) not in kept]


def _number(row: dict[str, Any], spec: MasterSpec) -> Any:
    return row.get(spec.number or "")


def _finding(form: Form, spec: MasterSpec, row: dict[str, Any]) -> Finding:
    number = _number(row, spec)
    table = form.table_at(spec.table or "")
    column = next((c for c in table.columns if c.pointer == spec.number), None) if table else None
    cell = ""
    if table is not None and column is not None and isinstance(number, int) and 1 <= number <= table.capacity:
        cell = column.place.at_row(table.first_row + number - 1).ref  # the row where that report belongs
    date = row.get(spec.date or "")
    when = format_be_date(dt.date.fromisoformat(date)) if isinstance(date, str) and _iso(date) else ""
    values = {"item": column.title if column else spec.number, "number": number, "date": f" ({when})" if when else "",
              "table_en": (spec.table or "").strip("/").split("/")[-1].replace("_", " ")}
    return Finding(DROPPED, "warning", form.sheet, cell, f"{spec.table}/*", number, render(DROPPED, "th", **values),
                   render(DROPPED, "en", **values))


def _iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
