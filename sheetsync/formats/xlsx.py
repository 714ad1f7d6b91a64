"""Render a :class:`~sheetsync.template.plan.TemplatePlan` as an ``.xlsx`` workbook with openpyxl."""

from __future__ import annotations

import base64
from copy import copy
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import Rule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from openpyxl.worksheet.hyperlink import Hyperlink

from ..identity import META_SHEET
from ..template.plan import (FRACTION_CONDITION, FRACTION_FORMATS, CellSpec, CellStyle, PageSetup, SummarySheet,
                             TemplatePlan, Validation)

_THIN = Side(style="thin", color="000000")
_CM_PER_INCH = 2.54
#: Spins of Excel's SHA-512 sheet-password hash (what Excel itself writes).
SPIN_COUNT = 100_000
#: Number-format ids of the conditional formats' own formats: clear of the cells' (164 up, a few).
_DXF_FORMAT_IDS = 300


def write_plan(plan: TemplatePlan, path: Path) -> None:
    """Write ``plan`` to ``path`` as an .xlsx workbook: protected sheet, validations, metadata."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new Workbook always has one sheet
    ws.title = plan.sheet
    _lay_out(ws, plan)
    style_arrays: dict[tuple[CellStyle, bool], Any] = {}
    for cell in plan.cells:
        _write_cell(ws, cell, style_arrays)
    _add_validations(ws, plan.cells)
    _add_conditional_formats(ws, plan.cells)
    _page_setup(ws, plan)
    _protect(ws, plan.password)
    _metadata_sheet(wb, plan)
    if plan.summary is not None:
        _summary_sheet(wb, plan.summary, plan)
    _properties(wb, plan)
    # The structure lock stops a casual "unhide sheet"; LibreOffice drops it, hence the fingerprint.
    wb.security = WorkbookProtection(lockStructure=True)
    wb.save(path)


def sheet_password_hash(password: str) -> dict[str, str]:
    """Excel's SHA-512 sheet-protection fields for ``password`` (works for Thai passwords too).

    openpyxl only writes the legacy 16-bit hash, which is wrong for non-ASCII text.
    """
    return dict(_hash_cached(password))


@lru_cache(maxsize=8)
def _hash_cached(password: str) -> tuple[tuple[str, str], ...]:
    # 100,000 SHA-512 rounds cost ~0.1 s: cache them so a roster of 500 templates stays quick.
    salt = os.urandom(16)
    digest = hashlib.sha512(salt + password.encode("utf-16-le")).digest()
    for i in range(SPIN_COUNT):
        digest = hashlib.sha512(digest + i.to_bytes(4, "little")).digest()
    return (("algorithmName", "SHA-512"), ("saltValue", base64.b64encode(salt).decode()),
            ("spinCount", str(SPIN_COUNT)), ("hashValue", base64.b64encode(digest).decode()))


class _FittedRow(RowDimension):  # type: ignore[misc]  # openpyxl ships no type information
    """A row height that is not "custom": programs show it, then fit the row to what is typed.

    openpyxl marks every row with a height as customHeight, which pins it (Calc then never
    grows the row for a typed three-line answer); rows without any height are not fitted by
    Calc on opening either (they come up one 12-pt line tall, clipping prefilled text).
    """

    @property
    def customHeight(self) -> bool:  # noqa: N802  (openpyxl's attribute name)
        return False


def _lay_out(ws: Worksheet, plan: TemplatePlan) -> None:
    for letter, width in plan.column_widths.items():
        ws.column_dimensions[letter].width = width
    for row, height in plan.row_heights.items():
        # grow_rows too: Calc fits an .xlsx's merged inputs as it does an .ods's (Excel fits the row to
        # its single cells only, and keeps the height written until then: no worse than a fixed one).
        if row in plan.fit_rows or row in plan.grow_rows:
            ws.row_dimensions[row] = _FittedRow(ws, index=row, ht=height)
        else:
            ws.row_dimensions[row].height = height


@lru_cache(maxsize=256)
def _styles(style: CellStyle, locked: bool) -> dict[str, Any]:
    # openpyxl style objects are immutable values, so one set per distinct CellStyle is enough.
    return {
        "font": Font(name=style.font, size=style.size, bold=style.bold, italic=style.italic),
        "alignment": Alignment(horizontal=style.align, vertical="top", wrap_text=style.wrap, indent=style.indent,
                               shrink_to_fit=style.shrink),
        "fill": PatternFill("solid", fgColor=style.fill) if style.fill else PatternFill(),
        "border": Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN) if style.border else Border(),
        "protection": Protection(locked=locked),
        "number_format": style.number_format,
    }


def _write_cell(ws: Worksheet, spec: CellSpec, style_arrays: dict[tuple[CellStyle, bool], Any]) -> None:
    place = spec.place
    if place.span != place.ref:
        _merge(ws, place.span)
    key = (spec.style, spec.locked)
    if key not in style_arrays:
        probe = ws.cell(row=place.row, column=place.col)
        for name, value in _styles(*key).items():
            setattr(probe, name, value)
        style_arrays[key] = probe._style
    # Setting six style attributes makes openpyxl search its style lists each time (~60 % of
    # writing a template); a cell's style is an array of indices into those lists, so cells of
    # one style in one workbook share it by copy, as openpyxl's own copy_worksheet does.
    # Every cell of a merged block gets the style, or borders and locks show only on the first.
    for row in range(place.row, place.last_row + 1):
        for col in range(place.col, place.last_col + 1):
            ws.cell(row=row, column=col)._style = copy(style_arrays[key])
    anchor = ws.cell(row=place.row, column=place.col)
    anchor.value = spec.value
    if isinstance(spec.value, str) and spec.value.startswith("="):
        anchor.data_type = "s"  # text typed by a person is never a formula
    if spec.note:
        anchor.comment = Comment(spec.note, "sheetsync", width=420, height=220)


def _merge(ws: Worksheet, span: str) -> None:
    """Merge ``span`` as openpyxl's ``merge_cells`` does, but for its pass copying the top-left
    cell's borders to the block's edges (``MergedCellRange.format``): :func:`_write_cell` gives every
    cell of the block its style right after, and that pass, a style looked up per edge cell, was a
    fifth of writing a template (400 of them for ``template --from-master``)."""
    merged = MergedCellRange(ws, span)
    ws.merged_cells.add(merged)
    cells = merged.cells
    next(cells)  # the top-left cell keeps its value
    for row, col in cells:
        ws._cells[row, col] = MergedCell(ws, row, col)


def _add_validations(ws: Worksheet, cells: tuple[CellSpec, ...]) -> None:
    groups: dict[Validation, list[str]] = {}
    for spec in cells:
        if spec.validation is not None and not spec.locked:
            groups.setdefault(spec.validation, []).append(spec.place.span)
    for rule, ranges in groups.items():
        dv = _data_validation(rule)
        for cell_range in ranges:
            dv.add(cell_range)
        ws.add_data_validation(dv)


def _add_conditional_formats(ws: Worksheet, cells: tuple[CellSpec, ...]) -> None:
    """Each cell of a whole-number format that has a fractional variant shows a fraction in it
    (Excel and Calc both apply a conditional format's number format), and a finding's mark shows
    while its condition holds.

    A marked amount gets one list of rules, the first true one winning (stopIfTrue): mark and
    fraction, mark, fraction. Calc applies only the first true rule of the cell's formats, so
    two separate formats would show the mark without the satang (10,000.50 as "10,001 บาท") or
    the satang without the mark.
    """
    formats = sorted(FRACTION_FORMATS.values())
    for spec in cells:
        fraction = FRACTION_FORMATS.get(spec.style.number_format)
        number = NumberFormat(_DXF_FORMAT_IDS + formats.index(fraction), fraction) if fraction else None
        has_fraction = FRACTION_CONDITION.format(ref=spec.place.ref)
        rules: list[tuple[str, DifferentialStyle]] = []
        if spec.mark is not None:
            fill = PatternFill("solid", fgColor=spec.mark.fill, bgColor=spec.mark.fill)
            if number is not None:
                rules.append((f"AND({spec.mark.condition},{has_fraction})", DifferentialStyle(fill=fill, numFmt=number)))
            rules.append((spec.mark.condition, DifferentialStyle(fill=fill)))
        if number is not None:
            rules.append((has_fraction, DifferentialStyle(numFmt=number)))
        for condition, style in rules:
            rule = Rule(type="expression", formula=[condition], dxf=style, stopIfTrue=len(rules) > 1)
            ws.conditional_formatting.add(spec.place.span, rule)


def _data_validation(rule: Validation) -> DataValidation:
    formula1 = rule.formula1
    if rule.kind == "list":
        formula1 = '"' + ",".join(rule.choices) + '"'
    kind = {"text_length": "textLength"}.get(rule.kind, rule.kind)
    return DataValidation(
        type=kind, operator=rule.operator if kind != "list" and kind != "custom" else None,
        formula1=formula1, formula2=rule.formula2, allow_blank=rule.allow_blank,
        showInputMessage=True, showErrorMessage=True, errorStyle="stop",
        promptTitle=rule.prompt_title or None, prompt=rule.prompt or None,
        errorTitle=rule.error_title or None, error=rule.error or None,
    )


def _page_setup(ws: Worksheet, plan: TemplatePlan) -> None:
    _print_setup(ws, plan.page)
    first_input = next((c.place.ref for c in plan.cells if not c.locked), "A1")
    ws.sheet_view.selection[0].activeCell = first_input
    ws.sheet_view.selection[0].sqref = first_input


def _print_setup(ws: Worksheet, page: PageSetup) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4 if page.paper.upper() == "A4" else ws.PAPERSIZE_LETTER
    ws.page_setup.orientation = page.orientation
    if page.fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = page.fit_pages_tall
    for side, cm in page.margins_cm.items():
        setattr(ws.page_margins, side, cm / _CM_PER_INCH)
    ws.print_options.horizontalCentered = True
    ws.print_area = page.print_area
    if page.repeat_rows:
        ws.print_title_rows = f"{page.repeat_rows[0]}:{page.repeat_rows[1]}"


def _protect(ws: Worksheet, password: str) -> None:
    ws.protection.sheet = True
    # openpyxl's flags mean "forbidden": let schools make a row taller for a long answer.
    ws.protection.formatRows = False
    for name, value in sheet_password_hash(password).items():
        setattr(ws.protection, name, value)


def _metadata_sheet(wb: Workbook, plan: TemplatePlan) -> None:
    meta = wb.create_sheet(META_SHEET)
    for row in plan.metadata:
        meta.append(list(row))
    for row in meta.iter_rows():
        for cell in row:
            cell.data_type = "s"  # a recipient id such as "=01" is text, never a formula
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    for name, value in sheet_password_hash(plan.password).items():
        setattr(meta.protection, name, value)


def _summary_sheet(wb: Workbook, summary: SummarySheet, plan: TemplatePlan) -> None:
    """A first, protected sheet of findings; column A links to each cell on the form."""
    ws = wb.create_sheet(summary.name, 0)
    font = Font(name="TH Sarabun New", size=16)
    ws.append(list(summary.header))
    for cell in ws[1]:
        cell.font = Font(name="TH Sarabun New", size=16, bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF7")
    for index, row in enumerate(summary.rows):
        ws.append(list(row))
        r = index + 2
        for cell in ws[r]:
            cell.font = font
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.data_type = "s"  # findings quote what schools typed: never formulas
            if summary.fills and summary.fills[index]:
                cell.fill = PatternFill("solid", fgColor=summary.fills[index])
        target = summary.links[index]
        if target:
            link = ws.cell(row=r, column=1)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{plan.sheet}'!{target}")
            link.font = Font(name="TH Sarabun New", size=16, underline="single", color="0563C1")
    for i, width in enumerate(summary.widths, start=1):
        ws.column_dimensions[chr(64 + i)].width = width
    for cell in ws[1]:
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for number, height in enumerate(summary.heights, start=1):
        ws.row_dimensions[number] = _FittedRow(ws, index=number, ht=height)
    if summary.page is not None:
        _print_setup(ws, summary.page)
    if not summary.printed:
        # xlsx has no "never print this sheet": a print area of one empty cell prints nothing
        # (Calc skips the empty page, so the whole workbook prints the form's pages only).
        ws.print_area = f"{get_column_letter(len(summary.widths) + 1)}1"
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    for name, value in sheet_password_hash(plan.password).items():
        setattr(ws.protection, name, value)
    wb.active = 0


def _properties(wb: Workbook, plan: TemplatePlan) -> None:
    wb.properties.title = plan.title
    wb.properties.creator = "sheetsync"
    for name, value in plan.properties.items():
        if value:
            wb.custom_doc_props.append(StringProperty(name=name, value=value))
