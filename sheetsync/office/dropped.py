"""What a school's file is told about what the office already holds (:func:`against_the_store`).

A file filled in on an older template than the one whose report the office holds is kept as a
version but not used (``superseded``): the school is told so (``older-template``), or it would be
thanked for a correction that never reaches the master.

Rows a new version leaves out: a school's file that lacks reports the office already holds.

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
from ..clock import Zone, said_date
from ..check.findings import labels
from ..check.report import Finding
from ..master.changes import changed_pointers
from ..master.model import moment
from ..messages import render
from ..pipeline import FileResult
from ..spec.form import Form
from .spec import MasterSpec, master_spec
from .store import Store, Stored

DROPPED = "row-dropped"
OLDER = "older-template"


def against_the_store(store: Store, item: FileResult, zone: Zone = None) -> list[Finding]:
    """The warnings ``item`` gets from what the store holds for its key and recipient: ``older-template``
    when the store's current version comes from a later template and this file would change it (the
    office keeps it, but does not use it: see :mod:`sheetsync.office.record`; it names the day the
    office received its report, in ``zone``), else :func:`dropped_rows`."""
    current = _current(store, item)
    if current is None or item.form is None:
        return []
    issued = str(item.metadata.get("issued_at", ""))
    if moment(issued) < moment(current.issued_at) and changed_pointers(current.data, item.data):
        received = said_date(current.received_at, zone)
        return [Finding(OLDER, "warning", item.form.sheet, "", "", issued, render(OLDER, "th", received=received),
                        render(OLDER, "en", received=received))]
    return _missing_rows(item.form, item, current)


def _current(store: Store, item: FileResult) -> Stored | None:
    """The store's current version for ``item``'s key and recipient (none for a forged file: it is nobody's)."""
    if item.report is None or item.form is None or not item.report.identity_verified:
        return None
    spec = master_spec(item.form)
    key = spec.key_of(item.data)
    if (spec.key or spec.period) and not key:
        return None
    return store.current_of(item.form.id, key, item.report.recipient.strip())


def dropped_rows(store: Store, item: FileResult) -> list[Finding]:
    """A warning per row of the form's cumulative table that the store's current version of this
    file's key and recipient holds and the file does not (none for a file that starts a record)."""
    current = _current(store, item)  # a forged file is nobody's: nothing the office holds is compared with it
    if current is None or item.form is None:
        return []
    return _missing_rows(item.form, item, current)


def _missing_rows(form: Form, item: FileResult, current: Stored) -> list[Finding]:
    """A warning per row of ``current`` (the store's version) that ``item`` lacks."""
    spec = master_spec(form)
    if not spec.table or not spec.number:
        return []
    kept = {_number(row, spec) for row in spec.rows_of(item.data)}
    return [_finding(form, spec, row) for row in spec.rows_of(current.data) if _number(row, spec) not in kept]


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
              "table_en": labels(form, spec.table)[1] if spec.table else ""}
    return Finding(DROPPED, "warning", form.sheet, cell, f"{spec.table}/*", number, render(DROPPED, "th", **values),
                   render(DROPPED, "en", **values))


def _iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
