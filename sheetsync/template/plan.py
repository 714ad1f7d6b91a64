"""What a template holds, cell by cell, before any file format is involved.

:func:`build_plan` turns a :class:`~sheetsync.spec.form.Form` (plus optional prefill data) into a
:class:`TemplatePlan`: every cell's value, style, lock and data validation, the page setup and
the metadata rows. The ``.xlsx`` and ``.ods`` backends only render a plan, which keeps the two
formats alike in content by construction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from typing import Any, Iterator

from ..identity import OFFICE, KeyArg
from ..messages import render
from ..spec.form import Field, Form, Placement, Table, column_letter
from . import sizing
from .stamp import issued_rows, properties, restamped_rows
from .prefill import prefill_values

CellValue = str | int | float | dt.date | None

#: Buddhist-Era date format that survives LibreOffice and Excel round trips (see DESIGN.md); used
#: for dates the office shows (master), never for cells people type into (see :func:`_date_rule`).
BE_DATE_FORMAT = "[$-107041E]d/m/yyyy"
#: The same with the time, for when a file came (the master's file log): 1/12/2569 06:30:00.
BE_DATETIME_FORMAT = "[$-107041E]d/m/yyyy hh:mm:ss"
#: Amounts as the form writes them: "180,000 บาท".
AMOUNT_FORMAT = '#,##0" บาท"'
#: The number format a value with a fraction is shown in instead (a conditional format in both
#: writers): the form prints whole baht ("180,000 บาท"), but 10,000.50 must never show as 10,001.
FRACTION_FORMATS = {AMOUNT_FORMAT: '#,##0.00" บาท"'}
#: The condition for it, in Excel's syntax, on the cell ``{ref}`` itself.
FRACTION_CONDITION = "MOD({ref},1)<>0"
NUMBER_FORMATS = {"date": "@", "amount": AMOUNT_FORMAT, "number": "General", "whole": "0", "percent": "@", "text": "@",
                  "lines": "General", "choice": "General", "auto": "General"}
#: Kinds whose value is one short line: shrunk to the cell's width rather than wrapped. An amount
#: too: with its satang a six-digit one ("169,999.50 บาท") is wider than the report's column, and
#: Calc printed it as ### in an .ods (and split "บาท" onto a second line in an .xlsx).
ONE_LINE = ("date", "amount")
#: Numbers sit on the right, as on the paper form.
RIGHT_ALIGNED = ("amount", "number", "percent", "whole")
#: Excel shows "####" for Text-formatted cells longer than 255 characters, so long fields stay General.
LONG_TEXT = 255
DEFAULT_PASSWORD = "sheetsync"


@dataclass(frozen=True)
class CellStyle:
    """How a cell looks; backends map it to openpyxl / ODF styles."""

    font: str = "TH Sarabun New"
    size: float = 16.0
    bold: bool = False
    italic: bool = False
    align: str = "left"  # left | center | right
    indent: int = 0
    wrap: bool = True
    shrink: bool = False  # shrink the text to the cell's width (a one-line value: a date)
    fill: str | None = None  # "RRGGBB"
    border: bool = False
    number_format: str = "General"


@dataclass(frozen=True)
class Validation:
    """A data-validation rule in Excel's formula syntax (backends translate for ODF)."""

    kind: str  # list | whole | decimal | text_length | custom
    formula1: str | None = None
    formula2: str | None = None
    operator: str | None = None  # between | lessThanOrEqual | greaterThanOrEqual
    choices: tuple[str, ...] = ()
    allow_blank: bool = True
    prompt_title: str = ""
    prompt: str = ""
    error_title: str = ""
    error: str = ""


@dataclass(frozen=True)
class Mark:
    """A finding's colour on a cell, shown only while ``condition`` (Excel's syntax, absolute
    references) holds: while the cells it was found on still hold what was found."""

    fill: str  # "RRGGBB"
    condition: str


@dataclass(frozen=True)
class CellSpec:
    """One cell (or merged block) of the template."""

    place: Placement
    value: CellValue
    style: CellStyle
    locked: bool
    role: str  # label | input | auto | prefill
    validation: Validation | None = None
    pointer: str | None = None  # JSON pointer of the data behind an input cell
    kind: str = ""  # the field's kind (see sheetsync.spec.form.KINDS); "" for labels
    note: str | None = None  # a comment shown on the cell (findings in a marked-up file)
    mark: Mark | None = None  # a conditional fill over the style's (findings in a marked-up file)


@dataclass(frozen=True)
class PageSetup:
    """Paper, orientation, scaling, margins and print area of the input sheet."""

    paper: str
    orientation: str
    fit_width: bool
    fit_pages_tall: int  # 0: as many pages as needed
    margins_cm: dict[str, float]
    print_area: str
    repeat_rows: tuple[int, int] | None = None  # first and last row printed atop every page
    fit_pages_wide: int = 1  # with fit_width: how many pages across the sheet is fitted to


@dataclass(frozen=True)
class SummarySheet:
    """A read-only first sheet listing findings, each row linking to its cell on the form."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    links: tuple[str | None, ...]  # per row: the A1 cell on the form sheet that column A jumps to
    widths: tuple[float, ...]
    fills: tuple[str | None, ...] = ()  # per row: "RRGGBB" background
    heights: tuple[float, ...] = ()  # points, the header row first: wrapped text shown whole
    page: PageSetup | None = None  # how it prints (landscape, fit to width, header repeated)
    #: False: for the screen only, left out when the whole workbook is printed (Calc's default,
    #: Excel's "Print Entire Workbook"), so that the paper holds the form and nothing else.
    printed: bool = True


@dataclass(frozen=True)
class TemplatePlan:
    """A whole template: the input sheet, its page setup and the hidden metadata."""

    title: str
    sheet: str
    cells: tuple[CellSpec, ...]
    column_widths: dict[str, float]
    row_heights: dict[int, float]  # points; for fit_rows only an estimate the program may change
    page: PageSetup
    password: str
    metadata: tuple[tuple[str, ...], ...]
    properties: dict[str, str] = field(default_factory=dict)
    summary: SummarySheet | None = None
    fit_rows: frozenset[int] = frozenset()  # rows the program fits to their text (no fixed height)
    grow_rows: frozenset[int] = frozenset()  # rows of merged inputs that Calc fits in an .ods (sizing.growing_rows)


def build_plan(form: Form, data: dict[str, Any] | None = None, *, recipient: str | None = None,
               password: str | None = None, lock_rows: bool = False,
               issued: dt.datetime | None = None, template_id: str | None = None,
               key: KeyArg = OFFICE, record_open: bool = False) -> TemplatePlan:
    """Lay out ``form`` as cells, prefilled with ``data`` (the form's JSON shape, any part of it).

    :param recipient: recorded in the metadata so returned files can be traced to a school.
    :param key: the secret that signs the template's identity (:mod:`sheetsync.identity`): by
        default the office key (created on first use); ``None`` for an unsigned template.
    :param password: sheet-protection password (a guard rail; the fingerprint is the real check).
    :param lock_rows: also lock prefilled rows of tables that are editable by default (reports),
        and leave the layout's ``signature`` fields empty: next period's template.
    :param record_open: also record what the open cells hold as issued (:data:`~.fingerprint.OPEN`), so that the
        template returned with nothing typed in it is told from a filled file (the office's templates
        for its schools; a file made to stand for a filled one leaves it out).
    :raises DataError: when ``data`` does not fit the form.
    """
    values = prefill_values(form, data or {})
    # Signature lines are signed by hand: never locked. Next period's templates (lock_rows) also
    # leave them empty, to sign anew; a first template keeps a prefilled name (a round trip of a
    # filled report reads back the same), open for whoever signs this time to type over.
    signature = frozenset(form.layout.get("signature", ()))
    cells = [*_label_cells(form), *_field_cells(form, values, signature, emptied=lock_rows),
             *_table_cells(form, values, lock_rows)]
    meta = issued_rows(form, cells, recipient=recipient, issued=issued or dt.datetime.now(dt.timezone.utc),
                       template_id=template_id, key=key, record_open=record_open)
    widths = sizing.column_widths(form, cells)
    fit = sizing.fit_rows(form)
    heights = sizing.row_heights(form, cells, widths)
    return TemplatePlan(
        title=form.title, sheet=form.sheet, cells=tuple(cells), column_widths=widths,
        row_heights=heights, fit_rows=fit - sizing.settled_rows(fit, cells),
        grow_rows=sizing.growing_rows(form, cells, heights),
        page=_page(form, cells),
        password=password or DEFAULT_PASSWORD, metadata=meta,
        properties=properties(meta),
    )


def _base_style(form: Form, name: str | None, kind: str = "auto") -> CellStyle:
    font = form.layout.get("font", {})
    extra = dict(form.layout.get("styles", {}).get(name, {})) if name else {}
    return CellStyle(
        font=str(font.get("name", "TH Sarabun New")), size=float(extra.get("size", font.get("size", 16))),
        bold=bool(extra.get("bold", False)), italic=bool(extra.get("italic", False)),
        align=str(extra.get("align", "right" if kind in RIGHT_ALIGNED else "left")), indent=int(extra.get("indent", 0)),
        fill=extra.get("fill"), border=bool(extra.get("border", False)),
        number_format=NUMBER_FORMATS.get(kind, "General"),
        # A date is one line: typed in Thai digits (๒๙/๑๑/๒๕๖๒, wider) it shrinks, never wraps mid-year;
        # an amount with satang shrinks rather than printing ###.
        wrap=kind not in ONE_LINE, shrink=kind in ONE_LINE,
    )


def _label_cells(form: Form) -> Iterator[CellSpec]:
    for label in form.labels:
        yield CellSpec(label.place, label.text, _base_style(form, label.style), True, "label")


def _field_cells(form: Form, values: dict[str, CellValue], signature: frozenset[str],
                 emptied: bool) -> Iterator[CellSpec]:
    # Fields a school keeps up to date (the budget used so far, who is responsible) stay open when
    # prefilled: locked at last period's value, a later cross-check could never be satisfied.
    kept_open = frozenset(form.layout.get("open_prefilled", ())) | signature
    for f in form.fields:
        value = None if emptied and f.pointer in signature else values.get(f.pointer)
        yield _input_cell(form, f, f.place, f.pointer, value, lock_if_filled=f.pointer not in kept_open)


def _table_cells(form: Form, values: dict[str, CellValue], lock_rows: bool) -> Iterator[CellSpec]:
    for table in form.tables:
        lock = table.lock_prefilled or lock_rows
        for n, row in enumerate(range(table.first_row, table.last_row + 1), start=1):
            row_filled = any(values.get(_row_pointer(table, n, c)) not in (None, "") for c in table.columns
                             if not c.auto)
            for col in table.columns:
                place = col.place.at_row(row)
                if col.auto is not None:
                    yield CellSpec(place, col.auto_label(n), _base_style(form, col.style or "auto"), True,
                                   "auto", pointer=_row_pointer(table, n, col) if col.pointer else None)
                    continue
                yield _input_cell(form, col, place, _row_pointer(table, n, col),
                                  values.get(_row_pointer(table, n, col)), lock_if_filled=lock and row_filled)


def _row_pointer(table: Table, n: int, col: Field) -> str:
    """Pointer of a column on the n-th row of the block, as :func:`prefill_values` keys it."""
    return f"{table.pointer}/#{n}" + (f"/{col.pointer}" if col.pointer else "")


def _input_cell(form: Form, f: Field, place: Placement, pointer: str, value: CellValue,
                lock_if_filled: bool) -> CellSpec:
    locked = lock_if_filled and value not in (None, "")
    # Prefilled cells keep the input look (border, fill): a table has no holes on paper.
    style = _base_style(form, f.style or "input", f.kind)
    if f.kind == "text" and int(f.schema.get("maxLength", 0)) > LONG_TEXT:
        style = CellStyle(**{**style.__dict__, "number_format": "General"})
    if locked:
        return CellSpec(place, value, style, True, "prefill", pointer=pointer, kind=f.kind)
    return CellSpec(place, value, style, False, "input", _validation(form, f, place), pointer, f.kind)


def _validation(form: Form, f: Field, place: Placement) -> Validation | None:
    ref, node = f"${column_letter(place.col)}${place.row}", f.schema
    title = f.title[:32]  # Excel's limit for an input-prompt title
    desc = str(node.get("description", ""))

    def make(kind: str, hint: str, **kw: Any) -> Validation:
        prompt = (f"{desc}\n{hint}" if desc and desc != f.title else hint)[:255]
        return Validation(kind, prompt=prompt, error=f"{f.title}: {hint}"[:255], allow_blank=True,
                          prompt_title=title, error_title=render("dv.error_title", "th"), **kw)

    if f.kind == "choice" and f.choices:
        return _choice_rule(f, make)
    if f.kind == "whole":
        low, high = node.get("minimum", 0), node.get("maximum", 2147483647)
        return make("whole", render("dv.whole", "th", low=low, high=high), operator="between",
                    formula1=str(low), formula2=str(high))
    if f.kind == "amount":
        return make("decimal", render("dv.amount", "th"), operator="between",
                    formula1=str(node.get("minimum", 0)), formula2=str(node.get("maximum", 1e15)))
    if f.kind == "number":
        low, high = node.get("minimum", 0), node.get("maximum", 1e15)
        return make("decimal", render("dv.number", "th", low=low, high=high), operator="between",
                    formula1=str(low), formula2=str(high))
    if f.kind == "percent":
        # Percent cells are Text-formatted so that "65", "65%" and "65 %" arrive as typed in
        # both Excel and Calc (their number parsing disagrees); the formula strips the % sign.
        num = f'VALUE(TRIM(SUBSTITUTE({ref},"%","")))'
        return make("custom", render("dv.percent", "th"), formula1=f"AND({num}>=0,{num}<=100)")
    if f.kind == "date":
        hint, rule = _date_rule(form, f, ref)
        return make("custom", hint, formula1=rule)
    if f.kind in ("text", "lines"):
        # Every input gets a rule, if only for its prompt; 32767 is a cell's own limit.
        limit = int(node.get("maxLength", 0)) or (_lines_limit(node) if f.kind == "lines" else 32767)
        hint = render("dv.lines" if f.kind == "lines" else "dv.text", "th", limit=limit)
        return make("text_length", hint, operator="lessThanOrEqual", formula1=str(limit))
    return None


def _choice_rule(f: Field, make: Callable[..., Validation]) -> Validation:
    """A dropdown's rule. Its refusal names the answers ("กรุณาเลือก “เป็นไปตามแผน” หรือ
    “ไม่เป็นไปตามแผน” จากรายการ"), not the field's title, which may be one of them; a list too long
    for Excel's 255 characters keeps the plain "pick from the list"."""
    choices = tuple(f.choices.values()) if f.choices else ()
    rule = make("list", render("dv.choice", "th"), choices=choices)  # the dropdown shows the answers
    named = render("dv.choice.or", "th").join(f"“{label}”" for label in choices)
    refusal = render("dv.choice.named", "th", choices=named)
    return rule if len(refusal) > 255 else replace(rule, error=refusal)


def _date_rule(form: Form, f: Field, ref: str) -> tuple[str, str]:
    """The typing-time check of a date cell: text ``d/m/yyyy`` with a Buddhist-Era year.

    DESIGN: date cells are Text cells holding the date as the form writes it ("31/10/2562"), not
    date cells with a B.E. number format. In a date cell, what Calc stores depends on the
    cell's format language: in a ``[$-41E]`` cell "31/10/2562", "29 พ.ย. 2562" and "๓๑/๑๐/๒๕๖๒"
    all become 31 Oct *2562 C.E.* and the B.E. format then shows 3105, in a Thai and an English
    locale alike; Excel and Calc also read "1/2/2563" as 1 Feb or 2 Jan by locale. A Text cell
    keeps what was typed, shows it as typed, prints the same in both programs, and the reader
    (:func:`sheetsync.coerce.parse_date`) parses it. This rule then refuses, while typing, all
    that would not show a B.E. date: a C.E. year ("2019-10-31", "31/10/2019"), a short year,
    other spellings; the Thai message says what to type. It checks the shape, the day (1-31),
    the month (1-12) and the year (2400-2700, or the fiscal year's two calendar years when the
    form names its fiscal-year cell); an impossible day (30/2) is left to the reader's finding.
    Spaces at either end are allowed, as the reader allows them: a thumb adds one after "2563",
    and Calc keeps it, so the end is read from the trimmed text (a rule reading the text's last
    five characters refused "31/10/2562 " with a message asking for exactly that). The start is
    read as typed (VALUE takes " 31"); the month is the one or two characters after the first
    slash, a slash among them read as "e0" ("3/" of "29/3/2563" is 3e0, 3; "/2" of "31//2562" is
    no number), which needs neither the text's length nor the locale's decimal point. Excel limits a validation formula to 255
    characters, hence the arithmetic below, and one TRIM per end-anchored piece only.
    """
    slash = f'FIND("/",{ref})'
    day = f"VALUE(LEFT({ref},{slash}-1))"
    month = f'VALUE(SUBSTITUTE(MID({ref},{slash}+1,2),"/","e0"))'
    year = f"VALUE(RIGHT(TRIM({ref}),4))"
    year_field = form.field_at(f.fiscal_year) if f.fiscal_year else None
    if year_field is None:
        hint, years = render("dv.date", "th"), f"ABS({year}-2550)<=150"
    else:
        fy = f"${column_letter(year_field.place.col)}${year_field.place.row}"
        # Fiscal year N runs Oct N-1 .. Sep N (B.E.); with no fiscal year typed yet, any B.E. year.
        hint = render("dv.date_fy", "th")
        years = f'ABS({year}-IF({fy}="",2550,{fy}-0.5))<=IF({fy}="",150,0.5)'
    rule = f'AND(LEFT(RIGHT(TRIM({ref}),5))="/",{years},ABS({day}-16)<=15,ABS({month}-6.5)<=5.5)'
    return hint, rule


def _lines_limit(node: dict[str, Any]) -> int:
    items = node.get("items", {})
    return int(node.get("maxItems", 50)) * (int(items.get("maxLength", 200)) + 1)


def _page(form: Form, cells: list[CellSpec]) -> PageSetup:
    page = form.layout.get("page", {})
    last_col = max(c.place.last_col for c in cells)
    last_row = max(c.place.last_row for c in cells)
    return PageSetup(
        paper=str(page.get("paper", "A4")), orientation=str(page.get("orientation", "portrait")),
        fit_width=bool(page.get("fit_width", True)), fit_pages_tall=int(page.get("fit_pages_tall", 0)),
        margins_cm={k: float(v) for k, v in page.get("margins_cm", {}).items()},
        print_area=f"A1:{column_letter(last_col)}{last_row}",
        repeat_rows=(int(page["repeat_rows"][0]), int(page["repeat_rows"][-1])) if page.get("repeat_rows") else None,
    )


def restamp(plan: TemplatePlan, cells: list[CellSpec], key: KeyArg = OFFICE) -> TemplatePlan:
    """``plan`` with new cells: the locked-cell hashes and fingerprint are recomputed, the rest of
    the metadata (form, template id, recipient, issue date) is kept, and signed again with ``key``
    (``None``: left unsigned)."""
    meta = restamped_rows(plan.metadata, cells, key)
    return replace(plan, cells=tuple(cells), metadata=meta, properties=properties(meta))
