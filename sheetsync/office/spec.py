"""What a form declares about its place in the office's master: its key and its cumulative table.

A layout may hold a ``master:`` entry; nothing in the office's code names a field of a form::

    master:
      key: [/project/code]          # with the recipient, identifies one submission
      title: /project/name          # what the summary shows as the submission's name
      table: /reports               # the periodic reports that make the cumulative view
      number: "no"                  # columns of that table: report number, date,
      date: date
      progress: progress_percent    #   percent complete, amount of that report
      amount: disbursed
      budget: /project/budget_received
      flags: [on_plan, on_target]   # yes/no columns; "no" is shown and highlighted
      sheets: {data: โครงการ, table: รายงาน}   # names of the data sheets (default ข้อมูล, ตาราง)

A form without the entry is keyed by its recipient alone and has no cumulative view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import FormError
from ..spec.form import Form

ENTRY = "master"
_TABLE_COLUMNS = ("number", "date", "progress", "amount")
_CACHE: dict[tuple[str, str, str], "MasterSpec"] = {}


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

    def key_of(self, data: dict[str, Any]) -> str:
        """The key values of ``data`` joined by `` · `` ('' if one is missing or empty)."""
        from ..spec.pointers import lookup

        values = [lookup(data, pointer) for pointer in self.key]
        texts = ["" if v is None else str(v).strip() for v in values]
        return "" if any(not t for t in texts) else " · ".join(texts)

    def rows_of(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """The rows of the cumulative table, in report-number order (none without a table)."""
        from ..spec.pointers import lookup

        rows = lookup(data, self.table) if self.table else None
        items = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
        if self.number:
            number = self.number
            items.sort(key=lambda r: _number(r.get(number)))
        return items


def master_spec(form: Form) -> MasterSpec:
    """The form's :class:`MasterSpec`; every pointer and column it names must exist in the form.

    :raises FormError: the entry names a field the form lacks (the message names the entry).
    """
    key = (str(form.source), form.id, form.version)
    if key not in _CACHE:
        _CACHE[key] = _spec(form)
    return _CACHE[key]


def _spec(form: Form) -> MasterSpec:
    entry = form.layout.get(ENTRY) or {}
    where = f"{form.source.name}: {ENTRY}"
    if not isinstance(entry, dict):
        raise FormError(f"{where}: expected a mapping (key, table, progress …)")
    singles = {f.pointer for f in form.fields}
    key = tuple(str(p) for p in _list(entry.get("key", []), f"{where}.key"))
    for n, pointer in enumerate(key):
        if pointer not in singles:
            raise FormError(f"{where}.key[{n}]: {pointer!r} is not a single field of the form")
    for name in ("title", "budget"):
        if entry.get(name) is not None and entry[name] not in singles:
            raise FormError(f"{where}.{name}: {entry[name]!r} is not a single field of the form")
    table = entry.get("table")
    columns: set[str] = set()
    if table is not None:
        found = form.table_at(str(table))
        if found is None:
            raise FormError(f"{where}.table: {table!r} is not a table of the form")
        columns = {c.pointer for c in found.columns if not c.decorative}
    flags = tuple(str(f) for f in _list(entry.get("flags", []), f"{where}.flags"))
    for name in (*_TABLE_COLUMNS, *(f"flags[{n}]" for n in range(len(flags)))):
        value = entry.get(name) if not name.startswith("flags") else flags[int(name[6:-1])]
        if value is not None and str(value) not in columns:
            raise FormError(f"{where}.{name}: {value!r} is not a column of the table {table!r}")
    sheets = entry.get("sheets") or {}
    if not isinstance(sheets, dict) or set(sheets) - {"data", "table"}:
        raise FormError(f"{where}.sheets: expected a mapping with data and / or table")
    for name, value in sheets.items():
        text = str(value)
        if not text or len(text) > 31 or any(ch in text for ch in "[]:*?/\\"):
            raise FormError(f"{where}.sheets.{name}: {text!r} is not a valid sheet name (1-31 characters, "
                            "none of []:*?/\\)")
    known = {"key", "title", "table", "budget", "flags", "sheets", *_TABLE_COLUMNS}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise FormError(f"{where}: unknown entry {unknown[0]!r} (known: {', '.join(sorted(known))})")
    return MasterSpec(key, _opt(entry, "title"), _opt(entry, "table"), _opt(entry, "number"), _opt(entry, "date"),
                      _opt(entry, "progress"), _opt(entry, "amount"), _opt(entry, "budget"), flags,
                      str(sheets.get("data", "ข้อมูล")), str(sheets.get("table", "ตาราง")))


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise FormError(f"{where}: expected a list")
    return value


def _opt(entry: dict[str, Any], name: str) -> str | None:
    return None if entry.get(name) is None else str(entry[name])


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value)
