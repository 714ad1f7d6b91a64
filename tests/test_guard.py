"""Tests for sheetsync.formats.guard: every fixture is built here, in tmp_path."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from sheetsync.errors import IncompleteFileError, LimitError, UnreadableFileError, UnsafeFileError
from sheetsync.formats import guard
from sheetsync.formats.guard import check_spreadsheet

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024


def make_xlsx(path: Path) -> Path:
    """Write a small real workbook with openpyxl."""
    workbook = Workbook()
    workbook.active["A1"] = "School"
    workbook.active["B1"] = 42
    workbook.save(path)
    return path


def make_ods(path: Path) -> Path:
    """Write a small real OpenDocument spreadsheet with odfpy."""
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    row = TableRow()
    cell = TableCell()
    cell.addElement(P(text="School"))
    row.addElement(cell)
    table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def add_member(path: Path, name: str, data: bytes = b"x") -> Path:
    """Append one deflated member to an existing zip."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return path


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    """Write a zip holding exactly *members*."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def refused(path: Path, error: type[Exception]) -> str:
    """Assert check_spreadsheet raises exactly *error* naming the file; return the message."""
    with pytest.raises(error) as info:
        check_spreadsheet(path)
    assert type(info.value) is error
    message = str(info.value)
    assert message.startswith(f"{path.name}: ")
    return message


def test_good_xlsx(tmp_path: Path) -> None:
    assert check_spreadsheet(make_xlsx(tmp_path / "form.xlsx")) == "xlsx"


def test_good_ods(tmp_path: Path) -> None:
    assert check_spreadsheet(make_ods(tmp_path / "form.ods")) == "ods"


def test_format_comes_from_content_not_extension(tmp_path: Path) -> None:
    xlsx = make_xlsx(tmp_path / "form.xlsx")
    renamed = tmp_path / "form.ods"
    shutil.copy(xlsx, renamed)
    assert check_spreadsheet(renamed) == "xlsx"


def test_accepts_str_path(tmp_path: Path) -> None:
    assert check_spreadsheet(str(make_xlsx(tmp_path / "form.xlsx"))) == "xlsx"  # type: ignore[arg-type]


def test_missing_file(tmp_path: Path) -> None:
    assert "file not found" in refused(tmp_path / "nothing.xlsx", UnreadableFileError)


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert "not a file" in refused(folder, UnreadableFileError)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert refused(path, IncompleteFileError) == "empty.xlsx: the file is empty"  # may still be arriving


def test_text_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("name,age\nAda,36\n", encoding="utf-8")
    message = refused(path, UnreadableFileError)
    assert "not a spreadsheet (a text file)" in message


def test_html_named_xls(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    assert "not a spreadsheet (a web page" in refused(path, UnreadableFileError)


def test_pdf_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert "not a spreadsheet (a PDF document)" in refused(path, UnreadableFileError)


def test_truncated_zip(tmp_path: Path) -> None:
    data = make_xlsx(tmp_path / "full.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    message = refused(path, IncompleteFileError)  # an UnreadableFileError that may still be arriving
    assert message == "cut.xlsx: the file is damaged or incomplete (truncated zip)"


@pytest.mark.parametrize("name", ["form.xlsm", "form.xlsx"])
def test_macro_workbook(tmp_path: Path, name: str) -> None:
    path = add_member(make_xlsx(tmp_path / name), "xl/vbaProject.bin", b"\x00" * 64)
    assert "contains macros (.xlsm)" in refused(path, UnsafeFileError)


def test_macro_content_type_without_vba_part(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "form.xlsx",
        {
            "[Content_Types].xml": b'<Types><Override ContentType="application/'
            b'vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
            "xl/workbook.xml": b"<workbook/>",
        },
    )
    assert "contains macros" in refused(path, UnsafeFileError)


def test_external_links(tmp_path: Path) -> None:
    path = add_member(
        make_xlsx(tmp_path / "form.xlsx"), "xl/externalLinks/externalLink1.xml", b"<externalLink/>"
    )
    assert "links to other workbooks" in refused(path, UnsafeFileError)


def test_ods_with_basic_macros(tmp_path: Path) -> None:
    path = add_member(make_ods(tmp_path / "form.ods"), "Basic/Standard/Module1.xml", b"<module/>")
    assert "contains macros" in refused(path, UnsafeFileError)


def test_ods_with_empty_basic_library_index(tmp_path: Path) -> None:
    path = add_member(make_ods(tmp_path / "form.ods"), "Basic/script-lc.xml", b"<libraries/>")
    assert check_spreadsheet(path) == "ods"


def test_password_protected_ods(tmp_path: Path) -> None:
    # Calc's "Save with password" keeps a readable zip; only the manifest says content.xml is encrypted.
    plain = make_ods(tmp_path / "plain.ods")
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(tmp_path / "locked.ods", "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "META-INF/manifest.xml":
                data = data.replace(b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
                                    b'manifest:full-path="content.xml" manifest:media-type="text/xml">'
                                    b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
                                    b"</manifest:file-entry>")
                assert b"encryption-data" in data
            dst.writestr(info, data)
    assert "password-encrypted" in refused(tmp_path / "locked.ods", UnsafeFileError)


def test_files_above_the_size_limit_are_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_xlsx(tmp_path / "form.xlsx")
    monkeypatch.setattr(guard, "MAX_FILE_SIZE", path.stat().st_size - 1)
    assert "larger than" in refused(path, LimitError)


def test_zip_bomb_total_size(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    zeros = bytes(MB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(zeros)
    assert path.stat().st_size < 2 * MB
    assert "zip bomb" in refused(path, UnsafeFileError)


def test_zip_bomb_compression_ratio(tmp_path: Path) -> None:
    path = add_member(make_xlsx(tmp_path / "form.xlsx"), "xl/media/pad.bin", bytes(5 * MB))
    assert "compressed suspiciously well" in refused(path, UnsafeFileError)


def test_too_many_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "MAX_MEMBERS", 20)
    path = make_xlsx(tmp_path / "form.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        for index in range(30):
            archive.writestr(f"xl/extra/{index}.xml", b"")
    assert "too many parts" in refused(path, UnsafeFileError)


def test_docx_like_zip(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "letter.xlsx",
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"},
    )
    message = refused(path, UnreadableFileError)
    assert "not a spreadsheet (a Word document); send the .xlsx or .ods form" in message


def test_odt_like_zip(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "letter.ods",
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
    )
    assert "OpenDocument text" in refused(path, UnreadableFileError)


def test_plain_zip(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "photos.xlsx", {"a.txt": b"hello"})
    assert "not a spreadsheet (a zip archive)" in refused(path, UnreadableFileError)


def test_encrypted_ole(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(64))
    message = refused(path, UnsafeFileError)
    assert "password-encrypted" in message


def test_encryption_name_across_scan_chunks(tmp_path: Path) -> None:
    # The file is searched whole in memory now (it is read once, at most MAX_FILE_SIZE): no chunk
    # boundary can hide the name; the case stays as a regression.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(21) + "EncryptionInfo".encode("utf-16-le"))
    assert "password-encrypted" in refused(path, UnsafeFileError)


def test_plain_ole_is_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(64))
    assert check_spreadsheet(path) == "xls"
