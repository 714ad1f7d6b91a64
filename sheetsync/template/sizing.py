"""Column widths and row heights of a template, from the text it holds and the font's metrics.

* Rows of a table whose text cells are single cells (the report rows, the networks' rows) are
  left for the program to fit: Calc and Excel grow such rows to typed text, on screen and in
  print ("fit rows").
* Every other row (merged cells: neither program fits those) gets a height computed from the
  text it holds, never less than the layout asks for, never more than Excel's 409 pt.
* A column is widened where a label, a header, a prefilled value or the widest value of its
  kind (a B.E. date, an amount in baht) would not fit: no ``###``, no word cut in two; and
  where a fit row's text would need a row taller than Excel's 409 pt.

Widths are Excel column units (see :data:`sheetsync.template.metrics.PT_PER_UNIT`), heights points.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..spec.form import Form, column_letter
from .metrics import CELL_PADDING_PT, PT_PER_UNIT, line_count, line_height, longest_word

if TYPE_CHECKING:
    from .plan import CellSpec

#: Excel refuses taller rows; Calc keeps them but an .xlsx round trip would not.
MAX_ROW_PT = 409.0
#: Room above and below the text of a cell, in points.
ROW_PADDING_PT = 3.0
#: The widest value each kind of input cell must show on one line.
WIDEST = {"date": "30/12/2563", "amount": "9,999,999 บาท", "number": "9,999.99", "percent": "100.00 %", "whole": "2563"}
#: Points of one Excel indent level (3 characters of the default font).
PT_PER_INDENT = 10.5


def shown(cell: CellSpec) -> str:
    """The text a cell shows, as its number format writes it."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and cell.kind == "amount":
        return f"{value:,.0f} บาท"
    return str(value)


def fit_rows(form: Form) -> frozenset[int]:
    """Rows of table blocks with no fixed height whose cells are all single cells, or whose text
    cells (kinds text and lines) are. Excel fits a row only to its unmerged cells (Calc to merged
    ones too), so a text typed into a single cell grows its row in both; a merged number or amount
    beside it holds one line and needs no fit (the networks: number A:B, schools C, budget D:E). A
    table of merged cells with no text to grow (a form's dropdowns and numbers) keeps its height."""
    rows: set[int] = set()
    for table in form.tables:
        texts = [c for c in table.columns if c.kind in ("text", "lines")]
        merged = [c for c in table.columns if c.place.col != c.place.last_col]
        if table.height is None and all(c not in merged for c in texts) and (texts or not merged):
            rows.update(range(table.first_row, table.last_row + 1))
    return frozenset(rows)


def settled_rows(fit: frozenset[int], cells: Sequence[CellSpec]) -> frozenset[int]:
    """The rows of ``fit`` that hold prefilled, locked values and nothing to type (earlier reports in
    next period's template): they get the height computed from their text as a fixed one. Calc
    fits such a row again each time it opens an .ods, and may make a two-line Thai text one line
    tall, printed over the next row; a fixed height also survives a school's "save as .ods"."""
    typed = {c.place.row for c in cells if not c.locked}
    filled = {c.place.row for c in cells if c.role == "prefill" and c.value not in (None, "")}
    return frozenset(row for row in fit if row in filled and row not in typed)


def held_rows(fit: frozenset[int], cells: Sequence[CellSpec]) -> frozenset[int]:
    """The rows of ``fit`` holding a value written into an input (a prefilled report, a school's
    report in its marked-up copy). An .ods gives them their computed height, fixed, as the .xlsx
    has it: Calc fits an .ods's fitted rows anew each time it opens the file, and with Laksaman
    standing in for TH Sarabun New about one Thai text in five came out a line short of what Calc
    prints (measured: 11 of 49 stage texts, one line each); the .xlsx keeps its heights. Empty
    rows stay fitted, so that Calc grows them to what is typed."""
    filled = {c.place.row for c in cells if c.role in ("input", "prefill") and c.value not in (None, "")}
    return frozenset(fit & filled)


def growing_rows(form: Form, cells: Sequence[CellSpec], heights: dict[int, float]) -> frozenset[int]:
    """Rows an .ods and an .xlsx leave for Calc to fit although they hold merged cells: one-line rows
    (the objectives, the names) with an empty text input to type in and nothing prefilled. Calc grows
    a row to the text typed into a cell merged across its columns: an objective typed in Calc shows
    and prints whole. (Excel fits a row to its single cells only: it keeps the one line written, as
    when the .xlsx pinned these rows, which cut what a teacher typed in Calc.)

    Calc fits an empty row to its tallest text and no row style can set a floor (it ignores
    style:min-row-height), so only a row that holds a label (a line of the form's own text: "1."
    before an objective) is left to it, and only if the layout asks no more than a line: a row of
    the layout's ``heights:`` or a taller row keeps its height (a blank form printed the unlabelled
    networks' rows of layout version 2, merged C:E, half a line tall). A row prefilled and locked
    keeps its computed height too (Calc may fit some Thai texts a line short); one whose prefilled
    text stays open to type over (next month's names, ``open_prefilled``) is Calc's, if that text
    takes one line: pinned to it, a longer name typed there was cut."""
    crossed = {row for c in cells if c.place.last_row > c.place.row for row in range(c.place.row, c.place.last_row + 1)}
    labelled = {c.place.row for c in cells if c.role in ("label", "auto") and str(c.value or "").strip()}
    sized = {int(row) for row in form.layout.get("heights", {})}
    typed = {c.place.row for c in cells if not c.locked and c.kind in ("text", "lines")}
    filled = {c.place.row for c in cells if c.role == "prefill" and c.value not in (None, "")}
    one_line = max((line_height(c.style.size, c.style.font, c.style.bold) for c in cells), default=0.0) + 3 * ROW_PADDING_PT
    rows = (typed & labelled) - crossed - sized - filled - fit_rows(form)  # (fit rows are Calc's already)
    return frozenset(row for row in rows if heights.get(row, 0.0) <= one_line)


def column_widths(form: Form, cells: Sequence[CellSpec]) -> dict[str, float]:
    """The layout's widths, widened where a cell's longest word or widest value needs more."""
    widths = {k: float(v) for k, v in form.layout.get("columns", {}).items()}
    for cell in sorted(cells, key=lambda c: c.place.last_col - c.place.col):  # single cells first
        # Text a school typed has no break hints (Thai needs none: programs break it by
        # dictionary), so only the form's own text and the widest value of a kind count.
        texts = [shown(cell)] if cell.role in ("label", "auto") else []
        texts += [WIDEST[cell.kind]] if cell.kind in WIDEST else []
        texts += list(cell.validation.choices) if cell.validation is not None else []  # dropdown labels
        if not texts:
            continue
        need = max(longest_word(t, cell.style.size, cell.style.font, cell.style.bold) for t in texts)
        need += CELL_PADDING_PT + cell.style.indent * PT_PER_INDENT
        letters = [column_letter(c) for c in range(cell.place.col, cell.place.last_col + 1)]
        have = sum(widths.get(k, 9.0) for k in letters) * PT_PER_UNIT
        if need > have + 0.5:
            last = letters[-1]
            widths[last] = round(widths.get(last, 9.0) + (need - have) / PT_PER_UNIT + 0.25, 2)
    _widen_for_tall_text(form, cells, widths)
    return widths


def _widen_for_tall_text(form: Form, cells: Sequence[CellSpec], widths: dict[str, float]) -> None:
    """Widen a single-cell column until its longest text fits in a row of Excel's 409 pt."""
    fit = fit_rows(form)
    for cell in cells:
        text = shown(cell)
        if cell.place.row not in fit or cell.place.col != cell.place.last_col or not text:
            continue
        letter, style = column_letter(cell.place.col), cell.style
        pitch = line_height(style.size, style.font, style.bold)
        for _ in range(200):  # a unit at a time; a cell holds at most 32,767 characters
            width = widths.get(letter, 9.0) * PT_PER_UNIT
            if line_count(text, width, style.size, style.font, style.bold) * pitch <= MAX_ROW_PT - 2 * ROW_PADDING_PT:
                break
            widths[letter] = widths.get(letter, 9.0) + 1.0


def row_heights(form: Form, cells: Sequence[CellSpec], widths: dict[str, float]) -> dict[int, float]:
    """Heights of all rows: fixed ones, and for fit rows an estimate of what the program will
    make of them (the .xlsx writes it as a height that is not "custom", so that it still fits)."""
    fit = fit_rows(form)
    default = float(form.layout.get("row_height", 24))
    minimum = float(form.layout.get("table_row_min", 40))
    last = max(c.place.last_row for c in cells)
    heights = {row: default for row in range(1, last + 1) if row not in fit}
    for row in fit:
        heights[row] = round(max((line_height(c.style.size, c.style.font, c.style.bold)
                                  for c in cells if c.place.row == row), default=default), 1)
    for table in form.tables:
        for row in range(table.first_row, table.last_row + 1):
            if row not in fit:
                heights[row] = float(table.height or minimum)
    heights.update({int(k): float(v) for k, v in form.layout.get("heights", {}).items() if int(k) not in fit})
    for cell in cells:
        text = shown(cell)
        if not text:
            continue
        width = sum(widths.get(column_letter(c), 9.0) for c in range(cell.place.col, cell.place.last_col + 1))
        style = cell.style
        lines = line_count(text, width * PT_PER_UNIT - style.indent * PT_PER_INDENT, style.size, style.font,
                           style.bold)
        needed = lines * line_height(style.size, style.font, style.bold)
        needed += 0.0 if cell.place.row in fit else 2 * ROW_PADDING_PT  # Calc fits rows without margin
        spanned = cell.place.last_row - cell.place.row + 1
        for row in range(cell.place.row, cell.place.last_row + 1):
            heights[row] = max(heights.get(row, default), round(needed / spanned, 1))
    return {row: min(height, MAX_ROW_PT) for row, height in heights.items()}


__all__ = ["MAX_ROW_PT", "column_widths", "fit_rows", "growing_rows", "held_rows", "row_heights", "settled_rows", "shown"]
