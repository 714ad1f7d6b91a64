"""What fetching records: each message fetched, the files it brought, and the ledger that knows them.

The ledger is an interface (:class:`FetchLedger`) so that the office's store can keep this record
in its own transactions (:class:`sheetsync.office.mailbox.StoreLedger`); :class:`JsonlLedger` is
the simple implementation used without an office: one
JSON line per fetched message in ``INBOX/.fetched.jsonl`` (a dot file, so ``sync`` ignores it).
It holds addresses, subjects, Message-IDs, file names and hashes — never a password.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, BinaryIO, Protocol, Sequence

from ..zipped import Refusal
from ._headers import Thread
from ._sent import sent_from_folder
from ._transport import OutboxMailer, mailbox_error

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
    ``undelivered`` is, for a bounce of an e-mail to a school, whom it did not reach and why
    (:meth:`sheetsync.mailer._bounce.Bounce.line`), for the digest. ``automatic``: a machine or a
    list sent it (:func:`sheetsync.mailer._reply.is_robot_or_list`), so nothing answers its sender.
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
    undelivered: str = ""
    automatic: bool = False

    @property
    def thread(self) -> Thread:
        """The message as something to reply to."""
        return Thread(self.message_id, self.subject, self.references, self.sender, self.sender_name, self.automatic,
                      self.others)

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
    """What fetching needs from the office's record (the store implements the same four calls).

    ``seen(message_id, "")`` asks whether the message was handled at all; ``seen(message_id,
    sha256)`` whether that attachment of it was already saved; ``sender_of`` who sent the message
    recorded under an id (another sender's message with the same id is another message, see
    :func:`sheetsync.mailer._imap.ledger_key`). ``record`` keeps a message and
    queues its ``replies`` — together, where the record allows it. ``origin`` finds the message
    that brought a file (by its hash), so the report on it can answer in the thread.
    """

    def seen(self, message_id: str, sha256: str) -> bool:
        """True when this message (``sha256 == ""``) or this attachment of it was recorded."""

    def sender_of(self, message_id: str) -> str | None:
        """The sender of the message recorded under ``message_id``, or None when there is none."""

    def record(self, message: FetchedMessage, replies: Sequence[EmailMessage] = ()) -> int:
        """Keep ``message`` and queue ``replies``; returns how many were queued (the store withholds
        those to an address it answered as often as it may today)."""

    def origin(self, sha256: str, name: str = "") -> FetchedMessage | None:
        """The latest recorded message that brought a file with this hash — the one whose file was
        saved into the inbox as ``name``, when one was (two messages can bring the same bytes: each
        file is its own message's)."""

    def sent_by_office(self, sha256: str) -> str | None:
        """The name under which the office itself mailed a spreadsheet with this hash (a report's
        marked-up copy), or None: mailed back unchanged, it is no return (:mod:`._sent`)."""


@dataclass
class JsonlLedger:
    """A :class:`FetchLedger` in a JSON-lines file; replies go to ``outbox`` as ``.eml`` files.

    Replies are written before the line, so a crash between the two can queue a reply twice
    (never lose it); the office's store does both in one transaction.
    """

    path: Path
    outbox: Path | None = None
    _messages: list[FetchedMessage] | None = field(default=None, repr=False)
    _by_id: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _by_hash: dict[str, FetchedMessage] = field(default_factory=dict, repr=False)
    _by_saved: dict[tuple[str, str], FetchedMessage] = field(default_factory=dict, repr=False)
    _senders: dict[str, str] = field(default_factory=dict, repr=False)
    _sent: dict[str, str] | None = field(default=None, repr=False)

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
                raise mailbox_error("ledger.unreadable", path=self.path, why=exc.strerror or exc) from exc
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    self._add(FetchedMessage.from_json(json.loads(line)))
                except (ValueError, KeyError, TypeError) as exc:
                    if number == len(lines):  # a line cut by a crash: the message is fetched again
                        continue
                    raise mailbox_error("ledger.bad-line", path=self.path, line=number, why=exc) from exc
        return self._messages

    def _add(self, message: FetchedMessage) -> None:
        assert self._messages is not None
        self._messages.append(message)
        self._by_id.setdefault(message.message_id, set()).update(f.sha256 for f in message.files)
        self._senders.setdefault(message.message_id, message.sender)
        self._by_hash.update((f.sha256, message) for f in message.files)
        self._by_saved.update(((f.sha256, f.path.name), message) for f in message.files)

    def _index(self) -> tuple[dict[str, set[str]], dict[str, FetchedMessage]]:
        self.messages()
        return self._by_id, self._by_hash

    def seen(self, message_id: str, sha256: str) -> bool:
        """See :class:`FetchLedger`."""
        hashes = self._index()[0].get(message_id)
        return hashes is not None and (not sha256 or sha256 in hashes)

    def sender_of(self, message_id: str) -> str | None:
        """See :class:`FetchLedger`."""
        self.messages()
        return self._senders.get(message_id)

    def record(self, message: FetchedMessage, replies: Sequence[EmailMessage] = ()) -> int:
        """Queue ``replies`` in the outbox, then append ``message`` (flushed to disk); returns how
        many replies were queued (all of them: this ledger keeps no count of answers).

        :raises MailError: there are replies but no outbox, or a file cannot be written.
        """
        if replies and self.outbox is None:
            raise mailbox_error("ledger.no-outbox")
        for reply in replies:
            OutboxMailer(self.outbox or Path()).write(reply)
        line = json.dumps(message.as_json(), ensure_ascii=False, allow_nan=False).encode("utf-8") + b"\n"
        self.messages()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+b") as out:
                _drop_torn_tail(out)
                out.write(line)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise mailbox_error("ledger.not-written", path=self.path, why=exc.strerror or exc) from exc
        self._add(message)
        return len(replies)

    def origin(self, sha256: str, name: str = "") -> FetchedMessage | None:
        """See :class:`FetchLedger`."""
        latest = self._index()[1].get(sha256)
        return self._by_saved.get((sha256, name), latest) if name else latest

    def sent_by_office(self, sha256: str) -> str | None:
        """See :class:`FetchLedger`: the spreadsheets attached to the mails of the outbox folder (read
        once per ledger, when a message first brings a spreadsheet)."""
        if self._sent is None:
            self._sent = sent_from_folder(self.outbox) if self.outbox is not None else {}
        return self._sent.get(sha256)


def _drop_torn_tail(out: BinaryIO) -> None:
    """Cut a last line left without its newline by a crash (its message was never recorded)."""
    end = out.seek(0, os.SEEK_END)
    if end == 0:
        return
    out.seek(max(end - 1, 0))
    if out.read(1) == b"\n":
        return
    out.seek(0)
    kept = out.read().rfind(b"\n") + 1
    out.truncate(kept)
    out.seek(kept)
