"""A stored (uncompressed) zip written in one pass, for calamine to read from memory.

:meth:`sheetsync.formats.extent.Scanned.copy` hands calamine only the members that were inflated
within the caps. zipfile's writer costs more per member than the rest of that copy (a header
object, a write handle, a CRC pass per member); this writes the same layout with ``struct``:
local headers, the central directory and the end record, no compression, no extra fields, no
comment. A member's CRC is passed in when it is already known (zipfile checked it while
inflating the member), else computed. Sizes stay far below the zip64 limits: the members were
read within :data:`sheetsync.limits.MAX_TOTAL_INFLATED` and number at most
:data:`sheetsync.limits.MAX_MEMBERS`.
"""

from __future__ import annotations

import struct
import zlib
from typing import Iterable

__all__ = ["stored_zip"]

_LOCAL = struct.Struct("<4s5H3L2H")  # signature; version, flags, method, time, date; crc, sizes; name, extra
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # as above after "made by", then comment, disk, attributes, offset
_END = struct.Struct("<4s4H2LH")
_DATE = (1 << 5) | 1  # 1 January 1980, the first DOS date (0 is no valid date)
_UTF8 = 0x800  # flag bit 11: the name is UTF-8


def stored_zip(members: Iterable[tuple[str, bytes, int | None]]) -> bytes:
    """A zip holding ``(name, data, crc or None)`` members, stored, in that order."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data, crc in members:
        raw = name.encode("utf-8")
        flags = 0 if raw.isascii() else _UTF8
        crc = zlib.crc32(data) if crc is None else crc
        size = len(data)
        header = _LOCAL.pack(b"PK\x03\x04", 20, flags, 0, 0, _DATE, crc, size, size, len(raw), 0)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, 0, 0, _DATE, crc, size, size,
                                     len(raw), 0, 0, 0, 0, 0, offset) + raw)
        out += (header, raw, data)
        offset += len(header) + len(raw) + size
    directory = b"".join(central)
    out += (directory, _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))
    return b"".join(out)
