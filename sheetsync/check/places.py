"""Where a form's fields and table cells sit, for the reader: worked out once per form.

Every file of a form has its fields and table cells in the same places, so their 0-based indices
and :class:`CellRef` objects are made on the first file and shared (a CellRef is frozen); reading
a file then costs list look-ups only.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import limits
from ..formats.bounded import Bounds
from ..spec.cells import column_letter
from ..spec.form import Field, Form, Table
from ..spec.formcache import PerForm


@dataclass(frozen=True)
class CellRef:
    """Where a value sits: sheet name and A1 cell."""

    sheet: str
    cell: str


#: A cell hidden inside a merged field (C9:G9's E9): 0-based (row, column), where it is, the field's
#: first cell (C9), the field's pointer, and for a table's column the table's pointer and the row's
#: place in its block (1-based; else "" and 0).
Hidden = tuple[int, int, CellRef, str, str, str, int]

#: One table row as the reader walks it: its number, its data cells (column, index, where), and
#: the cell that stands for the whole row.
_Row = tuple[int, list[tuple[Field, int, CellRef]], CellRef]


@dataclass(frozen=True)
class Plan:
    """Where a form's fields and table cells sit, as 0-based indices and :class:`CellRef`: the same
    for every file of the form, so worked out once (a file then costs list look-ups only)."""

    fields: list[tuple[Field, int, int, CellRef]]  # field, row, column, where
    rows: dict[str, list[_Row]]  # table pointer -> its rows
    inputs: dict[str, list[int]]  # table pointer -> indices of the columns a school fills
    area: Bounds  # the cells a template of the form can hold (see sheetsync.check.reader.form_area)
    cells: set[tuple[int, int]]  # every input cell, 0-based (row, column): fields and tables' input columns
    percents: set[tuple[int, int]]  # the input cells of percentages, 0-based
    dates: set[tuple[int, int]]  # the input cells of dates, 0-based
    hidden: list[Hidden]  # the cells hidden inside merged fields (their text is never read)
    homes: dict[str, str]  # each of those cells -> its field's first cell ("E9" -> "C9")


def plan_of(form: Form) -> Plan:
    """The places of ``form``'s fields and table cells (worked out on the first call for the form)."""
    return _PLANS(form)


def _plan(form: Form) -> Plan:
    sheet = form.sheet
    fields = [(f, f.place.row - 1, f.place.col - 1, CellRef(sheet, f.place.ref)) for f in form.fields]
    rows: dict[str, list[_Row]] = {}
    inputs: dict[str, list[int]] = {}
    for table in form.tables:
        columns = [(c, c.place.col - 1, column_letter(c.place.col)) for c in table.columns if not c.decorative]
        first = columns[0][2] if columns else "A"
        rows[table.pointer] = [(row, [(c, index, CellRef(sheet, f"{letters}{row}")) for c, index, letters in columns],
                                CellRef(sheet, f"{first}{row}")) for row in range(table.first_row, table.last_row + 1)]
        inputs[table.pointer] = [index for c, index, _ in columns if c.auto is None]
    cells = {(row, col) for _, row, col, _ in fields}
    cells |= {(row - 1, c.place.col - 1) for t in form.tables for c in t.columns if not c.decorative
              and c.auto is None for row in range(t.first_row, t.last_row + 1)}
    hidden = _hidden(form)
    return Plan(fields, rows, inputs, _area(form), cells, _of_kind(form, "percent"), _of_kind(form, "date"), hidden,
                {h[2].cell: h[3] for h in hidden})


_PLANS = PerForm(_plan)


def _hidden(form: Form) -> list[Hidden]:
    """The cells inside the merged fields and table columns a school fills, but their first: a merged
    field is read from its first cell only, so text a school typed there (after splitting it) is lost."""
    found: list[Hidden] = []
    places = [(f.place, f.pointer, "", 0) for f in form.fields]
    places += [(c.place.at_row(row), c.pointer, t.pointer, row - t.first_row + 1) for t in form.tables
               for c in t.columns if not c.decorative and c.auto is None for row in range(t.first_row, t.last_row + 1)]
    for place, pointer, table, n in places:
        for row in range(place.row, place.last_row + 1):
            for col in range(place.col, place.last_col + 1):
                if (row, col) != (place.row, place.col):
                    where = CellRef(form.sheet, f"{column_letter(col)}{row}")
                    found.append((row - 1, col - 1, where, place.ref, pointer, table, n))
    return found


def _of_kind(form: Form, kind: str) -> set[tuple[int, int]]:
    """The input cells (0-based) of the fields and table columns of ``kind``."""
    found = {(f.place.row - 1, f.place.col - 1) for f in form.fields if f.kind == kind}
    return found | {(row - 1, c.place.col - 1) for t in form.tables for c in t.columns if c.kind == kind
                    and not c.decorative and c.auto is None for row in range(t.first_row, t.last_row + 1)}


def _area(form: Form) -> Bounds:
    """The form's used range (plus :mod:`sheetsync.limits`' margin)."""
    places = [lab.place for lab in form.labels] + [f.place for f in form.fields]
    places += [c.place.at_row(t.last_row) for t in form.tables for c in t.columns]
    return Bounds(max(p.last_row for p in places) + limits.FORM_MARGIN_ROWS,
                  max(p.last_col for p in places) + limits.FORM_MARGIN_COLUMNS)


def locate(form: Form, pointer: str, table_rows: dict[str, list[int]] | None = None) -> str:
    """The A1 cell where ``pointer`` is (or would be) typed, for findings about missing values."""
    single = form.field_at(pointer)
    if single is not None:
        return single.place.ref
    for table in sorted(form.tables, key=lambda t: -len(t.pointer)):
        if pointer == table.pointer or pointer.startswith(table.pointer + "/"):
            return _locate_in_table(table, pointer[len(table.pointer):], (table_rows or {}).get(table.pointer, []))
    # An object or unknown pointer: point at the first field beneath it, else the top of the sheet.
    below = [f for f in form.fields if f.pointer.startswith(pointer.rstrip("/") + "/")]
    return below[0].place.ref if below else "A1"


def _locate_in_table(table: Table, rest: str, rows: list[int]) -> str:
    parts = [p for p in rest.split("/") if p]
    inputs = [c for c in table.columns if not c.auto] or list(table.columns)
    if not parts or not parts[0].isdigit():
        return inputs[0].place.at_row(table.first_row).ref
    index = int(parts[0])
    n = rows[index] if index < len(rows) else (rows[-1] + 1 if rows else 1) + index - len(rows)
    row = table.first_row + min(n, table.capacity) - 1
    name = parts[1] if len(parts) > 1 else ""
    column = next((c for c in table.columns if c.pointer == name), inputs[0])
    return column.place.at_row(row).ref
