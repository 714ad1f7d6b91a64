"""Member names of zips as Windows programs write them, byte for byte: Explorer's "Send to >
Compressed (zipped) folder" on Thai Windows (code page 874, no UTF-8 flag), 7-Zip (UTF-8, flag bit
11 set) and Info-ZIP/WinRAR (a legacy name, with the name in UTF-8 in an Info-ZIP Unicode Path extra
field, 0x7075). Each zip is built by hand here: Python's zipfile can write none of the three."""

from __future__ import annotations

import io
import struct
import zlib
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import typer

from sheetsync.mailer._attachments import extract
from sheetsync.mailer._imap_config import ImapConfig
from sheetsync.mailer._reading import parse
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from sheetsync.zipped import ZipLimits, unzip_spreadsheets
from tests.test_office import in_office

THAI = "แบบรายงาน วัดไทร.xlsx"
DATA = b"PK\x03\x04 a workbook"


def member(raw_name: bytes, data: bytes = DATA, *, utf8: bool = False, extra: bytes = b"") -> tuple[bytes, bytes]:
    """One stored member: its local header with data, and its central directory entry (offset 0,
    patched by :func:`zip_of`). ``raw_name`` is written as given; ``utf8`` sets flag bit 11."""
    flag, crc = 0x800 if utf8 else 0, zlib.crc32(data)
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flag, 0, 0, 0, crc, len(data), len(data),
                        len(raw_name), len(extra)) + raw_name + extra + data
    central = struct.pack("<4sHHHHHHIIIHHHHHI", b"PK\x01\x02", 20, 20, flag, 0, 0, 0, crc, len(data), len(data),
                          len(raw_name), len(extra), 0, 0, 0, 0)
    return local, central + b"%OFFSET%" + raw_name + extra


def zip_of(*members: tuple[bytes, bytes]) -> bytes:
    """The zip of ``members`` (from :func:`member`), each at its offset."""
    body, directory = b"", b""
    for local, central in members:
        directory += central.replace(b"%OFFSET%", struct.pack("<I", len(body)), 1)
        body += local
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0)
    return body + directory + end


def unicode_path(name: str, legacy: bytes) -> bytes:
    """Info-ZIP's Unicode Path extra field: version 1, the CRC-32 of the legacy name, the UTF-8 name."""
    body = struct.pack("<BI", 1, zlib.crc32(legacy)) + name.encode("utf-8")
    return struct.pack("<HH", 0x7075, len(body)) + body


def names(archive: bytes) -> list[str]:
    got = unzip_spreadsheets("n73.zip", io.BytesIO(archive), ZipLimits())
    assert not got.refused and not got.others
    return [name for name, _ in got.spreadsheets]


def test_explorer_on_thai_windows_writes_code_page_874() -> None:
    assert names(zip_of(member(THAI.encode("cp874")))) == [THAI]


def test_a_short_thai_name_that_is_also_utf_8_is_read_as_thai() -> None:
    # ร ถ in code page 874 are the bytes of UTF-8 "ö": "รถ.xlsx" came out "ö.xlsx".
    assert names(zip_of(member("รถ.xlsx".encode("cp874")), member("หก ลบ.xlsx".encode("cp874")))) == ["รถ.xlsx", "หก ลบ.xlsx"]
    without_flag = ["Übersicht.xlsx", "café.xlsx", "s1แบบรายงาน.xlsx"]  # UTF-8 without the flag
    assert names(zip_of(*(member(name.encode("utf-8")) for name in without_flag))) == without_flag
    assert names(zip_of(member("s1แบบรายงาน.xlsx".encode("cp874")))) == ["s1แบบรายงาน.xlsx"]


def test_seven_zip_writes_utf_8_with_the_flag() -> None:
    assert names(zip_of(member(THAI.encode("utf-8"), utf8=True))) == [THAI]


def test_the_unicode_path_extra_field_gives_the_name() -> None:
    # WinRAR and Info-ZIP write "?" (or the OEM code page's nearest letters) where the legacy name
    # cannot hold a letter, and the real name in UTF-8 beside it: the "?" name came out.
    for legacy in (b"????????? ??????.xlsx", "ÇüéâäàåçêëèïîìÄÅ.xlsx".encode("cp437"), THAI.encode("cp874")):
        assert names(zip_of(member(legacy, extra=unicode_path(THAI, legacy)))) == [THAI]


def test_a_unicode_path_left_from_before_a_rename_is_not_taken() -> None:
    # Its CRC is of another legacy name: a tool renamed the member and kept the old field (APPNOTE 4.6.9).
    assert names(zip_of(member(b"s1.xlsx", extra=unicode_path(THAI, b"old.xlsx")))) == ["s1.xlsx"]


def test_a_broken_unicode_path_field_is_passed_over() -> None:
    bad = struct.pack("<HH", 0x7075, 9) + struct.pack("<BI", 1, zlib.crc32(b"s1.xlsx")) + b"\xff\xfe\xfd\xfc"
    later = struct.pack("<HH", 0x7075, 5) + struct.pack("<BI", 2, zlib.crc32(b"s2.xlsx"))  # a version not known
    assert names(zip_of(member(b"s1.xlsx", extra=bad), member(b"s2.xlsx", extra=later))) == ["s1.xlsx", "s2.xlsx"]


def test_trailing_dots_and_spaces_a_mac_keeps_are_dropped_as_windows_drops_them() -> None:
    # The Mac's Archive Utility keeps "รายงาน.xlsx." as typed; so does 7-Zip on a Mac: "not a spreadsheet".
    typed = [THAI + ".", "งาน/s2.xlsx ", "s3.ods . ", "..."]
    got = names(zip_of(*(member(name.encode("utf-8"), utf8=True) for name in typed)))
    assert got == [THAI, "งาน/s2.xlsx", "s3.ods"]  # "..." is no name at all: passed over


def test_a_zip_attached_to_an_e_mail_gives_the_same_thai_names() -> None:
    message = EmailMessage()
    message.set_content("ส่งรายงานค่ะ")
    legacy = THAI.encode("ascii", errors="replace")
    archive = zip_of(member(THAI.encode("cp874")), member(legacy, extra=unicode_path("ฉบับแก้.ods", legacy)))
    message.add_attachment(archive, maintype="application", subtype="x-zip-compressed", filename="รายงาน.zip")
    found = extract(parse(message.as_bytes()), ImapConfig())
    assert [name for name, _ in found.spreadsheets] == [THAI, "ฉบับแก้.ods"] and not found.refused


def test_sync_takes_thai_names_from_each_windows_zip(office: Path, app: typer.Typer, progress_form: Form,
                                                     seed: dict[str, Any], tmp_path: Path) -> None:
    """One zip of three returns, each named as one Windows program writes it: three Thai files in the store."""
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                      encoding="utf-8")
    data = []
    for school in ("s1", "s2", "s1"):
        write_template(progress_form, tmp_path / "r.xlsx", data=seed, recipient=school)
        data.append((tmp_path / "r.xlsx").read_bytes())
    explorer, seven, winrar = "รายงาน วัดไทร.xlsx", "รายงาน วัดยายร่ม.xlsx", "รายงาน วัดไทร ฉบับแก้.xlsx"
    legacy = winrar.encode("ascii", errors="replace")
    (office / "inbox" / "n73.zip").write_bytes(zip_of(
        member(explorer.encode("cp874"), data[0]), member(seven.encode("utf-8"), data[1], utf8=True),
        member(legacy, data[2], extra=unicode_path(winrar, legacy))))
    result = in_office(app, office, "sync")
    assert result.exit_code in (0, 1), result.output
    with Store(office / "sheetsync.sqlite") as store:
        files = sorted(str(row[0]) for row in store.query("SELECT file FROM outcomes"))
    assert files == sorted([explorer, seven, winrar])
