"""The sheets of the master view, computed from the store, in order: the summary, the cumulative
view, the charts per key, the data as typed, and the ledger of every file received (in Thai).

Each sheet carries a first line saying it was generated, from what, and when: the view is a
report of the store, and what a clerk types into it is not kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from ..errors import UnknownFormError
from ..form import Form
from ..master.derive import data_sheet, table_sheet
from ..master.layout import Column, Highlight, Sheet
from ..master.model import RESULTS_TH, Key, LedgerEntry, Recency, Record
from ..registry import find_form
from .spec import master_spec
from .store import Store, Stored
from .summary import chart_sheet, cumulative_sheet, summary_sheet

LEDGER = "บันทึกการรับไฟล์"
LEDGER_COLUMNS = (Column("รับเมื่อ (UTC)", 19), Column("ไฟล์", 30), Column("ผล", 16), Column("รายละเอียด", 60),
                  Column("ผู้รายงาน", 14), Column("รหัส", 16), Column("แบบฟอร์ม", 16), Column("รุ่น", 8),
                  Column("รหัสแม่แบบ", 16), Column("SHA-256 (ต้น)", 14))
#: Short enough to show whole above the narrowest sheet: the key words come first.
BANNER = ("สร้างโดย sheetsync (generated) {when} จาก {store} — ไฟล์นี้เป็นรายงาน สิ่งที่แก้ไขจะไม่ถูกบันทึก "
          "(a report: edits here are not kept)")


def record_of(sub: Stored) -> Record:
    """A stored submission as the master's sheets take it."""
    return Record(Key(sub.form_id, sub.key, sub.recipient), sub.form_version, sub.template_id,
                  Recency(sub.issued_at, sub.received_at), sub.file, sub.sha256, sub.received_at[:19], sub.data)


def ledger_of(store: Store) -> list[LedgerEntry]:
    """Every outcome as a ledger row, oldest first."""
    return [LedgerEntry(o.received_at[:19], o.file, o.sha256, o.form_id, o.form_version, o.template_id, o.recipient,
                        o.key, o.result, o.detail) for o in store.outcomes()]


def view_sheets(store: Store, *, period: str | None, forms_dirs: tuple[Any, ...], generated: dt.datetime) -> list[Sheet]:
    """Every sheet of the view, in order, each with the generated-at line.

    :param period: ``YYYY-MM``; None means the month of the latest row received (never today).
    """
    records = [record_of(s) for s in store.current()]
    forms = forms_of(records, forms_dirs)
    outcomes = store.outcomes()
    sheets = [summary_sheet(records, forms, store.roster(), outcomes, period or latest_period(records, forms)),
              cumulative_sheet(records, forms), chart_sheet(records, forms)]
    for form in (forms[k] for k in sorted(forms)):
        spec = master_spec(form)
        mine = [r for r in records if r.key.form_id == form.id]
        suffix = f" {form.id}"[:31 - len(spec.data_sheet)] if len(forms) > 1 else ""
        sheets.append(data_sheet(spec.data_sheet + suffix, mine, {form.id: form},
                                  skip={*spec.key, *([spec.table] if spec.table else [])}))
        table = form.table_at(spec.table) if spec.table else None
        if table is not None:
            sheets.append(table_sheet(spec.table_sheet + suffix, mine, table))
    sheets.append(ledger_sheet(ledger_of(store)))
    banner = BANNER.format(when=generated.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                           store=store.path.name)
    return [_with_banner(s, banner) for s in sheets if s is not None]


def ledger_sheet(entries: list[LedgerEntry]) -> Sheet:
    """Every file ever received and what became of it, oldest first, in Thai."""
    def rows() -> Iterator[list[Any]]:
        for e in entries:
            yield [e.received_at, e.file, RESULTS_TH.get(e.result, e.result), e.detail, e.recipient, e.project_code,
                   e.form_id, e.form_version, e.template_id, e.sha256[:12]]

    refused = (Highlight(2, RESULTS_TH["refused"], "F4B6B6"), Highlight(2, RESULTS_TH["quarantined"], "F4B6B6"))
    return Sheet(LEDGER, LEDGER_COLUMNS, rows(), len(entries), freeze_columns=2, highlights=refused)


def latest_period(records: list[Record], forms: dict[str, Form]) -> str | None:
    """The month of the latest dated row in the store (the default period: never today's date)."""
    latest = ""
    for record in records:
        form = forms.get(record.key.form_id)
        spec = master_spec(form) if form else None
        if spec is None or not spec.date:
            continue
        for row in spec.rows_of(record.data):
            value = row.get(spec.date)
            if isinstance(value, str):
                latest = max(latest, value[:7])
    return latest or None


def forms_of(records: list[Record], dirs: tuple[Any, ...]) -> dict[str, Form]:
    """The forms of the stored submissions (a form no longer installed only loses its headers)."""
    forms: dict[str, Form] = {}
    for form_id in sorted({r.key.form_id for r in records}):
        try:
            forms[form_id] = find_form(form_id, dirs)
        except UnknownFormError:
            continue
    return forms


def _with_banner(sheet: Sheet, banner: str) -> Sheet:
    sheet.banner = banner
    return sheet
