"""Compound files where python-calamine reads other bytes than a zero-padded model of the container.

Each holds one sheet ``S`` written twice: an honest one (A1 = 1) where the model finds the sheet,
and another (A1 = 2, or with ``hostile`` a DIMENSIONS record whose first row lies past its last,
which makes calamine ask for 320 GB and abort) where calamine finds it:

* ``cut-short-last-sector``: the file ends 4 bytes into its last sector, and that sector is the
  second of the workbook stream's chain. calamine's first read of it gives those 4 bytes only, so
  everything after them in the stream comes 508 bytes earlier than in the padded model;
* ``mini-sector-past-the-root-size``: the same in the mini stream: the Root Entry's size ends 4
  bytes into the last mini sector, which the workbook stream's chain visits second;
* ``name-with-a-byte-order-mark``: a first entry whose name is ``Workbook`` after a UTF-16 byte
  order mark (calamine's decoder sniffs it and drops it; a plain UTF-16LE decode keeps U+FEFF), and
  a second, honest ``Workbook`` entry after it.
"""

from __future__ import annotations

import struct
from typing import Callable

from tests.data.hostile.cfb import container, put
from tests.data.hostile.xls import EOF_RECORD, bof, book, boundsheet, number, record, shared_strings

END = 0xFFFFFFFE


def _sheets(room: int, hostile: bool) -> tuple[bytes, bytes]:
    """The honest sheet padded to ``room`` bytes, and the other one."""
    honest = (bof(0x10) + number(0, 0, 1.0) + EOF_RECORD).ljust(room, b"\0")
    reversed_rows = record(0x0200, struct.pack("<IIHHH", 1000, 2, 0, 2, 0))
    other = bof(0x10) + (reversed_rows if hostile else b"") + number(0, 0, 2.0) + EOF_RECORD
    return honest, other


def cut_short_last_sector(hostile: bool = False) -> bytes:
    """See the module: the stream in 512-byte sectors, its second sector the file's last, 4 bytes long."""
    globals_ = (bof(5) + boundsheet(1024, "S") + shared_strings(["x"]) + EOF_RECORD).ljust(512, b"\0")
    honest, other = _sheets(508, hostile)
    data, lay = container((globals_ + honest + other).ljust(9 * 512, b"\0"), mini=False)
    last = len(data) // lay.sector - 1
    data += bytes(4)
    put(data, lay.fat_entry(lay.stream[0]), last)
    return bytes(put(data, lay.fat_entry(last), lay.stream[1]))


def mini_sector_past_the_root_size(hostile: bool = False) -> bytes:
    """See the module: mini sectors 0, 3, 1, 2 in that order, the Root Entry's size 4 bytes into sector 3."""
    globals_ = (bof(5) + boundsheet(128, "S") + shared_strings(["x"]) + EOF_RECORD).ljust(64, b"\0")
    honest, other = _sheets(60, hostile)
    data, lay = container(globals_ + (honest + other).ljust(128, b"\0") + bytes(64), mini=True)
    for here, after in ((0, 3), (3, 1), (1, 2), (2, END)):
        put(data, lay.minifat_entry(here), after)
    put(data, lay.entry(0) + 120, 196)
    return bytes(put(data, lay.entry(1) + 120, 196))


def name_with_a_byte_order_mark(hostile: bool = False) -> bytes:
    """See the module: entry 1 is "\\ufeffWorkbook" (the other sheet), entry 2 "Workbook" (the honest one)."""
    honest = book([("S", number(0, 0, 1.0))], shared_strings(["x"]))
    other = book([("S", _sheets(0, hostile)[1][20:-4])], shared_strings(["x"]))
    data, lay = container(honest.ljust(256, b"\0") + other, name="Workbook", entries=["Workbook"])
    data[lay.entry(1):lay.entry(1) + 64] = (b"\xff\xfe" + "Workbook".encode("utf-16-le")).ljust(64, b"\0")
    put(data, lay.entry(1) + 116, 4)
    put(data, lay.entry(1) + 120, len(other))
    put(data, lay.entry(2) + 116, 0)
    return bytes(put(data, lay.entry(2) + 120, len(honest)))


#: The cases by name, each taking ``hostile``.
DISGUISED: dict[str, Callable[[bool], bytes]] = {
    "cut-short-last-sector": cut_short_last_sector,
    "mini-sector-past-the-root-size": mini_sector_past_the_root_size,
    "name-with-a-byte-order-mark": name_with_a_byte_order_mark,
}


def honest_cut_short() -> bytes:
    """An honest workbook stream in sectors of its own, the file ending 100 bytes into its last
    sector (a writer that does not pad it): the stream's tail is in that sector."""
    stream = book([("S", b"".join(number(r, 0, float(r)) for r in range(300)))], shared_strings(["x"]))
    data, lay = container(stream, mini=False)
    # move the stream's last sector to the end of the file, cut to the bytes the stream uses there
    tail = len(stream) - (len(lay.stream) - 1) * lay.sector
    moved = len(data) // lay.sector - 1  # the number of the sector added at the end
    data += data[lay.offset(lay.stream[-1]):lay.offset(lay.stream[-1]) + tail]
    put(data, lay.fat_entry(lay.stream[-2]), moved)
    return bytes(put(data, lay.fat_entry(moved), END))


def honest_mini_root_size() -> bytes:
    """An honest small workbook stream whose Root Entry's size ends where the stream does (97 bytes,
    not a whole number of mini sectors)."""
    stream = book([("S", number(0, 0, 7.0))], shared_strings(["x"]))
    data, lay = container(stream, mini=True)
    return bytes(put(data, lay.entry(0) + 120, len(stream)))
