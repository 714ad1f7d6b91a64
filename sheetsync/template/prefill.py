"""Prefill data (the form's JSON shape) turned into cell values for a template.

Keys of the result are the field's pointer for single fields and ``<table>/#<n>[/<column>]`` for
the n-th row of a table block, so that report N lands on row N whatever its index in the list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..check.coerce import format_be_date
from ..errors import DataError
from ..messages import LANGS, render
from ..spec.form import Field, Form, Table
from ..spec.pointers import lookup, schema_node
from ..text import safe_value

CellValue = str | int | float | dt.date | None


def prefill_values(form: Form, data: dict[str, Any]) -> dict[str, CellValue]:
    """Every value of ``data`` converted for its cell; :class:`DataError` if one does not fit."""
    if not isinstance(data, dict):
        raise _refused("not-object")
    values: dict[str, CellValue] = {}
    for f in form.fields:
        raw = lookup(data, f.pointer)
        if raw is not None:
            values[f.pointer] = to_cell(f, raw, f.pointer)
    for table in form.tables:
        values.update(_table_values(table, lookup(data, table.pointer)))
    _refuse_unknown(form, data, "")
    return values


def to_cell(f: Field, raw: Any, where: str) -> CellValue:
    """One JSON value as the cell should hold it (dates as B.E. text d/m/yyyy, choices as their Thai label).

    Text is made safe for a workbook (:func:`sheetsync.text.safe_value`): data from an older
    master or a JSON file may still hold control characters that no spreadsheet can store.
    """
    try:
        value: CellValue = safe_value(_convert(f, raw))
        return value
    except (TypeError, ValueError, KeyError) as exc:
        raise _refused("not-fit", where=where, value=repr(raw), kind=f.kind, why=exc) from exc


def _convert(f: Field, raw: Any) -> CellValue:
    if f.kind == "date":
        # Date cells are Text cells holding the B.E. date as typed (see plan._date_rule).
        return format_be_date(raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw)))
    if f.kind == "choice":
        return f.choices[raw] if f.choices else str(raw)
    if f.kind == "lines":
        return "\n".join(str(item) for item in raw)
    if f.kind == "percent":
        # Percent cells are Text cells: write the number as text so 0.5 is not read as 50 %,
        # the way the form prints it ("10.00 %").
        return percent_text(float(raw))
    if f.kind in ("whole", "auto"):
        if isinstance(raw, bool) or float(raw) != int(raw):
            raise ValueError("not a whole number")
        return int(raw)
    if f.kind in ("amount", "number"):
        if isinstance(raw, bool):
            raise ValueError("not a number")
        return float(raw) if not float(raw).is_integer() else int(raw)
    return str(raw)


def percent_text(number: float) -> str:
    """A percentage as the form's Text percent cells hold it: "10.00 %" (more decimals only when it has them)."""
    return f"{number:.2f} %" if round(number, 2) == number else f"{_number_text(number)} %"


def _number_text(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def _table_values(table: Table, items: Any) -> dict[str, CellValue]:
    if items is None:
        return {}
    if not isinstance(items, list):
        raise _refused("not-list", where=table.pointer)
    values: dict[str, CellValue] = {}
    for index, item in enumerate(items):
        n = _row_number(table, index, item)
        for col in table.columns:
            raw = item if table.scalar_items else (item.get(col.pointer) if col.pointer else None)
            if col.decorative or raw is None or col.auto not in (None, "{n}"):
                continue  # a label such as ป.3 is the row's own: the row was chosen by it (_keyed_row)
            where = f"{table.pointer}/{index}" + (f"/{col.pointer}" if col.pointer else "")
            values[f"{table.pointer}/#{n}" + (f"/{col.pointer}" if col.pointer else "")] = to_cell(col, raw, where)
    return values


def _row_number(table: Table, index: int, item: Any) -> int:
    n = index + 1
    if table.key is not None and isinstance(item, dict) and item.get(table.key) is not None:
        n = _keyed_row(table, index, item[table.key])
    if not 1 <= n <= table.capacity:
        raise _refused("row-outside", where=f"{table.pointer}/{index}", row=n, rows=table.capacity)
    return n


def _keyed_row(table: Table, index: int, value: Any) -> int:
    """The row the key ``value`` of item ``index`` sits on: the row whose printed label it is (a key
    column ``auto: "ป.{n}"`` shows ป.3 on row 3, and the reader reads it so), else its number."""
    column = next((c for c in table.columns if c.pointer == table.key), None)
    auto = column is not None and column.auto is not None and column.auto != "{n}"
    labels = [str(column.auto_label(n)) for n in range(1, table.capacity + 1)] if column and auto else []
    if str(value) in labels:
        return labels.index(str(value)) + 1
    try:
        return int(value)
    except (TypeError, ValueError):
        rows = ", ".join(labels) if labels else f"1-{table.capacity}"
        raise _refused("not-a-row", where=f"{table.pointer}/{index}/{table.key}", value=repr(value),
                       rows=rows) from None


def _refuse_unknown(form: Form, data: dict[str, Any], prefix: str) -> None:
    """Refuse keys the form has no cell for, so a typo in prefill data is not silently lost."""
    for key, value in data.items():
        pointer = f"{prefix}/{key}"
        node = schema_node(form.schema, pointer)
        if node is None:
            raise _refused("no-such-field", where=pointer)
        if isinstance(value, dict) and node.get("type") == "object":
            _refuse_unknown(form, value, pointer)


def _refused(what: str, **params: Any) -> DataError:
    """The :class:`DataError` ``prefill.<what>`` of ``cli.yaml``, Thai as its ``th``: the clerk gave this data
    (``template --data``), or the master holds it."""
    said = {lang: render(f"prefill.{what}", lang, source="cli.yaml", **params) for lang in LANGS}
    return DataError(said["en"], th=said["th"])
