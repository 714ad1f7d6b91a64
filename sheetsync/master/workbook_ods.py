"""Rendering the master's sheets (:class:`~.layout.Sheet`) as an .ods workbook with odfpy.

The same sheets, values, column widths, fonts and charts as :mod:`.workbook` writes to an .xlsx,
so an office that works in LibreOffice gets an equivalent master. Differences, and why:

* Conditional formats become fills computed here: each highlighted cell gets a style with the
  highlight's background. Every sheet is recomputed at each merge, so the fill never goes stale,
  and every viewer shows it (no ``calcext:`` extension elements needed).
* Text is always a string cell (``office:value-type="string"``): a school's "=…" stays text.
* Charts are embedded chart objects (``Object N/``) drawing the sheet's own ranges, the
  cumulative disbursement on a secondary y axis, as the .xlsx does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import Any, Iterator

from odf import dc, number, teletype
from odf.config import ConfigItem, ConfigItemMapEntry, ConfigItemMapIndexed, ConfigItemMapNamed, ConfigItemSet
from odf.chart import Axis, Categories, Chart, Legend, PlotArea, Series, Title, Wall
from odf.draw import Frame, Object
from odf.element import Element
from odf.opendocument import OpenDocument, OpenDocumentChart, OpenDocumentSpreadsheet
from odf.style import (ChartProperties, GraphicProperties, ParagraphProperties, Style, TableCellProperties,
                       TextProperties)
from odf.table import (DatabaseRange, DatabaseRanges, Shapes, Table, TableCell, TableColumn, TableHeaderColumns,
                       TableHeaderRows, TableRow)
from odf.text import P
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from ..check.coerce import format_be_date
from ..formats.odf_styles import CM_PER_EXCEL_UNIT, THIN_BORDER, StyleBook
from ..formats.odf_styles import sheet_address
from ..template.plan import PageSetup
from .layout import ChartSpec, Kind, Sheet, fit_header_words, wrapped_columns
from .workbook import (CELL_MAX, banner_on_every_page, footer_pieces, pages_wide, header_row, CHART_HEIGHT_CM, CHART_WIDTH_CM, FONT, FONT_SIZE, NUMBER_FORMATS, ROW_HEIGHT,
                       chart_breaks, chart_spans, header_height)

HEADER_FILL = "DDEBF7"
#: Points per centimetre, to place charts from row heights given in points.
PT_PER_CM = 28.35
#: The gap column left between the table and its charts, as Calc's default column width.
GAP_CM = 2.258
LANDSCAPE_A4 = PageSetup("A4", "landscape", True, 0, {}, "")
#: Chart style name → line colour of the progress and the disbursement series (Calc's first two).
SERIES_COLOURS = {"progress": "#004586", "money": "#FF420E"}


def write_workbook_ods(sheets: list[Sheet], path: Path) -> None:
    """Write ``sheets`` to ``path`` as one .ods workbook, in order (the first is the active one)."""
    sheets = [fit_header_words(sheet, FONT, FONT_SIZE) for sheet in sheets]
    doc = OpenDocumentSpreadsheet()
    doc.meta.addElement(dc.Title(text="sheetsync master"))
    doc.meta.addElement(dc.Creator(text="sheetsync"))
    styles = _Styles(doc)
    filters = DatabaseRanges()
    for index, sheet in enumerate(sheets):
        doc.spreadsheet.addElement(_table(doc, sheet, styles))
        if not sheet.hidden:
            last = get_column_letter(len(sheet.columns) + sheet.extra_columns)
            # Calc's own name for a sheet's unnamed filter range: "__Anonymous_Sheet_DB__<sheet index>".
            filters.addElement(DatabaseRange(name=f"__Anonymous_Sheet_DB__{index}", displayfilterbuttons="true",
                                             targetrangeaddress=sheet_address(
                                                 sheet.name, f"A{header_row(sheet)}:{last}"
                                                 f"{sheet.row_count + header_row(sheet)}")))
    if filters.hasChildNodes():
        doc.spreadsheet.addElement(filters)
    _view_settings(doc, sheets)
    doc.save(str(path))


class _Styles:
    """The master's cell styles, by kind and fill; columns, rows and tables come from a StyleBook."""

    def __init__(self, doc: OpenDocumentSpreadsheet) -> None:
        self.doc = doc
        self.book = StyleBook(doc)
        self._cells: dict[tuple[Kind | None, str | None, bool], str] = {}
        self._percent: str | None = None

    def cell(self, kind: Kind | None, fill: str | None = None, wrap: bool = False) -> str:
        """The style of a cell of ``kind`` (None: the header) with an optional background, its
        text wrapped when ``wrap``."""
        name = self._cells.get((kind, fill, wrap))
        if name is not None:
            return name
        name = f"ms{len(self._cells) + 1}"
        attrs = {"name": name, "family": "table-cell"}
        data_style = self._data_style(kind)
        if data_style:
            attrs["datastylename"] = data_style
        style = Style(**attrs)
        cell_props = {"verticalalign": "center" if kind is None else "top"}
        if kind is None:
            cell_props.update(wrapoption="wrap", borderbottom=THIN_BORDER)
        elif wrap:
            cell_props.update(wrapoption="wrap")
        background = HEADER_FILL if kind is None else fill
        if background:
            cell_props["backgroundcolor"] = f"#{background}"
        style.addElement(TableCellProperties(**cell_props))
        if kind is None:
            style.addElement(ParagraphProperties(textalign="center"))
        font, size = self.book.font(FONT), f"{FONT_SIZE}pt"
        # Thai is a complex script: without the -complex variants Calc shows it in its default font.
        text = {"fontname": font, "fontnameasian": font, "fontnamecomplex": font,
                "fontsize": size, "fontsizeasian": size, "fontsizecomplex": size}
        if kind is None:
            text.update(fontweight="bold", fontweightasian="bold", fontweightcomplex="bold")
        style.addElement(TextProperties(**text))
        self.doc.automaticstyles.addElement(style)
        self._cells[(kind, fill, wrap)] = name
        return name

    def _data_style(self, kind: Kind | None) -> str | None:
        if kind is None:
            return None
        if NUMBER_FORMATS[kind] != "0.00":
            return self.book.data_style(NUMBER_FORMATS[kind])
        if self._percent is None:
            # StyleBook knows the template's formats only; percent columns show 0–100 with 2 decimals.
            self._percent = "Nmaster-percent"
            element = number.NumberStyle(name=self._percent)
            element.addElement(number.Number(decimalplaces="2", minintegerdigits="1"))
            self.doc.automaticstyles.addElement(element)
        return self._percent


def _table(doc: OpenDocumentSpreadsheet, sheet: Sheet, styles: _Styles) -> Table:
    """One sheet: charts (if any), columns, the header row (repeated on print), then the rows."""
    book = styles.book
    across = pages_wide(sheet)
    page = replace(LANDSCAPE_A4, fit_pages_wide=across)
    in_header = banner_on_every_page(sheet)  # printed as each page's header, its row on screen only
    printed_page = book.master_page(page, footer_pieces(sheet.office),
                                    header=_clean(str(sheet.banner)) if in_header else "")
    table = Table(name=sheet.name, stylename=book.table(not sheet.hidden, None if sheet.hidden else printed_page))
    if (sheet.print_columns is not None or in_header) and not sheet.hidden:
        last = header_row(sheet) + sheet.row_count + len(sheet.footer)
        first, right = header_row(sheet) if in_header else 1, sheet.print_columns or len(sheet.columns) + sheet.extra_columns
        table.setAttribute("printranges", sheet_address(sheet.name, f"A{first}:{get_column_letter(right)}{last}"))
    header_pt = header_height(sheet)
    if sheet.chart is not None and sheet.chart.blocks:
        table.addElement(_charts(doc, sheet, sheet.chart, header_pt))  # table:shapes precedes the columns
    # A sheet printed on several pages across repeats its first columns (who, which key) on each.
    repeat = sheet.freeze_columns if across > 1 and not sheet.hidden else 0
    columns = [TableColumn(stylename=book.column(c.width), defaultcellstylename=styles.cell("text")) for c in sheet.columns]
    if repeat:
        header_columns = TableHeaderColumns()
        for column in columns[:repeat]:
            header_columns.addElement(column)
        table.addElement(header_columns)
    for column in columns[repeat:]:
        table.addElement(column)
    if sheet.extra_columns:
        table.addElement(TableColumn(numbercolumnsrepeated=str(sheet.extra_columns),
                                     defaultcellstylename=styles.cell("text")))
    heads = []
    if sheet.banner:
        line = TableRow(stylename=book.row(ROW_HEIGHT))
        line.addElement(_value_cell(TableCell(stylename=styles.cell("text")), _clean(sheet.banner), "text"))
        heads.append(line)
    head = TableRow(stylename=book.row(header_pt))
    for column in sheet.columns:
        head.addElement(_value_cell(TableCell(stylename=styles.cell(None)), column.header, "text"))
    heads.append(head)
    if sheet.hidden or in_header:
        for row in heads[:None if sheet.hidden else -1]:
            table.addElement(row)  # rows before the header rows: not repeated on each printed page
    if not sheet.hidden:
        # The header rows of an ODF table are what Calc repeats at the top of each printed page:
        # the generated-at line and the header.
        repeated = TableHeaderRows()
        for row in heads[-1:] if in_header else heads:
            repeated.addElement(row)
        table.addElement(repeated)
    kinds = [column.kind for column in sheet.columns]
    wrapped = wrapped_columns(sheet)
    # A sheet with wrapped texts leaves its rows to Calc, which fits each to its text on opening.
    height = None if any(wrapped) else ROW_HEIGHT
    breaks = {row - header_row(sheet) - 1 for row in chart_breaks(sheet)}  # 0-based data rows
    footer = [(values, False) for values in sheet.footer]  # outside the highlights, as the .xlsx's
    for n, (values, highlighted) in enumerate(chain(((values, True) for values in sheet.rows), footer)):
        row = TableRow(stylename=book.row(height, n in breaks))
        for cell in _cells(values, kinds, _fills(sheet, values) if highlighted else {}, styles, wrapped):
            row.addElement(cell)
        table.addElement(row)
    return table



def _fills(sheet: Sheet, values: list[Any]) -> dict[int, str]:
    """The background of each highlighted cell of a row (what the .xlsx does with conditional formats)."""
    fills: dict[int, str] = {}
    for highlight in sheet.highlights:
        value = values[highlight.column] if highlight.column < len(values) else None
        hit = value not in (None, "") if highlight.value is None else value == highlight.value
        if hit:
            fills.setdefault(highlight.column, highlight.fill)
    return fills


def _cells(values: list[Any], kinds: list[Kind], fills: dict[int, str], styles: _Styles,
           wrapped: tuple[bool, ...] = ()) -> Iterator[TableCell]:
    for n, value in enumerate(values):
        kind: Kind = kinds[n] if n < len(kinds) else "text"
        fill = fills.get(n)
        if (value is None or value == "") and fill is None:
            yield TableCell()  # the column's default style already sets the font
            continue
        wrap = n < len(wrapped) and wrapped[n]
        yield _value_cell(TableCell(stylename=styles.cell(kind, fill, wrap)), value, kind)


def _value_cell(cell: TableCell, value: Any, kind: Kind) -> TableCell:
    """Give ``cell`` its typed value and the text a viewer that does not format values shows."""
    if value is None or value == "":
        return cell
    if isinstance(value, dt.datetime):
        cell.setAttribute("valuetype", "date")
        cell.setAttribute("datevalue", value.replace(tzinfo=None).isoformat(timespec="seconds"))
        shown = f"{format_be_date(value)} {value:%H:%M:%S}"  # as the data style shows it
    elif isinstance(value, dt.date):
        cell.setAttribute("valuetype", "date")
        cell.setAttribute("datevalue", value.isoformat())
        shown = format_be_date(value)  # Buddhist Era, as the data style shows it
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.setAttribute("valuetype", "float")
        cell.setAttribute("value", repr(float(value)))
        shown = {"amount": f"{value:,.2f}", "percent": f"{value:.2f}", "whole": f"{value:.0f}"}.get(kind, f"{value:g}")
    else:
        # Never a formula: odfpy writes no table:formula unless asked, whatever the text starts with.
        cell.setAttribute("valuetype", "string")
        shown = _clean(str(value))
    for line in shown.split("\n"):
        paragraph = P()
        teletype.addTextToElement(paragraph, line)  # keeps runs of spaces and tabs
        cell.addElement(paragraph)
    return cell


def _clean(text: str) -> str:
    """Text a cell can hold: no XML-illegal control characters, at most the cell limit long."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= CELL_MAX else text[:CELL_MAX - 1] + "…"


def _charts(doc: OpenDocumentSpreadsheet, sheet: Sheet, spec: ChartSpec, header_pt: float) -> Shapes:
    """One embedded line chart per block, stacked right of the table, each near its rows."""
    shapes = Shapes()
    x_cm = sum(c.width for c in sheet.columns) * CM_PER_EXCEL_UNIT + GAP_CM
    head = header_row(sheet)
    above = ROW_HEIGHT if sheet.banner else 0.0
    for n, (block, (first, top, _)) in enumerate(zip(spec.blocks, chart_spans(spec, head)), start=1):
        last = block.last + head + 1
        y_cm = (above + header_pt + (top - head - 1) * ROW_HEIGHT) / PT_PER_CM

        def column(index: int) -> str:
            letter = get_column_letter(index + 1)
            return sheet_address(sheet.name, f"${letter}${first}:${letter}${last}")
        href = doc.addObject(_chart_document(sheet.name, spec, block.title, column, head))
        frame = Frame(name=f"Chart {n}", zindex=str(n - 1), width=f"{CHART_WIDTH_CM}cm",
                      height=f"{CHART_HEIGHT_CM}cm", x=f"{x_cm:.3f}cm", y=f"{y_cm:.3f}cm")
        ranges = " ".join(column(i) for i in (spec.category, spec.primary, spec.secondary))
        # notify-on-update-of-ranges is what ties the object to the cells, so Calc redraws it.
        frame.addElement(Object(href=href, type="simple", show="embed", actuate="onLoad",
                                notifyonupdateofranges=ranges))
        shapes.addElement(frame)
    return shapes


def _chart_document(sheet_name: str, spec: ChartSpec, title: str, column: Any, head: int) -> OpenDocument:
    """A line chart: ``primary`` on the left axis (0–100), ``secondary`` on the right one, each named
    by its column's heading on row ``head`` (1-based: below the generated-at line, when there is one)."""
    chart_doc = OpenDocumentChart()
    styles: dict[str, tuple[Element, ...]] = {
        "axis100": (ChartProperties(displaylabel="true", minimum="0", maximum="100"),),
        "axis": (ChartProperties(displaylabel="true"),),
        "wall": (GraphicProperties(fill="solid", fillcolor="#FFFFFF"),)}
    for name, colour in SERIES_COLOURS.items():
        # Each series its own colour: without one, Calc draws both in its first default colour.
        # Monthly figures: straight segments with a point per report, no invented curves.
        styles[name] = (ChartProperties(interpolation="none", symboltype="automatic"),
                        GraphicProperties(strokecolor=colour, fillcolor=colour, strokewidth="0.05cm"))
    for name, properties in styles.items():
        style = Style(name=name, family="chart")
        for element in properties:
            style.addElement(element)
        chart_doc.automaticstyles.addElement(style)
    # chart_doc.chart is the office:chart body; the chart:chart goes inside it.
    chart = Chart(width=f"{CHART_WIDTH_CM}cm", height=f"{CHART_HEIGHT_CM}cm", attributes={"class": "chart:line"})
    chart_doc.chart.addElement(chart)
    _titled(chart, title)
    chart.addElement(Legend(legendposition="bottom"))
    plot = PlotArea(cellrangeaddress=" ".join(column(i) for i in (spec.category, spec.primary, spec.secondary)),
                    datasourcehaslabels="none")
    x_axis = _titled(Axis(dimension="x", name="primary-x", stylename="axis"), "รายงานครั้งที่")
    x_axis.addElement(Categories(cellrangeaddress=column(spec.category)))
    plot.addElement(Wall(stylename="wall"))
    plot.addElement(x_axis)
    plot.addElement(_titled(Axis(dimension="y", name="primary-y", stylename="axis100"), spec.primary_title))
    plot.addElement(_titled(Axis(dimension="y", name="secondary-y", stylename="axis"), spec.secondary_title))
    for (index, axis), style in zip(((spec.primary, "primary-y"), (spec.secondary, "secondary-y")), SERIES_COLOURS):
        letter = get_column_letter(index + 1)
        plot.addElement(Series(valuescellrangeaddress=column(index), attachedaxis=axis, stylename=style,
                               labelcelladdress=sheet_address(sheet_name, f"${letter}${head}"),
                               attributes={"class": "chart:line"}))
    chart.addElement(plot)
    return chart_doc


def _titled(element: Element, text: str) -> Element:
    """``element`` (a chart, an axis) with a chart:title child holding ``text``."""
    title = Title()
    title.addElement(P(text=text))
    element.addElement(title)
    return element


def _view_settings(doc: OpenDocumentSpreadsheet, sheets: list[Sheet]) -> None:
    """Frozen header row and key columns on the visible sheets; the first sheet is the active one."""
    tables = ConfigItemMapNamed(name="Tables")
    for sheet in sheets:
        if sheet.hidden:
            continue
        entry = ConfigItemMapEntry(name=sheet.name)
        # Split mode 2 is "frozen"; the positions count columns / rows, as Calc itself writes them.
        for name, kind, value in (("HorizontalSplitMode", "short", 2 if sheet.freeze_columns else 0),
                                  ("VerticalSplitMode", "short", 2), ("HorizontalSplitPosition", "int",
                                                                      sheet.freeze_columns),
                                  ("VerticalSplitPosition", "int", header_row(sheet)), ("ActiveSplitRange", "short", 2),
                                  ("PositionLeft", "int", 0), ("PositionRight", "int", sheet.freeze_columns),
                                  ("PositionTop", "int", 0), ("PositionBottom", "int", header_row(sheet))):
            entry.addElement(ConfigItem(name=name, type=kind, text=str(value)))
        tables.addElement(entry)
    view = ConfigItemMapEntry()
    view.addElement(ConfigItem(name="ViewId", type="string", text="view1"))
    view.addElement(tables)
    view.addElement(ConfigItem(name="ActiveTable", type="string", text=sheets[0].name if sheets else ""))
    views = ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    doc.settings.addElement(settings)
