"""Rendering the master's sheets (:class:`~.layout.Sheet`) as an .xlsx workbook with openpyxl.

openpyxl's write-only mode streams rows to disk, which keeps a master of thousands of
submissions fast and small in memory; it still supports the charts, conditional formats, filters,
frozen panes and column widths the master needs. Cells are styled through named styles (one per
column kind), which is both the cheapest way to style many cells and what a person sees in the
style list. Every text value is stored as text: a school's "=…" never becomes a formula.
"""

from __future__ import annotations

import math
import string
import tempfile
from itertools import chain
from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..messages import render
from ..template.plan import BE_DATE_FORMAT, BE_DATETIME_FORMAT
from .layout import ChartSpec, Kind, Sheet, fit_header_words, printed_columns, wrapped_columns
from .xlsx_rows import splice, write_rows

FONT = "TH Sarabun New"
FONT_SIZE = 14
#: Text stays General: the cells hold strings anyway, and Excel shows "####" for a Text-formatted
#: (``@``) cell longer than 255 characters.
NUMBER_FORMATS: dict[Kind, str] = {"text": "General", "whole": "0", "amount": "#,##0.00", "percent": "0.00",
                                   "date": BE_DATE_FORMAT, "datetime": BE_DATETIME_FORMAT}
HEADER_STYLE = "sheetsync หัวตาราง"
#: Text that wraps, top-aligned, in rows as tall as their text (:attr:`.layout.Sheet.wrap`).
WRAP_STYLE = "sheetsync text wrapped"
#: Excel's limit for one cell; derived sheets may shorten a long text (``_data`` never does).
CELL_MAX = 32_767
XLSX_FOOTER_MAX = 255  # characters of a header or footer, codes included, that Excel reads
#: Row height (points) that fits Thai text at FONT_SIZE: marks above and below the line need room.
ROW_HEIGHT = 21.0
CHART_WIDTH_CM, CHART_HEIGHT_CM = 16.0, 7.5
#: Column-width units that print across one A4 landscape page at full size (measured in Calc: a
#: 150-unit sheet prints at 100 %, a 273-unit one at 57 %).
PAGE_UNITS = 155.0
#: The smallest share of full size a sheet is printed at: below it, it prints on more pages across.
MIN_PRINT_SCALE = 0.5
#: Points of an A4 landscape page that the sheet prints on, across and down: Calc's 2 cm margins each
#: side (Excel's 0.75 inch, read by Calc, leave a little more), and 1 in at top and bottom with the
#: footer (Calc printed 457 pt of rows there from an .xlsx, 465 from an .ods).
PRINT_WIDTH_PT, PRINT_HEIGHT_PT = (29.7 - 4.0) * 28.35, 595.3 - 2 * 72.0
#: The gap column between the table and its charts (Calc's default column width), in points.
GAP_PT = 64.0


def header_height(sheet: Sheet) -> float:
    """Points for the header row: neither Calc nor Excel grows a row for wrapped text on opening."""
    lines = max((math.ceil(len(c.header) * 1.2 / max(c.width, 1)) for c in sheet.columns), default=1)
    return float(min(lines, 4) * ROW_HEIGHT + 6)
#: Rows a chart covers at ROW_HEIGHT (1 cm = 28.35 pt), so the next one starts below it.
CHART_ROWS = math.ceil(CHART_HEIGHT_CM * 28.35 / ROW_HEIGHT) + 1


def write_workbook(sheets: list[Sheet], path: Path) -> None:
    """Write ``sheets`` to ``path`` as one .xlsx workbook, in order (the first is the active one).

    openpyxl writes each sheet's frame (header, widths, filters, formats, charts, print setup); the
    data rows are streamed as XML into temporary files and spliced in
    (:mod:`.xlsx_rows`): fast, and memory stays flat however many rows there are.
    """
    sheets = [fit_header_words(sheet, FONT, FONT_SIZE) for sheet in sheets]
    wb = Workbook(write_only=True)
    wb.properties.creator = "sheetsync"
    wb.properties.title = "sheetsync master"
    styles = _named_styles(wb)
    with tempfile.TemporaryDirectory(prefix="sheetsync-view-") as folder:
        parts: dict[str, tuple[Path, str]] = {}
        for index, sheet in enumerate(sheets, start=1):
            ws = wb.create_sheet(sheet.name)
            _prepare(ws, sheet)
            if sheet.banner:
                ws.append([_banner_cell(ws, sheet.banner)])
            ws.append([_header_cell(ws, column.header) for column in sheet.columns])
            wrapped = wrapped_columns(sheet)
            ids = [_style_id(ws, WRAP_STYLE if wrap else styles[column.kind])
                   for column, wrap in zip(sheet.columns, wrapped)]
            rows_file = Path(folder) / f"{index}.xml"
            # newline="": as on Linux, a "\r\n" in a value must not become "\r\r\n" (two breaks to a reader).
            with rows_file.open("w", encoding="utf-8", newline="") as out:
                last = write_rows(out, chain(sheet.rows, sheet.footer), ids, _style_id(ws, styles["text"]),
                                  header_row(sheet) + 1, heights=_heights(sheet, wrapped) if any(wrapped) else None,
                                  wrapped=frozenset(n for n, wrap in enumerate(wrapped) if wrap))
            width = get_column_letter(max(len(sheet.columns) + sheet.extra_columns, 1))
            parts[f"xl/worksheets/sheet{index}.xml"] = (rows_file, f"A1:{width}{max(last, header_row(sheet))}")
            if sheet.chart is not None:
                _add_charts(ws, sheet.chart, len(sheet.columns), header_row(sheet))
        skeleton = Path(folder) / "skeleton.xlsx"
        wb.save(skeleton)
        splice(skeleton, parts, path)


def _style_id(ws: WriteOnlyWorksheet, style: str) -> int:
    """The cell-format (xf) index of a named style in this workbook."""
    cell = WriteOnlyCell(ws, value=0)
    cell.style = style
    return int(cell.style_id)


def _named_styles(wb: Workbook) -> dict[Kind, str]:
    names: dict[Kind, str] = {}
    for kind, number_format in NUMBER_FORMATS.items():
        name = f"sheetsync {kind}"
        # Top-aligned, as the .ods's: beside a wrapped text that makes its row tall, a value stays
        # on the row's first line.
        wb.add_named_style(NamedStyle(name, font=Font(name=FONT, size=FONT_SIZE), number_format=number_format,
                                      alignment=Alignment(vertical="top")))
        names[kind] = name
    wb.add_named_style(NamedStyle(WRAP_STYLE, font=Font(name=FONT, size=FONT_SIZE), number_format="General",
                                  alignment=Alignment(vertical="top", wrap_text=True)))
    wb.add_named_style(NamedStyle(
        HEADER_STYLE, font=Font(name=FONT, size=FONT_SIZE, bold=True), fill=PatternFill("solid", fgColor="DDEBF7"),
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        border=Border(bottom=Side(style="thin", color="000000"))))
    return names


def _heights(sheet: Sheet, wrapped: tuple[bool, ...]) -> Callable[[list[Any]], float]:
    """Each row's height in points, to fit its wrapped texts: Excel sizes no row on opening."""
    from ..template.metrics import PT_PER_UNIT, wrapped_lines, line_height
    from ..template.sizing import MAX_ROW_PT, ROW_PADDING_PT

    widths = [c.width * PT_PER_UNIT if wrap else 0.0 for c, wrap in zip(sheet.columns, wrapped)]
    pitch = line_height(FONT_SIZE, FONT)

    def height(values: list[Any]) -> float:
        lines = max((wrapped_lines(v, w, FONT_SIZE, FONT) for v, w in zip(values, widths) if w and isinstance(v, str)
                     and v), default=1)
        return min(max(round(lines * pitch + 2 * ROW_PADDING_PT, 1), ROW_HEIGHT), MAX_ROW_PT)
    return height


def footer_pieces(office: str = "") -> list[tuple[str, str | None]]:
    """The printed footer as (literal text, field) pairs; a field is ``sheet``, ``page`` or ``pages``.

    The words are data (``print.footer`` in ``messages/master.yaml``, ``print.footer.office`` when
    the office has a name); each format writes the fields its own way (``&A``/``&P``/``&N`` in
    .xlsx, ``text:sheet-name``… in .ods).

    :param office: the office's name, a literal of the footer (never read as a template: braces stay).
    """
    code = "print.footer.office" if office else "print.footer"
    template = render(code, "th", source="master.yaml", sheet="{sheet}", page="{page}", pages="{pages}",
                      office="{office}")
    return [(literal + office, None) if field == "office" else (literal, field)
            for literal, field, _, _ in string.Formatter().parse(template)]


def _xlsx_footer(office: str, used: int) -> str:
    """The footer in Excel's codes (``&A`` the sheet, ``&P``/``&N`` the pages; a literal "&" doubled),
    within the 255 characters Excel reads of a header or footer (``used`` go to its font): a long
    name with many "&" is cut, never the page number."""
    codes = {"sheet": "&A", "page": "&P", "pages": "&N"}
    while True:
        text = "".join(literal.replace("&", "&&") + codes.get(field or "", "")
                       for literal, field in footer_pieces(office))
        if used + len(text) <= XLSX_FOOTER_MAX or len(office) <= 1:
            return text
        office = office[:-2].rstrip() + "…"


def _xlsx_header(banner: str, office: str, used: int) -> str:
    """``banner`` as a printed header's text (a literal "&" doubled), within the 255 characters Excel
    reads of a header (``used`` go to its font). The ``office`` name it starts with is cut first (each
    page's footer names it too): cut at its end, a 90-letter name left "สิ่งที่แก้…" of the warning
    that edits are not kept; the banner's own end only when even that is not enough."""
    if not (office and banner.startswith(office)):
        office = ""
    rest = banner[len(office):]
    while used + len((office + rest).replace("&", "&&")) > XLSX_FOOTER_MAX and len(office) > 1:
        office = office[:-2].rstrip() + "…"
    banner = office + rest
    while used + len(banner.replace("&", "&&")) > XLSX_FOOTER_MAX and len(banner) > 1:
        banner = banner[:-2].rstrip() + "…"
    return banner.replace("&", "&&")


def pages_wide(sheet: Sheet) -> int:
    """How many A4 landscape pages across ``sheet`` is fitted to: one, unless that would print it
    below :data:`MIN_PRINT_SCALE` (the data sheet's 25 columns printed at a fifth of their size,
    14 pt text under 3 pt high); then as few as keep it at least that large, its first
    ``freeze_columns`` (who, which key) repeated on each."""
    total = sum(c.width for c in printed_columns(sheet))
    if total <= PAGE_UNITS / MIN_PRINT_SCALE:
        return 1
    repeated = sum(c.width for c in sheet.columns[:sheet.freeze_columns])
    return math.ceil((total - repeated) / (PAGE_UNITS / MIN_PRINT_SCALE - repeated))


def chart_spans(spec: ChartSpec, header: int) -> list[tuple[int, int, int]]:
    """Each block's first row, the row its chart is anchored at, and its last row (the rows' or the
    chart's, whichever is lower); 1-based, the data starting below ``header``. A chart starts beside
    its rows, or below the chart before when that one is taller than its rows."""
    spans, next_free = [], 1
    for block in spec.blocks:
        first, last = block.first + header + 1, block.last + header + 1
        top = max(first, next_free)
        next_free = top + CHART_ROWS
        spans.append((first, top, max(last, next_free - 1)))
    return spans


def print_scale(sheet: Sheet) -> float:
    """The share of full size a chart sheet prints at, fitted to the page's width: its columns, the
    gap and the chart (Calc fits what it prints to the end of the column the chart ends in, so it
    prints a little smaller than this: a page holds at least the rows reckoned with it)."""
    from ..template.metrics import PT_PER_UNIT

    width = sum(c.width for c in sheet.columns) * PT_PER_UNIT + GAP_PT + CHART_WIDTH_CM * 28.35
    return min(1.0, PRINT_WIDTH_PT / width)


def chart_breaks(sheet: Sheet) -> list[int]:
    """The 1-based rows a chart sheet's pages must start at, so that no block (its rows and its chart)
    is cut by a page: a block that would cross the page's end starts the next one. A block taller than
    a page starts a page and is left to Calc's own breaks."""
    if sheet.chart is None:
        return []
    head = header_row(sheet)
    repeated = header_height(sheet) + (ROW_HEIGHT if sheet.banner else 0.0)  # printed on every page
    per_page = max(int((PRINT_HEIGHT_PT / print_scale(sheet) - repeated) // ROW_HEIGHT), 1)
    breaks, page = [], head + 1
    for first, _, last in chart_spans(sheet.chart, head):
        if last - page + 1 > per_page and first > page:
            breaks.append(first)
            page = first
        while last - page + 1 > per_page:  # a block taller than a page: Calc breaks it every page
            page += per_page
    return breaks


def banner_on_every_page(sheet: Sheet) -> bool:
    """Whether ``sheet`` prints its banner as every page's header (its banner row then only on screen).

    A sheet printed on several pages across repeats its first columns on each: its banner, one cell's
    text running right from A1, printed there only as far as those columns reach (the 2nd page of the
    projects sheet read ``สร้างโดย sheetsync (generated) 2/12/2569 01:35`` and no more)."""
    return bool(sheet.banner) and not sheet.hidden and pages_wide(sheet) > 1


def header_row(sheet: Sheet) -> int:
    """The 1-based row of the header: 2 below a banner line, else 1."""
    return 2 if sheet.banner else 1


def _prepare(ws: WriteOnlyWorksheet, sheet: Sheet) -> None:
    """Everything that must be declared before the rows are streamed."""
    width = len(sheet.columns) + sheet.extra_columns
    top = header_row(sheet)
    for n, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = column.width
    ws.sheet_format.defaultRowHeight = ROW_HEIGHT
    ws.sheet_format.customHeight = True
    ws.row_dimensions[top].height = header_height(sheet)
    if sheet.hidden:
        ws.sheet_state = "hidden"
        return
    last = get_column_letter(width)
    ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{top + 1}"
    ws.auto_filter.ref = f"A{top}:{last}{sheet.row_count + top}"
    # The generated-at line and the header on every printed page (the line as the page's header instead,
    # on a sheet printed on several pages across)
    in_header = banner_on_every_page(sheet)
    ws.print_title_rows = f"{top if in_header else 1}:{top}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = pages_wide(sheet)
    if ws.page_setup.fitToWidth > 1:
        ws.page_setup.pageOrder = "overThenDown"  # a row's pages across, one after another
        if sheet.freeze_columns:
            ws.print_title_cols = f"A:{get_column_letter(sheet.freeze_columns)}"
    ws.page_setup.fitToHeight = 0
    for row in chart_breaks(sheet):
        ws.row_breaks.append(Break(id=row - 1))  # a break's id is the last row above it
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if sheet.print_columns is not None or in_header:
        printed = get_column_letter(sheet.print_columns or width)
        ws.print_area = f"A{top if in_header else 1}:{printed}{top + sheet.row_count + len(sheet.footer)}"
    if in_header:
        ws.oddHeader.left.font, ws.oddHeader.left.size = f"{FONT},Italic", FONT_SIZE - 2
        ws.oddHeader.left.text = ""  # measured with its font's codes, as the footer
        ws.oddHeader.left.text = _xlsx_header(str(sheet.banner), sheet.office, len(str(ws.oddHeader)))
    # A printed master runs to many pages, handed on up the line: each says its sheet and page.
    ws.oddFooter.center.font, ws.oddFooter.center.size = f"{FONT},Regular", FONT_SIZE - 2
    ws.oddFooter.center.text = ""  # measured with its font's codes, before the text, against Excel's limit
    ws.oddFooter.center.text = _xlsx_footer(sheet.office, len(str(ws.oddFooter)))
    if sheet.row_count:
        for highlight in sheet.highlights:
            col = get_column_letter(highlight.column + 1)
            cells = f"{col}{top + 1}:{col}{sheet.row_count + top}"
            fill = PatternFill("solid", fgColor=highlight.fill, bgColor=highlight.fill)
            if highlight.value is None:
                rule = FormulaRule(formula=[f"LEN({col}{top + 1})>0"], fill=fill)
            else:
                rule = CellIsRule(operator="equal", formula=[_formula_text(highlight.value)], fill=fill)
            ws.conditional_formatting.add(cells, rule)


def _formula_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _banner_cell(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=_clean(text))
    cell.font = Font(name=FONT, size=FONT_SIZE - 2, italic=True, color="595959")
    cell.data_type = "s"
    return cell


def _header_cell(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.style = HEADER_STYLE
    cell.data_type = "s"
    return cell


def _clean(text: str) -> str:
    """Text a cell can hold: no XML-illegal control characters, at most :data:`CELL_MAX` long."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= CELL_MAX else text[:CELL_MAX - 1] + "…"


def _add_charts(ws: WriteOnlyWorksheet, spec: ChartSpec, columns: int, header: int = 1) -> None:
    """One line chart per block, stacked in a column right of the table, each near its rows.

    :param header: the 1-based row of the header (the data starts below it).
    """
    anchor_col = get_column_letter(columns + 2)
    for block, (first, top, _) in zip(spec.blocks, chart_spans(spec, header)):
        last = block.last + header + 1
        chart = LineChart()
        chart.title = block.title
        chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
        chart.y_axis.title = spec.primary_title
        chart.x_axis.title = "รายงานครั้งที่"
        chart.series.append(Series(Reference(ws, min_col=spec.primary + 1, min_row=first, max_row=last),
                                   title=spec.primary_title))
        money = LineChart()
        money.series.append(Series(Reference(ws, min_col=spec.secondary + 1, min_row=first, max_row=last),
                                   title=spec.secondary_title))
        money.y_axis.axId = 200
        money.y_axis.title = spec.secondary_title
        money.y_axis.crosses = "max"  # the baht axis on the right, the percent axis on the left
        # The baht line's own category axis, hidden, as Excel writes a secondary axis: sharing the
        # percent line's, Calc drew it again above the plot with its title (printed twice).
        money.x_axis.axId, money.y_axis.crossAx = 500, 500
        money.x_axis.delete, money.x_axis.title = True, None
        money.y_axis.majorGridlines = None  # one set of gridlines: the percent axis's
        categories = Reference(ws, min_col=spec.category + 1, min_row=first, max_row=last)
        chart.set_categories(categories)
        money.set_categories(categories)
        for axis in (chart.x_axis, chart.y_axis, money.y_axis):
            axis.delete = False  # openpyxl 3.1 otherwise hides the axes in Excel
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        for series in (*chart.series, *money.series):
            series.smooth = False  # monthly figures: straight segments, no invented curves
        chart += money
        ws.add_chart(chart, f"{anchor_col}{top}")
