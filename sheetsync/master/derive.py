"""The master's sheets that show submitted data as the school typed it: one row per submission with
every single field of its form, and one row per row of each of its tables.

Nothing here names a field of a particular form: the columns come from the forms themselves.
The office's computed sheets (summary, cumulative view, charts) are in :mod:`sheetsync.office.summary`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable, Iterator

from ..clock import Zone, cell_moment
from ..spec.form import Field, Form, Table
from ..spec.pointers import lookup
from .layout import Column, Kind, Sheet
from .model import Record

KINDS: dict[str, Kind] = {"date": "date", "amount": "amount", "number": "amount", "whole": "whole", "auto": "whole", "percent": "percent"}
KEY_COLUMNS = (Column("ผู้รายงาน", 16), Column("รหัส", 16))
#: Headers of the times shown (the office's time zone, as the clerk's clock: the store keeps UTC), each a
#: real date and time shown in the Buddhist Era (``1/12/2569 06:30:00``) that sorts as time does.
ISSUED_AT, RECEIVED_AT = "ออกแม่แบบเมื่อ", "รับเมื่อ"


def data_sheet(name: str, records: Iterable[Record], forms: dict[str, Form], *, skip: set[str],
               count: int, zone: Zone = None) -> Sheet:
    """One row per submission: every single field of its form (but ``skip``), then its lists as text,
    then when its template was issued, its file and when it was received (in ``zone``, real date-time
    cells: see :func:`sheetsync.clock.cell_moment`).

    :param records: streamed while the sheet is written; ``count`` says how many there are.
    :param skip: pointers of fields and tables shown elsewhere (the key, the cumulative table).
    :param zone: the office's time zone (None: this computer's).
    """
    fields = union([f for form in forms.values() for f in form.fields if f.pointer not in skip])
    tables = union([t for form in forms.values() for t in form.tables if t.pointer not in skip])
    columns = (*KEY_COLUMNS, *(Column(f.title, width(f), KINDS.get(f.kind, "text")) for f in fields),
               *(Column(table_title(t), 36) for t in tables),
               Column(ISSUED_AT, 19, "datetime"), Column("ไฟล์", 30), Column(RECEIVED_AT, 19, "datetime"))

    def rows() -> Iterator[list[Any]]:
        for record in records:
            values = [cell(f, lookup(record.data, f.pointer)) for f in fields]
            lists = [flatten(t, lookup(record.data, t.pointer)) for t in tables]
            yield [record.key.recipient, record.key.project_code, *values, *lists,
                   cell_moment(record.recency.issued_at, zone) if record.recency.issued_at else "",
                   record.file, cell_moment(record.merged_at, zone)]

    return Sheet(name, columns, rows(), count, freeze_columns=2)


def table_sheet(name: str, records: Iterable[Record], table: Table, count: int) -> Sheet:
    """Every row of ``table`` of every submission, as the school typed it (``count`` rows, streamed)."""
    fields = [c for c in table.columns if not c.decorative]
    columns = (*KEY_COLUMNS, *(Column(c.title, 40 if c.kind in ("text", "lines") else 16, KINDS.get(c.kind, "text"))
                               for c in fields))
    rows = ([record.key.recipient, record.key.project_code, *(cell(c, row.get(c.pointer)) for c in fields)]
            for record in records for row in table_rows(record.data, table))
    return Sheet(name, columns, rows, count, freeze_columns=2)


def table_rows(data: dict[str, Any], table: Table) -> list[dict[str, Any]]:
    """The rows of ``table`` in a submission's ``data`` (its items that are objects, as typed)."""
    found = lookup(data, table.pointer)
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def union(items: list[Any]) -> list[Any]:
    """Items by pointer, the first of each kept, in order."""
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(item.pointer, item)
    return list(seen.values())


def cell(f: Field, value: Any) -> Any:
    """A value as a cell shows it: dates as dates, choices by their label, lines joined."""
    if value is None:
        return None
    if f.kind == "date":
        return as_date(value)
    if f.kind == "choice":
        return (f.choices or {}).get(value, str(value))
    if f.kind == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return value


def flatten(table: Table, items: Any) -> str:
    """A list of the form as readable text in one cell."""
    if not isinstance(items, list):
        return ""
    if table.scalar_items:
        return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))
    lines = []
    for item in items:
        parts = [f"{c.title}: {_shown(item.get(c.pointer))}" for c in table.columns
                 if not c.decorative and isinstance(item, dict) and item.get(c.pointer) is not None]
        lines.append("; ".join(parts))
    return "\n".join(lines)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def table_title(table: Table) -> str:
    """A table's heading: a list of rows by its own schema title (its first column's, "ชั้น" or "ลำดับ",
    names one cell of a row, not the list), a list of plain values by its column's; else its pointer."""
    own = [table.title] if table.title and not table.scalar_items else []
    titled = own or [c.title for c in table.columns if not c.decorative and c.title]
    return titled[0] if titled else table.pointer.strip("/")


def sheet_name(text: str, fallback: str = "ตาราง") -> str:
    """``text`` as a sheet name Excel and Calc accept: none of ``[]:*?/\\`` (each a space), no
    apostrophe at either end, at most 31 characters, not Excel's reserved "History"; ``fallback``
    when nothing is left. (Two sheets of one name are told apart when the view is put together.)"""
    name = " ".join("".join(" " if ch in _NOT_IN_NAMES else ch for ch in text).split())[:31].strip(" '")
    if name.casefold() == "history":
        name += " (1)"
    return name or fallback


_NOT_IN_NAMES = frozenset("[]:*?/\\") | {chr(n) for n in range(32)}


def width(f: Field) -> float:
    """Column width for a field: narrow for numbers and dates, wide for long text."""
    if f.kind in ("date", "whole", "amount", "number", "percent"):
        return 16
    return 40 if f.kind == "lines" or int(f.schema.get("maxLength", 0)) > 300 else 24


def number(value: Any) -> float:
    """A number, or 0 for anything else (booleans included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value)


def add(total: float, amount: float) -> float:
    """``total + amount`` in decimal, as the figures were typed: binary floats make 0.1 + 0.2
    0.30000000000000004, a cell a reader's own sum or a copy into another system would carry."""
    return float(Decimal(repr(total)) + Decimal(repr(amount)))


def add_up(amounts: Iterable[float]) -> float:
    """The sum of ``amounts`` (see :func:`add`)."""
    total = 0.0
    for amount in amounts:
        total = add(total, amount)
    return total


def share(total: float, budget: float) -> float | None:
    """``total`` as a percentage of ``budget`` (None without a budget)."""
    return round(total * 100 / budget, 2) if budget else None


def as_date(value: Any) -> dt.date | None:
    """An ISO date (or a date) as a date; None when it is not one."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
