"""Opening one returned file for python-calamine, bounded (see :class:`Opener`)."""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from python_calamine import CalamineError, CalamineWorkbook

from .. import limits
from ..errors import CellUnreadableError, LimitError, SheetTwiceError, UnreadableFileError, is_parser_panic
from ..text import brief
from ..formats.bounded import Bounds, Overflow, bounded_copy
from ..formats.cfb_check import whole_sectors
from ..formats.extent import Scanned, scan
from ..formats.formulas import CellFormula, find_formulas
from ..formats.guard import Checked
from ..formats.numfmt import styled_cells, styles_where
from ..formats.odsbreaks import with_line_breaks
from ..formats.odsnumfmt import ods_styled_cells, ods_styles_where
from ..formats.xls_extent import check_xls_extent
from ..spec.cells import column_letter

__all__ = ["Opener", "calamine", "holds_values", "one_name_each", "sheet_rows", "short"]


class Opener:
    """Opens one file for calamine, bounded: each call names the sheets that will be read and
    their :class:`Bounds`. The file is inflated and measured once (:mod:`sheetsync.formats.extent`);
    when the named sheets lie within their bounds, calamine reads them as written (and a later call
    whose sheets the first workbook already holds gets that workbook again); otherwise it reads a
    copy clipped to the bounds (calamine materialises whole grids, so an unclipped far cell would
    abort the process), which also names the first cell beyond. For .ods, ``<text:line-break/>``
    is written as a newline (calamine would drop it)."""

    def __init__(self, path: Path, checked: Checked) -> None:
        self.path, self.fmt, self.archive, self.data = path, checked.fmt, checked.archive, checked.data
        self.scanned: Scanned | None = None
        self.last: tuple[set[str], CalamineWorkbook] | None = None  # sheets kept as written, workbook

    def open(self, bounds: dict[str, Bounds]) -> tuple[CalamineWorkbook, list[Overflow]]:
        """The workbook holding the sheets of ``bounds``, and the first cell beyond each clipped one."""
        try:
            if self.fmt == "xls":  # BIFF cannot be clipped: refuse a far-reaching sheet, spot the rest in the grid
                if self.last is None:
                    check_xls_extent(self.path, self.data)
                    self.last = (set(), self._named(calamine(whole_sectors(self.data))))  # as the check read it
                book = self.last[1]
                return book, [o for sheet, b in bounds.items() if sheet in book.sheet_names
                              for o in beyond(self.path, book, sheet, b)]
            if self.scanned is None:
                self.scanned = scan(self.path, self.fmt, self.archive, self.data or None)
            if self.scanned.fits(bounds):
                if self.last is not None and set(bounds) <= self.last[0]:
                    return self.last[1], []
                keep = self.scanned.unclipped(set(bounds))
                self.last = (keep, self._named(calamine(self.scanned.copy(keep))))  # the copy writes line breaks itself
                return self.last[1], []
            data, outside = bounded_copy(self.path, self.fmt, bounds, self.archive)
            if self.fmt == "ods":
                data = with_line_breaks(io.BytesIO(data)) or data
            return self._named(calamine(data)), outside
        except (CalamineError, OSError, ValueError, zipfile.BadZipFile, zlib.error) as exc:
            if isinstance(exc, UnreadableFileError):
                raise
            if self.fmt == "xls" and isinstance(exc, CalamineError):
                # from_filelike, having failed as .xls, tries the other formats and says only "Cannot
                # detect file format": the container was checked, so its records are what is damaged
                raise UnreadableFileError(self.path, "the .xls file is damaged (its records cannot be read)") from exc
            raise UnreadableFileError(self.path, f"cannot be read as a spreadsheet ({short(exc)})") from exc

    def _named(self, book: CalamineWorkbook) -> CalamineWorkbook:
        """``book``, once its sheets are known to have one name each (:func:`one_name_each`)."""
        one_name_each(self.path, book.sheet_names)
        return book

    def formulas(self, sheet: str, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], CellFormula]:
        """The formulas of the cells ``wanted`` (0-based) of ``sheet``, from the part already inflated
        by :meth:`open` (none for .xls, or for a sheet whose part is not held as one piece)."""
        part = self.scanned.part(sheet) if self.scanned is not None else None
        if part is None and self.fmt == "ods" and self.scanned is not None and self.scanned.holds(b"formula"):
            # Calc writes one table namespace, as table:, and each sheet's name once: a file written
            # otherwise has formulas the search cannot place, and calamine reads their results.
            raise UnreadableFileError(self.path, f"the sheet {brief(sheet)!r} is written in a way no spreadsheet program "
                                      "writes it (its formulas cannot be checked); please fill in the template you "
                                      "were sent")
        return {} if part is None else find_formulas(part, self.fmt, wanted, path=self.path, sheet=sheet)

    def styled(self, sheet: str, wanted: set[tuple[int, int]], kind: Callable[[str], bool]) -> set[tuple[int, int]]:
        """The cells ``wanted`` (0-based) of ``sheet`` whose number format is of ``kind`` (.xlsx: see
        :mod:`sheetsync.formats.numfmt`; .ods: :mod:`sheetsync.formats.odsnumfmt`), from the parts
        already inflated by :meth:`open` (and an .ods's styles.xml, inflated here the first time)."""
        if self.scanned is None or not wanted or (part := self.scanned.part(sheet)) is None:
            return set()
        if self.fmt == "ods":
            content = self.scanned.member("content.xml") or b""
            # The styles before content.xml's body, and styles.xml's (Calc writes data styles in both).
            parts = [(content, max(content.find(b"<office:body"), 0))]
            if (styles_part := self.scanned.extra(self.archive, "styles.xml")) is not None:
                parts.append((styles_part, len(styles_part)))
            return ods_styled_cells(part, ods_styles_where(parts, kind), wanted)
        styles = self.scanned.member("xl/styles.xml") if self.fmt == "xlsx" else None
        if styles is None:
            return set()
        return styled_cells(part, styles_where(styles, kind), wanted)

    def saved_by_calc(self) -> bool:
        """Whether an .xlsx names LibreOffice Calc as the program that saved it last (the first words of
        ``<Application>`` in ``docProps/app.xml``: "LibreOffice/7.4…", "LibreOfficeDev/…"; Excel writes
        "Microsoft Excel", openpyxl "Microsoft Excel Compatible / Openpyxl …"). The part is untrusted:
        inflated within the metadata cap, refused with entities, searched, never parsed. A part that
        cannot be read says nothing: it is no proof of Calc, and the file was readable without it."""
        if self.fmt != "xlsx" or self.scanned is None:
            return False
        try:
            app = self.scanned.extra(self.archive, APP_XML, limits.MAX_METADATA_SIZE)
        except (LimitError, UnreadableFileError):
            return False
        found = None if app is None else _APPLICATION.search(app)
        return found is not None and found.group(1).startswith(b"LibreOffice")


    def carries_identity(self) -> bool | None:
        """Whether the workbook's document properties hold a template's identity (its ``form_id``: the
        template writes it there too). They belong to the workbook, so deleting a sheet keeps them; a new
        workbook the form was copied into has none. None where that is not known (an .xls, a part that
        cannot be read). Searched within the metadata cap, never parsed, as :meth:`saved_by_calc`."""
        if self.fmt not in _PROPERTIES or self.scanned is None:
            return None
        try:
            part = self.scanned.extra(self.archive, _PROPERTIES[self.fmt], limits.MAX_METADATA_SIZE)
        except (LimitError, UnreadableFileError):
            return None
        return part is not None and _FORM_ID.search(part) is not None

#: The part of an .xlsx that names the program that wrote it (the package's extended properties).
APP_XML = "docProps/app.xml"
#: ``<Application>`` and its text (any namespace prefix; whitespace around the name is the writer's own).
_APPLICATION = re.compile(rb"<(?:[\w.-]+:)?Application>\s*([^<]{0,200})<")

#: Where each format keeps the workbook's own document properties, and the template's identity there
#: (.xlsx: ``<property … name="form_id">``; .ods: ``<meta:user-defined meta:name="form_id">``).
_PROPERTIES = {"xlsx": "docProps/custom.xml", "ods": "meta.xml"}
_FORM_ID = re.compile(rb"""name\s*=\s*["']form_id["']""")

def one_name_each(path: Path, names: list[str]) -> None:
    """Refuse two sheets of one name, told apart by case or not (calamine lists every sheet the file
    lists, in .xlsx, .ods and .xls alike).

    Calc and Excel refuse a second sheet of a name, whatever its case, so no file they save has one:
    which of the two a reader takes is then that reader's choice (a second metadata sheet gave the
    file its identity), and the file is refused as changed by hand. Names are compared in small
    letters, which tells apart what those programs may not ("straße", "strasse"): never refuse a
    file they could have saved.

    :raises SheetTwiceError: naming the second sheet.
    """
    if len({name.lower() for name in names}) == len(names):
        return  # a file's few names, or 60,000 added ones, in milliseconds
    seen: dict[str, str] = {}
    for name in names:
        if name.lower() in seen:
            raise SheetTwiceError(path, name, seen[name.lower()])
        seen[name.lower()] = name


def calamine(data: bytes) -> CalamineWorkbook:
    """A workbook of ``data`` as calamine reads it."""
    # from_filelike sniffs the content; from_path would trust a misleading extension.
    with _panics_unprinted():
        return CalamineWorkbook.from_filelike(io.BytesIO(data))


@contextmanager
def _panics_unprinted() -> Iterator[None]:
    """Nothing calamine's Rust code prints reaches the standard error while it runs: a panic (a .xls
    record too short for what calamine reads of it) is printed by Rust's own hook straight to file
    descriptor 2, three lines naming a Rust source file, before pyo3 raises it and the file gets its
    one line (:func:`sheetsync.errors.is_parser_panic`). sheetsync runs no other thread meanwhile."""
    try:
        sys.stderr.flush()
        saved: int | None = os.dup(2)
    except (OSError, ValueError):  # no standard error to keep quiet
        saved = None
    if saved is None:
        yield
        return
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def sheet_rows(path: Path, book: CalamineWorkbook, sheet: str, part: bytes | None = None) -> list[list[Any]]:
    """Every row of ``sheet`` from A1, as calamine builds them (nothing its Rust code prints is shown).

    :param part: the sheet's XML as inflated (:meth:`Scanned.part`), to name the cell that stops the build.
    :raises CellUnreadableError: a number in a date- or time-formatted cell that no date or time can
        be: calamine makes it a date as it builds the sheet, and one far out of range breaks the whole
        build (a date: a panic of chrono's; a duration: Python's timedelta overflows).
    :raises UnreadableFileError: calamine cannot read the sheet otherwise.
    """
    try:
        with _panics_unprinted():
            rows: list[list[Any]] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        return rows
    except (CalamineError, ValueError) as exc:
        raise UnreadableFileError(path, f"sheet {brief(sheet)!r} cannot be read ({short(exc)})") from exc
    except BaseException as exc:
        if not isinstance(exc, OverflowError) and not is_parser_panic(exc):
            raise
        row = _failing_row(book, sheet)
        cell = _far_number(part, row) if part is not None else None
        if cell is None:
            raise UnreadableFileError(path, f"sheet {brief(sheet)!r} cannot be read (row {row}: {short(exc)})") from exc
        raise CellUnreadableError(path, sheet, cell, short(exc)) from exc


def holds_values(book: CalamineWorkbook, sheet: str) -> bool:
    """Whether ``sheet`` of the .xls ``book`` (calamine built every sheet as it opened it, within
    :func:`~sheetsync.formats.xls_extent.check_xls_extent`'s caps) holds a value, read row by row to the
    first; one that cannot be read is said to: it is the school's, and it was not read."""
    try:
        with _panics_unprinted():
            return any(v not in ("", None) for row in book.get_sheet_by_name(sheet).iter_rows() for v in row)
    except BaseException as exc:
        if not isinstance(exc, (OverflowError, CalamineError, ValueError)) and not is_parser_panic(exc):
            raise
        return True


def _failing_row(book: CalamineWorkbook, sheet: str) -> int:
    """The row (1-based, counted from A1 as ``to_python`` counts) whose build fails, read row by row."""
    done = 0
    try:
        with _panics_unprinted():
            for _ in book.get_sheet_by_name(sheet).iter_rows():
                done += 1
    except BaseException as exc:
        if not isinstance(exc, (OverflowError, CalamineError, ValueError)) and not is_parser_panic(exc):
            raise
    return done + 1


#: Excel's last date, 31/12/9999: a number beyond it, either way, is no date a person typed.
_LAST_DATE = 2_958_465
_XLSX_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{1,64})</(?:\w+:)?v>")


def _far_number(part: bytes, row: int) -> str | None:
    """The first cell of ``row`` in the .xlsx sheet XML ``part`` whose number lies beyond any date."""
    cells = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})%d"[^>]*>(.{0,300}?)</(?:\w+:)?c>' % row, re.S)
    for found in cells.finditer(part):
        value = _XLSX_VALUE.search(found.group(2))
        try:
            far = value is not None and abs(float(value.group(1))) > _LAST_DATE
        except ValueError:  # not a number: not this cell
            continue
        if far:
            return f"{found.group(1).decode()}{row}"
    return None


def beyond(path: Path, book: CalamineWorkbook, sheet: str, bounds: Bounds) -> list[Overflow]:
    """The first cell of ``sheet`` outside ``bounds`` that holds something (as the clipped formats report)."""
    for r, row in enumerate(sheet_rows(path, book, sheet), start=1):
        for c, value in enumerate(row, start=1):
            if (r > bounds.rows or c > bounds.columns) and value not in ("", None):
                return [Overflow(sheet, f"{column_letter(c)}{r}")]
    return []


def short(exc: BaseException) -> str:
    """The first line of ``exc``'s message (at most 120 characters), or its class name."""
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
