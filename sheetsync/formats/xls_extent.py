"""What python-calamine would build from a legacy .xls, read from its BIFF records without building it.

calamine parses every sheet of an .xls when it opens the file, each from the stream offset its
BOUNDSHEET record gives, and materialises it from A1 to its farthest cell: one cell at IV65536
asks for 16.7 M cells (about 1 GB). A BIFF stream cannot be clipped cheaply like .xlsx and .ods,
so :func:`check_xls_extent` walks the records once, as calamine will, and refuses the file before
calamine opens it when

* one sheet, or all sheets together, span more than :data:`sheetsync.limits.MAX_XLS_CELLS`
  cells (100 sheets of two cells each, at A1 and IV3900, asked for 3 GB; so did 100 BOUNDSHEET
  records naming one such sheet, which calamine parses once for each);
* its cells stand for more than :data:`sheetsync.limits.MAX_EXPANDED_TEXT` characters: a
  LABELSST cell is a copy of a string of the shared string table (up to 65,535 characters), so
  6,229 cells of 14 bytes naming one 32,767-character Thai string made a 244 KB file take 1.6 GB;
* it names more sheets than :data:`sheetsync.limits.MAX_XLS_SHEETS` (calamine builds one for
  each name: 900,000 names of one small sheet took 636 MB);
* its records cannot be what a spreadsheet program writes (sheets overlapping in the stream, a
  DIMENSIONS record whose first row lies past its last, which made calamine ask for 320 GB; a
  shared string table in more than :data:`sheetsync.limits.MAX_XLS_CONTINUES` pieces, which
  calamine reads in time growing with their square);
* calamine would collect more cell records than :data:`sheetsync.limits.MAX_XLS_CELLS` (a cell
  written again and again, within a small extent), walk more records than a whole workbook stream
  holds (a sheet named by thousands of BOUNDSHEETs), or spend more than the limits on spelling its
  formulas (:mod:`.xls_formulas`);
* it is encrypted (a FILEPASS record).

The stream walked is the one calamine will read, found in the container as calamine finds it
(:mod:`.cfb_check`, which first refuses a container whose chains calamine would follow forever).

Cells outside the form but within those caps are read, and become a finding like in the other
formats.
"""

from __future__ import annotations

import codecs
import struct
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from ..errors import LimitError, UnreadableFileError, UnsafeFileError
from ._clip import column_letters
from .cfb_check import workbook_stream
from .guard import ENCRYPTED
from .xls_formulas import formula_cost

BOF, BOUNDSHEET, DIMENSIONS, EOF, FILEPASS, FORMULA, CODEPAGE = 0x0809, 0x0085, 0x0200, 0x000A, 0x002F, 0x0006, 0x0042
SST, CONTINUE, LABELSST = 0x00FC, 0x003C, 0x00FD
#: Records that hold one cell (row, column first) and the two that hold a run of cells.
ONE_CELL = {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}
CELL_RUNS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column
RECORD = struct.Struct("<HH")


@dataclass
class _Sheet:
    """What calamine builds from one sheet's records: how far they reach (1-based rows, columns),
    the shared-string index of each LABELSST cell, the cells it collects (a cell written twice
    is collected twice), the bytes of records it walks, and what its formulas cost
    (:mod:`.xls_formulas`: tokens, text, bytes moved)."""

    rows: int = 0
    columns: int = 0
    labels: array[int] = field(default_factory=lambda: array("L"))
    cells: int = 0
    length: int = 0
    tokens: int = 0
    text: int = 0
    work: int = 0


def check_xls_extent(path: Path, data: bytes | None = None) -> None:
    """Refuse ``path`` if calamine would build more from it than the limits allow (see the module).

    :param data: the file's bytes, already read (``path`` then only names it).

    :raises LimitError: a sheet, or all of them, too large to materialise (``limit.xls-extent``,
        naming sheet and cell; ``limit.xls-cells``), more sheets named than Calc holds
        (``limit.xls-sheets``), or cells standing for too much text
        (``limit.expanded-text``).
    :raises UnreadableFileError: the file is not a readable .xls.
    """
    stream = _workbook_stream(path, data)
    sheets, sst = _globals(path, stream)
    if len(sheets) > limits.MAX_XLS_SHEETS:
        raise LimitError(path, "limit.xls-sheets", sheets=f"{len(sheets):,}", limit=f"{limits.MAX_XLS_SHEETS:,}")
    walked: dict[int, _Sheet] = {}
    offsets = sorted({offset for offset, _ in sheets})
    if offsets and offsets[-1] + 4 > len(stream):
        # calamine slices the stream at each sheet's offset unchecked: past its end, it panics
        raise UnreadableFileError(path, "the .xls file is damaged (a sheet lies past the end of its workbook)")
    for offset, stop in zip(offsets, offsets[1:] + [len(stream)]):
        walked[offset] = _walk(path, stream, offset, stop)
    if sum(sheet.tokens for sheet in walked.values()) > limits.MAX_XLS_FORMULA_TOKENS:
        raise LimitError(path, "limit.xls-work")
    _check_work(path, [walked[offset] for offset, _ in sheets], len(sheets))
    cells = 0
    for offset, name in sheets:  # a sheet named twice is built twice
        sheet = walked[offset]
        if sheet.rows * sheet.columns > limits.MAX_XLS_CELLS:
            raise LimitError(path, "limit.xls-extent", sheet=name, cell=f"{column_letters(sheet.columns)}{sheet.rows}",
                             limit=f"{limits.MAX_XLS_CELLS:,}")
        cells += sheet.rows * sheet.columns
        if cells > limits.MAX_XLS_CELLS:
            raise LimitError(path, "limit.xls-cells", sheets=len(sheets), limit=f"{limits.MAX_XLS_CELLS:,}")
    _check_text(path, stream, sst, [walked[offset].labels for offset, _ in sheets])


def _check_work(path: Path, built: list[_Sheet], names: int) -> None:
    """Refuse ``path`` when calamine, building ``built`` (each sheet once per name), would walk more
    records than a whole workbook stream holds (a sheet named 10,000 times over 1 MB of records took
    39 s), collect more cells than it may hold (a cell written again and again: 3.3 M copies in 20 MB
    took 322 MB), or spend too much on formulas (:mod:`.xls_formulas`)."""
    if sum(sheet.length for sheet in built) > limits.MAX_XLS_STREAM:
        raise LimitError(path, "limit.xls-work")
    if sum(sheet.work for sheet in built) > limits.MAX_XLS_FORMULA_WORK:
        raise LimitError(path, "limit.xls-work")
    if sum(sheet.text for sheet in built) > limits.MAX_EXPANDED_TEXT:
        raise LimitError(path, "limit.expanded-text", limit=f"{limits.MAX_EXPANDED_TEXT:,}")
    if sum(sheet.cells for sheet in built) > limits.MAX_XLS_CELLS:
        raise LimitError(path, "limit.xls-cells", sheets=names, limit=f"{limits.MAX_XLS_CELLS:,}")


def _workbook_stream(path: Path, data: bytes | None) -> bytes:
    """The BIFF records of the file, as calamine will find them (:mod:`.cfb_check`): its ``Workbook``
    (or older ``Book``) stream, the container refused first if calamine could not read it sanely."""
    if data is None:
        data = path.read_bytes()
    return workbook_stream(path, data)


def _globals(path: Path, stream: bytes) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """The workbook's sheets (stream offset, name) and the shared string table as calamine finds
    them: in the records before the first EOF. The table is the (start, end) of the SST record's
    body and of each CONTINUE record right after it (the last SST counts, as in calamine).

    :raises UnsafeFileError: the workbook is encrypted (a FILEPASS record: calamine refuses RC4
        with a message of no help, and reads XOR-obfuscated records as they are, garbled).
    :raises UnreadableFileError: the table goes on in more CONTINUE records than any writer makes
        (calamine reads through them in time growing with their square)."""
    sheets: list[tuple[int, str]] = []
    sst: list[tuple[int, int]] = []
    in_sst, biff8, codec = False, True, "latin-1"
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = RECORD.unpack_from(stream, pos)
        body, pos = pos + 4, pos + 4 + size
        if kind == EOF or pos > len(stream):
            break
        if kind == FILEPASS:
            raise UnsafeFileError(path, ENCRYPTED)
        if kind == BOF and size >= 4:
            biff8 = _is_biff8(*struct.unpack_from("<HH", stream, body))
        elif kind == CODEPAGE and size >= 2:
            codec = _codec(struct.unpack_from("<H", stream, body)[0])
        elif kind == BOUNDSHEET and size >= (8 if biff8 else 7):
            sheets.append((struct.unpack_from("<I", stream, body)[0], _sheet_name(stream[body + 6:pos], biff8, codec)))
        if kind == SST:
            sst = [(body, pos)]
        elif kind == CONTINUE and in_sst:
            sst.append((body, pos))
            if len(sst) > limits.MAX_XLS_CONTINUES + 1:
                raise UnreadableFileError(path, "the .xls file is damaged (its shared strings are cut into too many pieces)")
        in_sst = kind in (SST, CONTINUE) and (in_sst or kind == SST)
    return sheets, sst


def _is_biff8(version: int, kind: int) -> bool:
    """Whether a BOF record of ``version`` and ``kind`` starts BIFF8 records, as calamine tells:
    BIFF2 to BIFF5 (Excel 2 to 95) write names without the flags byte of BIFF8's."""
    return version not in (0x0002, 0x0007, 0x0200, 0x0300, 0x0400, 0x0500) and (version != 0 or kind != 0x1000)


def _codec(codepage: int) -> str:
    """The Python codec of a CODEPAGE record's code page (1200 is UTF-16, read as BIFF8 does)."""
    try:
        return codecs.lookup(f"cp{codepage}").name if codepage != 1200 else "latin-1"
    except LookupError:
        return "latin-1"


def _sheet_name(raw: bytes, biff8: bool, codec: str) -> str:
    """The name a BOUNDSHEET record gives (``raw``: its body from the name's length on), for messages."""
    if not biff8:  # a length, then 8-bit characters of the workbook's code page
        return raw[1:1 + raw[0]].decode(codec, "replace")
    wide = raw[1] & 1
    return raw[2:2 + raw[0] * (2 if wide else 1)].decode("utf-16-le" if wide else "latin-1", "replace")


def _walk(path: Path, stream: bytes, start: int, stop: int) -> _Sheet:
    """The records of the sheet at ``start``, to its EOF; they must end by ``stop`` (the next
    sheet's start): sheets that overlap are no spreadsheet program's, and each would be built again."""
    sheet = _Sheet()
    rows = columns = 0
    pos = start
    while pos + 4 <= len(stream):
        kind, size = RECORD.unpack_from(stream, pos)
        body, pos = pos + 4, pos + 4 + size
        if pos > len(stream) or kind == EOF:
            break
        if pos > stop:
            raise UnreadableFileError(path, "the .xls file is damaged (its sheets overlap)")
        if size < 4:
            continue
        if kind in ONE_CELL:
            row, col = RECORD.unpack_from(stream, body)
            sheet.cells += 1
            if kind == LABELSST and size >= 10:
                sheet.labels.append(struct.unpack_from("<I", stream, body + 6)[0])
            elif kind == FORMULA and size >= 22:
                _formula(sheet, stream[body + 22:min(pos, body + 22 + struct.unpack_from("<H", stream, body + 20)[0])])
        elif kind in CELL_RUNS and size >= 6:
            row, col = RECORD.unpack_from(stream, body)[0], struct.unpack_from("<H", stream, pos - 2)[0]
            sheet.cells += (size - 6) // (6 if kind == 0x00BD else 2)
        elif kind == DIMENSIONS and size in (10, 14):
            row, col = _dimensions(path, stream, body, size)
        else:
            continue
        rows, columns = max(rows, row + 1), max(columns, col + 1)
    sheet.rows, sheet.columns, sheet.length = rows, columns, pos - start
    return sheet


def _formula(sheet: _Sheet, rgce: bytes) -> None:
    """Add what the formula tokens ``rgce`` cost calamine to ``sheet`` (the text of one that fails
    is a message of about 100 characters naming its cell)."""
    cost = formula_cost(rgce)
    sheet.tokens += cost.tokens
    sheet.text += max(cost.text, 120)
    sheet.work += cost.work


def _dimensions(path: Path, stream: bytes, body: int, size: int) -> tuple[int, int]:
    """The last (0-based) row and column of a DIMENSIONS record; calamine sizes its grid from this
    record alone, from the first row and column to the last."""
    if size == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, body)
    else:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", stream, body)
    if last_row >= 1 and last_col >= 1 and (first_row > last_row or first_col > last_col):
        # calamine subtracts first from last without a check: the wrapped size asks for terabytes
        raise UnreadableFileError(path, "the .xls file is damaged (a sheet's first row lies past its last)")
    return max(last_row - 1, 0), max(last_col - 1, 0)


def _check_text(path: Path, stream: bytes, sst: list[tuple[int, int]], labels: list[array[int]]) -> None:
    """Refuse ``path`` when its LABELSST cells (``labels``: the string each names, per sheet as
    calamine builds them) stand for more than :data:`~sheetsync.limits.MAX_EXPANDED_TEXT` characters."""
    count, size = sum(len(sheet) for sheet in labels), sum(end - start for start, end in sst)
    # Each string takes 3 bytes at least: only so large a table can hold too many (calamine makes a
    # String of each, named by a cell or not: 8 M empty ones took 411 MB).
    if size > 3 * limits.MAX_XLS_STRINGS and len(_string_lengths(stream, sst, limits.MAX_XLS_STRINGS + 1)) > \
            limits.MAX_XLS_STRINGS:
        raise LimitError(path, "limit.xls-strings", limit=f"{limits.MAX_XLS_STRINGS:,}")
    if not sst or count * min(0xFFFF, size) <= limits.MAX_EXPANDED_TEXT:
        return  # no string can make the cells long enough: an honest form ends here or below
    wanted = max(max(sheet, default=0) for sheet in labels) + 1
    lengths = _string_lengths(stream, sst, wanted)
    total = 0
    for sheet in labels:
        for index in sheet:
            total += lengths[index] if index < len(lengths) else 0  # calamine skips an unknown index
        if total > limits.MAX_EXPANDED_TEXT:
            raise LimitError(path, "limit.expanded-text", limit=f"{limits.MAX_EXPANDED_TEXT:,}")


def _string_lengths(stream: bytes, sst: list[tuple[int, int]], wanted: int) -> array[int]:
    """The characters of each of the first ``wanted`` strings of the shared string table, read as
    calamine reads them (BIFF8 XLUnicodeRichExtendedString): characters continued in a CONTINUE
    record start with a byte of flags of their own; formatting runs and the extended part (phonetic
    text) are skipped across records without one. Where calamine would fail, the list stops.

    The count of unique strings the SST declares is not trusted: calamine reads strings until its
    records end, whatever that count says (0, too few, negative), and so does this walk."""
    out = array("L")
    segment = 0
    start, end = sst[0]
    pos = start + 8
    if end - start < 8:
        return out
    for _ in range(wanted):
        if pos == end and segment + 1 < len(sst):  # a string may start in the next record
            segment += 1
            pos, end = sst[segment]
        if end - pos < 3:
            return out
        chars, flags = struct.unpack_from("<HB", stream, pos)
        pos += 3
        runs = extended = 0
        if flags & 0x08:
            if end - pos < 2:
                return out
            runs = struct.unpack_from("<H", stream, pos)[0]
            pos += 2
        if flags & 0x04:
            if end - pos < 4:
                return out
            extended = struct.unpack_from("<i", stream, pos)[0]
            pos += 4
            if extended < 0:
                return out
        width, left = (2 if flags & 0x01 else 1), chars
        while True:
            taken = min(left, (end - pos) // width)
            pos, left = pos + taken * width, left - taken
            if not left:
                break
            if segment + 1 >= len(sst) or sst[segment + 1][0] == sst[segment + 1][1]:
                return out
            segment += 1
            pos, end = sst[segment]
            width, pos = (2 if stream[pos] & 0x01 else 1), pos + 1
        out.append(chars)
        skip = runs * 4 + extended
        while skip:
            if pos == end:
                if segment + 1 >= len(sst):
                    return out
                segment += 1
                pos, end = sst[segment]
            step = min(skip, end - pos)
            pos, skip = pos + step, skip - step
    return out
