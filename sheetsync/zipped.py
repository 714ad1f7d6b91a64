"""The spreadsheets of a .zip of returns, taken within limits: one function for the two ways a zip
comes in (attached to an e-mail the office fetches, or dropped into the inbox by a clerk who used
webmail's "download all").

Nothing here trusts the zip: a zip with too many entries is not opened, an encrypted member is
refused, a member is read at most one byte past what may still be taken (whatever its header
declares), only the last component of a member's path is kept, and a nested zip is not opened
(it is not a spreadsheet).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO

from .limits import MAX_RETURN_SIZE, MAX_RETURNS_SIZE, MAX_ZIP_MEMBERS
from .text import plausibly_thai

#: What a school may return (lower case); members with other suffixes are listed, never read.
SPREADSHEETS = (".xlsx", ".ods", ".xls")


@dataclass(frozen=True)
class Refusal:
    """A file not taken: its name, a reason code (``too-big``, ``zip-too-many``, ``zip-unsafe``,
    ``zip-broken``, ``message-too-big``; for a whole message ``whole-message``,
    ``message-unreadable``, ``too-many-files``; for an attachment whose header was too long to
    find its name in, ``header-too-long``) and the limit or detail, for the reply
    (``fetch.refused.<code>``) or the clerk (``sync.zip.<code>``)."""

    name: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class ZipLimits:
    """What one zip may bring: ``members`` entries at most (more: not opened), ``member`` bytes for
    one spreadsheet, ``total`` bytes for all it brings (an e-mail's whole size, for an attachment)."""

    members: int = MAX_ZIP_MEMBERS
    member: int = MAX_RETURN_SIZE
    total: int = MAX_RETURNS_SIZE


@dataclass
class Unzipped:
    """What a zip brought: spreadsheets ``(path in the zip, bytes)``, refusals, other members' names (``zip/name``)."""

    spreadsheets: list[tuple[str, bytes]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    others: list[str] = field(default_factory=list)


def unzip_spreadsheets(zip_name: str, source: IO[bytes], limits: ZipLimits, room: int | None = None) -> Unzipped:
    """The spreadsheets of the zip read from ``source`` (a seekable binary file), each read at most
    one byte past what may still be taken, so the members held at once never pass ``room`` (default
    ``limits.total``), whatever the zip declares (20 members of 10 MB of zeros, 200 KB zipped). Each
    is named by where it lay in the zip (:func:`inside`: ``x/good.xlsx``).

    :param zip_name: the zip's name, for refusals and ``others``.
    :param room: bytes still allowed (for an e-mail: its limit less what its other attachments took).

    Example::

        with open("n73.zip", "rb") as handle:
            found = unzip_spreadsheets("n73.zip", handle, ZipLimits())
    """
    found = Unzipped()
    room = limits.total if room is None else room
    try:
        archive = zipfile.ZipFile(source)
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        found.refused.append(Refusal(zip_name, "zip-broken", str(exc)))
        return found
    with archive:
        if len(members) > limits.members:
            found.refused.append(Refusal(zip_name, "zip-too-many", str(limits.members)))
            return found
        for member in members:
            path = PurePosixPath(member_name(member).replace("\\", "/"))
            name = as_windows_saves(path.name)
            if not name or name.startswith((".", "~$")) or "__MACOSX" in member.filename:
                continue  # a Mac's resource forks, Excel's lock files: nobody sent them
            path = path.with_name(name)
            shown = f"{zip_name}/{name}"
            if PurePosixPath(name.lower()).suffix not in SPREADSHEETS:
                found.others.append(shown)
            elif member.flag_bits & 0x1:
                found.refused.append(Refusal(shown, "zip-unsafe", "encrypted"))
            else:
                room -= _take(archive, member, inside(path), shown, limits, room, found)
    return found


def as_windows_saves(name: str) -> str:
    """A received file's ``name`` without the trailing dots and spaces Windows drops when it saves one: a
    Mac, a phone or a zip made on a Mac keeps ``รายงาน.xlsx.`` or ``รายงาน.xlsx `` as typed, which was then
    passed over as "not a spreadsheet" and its sender never told (attachments and zip members alike)."""
    return name.rstrip(". ")


def inside(path: PurePosixPath) -> str:
    """Where a member lay in its zip, as the school sees it there (``โครงการสอง/รายงาน.xlsx``): its folders
    kept, so two members of one name are told apart (:func:`sheetsync.office.again.sent_as`), but never
    above the zip's top (``../``) nor from the disk's root. Only its last part is ever a file name."""
    return "/".join(part for part in path.parts if part not in ("/", ".", ".."))


def _take(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, shown: str, limits: ZipLimits,
          room: int, found: Unzipped) -> int:
    """Read ``member`` into ``found`` (or refuse it there); the bytes it took."""
    cap = min(limits.member, max(room, 0))
    try:
        with archive.open(member) as handle:
            content = handle.read(cap + 1)  # never more, whatever the header says
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        found.refused.append(Refusal(shown, "zip-broken", str(exc)))
        return 0
    if len(content) > cap:  # refused here, without being held
        too_big = len(content) > limits.member
        found.refused.append(Refusal(name, "too-big" if too_big else "message-too-big",
                                     megabytes(limits.member if too_big else limits.total)))
        return 0
    found.spreadsheets.append((name, content))
    return len(content)


def member_name(member: zipfile.ZipInfo) -> str:
    """The member's name as the sender saw it: 7-Zip writes UTF-8 and sets the flag; Info-ZIP and
    WinRAR add the UTF-8 name in a Unicode Path extra field beside a legacy one ("?" where the OEM
    code page has no letter); Windows Explorer on Thai Windows writes code page 874, with no flag."""
    if member.flag_bits & 0x800:
        return member.filename
    raw = member.orig_filename.encode("cp437")  # the bytes as written: zipfile read them as cp437
    unicode = _unicode_path(member.extra, raw)
    if unicode is not None:
        return unicode
    utf8, thai = _decoded(raw, "utf-8"), _decoded(raw, "cp874")
    if utf8 is None:
        return thai if thai is not None else member.filename
    # Pairs of Thai letters in code page 874 are UTF-8 too ("รถ" is the bytes of "ö"); "café" in
    # UTF-8 is "cafรฉ" in cp874. Thai one way and Latin the other: Thai only if it reads as Thai.
    if thai is not None and not _has_thai(utf8) and not utf8.isascii() and plausibly_thai(thai):
        return thai
    return utf8


def _has_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def _decoded(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


#: Info-ZIP's Unicode Path extra field (APPNOTE.TXT 4.6.9): version 1, the CRC-32 of the legacy name, UTF-8.
_UNICODE_PATH = 0x7075


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The UTF-8 name of a Unicode Path field in ``extra`` that belongs to the legacy name ``raw``
    (a tool that renamed the member without knowing the field left it holding the old name: its CRC
    then differs); None when there is none, or it is not readable."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4:at + 4 + size]
        at += 4 + size
        if kind != _UNICODE_PATH or len(body) < 5 or body[0] != 1:
            continue
        if struct.unpack_from("<I", body, 1)[0] != zlib.crc32(raw):
            continue
        try:
            return body[5:].decode("utf-8") or None
        except UnicodeDecodeError:
            return None
    return None


def megabytes(limit: int) -> str:
    """``limit`` bytes as the people reading a refusal count them: ``"10 MB"``."""
    return f"{limit / (1024 * 1024):g} MB"
