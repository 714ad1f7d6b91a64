"""Whether a returned file is the template as the office issued it, with nothing typed in it.

A school that sends back the template it was sent (dropped in the inbox, mailed by mistake, or
opened and saved again without typing) sent no report: its fixed cells are as written, and every
open input cell holds what the office put there (empty, or a prefilled value it may keep up to
date). The template's metadata records what its open cells held (:data:`~sheetsync.template.fingerprint.OPEN`);
one that does not (issued before it was recorded) was issued with them empty, as far as can be told.
Values are compared as the locked cells' are (normalised), so a save by Calc or Excel changes nothing.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..spec.form import Form, column_letter
from .report import Report
from ..template.fingerprint import OPEN, cell_hash, combined, open_fingerprint
from .places import plan_of

Grid = list[list[Any]]
#: The code of such a file: its finding, and its outcome in the office's store.
AS_ISSUED = "as-issued"


def as_issued(form: Form, grid: Grid, metadata: Mapping[str, str], locked: Mapping[str, str],
              locked_found: Mapping[str, Any]) -> bool:
    """True when ``grid`` (the form sheet as read) holds the template exactly as issued: each locked cell
    as its hash in ``locked`` says, and the open input cells as the metadata's ``OPEN`` row says (all
    empty when it has none).

    :param locked_found: the value read in each locked cell (:attr:`sheetsync.check.reader.Filled.locked_found`).
    """
    if any(cell_hash(locked_found.get(ref)) != expected for ref, expected in locked.items()):
        return False
    found = ((ref, _at(grid, row, col)) for row, col in plan_of(form).cells
             if (ref := f"{column_letter(col + 1)}{row + 1}") not in locked)
    return open_fingerprint(found) == str(metadata.get(OPEN, combined(())))


def told_as_issued(report: Report) -> bool:
    """Whether ``report`` says its file is the template as issued (:func:`sheetsync.office.unfilled.tell_as_issued`):
    then nothing in a cell is wrong — no list of items to fix, no marked-up copy — the whole file is to be
    filled in and sent again."""
    return any(f.code == AS_ISSUED for f in report.errors)


def _at(grid: Grid, row: int, col: int) -> Any:
    return grid[row][col] if row < len(grid) and col < len(grid[row]) else ""
