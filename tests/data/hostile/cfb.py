"""Compound files (the container of a .xls) laid out sector by sector, to be damaged on purpose.

:func:`container` writes an honest file holding one stream, in whichever layout is asked for
(512- or 4,096-byte sectors, the stream in the mini stream or in sectors of its own, FAT sectors
listed in the header or in a DIFAT sector), and returns where each part went (:class:`Layout`), so
a test can point one chain elsewhere with :func:`put`. tests/data/hostile/xls.py writes the simple
layout the BIFF tests need; this one is for the container itself.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Callable

FREE, END, FAT_SECTOR, DIFAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF
MINI = 64
#: Header fields (offset, struct format) by name, as MS-CFB 2.2 lays them out.
HEADER = {"version": (26, "<H"), "sector_shift": (30, "<H"), "mini_shift": (32, "<H"), "dir_sectors": (40, "<I"),
          "fat_sectors": (44, "<I"), "dir_start": (48, "<I"), "mini_cutoff": (56, "<I"), "minifat_start": (60, "<I"),
          "minifat_sectors": (64, "<I"), "difat_start": (68, "<I"), "difat_sectors": (72, "<I")}


@dataclass
class Layout:
    """Where the parts of a :func:`container` are: sector numbers of each chain, in chain order.

    ``stream`` is the workbook stream's chain: in mini sectors when ``mini`` is true."""

    sector: int
    mini: bool
    stream: list[int] = field(default_factory=list)
    ministream: list[int] = field(default_factory=list)
    minifat: list[int] = field(default_factory=list)
    directory: list[int] = field(default_factory=list)
    difat: list[int] = field(default_factory=list)
    fat: list[int] = field(default_factory=list)

    def offset(self, sector: int) -> int:
        """Where sector ``sector`` starts in the file (the header takes the first sector's room)."""
        return (sector + 1) * self.sector

    def entry(self, index: int) -> int:
        """Where directory entry ``index`` starts in the file."""
        per = self.sector // 128
        return self.offset(self.directory[index // per]) + index % per * 128

    def fat_entry(self, sector: int) -> int:
        """Where the FAT entry of ``sector`` (the next sector of its chain) is in the file."""
        per = self.sector // 4
        return self.offset(self.fat[sector // per]) + sector % per * 4

    def minifat_entry(self, mini_sector: int) -> int:
        """Where the mini FAT entry of ``mini_sector`` is in the file."""
        per = self.sector // 4
        return self.offset(self.minifat[mini_sector // per]) + mini_sector % per * 4


def container(stream: bytes, name: str = "Workbook", *, sector: int = 512, mini: bool | None = None,
              difat: bool = False, entries: list[str] | None = None) -> tuple[bytearray, Layout]:
    """An honest compound file whose stream ``name`` holds ``stream``, and where its parts lie.

    :param mini: keep the stream in the mini stream (the default for streams under 4,096 bytes,
        as every writer does).
    :param difat: list the FAT sectors in a DIFAT sector instead of the header.
    :param entries: names of further empty streams, after ``name`` in the directory.
    """
    mini = len(stream) < 4096 if mini is None else mini
    lay = Layout(sector, mini)
    names = [name] + (entries or [])
    per_fat = sector // 4
    used = 0

    def take(count: int) -> list[int]:
        nonlocal used
        used += count
        return list(range(used - count, used))

    if mini:
        lay.stream = list(range(-(-len(stream) // MINI)))
        ministream = stream.ljust(len(lay.stream) * MINI, b"\0")
        lay.ministream = take(-(-len(ministream) // sector))
        lay.minifat = take(-(-len(lay.stream) // per_fat))
    else:
        lay.stream = take(-(-len(stream) // sector))
    lay.directory = take(-(-(len(names) + 1) // (sector // 128)))
    lay.difat = take(1 if difat else 0)
    fats = 1
    while used + fats > fats * per_fat:
        fats += 1
    lay.fat = take(fats)
    fat = [FREE] * (fats * per_fat)
    for chain in (lay.ministream, lay.minifat, lay.directory) + (() if mini else (lay.stream,)):
        for here, after in zip(chain, chain[1:] + [END]):
            fat[here] = after
    for s in lay.fat:
        fat[s] = FAT_SECTOR
    for s in lay.difat:
        fat[s] = DIFAT_SECTOR
    body = bytearray(used * sector)
    if mini:
        _place(body, lay.ministream[0], sector, ministream)
        minifat = [i + 1 for i in range(len(lay.stream) - 1)] + [END]
        minifat += [FREE] * (len(lay.minifat) * per_fat - len(minifat))
        _place(body, lay.minifat[0], sector, struct.pack(f"<{len(minifat)}I", *minifat))
    else:
        body[:len(stream)] = stream
    root = _entry("Root Entry", 5, child=1, start=lay.ministream[0] if mini else END,
                  size=len(lay.stream) * MINI if mini else 0)
    listed = root + b"".join(_entry(n, 2, child=NO_STREAM, start=0 if i else (0 if mini or lay.stream else END),
                                    size=0 if i else len(stream), right=i + 2 if i + 1 < len(names) else NO_STREAM)
                             for i, n in enumerate(names))
    listed = listed.ljust(len(lay.directory) * sector, b"\0")
    _place(body, lay.directory[0], sector, listed)
    _place(body, lay.fat[0], sector, struct.pack(f"<{len(fat)}I", *fat))
    header_difat = [FREE] * 109 if difat else (lay.fat + [FREE] * 109)[:109]
    if difat:
        listing = lay.fat + [FREE] * (per_fat - 1 - len(lay.fat)) + [END]
        _place(body, lay.difat[0], sector, struct.pack(f"<{per_fat}I", *listing))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), bytes(16), 0x3E,
                         3 if sector == 512 else 4, 0xFFFE, 9 if sector == 512 else 12, 6, bytes(6),
                         len(lay.directory) if sector == 4096 else 0, len(lay.fat), lay.directory[0], 0, 4096,
                         lay.minifat[0] if mini else END, len(lay.minifat), lay.difat[0] if difat else END,
                         len(lay.difat))
    header += struct.pack("<109I", *header_difat)
    return bytearray(header.ljust(sector, b"\0") + body), lay


def _place(body: bytearray, first: int, sector: int, raw: bytes) -> None:
    """Write ``raw`` into the sectors that start at sector ``first`` (they follow each other)."""
    body[first * sector:first * sector + len(raw)] = raw


def put(data: bytearray, offset: int, value: int, fmt: str = "<I") -> bytearray:
    """Write ``value`` at ``offset`` (a FAT entry, a header field, a size) and return ``data``."""
    struct.pack_into(fmt, data, offset, value)
    return data


def set_header(data: bytearray, name: str, value: int) -> bytearray:
    """Set one header field (see :data:`HEADER`)."""
    offset, fmt = HEADER[name]
    return put(data, offset, value, fmt)


def _entry(name: str, kind: int, child: int, start: int, size: int, right: int = NO_STREAM) -> bytes:
    raw = (name + "\0").encode("utf-16-le")
    return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, NO_STREAM, right, child)
            + bytes(16) + bytes(4) + bytes(16) + struct.pack("<IQ", start, size))


def small_book() -> bytes:
    """A workbook stream of one sheet and one cell: 97 bytes, kept in the mini stream."""
    from tests.data.hostile.xls import book, number, shared_strings
    return book([("S", number(0, 0, 7.0))], shared_strings(["x"]))


def large_book() -> bytes:
    """A workbook stream of 300 rows: 5,479 bytes, in sectors of its own."""
    from tests.data.hostile.xls import book, number, shared_strings
    return book([("S", b"".join(number(r, 0, float(r)) for r in range(300)))], shared_strings(["x"]))


Edit = Callable[[bytearray, Layout], bytearray]


def _large(edit: Edit, *, sector: int = 512, difat: bool = False) -> Callable[[], bytes]:
    return lambda: bytes(edit(*container(large_book(), sector=sector, difat=difat)))


def _small(edit: Edit, *, sector: int = 512) -> Callable[[], bytes]:
    return lambda: bytes(edit(*container(small_book(), sector=sector)))


def _looping_difat(data: bytearray, lay: Layout) -> bytearray:
    """A DIFAT sector that names itself as the next, after a header that lists the FAT itself
    and counts no DIFAT sector (so olefile never looks at it; calamine follows ``difat_start``)."""
    last = len(data) // lay.sector - 1
    data += struct.pack(f"<{lay.sector // 4}I", *([FREE] * (lay.sector // 4 - 1) + [last]))
    return set_header(data, "difat_start", last)


#: Containers calamine 0.37 cannot read sanely, each made from an honest :func:`container`. What
#: calamine did with each (in a child under a 3 GB address-space cap) is in tests/test_cfb_check.py.
DAMAGED: dict[str, Callable[[], bytes]] = {
    "directory-loop": _large(lambda d, lay: put(d, lay.fat_entry(lay.directory[-1]), lay.directory[0])),
    "directory-loop-4096": _small(lambda d, lay: put(d, lay.fat_entry(lay.directory[-1]), lay.directory[0]),
                                  sector=4096),
    "directory-past-the-file": _large(lambda d, lay: set_header(d, "dir_start", 0x00FFFFFF)),
    "difat-loop": _large(_looping_difat),
    "difat-self-loop-counted": _large(lambda d, lay: put(d, lay.offset(lay.difat[0]) + lay.sector - 4, lay.difat[0]),
                                      difat=True),
    "stream-self-loop": _large(lambda d, lay: put(d, lay.fat_entry(lay.stream[-1]), lay.stream[-1])),
    "stream-loops-back": _large(lambda d, lay: put(d, lay.fat_entry(lay.stream[-1]), lay.stream[0])),
    "stream-loop-of-4-gb": _large(lambda d, lay: put(put(d, lay.entry(1) + 120, 0xFFFFFFF0),
                                                     lay.fat_entry(lay.stream[-1]), lay.stream[0])),
    "stream-past-the-file": _large(lambda d, lay: put(d, lay.fat_entry(lay.stream[-1]), 100_000)),
    "stream-past-the-fat": _large(lambda d, lay: put(d + bytes(200 * lay.sector), lay.fat_entry(lay.stream[0]),
                                                     len(d) // lay.sector + 150)),
    "stream-larger-than-its-chain": _large(lambda d, lay: put(d, lay.entry(1) + 120, 20_000)),
    "mini-stream-loop": _small(lambda d, lay: put(d, lay.fat_entry(lay.ministream[-1]), lay.ministream[0])),
    "mini-stream-loop-of-4-gb": _small(lambda d, lay: put(put(d, lay.entry(0) + 120, 0xFFFFFFF0),
                                                          lay.fat_entry(lay.ministream[-1]), lay.ministream[0])),
    "mini-fat-loop-of-2-tb": _small(lambda d, lay: put(set_header(d, "minifat_sectors", 0xFFFFFFFF),
                                                       lay.fat_entry(lay.minifat[-1]), lay.minifat[0])),
    "mini-chain-loop": _small(lambda d, lay: put(d, lay.minifat_entry(lay.stream[-1]), lay.stream[0])),
    "mini-chain-past-the-mini-stream": _small(lambda d, lay: put(d, lay.minifat_entry(lay.stream[0]), 100)),
    "no-mini-fat-for-a-small-stream": _small(lambda d, lay: set_header(d, "minifat_sectors", 0)),
    "sector-shift-30": _large(lambda d, lay: set_header(d, "sector_shift", 30)),
}
