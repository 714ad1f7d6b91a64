"""Taking the spreadsheets out of a received message, within limits: attachments and .zip members.

Nothing here trusts the sender: sizes are measured on the decoded bytes, and a zip is opened by
:func:`sheetsync.zipped.unzip_spreadsheets` (the inbox's zips are too), within the mailbox's limits.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from pathlib import PurePosixPath

from ..limits import MAX_FILES_PER_MESSAGE
from ..zipped import SPREADSHEETS, Refusal, as_windows_saves, megabytes, unzip_spreadsheets
from ._headers import RECEIVED_PARAMETERS_LIMIT, header_was_cut
from ._imap_config import ImapConfig
from ._not_taken import cloud_link, saved_as

_BY_TYPE = {  # a spreadsheet sent without a file name
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.ms-excel": ".xls",
}

_TNEF = ("application/ms-tnef", "application/vnd.ms-tnef")


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
            if header_was_cut(part):  # its name may have been past the bound: say so, not "no spreadsheet"
                found.refused.append(Refusal("", "header-too-long", f"{RECEIVED_PARAMETERS_LIMIT:,}"))
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
    if not found.spreadsheets and not found.refused:  # say what came instead (beside a file, it is no matter)
        found.refused = saved_as(found.others) + cloud_link(message)
        found.others = [name for name in found.others if name not in {r.name for r in found.refused}]
    return found


def _name_of(part: Message) -> str | None:
    """The part's file name; a nameless spreadsheet gets one from its type; inline text has none.

    A name is taken as Windows would save it, without trailing dots and spaces (a Mac or a phone
    keeps ``รายงาน.xlsx.`` as typed), and a name without an extension (webmail cutting a long Thai
    name, or one ending in ``ต.ค.2567``) gets the one its spreadsheet type says: either was passed
    over as "not a spreadsheet" beside the message's other files, and its sender never told. A
    real extension is kept (a CSV that Windows labels as Excel is told it is a CSV). A name that is
    only a spreadsheet's or a zip's extension (``.xlsx``, often sent as ``application/octet-stream``) is a
    nameless file of that type, ``attachment.xlsx``: saved in the inbox (where a dot file is hidden), its
    content is checked as any file's is, by sync. Any other dot file (``.gitignore``, ``.csv``) is never
    saved, only named: by its own name, not an invented ``attachment.gitignore``."""
    suffix = _BY_TYPE.get(part.get_content_type())
    name = as_windows_saves(PurePosixPath((part.get_filename() or "").replace("\\", "/")).name)
    if _only_an_extension(name):  # ".xlsx": a nameless file of that type, never "'.xlsx' is not a spreadsheet"
        name, suffix = "", name.lower()
    if name:
        return name + suffix if suffix and not _has_extension(name) else name
    if part.get_content_type() in _TNEF:  # Outlook's Rich Text wrapping (winmail.dat), passed on nameless
        return "winmail.dat"
    return f"attachment{suffix}" if suffix else None


def _only_an_extension(name: str) -> bool:
    """Whether ``name`` is a spreadsheet's or a zip's extension alone (``.xlsx``, ``.XLSX``): what is left of
    a file name a mail program lost, or a person who typed only the extension. A dot file has no extension
    to pathlib."""
    return name.lower() in (*SPREADSHEETS, ".zip")


def _has_extension(name: str) -> bool:
    """Whether ``name`` ends in what a program writes as an extension (``.xlsx``, ``.csv``), not a
    date or an abbreviation a person typed (``ต.ค.2567``, ``ร.ร.วัดไทร``)."""
    extension = PurePosixPath(name).suffix[1:]
    return extension.isascii() and extension.isalnum() and not extension.isdigit()


def _unzip(zip_name: str, data: bytes, config: ImapConfig, found: Extracted, room: int) -> list[tuple[str, bytes]]:
    """The spreadsheets of an attached zip (:func:`sheetsync.zipped.unzip_spreadsheets`), each read
    at most one byte past what may still be taken: ``room`` is what the message may still bring
    (:attr:`ImapConfig.max_message`), so the members held at once never pass it."""
    got = unzip_spreadsheets(zip_name, io.BytesIO(data), config.zip_limits, room)
    found.refused += got.refused
    found.others += got.others
    return got.spreadsheets


_megabytes = megabytes  # the name the mailer's modules know it by
