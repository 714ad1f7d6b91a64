"""A zip member inflated straight from the file's bytes (sheetsync.formats._inflate): the same bytes as
zipfile reads for a plain member; None (zipfile reads it, and refuses it in its own words) for any other."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sheetsync.errors import UnreadableFileError
from sheetsync.formats._inflate import inflated
from sheetsync.formats.extent import scan

TEXT = "<?xml version='1.0'?><root>" + "แบบรายงาน " * 200 + "</root>"


def _zip(method: int = zipfile.ZIP_DEFLATED, name: str = "content.xml", body: str = TEXT) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr(name, body)
    return out.getvalue()


def _info(data: bytes, name: str = "content.xml") -> zipfile.ZipInfo:
    return zipfile.ZipFile(io.BytesIO(data)).getinfo(name)


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize("name", ["content.xml", "ข้อมูล/แผ่น.xml"])
def test_a_plain_member_is_what_zipfile_reads(method: int, name: str) -> None:
    data = _zip(method, name)
    assert inflated(data, _info(data, name)) == zipfile.ZipFile(io.BytesIO(data)).read(name)


def test_other_methods_are_left_to_zipfile() -> None:
    for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        data = _zip(method)
        assert inflated(data, _info(data)) is None


def _with_directory(data: bytes, **changes: int) -> tuple[bytes, zipfile.ZipInfo]:
    info = _info(data)
    for key, value in changes.items():
        setattr(info, key, value)
    return data, info


def test_a_member_unlike_its_directory_entry_is_left_to_zipfile() -> None:
    data = _zip()
    info = _info(data)
    assert inflated(*_with_directory(data, CRC=info.CRC ^ 1)) is None  # damaged (or altered) data
    assert inflated(*_with_directory(data, file_size=info.file_size - 1)) is None  # more than declared
    assert inflated(*_with_directory(data, file_size=info.file_size + 1)) is None  # less than declared
    assert inflated(*_with_directory(data, compress_size=info.compress_size - 10)) is None  # cut short
    assert inflated(*_with_directory(data, header_offset=0)) is None  # another member's header
    assert inflated(*_with_directory(data, flag_bits=info.flag_bits | 0x1)) is None  # encrypted
    assert inflated(data[:info.header_offset + 40], info) is None  # the file ends inside the member


def test_a_local_header_naming_another_member_is_left_to_zipfile() -> None:
    data = _zip()
    at = _info(data).header_offset + 30
    renamed = data[:at] + b"CONTENT.XML" + data[at + len("content.xml"):]
    assert inflated(renamed, _info(data)) is None
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(renamed)).read("content.xml")


def test_a_damaged_member_is_still_refused_as_damaged(tmp_path: Path) -> None:
    data = bytearray(_zip(zipfile.ZIP_STORED))
    info = _info(bytes(data))
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 100] ^= 0x20  # one letter changed: the CRC no longer matches
    path = tmp_path / "damaged.ods"
    path.write_bytes(bytes(data))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    with pytest.raises(UnreadableFileError, match="damaged"):
        scan(path, "ods", archive, bytes(data))


class _Bounded(zipfile.ZipInfo):
    """A directory entry as zipfile reads it from Python 3.11.8 and 3.12.2 on: it knows where the member
    must end (the next member's header, or the directory), and refuses one reaching past that."""

    _end_offset: int | None = None


def test_a_member_overlapping_the_next_is_left_to_zipfile() -> None:
    """Overlapping members are how a zip bomb reuses one deflated run many times: zipfile, where it
    checks that (``BadZipFile: Overlapped entries``), must be the one to read such a member, as before."""
    data = _zip()
    info = _info(data)
    bounded = _Bounded(info.filename, info.date_time)
    for name in ("compress_type", "flag_bits", "header_offset", "compress_size", "file_size", "CRC", "orig_filename"):
        setattr(bounded, name, getattr(info, name))
    begin = info.header_offset + 30 + len(info.filename.encode())
    bounded._end_offset = begin + info.compress_size  # ends where the next begins: read here
    assert inflated(data, bounded) == TEXT.encode()
    bounded._end_offset -= 1  # reaches into the next: zipfile's to refuse
    assert inflated(data, bounded) is None
