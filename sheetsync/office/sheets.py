"""The sheets of the master view, computed from the store (see :mod:`sheetsync.master.derive`)."""

from __future__ import annotations

import datetime as dt

from ..errors import UnknownFormError
from ..form import Form
from ..master.derive import derived_sheets
from ..master.layout import Sheet
from ..master.model import Key, LedgerEntry, Recency, Record
from ..master.store import ledger_sheet
from ..registry import find_form
from .store import Store, Stored


def record_of(sub: Stored) -> Record:
    """A stored submission as the master's sheets take it."""
    return Record(Key(sub.form_id, sub.key, sub.recipient), sub.form_version, sub.template_id,
                  Recency(sub.issued_at, sub.received_at), sub.file, sub.sha256, sub.received_at[:19], sub.data)


def ledger_of(store: Store) -> list[LedgerEntry]:
    """Every outcome as a ledger row, oldest first."""
    return [LedgerEntry(o.received_at[:19], o.file, o.sha256, o.form_id, o.form_version, o.template_id, o.recipient,
                        o.key, o.result, o.detail) for o in store.outcomes()]


def view_sheets(store: Store, *, period: str | None, forms_dirs: tuple[str, ...] | tuple[object, ...],
                generated: dt.datetime) -> list[Sheet]:
    """Every sheet of the view, in order."""
    records = [record_of(s) for s in store.current()]
    forms = forms_of(records, forms_dirs)
    due = expected_since(period or latest_period(records))
    return [*derived_sheets(records, forms, due, store.roster()), ledger_sheet(ledger_of(store))]


def expected_since(period: str | None) -> dt.date:
    """The earliest date a report may bear to count as up to date in ``period`` (``YYYY-MM``).

    Reports are made at the end of each month, so during period P the report expected is that of
    the month before P: a latest report dated before that month is late.
    """
    if not period:
        return dt.date(1, 1, 1)
    year, month = (int(part) for part in period.split("-")[:2])
    return dt.date(year - 1, 12, 1) if month == 1 else dt.date(year, month - 1, 1)


def latest_period(records: list[Record]) -> str | None:
    """The month of the latest report date in the store (the default period: never today's date)."""
    latest = ""
    for record in records:
        for report in record.data.get("reports", []) if isinstance(record.data.get("reports"), list) else []:
            if isinstance(report, dict) and isinstance(report.get("date"), str):
                latest = max(latest, report["date"][:7])
    return latest or None


def forms_of(records: list[Record], dirs: tuple[object, ...]) -> dict[str, Form]:
    """The forms of the stored submissions (a form no longer installed only loses its headers)."""
    forms: dict[str, Form] = {}
    for form_id in sorted({r.key.form_id for r in records}):
        try:
            forms[form_id] = find_form(form_id, dirs)  # type: ignore[arg-type]
        except UnknownFormError:
            continue
    return forms
