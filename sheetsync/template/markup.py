"""The marked-up return file: the school's own values, the wrong cells coloured and explained.

A fresh copy of the school's template version is built from the form, holding exactly what the
school's file held (raw cell values, so a date typed as unreadable text stays visible as typed),
with the same cells locked and the original template id, recipient and issue date. Each cell with
a finding is filled red (error) or yellow (warning), for as long as it holds what was found wrong
(:mod:`.marks`: typed over, the colour goes), and carries a note in Thai and English; a
first sheet "ผลการตรวจสอบ" lists every finding with a link to its cell; it is for the screen and
is left out when the workbook is printed (notes never print either), so the paper is the form. Read back, the file gives
the same data as the school's, so once fixed it is a normal submission.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..check.coerce import CoerceError, PercentShown, format_be_date, parse_date, parse_percent
from ..check.places import plan_of
from ..check.putback import Named, issued_empty, refilled, rows_put_back
from ..check.reader import Filled
from ..check.report import PUT_RIGHT, Finding, Report
from ..check.validate import rows_moved
from ..formats import format_of, writer_for
from ..identity import FINDINGS_SHEET, META_SHEET, OFFICE
from ..messages import render
from ..render import WHOLE_SHEET, finding_label, ordered, row_name, value_text
from . import sizing
from .metrics import PT_PER_UNIT, line_count, line_height
from .prefill import percent_text
from .marks import still_holds
from .plan import CellSpec, Mark, PageSetup, SummarySheet, TemplatePlan, build_plan, restamp
from ..files import write_atomically

FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}
SUMMARY_SHEET = FINDINGS_SHEET


def write_marked_up(filled: Filled, report: Report, path: str | Path, *, fmt: str | None = None,
                    password: str | None = None) -> TemplatePlan:
    """Write the school's file back with its findings marked; the format follows ``fmt``, else
    the extension of ``path``, else the school's own format (an .xls comes back as .xlsx).

    Example::

        filled = read_filled("inbox/school-01.ods")
        write_marked_up(filled, validate(filled), "outbox/school-01-ตรวจแล้ว.ods")
    """
    path = Path(path)
    own = filled.fmt if filled.fmt in ("xlsx", "ods") else "xlsx"
    fmt = format_of(path, fmt or (path.suffix.lstrip(".").lower() if path.suffix.lower() in (".xlsx", ".ods") else own))
    plan = marked_up_plan(filled, report, password)
    write_atomically(path, lambda tmp: writer_for(fmt)(plan, tmp))
    return plan


def marked_up_plan(filled: Filled, report: Report, password: str | None = None) -> TemplatePlan:
    """The plan of the marked-up copy (see the module docstring)."""
    meta = filled.metadata
    # A file whose identity did not verify gets an unsigned copy: signing it would turn a forged
    # recipient or issue date into a genuine template of this office.
    key = None if "identity-not-verified" in report.codes() else OFFICE
    base = build_plan(filled.form, None, recipient=meta.get("recipient") or None, password=password,
                      issued=_issued(meta.get("issued_at")), template_id=meta.get("template_id"), key=key)
    by_cell: dict[str, list[Finding]] = {}
    prefilled, moved = set(filled.locked_expected), rows_moved(filled)
    homes = plan_of(filled.form).homes
    for finding in report.findings:
        if finding.sheet == filled.form.sheet and finding.code not in WHOLE_SHEET:  # a sheet's: in the list only
            by_cell.setdefault(_home(finding, homes, prefilled), []).append(finding)
    given = refilled(filled, moved)  # what the office filled in rows she deleted: filled in again
    put_back = rows_put_back(filled.form, moved, given)
    reopened = {row for row, _ in put_back}
    cells = [_school_cell(c, filled, prefilled, by_cell.get(c.place.ref, []), moved, reopened, given)
             for c in base.cells]
    held = {c.place.ref: c for c in cells}
    cells = [_marked(c, by_cell.get(c.place.ref, []), held) for c in cells]
    cells = _put_back(cells, put_back, issued_empty(filled, moved, given))
    plan = restamp(base, cells, key)
    # Heights and widths follow the school's own text, not the empty template's.
    widths = sizing.column_widths(filled.form, cells)
    heights = sizing.row_heights(filled.form, cells, widths)
    return replace(plan, summary=_summary(filled, report), column_widths=widths, row_heights=heights,
                   grow_rows=sizing.growing_rows(filled.form, cells, heights))


def _home(finding: Finding, homes: dict[str, str], locked: set[str]) -> str:
    """The copy's cell a finding goes on: its own; for text inside a merged field (E9 in C9:G9, no cell of
    its own in the copy, which is the form again) the field's first cell, where she types it — unless the
    office filled that field and locked it (a colour there could never be cleared)."""
    home = homes.get(finding.cell) if finding.code == "merged-cell-not-read" else None
    return home if home is not None and home not in locked else finding.cell


def _issued(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _school_cell(cell: CellSpec, filled: Filled, prefilled: set[str], findings: list[Finding],
                 moved: tuple[int, int] | None, reopened: set[int], given: dict[str, str]) -> CellSpec:
    ref = cell.place.ref
    if cell.role in ("input", "prefill"):
        value = _issued_value(given[ref], cell.kind) if ref in given else _typed(cell, filled, prefilled, moved)
        # What the office filled in stays locked, as in the original, unless it was changed, or went
        # with a row she deleted (``reopened``: the file holds it no more) and the template does not record
        # it (``given``): then she must be able to put it back.
        locked = (ref in prefilled and (cell.place.row not in reopened or ref in given)
                  and not any(f.code == "prefilled-cell-changed" for f in findings))
        cell = replace(cell, value=_cell_value(value, cell.kind), locked=locked, role="prefill" if locked else "input",
                       validation=None if locked else cell.validation)
    return cell


def _marked(cell: CellSpec, findings: list[Finding], held: dict[str, CellSpec]) -> CellSpec:
    """``cell`` with its findings' note and colour: a colour that shows only while the cell, and
    the other cells its findings were judged by, hold what the copy gives them (see :mod:`.marks`);
    painted into the style where none of them can be typed into."""
    if not findings:
        return cell
    still = [f for f in findings if f.code not in PUT_RIGHT]
    note = "\n\n".join(_told(f, alone=not still) for f in findings)
    if not still:
        return replace(cell, note=note)
    findings = still
    worst = "error" if any(f.severity == "error" for f in findings) else "warning"
    refs = dict.fromkeys([cell.place.ref, *(ref for f in findings for ref in f.rests_on)])
    open_cells = [held[ref] for ref in refs if ref in held and not held[ref].locked]
    own = (cell.place.ref, cell.value) if not cell.locked else None
    condition = still_holds(own, [(c.place.ref, c.value) for c in open_cells if c.place.ref != cell.place.ref])
    if condition is None:
        return replace(cell, style=replace(cell.style, fill=FILLS[worst]), note=note)
    return replace(cell, note=note, mark=Mark(FILLS[worst], condition))


def _put_back(cells: list[CellSpec], rows: list[tuple[int, Named | None]], blank_rows: set[int]) -> list[CellSpec]:
    """``cells`` with the cells to fill in of each row put back where the school deleted it (``rows``, with
    its item's name) red and told why: the row is the form's again, but what she typed in it went with
    the row she deleted. Red while the whole row is still empty (a cell she may leave empty would never
    clear on its own); her typing in it clears it, and what is still missing is found when she returns it.
    A row that had nothing to fill in (``blank_rows``: :func:`~sheetsync.check.putback.issued_empty`) is told it
    is back empty, as issued, and is not red: she may well leave it so."""
    named = dict(rows)
    empty = {row: [c.place.ref for c in cells if c.place.row == row and c.role == "input" and not c.locked]
             for row in named}
    out = []
    for cell in cells:
        refs = empty.get(cell.place.row, [])
        if cell.place.ref not in refs:
            out.append(cell)
            continue
        name = named[cell.place.row]
        said = "\n".join(render("markup.row_put_back.empty", lang) if cell.place.row in blank_rows else
                         render("markup.row_put_back.row", lang) if name is None else
                         render("markup.row_put_back", lang, item=name[0 if lang == "th" else 1])
                         for lang in ("th", "en"))
        note = said if cell.note is None else f"{said}\n\n{cell.note}"
        if cell.place.row in blank_rows:
            out.append(replace(cell, note=note))
            continue
        condition = still_holds((cell.place.ref, None), [(ref, None) for ref in refs if ref != cell.place.ref])
        # A cell with a mark of its own keeps it (it is the stricter): the note says both.
        mark = cell.mark or (Mark(FILLS["error"], condition) if condition is not None else None)
        out.append(replace(cell, note=note, mark=mark))
    return out


def _told(finding: Finding, *, alone: bool) -> str:
    """The finding's message, Thai then English, each saying so when the copy has already put it right:
    "nothing to change in this cell" only when ``alone`` (no other finding of its cell is still to fix)."""
    if finding.code not in PUT_RIGHT:
        return f"{finding.message_th}\n{finding.message_en}"
    said = "markup.put_right" if alone else "markup.put_right.one"
    params = dict(finding.params)
    if finding.code == "rows-deleted" and params:  # back, but empty: there is something to do, in its row
        said = "markup.put_back.report" if "items" in params else "markup.put_back" if "lost" in params \
            else "markup.put_back.empty"
    return "\n".join(f"{finding.message(lang)} {render(said, lang, **params)}" for lang in ("th", "en"))


def _typed(cell: CellSpec, filled: Filled, prefilled: set[str], moved: tuple[int, int] | None) -> Any:
    """What the school typed for ``cell``: as read, or, below rows it inserted (deleted), from where
    they pushed it — the copy is the form with each value in its own cell again, not a row off."""
    ref, row = cell.place.ref, cell.place.row
    if moved is None or row < moved[0]:
        return filled.raw.get(ref, filled.locked_found.get(ref) if ref in prefilled else None)
    at, col = row + moved[1] - 1, cell.place.col - 1  # 0-based in the school's grid
    if at < moved[0] - 1 or at >= len(filled.grid) or col >= len(filled.grid[at]):
        return None  # a deleted row's, or pushed past what was read
    return filled.grid[at][col]


def _issued_value(text: str, kind: str) -> Any:
    """An office-filled value as the template records it (text) in the type its cell was written with
    (:func:`sheetsync.template.prefill.to_cell`): a number for a count or an amount, else the text."""
    if kind in ("whole", "auto", "amount", "number"):
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    return text


def _cell_value(value: Any, kind: str) -> Any:
    if value in (None, ""):
        return None
    if kind == "percent" and isinstance(value, PercentShown):
        # The percent its cell showed ("100%", stored as 1): as a bare number in the copy's Text cell, 1
        # would show as 1 and be read back as 1 %.
        return percent_text(parse_percent(value))
    if kind == "date" and isinstance(value, dt.date):
        # A date stored as a date (an older template, or a program that converted it) goes
        # back as the B.E. text the form's Text date cells hold (see plan._date_rule).
        try:
            return format_be_date(parse_date(value))
        except CoerceError:
            return value.isoformat()
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _summary(filled: Filled, report: Report) -> SummarySheet:
    header = tuple(render(code, "th") + " / " + render(code, "en") for code in
                   ("report.col.cell", "report.col.severity", "report.col.field", "report.col.value",
                    "report.col.todo"))
    rows: list[tuple[str, ...]] = []
    links: list[str | None] = []
    fills: list[str | None] = []
    # The cells a finding the copy has not put right is on: "nothing to change" is not said there.
    still = {(f.sheet, f.cell) for f in report.findings if f.code not in PUT_RIGHT}
    for f in ordered(report.findings):
        on_form = f.sheet == filled.form.sheet
        value = value_text(filled.form, f)
        where = f"{f.cell}\n({row})" if on_form and (row := row_name(filled.form, f)) else f.cell
        # A finding about the file as a whole (its hidden identity sheet) names no cell a teacher could find.
        rows.append((where if on_form else "" if f.sheet == META_SHEET else f"{f.sheet}!{f.cell}",
                     render(f"report.severity.{f.severity}", "th"), finding_label(filled.form.schema, f, filled.form), value,
                     _told(f, alone=(f.sheet, f.cell) not in still)))
        links.append(f.cell if on_form else None)
        fills.append(FILLS[f.severity])
    if not rows:
        rows.append(("", "", "", "", render("report.valid", "th") + "\n" + render("report.valid", "en")))
        links.append(None)
        fills.append(None)
    widths = (17.0, 12.0, 22.0, 30.0, 80.0)
    heights = tuple(_row_height(row, widths, bold=i == 0) for i, row in enumerate([header, *rows]))
    page = PageSetup(paper="A4", orientation="landscape", fit_width=True, fit_pages_tall=0,
                     margins_cm={"left": 1.2, "right": 1.2, "top": 1.5, "bottom": 1.5},
                     print_area=f"A1:E{len(rows) + 1}", repeat_rows=(1, 1))
    # The teacher prints the fixed form to sign it; the list of what was wrong is not part of it.
    return SummarySheet(SUMMARY_SHEET, header, tuple(rows), tuple(links), widths, tuple(fills), heights, page,
                        printed=False)


def _row_height(row: tuple[str, ...], widths: tuple[float, ...], bold: bool) -> float:
    """Points a findings row needs for its longest wrapped cell (at most Excel's limit)."""
    lines = max(line_count(text, width * PT_PER_UNIT, 16, bold=bold) for text, width in zip(row, widths))
    return min(round(lines * line_height(16, bold=bold) + 2 * sizing.ROW_PADDING_PT, 1), sizing.MAX_ROW_PT)
