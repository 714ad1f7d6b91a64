"""Taking the spreadsheets out of a received message, within limits: attachments and .zip members.

Nothing here trusts the sender: sizes are measured on the decoded bytes (a zip member is read
at most one byte past the limit, whatever its header declares), a zip with too many entries or
an encrypted member is refused, only the last component of a member's path is kept, and a
nested zip is not opened.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from pathlib import PurePosixPath

from ..limits import MAX_FILES_PER_MESSAGE
from ._imap_config import ImapConfig

SPREADSHEETS = (".xlsx", ".ods", ".xls")
_BY_TYPE = {  # a spreadsheet sent without a file name
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.ms-excel": ".xls",
}


@dataclass(frozen=True)
class Refusal:
    """An attachment not taken: its name, a reason code (``too-big``, ``zip-too-many``,
    ``zip-unsafe``, ``zip-broken``, ``message-too-big``; for the whole message ``whole-message``,
    ``message-unreadable``, ``too-many-files``) and the limit or detail, for the reply (``fetch.refused.<code>``)."""

    name: str
    reason: str
    detail: str = ""


@dataclass
class Extracted:
    """What a message carried: spreadsheets ``(name, bytes)``, refusals, other attachments' names."""

    spreadsheets: list[tuple[str, bytes]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    others: list[str] = field(default_factory=list)


def extract(message: EmailMessage, config: ImapConfig, max_files: int = MAX_FILES_PER_MESSAGE) -> Extracted:
    """Every spreadsheet of ``message`` (attachments and members of attached .zip files).

    A spreadsheet over ``config.max_attachment`` bytes is refused; so is everything once the
    total passes ``config.max_message``. Attachments that are not spreadsheets (a PDF, a photo)
    are listed in ``others``. A message with more than ``max_files`` spreadsheets is refused whole
    (``too-many-files``), read no further: each file taken may become an e-mail to its sender.
    """
    found = Extracted()
    total = 0
    for part in message.walk():
        if part.is_multipart():
            continue
        name = _name_of(part)
        if name is None:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        suffix = PurePosixPath(name.lower()).suffix
        if suffix == ".zip" or part.get_content_type() in ("application/zip", "application/x-zip-compressed"):
            items = _unzip(name, data, config, found, config.max_message - total)
        elif suffix in SPREADSHEETS:
            items = [(name, data)]
        else:
            found.others.append(name)
            continue
        for item_name, item in items:
            if len(item) > config.max_attachment:
                found.refused.append(Refusal(item_name, "too-big", _megabytes(config.max_attachment)))
            elif total + len(item) > config.max_message:
                found.refused.append(Refusal(item_name, "message-too-big", _megabytes(config.max_message)))
            else:
                total += len(item)
                found.spreadsheets.append((item_name, item))
        if len(found.spreadsheets) > max_files:
            return Extracted(refused=[Refusal("", "too-many-files", str(max_files))])
    return found


def _name_of(part: Message) -> str | None:
    """The part's file name; a nameless spreadsheet gets one from its type; inline text has none."""
    name = part.get_filename()
    if name:
        return PurePosixPath(name.replace("\\", "/")).name or None
    suffix = _BY_TYPE.get(part.get_content_type())
    return f"attachment{suffix}" if suffix else None


def _unzip(zip_name: str, data: bytes, config: ImapConfig, found: Extracted, room: int) -> list[tuple[str, bytes]]:
    """The spreadsheets of an attached zip, each read at most one byte past what may still be
    taken: ``room`` is what the message may still bring (:attr:`ImapConfig.max_message`), so the
    members held at once never pass it, whatever the zip declares (20 members of 10 MB of zeros,
    200 KB zipped, were all inflated before the message's total was looked at)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        found.refused.append(Refusal(zip_name, "zip-broken", str(exc)))
        return []
    if len(members) > config.max_zip_members:
        found.refused.append(Refusal(zip_name, "zip-too-many", str(config.max_zip_members)))
        return []
    items = []
    for member in members:
        name = PurePosixPath(_member_name(member).replace("\\", "/")).name
        if not name or name.startswith((".", "~$")) or "__MACOSX" in member.filename:
            continue
        shown = f"{zip_name}/{name}"
        if PurePosixPath(name.lower()).suffix not in SPREADSHEETS:
            found.others.append(shown)
            continue
        if member.flag_bits & 0x1:
            found.refused.append(Refusal(shown, "zip-unsafe", "encrypted"))
            continue
        cap = min(config.max_attachment, max(room, 0))
        try:
            with archive.open(member) as handle:
                content = handle.read(cap + 1)  # never more, whatever the header says
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
            found.refused.append(Refusal(shown, "zip-broken", str(exc)))
            continue
        if len(content) > cap:  # refused here, as extract would, without being held
            too_big = len(content) > config.max_attachment
            found.refused.append(Refusal(name, "too-big" if too_big else "message-too-big",
                                         _megabytes(config.max_attachment if too_big else config.max_message)))
            continue
        room -= len(content)
        items.append((name, content))
    return items


def _member_name(member: zipfile.ZipInfo) -> str:
    """The member's name; Windows zips of Thai names are cp874 without the UTF-8 flag."""
    if member.flag_bits & 0x800:
        return member.filename
    raw = member.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "cp874"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return member.filename


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"
