"""One cheap scan of a workbook: how far each sheet's cells really reach.

:mod:`sheetsync.formats.bounded` rewrites every sheet, cell by cell in Python, so that calamine
never sees a cell beyond the form. An honest file has none, so :func:`scan` first inflates the
members calamine reads (with the same real-size caps) and measures each sheet with a few
C-speed searches. :meth:`Scanned.copy` then hands calamine the sheets that lie within their
bounds as written, in a stored (uncompressed) copy holding only those members. A sheet the scan
cannot measure cheaply — .xlsx cells without ``r=``, an unusual prefix or encoding, ODS sub-tables —
or whose cells reach beyond its bounds is left to :func:`bounded_copy`, which clips it and
reports the first cell beyond (so findings never depend on which path was taken).

What counts as a cell is deliberately broad: every .xlsx ``<c>`` (empty or not), and every ODS
cell that is not an empty self-closing element (``<text:s/>`` alone is a space to calamine).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from html import unescape
from pathlib import Path
from typing import Collection

from .. import limits
from ..errors import LimitError, UnreadableFileError
from ..text import brief
from ._clip import EMPTY_SHEET, column_number
from ._pieces import (count_matches as _count, count_tags as _tags, distinct_refs as _refs, holds, once,
                      plain_encoding as _plain_encoding)
from ._inflate import inflated
from ._stored import stored_zip
from .odsbreaks import break_lines
from .bounded import (TABLE_NAME, XLSX_NEEDED, Bounds, _Budget, _xlsx_parts, found_members, fold, no_reserved_count,
                      open_zip)
from .expansion import SHARED_STRINGS, check_ods, check_xlsx
from .ods_extent import Extent, ods_bound, ods_extent

__all__ = ["Extent", "Scanned", "scan"]

XLSX_CELL = re.compile(rb'<c(?:\s+r="([A-Z]{1,3})([1-9][0-9]{0,6})")?(?=[\s/>])')
#: Never reads past a ``<`` (no start tag holds one): a search failing in one tag (no ``r=``) must not
#: go on through the next ones, or text of unclosed ``<c`` tags is read once per tag (70 KB: 9 s).
XLSX_CELL_REF = re.compile(rb"""<c\s[^<>]*?(?<=\s)r\s*=\s*["']\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})["']""")
XLSX_PREFIXED = re.compile(rb":(?:c|row|sheetData)[\s/>]")
XLSX_SHEETDATA = re.compile(rb"<sheetData[\s/>]")
XLSX_NS = b"schemas.openxmlformats.org/spreadsheetml/2006/main"
ODS_TABLE_NS = b"urn:oasis:names:tc:opendocument:xmlns:table:1.0"
XLSX_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension(?=[\s/>])[^<>]*>")
ODS_TABLE_OPEN = re.compile(rb"<(table:)table(?=[\s/>])([^<>]*?)(/?)>")
#: Every ``<table:table`` but the ``<table:table-…`` elements (rows, cells, columns): a table's start,
#: or a tag written otherwise. One search at the speed of ``count`` (two counts cost twice as much).
ODS_TABLE_START = re.compile(rb"<table:table(?!-)")
ODS_STUB = b"<table:table-row><table:table-cell/></table:table-row>"


class Scanned:
    """A workbook's members as inflated once, and each sheet's :class:`Extent` (None: unknown)."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        # Each sheet's extent, or for an .ods table in ``_pending`` a bound it cannot exceed (None:
        # not measured). Exactly the sheets that :attr:`extents` measures are non-None here.
        self._reach: dict[str, Extent | None] = {}
        self._pending: dict[str, tuple[int, int]] = {}  # ods: table → its body in content.xml, not yet measured exactly
        self._members: dict[str, bytes] = {}
        self._crcs: dict[str, int] = {}  # member → its CRC-32, as checked while inflating it
        self._sheets: dict[str, str] = {}  # xlsx: sheet → member
        self._tables: list[tuple[str, int, int]] = []  # ods: (name, start, end) of each table's body
        self._bodies: dict[str, list[tuple[int, int]]] = {}  # ods: the same by name (a file may hold 60,000)
        self._budget: _Budget | None = None  # the caps the scan inflated within, for :meth:`extra`
        self._extra: dict[str, bytes | None] = {}  # members inflated after the scan (None: absent)

    @property
    def extents(self) -> dict[str, Extent | None]:
        """Each sheet's exact :class:`Extent` (None: not measured)."""
        for name in list(self._pending):
            self._exact(name)
        return self._reach

    def _exact(self, name: str) -> Extent | None:
        start, end = self._pending.pop(name)
        found = self._reach[name] = ods_extent(self._members["content.xml"][start:end])
        return found

    def fits(self, bounds: dict[str, Bounds]) -> bool:
        """Whether every sheet named in ``bounds`` was measured and lies within its bounds."""
        for name, b in bounds.items():
            reach = self._reach.get(name)
            if reach is not None and not reach.within(b) and name in self._pending:
                reach = self._exact(name)  # the quick bound is not enough: measure it
            if reach is None or not reach.within(b):
                return False
        return True

    def unclipped(self, needed: set[str]) -> set[str]:
        """The sheets a copy may keep as written: every measured one while their grids together
        stay within :data:`limits.MAX_UNCLIPPED_CELLS` (calamine reads every .ods table at once),
        else only ``needed``."""
        for exact in (False, True):  # the quick bounds, then if need be the exact extents
            measured = {name: e for name, e in (self.extents if exact else self._reach).items() if e is not None}
            if sum(e.rows * e.columns for e in measured.values()) <= limits.MAX_UNCLIPPED_CELLS:
                return set(measured)
        return needed

    def part(self, sheet: str) -> bytes | None:
        """The XML of ``sheet`` as inflated (.xlsx: its worksheet; .ods: its table's body), if held."""
        if self.fmt != "ods":
            return self._members.get(self._sheets.get(sheet, ""))
        bodies = self._bodies.get(sheet, [])
        return self._members["content.xml"][bodies[0][0]:bodies[0][1]] if len(bodies) == 1 else None

    def member(self, name: str) -> bytes | None:
        """The member ``name`` as inflated (found as calamine finds it, whatever its case), if held."""
        wanted = fold(name)
        return next((data for member, data in self._members.items() if fold(member) == wanted), None)

    def extra(self, archive: zipfile.ZipFile | None, name: str, cap: int = limits.MAX_MEMBER_INFLATED) -> bytes | None:
        """The member ``name``, which the scan did not inflate (an .ods's styles.xml), inflated once
        from ``archive`` within the file's caps (and ``cap``), or None where there is no such member
        (or no archive).

        :raises LimitError: it is too large, or holds XML entities.
        :raises UnreadableFileError: it is damaged.
        """
        if name not in self._extra:
            found = None
            if archive is not None and self._budget is not None and name in archive.namelist():
                found = self._budget.read(archive, name, cap)
            self._extra[name] = found
        return self._extra[name]

    def with_values(self, besides: Collection[str]) -> list[str]:
        """The sheets (.xlsx, .ods) not in ``besides`` whose XML holds a value: a cell's ``<v>``, inline
        text or formula, or an ODS cell's text or value — not only formatting. A heuristic at C speed,
        for a warning; a template's own sheets are never looked at (every file has them)."""
        marks = (b"<text:p", b"office:value=", b"table:formula=") if self.fmt == "ods" else (b"<v>", b"<is>", b"<f>", b"<f ")
        others = [name for name in self._reach if name not in besides]
        return [name for name in others if (part := self.part(name)) is not None and any(m in part for m in marks)]

    def holds(self, word: bytes) -> bool:
        """Whether any member inflated holds ``word`` (a search at C speed)."""
        return any(word in data for data in self._members.values())

    def copy(self, keep: set[str]) -> bytes:
        """A stored copy of the members calamine reads, the sheets in ``keep`` as written (each must
        have been measured) and every other sheet emptied; an .ods line break is written as a
        newline (:func:`sheetsync.formats.odsbreaks.break_lines`: calamine would drop it).

        :raises LimitError: the copy's cells stand for too much text (:mod:`sheetsync.formats.expansion`).
        """
        assert all(self._reach.get(name) is not None for name in keep)
        crcs = self._crcs
        if self.fmt == "ods":
            members: list[tuple[str, bytes, int | None]] = [
                ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", None)]
            if "META-INF/manifest.xml" in self._members:
                members.append(("META-INF/manifest.xml", self._members["META-INF/manifest.xml"],
                                crcs.get("META-INF/manifest.xml")))
            kept = self._ods_content(keep)
            check_ods(self.path, kept)
            content = break_lines(kept)
            members.append(("content.xml", content, crcs.get("content.xml") if content is self._members["content.xml"]
                            else None))
            return stored_zip(members)
        sheet_members = {member: name for name, member in self._sheets.items()}
        kept_sheets = [data for member, data in self._members.items() if sheet_members.get(member) in keep]
        for member, data in self._members.items():  # the shared strings (styles hold none)
            if (member not in sheet_members and member not in XLSX_NEEDED) or member == SHARED_STRINGS:
                check_xlsx(self.path, kept_sheets, data)
        members, strings = [], fold(SHARED_STRINGS)
        for member, data in self._members.items():
            name = sheet_members.get(member)
            if name is not None and name not in keep:
                members.append((member, EMPTY_SHEET, None))
                continue
            written = data if name is None else _without_dimension(data)
            if fold(member) == strings:  # calamine reserves room for the count its root declares
                written = no_reserved_count(written)
            members.append((member, written, crcs.get(member) if written is data else None))
        return stored_zip(members)

    def _ods_content(self, keep: set[str]) -> bytes:
        content = self._members["content.xml"]
        pieces, done = [], 0
        for name, start, end in self._tables:
            if name in keep:
                continue
            pieces += [content[done:start], ODS_STUB]  # calamine refuses a table without rows
            done = end
        if done == 0:
            return content  # every table kept: the member as read
        pieces.append(content[done:])
        return b"".join(pieces)


class _Inflater(_Budget):
    """:class:`_Budget`'s caps, checked on one read of at most cap + 1 bytes (no chunk copies)."""

    def __init__(self, path: Path, data: bytes | None = None) -> None:
        super().__init__(path)
        self.data = data  # the zip's bytes, when held: a plain member is inflated from them (_inflate)
        self.crcs: dict[str, int] = {}  # each member's CRC, compared once it was read whole

    def read(self, archive: zipfile.ZipFile, name: str, cap: int = limits.MAX_MEMBER_INFLATED) -> bytes:
        """The member ``name``, inflated in one read capped at ``cap`` or what the total still allows."""
        info = archive.getinfo(name)
        self._check_declared(info, name, cap)
        # Declared within the caps, so read whole: straight from the bytes, else (any other member) by zipfile.
        found = inflated(self.data, info) if self.data is not None else None
        try:
            if found is not None:
                data = found
            else:
                with archive.open(info) as member:
                    data = member.read(min(cap, self.left) + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise UnreadableFileError(self.path, f"the part {brief(name)!r} is damaged") from exc
        if len(data) > cap:
            raise self._too_big(name, cap)
        self.total += len(data)
        if self.left < 0:
            raise self._too_much()
        # One byte is found at memchr speed; the two words only where it occurs.
        if data.find(b"!") >= 0 and (holds(data, b"<!DOCTYPE") or holds(data, b"<!ENTITY")):
            raise LimitError(self.path, "limit.entities", part=name)
        self.crcs[name] = info.CRC
        return self.whole(name, data)


def scan(path: Path, fmt: str, archive: zipfile.ZipFile | None = None, data: bytes | None = None) -> Scanned:
    """Inflate (within :mod:`sheetsync.limits`) and measure the .xlsx/.ods at ``path``.

    :param archive: the file already opened (as :func:`sheetsync.formats.guard.check_container`
        hands it back); left open.
    :param data: the bytes ``archive`` was opened over, if they are at hand (plain members are then
        inflated from them directly: :mod:`sheetsync.formats._inflate`).
    :raises LimitError: a member too large, XML entities.
    :raises UnreadableFileError: a damaged container.
    """
    if archive is None:
        with open_zip(path) as opened:
            return scan(path, fmt, opened)
    scanned = Scanned(path, fmt)
    budget = _Inflater(path, data)
    scanned._crcs, scanned._budget = budget.crcs, budget
    names = set(archive.namelist())
    if fmt == "ods":
        _scan_ods(scanned, archive, budget, names)
    else:
        _scan_xlsx(scanned, archive, budget, names)
    return scanned


def _scan_xlsx(scanned: Scanned, archive: zipfile.ZipFile, budget: _Budget, names: set[str]) -> None:
    members = scanned._members
    for name in XLSX_NEEDED:
        if name in names:
            members[name] = budget.read(archive, name, limits.MAX_METADATA_SIZE)
    sheets, others = _xlsx_parts(scanned.path, members.get("xl/workbook.xml", b""),
                                 members.get("xl/_rels/workbook.xml.rels", b""))
    found = found_members(scanned.path, archive.namelist())
    for part in sorted(others):
        if (other := found.get(fold(part))) is not None:
            members[other] = budget.read(archive, other)
    taken = {fold(member) for member in members}
    for sheet, target in sheets.items():
        # A sheet sharing its member (in either case) with a part taken is left to bounded_copy.
        member = found.get(fold(target))
        if member is not None and fold(member) not in taken:
            taken.add(fold(member))
            members[member] = budget.read(archive, member)
            scanned._sheets[sheet] = member
            scanned._reach[sheet] = _xlsx_extent(members[member])


def _xlsx_extent(xml: bytes) -> Extent | None:
    """How far the sheet's cells reach, if every cell says where it is (``r="B7"``)."""
    if (not _plain_encoding(xml) or XLSX_SHEETDATA.search(xml) is None or XLSX_PREFIXED.search(xml)
            or not once(xml, XLSX_NS) or b'xmlns="http://' + XLSX_NS + b'"' not in xml):
        return None  # only unprefixed cells in the main namespace are measured
    # Each row or cell takes at least 4 bytes: only a sheet this long can hold too many (tags counted
    # at memchr speed, ~10 ms for 24 MB, where the measure below costs ~1.5 us a cell).
    if len(xml) > 4 * limits.MAX_ELEMENTS and _tags(xml, b"<c") + _tags(xml, b"<row") > limits.MAX_ELEMENTS:
        return None  # clipped, or refused naming the sheet if it is read; a sheet not read is emptied
    # One pass over every cell start tag, with its reference when written as Excel, Calc and
    # openpyxl write it (r= first, plain A1); ("", "") for any other cell.
    cells, letters, rows = _refs(XLSX_CELL, xml)
    if not cells:
        return Extent(0, 0)
    if b"" in letters:
        general, letters, rows = _refs(XLSX_CELL_REF, xml)
        if general != cells:
            return None  # a cell without r= (or one hidden from the search): clip it
    return Extent(max(map(int, rows)), max(map(column_number, letters)))


def _without_dimension(xml: bytes) -> bytes:
    """The sheet without its ``<dimension>`` hint (calamine sizes its grid from it)."""
    data = XLSX_SHEETDATA.search(xml)
    found = XLSX_DIMENSION.search(xml, 0, data.start() if data else len(xml))
    return xml if found is None else xml[:found.start()] + xml[found.end():]


def _scan_ods(scanned: Scanned, archive: zipfile.ZipFile, budget: _Budget, names: set[str]) -> None:
    # Two copies of a part: which one calamine's zip reader takes (or LibreOffice shows) is theirs to say.
    found_members(scanned.path, archive.namelist())
    if "content.xml" not in names:
        raise UnreadableFileError(scanned.path, "the spreadsheet has no content (content.xml is missing)")
    content = scanned._members["content.xml"] = budget.read(archive, "content.xml")
    if "META-INF/manifest.xml" in names:
        scanned._members["META-INF/manifest.xml"] = budget.read(archive, "META-INF/manifest.xml",
                                                                limits.MAX_METADATA_SIZE)
    # Only the usual prefixes are measured: anything else (or such words in text) is clipped.
    if not (_plain_encoding(content) and _usual_prefixes(content)):
        return  # nothing measured: every sheet is clipped
    # The tables' start tags counted from the first (the styles and validations before it, a third of
    # an honest part, hold none).
    done = max(content.find(b"<table:table"), 0)
    starts = _count(ODS_TABLE_START, content, done)
    while (start := content.find(b"<table:table ", done)) >= 0:
        match = ODS_TABLE_OPEN.match(content, start)
        if match is None:
            return
        named = TABLE_NAME.search(match.group(2))
        name = unescape((named.group(1) or named.group(2) or b"").decode("utf-8", "replace")) if named else ""
        done = match.end()
        starts -= 1
        reach, pending = scanned._reach, scanned._pending
        twice = name in reach  # two sheets of one name: neither is measured (the file is refused: opener.one_name_each)
        pending.pop(name, None)
        if match.group(3):  # <table:table …/>: nothing inside
            reach[name] = None if twice else Extent(0, 0)
            continue
        end = content.find(b"</table:table>", done)
        if end < 0:
            raise UnreadableFileError(scanned.path, f"the sheet {brief(name)!r} is damaged (it never ends)")
        scanned._tables.append((name, done, end))
        scanned._bodies.setdefault(name, []).append((done, end))
        quick = None if twice else ods_bound(content[done:end])
        if quick is not None:
            reach[name], pending[name] = quick, (done, end)
        else:
            reach[name] = None if twice else ods_extent(content[done:end])
        done = end
    if starts:  # a table written otherwise, or one inside another: measure nothing, clip every sheet
        scanned._reach.clear()
        scanned._pending.clear()
        scanned._tables.clear()
        scanned._bodies.clear()


def _usual_prefixes(content: bytes) -> bool:
    """Whether the table namespace is bound once, to ``table:`` (what the searches look for)."""
    return once(content, ODS_TABLE_NS) and b'xmlns:table="' + ODS_TABLE_NS + b'"' in content
