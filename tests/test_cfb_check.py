"""sheetsync.formats.cfb_check: the compound-file layer of a .xls, read as calamine reads it, and
the containers calamine would follow forever refused before it opens them.

What python-calamine 0.37 did with each damaged container of tests/data/hostile/cfb.py (in a child
process capped at 3 GB of address space): the directory, DIFAT, mini stream (4 GB declared) and
mini FAT (2 TB declared) loops grew until the process aborted (signal 6, 1.9-2.1 GB); a chain past
the FAT's entries and a small stream with no mini FAT panicked (``PanicException``, no
``Exception``, so it stopped the whole run); olefile, used before, ran out of memory itself
(2.9 GB) on the two looping mini cases. Loops in the workbook stream's own chain calamine cuts at
the declared size; they are refused all the same (no writer makes them, and 4 GB declared is 4 GB read).
"""

from __future__ import annotations

import gzip
import io
import struct
import sys
from pathlib import Path
from typing import Callable

import pytest
from python_calamine import CalamineError, CalamineWorkbook

from sheetsync.check import opener
from sheetsync.check.reader import read_filled
from sheetsync.errors import UnreadableFileError
from sheetsync.formats.bounded import Bounds
from sheetsync.formats.cfb_check import workbook_stream
from sheetsync.formats.guard import check_container
from sheetsync.formats.xls_extent import check_xls_extent
from tests.data.hostile.cfb import DAMAGED, container, large_book, small_book
from tests.data.hostile.disguised import DISGUISED, honest_cut_short, honest_mini_root_size
from tests.data.hostile.measure import measure
from tests.data.hostile.xls import SHARED_STRING_COPIES, compound_file, shifted_fat

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("sector", [512, 4096])
@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("difat", [False, True])
@pytest.mark.parametrize("more", [[], ["\x05SummaryInformation", "Book"]])
def test_honest_layouts_give_the_stream_calamine_reads(sector: int, size: str, difat: bool, more: list[str]) -> None:
    """Mini stream or sectors of its own, 512- or 4,096-byte sectors, FAT listed in the header or a
    DIFAT sector, other streams beside it: the stream is the one calamine parses."""
    stream = small_book() if size == "small" else large_book()
    data = bytes(container(stream, sector=sector, difat=difat, entries=more)[0])
    if sector == 4096 and size == "large":  # no mini stream in a version 4 file: calamine refuses it too
        with pytest.raises(UnreadableFileError, match="directory is empty"):
            workbook_stream(Path("book.xls"), data)
        return
    assert workbook_stream(Path("book.xls"), data) == stream
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.get_sheet_by_name("S").to_python()[0] == [0.0 if size == "large" else 7.0]


def test_the_calc_saved_file_gives_its_stream() -> None:
    """Saved by LibreOffice Calc (make_shared_string_xls.py): 238,010 bytes of BIFF in a 244 KB file."""
    data = gzip.decompress(SHARED_STRING_COPIES.read_bytes())
    stream = workbook_stream(Path("calc.xls"), data)
    assert len(stream) == 238_010 and stream[:2] == b"\x09\x08"  # a BOF record first
    assert workbook_stream(Path("x.xls"), compound_file(stream)) == stream  # and as xls.py wraps it


@pytest.mark.parametrize("cut", [1, 2])
def test_the_first_entry_named_workbook_is_the_one_read(cut: int) -> None:
    """calamine looks the stream up among all directory entries, in order, not through the tree:
    of two entries named Workbook on the same sectors, the first is read, so it is what gets checked."""
    data, lay = container(small_book(), name="Workbook", entries=["Workbook"])
    data[lay.entry(2) + 116:lay.entry(2) + 128] = data[lay.entry(1) + 116:lay.entry(1) + 128]
    data[lay.entry(cut) + 120:lay.entry(cut) + 124] = (40).to_bytes(4, "little")  # one of them cut to 40 bytes
    stream = workbook_stream(Path("b.xls"), bytes(data))
    assert stream == (small_book()[:40] if cut == 1 else small_book())
    if cut == 2:
        assert CalamineWorkbook.from_filelike(io.BytesIO(bytes(data))).sheet_names == ["S"]
    else:  # 40 bytes of BIFF: calamine cannot read it either
        with pytest.raises(CalamineError):
            CalamineWorkbook.from_filelike(io.BytesIO(bytes(data)))


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_damaged_containers_are_refused_before_calamine(tmp_path: Path, case: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def no_calamine(data: bytes) -> None:
        raise AssertionError("calamine was called")

    monkeypatch.setattr(opener, "calamine", no_calamine)
    path = tmp_path / f"{case}.xls"
    path.write_bytes(DAMAGED[case]())
    for check in (lambda: check_xls_extent(path, path.read_bytes()), lambda: read_filled(path)):
        with pytest.raises(UnreadableFileError) as caught:
            check()
        message = str(caught.value)
        assert message.startswith(f"{case}.xls: ") and "\n" not in message
        assert "the .xls file is damaged" in message or "no workbook stream" in message


@pytest.mark.parametrize("case", ["shifted-fat", "directory-loop", "mini-fat-loop-of-2-tb", "stream-past-the-fat"])
def test_validate_refuses_them_in_one_line_within_memory(tmp_path: Path, case: str) -> None:
    """End to end, in a child: exit 2, one line naming the file, no abort, no traceback."""
    path = tmp_path / f"{case}.xls"
    path.write_bytes(shifted_fat() if case == "shifted-fat" else DAMAGED[case]())
    run = measure([sys.executable, "-m", "sheetsync", "validate", str(path)],
                  env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    lines = (run.stdout + run.stderr).strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1, lines
    assert f"{case}.xls" in lines[0] and "damaged" in lines[0]
    assert run.peak_mb < 300


def _opened_by_the_reader(path: Path) -> list[list[object]]:
    """Sheet S as read_filled's opener gives it to calamine (the checks run first)."""
    book, _ = opener.Opener(path, check_container(path)).open({"S": Bounds(300, 5)})
    return book.get_sheet_by_name("S").to_python()


def _read_from_the_checked_stream(path: Path) -> list[list[object]]:
    """Sheet S as calamine reads it from the stream the checks walked, in an honest container."""
    stream = workbook_stream(path, path.read_bytes())
    return CalamineWorkbook.from_filelike(io.BytesIO(compound_file(stream))).get_sheet_by_name("S").to_python()


@pytest.mark.parametrize("case", sorted(DISGUISED))
def test_calamine_reads_the_stream_that_was_checked(tmp_path: Path, case: str) -> None:
    """The BIFF checks are worth only as much as the stream they walk is the one calamine parses:
    a last sector cut short, a mini sector cut by the Root Entry's size, a name behind a byte order
    mark each made calamine read another sheet than the one checked (tests/data/hostile/disguised.py)."""
    path = tmp_path / f"{case}.xls"
    path.write_bytes(DISGUISED[case](False))
    try:
        checked = _read_from_the_checked_stream(path)
    except UnreadableFileError:
        with pytest.raises(UnreadableFileError, match="damaged"):
            _opened_by_the_reader(path)
        return
    assert _opened_by_the_reader(path) == checked


@pytest.mark.parametrize("make", [honest_cut_short, honest_mini_root_size])
def test_a_container_cut_where_its_stream_ends_is_read(tmp_path: Path, make: Callable[[], bytes]) -> None:
    """A writer that stops the file (or the mini stream) where the workbook stream ends, short of a
    whole sector, wrote an honest file: it is read, and as calamine reads it."""
    path = tmp_path / "book.xls"
    path.write_bytes(make())
    assert _opened_by_the_reader(path) == _read_from_the_checked_stream(path)
    assert _opened_by_the_reader(path)[0][0] in (0.0, 7.0)


@pytest.mark.parametrize("case", sorted(DISGUISED))
def test_a_hostile_sheet_calamine_alone_would_read_is_refused(tmp_path: Path, case: str) -> None:
    """In a child: the sheet only calamine would have read asks for 320 GB (calamine aborted the
    run, signal 6). Now calamine reads the sheet that was checked: the hostile one is refused as
    damaged, or (a last sector cut short, handed to calamine padded) never read; one line either way."""
    path = tmp_path / f"{case}.xls"
    path.write_bytes(DISGUISED[case](True))
    run = measure([sys.executable, "-m", "sheetsync", "validate", str(path)],
                  env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    lines = (run.stdout + run.stderr).strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1, (run.returncode, lines[-3:])
    assert f"{case}.xls" in lines[0]
    assert ("damaged" in lines[0]) == (case != "cut-short-last-sector"), lines[0]
    assert run.peak_mb < 300


@pytest.mark.parametrize("megabytes", [7, 9])
def test_a_workbook_stream_past_the_limit_is_refused_within_memory(tmp_path: Path, megabytes: int) -> None:
    """calamine holds about 4.5 times the workbook stream while it opens a .xls: validate peaked at
    205 MB for 20 MB of cell text (147 MB for 12 MB). Past 8 MB the stream is refused before calamine
    opens it; below, the file is read (here: not one of our forms). In a child, one line either way."""
    from tests.data.hostile.cfb import put
    from tests.data.hostile.xls import book, record, shared_strings

    text = ("ก" * 32_000).encode("utf-16-le")
    cells = b"".join(record(0x0204, struct.pack("<HHHHB", r, 0, 15, 32_000, 1) + text)
                     for r in range(megabytes * 1024 * 1024 // (len(text) + 13)))
    data, lay = container(book([("S", cells)], shared_strings(["x"])), sector=4096)
    path = tmp_path / "big.xls"
    path.write_bytes(put(data, lay.entry(0) + 116, lay.directory[0]))  # the root names a mini stream, as Excel's do
    run = measure([sys.executable, "-m", "sheetsync", "validate", str(path)],
                  env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    lines = (run.stdout + run.stderr).strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1 and "big.xls" in lines[0], lines
    assert ("more than the 8 MB read" in lines[0]) == (megabytes > 8), lines[0]
    assert run.peak_mb < 150
