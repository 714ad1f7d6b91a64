"""ODF styles for the .ods writer: cell, column, row, table and page styles, built per document.

A :class:`StyleBook` belongs to one :class:`~odf.opendocument.OpenDocument`; it creates each
distinct style once and hands out its name, so a sheet of hundreds of cells needs only a dozen
styles. Nothing here is module-level mutable state: two documents never share a style object.
"""

from __future__ import annotations

from typing import Callable, Sequence

from odf import number
from odf.element import Element
from odf.namespaces import STYLENS
from odf.opendocument import OpenDocument
from odf.style import (FontFace, Footer, FooterStyle, Header, HeaderFooterProperties, HeaderStyle, Map, MasterPage,
                       PageLayout, PageLayoutProperties, ParagraphProperties, Style, TableCellProperties,
                       TableColumnProperties, TableProperties, TableRowProperties, TextProperties)
from odf.text import P, PageCount, PageNumber, SheetName

from ..template.metrics import PT_PER_UNIT
from ..template.plan import AMOUNT_FORMAT, BE_DATE_FORMAT, BE_DATETIME_FORMAT, FRACTION_FORMATS, CellStyle, PageSetup

#: Excel column-width units to centimetres, as Calc lays out an .xlsx (7 pt a unit, see
#: sheetsync.template.metrics), so that the .ods and the .xlsx of one plan print alike.
CM_PER_EXCEL_UNIT = PT_PER_UNIT * 2.54 / 72
#: One Excel indent level, as LibreOffice itself converts it on importing an .xlsx (0.1457 in).
CM_PER_INDENT = 0.37
#: Paper sizes (width, height) in cm, portrait.
PAPER_CM = {"A4": (21.0, 29.7), "LETTER": (21.59, 27.94)}
#: What LibreOffice writes for an .xlsx "thin" border.
THIN_BORDER = "0.74pt solid #000000"
_ALIGN = {"left": "start", "center": "center", "right": "end"}


def sheet_address(sheet: str, ref: str) -> str:
    """A cell or range address on ``sheet`` in ODF syntax, e.g. ``'แบบรายงาน'.B37``.

    The sheet name is always quoted: names with spaces or Thai marks need it, and quoting
    is valid for every name.
    """
    quoted = "'" + sheet.replace("'", "''") + "'"
    return ":".join(f"{quoted}.{part}" for part in ref.split(":"))


class StyleBook:
    """The styles of one spreadsheet document, created on first use and cached by attributes."""

    def __init__(self, doc: OpenDocument, sheet: str = "") -> None:
        """Start an empty style book for ``doc`` (styles are added to it as they are asked for).

        :param sheet: the sheet whose cells use the cell styles: their conditions are relative to a
            cell of it (A1, or for an amount's satang the cell itself).
        """
        self._doc = doc
        self._sheet = sheet
        self._base_cell = sheet_address(sheet, "A1") if sheet else ""
        self._names: dict[tuple[object, ...], str] = {}
        self._fonts: set[str] = set()

    def _named(self, key: tuple[object, ...], prefix: str, build: Callable[[str], Element],
               container: Element | None = None) -> str:
        """The name of the style for ``key``, building and registering it the first time."""
        name = self._names.get(key)
        if name is None:
            name = f"{prefix}{sum(1 for k in self._names if k[0] == key[0]) + 1}"
            # Page layouts too go to the automatic styles: odfpy moves those used by master
            # pages into styles.xml when saving.
            (self._doc.automaticstyles if container is None else container).addElement(build(name))
            self._names[key] = name
        return name

    def font(self, family: str) -> str:
        """Declare the font face ``family`` once; ODF styles refer to faces, not families."""
        if family not in self._fonts:
            quoted = f"'{family}'" if " " in family else family
            self._doc.fontfacedecls.addElement(FontFace(name=family, fontfamily=quoted,
                                                        fontfamilygeneric="swiss", fontpitch="variable"))
            self._fonts.add(family)
        return family

    def cell(self, style: CellStyle, locked: bool, mark: tuple[str, str] | None = None, at: str = "") -> str:
        """Name of the cell style for ``style`` with the given protection.

        :param mark: a finding's fill ("RRGGBB") and the OpenFormula condition under which it shows
            (a marked-up copy: see :mod:`sheetsync.template.marks`).
        :param at: the cell (A1; a merged block's first) that uses the style. An amount's satang
            condition is written on the cell itself, with the cell as its base: one style per amount
            cell. Calc makes one conditional format of every cell that shares a style's condition,
            and its .xlsx export writes the formula as it is relative to its base (``MOD(A1,1)`` over
            ``F6:G7 D25:E28 …``), where Excel and Calc read it relative to the range's first cell:
            a base that is that first cell reads the same in both (tests/test_teacher_calc.py).
        """
        at = at if self._sheet and style.number_format in FRACTION_FORMATS else ""
        return self._named(("cell", style, locked, mark, at), "ce",
                           lambda name: self._cell_style(name, style, locked, mark, at))

    def _cell_style(self, name: str, style: CellStyle, locked: bool, mark: tuple[str, str] | None = None,
                    at: str = "") -> Style:
        font = self.font(style.font)
        data_style = self.data_style(style.number_format)
        attrs = {"name": name, "family": "table-cell"}
        if data_style:
            attrs["datastylename"] = data_style
        element = Style(**attrs)
        cell_props: dict[str, str] = {"cellprotect": "protected" if locked else "none", "verticalalign": "top",
                                      "textalignsource": "fix"}  # "fix": use fo:text-align, not the value type
        if style.wrap:
            cell_props["wrapoption"] = "wrap"
        if style.shrink:
            cell_props["shrinktofit"] = "true"
        if style.fill:
            cell_props["backgroundcolor"] = f"#{style.fill.upper()}"
        if style.border:
            cell_props["border"] = THIN_BORDER
        element.addElement(TableCellProperties(**cell_props))
        element.addElement(ParagraphProperties(textalign=_ALIGN.get(style.align, "start"),
                                               marginleft=f"{style.indent * CM_PER_INDENT:.3f}cm"))
        size = f"{style.size:g}pt"
        text_props = {"fontname": font, "fontnameasian": font, "fontnamecomplex": font,
                      "fontsize": size, "fontsizeasian": size, "fontsizecomplex": size}
        # Thai is a complex script: without the -complex variants Calc renders it in its default font.
        if style.bold:
            text_props.update(fontweight="bold", fontweightasian="bold", fontweightcomplex="bold")
        if style.italic:
            text_props.update(fontstyle="italic", fontstyleasian="italic", fontstylecomplex="italic")
        element.addElement(TextProperties(**text_props))
        fraction = FRACTION_FORMATS.get(style.number_format)
        # Each cell itself, its row relative: a copy pasted down its column tests its own value. Its
        # column is fixed, or Calc, reopening an .ods it saved, joins the amount cells' identical
        # relative conditions into one again (and its .xlsx export loses them as described in cell()).
        has_fraction = f"MOD([.${at}];1)<>0" if at else "MOD([.A1];1)<>0"
        base = sheet_address(self._sheet, at) if at else self._base_cell
        # Calc applies the first true condition only: a marked amount's mark with its satang first.
        if mark is not None and fraction is not None:
            self._map(element, f"AND({mark[1]};{has_fraction})", self._mark_style(mark[0], fraction), base)
        if mark is not None:
            self._map(element, mark[1], self._mark_style(mark[0], None), base)
        if fraction is not None:  # a value with a fraction is shown in it: 10,000.50 บาท, never 10,001 บาท
            self._map(element, has_fraction, self._fraction_style(fraction), base)
        return element

    def _map(self, element: Style, formula: str, style: str, base: str) -> None:
        """Apply the common style ``style`` to the cells of ``element`` where ``formula`` (relative
        to the cell ``base``) is true."""
        attrs = {"condition": f"is-true-formula({formula})", "applystylename": style}
        if base:
            attrs["basecelladdress"] = base
        element.addElement(Map(**attrs))

    def _mark_style(self, fill: str, number_format: str | None) -> str:
        """A common cell style that only sets a finding's ``fill`` (and ``number_format``, for an
        amount with satang): what a mark's condition applies."""
        def build(name: str) -> Style:
            attrs = {"name": name, "family": "table-cell"}
            if number_format is not None:
                attrs["datastylename"] = self._named(("data-common", number_format), "NC", self._builder(number_format),
                                                     self._doc.styles)
            return _with(Style(**attrs), TableCellProperties(backgroundcolor=f"#{fill.upper()}"))
        return self._named(("mark", fill, number_format), "Mark", build, self._doc.styles)

    def _fraction_style(self, number_format: str) -> str:
        """A common cell style that only sets ``number_format``: what a condition applies (Calc takes
        only the attributes a style sets itself, so the cell keeps its font, borders and lock)."""
        def build(name: str) -> Style:
            # A common style's data style must live in styles.xml with it.
            data = self._named(("data-common", number_format), "NC", self._builder(number_format), self._doc.styles)
            return Style(name=name, family="table-cell", datastylename=data)
        return self._named(("fraction", number_format), "Fraction", build, self._doc.styles)

    def data_style(self, number_format: str) -> str | None:
        """Name of the data (number) style for an Excel number format; None for "General"."""
        if number_format == "General":
            return None
        return self._named(("data", number_format), "N", self._builder(number_format))

    @staticmethod
    def _builder(number_format: str) -> Callable[[str], Element]:
        builders: dict[str, Callable[[str], Element]] = {
            "@": _text_style, "#,##0.00": lambda n: _number_style(n, 2, True),
            "0": lambda n: _number_style(n, 0, False), BE_DATE_FORMAT: _buddhist_date_style,
            BE_DATETIME_FORMAT: _buddhist_datetime_style,
            AMOUNT_FORMAT: lambda n: _number_style(n, 0, True, " บาท"),
            FRACTION_FORMATS[AMOUNT_FORMAT]: lambda n: _number_style(n, 2, True, " บาท"),
        }
        if number_format not in builders:
            # Failing loudly beats an .ods that silently differs from the .xlsx of the same plan.
            raise ValueError(f"the .ods writer has no equivalent of number format {number_format!r}")
        return builders[number_format]

    def column(self, width_units: float) -> str:
        """Name of a column style ``width_units`` Excel characters wide."""
        return self._named(("col", width_units), "co", lambda name: _with(
            Style(name=name, family="table-column"),
            TableColumnProperties(columnwidth=f"{width_units * CM_PER_EXCEL_UNIT:.3f}cm", breakbefore="auto")))

    def row(self, height_pt: float | None, page_break: bool = False) -> str:
        """Name of a row style: of fixed height (merged cells, which Calc does not fit), or with
        None, of optimal height (Calc fits the row to its text, also to what is typed later);
        with ``page_break``, the row starts a printed page."""
        before = "page" if page_break else "auto"
        if height_pt is None:
            return self._named(("row", None, before), "ro", lambda name: _with(
                Style(name=name, family="table-row"),
                TableRowProperties(useoptimalrowheight="true", breakbefore=before)))
        return self._named(("row", height_pt, before), "ro", lambda name: _with(
            Style(name=name, family="table-row"),
            TableRowProperties(rowheight=f"{height_pt:g}pt", useoptimalrowheight="false", breakbefore=before)))

    def table(self, visible: bool, master_page: str | None) -> str:
        """Name of a table style: shown or hidden, printed with ``master_page``."""
        def build(name: str) -> Style:
            attrs = {"name": name, "family": "table"}
            if master_page:
                attrs["masterpagename"] = master_page
            return _with(Style(**attrs), TableProperties(display="true" if visible else "false"))
        return self._named(("table", visible, master_page), "ta", build)

    def master_page(self, page: PageSetup, footer: Sequence[tuple[str, str | None]] = (), header: str = "") -> str:
        """Name of a master page printing on ``page``'s paper, orientation, margins and scale.

        :param footer: a footer to print on every page, as (literal text, field) pairs; a field is
            ``sheet``, ``page`` or ``pages`` (none: no footer, as the official form prints).
        :param header: a line of text to print at the top of every page (none: no header).
        """
        key = (page.paper, page.orientation, page.fit_width, page.fit_pages_tall, page.fit_pages_wide,
               tuple(sorted(page.margins_cm.items())))
        layout = self._named(("layout", *key), "pm", lambda name: _page_layout(name, page))

        return self._named(("master", *key, tuple(footer), header), "PageStyle",
                           lambda name: _master_page(name, layout, footer, header), self._doc.masterstyles)


def _with(parent: Element, *children: Element) -> Element:
    for child in children:
        parent.addElement(child)
    return parent


def _text_line(text: str) -> P:
    line = P()
    line.addText(text)
    return line


def _text_style(name: str) -> Element:
    return _with(number.TextStyle(name=name), number.TextContent())


def _number_style(name: str, decimals: int, grouping: bool, suffix: str = "") -> Element:
    # Without number:min-decimal-places (unknown to odfpy) Calc keeps all the decimals: 0.00.
    attrs = {"decimalplaces": str(decimals), "minintegerdigits": "1"}
    if grouping:
        attrs["grouping"] = "true"
    style = _with(number.NumberStyle(name=name), number.Number(**attrs))
    if suffix:
        style.addElement(number.Text(text=suffix))
    return style


def _buddhist_date_style(name: str) -> Element:
    """d/m/yyyy in the Buddhist Era (28/2/2563), as LibreOffice writes for ``[$-107041E]d/m/yyyy``."""
    be = "buddhist"
    return _with(number.DateStyle(name=name, language="th", country="TH"),
                 number.Day(calendar=be), number.Text(text="/"), number.Month(calendar=be),
                 number.Text(text="/"), number.Year(style="long", calendar=be))


def _buddhist_datetime_style(name: str) -> Element:
    """d/m/yyyy hh:mm:ss in the Buddhist Era (1/12/2569 06:30:00), for ``[$-107041E]d/m/yyyy hh:mm:ss``."""
    style = _buddhist_date_style(name)
    for part in (number.Text(text=" "), number.Hours(style="long"), number.Text(text=":"),
                 number.Minutes(style="long"), number.Text(text=":"), number.Seconds(style="long")):
        style.addElement(part)
    return style


def _page_layout(name: str, page: PageSetup) -> PageLayout:
    width, height = PAPER_CM.get(page.paper.upper(), PAPER_CM["A4"])
    if page.orientation == "landscape":
        width, height = height, width
    props = PageLayoutProperties(pagewidth=f"{width}cm", pageheight=f"{height}cm",
                                 printorientation=page.orientation, tablecentering="horizontal")
    # Page numbers go on from the sheet before (what Calc writes); without it Calc starts again at 1
    # on each sheet whose page style differs from the one before.
    props.setAttrNS(STYLENS, "first-page-number", "continue")
    for side, cm in page.margins_cm.items():
        props.setAttribute(f"margin{side}", f"{cm}cm")
    if page.fit_width:
        # What Calc itself writes for "fit width to 1 page, height N pages (or automatic)":
        # style:scale-to-X / style:scale-to-Y, with scale-to-Y left out for "automatic".
        # odfpy's grammar only knows the loext: spelling, so the attributes are set by namespace.
        props.setAttrNS(STYLENS, "scale-to-X", str(max(page.fit_pages_wide, 1)))
        if page.fit_pages_wide > 1:
            props.setAttrNS(STYLENS, "print-page-order", "ltr")  # a row's pages across, one after another
        if page.fit_pages_tall > 0:
            props.setAttrNS(STYLENS, "scale-to-Y", str(page.fit_pages_tall))
    return _with(PageLayout(name=name), props, *_no_header_footer_styles())


#: Calc's own header/footer size (what it writes for a new sheet): used only if a teacher turns
#: a header or footer on, so that it is a line high and not as high as the page.
_HEADER_FOOTER = {"minheight": "0.75cm", "marginleft": "0cm", "marginright": "0cm"}


def _no_header_footer_styles() -> tuple[Element, Element]:
    """The page layout's header and footer sizes, as Calc writes them for a sheet of its own.

    Without them (an empty ``<style:header-style/>`` too) Calc sizes the header and the footer
    each as high as the page, which prints blank pages as soon as either is on.
    """
    return (_with(HeaderStyle(), HeaderFooterProperties(marginbottom="0.25cm", **_HEADER_FOOTER)),
            _with(FooterStyle(), HeaderFooterProperties(margintop="0.25cm", **_HEADER_FOOTER)))


def _master_page(name: str, layout: str, footer: Sequence[tuple[str, str | None]] = (),
                 header: str = "") -> MasterPage:
    """A master page on ``layout`` that prints ``header`` (none: no header) and ``footer`` (none: no footer).

    One not printed is written switched off (style:display="false"), as Calc writes it when it is
    turned off. With none written, Calc reads them as on (though empty, they print nothing), and
    its next save writes them as real headers and footers: with the page-high size Calc gives
    them, every page of the re-saved file printed blank (tests/test_print_resaved.py).
    """
    top = _with(Header(), _text_line(header)) if header else Header(display="false")
    if not footer:
        return _with(MasterPage(name=name, pagelayoutname=layout), top, Footer(display="false"))
    fields = {"sheet": SheetName, "page": PageNumber, "pages": PageCount}
    line = P()
    for literal, field in footer:
        if literal:
            line.addText(literal)
        if field in fields:
            line.addElement(fields[field]())
    return _with(MasterPage(name=name, pagelayoutname=layout), top, _with(Footer(), line))
