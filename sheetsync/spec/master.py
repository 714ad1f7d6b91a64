"""What a form declares about its place in the office's master: its key and its cumulative table.

A layout may hold a ``master:`` entry; nothing in the office's code names a field of a form::

    master:
      key: [/project/code]          # with the recipient, identifies one submission
      period: [/period/fiscal_year, /period/month]   # a form sent anew each period: also part of the key
      title: /project/name          # what the summary shows as the submission's name
      table: /reports               # the periodic reports that make the cumulative view
      number: "no"                  # columns of that table: report number, date,
      date: date
      progress: progress_percent    #   percent complete, amount of that report
      amount: disbursed
      budget: /project/budget_received
      flags: [on_plan, on_target]   # yes/no columns; "no" is shown and highlighted
      sheets: {data: โครงการ, table: รายงาน, cumulative: ความก้าวหน้าสะสม}
      identity: [/project/code, /project/name, /project/fiscal_year]
      headings: {number: ครั้งที่, latest_number: รายงานล่าสุด (ครั้งที่)}
      next_period: all              # or identity: what next period's template of a school carries
      as_text: [/targets/networks]  # tables kept as one text per submission (default: a sheet of rows each)
      carry: [/unit/agency]         # what a school's template for a key new to it keeps from its last one

``sheets`` names the data sheets (default ข้อมูล, ตาราง) and the cumulative sheet (default
ความก้าวหน้าสะสม for a form declaring ``progress``, else ยอดสะสม). ``identity`` lists the single
fields next period's template of a new recipient of a known key is prefilled with (default: the key
and the title). ``headings`` overrides the master's headings of the table's columns (``number``,
``date``, ``progress``) and of the summary's latest report (``latest_number``, ``latest_date``);
by default they are the fields' titles in the schema (and "<title> (ล่าสุด)"). ``next_period`` says
what next period's template of a school that has reported carries: ``all`` (the default: its last
report, earlier rows locked and the next one open, for a report that grows period by period) or
``identity`` (only the ``identity`` fields, every other cell empty and open: a form filled anew each
period, such as a monthly report).

Every table of rows (its items objects, not plain values) gets a sheet of its own, one row per row
of every submission, the recipient and key first: ``table`` on the sheet ``sheets: table`` names, any
other on a sheet named by its schema ``title`` (made a valid sheet name: see
:func:`sheetsync.master.derive.sheet_name`). ``as_text`` lists the tables shown instead as one cell of
text on each submission's line of the data sheet (a list of plain values always is).

``carry`` lists the single fields a school's first template for a key new to it (a new fiscal year's
project, its new code on the roster) is prefilled with from the school's own latest submission on
another key of the form: who it is and who answers for it, not the old project's data. Each must be
one of the layout's ``open_prefilled`` fields (the school corrects what changed) and none the key.

``period`` lists the fields that say which period a submission is of (a monthly report's fiscal year
and month, in that order: the last one runs fastest). The store and the view then keep one line per
key *and period*, while the roster's code, invitations and next period's templates match the ``key``
alone; the period's values sort in time order (a choice by its place in the schema's ``enum``,
ตุลาคม before พฤศจิกายน; a number by its value), and the cumulative sheet adds each key's periods up,
starting again when a period field before the last changes (a new fiscal year). The master shows a
period's values as the template's dropdown shows them (the layout's ``choices``: ``2567 · ภาคเรียนที่ 2``
for the stored ``2567 · 2``: :meth:`MasterSpec.period_label`).

A form without the entry is keyed by its recipient alone and has no cumulative view. The entry is
checked when the form loads (:func:`check_master`), so a misspelt pointer is one line naming the YAML
line (``school-lunch.yaml line 67 (master.key[0]): …``) before any template is issued, not a surprise
at merge time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .entries import yaml_place
from .pointers import lookup
from .said import form_error

if TYPE_CHECKING:
    from .form import Form, Table

ENTRY = "master"
TABLE_COLUMNS = ("number", "date", "progress", "amount")
_KNOWN = ("key", "period", "title", "table", "budget", "flags", "sheets", "identity", "headings", "next_period",
          "as_text", "carry", *TABLE_COLUMNS)
NEXT_PERIOD = ("all", "identity")
SHEETS = ("data", "table", "cumulative")
#: The headings a layout may give, each for a column it declares.
HEADINGS = {"number": "number", "date": "date", "progress": "progress", "latest_number": "number",
            "latest_date": "date"}
#: How the values of a key (and period) are joined into the one text the store keys a submission by.
SEP = " · "
#: A period value's place in time (see :meth:`MasterSpec.period_rank`).
Rank = tuple[tuple[int, float, str], ...]


@dataclass(frozen=True)
class MasterSpec:
    """The ``master:`` entry of a layout, checked against the form (see the module docstring)."""

    key: tuple[str, ...] = ()
    title: str | None = None
    table: str | None = None
    number: str | None = None
    date: str | None = None
    progress: str | None = None
    amount: str | None = None
    budget: str | None = None
    flags: tuple[str, ...] = ()
    data_sheet: str = "ข้อมูล"
    table_sheet: str = "ตาราง"
    cumulative_sheet: str | None = None  # None: named by what it holds (see the module docstring)
    identity: tuple[str, ...] = ()
    headings: tuple[tuple[str, str], ...] = ()
    next_period: str = "all"  # one of NEXT_PERIOD
    period: tuple[str, ...] = ()
    period_order: tuple[tuple[str, ...], ...] = ()  # each period field's choices (as text) in the schema's order
    as_text: tuple[str, ...] = ()  # tables shown as text on the data sheet, not on a sheet of rows
    carry: tuple[str, ...] = ()  # kept from a school's last key in its template for a key new to it
    period_labels: tuple[tuple[tuple[str, str], ...], ...] = ()  # each period field's (value as text, label)

    def heading(self, name: str) -> str | None:
        """The layout's own heading for ``name`` (one of :data:`HEADINGS`), if it gives one."""
        return dict(self.headings).get(name)

    def key_of(self, data: dict[str, Any]) -> str:
        """What the store keys ``data`` by: the key values, then the period's, joined by `` · `` ('' if
        one is missing or empty)."""
        return _joined(data, self.key + self.period)

    def code_of(self, data: dict[str, Any]) -> str:
        """The key values of ``data`` alone, whatever its period (the roster's code; '' if one is missing)."""
        return _joined(data, self.key)

    def split(self, key: str) -> tuple[str, str]:
        """A key of :meth:`key_of` as (code, period): the period's values are its last ones.

        A key that does not hold them (one stored before the form declared a period) is all code."""
        parts, n = key.split(SEP), len(self.period)
        if not n or not key or len(parts) < n + (1 if self.key else 0):
            return key, ""
        return SEP.join(parts[:-n]), SEP.join(parts[-n:])

    def period_label(self, period: str) -> str:
        """A period of :meth:`split` as the school chose it in the template: each value that is one of
        its field's choices shown by the choice's label (``2567 · 2`` → ``2567 · ภาคเรียนที่ 2``)."""
        texts = period.split(SEP) if period else []
        labels = [dict(self.period_labels[n]) if n < len(self.period_labels) else {} for n in range(len(texts))]
        return SEP.join(labels[n].get(text, text) for n, text in enumerate(texts))

    def period_rank(self, period: str) -> Rank:
        """A period of :meth:`split` as what sorts in time order: each value a choice by its place in
        the schema's list (ตุลาคม before พฤศจิกายน), else a number by its value, else its text."""
        rank: list[tuple[int, float, str]] = []
        for n, text in enumerate(period.split(SEP) if period else []):
            order = self.period_order[n] if n < len(self.period_order) else ()
            if text in order:
                rank.append((0, float(order.index(text)), ""))
            else:
                try:
                    rank.append((1, float(text), ""))
                except ValueError:
                    rank.append((2, 0.0, text))
        return tuple(rank)

    def row_tables(self, form: Form) -> list[Table]:
        """The tables of ``form`` shown row by row on a sheet of their own, in the form's order: every
        table of objects but those listed in ``as_text`` (``table`` always)."""
        return [t for t in form.tables if t.pointer == self.table
                or not (t.scalar_items or t.pointer in self.as_text)]

    def rows_of(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """The rows of the cumulative table, in report-number order (none without a table)."""
        rows = lookup(data, self.table) if self.table else None
        items = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
        if self.number:
            number = self.number
            items.sort(key=lambda r: _number(r.get(number)))
        return items


def check_master(form: Form) -> MasterSpec:
    """The form's ``master:`` entry as a :class:`MasterSpec`; every pointer and column it names must exist.

    :raises FormError: one line naming the YAML entry and its line (``master.key[0]``) and what is wrong.
    """
    entry = form.layout.get(ENTRY) or {}
    if not isinstance(entry, dict):
        raise form_error(_at(form), "form.master.mapping")
    unknown = sorted(set(entry) - set(_KNOWN))
    if unknown:
        raise form_error(_at(form, unknown[0]), "form.master.unknown", name=repr(unknown[0]),
                         known=", ".join(sorted(_KNOWN)))
    key = tuple(str(p) for p in _list(form, entry, "key"))
    for n, pointer in enumerate(key):
        _check_single(form, pointer, "key", n)
    for name in ("title", "budget"):
        if entry.get(name) is not None:
            _check_single(form, entry[name], name)
    flags = tuple(str(f) for f in _list(form, entry, "flags"))
    _check_columns(form, entry, flags)
    sheets = _sheets(form, entry.get("sheets") or {})
    period = _period(form, entry, key)
    identity = _identity(form, entry, key)
    headings = _headings(form, entry)
    return MasterSpec(key, _opt(entry, "title"), _opt(entry, "table"), _opt(entry, "number"), _opt(entry, "date"),
                      _opt(entry, "progress"), _opt(entry, "amount"), _opt(entry, "budget"), flags,
                      sheets.get("data", "ข้อมูล"), sheets.get("table", "ตาราง"), sheets.get("cumulative"),
                      identity, headings, _next_period(form, entry), period, _orders(form, period),
                      _as_text(form, entry), _carry(form, entry, key + period), _labels(form, period))


def _at(form: Form, *keys: str | int) -> str:
    """The YAML place of ``master`` (or of ``keys`` inside it), with its line."""
    return yaml_place(form.source, (ENTRY, *keys))


def _check_single(form: Form, pointer: Any, *keys: str | int) -> None:
    if not isinstance(pointer, str) or form.field_at(pointer) is None:
        singles = ", ".join(f.pointer for f in form.fields[:4])
        raise form_error(_at(form, *keys), "form.master.not-single", pointer=repr(pointer), singles=singles)


def _check_columns(form: Form, entry: dict[str, Any], flags: tuple[str, ...]) -> None:
    """The table is one of the form's, and number, date, progress, amount and flags are its columns."""
    table = entry.get("table")
    columns: list[str] = []
    if table is not None:
        found = form.table_at(str(table))
        if found is None:
            tables = ", ".join(t.pointer for t in form.tables) or "none"
            raise form_error(_at(form, "table"), "form.master.not-table", table=repr(table), tables=tables)
        columns = [c.pointer for c in found.columns if not c.decorative]
    named: list[tuple[tuple[str | int, ...], Any]] = [((name,), entry.get(name)) for name in TABLE_COLUMNS]
    named += [(("flags", n), flag) for n, flag in enumerate(flags)]
    for keys, value in named:
        if value is not None and str(value) not in columns:
            raise form_error(_at(form, *keys), "form.master.not-column" if columns else "form.master.no-table",
                             value=repr(value), table=repr(table), columns=", ".join(columns))


def _identity(form: Form, entry: dict[str, Any], key: tuple[str, ...]) -> tuple[str, ...]:
    """The single fields a new recipient of a known key is prefilled with (default: key and title)."""
    if "identity" not in entry:
        title = _opt(entry, "title")
        return key + ((title,) if title and title not in key else ())
    identity = tuple(_list(form, entry, "identity"))
    for n, pointer in enumerate(identity):
        _check_single(form, pointer, "identity", n)
    return tuple(str(p) for p in identity)


def _carry(form: Form, entry: dict[str, Any], key: tuple[str, ...]) -> tuple[str, ...]:
    """The single fields a school's template for a key new to it keeps from its last key: each left open
    (``open_prefilled``: the school corrects what changed), none of them the key."""
    carried = tuple(_list(form, entry, "carry"))
    kept_open = form.layout.get("open_prefilled") or ()
    for n, pointer in enumerate(carried):
        _check_single(form, pointer, "carry", n)
        if pointer in key:
            raise form_error(_at(form, "carry", n), "form.master.carry-key", pointer=repr(pointer))
        if pointer not in kept_open:
            raise form_error(_at(form, "carry", n), "form.master.carry-locked", pointer=repr(pointer))
    return tuple(str(p) for p in carried)


def _as_text(form: Form, entry: dict[str, Any]) -> tuple[str, ...]:
    """The tables kept as text on the data sheet: tables of the form, never the master's ``table``."""
    named = tuple(str(p) for p in _list(form, entry, "as_text"))
    for n, pointer in enumerate(named):
        if form.table_at(pointer) is None:
            tables = ", ".join(t.pointer for t in form.tables) or "none"
            raise form_error(_at(form, "as_text", n), "form.master.not-table", table=repr(pointer), tables=tables)
        if pointer == entry.get("table"):
            raise form_error(_at(form, "as_text", n), "form.master.as-text-table", pointer=repr(pointer))
    return named


def _period(form: Form, entry: dict[str, Any], key: tuple[str, ...]) -> tuple[str, ...]:
    """The fields saying which period a submission is of: single fields, none of them also in the key."""
    period = tuple(_list(form, entry, "period"))
    for n, pointer in enumerate(period):
        _check_single(form, pointer, "period", n)
        if pointer in key or pointer in period[:n]:
            where = "master.key" if pointer in key else "master.period"
            raise form_error(_at(form, "period", n), "form.master.named-twice", pointer=repr(pointer), where=where)
    return tuple(str(p) for p in period)


def _orders(form: Form, period: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Each period field's choices as text, in the schema's order (none for a number or a date)."""
    orders = []
    for pointer in period:
        found = form.field_at(pointer)
        choices = found.schema.get("enum") if found else None
        orders.append(tuple(key_part(c) for c in choices) if isinstance(choices, list) else ())
    return tuple(orders)


def _labels(form: Form, period: tuple[str, ...]) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Each period field's choices of the layout (``choices:``) as (value as a key holds it, label)."""
    labels = []
    for pointer in period:
        found = form.field_at(pointer)
        choices = found.choices if found is not None and found.choices else {}
        labels.append(tuple((key_part(value), key_part(label)) for value, label in choices.items()))
    return tuple(labels)


def _next_period(form: Form, entry: dict[str, Any]) -> str:
    """What next period's template carries: ``all`` (the default) or ``identity``."""
    value = entry.get("next_period", "all")
    if value not in NEXT_PERIOD:
        raise form_error(_at(form, "next_period"), "form.master.next-period", choices=" or ".join(NEXT_PERIOD),
                         value=repr(value))
    return str(value)


def _headings(form: Form, entry: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The layout's own headings, each for a column the entry declares and none empty."""
    headings = entry.get("headings") or {}
    if not isinstance(headings, dict):
        raise form_error(_at(form, "headings"), "form.master.headings-mapping", known=", ".join(HEADINGS))
    for name, text in headings.items():
        if name not in HEADINGS:
            raise form_error(_at(form, "headings", name), "form.master.heading-unknown", name=repr(name),
                             known=", ".join(HEADINGS))
        if entry.get(HEADINGS[name]) is None:
            raise form_error(_at(form, "headings", name), "form.master.heading-no-column", column=HEADINGS[name])
        if not isinstance(text, str) or not text.strip():
            raise form_error(_at(form, "headings", name), "form.master.heading-text", text=repr(text))
    return tuple((str(k), str(v).strip()) for k, v in headings.items())


def _sheets(form: Form, sheets: Any) -> dict[str, str]:
    if not isinstance(sheets, dict) or set(sheets) - set(SHEETS):
        raise form_error(_at(form, "sheets"), "form.master.sheets-mapping")
    for name, value in sheets.items():
        text = str(value)
        if not text or len(text) > 31 or any(ch in text for ch in "[]:*?/\\"):
            raise form_error(_at(form, "sheets", name), "form.master.sheet-name", text=repr(text))
    resolved = {"data": "ข้อมูล", "table": "ตาราง"} | {str(k): str(v) for k, v in sheets.items()}
    for name, text in sorted(resolved.items(), key=lambda item: item[0] not in sheets):  # the given ones first
        # The defaults count: a cumulative sheet named ข้อมูล clashed with the data sheet's default name.
        if [v.casefold() for v in resolved.values()].count(text.casefold()) > 1:
            where = _at(form, "sheets", name) if name in sheets else _at(form, "sheets")
            raise form_error(where, "form.master.sheet-twice", text=repr(text))
    return {str(k): str(v) for k, v in sheets.items()}


def _list(form: Form, entry: dict[str, Any], name: str) -> list[Any]:
    value = entry.get(name, [])
    if not isinstance(value, list):
        raise form_error(_at(form, name), "form.master.list")
    return value


def _opt(entry: dict[str, Any], name: str) -> str | None:
    return None if entry.get(name) is None else str(entry[name])


def _joined(data: dict[str, Any], pointers: tuple[str, ...]) -> str:
    """The values at ``pointers`` joined by :data:`SEP` ('' if one is missing or empty)."""
    texts = ["" if v is None else key_part(v) for v in (lookup(data, p) for p in pointers)]
    return "" if any(not t for t in texts) else SEP.join(texts)


def key_part(value: Any) -> str:
    """One value as it stands in a stored key: its text, with any ``·`` written ``-``, so that the key
    splits back into its values (a term "ภาคเรียนที่ 1 · 2567" is one period, not two values)."""
    return str(value).strip().replace(SEP.strip(), "-")


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value)
