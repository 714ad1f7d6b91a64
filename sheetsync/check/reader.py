"""Reading a filled template back: the instance JSON, where each value came from, the metadata.

python-calamine does the parsing (fast, and it never expands XML entities). It cannot see
styles or defined names, so fields are located through the layout of the form named in the
file's hidden metadata sheet, and the locked cells are compared with their recorded hashes.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from python_calamine import CalamineError

from . import coerce
from .copies import COPIES_LOOKED_AT, copies_differing
from .formatted import dates_shown_later, mark_percents
from .issued import as_issued
from .opener import Opener, holds_values, short
from .parsing import Parser, parsers_of
from .renamed import OWN_SHEETS, form_sheet_found
from .sheets import Grid, known_forms, raw_grid, read_metadata, resolve_form
from .places import CellRef, locate, plan_of
from .. import limits
from ..errors import SheetsyncError, UnreadableFileError, is_parser_panic
from ..identity import META_SHEET
from ..spec.form import Field, Form, Table, parse_range
from ..formats.bounded import Bounds, Overflow
from ..formats.guard import check_container
from ..text import has_hidden_controls, safe_value

CELL_REF = re.compile(r"^[A-Z]{1,3}[1-9][0-9]{0,6}$")


@dataclass(frozen=True)
class Problem:
    """A value that could not be understood (a date that is no date, say)."""

    code: str
    pointer: str
    cell: str
    value: Any
    label: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)  # what the message needs besides


@dataclass(frozen=True)
class HiddenText:
    """Text in a cell hidden inside a merged field (E9 in C9:G9, split and typed into):
    never read, as a merged field is read from its ``first`` cell; ``pointer`` is the field's."""

    cell: str
    first: str
    pointer: str
    value: Any


@dataclass
class Filled:
    """A filled form as read: data in the form's JSON shape plus everything needed to report on it."""

    path: Path
    fmt: str
    form: Form
    data: dict[str, Any]
    source_map: dict[str, CellRef]
    metadata: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    locked_expected: dict[str, str] = field(default_factory=dict)  # cell -> hash written
    locked_found: dict[str, Any] = field(default_factory=dict)  # cell -> value read
    issued: dict[str, str] = field(default_factory=dict)  # office-filled locked cell -> its value as issued (text)
    table_rows: dict[str, list[int]] = field(default_factory=dict)  # table -> row numbers (1-based) read
    raw: dict[str, Any] = field(default_factory=dict)  # cell -> value as stored, for every filled input
    outside: list[Overflow] = field(default_factory=list)  # first content beyond the form, per sheet
    controls: list[str] = field(default_factory=list)  # input cells whose text held control characters
    grid: list[list[Any]] = field(default_factory=list, repr=False)  # the form sheet's cells (made safe)
    added: list[str] = field(default_factory=list)  # sheets the school added that hold values (never read)
    copies: dict[str, str] = field(default_factory=dict)  # added copies of the form sheet -> first cell unlike it
    shown_later: list[str] = field(default_factory=list)  # date cells shown 543 years on (formatted.py)
    saved_by_calc: bool = False  # an .xlsx that names Calc as the program that saved it last (printfit.py)
    hidden: list[HiddenText] = field(default_factory=list)  # text inside open merged fields, never read
    renamed_from: str = ""  # the form sheet's own name, when hers was renamed (form.sheet: her name for it)

    @cached_property
    def as_issued(self) -> bool:
        """Whether the file is the template as issued, nothing typed in it (:mod:`.issued`); worked out
        when asked (the office asks, validating alone does not), from what was read."""
        return as_issued(self.form, self.grid, self.metadata, self.locked_expected, self.locked_found)

    def cell_of(self, pointer: str) -> CellRef:
        """The cell behind ``pointer``; for an absent field, the empty input cell it belongs in."""
        if pointer in self.source_map:
            return self.source_map[pointer]
        return CellRef(self.form.sheet, locate(self.form, pointer, self.table_rows))


def read_filled(path: str | Path, *, form: Form | None = None, forms_dirs: Iterable[str | Path] = (),
                stream: BinaryIO | None = None) -> Filled:
    """Read a filled template (.xlsx, .ods or .xls). The file is read once: every check and the
    parser take those bytes.

    :param form: the form the file must be; by default the one named in the file's metadata.
    :param forms_dirs: extra folders of forms to look the file's form up in.
    :param stream: the file, already opened (:func:`sheetsync.files.open_regular`); ``path``
        then only names it in messages.
    :raises UnreadableFileError: not a readable spreadsheet (damaged, macros, encrypted …).
    :raises NotOurFormError: a spreadsheet, but not a sheetsync template (or another form's).
    :raises UnknownFormError: a form or major version this installation does not know.

    Example::

        filled = read_filled("returned/school-01.xlsx")
        filled.data["project"]["code"], filled.source_map["/project/code"].cell
    """
    path = Path(path)
    checked = check_container(path, stream)
    fmt = checked.fmt
    with as_bad_input(path):
        opener = Opener(path, checked)
        meta_bounds = {META_SHEET: Bounds(limits.META_ROWS, limits.META_COLUMNS)}
        first = opener.open(meta_bounds)[0]
        metadata, locked, issued = read_metadata(path, first, opener, lambda: known_forms(form, forms_dirs))
        form = resolve_form(path, metadata, form, forms_dirs)
        form, renamed_from = form_sheet_found(path, form, first.sheet_names, lambda: _located(locked),
                                              lambda names: _added_reader(path, opener, form, names), opener.fmt)
        workbook, outside = opener.open(meta_bounds | {form.sheet: form_area(form)})
        raw = raw_grid(path, workbook, form.sheet, opener)
        grid = _safe(raw)
        _mark_formulas(grid, opener, form)
        mark_percents(grid, opener, form)
        filled = Filled(path, fmt, form, {}, {}, metadata, locked_expected=locked, issued=issued, outside=outside,
                        grid=grid, renamed_from=renamed_from)
        _read_fields(filled, grid)
        for table in form.tables:
            _read_table(filled, grid, table)
        filled.locked_found = {ref: _value(grid, *at) if (at := _cell_index(ref)) else None for ref in locked}
        filled.hidden = _hidden_text(filled, grid)
        filled.controls = _hidden_controls(raw, filled.raw)
        filled.added = _added_sheets(opener, form)
        if filled.added:  # most files have none: the fixed cells' places are not worked out for nothing
            filled.copies = copies_differing(filled.added, grid, _located(locked),
                                             _added_reader(path, opener, form, filled.added), issued)
        filled.shown_later = dates_shown_later(grid, opener, form)
        filled.saved_by_calc = opener.saved_by_calc()
    return filled


@contextmanager
def as_bad_input(path: Path) -> Iterator[None]:
    """Turn any failure that a file's content causes into an :class:`UnreadableFileError` naming it.

    Whatever a returned file holds must end as that file's outcome (reported, set aside), never
    as a crash of the run: a value no rule expected (a year of 1e308, say) is still a bad file.
    """
    try:
        yield
    except coerce.CoerceError as exc:  # a value's own error: it names neither the file nor the cell
        raise UnreadableFileError(path, f"its content cannot be checked ({short(exc)}); "
                                  "please fill in the template you were sent") from exc
    except SheetsyncError:
        raise
    # LookupError: KeyError, IndexError, and a codec named by a part that Python does not know.
    except (ArithmeticError, ValueError, TypeError, LookupError, AttributeError,
            UnicodeError, RecursionError, CalamineError) as exc:
        raise UnreadableFileError(path, f"its content cannot be checked ({type(exc).__name__}: {short(exc)}); "
                                  "please fill in the template you were sent") from exc
    except BaseException as exc:
        if not is_parser_panic(exc):
            raise
        raise UnreadableFileError(path, f"cannot be read as a spreadsheet (damaged: {short(exc)})") from exc


def form_area(form: Form) -> Bounds:
    """The cells a template of ``form`` can hold: its used range (plus :mod:`limits`' margin)."""
    return plan_of(form).area


def _safe(rows: Grid) -> Grid:
    """The one boundary for cell text: nothing read goes on with controls, NaN or Infinity."""
    # Printable text of a cell's length needs no look: other text and floats do (a longer text is cut
    # at Excel's limit, or it would travel whole into the marked-up copy, sized for minutes).
    cap = limits.MAX_CELL_TEXT // 2  # longer: counted in Excel's units by safe_value (an emoji takes two)
    return [[v if (v.__class__ is str and len(v) <= cap and v.isprintable())
             or (v.__class__ is not str and v.__class__ is not float)
             else safe_value(v) for v in row] for row in rows]


def _added_sheets(opener: Opener, form: Form) -> list[str]:
    """The sheets beside the form's own that hold values: a copy of the form sheet filled instead of
    it, say (they are never read). An .xls has no sheet parts to search: its sheets are looked into."""
    own = {form.sheet, *OWN_SHEETS}
    if opener.scanned is not None:
        return opener.scanned.with_values(own)
    if opener.fmt != "xls":
        return []
    book = opener.open({})[0]  # the workbook calamine built once, every sheet of it
    return [name for name in book.sheet_names if name not in own and holds_values(book, name)]


def _added_reader(path: Path, opener: Opener, form: Form, added: list[str]) -> Callable[[str], Grid]:
    """How :func:`copies_differing` reads an added sheet over the form's area, made safe as the form's: those
    it looks into from one copy of the file, opened together — a sheet reaching past the area makes a clipped
    copy of the whole file (its shared strings, every other table of an .ods), and five such sheets made five."""
    area, looked = form_area(form), added[:COPIES_LOOKED_AT]
    try:
        together = opener.open(dict.fromkeys(looked, area))[0] if looked else None
    except (SheetsyncError, CalamineError):  # one of them stops the copy: each is opened alone, as before
        together = None

    def read(name: str) -> Grid:
        book = together if together is not None and name in looked else opener.open({name: area})[0]
        grid = _safe(raw_grid(path, book, name, opener))
        _mark_formulas(grid, opener, form, name)  # as the form's: an error calamine reads as empty shows as such
        return grid
    return read


def _located(locked: dict[str, str]) -> dict[str, tuple[int, int, str]]:
    """The fixed cells' hashes by 0-based (row, col), for those named by one cell."""
    return {ref: (*at, expected) for ref, expected in locked.items() if (at := _cell_index(ref))}


def _hidden_controls(rows: Grid, cells: Iterable[str]) -> list[str]:
    """The cells among ``cells`` whose text held control characters before it was made safe."""
    found = []
    for ref in cells:
        value = _value(rows, *at) if (at := _cell_index(ref)) else ""
        # Printable text holds no control character (they are all category Cc).
        if isinstance(value, str) and not value.isprintable() and has_hidden_controls(value):
            found.append(ref)
    return found


@lru_cache(maxsize=4096)  # the locked cells named by the metadata are the same in every file of a form
def _cell_index(ref: str) -> tuple[int, int] | None:
    """0-based (row, column) of an A1 reference read from the metadata; None if it is no single cell."""
    if not CELL_REF.match(ref):
        return None
    place = parse_range(ref, "metadata")
    return place.row - 1, place.col - 1


def _value(grid: Grid, row: int, col: int) -> Any:
    """The value at 0-based (row, col); "" beyond the grid."""
    if row < len(grid) and col < len(grid[row]):
        return grid[row][col]
    return ""


class FormulaShown(str):
    """What an input cell holding a formula the office cannot use shows (its error, else the
    formula), standing in the grid for calamine's value; ``code`` is the finding it gets."""

    code: str


def _mark_formulas(grid: Grid, opener: Opener, form: Form, sheet: str | None = None) -> None:
    """Put a :class:`FormulaShown` in each input cell (of ``sheet``, else the form's) whose formula is an
    error, volatile or external.

    calamine reads an error result as an empty cell (a teacher seeing #DIV/0! would be told the cell
    is empty) and a RAND() as whatever it last showed; a plain computed value stays as calamine read it.
    """
    found = opener.formulas(sheet or form.sheet, plan_of(form).cells)
    for (row, col), formula in found.items():
        if formula.code is None:
            continue
        shown = FormulaShown(safe_value(formula.shown))
        shown.code = formula.code
        while len(grid) <= row:
            grid.append([])
        line = grid[row]
        line.extend([""] * (col + 1 - len(line)))
        line[col] = shown


def _hidden_text(filled: Filled, grid: Grid) -> list[HiddenText]:
    """The text in cells hidden inside the merged fields of the form and of its tables' columns: the plan
    lists those cells once per form (not every cell of the sheet), so a file costs a look-up each (about
    a hundred), and a hit only is worked out."""
    found = []
    height, blank = len(grid), coerce.is_blank
    for row, col, where, first, pointer, table, n in plan_of(filled.form).hidden:
        if row < height and col < len(grid[row]) and not blank(grid[row][col]):
            if table:  # the item the row is (or would be) in the table's data
                rows = filled.table_rows.get(table, [])
                index = rows.index(n) if n in rows else sum(r < n for r in rows)
                pointer = f"{table}/{index}" + (f"/{pointer}" if pointer else "")
            found.append(HiddenText(where.cell, first, pointer, grid[row][col]))
    return found


def _parse(filled: Filled, f: Field, raw: Any, pointer: str, cell: str, parse: Parser) -> tuple[bool, Any]:
    """(ok, value) for one raw cell, read by ``parse`` (``f``'s :func:`.parsing.parser`); a failure is
    recorded as a :class:`Problem`."""
    if raw.__class__ is FormulaShown:
        filled.problems.append(Problem(raw.code, pointer, cell, str(raw), f.title))
        return False, None
    try:
        return True, parse(raw)
    except coerce.CoerceError as exc:
        filled.problems.append(Problem(exc.code, pointer, cell, _shown(raw), f.title, dict(exc.params)))
        return False, None


def _shown(raw: Any) -> Any:
    if isinstance(raw, dt.date) and raw.year > coerce.BE_THRESHOLD:
        # Stored in Buddhist Era (a Thai-locale Calc): shown as the teacher sees it, not moved 543 years on.
        return f"{raw.day}/{raw.month}/{raw.year}"
    return raw.isoformat() if isinstance(raw, (dt.date, dt.datetime)) else raw


def _read_fields(filled: Filled, grid: Grid) -> None:
    height, blank, parsers = len(grid), coerce.is_blank, parsers_of(filled.form)
    for f, row, col, where in plan_of(filled.form).fields:
        raw = grid[row][col] if row < height and col < len(grid[row]) else ""
        if blank(raw):
            continue
        ok, value = _parse(filled, f, raw, f.pointer, where.cell, parsers[id(f)])
        filled.raw[where.cell] = raw
        filled.source_map[f.pointer] = where
        if ok:
            _put(filled.data, f.pointer, value)


def _read_table(filled: Filled, grid: Grid, table: Table) -> None:
    items: list[Any] = []
    rows: list[int] = []
    plan = plan_of(filled.form)
    inputs, scalar = plan.inputs[table.pointer], table.scalar_items
    blank, height, parsers = coerce.is_blank, len(grid), parsers_of(filled.form)
    source_map, raws = filled.source_map, filled.raw
    for n, (row, cells, first) in enumerate(plan.rows[table.pointer], start=1):
        line = grid[row - 1] if row <= height else []
        width = len(line)
        for index in inputs:  # a loop, not all() over a generator: most rows of a table are empty
            if index < width and not blank(line[index]):
                break
        else:
            continue  # a wholly empty row is no item
        index = len(items)
        pointer = f"{table.pointer}/{index}"
        item: dict[str, Any] = {}
        for col, i, where in cells:
            raw = line[i] if i < width else ""
            if blank(raw):
                continue
            sub = f"{pointer}/{col.pointer}" if col.pointer else pointer
            ok, value = _parse(filled, col, raw, sub, where.cell, parsers[id(col)])
            raws[where.cell] = raw
            source_map[sub] = where
            if ok and scalar:
                items.append(value)
            elif ok:
                item[col.pointer] = value
        if not scalar:
            items.append(item)
        elif len(items) == index:  # the value could not be parsed: keep the index aligned
            items.append(None)
        source_map.setdefault(pointer, first)
        rows.append(n)
    filled.table_rows[table.pointer] = rows
    if items:
        _put(filled.data, table.pointer, [i for i in items if i is not None] if scalar else items)


def _put(data: dict[str, Any], pointer: str, value: Any) -> None:
    parts = [p for p in pointer.split("/") if p]
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
