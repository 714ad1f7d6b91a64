"""A bounded copy of a workbook: only the cells the form can hold reach the parser.

python-calamine materialises a sheet as a dense grid from its first to its last cell: one cell
at ``XFD1048576`` asks for 512 GiB and aborts the process, and ODS repeat attributes
(``number-rows-repeated`` × ``number-columns-repeated``) expand the same way. So before
calamine sees a file, :func:`bounded_copy` writes a small in-memory copy of it in which

* each sheet the caller names is clipped to its :class:`Bounds` (cells and repeats beyond are
  dropped, the ``<dimension>`` hint is removed), and the first cell holding content beyond the
  bounds is reported as an :class:`Overflow`;
* every other sheet is emptied, and parts no reader needs (pictures, printer settings …) are left out;
* every member is inflated with a real-size cap, and XML declaring a DOCTYPE (entities) is refused;
* a copy whose cells stand for far more text than they hold (shared strings, repeats, spaces) is
  refused (:mod:`sheetsync.formats.expansion`).

The XML is scanned with regular expressions over bytes, never built into a tree: the scan costs
a few bytes of memory per kept cell, whatever the file declares.
"""

from __future__ import annotations

import io
import re
import string
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from pathlib import Path
from typing import Iterable
from xml.etree import ElementTree

from .. import limits
from ..errors import LimitError, UnreadableFileError
from ..text import brief
from ._clip import EMPTY_SHEET, Clip, Overflow, clip_ods_table, clip_xlsx_sheet
from ._pieces import cut_short, holds, wide_encoding
from .expansion import SHARED_STRINGS, check_ods, check_xlsx

__all__ = ["Bounds", "Overflow", "bounded_copy"]

XLSX_NEEDED = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")
ODS_NEEDED = ("mimetype", "META-INF/manifest.xml", "content.xml")
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: The same in ISO 29500 Strict, as Excel's "Strict Open XML Spreadsheet" writes it (calamine reads both).
STRICT_REL_NS = "{http://purl.oclc.org/ooxml/officeDocument/relationships}"
ODS_TABLE = re.compile(rb"<((?:[\w.-]+:)?)table(?=[\s/>])([^<>]*?)(/?)>")
TABLE_NAME = re.compile(rb"""[\s:]name\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class Bounds:
    """The cells of one sheet that are read: rows 1..``rows``, columns 1..``columns``."""

    rows: int
    columns: int


class _Budget:
    """Counts the bytes really inflated from one file, against :mod:`sheetsync.limits`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.total = 0

    def read(self, archive: zipfile.ZipFile, name: str, cap: int = limits.MAX_MEMBER_INFLATED) -> bytes:
        """The member ``name`` inflated, refused once it passes ``cap`` or the file's total: never
        more than one chunk is inflated past what either allows."""
        info = archive.getinfo(name)
        self._check_declared(info, name, cap)
        out = bytearray()
        try:
            with archive.open(info) as member:
                while chunk := member.read(min(1024 * 1024, cap + 1 - len(out), self.left + 1)):
                    out += chunk
                    self.total += len(chunk)
                    if len(out) > cap:
                        raise self._too_big(name, cap)
                    if self.left < 0:
                        raise self._too_much()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise UnreadableFileError(self.path, f"the part {brief(name)!r} is damaged") from exc
        data = bytes(out)
        if holds(data, b"<!DOCTYPE") or holds(data, b"<!ENTITY"):
            raise LimitError(self.path, "limit.entities", part=name)
        return self.whole(name, data)

    def whole(self, name: str, data: bytes) -> bytes:
        """``data``, the part ``name`` as inflated, once it is known to end where its XML does.

        :raises UnreadableFileError: it stops before its root element ends (:func:`cut_short`), or
            it is written in UTF-16 or UTF-32 (:func:`wide_encoding`: read as empty, a form filled in
            whole came back as every label "changed to ''").
        """
        if wide := wide_encoding(data[:4]):
            raise UnreadableFileError(self.path, f"the part {brief(name)!r} is written in {wide}, which no spreadsheet "
                                                 "program writes; open the file and save it again")
        if cut_short(data):
            raise UnreadableFileError(self.path, f"the part {brief(name)!r} is damaged (it is cut short)")
        return data

    @property
    def left(self) -> int:
        """Bytes the file may still inflate (negative once past :data:`limits.MAX_TOTAL_INFLATED`)."""
        return limits.MAX_TOTAL_INFLATED - self.total

    def _check_declared(self, info: zipfile.ZipInfo, name: str, cap: int) -> None:
        """Refuse a member before inflating it when its declared size already passes a limit (a
        smaller declared size is no promise: zipfile stops at it, and the reads are capped too)."""
        if info.file_size > cap:
            raise self._too_big(name, cap)
        if info.file_size > self.left:
            raise self._too_much()

    def _too_big(self, name: str, cap: int) -> LimitError:
        return LimitError(self.path, "limit.member-size", part=name, limit=cap // limits.MB)

    def _too_much(self) -> LimitError:
        return LimitError(self.path, "limit.total-inflated", limit=limits.MAX_TOTAL_INFLATED // limits.MB)


def open_zip(path: Path) -> zipfile.ZipFile:
    """The zip at ``path``, opened; a damaged one is an :class:`UnreadableFileError` naming it."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise UnreadableFileError(path, "the file is damaged or incomplete (truncated zip)") from exc


def bounded_copy(path: Path, fmt: str, bounds: dict[str, Bounds],
                 archive: zipfile.ZipFile | None = None) -> tuple[bytes, list[Overflow]]:
    """A copy of the .xlsx/.ods ``path`` holding only the cells within ``bounds``, per sheet name.

    Sheets not named in ``bounds`` are emptied. Returns the copy's bytes (for
    ``CalamineWorkbook.from_filelike``) and the first overflowing cell of each clipped sheet.

    :param archive: the file already opened (as :func:`sheetsync.formats.guard.check_container`
        hands it back, over the bytes it checked); left open. By default ``path`` is opened.

    :raises LimitError: a member too large (declared or real), XML entities, too many elements.
    :raises UnreadableFileError: a damaged container or sheet.
    """
    if archive is None:
        with open_zip(path) as opened:
            return bounded_copy(path, fmt, bounds, opened)
    budget = _Budget(path)
    if fmt == "ods":
        return _ods(path, archive, budget, bounds)
    return _xlsx(path, archive, budget, bounds)


def _xlsx(path: Path, archive: zipfile.ZipFile, budget: _Budget,
          bounds: dict[str, Bounds]) -> tuple[bytes, list[Overflow]]:
    names = archive.namelist()
    found = found_members(path, names)
    small = {n: budget.read(archive, n, limits.MAX_METADATA_SIZE) for n in XLSX_NEEDED if n in set(names)}
    sheets, others = _xlsx_parts(path, small.get("xl/workbook.xml", b""), small.get("xl/_rels/workbook.xml.rels", b""))
    out, overflows = io.BytesIO(), []
    clipped: list[bytes] = []
    strings: bytes | None = None  # a sheet calamine would also read as its shared strings
    # Each name is written once (calamine would read the last of two copies, and finds names in
    # either case): a sheet read first, then other sheets (emptied), then the other parts.
    written: set[str] = set()
    order = sorted(sheets.items(), key=lambda item: item[0] not in bounds)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for sheet, target in order:
            member = found.get(fold(target))
            if member is None or fold(member) in written:
                continue
            written.add(fold(member))
            if sheet not in bounds:
                copy.writestr(member, EMPTY_SHEET)
                continue
            clip = Clip(sheet, bounds[sheet].rows, bounds[sheet].columns, path)
            clipped.append(clip_xlsx_sheet(budget.read(archive, member), clip))
            if fold(member) == fold(SHARED_STRINGS):  # calamine reads its strings there, whatever the relationships say
                clipped[-1] = strings = no_reserved_count(clipped[-1])
            copy.writestr(member, clipped[-1])
            overflows += clip.overflows
        for name, data in small.items():
            if fold(name) not in written:
                written.add(fold(name))
                copy.writestr(name, data)
        for part in sorted(others):  # the shared strings (and styles, which hold none)
            member = found.get(fold(part))
            if member is None or fold(member) in written:
                continue
            written.add(fold(member))
            data = no_reserved_count(budget.read(archive, member))
            check_xlsx(path, clipped, data)
            copy.writestr(member, data)
        check_xlsx(path, clipped, strings)
    return out.getvalue(), overflows


#: The shared strings' root tag (to its real end: ">" inside a quoted value does not end it), and its
#: count of unique strings, which calamine reserves room for before it reads one.
SST_TAG = re.compile(rb"""<(?:[\w.-]+:)?sst(?=[\s/>])(?:[^"'>]|"[^"]*"|'[^']*')*>""")
UNIQUE_COUNT = re.compile(rb"""\suniqueCount\s*=\s*(?:"[^"]*"|'[^']*')""")


def no_reserved_count(xml: bytes) -> bytes:
    """``xml`` without the ``uniqueCount`` of its ``<sst>``: a count of 4294967295 made calamine ask
    for 96 GiB before reading a string, which aborts the process (every other file of the run with
    it). The count is only a hint: calamine reads the strings the part holds all the same."""
    if not holds(xml, b"uniqueCount"):
        return xml
    return SST_TAG.sub(lambda tag: UNIQUE_COUNT.sub(b"", tag.group()), xml)


def fold(name: str) -> str:
    """``name`` as calamine compares member names: ASCII letters in either case are the same."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def found_members(path: Path, names: Iterable[str]) -> dict[str, str]:
    """Each folded member name (:func:`fold`) → the member of that name.

    :raises UnreadableFileError: two members whose names differ only in case (or not at all):
        calamine would read one of them, not necessarily the one checked.
    """
    found: dict[str, str] = {}
    for name in names:
        if found.setdefault(fold(name), name) is not name:
            raise UnreadableFileError(path, f"the file is damaged (two parts are named {name[:100]!r})")
    return found


def _xlsx_parts(path: Path, workbook: bytes, rels: bytes) -> tuple[dict[str, str], set[str]]:
    """Sheet name → the worksheet member calamine looks for (see :func:`calamine_member`; to be
    found with :func:`found_members`), and the other members it reads (styles, shared strings)."""
    if len(workbook) + len(rels) <= 64 * 1024:  # small enough to keep a few: every file of a form lists the same
        try:
            sheets, others = _known_parts(workbook, rels)
            return dict(sheets), set(others)
        except UnreadableFileError:
            pass  # said again below, naming the file
    return _parse_parts(path, workbook, rels)


@lru_cache(maxsize=8)
def _known_parts(workbook: bytes, rels: bytes) -> tuple[dict[str, str], set[str]]:
    return _parse_parts(Path(), workbook, rels)


def _parse_parts(path: Path, workbook: bytes, rels: bytes) -> tuple[dict[str, str], set[str]]:
    try:
        # As UTF-8 whatever the part declares, as calamine reads it: a declared codec would name the
        # sheets otherwise (or be none Python knows, or one decoding escapes).
        book = ElementTree.fromstring(workbook, ElementTree.XMLParser(encoding="utf-8"))
        links = ElementTree.fromstring(rels, ElementTree.XMLParser(encoding="utf-8"))
    except ElementTree.ParseError as exc:
        raise UnreadableFileError(path, "the workbook's list of sheets is damaged") from exc
    targets: dict[str, tuple[str, str]] = {}
    for rel in links:
        targets[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], calamine_member(rel.get("Target", "")))
    sheets: dict[str, str] = {}
    for element in book.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet":
            rel_id = element.get(f"{REL_NS}id", element.get(f"{STRICT_REL_NS}id", ""))
            kind, member = targets.get(rel_id, ("", ""))
            if kind == "worksheet":
                sheets.setdefault(element.get("name", ""), member)  # calamine reads the first of a name
    # calamine reads styles and shared strings at these places whatever the relationships say: a
    # relationship naming another member (a sheet, say) must not copy it unclipped.
    return sheets, {"xl/styles.xml", SHARED_STRINGS}


def calamine_member(target: str) -> str:
    """The member calamine reads for a relationship's ``target``: one leading ``/`` dropped, else
    ``xl/`` put before it; nothing else is resolved (``..``, ``%2E`` and ``\\`` stay as written)."""
    return target[1:] if target.startswith("/") else f"xl/{target}"


def _ods(path: Path, archive: zipfile.ZipFile, budget: _Budget,
         bounds: dict[str, Bounds]) -> tuple[bytes, list[Overflow]]:
    names = set(archive.namelist())
    if "content.xml" not in names:
        raise UnreadableFileError(path, "the spreadsheet has no content (content.xml is missing)")
    content = budget.read(archive, "content.xml")
    pieces: list[bytes] = []
    overflows: list[Overflow] = []
    done = 0
    for match in ODS_TABLE.finditer(content):
        if match.start() < done:
            continue  # a table inside a table (a sub-table): dropped with its parent
        named = TABLE_NAME.search(match.group(2))
        name = unescape((named.group(1) or named.group(2) or b"").decode("utf-8", "replace")) if named else ""
        pieces.append(content[done:match.end()])
        if match.group(3):  # <table:table …/>: nothing inside
            done = match.end()
            continue
        end_tag = b"</" + match.group(1) + b"table>"
        end = content.find(end_tag, match.end())
        if end < 0:
            raise UnreadableFileError(path, f"the sheet {brief(name)!r} is damaged (it never ends)")
        if name in bounds:
            clip = Clip(name, bounds[name].rows, bounds[name].columns, path)
            pieces.append(clip_ods_table(content[match.end():end], clip))
            overflows += clip.overflows
        else:  # calamine refuses a table without rows
            pieces.append(b"<" + match.group(1) + b"table-row><" + match.group(1) + b"table-cell/></"
                          + match.group(1) + b"table-row>")
        done = end
    pieces.append(content[done:])
    kept = b"".join(pieces)
    check_ods(path, kept)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        copy.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        if "META-INF/manifest.xml" in names:
            copy.writestr("META-INF/manifest.xml", budget.read(archive, "META-INF/manifest.xml",
                                                               limits.MAX_METADATA_SIZE))
        copy.writestr("content.xml", kept)
    return out.getvalue(), overflows
