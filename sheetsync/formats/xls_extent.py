"""How far the cells of a legacy .xls reach, read from its BIFF records without building any grid.

python-calamine materialises each .xls sheet from A1 to its farthest cell: one cell at IV65536
asks for 16.7 M cells (about 1 GB). Unlike .xlsx and .ods, a BIFF stream cannot be clipped
cheaply, so :func:`check_xls_extent` refuses a file whose sheets reach beyond
:data:`sheetsync.limits.MAX_XLS_CELLS` cells, naming the sheet and the far cell, before calamine
opens it. Cells outside the form but within that cap are read, and become a finding like in the
other formats.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import olefile

from .. import limits
from ..errors import LimitError, UnreadableFileError
from ._clip import column_letters

BOF, BOUNDSHEET, DIMENSIONS = 0x0809, 0x0085, 0x0200
#: Records that hold one cell (row, column first) and the two that hold a run of cells.
ONE_CELL = {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}
CELL_RUNS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column


def check_xls_extent(path: Path, data: bytes | None = None) -> None:
    """Refuse ``path`` if one of its sheets reaches beyond :data:`~sheetsync.limits.MAX_XLS_CELLS`.

    :param data: the file's bytes, already read (``path`` then only names it).

    :raises LimitError: a sheet too large to materialise (names sheet and cell).
    :raises UnreadableFileError: the file is not a readable .xls.
    """
    try:
        # A file object, never bytes: olefile takes short bytes for a file name to open.
        with olefile.OleFileIO(io.BytesIO(data) if data is not None else str(path)) as ole:
            stream = "Workbook" if ole.exists("Workbook") else "Book"
            if not ole.exists(stream) or ole.get_size(stream) > limits.MAX_MEMBER_INFLATED:
                raise UnreadableFileError(path, "not a readable .xls workbook (no workbook stream, or a huge one)")
            data = ole.openstream(stream).read()
    except (OSError, ValueError, struct.error) as exc:
        if isinstance(exc, UnreadableFileError):
            raise
        raise UnreadableFileError(path, "the .xls file is damaged") from exc
    names = _sheet_names(data)
    for offset, (rows, cols) in _extents(data).items():
        if rows * cols > limits.MAX_XLS_CELLS:
            raise LimitError(path, "limit.xls-extent", sheet=names.get(offset, "?"),
                             cell=f"{column_letters(cols)}{rows}", limit=f"{limits.MAX_XLS_CELLS:,}")


def _records(data: bytes) -> list[tuple[int, int, bytes]]:
    """(offset, type, body) of every record."""
    out = []
    pos = 0
    while pos + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, pos)
        out.append((pos, kind, data[pos + 4:pos + 4 + size]))
        pos += 4 + size
    return out


def _sheet_names(data: bytes) -> dict[int, str]:
    """Stream offset of each sheet's BOF → the sheet's name (from the BOUNDSHEET records)."""
    names = {}
    for _, kind, body in _records(data):
        if kind == BOUNDSHEET and len(body) >= 8:
            offset, length, flags = struct.unpack_from("<IxxBB", body, 0)
            raw = body[8:8 + length * (2 if flags & 1 else 1)]
            names[offset] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
    return names


def _extents(data: bytes) -> dict[int, tuple[int, int]]:
    """Per sheet (by its BOF offset): the 1-based (rows, columns) its cells and DIMENSIONS reach."""
    extents: dict[int, tuple[int, int]] = {}
    sheet = -1
    for pos, kind, body in _records(data):
        if kind == BOF:
            sheet = pos
            continue
        if sheet < 0 or len(body) < 4:
            continue
        if kind in ONE_CELL:
            row, col = struct.unpack_from("<HH", body, 0)
        elif kind in CELL_RUNS and len(body) >= 6:
            row = struct.unpack_from("<H", body, 0)[0]
            col = struct.unpack_from("<H", body, len(body) - 2)[0]
        elif kind == DIMENSIONS and len(body) >= 12:
            # last row and column + 1; calamine may size its grid from this record alone
            last_row, last_col = struct.unpack_from("<I", body, 4)[0], struct.unpack_from("<H", body, 10)[0]
            row, col = max(last_row - 1, 0), max(last_col - 1, 0)
        else:
            continue
        rows, cols = extents.get(sheet, (0, 0))
        extents[sheet] = (max(rows, row + 1), max(cols, col + 1))
    return extents
