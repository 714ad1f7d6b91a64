"""The spreadsheets the office itself mailed (a report's marked-up copy), known again by their bytes.

A school that forwards the office's report keeps its attachment (Gmail and Outlook both do) and adds
its corrected file beside it, or forgets to. Read as a return, the office's copy would be checked
again: a second report, "1 item to fix", about the office's own file — after the corrected file's
"valid" when it came second — and a refused version in the record. The copy comes back byte for byte
(a mail program re-encodes, never changes, an attachment), so its SHA-256 tells it; a copy the school
opened, mended and saved is a new file, and is read as its return.

A copy that put right all its file had wrong (an inserted row taken out, a label typed over restored: it
has no error left when read) is the one thing the answer asks her to send back, as it is: the answer lists
it as ready (``X-Sheetsync-Ready``), and it is not counted as the office's own.
"""

from __future__ import annotations

import hashlib
from email import message_from_bytes
from email.message import Message
from email.policy import default
from pathlib import Path, PurePosixPath

from ..messages import both
from ..zipped import SPREADSHEETS, Refusal
from ._compose import READY_HEADER
from ._headers import one_line
from ._transport import pending

#: What a mail naming a spreadsheet attachment holds, as bytes (plain or RFC 2231-encoded names alike):
#: a mail without it (a polite reply, a digest) is not parsed.
_SPREADSHEET_MARKS = (b".xls", b".ods")


def attached_spreadsheets(raw: bytes) -> dict[str, str]:
    """SHA-256 → file name of every spreadsheet attached to the mail ``raw`` (one the office wrote), but
    those its ``X-Sheetsync-Ready`` header lists: ready to be sent back as they are, such a copy is a return."""
    if not any(mark in raw for mark in _SPREADSHEET_MARKS):
        return {}
    found: dict[str, str] = {}
    message: Message = message_from_bytes(raw, policy=default)
    ready = set(str(message.get(READY_HEADER) or "").split())
    for part in message.walk():
        name = part.get_filename()
        if part.is_multipart() or not name or PurePosixPath(name.lower()).suffix not in SPREADSHEETS:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and (digest := hashlib.sha256(payload).hexdigest()) not in ready:
            found[digest] = name
    return found


def sent_from_folder(outbox: Path) -> dict[str, str]:
    """:func:`attached_spreadsheets` of every mail in the outbox folder and its ``sent/``."""
    found: dict[str, str] = {}
    folders = [folder for folder in (outbox, outbox / "sent") if folder.is_dir()]
    for path in [path for folder in folders for path in pending(folder)]:
        try:
            found.update(attached_spreadsheets(path.read_bytes()))
        except OSError:
            continue  # a mail moved to sent/ meanwhile: read there, or by the next run
    return found


def copies_back(ours: list[str], sender: str, references: str, *, taken: bool) -> tuple[list[Refusal], str]:
    """What the office's own copies ``ours``, mailed back unchanged by ``sender`` in a message with
    ``references``, are to its reply, and the note for the clerk ('' for none).

    Beside a file that was ``taken`` (the school's corrected file) they are no matter. Alone, the school
    is told what it sent — only in a thread (a reply or a forward of the office's report: ``References``):
    a robot echoing our report in a new message would get that answer every run (the answer's own echo
    bringing the next), so it is only noted.
    """
    if not ours or taken:
        return [], ""
    note = both("mailbox.copy-back", sender=one_line(sender) or "?", names=one_line(", ".join(ours), 200))
    return ([Refusal(name, "ours") for name in ours] if references else []), note
