"""The workbook stream of a legacy .xls, found as python-calamine finds it, or the file refused.

A .xls is a compound file (MS-CFB): sectors chained through a FAT, a directory of streams, small
streams kept in 64-byte mini sectors of a mini stream. python-calamine (0.37) follows its chains
with no loop check and no bound: a directory chain that loops, or a DIFAT chain that does, grows
its buffer until the process aborts (a 7 KB file took 2.1 GB, then signal 6), and so does a mini
stream or mini FAT chain that loops under a huge declared size; a chain that runs past the FAT's
entries, or a small stream with no mini FAT, is a Rust panic (``PanicException``, which is no
``Exception``). olefile does not protect us: it reads only as many sectors as a stream's size
needs, so a file whose FAT is shifted by 8 bytes passed it, and it ran out of memory itself on a
looping mini FAT of huge declared size.

:func:`workbook_stream` therefore reads the container the way calamine does, and follows every
chain calamine follows (the DIFAT, the directory, the mini stream and the mini FAT when the header
declares a mini FAT, then the first directory entry named ``Workbook``, or else ``Book``) to its
end, each sector visited once: a chain can be no longer than the sectors in the file. Anything no
writer produces (a loop, a sector outside the file or past the FAT, a FAT sector listed twice, a
declared size larger than the stream's chain) is refused as a damaged file, before calamine opens it.

Three places where calamine reads other bytes than a sector-by-sector model would (each let a sheet
that only calamine reads past the checks: tests/data/hostile/disguised.py): its first read of a
last sector cut short gives only what there is of it (later reads give it zero-padded), so the
file is handed to calamine padded to whole sectors (:func:`whole_sectors`), as this model reads it;
a mini sector cut by the Root Entry's size is filled from wherever calamine's reader stands, so no
byte of the workbook stream may come from past that size; and its UTF-16 decoder honours a byte
order mark at the start of an entry's name (``\ufeffWorkbook`` is ``Workbook`` to it), as
:func:`_name` does.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

from .. import limits
from ..errors import IncompleteFileError, LimitError, UnreadableFileError

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
#: Sector numbers with a meaning of their own (MS-CFB 2.1); calamine ends a DIFAT chain at any of
#: them, keeps FAT sector numbers below DIFSECT, and ends every other chain at ENDOFCHAIN only.
RESERVED, DIFSECT, ENDOFCHAIN = 0xFFFFFFFA, 0xFFFFFFFC, 0xFFFFFFFE
MINI_SECTOR = 64
MINI_CUTOFF = 4096  # calamine's, whatever the header says: smaller streams live in the mini stream
HEADER = struct.Struct("<26xHxxHH14xI8xIII")  # what calamine reads of the header (MS-CFB 2.2)
DAMAGED = "the .xls file is damaged"
NO_WORKBOOK = "not a readable .xls workbook (no workbook stream)"


@dataclass(frozen=True)
class _Entry:
    """One 128-byte directory entry as calamine reads it: name (to its first NUL), first sector, size."""

    name: str
    start: int
    size: int


def whole_sectors(data: bytes) -> bytes:
    """``data`` (a compound file :func:`workbook_stream` accepted) padded with zeros to a whole number
    of sectors: the bytes to hand calamine, so that it reads a last sector cut short as it is modelled here."""
    size = 4096 if HEADER.unpack_from(data)[1] == 12 else 512
    return data + bytes(-len(data) % size)


def workbook_stream(path: Path, data: bytes) -> bytes:
    """The BIFF records calamine will read from the .xls ``data``: its ``Workbook`` (or older ``Book``) stream.

    :param path: names the file in messages only; ``data`` is its content, already read.
    :raises UnreadableFileError: the container is damaged in a way calamine would not survive or
        read sanely (``the .xls file is damaged (…)``), or holds no workbook stream.
    :raises LimitError: the workbook stream is larger than :data:`~sheetsync.limits.MAX_XLS_STREAM`
        (``limit.xls-stream``).
    """
    box = _Container(path, data)
    entries = box.directory()
    found = [e for e in entries if e.name == "Workbook"] or [e for e in entries if e.name == "Book"]
    if not found:
        raise UnreadableFileError(path, NO_WORKBOOK)
    stream = box.stream(found[0], entries[0])  # no longer than the file: each sector is read once
    if len(stream) > limits.MAX_XLS_STREAM:  # (a size its sectors cannot hold is damage, said above)
        raise LimitError(path, "limit.xls-stream", size=f"{len(stream) / limits.MB:,.0f}",
                         limit=limits.MAX_XLS_STREAM // limits.MB)
    return stream


class _Container:
    """The header, FAT and sectors of one compound file, checked as they are read."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self.data = path, data
        if not data.startswith(SIGNATURE):
            self.damaged("no compound-file header")
        if len(data) < 512:
            self.cut_short("no compound-file header")
        (self.version, shift, mini_shift, self.dir_start, self.minifat_start, self.minifat_sectors,
         difat_start) = HEADER.unpack_from(data)
        if shift not in (9, 12) or mini_shift != 6:
            self.damaged("its sectors are not 512 or 4,096 bytes, or its mini sectors not 64")
        self.size = 1 << shift
        # A sector's number n puts it at byte (n + 1) * size: the header fills sector -1. A last
        # sector cut short still counts (calamine reads what there is of it).
        self.sectors = max(0, -(-(len(data) - self.size) // self.size))
        self.fat = self._fat(array("I", data[76:512]), difat_start)

    def damaged(self, why: str) -> None:
        """Refuse the file: one line naming it."""
        raise UnreadableFileError(self.path, f"{DAMAGED} ({why})")

    def cut_short(self, why: str) -> None:
        """Refuse the file as one that ends before its sectors do (a copy not finished, or cut
        short): the same line, as an :class:`IncompleteFileError`."""
        raise IncompleteFileError(self.path, f"{DAMAGED} ({why})")

    def sector(self, number: int) -> bytes:
        """The bytes of sector ``number`` (known to lie in the file), zero-padded if cut short."""
        start = (number + 1) * self.size
        return self.data[start:start + self.size].ljust(self.size, b"\0")

    def _fat(self, listed: array[int], difat_start: int) -> array[int]:
        """The FAT: the sectors the header's 109 entries and the DIFAT chain list, in that order.
        calamine appends each DIFAT sector whole and takes its last entry as the next one."""
        seen: set[int] = set()
        at = difat_start
        while at < RESERVED:
            if at >= self.sectors or at in seen:
                (self.damaged if at in seen else self.cut_short)("its DIFAT chain loops or leaves the file")
            seen.add(at)
            more = array("I", self.sector(at))
            listed.extend(more[:-1])
            at = more[-1]
        fat_sectors = [n for n in listed if n < DIFSECT]
        if len(set(fat_sectors)) < len(fat_sectors):
            self.damaged("its FAT lists a sector outside the file, or one sector twice")
        if any(n >= self.sectors for n in fat_sectors):
            self.cut_short("its FAT lists a sector outside the file, or one sector twice")
        return array("I", b"".join(self.sector(n) for n in fat_sectors))

    def chain(self, start: int, fat: array[int], count: int, what: str) -> list[int]:
        """The sectors (or mini sectors) of the chain from ``start`` to ENDOFCHAIN, each of them one
        of the ``count`` in the file and with an entry in ``fat``, none twice."""
        out: list[int] = []
        seen: set[int] = set()
        at = start
        while at != ENDOFCHAIN:
            if at >= count or at >= len(fat) or at in seen:  # no chain is longer than the sectors there are
                # a sector the FAT knows and the file does not hold yet: the file's end is missing
                past_end = fat is self.fat and count <= at < len(fat) and at not in seen
                (self.cut_short if past_end else self.damaged)(f"the sector chain of its {what} loops or leaves the file")
            seen.add(at)
            out.append(at)
            at = fat[at]
        return out

    def read(self, start: int, size: int | None, what: str) -> bytes:
        """The content of the chain of sectors from ``start``, cut to ``size`` (which it must hold)."""
        raw = b"".join(self.sector(n) for n in self.chain(start, self.fat, self.sectors, what))
        if size is not None and size > len(raw):
            self.damaged(f"its {what} is declared larger than its sectors")
        return raw if size is None else raw[:size]

    def directory(self) -> list[_Entry]:
        """Every entry of the directory chain, in order (calamine looks a stream up by name among
        all of them, the first match winning, not through the directory's tree)."""
        raw = self.read(self.dir_start, None, "directory")
        entries = []
        for at in range(0, len(raw) - 127, 128):
            name = _name(raw[at:at + 64])
            start, size = struct.unpack_from("<IQ", raw, at + 116)
            entries.append(_Entry(name, start, size if self.size == 4096 else size & 0xFFFFFFFF))
        if not entries or (self.version != 3 and entries[0].start == ENDOFCHAIN):
            self.damaged("its directory is empty")
        return entries

    def stream(self, entry: _Entry, root: _Entry) -> bytes:
        """The content of ``entry``, from the mini stream (held by ``root``) when it is small."""
        if entry.size >= MINI_CUTOFF:
            return self.read(entry.start, entry.size, "workbook stream")
        ministream, minifat = b"", array("I")
        if self.minifat_sectors:  # calamine reads neither unless the header counts mini FAT sectors
            ministream = self.read(root.start, root.size, "mini stream")
            minifat = array("I", self.read(self.minifat_start, None, "mini FAT"))
        count = -(-len(ministream) // MINI_SECTOR)
        chain = self.chain(entry.start, minifat, count, "workbook stream")
        # A mini sector cut by the Root Entry's size is completed by calamine from its reader (file
        # bytes, or nothing at the file's end): only its part within that size is known.
        parts = [ministream[n * MINI_SECTOR:(n + 1) * MINI_SECTOR] for n in chain]
        raw = b"".join(parts)
        if any(len(part) < MINI_SECTOR for part in parts[:-1]) or entry.size > len(raw):
            self.damaged("its workbook stream is declared larger than its sectors")
        return raw[:entry.size]


def _name(raw: bytes) -> str:
    """A directory entry's name as calamine decodes it (encoding_rs, which sniffs a byte order mark
    first: UTF-8, UTF-16LE or UTF-16BE), up to its first NUL."""
    for mark, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(mark):
            return raw[len(mark):].decode(codec, "replace").split("\0")[0]
    return raw.decode("utf-16-le", "replace").split("\0")[0]
