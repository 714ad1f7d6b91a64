"""sheetsync.formats.xls_extent: what calamine would build from a legacy .xls, bounded before it opens it.

The .xls files here are written record by record (tests/data/hostile/xls.py), and each case is
checked against what python-calamine itself reads from the same bytes."""

from __future__ import annotations

import io
import struct
import sys
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync import limits
from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.check import opener
from sheetsync.errors import LimitError, UnreadableFileError, is_parser_panic
from sheetsync.formats import xls_extent
from sheetsync.formats.xls_extent import check_xls_extent
from tests.data.hostile.measure import measure
from tests.data.hostile.xls import (EOF_RECORD, SHARED_STRING_COPIES, compound_file, label_sst, number, record,
                                    shared_strings, xls)

LONG = "ก" * 32_767  # Excel's longest cell text, 3 bytes a letter in calamine's UTF-8


def _calamine(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def _check(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "book.xls"
    path.write_bytes(data)
    check_xls_extent(path)


@pytest.mark.parametrize("cells", [488, 489])
def test_cells_naming_one_long_shared_string_are_counted_each(tmp_path: Path, cells: int) -> None:
    # 488 copies of 32,767 characters stay under 16,000,000; the 489th goes past it
    labels = b"".join(label_sst(n // 200, n % 200, 0) for n in range(cells))
    data = xls([("S", labels)], _continued_sst([LONG]))
    assert sum(len(v) for row in _calamine(data)["S"] for v in row) == cells * 32_767  # what calamine builds
    if cells * 32_767 <= limits.MAX_EXPANDED_TEXT:
        _check(tmp_path, data)
    else:
        with pytest.raises(LimitError) as caught:
            _check(tmp_path, data)
        assert caught.value.code == "limit.expanded-text" and str(caught.value).startswith("book.xls: ")


def test_cells_of_every_sheet_and_every_name_of_a_sheet_count(tmp_path: Path) -> None:
    """calamine builds every sheet at once, and a sheet named by two BOUNDSHEETs twice."""
    half = b"".join(label_sst(n, 0, 0) for n in range(250))
    with pytest.raises(LimitError, match="repeat text"):
        _check(tmp_path, xls([("A", half), ("B", half)], _continued_sst([LONG])))
    with pytest.raises(LimitError, match="repeat text"):
        _check(tmp_path, xls([("A", half), ("B", b"")], _continued_sst([LONG]), [0, 0]))
    _check(tmp_path, xls([("A", half), ("B", b"")], _continued_sst([LONG])))


@pytest.mark.parametrize("split", [0, 1, 2, 3, 4, 5, 9, 40])
def test_string_lengths_are_read_as_calamine_reads_them(split: int) -> None:
    """Strings continued in CONTINUE records (each continuation with flags of its own, so 8-bit
    characters may go on as 16-bit), with formatting runs and phonetic text skipped across records."""
    strings = [("abc" * 7, 0x00, b"", b""), ("ไทย" * 5, 0x01, b"", b""), ("x" * 30, 0x08, b"\1\0\2\0" * 3, b""),
               ("ผล" * 9, 0x0D, b"\0" * 8, b"\7" * 13), ("", 0x00, b"", b""), ("end" * 4, 0x04, b"", b"\0" * 6)]
    parts = [struct.pack("<II", len(strings), len(strings))]
    for text, flags, runs, ext in strings:
        wide = 2 if flags & 1 else 1
        parts[-1] += struct.pack("<HB", len(text), flags)
        parts[-1] += struct.pack("<H", len(runs) // 4) if flags & 0x08 else b""
        parts[-1] += struct.pack("<i", len(ext)) if flags & 0x04 else b""
        parts[-1] += text[:split].encode("utf-16-le" if wide == 2 else "latin-1")
        if len(text) > split:  # the rest goes on in a CONTINUE record, as 16-bit characters
            parts.append(b"\1" + text[split:].encode("utf-16-le"))
        parts[-1] += runs[:5]
        if len(runs) > 5 or ext:  # runs and phonetic text may be cut anywhere, with no flags byte
            parts.append(runs[5:] + ext)
    sst = record(0x00FC, parts[0]) + b"".join(record(0x003C, part) for part in parts[1:])
    cells = b"".join(label_sst(i, 0, i) for i in range(len(strings)))
    data = xls([("S", cells)], sst)
    read = [row[0] for row in _calamine(data)["S"]]
    assert read == [s[0] for s in strings]  # calamine builds an empty string as an empty cell
    stream = xls_extent._workbook_stream(Path("x.xls"), data)
    assert list(xls_extent._string_lengths(stream, xls_extent._globals(Path("x.xls"), stream)[1], 99)) == [len(s[0]) for s in strings]


def test_sheets_that_overlap_in_the_stream_are_refused(tmp_path: Path) -> None:
    cells = number(0, 0) + number(5, 5)
    data = xls([("A", cells), ("B", cells)], shared_strings(["x"]), [0, 4])  # B starts inside A
    assert set(_calamine(data)) == {"A", "B"}
    with pytest.raises(UnreadableFileError, match="overlap"):
        _check(tmp_path, data)


def test_sheets_together_are_bounded(tmp_path: Path) -> None:
    far = number(0, 0) + number(3899, 255)  # 998,400 cells: under the cap alone, not with 2,000 more
    _check(tmp_path, xls([("A", far)], shared_strings(["x"])))
    with pytest.raises(LimitError) as caught:
        _check(tmp_path, xls([("A", far), ("B", number(199, 9))], shared_strings(["x"])))
    assert caught.value.code == "limit.xls-cells" and "2 sheets" in str(caught.value)


def test_a_dimensions_record_past_its_own_end_is_refused(tmp_path: Path) -> None:
    dims = record(0x0200, struct.pack("<IIHHH", 1000, 2, 0, 2, 0))  # first row 1000, last row 1
    with pytest.raises(UnreadableFileError, match="damaged"):
        _check(tmp_path, xls([("S", dims + number(0, 0))], shared_strings(["x"])))
    _check(tmp_path, xls([("S", record(0x0200, struct.pack("<IIHHH", 0, 2, 0, 2, 0)) + number(1, 1))],
                         shared_strings(["x"])))


def test_the_committed_hostile_xls_is_refused_within_the_memory_limit(tmp_path: Path) -> None:
    """Made by LibreOffice from our own form (make_shared_string_xls.py): 6,229 cells naming one
    32,767-letter Thai string took 1,594 MB before the bound."""
    import gzip

    path = tmp_path / "shared-string-copies.xls"
    path.write_bytes(gzip.decompress(SHARED_STRING_COPIES.read_bytes()))
    stream = xls_extent._workbook_stream(path, None)
    assert EOF_RECORD in stream and len(xls_extent._globals(Path("x.xls"), stream)[1]) > 1  # the string runs over CONTINUE records
    env = {"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": "/usr/bin:/bin"}
    run = measure([sys.executable, "-m", "sheetsync", "validate", str(path)], env=env)
    lines = (run.stdout + run.stderr).strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1 and "shared-string-copies.xls" in lines[0]
    assert "repeat text to more than 16,000,000 characters" in lines[0]
    assert run.peak_mb < 300


def test_an_honest_calc_xls_with_repeated_strings_reads(tmp_path: Path, libreoffice: Any, progress_form: Any,
                                                         seed: dict[str, Any]) -> None:
    from sheetsync.template.write import write_template

    write_template(progress_form, tmp_path / "filled.xlsx", data=seed, recipient="school-01")
    legacy = libreoffice.convert(tmp_path / "filled.xlsx", tmp_path / "filled.xls")
    stream = xls_extent._workbook_stream(legacy, None)
    sheets, sst = xls_extent._globals(Path("x.xls"), stream)
    labels = [i for offset, _ in sheets for i in xls_extent._walk(legacy, stream, offset, len(stream)).labels]
    assert len(labels) > len(set(labels)) > 100  # Calc shares the strings typed more than once
    lengths = xls_extent._string_lengths(stream, sst, len(labels))
    assert sum(lengths[i] for i in labels) == sum(len(v) for rows in _calamine(legacy.read_bytes()).values()
                                                 for row in rows for v in row if isinstance(v, str))
    report = validate(read_filled(legacy))
    assert report.valid, report.codes()
    assert read_filled(legacy).data == read_filled(tmp_path / "filled.xlsx").data


def _continued_sst(strings: list[str]) -> bytes:
    """An SST of 16-bit ``strings`` as Excel writes long ones: records of at most 8,224 bytes, each
    CONTINUE starting with the flags byte of the characters it goes on with."""
    head = struct.pack("<II", len(strings), len(strings))
    out, body = b"", head
    for text in strings:
        body += struct.pack("<HB", len(text), 1)
        chars = text.encode("utf-16-le")
        while chars:
            room = (8224 - len(body)) // 2 * 2
            body, chars = body + chars[:room], chars[room:]
            if chars:
                out += record(0x00FC if not out else 0x003C, body)
                body = b"\1"
    return out + record(0x00FC if not out else 0x003C, body)


def test_a_sheet_offset_past_the_stream_is_refused_not_a_panic(tmp_path: Path) -> None:
    """calamine slices the workbook stream at each BOUNDSHEET's offset unchecked: past the end it
    panics (``range start index … out of range``). Seen with a 6 KB file; the BIFF records calamine
    reads with too short a body (found by mutating honest containers) panic the same way."""
    path = tmp_path / "far-sheet.xls"
    path.write_bytes(xls([("S", number(0, 0))], shared_strings(["x"]), [10 ** 6]))
    with pytest.raises(UnreadableFileError):
        read_filled(path)


def test_any_panic_of_calamine_is_the_files_not_the_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever damage the record walk does not foresee, a panic of calamine's Rust code (pyo3's
    PanicException: a BaseException, which ``except Exception`` lets through and which stopped a
    whole sync run) ends as this file's one-line UnreadableFileError."""
    data = xls([("S", number(0, 0))], shared_strings(["x"]), [10 ** 6])
    with pytest.raises(BaseException) as raised:  # the real thing, as calamine raises it
        CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert is_parser_panic(raised.value) and not isinstance(raised.value, Exception)
    monkeypatch.setattr(opener, "check_xls_extent", lambda path, data: None)  # as if the walk missed it
    path = tmp_path / "panics.xls"
    path.write_bytes(data)
    with pytest.raises(UnreadableFileError, match="^panics.xls: cannot be read as a spreadsheet"):
        read_filled(path)
    assert not is_parser_panic(KeyboardInterrupt()) and not is_parser_panic(ValueError("PanicException"))


@pytest.mark.parametrize("unique", [0, 1, 0xFFFFFFFF])
def test_strings_past_the_declared_unique_count_are_counted(tmp_path: Path, unique: int) -> None:
    """calamine reads every string the SST's records hold, whatever count of unique strings it
    declares (0, too few, negative): a 74 KB file declaring one string and naming its second, 32,767
    letters long, 600 times made calamine build 19.7 M characters (20,000 cells: 1.9 GB) unrefused."""
    sst = bytearray(_continued_sst(["a", LONG]))
    struct.pack_into("<I", sst, 8, unique)  # cstUnique: after the record header and cstTotal
    data = xls([("S", b"".join(label_sst(n // 200, n % 200, 1) for n in range(600)))], bytes(sst))
    assert sum(len(v) for row in _calamine(data)["S"] for v in row) == 600 * 32_767  # what calamine builds
    with pytest.raises(LimitError) as caught:
        _check(tmp_path, data)
    assert caught.value.code == "limit.expanded-text"


def test_millions_of_empty_shared_strings_stay_within_the_memory_limit(tmp_path: Path) -> None:
    """A 24 MB workbook stream whose SST holds 8 M empty strings (3 bytes each) and no cell naming
    them past the text bound: calamine builds a String for each (`validate`: 411 MB peak; the walk of the
    string lengths, when 300 cells name the last one, takes 3.6 s)."""
    from tests.data.hostile.cfb import container, put
    from tests.data.hostile.xls import boundsheet, bof

    count = (24 * 1024 * 1024 - 128 * 1024) // 3
    payload = struct.pack("<HB", 0, 0) * count
    chunks = [payload[i:i + 8223] for i in range(0, len(payload), 8223)]
    sst = record(0x00FC, struct.pack("<II", count, count) + chunks[0]) + b"".join(record(0x003C, c) for c in chunks[1:])
    head = len(bof(5) + boundsheet(0, "S") + sst + EOF_RECORD)
    stream = bof(5) + boundsheet(head, "S") + sst + EOF_RECORD + bof(0x10) + number(0, 0) + EOF_RECORD
    data, lay = container(stream, sector=4096)
    path = tmp_path / "strings.xls"
    path.write_bytes(put(data, lay.entry(0) + 116, lay.directory[0]))  # the root names a mini stream, as Excel's do
    env = {"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": "/usr/bin:/bin"}
    run = measure([sys.executable, "-m", "sheetsync", "validate", str(path)], env=env)
    assert len((run.stdout + run.stderr).strip().splitlines()) == 1
    assert run.peak_mb < 300


@pytest.mark.parametrize("count", [1000, 1001])
def test_the_shared_strings_are_counted_whether_cells_name_them_or_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       count: int) -> None:
    """calamine makes a String of every shared string when it opens the file: past the cap (here 1,000)
    the file is refused, even with no cell naming any, and the declared count does not hide them."""
    monkeypatch.setattr(limits, "MAX_XLS_STRINGS", 1000)
    payload = struct.pack("<HB", 0, 0) * count
    chunks = [payload[i:i + 8223] for i in range(0, len(payload), 8223)]
    sst = record(0x00FC, struct.pack("<II", 1, 1) + chunks[0]) + b"".join(record(0x003C, c) for c in chunks[1:])
    data = xls([("S", number(0, 0))], sst)
    if count <= 1000:
        _check(tmp_path, data)
        return
    with pytest.raises(LimitError) as caught:
        _check(tmp_path, data)
    assert caught.value.code == "limit.xls-strings" and "1,000" in str(caught.value)


def _aliased_names(count: int) -> bytes:
    """A workbook stream of ``count`` BOUNDSHEET records, each naming the same one-cell sheet."""
    from tests.data.hostile.xls import EOF_RECORD as END, bof, boundsheet

    names = [f"S{i}" for i in range(count)]
    start = len(bof(5)) + sum(len(boundsheet(0, n)) for n in names) + len(shared_strings(["x"])) + len(END)
    return (bof(5) + b"".join(boundsheet(start, n) for n in names) + shared_strings(["x"]) + END
            + bof(0x10) + number(0, 0) + END)


def test_a_sheet_named_too_many_times_is_refused(tmp_path: Path) -> None:
    """calamine builds one sheet (name, grid) for each BOUNDSHEET record: 900,000 of them naming one
    one-cell sheet (23 MB as a .xls, all under the cell caps) took validate to 636 MB and 3.8 s. Calc
    holds at most 10,000 sheets, so a workbook naming more is no spreadsheet program's."""
    from tests.data.hostile.xls import compound_file

    path = tmp_path / "book.xls"
    path.write_bytes(compound_file(_aliased_names(limits.MAX_XLS_SHEETS)))
    check_xls_extent(path)
    path.write_bytes(compound_file(_aliased_names(limits.MAX_XLS_SHEETS + 1)))
    with pytest.raises(LimitError) as caught:
        check_xls_extent(path)
    assert caught.value.code == "limit.xls-sheets" and str(caught.value).startswith("book.xls: ")


@pytest.mark.parametrize("pieces", [100, 101])
def test_shared_strings_cut_into_too_many_pieces_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            pieces: int) -> None:
    """calamine takes each CONTINUE record of the shared string table off the front of a list, so
    reading a string through n of them costs n²: one string with phonetic text of 2 GB declared, then
    250,000 empty CONTINUE records (1 MB), took validate 32 s. Writers fill each to 8,224 bytes (a
    24 MB table needs ~3,000); past the limit (here 100) the file is damaged."""
    monkeypatch.setattr(limits, "MAX_XLS_CONTINUES", 100)
    sst = record(0x00FC, struct.pack("<II", 1, 1) + struct.pack("<HBi", 1, 0x04, 0x7FFFFFFF) + b"a")
    data = xls([("S", number(0, 0))], sst + record(0x003C, b"") * pieces)
    if pieces <= 100:
        _check(tmp_path, data)
        return
    with pytest.raises(UnreadableFileError, match="^book.xls: the .xls file is damaged"):
        _check(tmp_path, data)


def test_a_sheet_read_once_per_name_is_bounded_by_the_bytes_walked(tmp_path: Path) -> None:
    """calamine walks a sheet's records once for each BOUNDSHEET naming it: 10,000 names of one sheet
    of 1 MB of records (a 1.2 MB file) took 39 s. All names together may walk no more than a whole
    workbook stream holds."""
    from tests.data.hostile.cfb import container, put
    from tests.data.hostile.xls import bof, boundsheet

    names = [f"S{i}" for i in range(10_000)]
    start = len(bof(5)) + sum(len(boundsheet(0, n)) for n in names) + len(shared_strings(["x"])) + len(EOF_RECORD)
    stream = (bof(5) + b"".join(boundsheet(start, n) for n in names) + shared_strings(["x"]) + EOF_RECORD
              + bof(0x10) + number(0, 0) + record(0x0001, b"") * 250_000 + EOF_RECORD)
    data, lay = container(stream, sector=4096)
    with pytest.raises(LimitError) as caught:
        _check(tmp_path, bytes(put(data, lay.entry(0) + 116, lay.directory[0])))
    assert caught.value.code == "limit.xls-work"


@pytest.mark.parametrize("copies", [10, 11])
def test_cells_written_again_and_again_count_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        copies: int) -> None:
    """calamine collects every cell record, also one at a place already written, before it builds the
    grid: one row of 100 numbers written over and over (MULRK, 20 MB) took 322 MB within a 100-cell
    extent. Each copy counts against the cells read (here 1,000)."""
    monkeypatch.setattr(limits, "MAX_XLS_CELLS", 1000)
    run = record(0x00BD, struct.pack("<HH", 0, 0) + struct.pack("<HI", 15, 0x3FF00000) * 100 + struct.pack("<H", 99))
    data = xls([("S", run * copies)], shared_strings(["x"]))
    assert len(_calamine(data)["S"][0]) == 100
    if copies * 100 <= 1000:
        _check(tmp_path, data)
        return
    with pytest.raises(LimitError) as caught:
        _check(tmp_path, data)
    assert caught.value.code == "limit.xls-cells"


@pytest.mark.parametrize("kind", [0, 1])
def test_an_encrypted_workbook_is_refused_as_encrypted(tmp_path: Path, kind: int) -> None:
    """A FILEPASS record: RC4 (kind 1) made calamine say only "Cannot detect file format"; XOR
    obfuscation (kind 0) it reads through, its records garbled. Either is a password-encrypted file."""
    from sheetsync.errors import UnsafeFileError
    from tests.data.hostile.xls import encrypted

    path = tmp_path / "locked.xls"
    path.write_bytes(compound_file(encrypted(kind)))
    with pytest.raises(UnsafeFileError, match="^locked.xls: the file is password-encrypted"):
        read_filled(path)


@pytest.mark.parametrize("records", [
    record(0x00E5, struct.pack("<H", 65535)),  # MERGECELLS: 65,535 ranges announced, none there
    record(0x0006, struct.pack("<HHHdHIH", 0, 0, 15, 1.0, 0, 0, 3) + b"\x25\0\0"),  # a reference cut short
], ids=["mergecells", "formula"])
def test_a_panic_prints_nothing_but_the_files_line(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                                   records: bytes) -> None:
    """Rust's panic hook wrote three lines of its own to the standard error (``thread '<unnamed>'
    panicked at …/calamine-0.37.0/src/utils.rs…``) before the file's one line: in a batch, every
    damaged .xls added them. Now the file's line is all there is."""
    path = tmp_path / "short.xls"
    path.write_bytes(xls([("S", number(0, 0) + records)], shared_strings(["x"])))
    with pytest.raises(UnreadableFileError, match="^short.xls: cannot be read as a spreadsheet"):
        read_filled(path)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("name", ["Sheet1", "Report", "รายงาน"])
def test_a_biff5_sheet_is_named_as_written(tmp_path: Path, name: str) -> None:
    """Excel 5/95 (BIFF5, stream "Book") writes a sheet's name as 8-bit characters of the workbook's
    code page with no flags byte: read as BIFF8, "Sheet1" was named 敨瑥� in the message and
    "Report" eport."""
    def bof5(kind: int) -> bytes:
        return record(0x0809, struct.pack("<HHHH", 0x0500, kind, 0, 0))

    def sheet(offset: int) -> bytes:
        raw = name.encode("cp874")
        return record(0x0085, struct.pack("<IBBB", offset, 0, 0, len(raw)) + raw)

    codepage = record(0x0042, struct.pack("<H", 874))
    head = len(bof5(5) + codepage + sheet(0) + EOF_RECORD)
    stream = bof5(5) + codepage + sheet(head) + EOF_RECORD + bof5(0x10) + number(0, 0) + number(65535, 255) + EOF_RECORD
    data = compound_file(stream, name="Book")
    assert list(_calamine(data)) == [name]  # calamine reads it
    with pytest.raises(LimitError) as caught:
        _check(tmp_path, data)
    assert caught.value.code == "limit.xls-extent" and f"the sheet {name} of this .xls" in str(caught.value)


@pytest.mark.parametrize("records", [
    record(0x00BD, struct.pack("<HHHIH", 0, 10, 15, 0, 5)),  # MULRK: last column before the first
    record(0x0205, struct.pack("<HHHBB", 0, 0, 15, 0, 9)),  # BOOLERR: neither a bool nor an error
], ids=["mulrk", "boolerr"])
def test_records_calamine_refuses_make_a_damaged_xls(tmp_path: Path, records: bytes) -> None:
    """calamine's own error (``Invalid rk length…``) is lost behind from_filelike's "Cannot detect file
    format", which told a teacher the file was no spreadsheet at all; it is a damaged .xls."""
    path = tmp_path / "odd.xls"
    path.write_bytes(xls([("S", number(0, 0) + records)], shared_strings(["x"])))
    with pytest.raises(UnreadableFileError) as caught:
        read_filled(path)
    assert str(caught.value) == "odd.xls: the .xls file is damaged (its records cannot be read)"


def test_a_calc_xls_saved_with_a_password_is_refused_as_encrypted(tmp_path: Path, libreoffice: Any,
                                                                  progress_form: Any, seed: dict[str, Any]) -> None:
    """Calc's "Save with password" to .xls writes a FILEPASS record and encrypts every record after it
    (RC4): the walk read the encrypted bytes as records and refused the file as "damaged (a sheet's
    first row lies past its last)", or as "the sheet 嶤はஆ貺… reaches cell CQZJ1375798107" (the
    garble differs each save). It is an encrypted file, and says so."""
    from sheetsync.errors import UnsafeFileError
    from sheetsync.template.write import write_template

    write_template(progress_form, tmp_path / "filled.xlsx", data=seed, recipient="school-01")
    locked = libreoffice.convert(tmp_path / "filled.xlsx", tmp_path / "locked.xls", password="secret")
    with pytest.raises(UnsafeFileError, match="^locked.xls: the file is password-encrypted"):
        read_filled(locked)
