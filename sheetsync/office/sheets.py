"""The sheets of the master view, computed from the store, in order: the summary, the cumulative
view, the charts per key, the data as typed, its long texts whole (to read and print), and the
ledger of every file received (in Thai).

Each sheet carries a first line saying it was generated, from what, and when: the view is a
report of the store, and what a clerk types into it is not kept.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any, Callable, Iterator, Sequence

from ..clock import Zone, cell_moment, said_time
from ..errors import UnknownFormError
from ..spec.form import Form
from ..master.derive import RECEIVED_AT, data_sheet, sheet_name, table_rows, table_sheet
from ..master.fulltext import text_sheet
from ..master.layout import Column, Highlight, Sheet
from ..master.model import RESULTS_TH, Key, LedgerEntry, Recency, Record
from ..spec.registry import find_form
from ..thaidates import BE_OFFSET, MONTH_NAMES
from .headings import word
from .spec import MasterSpec, master_spec
from .asof import Months, as_of
from .store import Store, Stored
from .cumulative import cumulative_sheet, in_period_order
from .charts import chart_sheet
from .summary import Digest
from .summary_sheet import summary_sheet
from .waivers import holding, with_waivers

LEDGER = "บันทึกการรับไฟล์"
LEDGER_COLUMNS = (Column(RECEIVED_AT, 19, kind="datetime"), Column("ไฟล์", 30), Column("ผล", 16), Column("รายละเอียด", 60, wrap=True),
                  Column("ผู้รายงาน", 14), Column("รหัส", 16), Column("แบบฟอร์ม", 16), Column("รุ่น", 8),
                  Column("รหัสแม่แบบ", 16), Column("SHA-256 (ต้น)", 14))
#: Short enough to show whole above the narrowest sheet: the key words come first.
BANNER = ("สร้างโดย sheetsync (generated) {when} จาก {store}{period} — ไฟล์นี้เป็นรายงาน สิ่งที่แก้ไขจะไม่ถูกบันทึก "
          "(a report: edits here are not kept)")


def record_of(sub: Stored) -> Record:
    """A stored submission as the master's sheets take it."""
    return Record(Key(sub.form_id, sub.key, sub.recipient), sub.form_version, sub.template_id,
                  Recency(sub.issued_at, sub.received_at), sub.file, sub.sha256, sub.received_at[:19], sub.data)


def ledger_of(store: Store) -> list[LedgerEntry]:
    """Every outcome as a ledger row, oldest first."""
    return [LedgerEntry(o.received_at[:19], o.file, o.sha256, o.form_id, o.form_version, o.template_id, o.recipient,
                        o.key, o.result, o.detail) for o in store.outcomes()]


def view_sheets(store: Store, *, period: str | None, forms_dirs: tuple[Any, ...], generated: dt.datetime,
                school_charts: tuple[str, ...] = (), zone: Zone = None, office: str = "") -> list[Sheet]:
    """Every sheet of the view, in order, each with the generated-at line.

    The submissions are read from the store once for the summary (a small digest of each is kept)
    and streamed again for each large sheet as it is written: memory stays flat with the store's size.

    :param period: ``YYYY-MM``; None means the month of the latest row received (never today).
    :param school_charts: recipient ids that get a chart of their own (beside one chart per project).
    :param zone: the office's time zone (None: this computer's): every time shown is in it.
    :param office: the office's name (``name``): it begins every sheet's first line and prints in
        every page's footer, so that a master sent up the line says whose it is ("": as before).
    """
    forms = forms_of([str(r[0]) for r in store.query("SELECT DISTINCT form_id FROM current")], forms_dirs)
    specs = {form_id: master_spec(form) for form_id, form in forms.items()}
    past = as_of(store, Months(forms, specs, zone), period)  # None: the store's current, as ever
    shown = past.versions if past else store.current
    outcomes = past.outcomes(store.outcomes()) if past else store.outcomes()
    digests, keys_of_form = [], dict.fromkeys(forms, 0)
    rows_of_table: dict[tuple[str, str], int] = {}  # (form id, table) → rows on its sheet
    row_tables = {form_id: specs[form_id].row_tables(form) for form_id, form in forms.items()}
    for sub in shown():
        record = record_of(sub)
        digests.append(Digest.of(record, specs.get(sub.form_id), forms.get(sub.form_id)))
        if sub.form_id in forms:
            keys_of_form[sub.form_id] += 1
            for table in row_tables[sub.form_id]:
                place = (sub.form_id, table.pointer)
                rows_of_table[place] = rows_of_table.get(place, 0) + len(table_rows(record.data, table))
    rows_of_form = {form_id: rows_of_table.get((form_id, specs[form_id].table or ""), 0) for form_id in forms}

    def records(form_id: str | None = None) -> Iterator[Record]:
        mine = (record_of(s) for s in shown() if form_id is None or s.form_id == form_id)
        # A form's periods in time order (ตุลาคม before พฤศจิกายน), not as the store sorts their names.
        return in_period_order(mine, specs[form_id]) if form_id in specs else mine

    latest = max((d.latest_date for d in digests), default="")[:7] or None
    left = store.roster_left()
    waived = holding(store)  # the projects the clerk said owe nothing more: in every period's view
    digests = with_waivers(digests, waived)
    sheets = [summary_sheet(digests, forms, store.roster(), outcomes, period or latest,
                            store.roster_left_people(), waived),
              *_cumulative_sheets(records, forms, rows_of_form, keys_of_form, _names(store, left)),
              chart_sheet(records(), forms, _chart_titles(store, school_charts))]
    titled: list[Sheet] = []  # sheets named by a table's title: a name a layout gives comes first
    for form in (forms[k] for k in sorted(forms)):
        sheets += _form_sheets(form, specs[form.id], records, keys_of_form[form.id], rows_of_table,
                               several=len(forms) > 1, zone=zone, titled=titled)
    sheets.append(text_sheet(records, forms, {f: {*spec.key, *(t.pointer for t in row_tables[f])}
                                              for f, spec in specs.items()},
                             {f: {t.pointer for t in row_tables[f]} for f in specs}))
    sheets.append(ledger_sheet(ledger_of(store), zone))
    _unique_names([s for s in sheets if s is not None], last=titled)
    banner = BANNER.format(when=said_time(generated, zone, "th"), store=store.path.name,
                           period=_as_of(period or latest, figures=past is not None))
    return [_with_banner(s, f"{office} — {banner}" if office else banner, office) for s in sheets if s is not None]


def _form_sheets(form: Form, spec: MasterSpec, records: Callable[[str], Iterator[Record]], keys: int,
                 rows_of_table: dict[tuple[str, str], int], *, several: bool, zone: Zone,
                 titled: list[Sheet]) -> list[Sheet]:
    """A form's data sheet (a line per submission: its single fields, and its lists shown as text),
    then a sheet of rows for each of its tables of rows (:meth:`MasterSpec.row_tables`), in the form's
    order: the master's ``table`` named by ``sheets: table``, any other by its schema title. With
    ``several`` forms in the view, each name ends with the form's id. The sheets named by a title are
    also added to ``titled``."""
    def named(name: str) -> str:
        return name + (f" {form.id}"[:31 - len(name)] if several else "")

    tables = spec.row_tables(form)
    sheets = [data_sheet(named(spec.data_sheet), records(form.id), {form.id: form},
                         skip={*spec.key, *(t.pointer for t in tables)}, count=keys, zone=zone)]
    for table in tables:
        name = spec.table_sheet if table.pointer == spec.table else sheet_name(table.title or table.pointer)
        sheets.append(table_sheet(named(name), records(form.id), table, rows_of_table.get((form.id, table.pointer), 0)))
        if table.pointer != spec.table:
            titled.append(sheets[-1])
    return sheets


def _cumulative_sheets(records: Callable[[str], Iterator[Record]], forms: dict[str, Form],
                       rows_of_form: dict[str, int], keys_of_form: dict[str, int],
                       names: dict[str, str]) -> list[Sheet]:
    """One cumulative sheet per form declaring one, by form id; a name taken already gets the form's id."""
    sheets: list[Sheet] = []
    for form_id in sorted(forms):
        sheet = cumulative_sheet(partial(records, form_id), {form_id: forms[form_id]}, rows_of_form[form_id],
                                 keys_of_form[form_id], names)
        if sheet is None:
            continue
        if sheet.name in {s.name for s in sheets}:
            sheet.name += f" {form_id}"[:31 - len(sheet.name)]
        sheets.append(sheet)
    return sheets


def _unique_names(sheets: list[Sheet], last: Sequence[Sheet] = ()) -> None:
    """Give every sheet a name no other has (compared as Excel does, case-folded, within 31
    characters): two forms' layouts may name sheets alike, and a workbook with two sheets of one
    name is refused by Calc (.ods) or silently renamed by openpyxl (.xlsx). The sheets of ``last``
    are renamed rather than the others (a table titled รายชื่อครู leaves the layout's รายชื่อครู be)."""
    taken: set[str] = set()
    later = {id(s) for s in last}
    for sheet in [s for s in sheets if id(s) not in later] + [s for s in sheets if id(s) in later]:
        name, n = sheet.name, 2
        while name.casefold() in taken:
            suffix = f" ({n})"
            name, n = sheet.name[:31 - len(suffix)] + suffix, n + 1
        sheet.name = name
        taken.add(name.casefold())


def _names(store: Store, left: dict[str, str]) -> dict[str, str]:
    """Recipient id → its school's name on the roster, else as the roster last listed it (one taken off)."""
    return {rid: name for rid, name in {**left, **{r.id: r.school for r in store.roster()}}.items() if name}


def _chart_titles(store: Store, ids: tuple[str, ...]) -> dict[str, str]:
    """Recipient id → its school's name (:func:`_names`, else the id), for the charts asked for."""
    names = _names(store, store.roster_left())
    return {rid: names.get(rid) or rid for rid in ids}


def ledger_sheet(entries: list[LedgerEntry], zone: Zone = None) -> Sheet:
    """Every file ever received and what became of it, oldest first, in Thai; when, in ``zone``
    (None: this computer's)."""
    def rows() -> Iterator[list[Any]]:
        for e in entries:
            yield [cell_moment(e.received_at, zone), e.file, RESULTS_TH.get(e.result, e.result), e.detail, e.recipient, e.project_code,
                   e.form_id, e.form_version, e.template_id, e.sha256[:12]]

    refused = (Highlight(2, RESULTS_TH["refused"], "F4B6B6"), Highlight(2, RESULTS_TH["quarantined"], "F4B6B6"))
    return Sheet(LEDGER, LEDGER_COLUMNS, rows(), len(entries), freeze_columns=2, highlights=refused)


def forms_of(form_ids: list[str], dirs: tuple[Any, ...]) -> dict[str, Form]:
    """The forms of the stored submissions (a form no longer installed only loses its headers)."""
    forms: dict[str, Form] = {}
    for form_id in sorted(set(form_ids)):
        try:
            forms[form_id] = find_form(form_id, dirs)
        except UnknownFormError:
            continue
    return forms


def _as_of(period: str | None, *, figures: bool = False) -> str:
    """`` · สถานะ ณ เดือนมีนาคม 2563``: the month the summary's statuses are for (B.E.), or nothing;
    with ``figures`` (a past period's view, :mod:`.asof`), that the figures are the versions reporting
    up to that month (a reader up the line, given January's view, must know April's are not in it)."""
    said = _month_words(period)
    if not said:
        return ""
    return " · " + word("banner.period", **said) + (" " + word("banner.figures-as-of", **said) if figures else "")


def _month_words(period: str | None) -> dict[str, Any] | None:
    """``{"month": "มีนาคม", "year": 2563}`` for ``2020-03``; None for anything else."""
    try:
        year, month = (int(part) for part in (period or "").split("-")[:2])
        return {"month": MONTH_NAMES[month - 1][0], "year": year + BE_OFFSET}
    except (ValueError, IndexError):
        return None


def _with_banner(sheet: Sheet, banner: str, office: str) -> Sheet:
    sheet.banner, sheet.office = banner, office
    return sheet
