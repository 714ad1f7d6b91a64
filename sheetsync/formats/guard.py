"""Safety gate for spreadsheets that schools send in, run before any parser opens them.

:func:`check_spreadsheet` sniffs the real format from the file's bytes (never from its
extension) and refuses files that are damaged, not spreadsheets, or unsafe to hand to a
parser: zip bombs, macros, password encryption and links to other workbooks. Nothing is
ever extracted or decompressed beyond two tiny metadata members. The file is read into memory
once (it is at most :data:`MAX_FILE_SIZE`) and handed on with its bytes (:func:`check_container`):
what the parsers read is what was checked, even if the file is replaced meanwhile.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, NamedTuple

from sheetsync.errors import (IncompleteFileError, LimitError, NotAFileError, SavedAsOtherTypeError, SheetsyncError,
                              UnreadableFileError, UnsafeFileError)
from sheetsync.files import open_regular
from sheetsync.formats._inflate import inflated
from sheetsync.text import brief
from sheetsync.messages import render

from sheetsync.limits import (MAX_COMPRESSION_RATIO, MAX_FILE_SIZE, MAX_MEMBERS, MAX_METADATA_SIZE,
                              MAX_TOTAL_UNCOMPRESSED, MB, RATIO_CHECK_MIN_SIZE)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPES = (
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet-template",
)
ENCRYPTION_STREAMS = tuple(
    name.encode("utf-16-le") for name in ("EncryptionInfo", "EncryptedPackage")
)
# Library index files LibreOffice may write even when there is no macro code.
ODS_BASIC_INDEX_FILES = frozenset(
    {"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"}
)

ENCRYPTED = "the file is password-encrypted; save it without a password and send it again"
TRUNCATED = "the file is damaged or incomplete (truncated zip)"
SEND_FORM = "send the .xlsx or .ods form"
#: How far into a file its XML says it is a spreadsheet: a flat .fods names its type after some 2 KB of
#: namespace declarations (Calc 7.4), an Excel 2003 XML in its second line.
FLAT_HEAD = 16 * 1024
_FODS = (b"<office:document", b'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"')
_EXCEL_2003_XML = b'progid="Excel.Sheet"'


class Checked(NamedTuple):
    """What :func:`check_container` found: the format, the file's bytes as read once (the
    parsers read these, never the file again), and for a zip its archive opened over them (so the
    scan that follows does not parse its central directory again)."""

    fmt: str
    archive: zipfile.ZipFile | None
    data: bytes = b""


def check_spreadsheet(path: Path) -> str:
    """Return the real format of *path* ("xlsx", "ods" or "xls") if it is safe to parse.

    Raises :class:`UnreadableFileError` for missing, empty, damaged or non-spreadsheet
    files and :class:`UnsafeFileError` for zip bombs, macros, password-encrypted files
    and workbooks linking to other workbooks. The extension of *path* is ignored.
    """
    return check_container(path).fmt


def check_container(path: Path, stream: BinaryIO | None = None) -> Checked:
    """:func:`check_spreadsheet`, also handing back the file's bytes and the checked zip archive
    (None for .xls).

    :param stream: the file, already opened (see :func:`sheetsync.files.open_regular`); ``path``
        then only names it. By default ``path`` is opened here (links followed: a name given on
        the command line means its target), and only a regular file is read.

    The file is read once (it is at most :data:`MAX_FILE_SIZE`); the archive needs no closing.
    """
    path = Path(path)
    if stream is not None:
        return _check_stream(path, stream)
    try:
        with open_regular(path) as opened:
            return _check_stream(path, opened)
    except NotAFileError as exc:
        raise UnreadableFileError(path, exc.reason) from exc
    except FileNotFoundError as exc:
        raise UnreadableFileError(path, "file not found",  # a mistyped name, most often: not a damaged file
                                  th=f"{path.name}: {render('why.not-found', 'th')}") from exc
    except PermissionError as exc:
        raise UnreadableFileError(path, "the file cannot be opened (permission denied)") from exc
    except OSError as exc:
        if isinstance(exc, SheetsyncError):
            raise
        raise UnreadableFileError(path, "the file cannot be opened") from exc


def _check_stream(path: Path, stream: BinaryIO) -> Checked:
    """The checks of :func:`check_container` on the opened file, read from its start."""
    try:
        size = stream.seek(0, io.SEEK_END)
        if size > MAX_FILE_SIZE:
            raise LimitError(path, "limit.file-size", size=f"{size / MB:,.0f}", limit=MAX_FILE_SIZE // MB)
        stream.seek(0)
        # Sized by the seek above (read(n) sets n bytes aside before it reads); one byte more
        # tells a file that grew since.
        data = stream.read(size + 1)
    except OSError as exc:
        if isinstance(exc, SheetsyncError):
            raise
        raise UnreadableFileError(path, "the file cannot be read") from exc
    if len(data) > MAX_FILE_SIZE:  # grown since it was measured
        raise LimitError(path, "limit.file-size", size=f"{len(data) / MB:,.0f}", limit=MAX_FILE_SIZE // MB)
    if not data:  # a copy may have made the file and not written yet
        raise IncompleteFileError(path, "the file is empty")
    if len(data) < len(OLE_MAGIC) and (OLE_MAGIC.startswith(data) or ZIP_MAGIC.startswith(data)):
        # the first bytes of a spreadsheet and nothing after them: a copy under way, or cut short
        raise IncompleteFileError(path, f"not a spreadsheet ({_describe_bytes(data)}); {SEND_FORM}")
    if data.startswith(OLE_MAGIC):
        return Checked(_check_ole(path, data), None, data)
    if data.startswith(ZIP_MAGIC):
        return _check_zip(path, data)
    if kind := _flat_spreadsheet(data[:FLAT_HEAD]):
        raise SavedAsOtherTypeError(path, kind)
    head = data[:512]
    raise UnreadableFileError(path, f"not a spreadsheet ({_describe_bytes(head)}); {SEND_FORM}", why=_why_of_bytes(head))


def _check_ole(path: Path, data: bytes) -> str:
    """Refuse an encrypted OLE2 container (encrypted .xlsx) and accept a legacy .xls."""
    if any(needle in data for needle in ENCRYPTION_STREAMS):
        raise UnsafeFileError(path, ENCRYPTED, why="why.encrypted")
    return "xls"


def _check_zip(path: Path, data: bytes) -> Checked:
    """Check a zip container's safety; return "xlsx" or "ods" and the archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        # A zip's directory is its last part: a copy that has not reached the end has none yet.
        raise IncompleteFileError(path, TRUNCATED) from exc
    except OSError as exc:
        raise UnreadableFileError(path, "the file cannot be opened") from exc
    _check_bomb(path, archive)
    return Checked(_classify_zip(path, archive, data), archive, data)


def _check_bomb(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs using only the sizes declared in the central directory."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnsafeFileError(
            path, f"the file has too many parts ({len(members)}); it may be a zip bomb"
        )
    if sum(info.file_size for info in members) > MAX_TOTAL_UNCOMPRESSED:
        raise UnsafeFileError(path, f"the file would unpack to more than {MAX_TOTAL_UNCOMPRESSED // MB} MB; "
                              "it may be a zip bomb")
    for info in members:
        if _ratio_too_high(info):
            raise UnsafeFileError(
                path, f"the part {brief(info.filename)!r} is compressed suspiciously well; it may be a zip bomb"
            )
        if info.flag_bits & 0x1:
            raise UnsafeFileError(path, ENCRYPTED, why="why.encrypted")


def _ratio_too_high(info: zipfile.ZipInfo) -> bool:
    """Return whether a large member declares an implausible compression ratio."""
    if info.file_size <= RATIO_CHECK_MIN_SIZE:
        return False
    return info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)


def _classify_zip(path: Path, archive: zipfile.ZipFile, data: bytes | None = None) -> str:
    """Return "xlsx" or "ods" after the format's own checks, or refuse other zips (``data``: the
    zip's bytes, if at hand, for :func:`_read_small`)."""
    names = set(archive.namelist())
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        _check_xlsx(path, archive, names, data)
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise UnreadableFileError(path, f"an Excel binary workbook (.xlsb) cannot be read; {SEND_FORM}", why="why.xlsb")
    mimetype = _read_small(path, archive, "mimetype", data) if "mimetype" in names else ""
    if mimetype in ODS_MIMETYPES:
        _check_ods(path, names)
        # Calc's "Save with password" keeps the zip readable but encrypts content.xml; only the
        # manifest says so.
        if "META-INF/manifest.xml" in names and "encryption-data" in _read_small(path, archive, "META-INF/manifest.xml", data):
            raise UnsafeFileError(path, ENCRYPTED, why="why.encrypted")
        return "ods"
    raise UnreadableFileError(path, f"not a spreadsheet ({_describe_zip(names, mimetype)}); {SEND_FORM}")


def _check_xlsx(path: Path, archive: zipfile.ZipFile, names: set[str], data: bytes | None = None) -> None:
    """Refuse macro-enabled workbooks and workbooks with external links."""
    content_types = _read_small(path, archive, "[Content_Types].xml", data)
    if "xl/vbaProject.bin" in names or "macroenabled" in content_types.lower():
        raise UnsafeFileError(path, "the file contains macros (.xlsm); save it as a normal .xlsx workbook",
                              why="why.macros")
    if any(name.startswith("xl/externalLinks/") for name in names):
        raise UnsafeFileError(
            path, "the file links to other workbooks; remove the external links and send it again"
        )


def _check_ods(path: Path, names: set[str]) -> None:
    """Refuse OpenDocument spreadsheets that carry Basic or script macros."""
    for name in names:
        if name.endswith("/"):
            continue
        is_basic_code = name.startswith("Basic/") and name.rsplit("/", 1)[-1] not in ODS_BASIC_INDEX_FILES
        if is_basic_code or name.startswith("Scripts/"):
            raise UnsafeFileError(
                path, "the file contains macros; save it as a normal .ods spreadsheet without macros", why="why.macros"
            )


def _read_small(path: Path, archive: zipfile.ZipFile, name: str, whole: bytes | None = None) -> str:
    """Return a small metadata member as text, refusing oversized ones.

    :param whole: the zip's bytes, if at hand: a plain member is inflated straight from them, with
        zipfile's checks (:mod:`._inflate`); any other is read by zipfile, whose words refuse it.
    """
    info = archive.getinfo(name)
    if info.file_size > MAX_METADATA_SIZE:
        raise UnsafeFileError(path, f"the part {brief(name)!r} is far too large; it may be a zip bomb")
    found = inflated(whole, info) if whole is not None else None
    if found is not None:
        return found.decode("utf-8", errors="replace").strip()
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise UnreadableFileError(path, TRUNCATED) from exc
    except NotImplementedError as exc:  # a compression method zipfile does not know: no writer of spreadsheets uses one
        raise UnreadableFileError(path, f"the part {brief(name)!r} is damaged") from exc
    return data.decode("utf-8", errors="replace").strip()


def _describe_zip(names: set[str], mimetype: str) -> str:
    """Name the kind of a zip that is not a spreadsheet, for the error message."""
    if "word/document.xml" in names:
        return "a Word document"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    kinds = {"text": "an OpenDocument text document", "presentation": "an OpenDocument presentation"}
    if mimetype.startswith("application/vnd.oasis.opendocument."):
        return kinds.get(mimetype.rsplit(".", 1)[-1], "an OpenDocument file")
    return "a zip archive"


def _flat_spreadsheet(head: bytes) -> str:
    """The type of a spreadsheet saved as one XML file (no zip), or "" for any other file.

    Only the head is looked at, as bytes: nothing is parsed, so an entity or a huge file costs nothing."""
    if all(mark in head for mark in _FODS):
        return "Flat XML ODF Spreadsheet (.fods)"
    if _EXCEL_2003_XML in head and b"<?mso-application" in head:
        return "Excel 2003 XML (.xml)"
    return ""


def _why_of_bytes(head: bytes) -> str:
    """The catalogue entry telling a teacher what a non-zip, non-OLE file is and what to do ('' for
    damaged or unknown bytes): a web page (Excel's "Save as Web Page", a web site's "export to Excel") or
    text (Excel's "Save as CSV") sent under a spreadsheet's name is not damaged, and no copy of it helps."""
    kind = _describe_bytes(head)
    if kind == "a text file":
        return "why.csv" if _looks_like_csv(head) else ""
    return "why.web-page" if kind == "a web page saved with a spreadsheet name" else ""


def _looks_like_csv(head: bytes) -> bool:
    """Whether text looks like rows of a table: two lines or more (the last one, perhaps cut, left out) with
    the same number of one delimiter (Excel writes commas, or ; or tab by the computer's region). A letter
    has commas too, but not the same number on every line."""
    lines = head.splitlines()[:-1] if not head.endswith((b"\n", b"\r")) else head.splitlines()
    lines = [line for line in lines[:5] if line.strip()]
    return len(lines) >= 2 and any(len({line.count(mark) for line in lines}) == 1 and lines[0].count(mark) > 0
                                   for mark in (b",", b";", b"\t"))


def _describe_bytes(head: bytes) -> str:
    """Name the kind of a non-zip, non-OLE file from its first bytes."""
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "an image"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        return "a web page saved with a spreadsheet name"
    if b"\x00" not in head:
        return "a text file"
    return "an unknown file type"
