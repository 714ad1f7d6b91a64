"""A zip member inflated straight from the file's bytes, for the common honest member.

:class:`zipfile.ZipExtFile` costs more per member than inflating a small one (a shared file handle, a
header read, a buffered reader, a CRC pass in steps): reading a form's seven .xlsx parts that way
took a fifth of the time its sheets took to measure. :func:`inflated` does what zipfile does for a
member stored or deflated as every spreadsheet program writes it — the local header's signature and
name checked against the directory (and, where zipfile checks it, that the member ends before the
next begins), the data inflated whole, its size and CRC-32 compared with the
directory's — and answers None for anything else (another method, a flag, a mismatch, damage), which
is then read by zipfile as before, so that every refusal keeps zipfile's own words.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

__all__ = ["inflated"]

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # signature, version, os; flags, method, time, date; crc, sizes; name, extra
_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
#: Flag bits zipfile reads otherwise or refuses: encrypted (0), compressed patch (5), strong encryption (6).
_OTHER_FLAGS = 0x1 | 0x20 | 0x40
_UTF8 = 0x800  # flag bit 11: the name is UTF-8


def inflated(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The member ``info`` of the zip whose bytes are ``data``, as zipfile would read it whole, or None
    when it is not a plain stored or deflated member whose size and CRC-32 are those of the directory
    (the caller reads it with zipfile then). ``info``'s declared size is the caller's to have checked."""
    if info.compress_type not in (_STORED, _DEFLATED) or info.flag_bits & _OTHER_FLAGS or info.file_size == 0:
        return None
    start = info.header_offset
    if start < 0 or start + _LOCAL.size > len(data):
        return None
    signature, _, _, flags, _, _, _, _, _, _, name_size, extra_size = _LOCAL.unpack_from(data, start)
    name_at = start + _LOCAL.size
    if signature != b"PK\x03\x04" or flags & _OTHER_FLAGS or _name(data[name_at:name_at + name_size], flags) != info.orig_filename:
        return None
    begin = name_at + name_size + extra_size
    end = getattr(info, "_end_offset", None)  # zipfile's own, from Python 3.11.8 and 3.12.2 on
    if end is not None and begin + info.compress_size > end:
        return None  # overlaps the next member (a zip bomb's trick): zipfile refuses it, where it checks
    packed = memoryview(data)[begin:begin + info.compress_size]
    try:
        if len(packed) != info.compress_size:
            return None
        if info.compress_type == _STORED:
            out = bytes(packed)
        else:
            inflater = zlib.decompressobj(-15)
            out = inflater.decompress(packed, info.file_size + 1)  # one byte more tells a longer one
            if not inflater.eof:
                return None  # more than declared, or cut short: zipfile says which
    except zlib.error:
        return None
    finally:
        packed.release()
    return out if len(out) == info.file_size and zlib.crc32(out) == info.CRC else None


def _name(raw: bytes, flags: int) -> str | None:
    """The member name of a local header, decoded as zipfile decodes it."""
    try:
        return raw.decode("utf-8" if flags & _UTF8 else "cp437")
    except UnicodeDecodeError:
        return None
