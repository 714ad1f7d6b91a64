"""Legacy .xls files written record by record, for the cases LibreOffice would never save.

:func:`book` lays out BIFF8 records (a workbook globals substream, then one substream per sheet)
and :func:`compound_file` wraps them in the OLE container a .xls is (olefile only reads one): version
3, 512-byte sectors, no mini stream (the stream is padded to 4,096 bytes), FAT sectors listed in
the header only (streams up to about 7 MB). python-calamine reads what these write.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

from tests.data.hostile.cfb import DAMAGED

SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """The bytes of a compound file whose only stream, ``name``, holds ``stream``."""
    stream = stream.ljust(max(len(stream), 4096), b"\0")  # smaller streams would live in a mini stream
    data_sectors = -(-len(stream) // SECTOR)
    fat_sectors = 1
    while data_sectors + 1 + fat_sectors > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("stream too large for a header-only FAT")
    directory = data_sectors
    fat = [i + 1 for i in range(data_sectors - 1)] + [END, END] + [FAT_SECTOR] * fat_sectors
    fat += [FREE] * (fat_sectors * SECTOR // 4 - len(fat))
    difat = list(range(directory + 1, directory + 1 + fat_sectors)) + [FREE] * (109 - fat_sectors)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), bytes(16), 0x3E, 3,
                         0xFFFE, 9, 6, bytes(6), 0, fat_sectors, directory, 0, 4096, END, 0, END, 0)
    header += struct.pack("<109I", *difat)
    entries = _entry("Root Entry", 5, child=1, start=END, size=0) + _entry(name, 2, child=NO_STREAM, start=0,
                                                                             size=len(stream))
    entries += (bytes(64) + struct.pack("<HBBIII", 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM) + bytes(48)) * 2
    return (header + stream.ljust(data_sectors * SECTOR, b"\0") + entries
            + struct.pack(f"<{len(fat)}I", *fat))


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    raw = (name + "\0").encode("utf-16-le")
    return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, NO_STREAM, NO_STREAM, child)
            + bytes(16) + bytes(4) + bytes(16) + struct.pack("<III", start, size, 0))


def record(kind: int, body: bytes) -> bytes:
    """One BIFF record: type, size, body."""
    return struct.pack("<HH", kind, len(body)) + body


EOF_RECORD = record(0x000A, b"")


def bof(kind: int) -> bytes:
    """The BOF of a BIFF8 substream: 0x0005 workbook globals, 0x0010 worksheet."""
    return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 0, 0, 0))


def shared_strings(strings: list[str], unique: int | None = None) -> bytes:
    """An SST record holding ``strings`` as UTF-16 (no CONTINUE: keep them under 8 KB together)."""
    body = struct.pack("<II", len(strings), len(strings) if unique is None else unique)
    for text in strings:
        body += struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")
    return record(0x00FC, body)


def boundsheet(offset: int, name: str) -> bytes:
    """A BOUNDSHEET record: a visible worksheet called ``name`` whose BOF is at ``offset``."""
    return record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le"))


def label_sst(row: int, col: int, index: int) -> bytes:
    """A LABELSST cell (0-based row and column) showing shared string ``index``."""
    return record(0x00FD, struct.pack("<HHHI", row, col, 15, index))


def number(row: int, col: int, value: float = 1.0) -> bytes:
    """A NUMBER cell."""
    return record(0x0203, struct.pack("<HHHd", row, col, 15, value))


def formula(row: int, col: int, rgce: bytes) -> bytes:
    """A FORMULA cell of the tokens ``rgce`` whose cached value is the number 1."""
    return record(0x0006, struct.pack("<HHHdHIH", row, col, 15, 1.0, 0, 0, len(rgce)) + rgce)


def encrypted(kind: int) -> bytes:
    """A one-sheet workbook stream after a FILEPASS record: XOR obfuscation (``kind`` 0) or RC4 (1)."""
    filepass = record(0x002F, struct.pack("<H", kind) + bytes(52 if kind else 4))
    head = len(bof(5) + filepass + boundsheet(0, "S") + shared_strings(["x"]) + EOF_RECORD)
    return (bof(5) + filepass + boundsheet(head, "S") + shared_strings(["x"]) + EOF_RECORD
            + bof(0x10) + number(0, 0) + EOF_RECORD)


def book(sheets: list[tuple[str, bytes]], sst: bytes, offsets: list[int] | None = None) -> bytes:
    """A workbook stream: globals (one BOUNDSHEET per sheet, ``sst``), then each sheet's records
    between its BOF and EOF. ``offsets`` (one per sheet, counted from the first sheet's BOF) point
    the BOUNDSHEETs elsewhere than at the sheets laid out."""
    names = b"".join(boundsheet(0, name) for name, _ in sheets)
    start = len(bof(5) + names + sst + EOF_RECORD)
    bodies = [bof(0x10) + cells + EOF_RECORD for _, cells in sheets]
    laid = [start + sum(len(b) for b in bodies[:i]) for i in range(len(bodies))]
    at = laid if offsets is None else [start + o for o in offsets]
    names = b"".join(boundsheet(o, name) for o, (name, _) in zip(at, sheets))
    return bof(5) + names + sst + EOF_RECORD + b"".join(bodies)


def xls(sheets: list[tuple[str, bytes]], sst: bytes, offsets: list[int] | None = None) -> bytes:
    """The bytes of a .xls file: :func:`book` in :func:`compound_file`."""
    return compound_file(book(sheets, sst, offsets))


#: Made once by make_shared_string_xls.py with LibreOffice (see there), kept gzipped (244 KB → 64 KB).
SHARED_STRING_COPIES = Path(__file__).with_name("shared-string-copies.xls.gz")


def shifted_fat() -> bytes:
    """The first container found to abort calamine (241 KB): the Calc file's workbook stream in
    :func:`compound_file`, with 8 bytes inserted after the directory sector. Every FAT entry is read
    two places late, so the directory's chain runs back to sector 0, which names itself: olefile
    read a 238,010-byte stream (it reads only the sectors a stream's size needs), calamine followed
    the chain until the process aborted at 2.1 GB."""
    from sheetsync.formats.cfb_check import workbook_stream

    stream = workbook_stream(Path("calc.xls"), gzip.decompress(SHARED_STRING_COPIES.read_bytes()))
    data = compound_file(stream)
    directory_end = (-(-len(stream) // SECTOR) + 2) * SECTOR
    return data[:directory_end] + bytes(8) + data[directory_end:]


def build_xls_cases(out: Path) -> dict[str, Path]:
    """The hostile .xls cases of the corpus, written into ``out``: {case: file}."""
    two_far_cells = number(0, 0) + number(3899, 255)  # A1 and IV3900: 998,400 cells, under the cap alone
    cases = {
        "xls-many-sheets": xls([(f"S{i}", two_far_cells) for i in range(100)], shared_strings(["x"])),
        "xls-aliased-sheets": xls([(f"S{i}", two_far_cells) for i in range(100)], shared_strings(["x"]), [0] * 100),
        "xls-reversed-dimensions": xls([("S", record(0x0200, struct.pack("<IIHHH", 1000, 2, 0, 2, 0)) + number(0, 0))],
                                       shared_strings(["x"])),
        "shared-string-copies-xls": gzip.decompress(SHARED_STRING_COPIES.read_bytes()),
        "xls-shifted-fat": shifted_fat(),
        "xls-directory-loop": DAMAGED["directory-loop"](),
        "xls-difat-loop": DAMAGED["difat-loop"](),
        "xls-mini-fat-loop": DAMAGED["mini-fat-loop-of-2-tb"](),
        "xls-chain-past-the-fat": DAMAGED["stream-past-the-fat"](),
        # 16,000 space tokens in one formula (66 KB): calamine inserted the spaces one by one, for minutes
        "xls-formula-spaces": xls([("S", formula(0, 0, bytes([0x17, 255, 0]) + b"a" * 255
                                                 + bytes([0x19, 0x40, 0, 255]) * 16_000))], shared_strings(["x"])),
        # a string skipping 2 GB of phonetic text over 250,000 empty CONTINUE records (1 MB): 32 s
        "xls-continue-pieces": xls([("S", number(0, 0))], record(0x00FC, struct.pack("<IIHBi", 1, 1, 1, 4, 0x7FFFFFFF)
                                                                + b"a") + record(0x003C, b"") * 250_000),
        "xls-encrypted": compound_file(encrypted(1)),
    }
    made = {}
    for name, data in cases.items():
        made[name] = out / f"{name}.xls"
        made[name].write_bytes(data)
    return made
