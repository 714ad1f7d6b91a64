"""The master's sheets described without any file format: columns, rows, highlights, charts.

:mod:`.derive` and :mod:`.store` build :class:`Sheet` objects; :mod:`.workbook` renders them with
openpyxl. Keeping the description neutral keeps the computation testable without a workbook and
leaves room for an .ods renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Literal

#: How a column's values are shown: ``text`` is always stored as text (never a formula),
#: ``amount`` in baht with thousands separators, ``percent`` as 0–100 with two decimals,
#: ``date`` as a Buddhist-Era date, ``datetime`` as a Buddhist-Era date and time (``1/12/2569 06:30:00``).
Kind = Literal["text", "whole", "amount", "percent", "date", "datetime"]


@dataclass(frozen=True)
class Column:
    """One column: its header (Thai), width in characters and kind.

    ``wrap``: its texts wrap and each row grows to fit them, on a sheet whose other columns keep
    one line (the ledger's details: cut at the cell's edge, printed, they said nothing of why).
    """

    header: str
    width: float
    kind: Kind = "text"
    wrap: bool = False


@dataclass(frozen=True)
class Highlight:
    """Conditional formatting: cells of ``column`` (0-based) equal to ``value`` get ``fill``.

    ``value`` ``None`` means "any non-empty cell".
    """

    column: int
    value: str | None
    fill: str  # RRGGBB


@dataclass(frozen=True)
class ChartBlock:
    """The rows (0-based, within the sheet's rows, inclusive) one chart draws, and its title."""

    title: str
    first: int
    last: int


@dataclass(frozen=True)
class ChartSpec:
    """One line chart per block: ``primary`` on the left axis, ``secondary`` on the right one."""

    category: int
    primary: int
    secondary: int
    primary_title: str
    secondary_title: str
    blocks: tuple[ChartBlock, ...]


@dataclass
class Sheet:
    """A sheet of the master: header row, data rows and how they are shown.

    ``rows`` may be any iterable (a generator keeps memory flat); ``row_count`` must say how many
    rows it yields, because filters and formats are declared before the rows are streamed.
    """

    name: str
    columns: tuple[Column, ...]
    rows: Iterable[list[Any]]
    row_count: int
    hidden: bool = False
    freeze_columns: int = 0
    highlights: tuple[Highlight, ...] = ()
    chart: ChartSpec | None = None
    extra_columns: int = 0  # unnamed trailing text columns (long JSON split over cells)
    banner: str | None = None  # a line above the header (the view says it was generated, and when)
    #: The office's name, printed in the footer of every page ("": none, the footer as before).
    office: str = ""
    #: Rows after the data, outside its filter and highlights: a sort never moves them (a total).
    footer: tuple[list[Any], ...] = ()
    #: Text cells wrap, and each row is as tall as its text (a sheet of texts to read and print);
    #: otherwise every row is one line tall and a long text shows what fits.
    wrap: bool = False
    #: How many leading columns print (None: all). The rest are for the screen only: the summary's
    #: latest file name tells the clerk which file to open, and nothing to whoever reads the paper.
    print_columns: int | None = None


def printed_columns(sheet: Sheet) -> tuple[Column, ...]:
    """The columns of ``sheet`` that print (:attr:`Sheet.print_columns`)."""
    return sheet.columns if sheet.print_columns is None else sheet.columns[:sheet.print_columns]


def wrapped_columns(sheet: Sheet) -> tuple[bool, ...]:
    """For each column of ``sheet``, whether its texts wrap: every text column of a :attr:`Sheet.wrap`
    sheet, and any column marked :attr:`Column.wrap`."""
    return tuple(column.wrap or (sheet.wrap and column.kind == "text") for column in sheet.columns)


def fit_header_words(sheet: Sheet, font: str, size: float) -> Sheet:
    """``sheet`` with every column at least as wide as the longest word of its (bold) header.

    Thai writes no space between letters of a word, and Calc and Excel break a wrapped header
    anywhere once a word does not fit: ``(บา|ท)`` on paper. Widths are measured with the font
    file's own advance widths (:mod:`sheetsync.template.metrics`), as the templates' are.
    A unit in brackets is kept whole on its line for the same reason
    (:func:`~sheetsync.template.metrics.keeping_units`).
    """
    from ..template.metrics import CELL_PADDING_PT, PT_PER_UNIT, keeping_units, longest_word

    def width(c: Column) -> float:
        word = max(c.width * PT_PER_UNIT, longest_word(c.header, size, font, bold=True) + CELL_PADDING_PT)
        return keeping_units(c.header, word, size, font, bold=True) / PT_PER_UNIT
    return replace(sheet, columns=tuple(replace(c, width=max(c.width, width(c))) for c in sheet.columns))
