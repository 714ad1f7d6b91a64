"""What fetching records: each message fetched, the files it brought, and the ledger that knows them.

The ledger is an interface (:class:`FetchLedger`) so that the office's store can keep this record
in its own transactions; :class:`JsonlLedger` is the simple implementation used until then: one
JSON line per fetched message in ``INBOX/.fetched.jsonl`` (a dot file, so ``sync`` ignores it).
It holds addresses, subjects, Message-IDs, file names and hashes — never a password.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol, Sequence

from ._attachments import Refusal
from ._config import MailError
from ._headers import Thread
from ._transport import OutboxMailer

LEDGER_NAME = ".fetched.jsonl"


@dataclass(frozen=True)
class FetchedFile:
    """One spreadsheet saved into the inbox: its path there, its name as sent, hash and size."""

    path: Path
    filename: str
    sha256: str
    size: int


@dataclass(frozen=True)
class FetchedMessage:
    """One message taken from the mailbox and what became of it.

    ``message_id`` is the message's own (or, when it has none, one made from its content, the
    same at every run). ``replied`` says a polite reply was queued (no spreadsheet, or a refusal).
    """

    message_id: str
    sender: str
    sender_name: str = ""
    subject: str = ""
    date: str = ""
    references: str = ""
    files: tuple[FetchedFile, ...] = ()
    refused: tuple[Refusal, ...] = ()
    others: tuple[str, ...] = ()
    replied: bool = False
    fetched_at: str = ""

    @property
    def thread(self) -> Thread:
        """The message as something to reply to."""
        return Thread(self.message_id, self.subject, self.references, self.sender, self.sender_name)

    def as_json(self) -> dict[str, Any]:
        """The message as one JSON object (paths as text)."""
        data = asdict(self)
        data["files"] = [{**f, "path": str(f["path"])} for f in data["files"]]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FetchedMessage:
        """The inverse of :meth:`as_json`."""
        files = tuple(FetchedFile(Path(f["path"]), f["filename"], f["sha256"], int(f["size"])) for f in data["files"])
        refused = tuple(Refusal(**r) for r in data.get("refused", []))
        plain = {k: v for k, v in data.items() if k not in ("files", "refused", "others")}
        return cls(**plain, files=files, refused=refused, others=tuple(data.get("others", [])))


class FetchLedger(Protocol):
    """What fetching needs from the office's record (the store implements the same three calls).

    ``seen(message_id, "")`` asks whether the message was handled at all; ``seen(message_id,
    sha256)`` whether that attachment of it was already saved. ``record`` keeps a message and
    queues its ``replies`` — together, where the record allows it. ``origin`` finds the message
    that brought a file (by its hash), so the report on it can answer in the thread.
    """

    def seen(self, message_id: str, sha256: str) -> bool:
        """True when this message (``sha256 == ""``) or this attachment of it was recorded."""

    def record(self, message: FetchedMessage, replies: Sequence[EmailMessage] = ()) -> None:
        """Keep ``message`` and queue ``replies``."""

    def origin(self, sha256: str) -> FetchedMessage | None:
        """The latest recorded message that brought a file with this hash."""


@dataclass
class JsonlLedger:
    """A :class:`FetchLedger` in a JSON-lines file; replies go to ``outbox`` as ``.eml`` files.

    Replies are written before the line, so a crash between the two can queue a reply twice
    (never lose it); the office's store will do both in one transaction.
    """

    path: Path
    outbox: Path | None = None
    _messages: list[FetchedMessage] | None = field(default=None, repr=False)

    @classmethod
    def in_inbox(cls, inbox: Path, outbox: Path | None = None) -> JsonlLedger:
        """The ledger kept as ``inbox/.fetched.jsonl``."""
        return cls(inbox / LEDGER_NAME, outbox)

    def messages(self) -> list[FetchedMessage]:
        """Every recorded message, oldest first.

        :raises MailError: the file cannot be read or a line is not a record.
        """
        if self._messages is None:
            self._messages = []
            try:
                lines = self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []
            except OSError as exc:
                raise MailError(f"{self.path}: cannot read ({exc.strerror or exc})") from exc
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    self._messages.append(FetchedMessage.from_json(json.loads(line)))
                except (ValueError, KeyError, TypeError) as exc:
                    if number == len(lines):  # a line cut by a crash: the message is fetched again
                        continue
                    raise MailError(f"{self.path}, line {number}: not a fetch record ({exc})") from exc
        return self._messages

    def seen(self, message_id: str, sha256: str) -> bool:
        """See :class:`FetchLedger`."""
        for message in self.messages():
            if message.message_id == message_id and (not sha256 or any(f.sha256 == sha256 for f in message.files)):
                return True
        return False

    def record(self, message: FetchedMessage, replies: Sequence[EmailMessage] = ()) -> None:
        """Queue ``replies`` in the outbox, then append ``message`` (flushed to disk).

        :raises MailError: there are replies but no outbox, or a file cannot be written.
        """
        if replies and self.outbox is None:
            raise MailError("a reply must be queued but no outbox is configured (SHEETSYNC_MAIL_OUTBOX)")
        for reply in replies:
            OutboxMailer(self.outbox or Path()).write(reply)
        line = json.dumps(message.as_json(), ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise MailError(f"{self.path}: cannot record the fetched message ({exc.strerror or exc})") from exc
        self.messages().append(message)

    def origin(self, sha256: str) -> FetchedMessage | None:
        """See :class:`FetchLedger`."""
        return next((m for m in reversed(self.messages()) if any(f.sha256 == sha256 for f in m.files)), None)
