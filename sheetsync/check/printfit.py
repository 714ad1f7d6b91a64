"""A warning on each text longer than its cell shows on the printed form.

The office files the printed form as the paper record. A merged or fixed-height cell (the
rationale's block, an objective's line, a target) keeps the height its template was written with:
neither Excel nor Calc grows such a row, so the text below its last line is simply not on paper,
and the teacher who typed it never knows. Each such text gets the warning ``text-cut-in-print``
(the file is still taken): about how many lines print, of how many, and to shorten it.

A cell's box is what its template gave it: the width of its columns and the height of its rows,
as :mod:`sheetsync.template.sizing` lays out a blank template of the file's form version; its text
is wrapped as :func:`sheetsync.template.metrics.wrapped_lines` wraps Thai (as Calc does, between
words). Rows the programs grow to what is typed are left out: a table's rows of single text cells
(the reports, the networks: fit rows) and, in an .ods, the rows Calc fits (``grow_rows``). Calc fits
those of an .xlsx too, and saves the height it grew them to, but Excel does not: an .xlsx keeps the
warning there unless it names Calc as the program that saved it last (its ``docProps/app.xml``:
:meth:`sheetsync.check.opener.Opener.saved_by_calc`). So is a cell prefilled and locked by the office
(its row was sized for that very text).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

from ..spec.form import Form, column_letter
from ..spec.formcache import PerForm
from ..template import sizing
from ..template.metrics import CELL_PADDING_PT, LAYOUT_SLACK, PT_PER_UNIT, font_metrics, printed_line_pitch, wrapped_lines
from ..template.plan import build_plan
from .findings import finding
from .reader import Filled
from .report import Finding

#: Kinds of cell that hold running text a teacher types.
TEXT_KINDS = ("text", "lines")


@dataclass(frozen=True)
class Box:
    """The printed room of one input cell (or merged block) of a template."""

    width_pt: float  # the columns' width, less the indent (cell padding is taken by the measure)
    lines: int  # whole lines the rows' height shows
    size: float
    font: str
    grows_in_calc: bool  # Calc fits this row (sizing.growing_rows): nothing is cut in a file Calc saved
    short: int  # characters that fit one line even if each were the font's widest: no need to measure


def print_findings(filled: Filled, flagged: set[str]) -> Iterator[Finding]:
    """A ``text-cut-in-print`` warning on each text input of ``filled`` whose text needs more lines
    than its cell prints (see the module docstring).

    :param flagged: cells already in error: one finding says what to do there.
    """
    prefilled = filled.locked_expected
    for ref, box in boxes(filled.form).items():
        text = filled.raw.get(ref)
        if isinstance(text, str):  # a line break pasted after the text (Word's paragraph end) prints nothing
            text = text.rstrip()
        if not isinstance(text, str) or len(text) <= box.short and "\n" not in text:
            continue  # (a name, a code: most cells hold one short line)
        if ref in flagged or ref in prefilled:
            continue
        if box.grows_in_calc and (filled.fmt == "ods" or filled.saved_by_calc):
            continue
        if _surely_fits(text, box):
            continue
        needed = wrapped_lines(text, box.width_pt, box.size, box.font)
        if needed > box.lines:
            yield finding(filled, "text-cut-in-print", _pointer_at(filled, ref), text, severity="warning", cell=ref,
                          sheet=filled.form.sheet, fits=box.lines, lines=needed)


def _pointer_at(filled: Filled, ref: str) -> str:
    """The pointer read from ``ref`` (looked up only for a warning: most files have none)."""
    return next((pointer for pointer, where in filled.source_map.items() if where.cell == ref), "")


#: Lines a paragraph takes are at most 1.5 × its width over the line's, plus one: wrapped_lines counts
#: a text by its greedy break between pieces only when every piece is under a third of a line (a line
#: then ends at least two thirds full); otherwise by the width, with 8 % lost at line ends.
UPPER = 1.5


def _surely_fits(text: str, box: Box) -> bool:
    """True when ``text`` certainly takes no more lines than ``box`` prints, from one sum of advances
    per paragraph (no break to find): most texts are a line or a few, only a long one is wrapped."""
    usable = max(box.width_pt - CELL_PADDING_PT, box.size)
    metrics = font_metrics(box.font)
    paragraphs = text.split("\n")
    if len(paragraphs) == 1:  # one line, if it is no wider than the cell
        width = metrics.width(text, box.size)
        if width <= usable:
            return True
        return int(UPPER * width / usable) + 1 <= box.lines
    bound = 0
    for paragraph in paragraphs:
        bound += int(UPPER * metrics.width(paragraph, box.size) / usable) + 1
        if bound > box.lines:
            return False
    return True


def boxes(form: Form) -> dict[str, Box]:
    """Cell (top left of a merged block) → its printed box, for the text inputs of ``form`` whose
    rows keep their height; computed once per form from a blank template's plan."""
    return _BOXES(form)


def _boxes(form: Form) -> dict[str, Box]:
    plan = build_plan(form, None, key=None)
    found: dict[str, Box] = {}
    for cell in plan.cells:
        rows = range(cell.place.row, cell.place.last_row + 1)
        if cell.role != "input" or cell.kind not in TEXT_KINDS or plan.fit_rows.intersection(rows):
            continue
        style = cell.style
        columns = range(cell.place.col, cell.place.last_col + 1)
        width = sum(plan.column_widths.get(column_letter(c), 9.0) for c in columns) * PT_PER_UNIT
        height = sum(plan.row_heights.get(r, 0.0) for r in rows)
        # Calc prints the first line at the cell's top edge, each next one a body (no line gap) lower:
        # measured, 4 × 100 pt print 15 whole lines, row 34's 56 pt two, row 23's 48 pt one (the marks
        # below the second line are cut).
        lines = math.floor(height / printed_line_pitch(style.size, style.font) + 1e-6)
        width -= style.indent * sizing.PT_PER_INDENT
        metrics = font_metrics(style.font)
        widest = metrics.width(chr(max(metrics.advances, key=metrics.advances.__getitem__, default=32)), style.size)
        widest = max(widest, metrics.default_advance * style.size / metrics.units_per_em * LAYOUT_SLACK)
        short = int(max(width - CELL_PADDING_PT, style.size) / widest)
        found[cell.place.ref] = Box(width, max(lines, 1), style.size, style.font,
                                    bool(plan.grow_rows.intersection(rows)), short)
    return found


__all__ = ["Box", "boxes", "print_findings"]


_BOXES = PerForm(_boxes)
