"""Render a :class:`~sheetsync.template.plan.TemplatePlan` as an ``.ods`` spreadsheet with odfpy.

The content matches what :mod:`sheetsync.formats.xlsx` writes for the same plan: a protected
input sheet (unlocked input cells, Buddhist-Era dates, Thai fonts), data validations translated
from Excel's formula syntax into ODF conditions, the page setup, and the hidden ``_sheetsync``
metadata table plus document properties.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections import Counter
from pathlib import Path

from odf import dc, meta, office, teletype
from odf.element import Element
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import (ContentValidation, ContentValidations, CoveredTableCell, ErrorMessage, HelpMessage, Table,
                       TableCell, TableColumn, TableHeaderRows, TableRow)
from odf.text import A, P

from ..spec.form import column_index, column_letter
from ..identity import META_SHEET
from ..template.sizing import held_rows
from ..template.plan import CellSpec, CellStyle, CellValue, SummarySheet, TemplatePlan, Validation
from .odf_styles import StyleBook, sheet_address

#: The only digest LibreOffice accepts besides SHA-1: SHA-256 over the UTF-8 password.
SHA256_URI = "http://www.w3.org/2000/09/xmldsig#sha256"
#: Excel's default column width, for columns the plan leaves out.
DEFAULT_WIDTH = 8.43
# An unqualified A1 reference or range (A1, $B$34, A1:C3) that is not part of a name or a
# function call such as LOG10(…).
_REF = r"\$?[A-Z]{1,3}\$?[0-9]+"
_REF_RE = re.compile(rf"(?<![A-Za-z0-9_.$:])({_REF})(?::({_REF}))?(?![A-Za-z0-9_(])")
# String literals of a formula ("" inside one is an escaped quote); split() keeps them at odd indexes.
_STRING_RE = re.compile(r'("(?:[^"]|"")*")')
_COMPARE = {"equal": "=", "notEqual": "!=", "greaterThan": ">", "lessThan": "<",
            "greaterThanOrEqual": ">=", "lessThanOrEqual": "<="}
# Calc 7.4 only reads the ODF grammar literally: "of:" once at the start, and "," between the
# bounds of ...-is-between(); "and of:cell-content-is-between(1;12)" is silently dropped.
_TYPE_CHECK = {"whole": "of:cell-content-is-whole-number() and ",
               "decimal": "of:cell-content-is-decimal-number() and "}


def write_plan(plan: TemplatePlan, path: Path) -> None:
    """Write ``plan`` to ``path`` as an .ods spreadsheet: protected sheet, validations, metadata."""
    doc = OpenDocumentSpreadsheet()
    book = StyleBook(doc, sheet=plan.sheet)
    validations = _Validations(plan.sheet)
    digest = password_digest(plan.password)
    sheet = _input_table(plan, book, validations, digest)
    hidden = _metadata_table(plan, book, digest)
    # content-validations must precede the tables, and an empty one is invalid ODF.
    if validations.element.childNodes:
        doc.spreadsheet.addElement(validations.element)
    if plan.summary is not None:
        doc.spreadsheet.addElement(_summary_table(plan.summary, plan.sheet, book, digest))
    doc.spreadsheet.addElement(sheet)
    doc.spreadsheet.addElement(hidden)
    _properties(doc, plan)
    doc.save(str(path))


def password_digest(password: str) -> str:
    """The ``table:protection-key`` LibreOffice accepts: base64 of SHA-256 over the UTF-8 password.

    (LibreOffice rejects SHA-256 over UTF-16LE, which is what Excel's own scheme would suggest.)
    """
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest()).decode("ascii")


def odf_formula(excel: str) -> str:
    """Translate an Excel formula (no leading "=") into OpenFormula as used in ODF conditions.

    Unqualified references become ``[.A1]`` / ``[.A1:.B2]`` and argument separators ``;``;
    string literals are left alone. Sheet-qualified references are not supported (plans have none).
    """
    return _translate(excel)[0]




def _translate(excel: str) -> tuple[str, bool]:
    """The OpenFormula text of ``excel`` and whether it refers to any cell."""
    parts = _STRING_RE.split(excel)
    has_refs = False
    for i in range(0, len(parts), 2):  # even indexes are outside string literals
        code, count = _REF_RE.subn(lambda m: f"[.{m[1]}:.{m[2]}]" if m[2] else f"[.{m[1]}]", parts[i])
        has_refs = has_refs or count > 0
        parts[i] = code.replace(",", ";")
    return "".join(parts), has_refs


def condition(rule: Validation) -> tuple[str, bool]:
    """The ODF ``table:condition`` for ``rule`` and whether it refers to cells (then it cannot be shared)."""
    if rule.kind == "list":
        items = ";".join('"' + choice.replace('"', '""') + '"' for choice in rule.choices)
        return f"of:cell-content-is-in-list({items})", False
    if rule.kind == "custom":
        formula, refs = _translate(rule.formula1 or "TRUE()")
        return f"of:is-true-formula({formula})", refs
    first, refs1 = _translate(rule.formula1 or "0")
    second, refs2 = _translate(rule.formula2 or "0")
    operator = rule.operator or "between"
    if rule.kind == "text_length":
        subject = "of:cell-content-text-length"
    elif rule.kind in _TYPE_CHECK:
        subject = _TYPE_CHECK[rule.kind] + "cell-content"
    else:
        raise ValueError(f"the .ods writer cannot express a {rule.kind!r} validation")
    if operator in ("between", "notBetween"):
        negation = "not-" if operator == "notBetween" else ""
        return f"{subject}-is-{negation}between({first},{second})", refs1 or refs2
    if operator not in _COMPARE:
        raise ValueError(f"the .ods writer cannot express validation operator {operator!r}")
    return f"{subject}(){_COMPARE[operator]}{first}", refs1


class _Validations:
    """The document's ``table:content-validations``, sharing definitions where that is safe."""

    def __init__(self, sheet: str) -> None:
        self.element = ContentValidations()
        self._sheet = sheet
        self._shared: dict[Validation, str] = {}

    def name_for(self, rule: Validation, ref: str) -> str:
        """Name of a validation applying ``rule`` to the cell ``ref`` (created when needed)."""
        text, has_refs = condition(rule)
        # A condition with cell references is relative to its base cell, so such rules get one
        # definition per cell; the others are identical wherever they apply.
        if not has_refs and rule in self._shared:
            return self._shared[rule]
        name = f"val{len(self.element.childNodes) + 1}"
        attrs = {"name": name, "condition": text, "basecelladdress": sheet_address(self._sheet, ref),
                 "allowemptycell": "true" if rule.allow_blank else "false"}
        if rule.kind == "list":
            attrs["displaylist"] = "unsorted"
        element = ContentValidation(**attrs)
        element.addElement(_paragraphs(HelpMessage(title=rule.prompt_title, display="true"), rule.prompt))
        element.addElement(_paragraphs(ErrorMessage(title=rule.error_title, messagetype="stop", display="true"),
                                       rule.error))
        self.element.addElement(element)
        if not has_refs:
            self._shared[rule] = name
        return name


def _paragraphs(parent: Element, text: str) -> Element:
    """Add ``text`` to ``parent`` as one text:p per line (ODF has no newline inside a paragraph)."""
    for line in text.split("\n"):
        paragraph = P()
        teletype.addTextToElement(paragraph, line)  # keeps runs of spaces and tabs
        parent.addElement(paragraph)
    return parent


def _input_table(plan: TemplatePlan, book: StyleBook, validations: _Validations, digest: str) -> Table:
    table = Table(name=plan.sheet, stylename=book.table(True, book.master_page(plan.page)),
                  protected="true", protectionkey=digest, protectionkeydigestalgorithm=SHA256_URI,
                  printranges=sheet_address(plan.sheet, plan.page.print_area))
    grid: dict[tuple[int, int], tuple[CellSpec, bool]] = {}
    for spec in plan.cells:
        place = spec.place
        for row in range(place.row, place.last_row + 1):
            for col in range(place.col, place.last_col + 1):
                grid[(row, col)] = (spec, (row, col) == (place.row, place.col))
    last_row = max([r for r, _ in grid] + list(plan.row_heights), default=1)
    last_col = max([c for _, c in grid] + [column_index(k) for k in plan.column_widths], default=1)
    # Cells outside the plan are locked too (Calc's own default is "protected" as well), in the
    # sheet's most common font so that a pasted value does not look foreign.
    fonts = Counter((c.style.font, c.style.size) for c in plan.cells)
    font, size = fonts.most_common(1)[0][0] if fonts else (CellStyle.font, CellStyle.size)
    blank = book.cell(CellStyle(font=font, size=size), True)
    for col in range(1, last_col + 1):
        width = plan.column_widths.get(column_letter(col), DEFAULT_WIDTH)
        table.addElement(TableColumn(stylename=book.column(width), defaultcellstylename=blank))
    repeat = plan.page.repeat_rows
    # Rows printed atop every page sit inside table:table-header-rows (Calc's print titles).
    header_rows = TableHeaderRows() if repeat else None
    fitted = (plan.fit_rows - held_rows(plan.fit_rows, plan.cells)) | plan.grow_rows  # see held_rows
    for row in range(1, last_row + 1):
        height = plan.row_heights.get(row)
        if row in fitted:  # Calc fits them (merged inputs too: grow_rows)
            # No height with them: Calc takes a row given one as sized by hand, and no longer fits it.
            element = TableRow(stylename=book.row(None))
        else:
            element = TableRow(stylename=book.row(height)) if height else TableRow()
        for col in range(1, last_col + 1):
            if (row, col) not in grid:
                element.addElement(TableCell(stylename=blank))
                continue
            spec, anchor = grid[(row, col)]
            element.addElement(_cell(spec, anchor, book, validations))
        if repeat and header_rows is not None and repeat[0] <= row <= repeat[1]:
            header_rows.addElement(element)
            if row == repeat[1]:
                table.addElement(header_rows)
        else:
            table.addElement(element)
    return table


def _cell(spec: CellSpec, anchor: bool, book: StyleBook, validations: _Validations) -> Element:
    """The anchor of a (merged) cell with its value, or one of the cells it covers."""
    mark = (spec.mark.fill, odf_formula(spec.mark.condition)) if spec.mark is not None else None
    attrs = {"stylename": book.cell(spec.style, spec.locked, mark, at=spec.place.ref)}
    if spec.validation is not None and not spec.locked:
        # Covered cells carry the rule too, so a converted .xlsx validates the whole merged range
        # as the .xlsx writer does.
        attrs["contentvalidationname"] = validations.name_for(spec.validation, spec.place.ref)
    if not anchor:
        # Same style as the anchor: a covered cell keeps its own protection flag and borders.
        return CoveredTableCell(**attrs)
    place = spec.place
    if place.last_col > place.col:
        attrs["numbercolumnsspanned"] = str(place.last_col - place.col + 1)
    if place.last_row > place.row:
        attrs["numberrowsspanned"] = str(place.last_row - place.row + 1)
    cell = TableCell(**attrs)
    if spec.note:
        # The annotation must come before the cell's own paragraphs.
        note = office.Annotation()
        note.addElement(dc.Creator(text="sheetsync"))
        cell.addElement(_paragraphs(note, spec.note))
    return _with_value(cell, spec.value)


def _summary_table(summary: SummarySheet, form_sheet: str, book: StyleBook, digest: str) -> Table:
    """The protected findings sheet placed first; column A links to each cell on the form."""
    page = book.master_page(summary.page) if summary.page is not None else None
    attrs = {"printranges": sheet_address(summary.name, summary.page.print_area)} if summary.page else {}
    if not summary.printed:
        attrs = {"print": "false"}  # ODF 1.2: the sheet is not printed (Calc's print range "none")
    table = Table(name=summary.name, stylename=book.table(True, page), protected="true", protectionkey=digest,
                  protectionkeydigestalgorithm=SHA256_URI, **attrs)
    for width in summary.widths:
        table.addElement(TableColumn(stylename=book.column(width)))
    head = book.cell(CellStyle(bold=True, fill="E8EEF7", border=True), True)
    # The header row repeats atop every printed page; every row fits its wrapped text.
    header = TableHeaderRows()
    header.addElement(_text_row(summary.header, head, book.row(None)))
    table.addElement(header)
    for index, row in enumerate(summary.rows):
        fill = summary.fills[index] if summary.fills else None
        element = _text_row(row[1:], book.cell(CellStyle(fill=fill, border=True), True), book.row(None))
        first = TableCell(stylename=book.cell(CellStyle(fill=fill, border=True), True), valuetype="string")
        target = summary.links[index]
        if target:
            # Calc drops a <text:line-break/> inside a link ("D39(รายงานครั้งที่ 3)"): the cell's
            # name is the link, what follows it paragraphs of their own, as in _paragraphs.
            name, *rest = str(row[0]).split("\n")
            link = A(href="#" + sheet_address(form_sheet, target), type="simple")
            teletype.addTextToElement(link, name)
            paragraph = P()
            paragraph.addElement(link)
            first.addElement(paragraph)
            if rest:
                _paragraphs(first, "\n".join(rest))
        else:
            _paragraphs(first, str(row[0]))
        element.insertBefore(first, element.firstChild)
        table.addElement(element)
    return table


def _text_row(values: tuple[CellValue, ...], style: str, row_style: str) -> TableRow:
    """A row of text cells (findings quote what schools typed: always text, never formulas)."""
    row = TableRow(stylename=row_style)
    for value in values:
        row.addElement(_with_value(TableCell(stylename=style), "" if value is None else str(value)))
    return row


def _with_value(cell: TableCell, value: CellValue) -> TableCell:
    """Give ``cell`` its typed value; text becomes one paragraph per line."""
    if value is None or value == "":
        return cell
    if isinstance(value, bool):  # before int: bool is an int subclass
        cell.setAttribute("valuetype", "boolean")
        cell.setAttribute("booleanvalue", "true" if value else "false")
    elif isinstance(value, (int, float)):
        cell.setAttribute("valuetype", "float")
        cell.setAttribute("value", repr(value) if isinstance(value, float) else str(value))
    elif isinstance(value, dt.datetime):
        cell.setAttribute("valuetype", "date")
        cell.setAttribute("datevalue", value.replace(tzinfo=None).isoformat(timespec="seconds"))
    elif isinstance(value, dt.date):
        cell.setAttribute("valuetype", "date")
        cell.setAttribute("datevalue", value.isoformat())
    else:
        cell.setAttribute("valuetype", "string")
        _paragraphs(cell, str(value))
    return cell


def _metadata_table(plan: TemplatePlan, book: StyleBook, digest: str) -> Table:
    """The hidden, protected ``_sheetsync`` table: one row per metadata tuple, all text."""
    table = Table(name=META_SHEET, stylename=book.table(False, None), protected="true", protectionkey=digest,
                  protectionkeydigestalgorithm=SHA256_URI)
    style = book.cell(CellStyle(wrap=False), True)
    width = max((len(row) for row in plan.metadata), default=1)
    table.addElement(TableColumn(numbercolumnsrepeated=str(width), defaultcellstylename=style))
    for row in plan.metadata or ((),):
        element = TableRow()
        for item in row:
            # Always strings: IDs and hashes must not turn into numbers or dates on reading.
            element.addElement(_with_value(TableCell(stylename=style), str(item)))
        if not row:
            element.addElement(TableCell(stylename=style))
        table.addElement(element)
    return table


def _properties(doc: OpenDocumentSpreadsheet, plan: TemplatePlan) -> None:
    doc.meta.addElement(dc.Title(text=plan.title))
    doc.meta.addElement(meta.InitialCreator(text="sheetsync"))
    for name, value in plan.properties.items():
        # Every property is a string, so that none is turned into a float on a round trip.
        doc.meta.addElement(meta.UserDefined(name=name, valuetype="string", text=value))

