"""Damaged files found by the mutation fuzzer (tests/data/hostile/fuzz.py), each cut down to the one
change that mattered: every one must end as that file's one-line refusal naming it (or as a report),
never as an ``internal-error`` or an exception out of :func:`sheetsync.pipeline.check_file`."""

from __future__ import annotations

import io
import json
import os
import re
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from sheetsync.check.reader import as_bad_input
from sheetsync.errors import CoerceError, UnreadableFileError
from sheetsync.pipeline import UNREADABLE, check_file
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

SEED = Path(__file__).parent.parent / "sheetsync" / "samples" / "progress-report.json"


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> dict[str, bytes]:
    """A valid filled template of each format, as bytes."""
    folder = tmp_path_factory.mktemp("fuzz-seeds")
    data = json.loads(SEED.read_text(encoding="utf-8"))
    out = {}
    for fmt in ("xlsx", "ods"):
        write_template(progress_form, folder / f"seed.{fmt}", data=data)
        out[fmt] = (folder / f"seed.{fmt}").read_bytes()
    return out


def with_method(data: bytes, member: str, method: int) -> bytes:
    """The zip ``data`` with ``member``'s compression method set to ``method`` in both its headers."""
    out = bytearray(data)
    name = member.encode()
    for signature, at_method, at_name_length in ((b"PK\x03\x04", 8, 26), (b"PK\x01\x02", 10, 28)):
        for found in re.finditer(re.escape(signature), data):
            start = found.start()
            length = struct.unpack_from("<H", data, start + at_name_length)[0]
            header = 30 if signature == b"PK\x03\x04" else 46
            if data[start + header:start + header + length] == name:
                struct.pack_into("<H", out, start + at_method, method)
    return bytes(out)


def assert_refused(tmp_path: Path, name: str, data: bytes, words: str = "") -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = check_file(path)
    assert result.failure is not None and result.failure.code == UNREADABLE, result.error
    assert str(result.failure.value).startswith(name) and words in str(result.failure.value)


@pytest.mark.parametrize(("fmt", "member"), [("xlsx", "[Content_Types].xml"), ("ods", "mimetype"),
                                             ("ods", "META-INF/manifest.xml")])
def test_a_small_part_compressed_with_an_unknown_method_is_damaged(tmp_path: Path, filled: dict[str, bytes],
                                                                   fmt: str, member: str) -> None:
    # zipfile raises NotImplementedError for a method it does not know (99 is AES, 14 LZMA in some builds)
    assert_refused(tmp_path, f"method.{fmt}", with_method(filled[fmt], member, 99), "damaged")


def with_member(data: bytes, member: str, edit: Callable[[bytes], bytes]) -> bytes:
    """The zip ``data`` with ``member`` edited, zipped again validly (so the XML is what is damaged)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            raw = old.read(info)
            new.writestr(info, edit(raw) if info.filename == member else raw)
    return out.getvalue()


def declaring(encoding: bytes) -> Callable[[bytes], bytes]:
    """An edit giving a part another declared encoding (its bytes stay UTF-8, as every writer's)."""
    return lambda xml: b'<?xml version="1.0" encoding="' + encoding + b'"?>' + re.sub(rb"^<\?xml[^>]*\?>", b"", xml)


@pytest.mark.parametrize("encoding", [b"x-unknown", b"rot13", b"cp874", b"unicode_escape", b"UTF-32", b"utf-16"])
@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"])
def test_the_list_of_sheets_is_read_as_calamine_reads_it_whatever_encoding_it_declares(
        tmp_path: Path, filled: dict[str, bytes], member: str, encoding: bytes) -> None:
    # calamine reads every part as UTF-8 whatever its declaration says; the sheets' names and members
    # were read with the declared codec (an unknown one was a LookupError, an internal-error; Thai names
    # read as cp874 did not name the form's sheet)
    path = tmp_path / "declared.xlsx"
    path.write_bytes(with_member(filled["xlsx"], member, declaring(encoding)))
    result = check_file(path)
    assert result.report is not None, result.error
    assert result.report.valid, [f.code for f in result.report.findings]


def test_a_codec_the_file_names_and_python_lacks_is_the_files_outcome(tmp_path: Path) -> None:
    # a second line behind the fix above: LookupError (the parent of KeyError and IndexError) is what
    # codecs raise for an encoding a part names and Python does not know
    with pytest.raises(UnreadableFileError, match="LookupError"):
        with as_bad_input(tmp_path / "x.xlsx"):
            "".encode("x-unknown")


ODS_TEMPLATE_ID = re.compile(rb'(<text:p>template_id</text:p></table:table-cell><table:table-cell[^>]*?) '
                             rb'office:value-type="string"><text:p>[^<]*</text:p>')
XLSX_TEMPLATE_ID = re.compile(rb'<c r="B3" t="inlineStr"><is><t>[^<]*</t></is></c>')


@pytest.mark.parametrize(("fmt", "member", "edit"), [
    ("ods", "content.xml", lambda xml: ODS_TEMPLATE_ID.sub(
        rb'\1 office:value-type="time" office:time-value="PT1H1M1.9999999999S"><text:p>01:01:02</text:p>', xml)),
    ("ods", "content.xml", lambda xml: ODS_TEMPLATE_ID.sub(
        rb'\1 office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p>', xml)),
    ("xlsx", "xl/worksheets/sheet2.xml", lambda xml: XLSX_TEMPLATE_ID.sub(rb'<c r="B3" t="b"><v>1</v></c>', xml)),
])
def test_a_metadata_cell_that_holds_no_text_is_the_files_refusal_naming_the_cell(
        tmp_path: Path, filled: dict[str, bytes], fmt: str, member: str, edit: Callable[[bytes], bytes]) -> None:
    # a time or a true/false in the hidden metadata sheet was a CoerceError ("not-text") out of the
    # reading of the metadata: a refusal that named neither the file nor the cell
    damaged = with_member(filled[fmt], member, edit)
    assert damaged != filled[fmt]
    assert_refused(tmp_path, f"meta.{fmt}", damaged, "B3")


def test_a_value_error_of_a_cell_that_escapes_the_reading_still_names_the_file(tmp_path: Path) -> None:
    # a second line behind the fix above: a CoerceError is a SheetsyncError, which as_bad_input let
    # through as it was, a refusal whose one line named no file
    with pytest.raises(UnreadableFileError, match=r"^x\.ods: .*not-text"):
        with as_bad_input(tmp_path / "x.ods"):
            raise CoerceError("not-text", True)


def with_added(data: bytes, member: str, content: bytes) -> bytes:
    """The zip ``data`` with one more member."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
    return out.getvalue()


@pytest.mark.parametrize("count", [b"4294967295", b"18446744073709551615", b"99999999"])
def test_a_shared_strings_count_far_beyond_the_strings_stops_no_run(tmp_path: Path, filled: dict[str, bytes],
                                                                    count: bytes) -> None:
    # calamine reserves room for the count the part declares before reading a string: 4294967295 asked
    # for 96 GiB and aborted the process (the office's whole run, every other file with it); a count
    # past usize panicked; 99999999 aborted under a 2 GiB address-space limit
    shared = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="'
              + count + b'"><si><t>x</t></si></sst>')
    bad, good = tmp_path / "count.xlsx", tmp_path / "good.xlsx"
    bad.write_bytes(with_added(filled["xlsx"], "xl/sharedStrings.xml", shared))
    good.write_bytes(filled["xlsx"])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
           "SHEETSYNC_KEY_FILE": str(tmp_path / "office.key")}
    ran = subprocess.run([sys.executable, "-m", "sheetsync", "validate", str(bad), str(good)], capture_output=True,
                         text=True, env=env, timeout=120, preexec_fn=_two_gib)
    said = ran.stdout + ran.stderr
    assert ran.returncode in (0, 1, 2) and "panicked" not in said and "Traceback" not in said, said[-800:]
    assert "count.xlsx" in said and "good.xlsx" in said


def _two_gib() -> None:
    """An address-space limit for the child (the fuzzer's): a reservation far past the file's needs fails."""
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
