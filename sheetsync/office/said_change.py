"""A changed value as the clerk reads it in ``sheetsync history``: the form's own words, not the store's.

The store compares data by JSON pointer (``/reports/3``, ``/project/budget_used``) and keeps values as
the reader gives them (``2020-01-29``, ``True``, ``57000.5``). The clerk knows the printed form: report 4
(รายงานครั้งที่ 4), its date in the Buddhist Era, the dropdown's เป็นไปตามแผน, amounts as 57,000.50.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ..check.shown import shown
from ..errors import SheetsyncError
from ..messages import render
from ..render import field_label
from ..spec.form import Field, Form, Table
from ..spec.pointers import schema_node
from ..spec.registry import find_form_id


def form_or_none(form_id: str, dirs: Iterable[Path] = ()) -> Form | None:
    """The form ``form_id`` (searched also in ``dirs``), or None when it is not known here: its changes
    are then listed by pointer, as the store keeps them."""
    try:
        return find_form_id(form_id, dirs) if form_id else None
    except SheetsyncError:
        return None


def change_label(form: Form | None, pointer: str) -> str:
    """What ``pointer`` names on the printed form: ``รายงานครั้งที่ 4`` for ``/reports/3``, ``รายงานครั้งที่ 4
    วันที่รายงาน`` for ``/reports/3/date``, a field's title (``งบประมาณที่ใช้ไป``); the pointer itself when the
    form gives it no title."""
    if form is None:
        return pointer
    table = _table_of(form, pointer)
    if table is not None:
        index, _, rest = pointer[len(table.pointer) + 1:].partition("/")
        row = _row_name(form, table, int(index))
        column = _column(table, rest)
        return f"{row} {column.title}" if column is not None and rest else row
    return field_label(form.schema, pointer) or pointer


def change_value(form: Form | None, pointer: str, value: Any) -> Any:
    """``value`` of ``pointer`` as the sheet shows it, as text; a row as its columns' titles → texts, in
    the form's order (the row's number is in its label); ``value`` unchanged when it is None or the form
    is not known (the caller says "none" its own way)."""
    if form is None or value is None:
        return value
    table = _table_of(form, pointer)
    if table is not None and isinstance(value, dict):
        return {c.title: _said(c, value[c.pointer.strip("/")]) for c in table.columns
                if c.pointer and c.pointer.strip("/") in value and not _is_number(table, c)}
    if table is not None:
        return _said(_column(table, pointer[len(table.pointer) + 1:].partition("/")[2]), value)
    return _said(next((f for f in form.all_fields() if f.pointer == pointer), None), value)


def _said(column: Field | None, value: Any) -> str:
    """A value as its cell shows it: a dropdown's own words (เป็นไปตามแผน for True), else :func:`shown`."""
    choices = column.choices if column is not None and column.choices else {}
    if not isinstance(value, (dict, list)) and value in choices:
        return choices[value]
    if isinstance(value, int) and not isinstance(value, bool) and column is not None \
            and column.kind == "amount":
        return f"{value:,}"  # an amount kept whole (180000): grouped as the sheet shows it; a year is not
    return shown(value)


def _table_of(form: Form, pointer: str) -> Table | None:
    """The table a pointer is a row (or a row's cell) of, by its row's index."""
    return next((t for t in form.tables if pointer.startswith(t.pointer + "/")
                 and pointer[len(t.pointer) + 1:].partition("/")[0].isdigit()), None)


def _column(table: Table, rest: str) -> Field | None:
    return next((c for c in table.columns if c.pointer and c.pointer.strip("/") == rest), None)


def _is_number(table: Table, column: Field) -> bool:
    """The column the row's label already says (รายงานครั้งที่ 4): not repeated among its values."""
    return column.kind == "auto" or column.pointer.strip("/") == (table.key or "").strip("/")


def _row_name(form: Form, table: Table, index: int) -> str:
    """A row as the form numbers it: its items' title and number (``รายงานครั้งที่ 4``), else the
    table's title and its place (``… แถวที่ 3``, as :func:`sheetsync.render.row_name` says it)."""
    items = schema_node(form.schema, table.pointer + "/*") or {}
    if items.get("title") and any(c.auto is not None for c in table.columns):
        return f"{items['title']} {index + 1}"
    title = table.title or field_label(form.schema, table.pointer) or table.pointer
    return render("report.row_of", "th", table=title, n=index + 1)
