"""A table row barely begun: one finding on the cells typed, not one per empty cell.

A teacher drags a dropdown's answer down the empty report rows with Calc's fill handle (or types a
date ahead), ready for the months to come. Each such row holds one or two cells, and the schema finds
every other required cell of it empty: four "please complete the row" errors a row, asking her to type
reports that are not due. Where a row has fewer cells typed than required cells empty, the likelier
slip is what was typed, so the row is told once, on its first typed cell, with both ways out: delete
what was typed if the row's report is not due, else fill the rest in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from ..spec.form import Table
from .findings import finding
from .reader import Filled
from .report import Finding

CODE = "row-begun-only"


def rows_begun(filled: Filled, findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` with the ``required-in-row`` findings of each barely begun table row replaced by one.

    :param findings: the schema's findings, in their order; the others pass through unchanged.
    """
    findings = list(findings)
    empty: dict[tuple[str, int], list[Finding]] = defaultdict(list)
    for f in findings:
        row = _row_of(filled, f) if f.code == "required-in-row" else None
        if row is not None:
            empty[row].append(f)
    told: dict[int, Finding] = {}  # id of the row's first empty-cell finding -> the row's one finding
    dropped: set[int] = set()
    for (table, index), missing in empty.items():
        typed = _typed_cells(filled, _table(filled, table), index)
        if typed and len(typed) < len(missing):
            told[id(missing[0])] = _begun(filled, typed, missing)
            dropped |= {id(f) for f in missing}
    return [told.get(id(f), f) for f in findings if id(f) not in dropped or id(f) in told]


def _row_of(filled: Filled, f: Finding) -> tuple[str, int] | None:
    for table in filled.form.tables:
        match = re.match(re.escape(table.pointer) + r"/(\d+)/", f.path)
        if match:
            return table.pointer, int(match.group(1))
    return None


def _table(filled: Filled, pointer: str) -> Table:
    return next(t for t in filled.form.tables if t.pointer == pointer)


def _typed_cells(filled: Filled, table: Table, index: int) -> list[tuple[str, str]]:
    """(pointer, cell) of each cell of the row that holds something she typed (auto columns aside)."""
    out = []
    for column in table.columns:
        if column.kind == "auto" or not column.pointer:
            continue
        pointer = f"{table.pointer}/{index}/{column.pointer}"
        cell = filled.cell_of(pointer).cell
        value = filled.raw.get(cell)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            out.append((pointer, cell))
    return out


def _begun(filled: Filled, typed: list[tuple[str, str]], missing: list[Finding]) -> Finding:
    pointer, cell = typed[0]
    row = re.sub(r"\D", "", cell)
    return finding(filled, CODE, pointer, filled.raw.get(cell), cell=cell, row=row,
                   typed=", ".join(c for _, c in typed), missing=", ".join(f.cell for f in missing))
