"""The office's store as the fetch's ledger: who sent each file, kept in the store of record.

:class:`StoreLedger` implements :class:`sheetsync.mailer.FetchLedger` over the store's
``messages`` and ``message_files`` tables. :meth:`StoreLedger.record` keeps a fetched message,
its files and its polite replies in ONE transaction, the replies queued in the store's outbox:
a run killed at any moment has either recorded the message and queued its reply (then it is sent
once, from the store), or neither (then the message is fetched and answered again next time).
A message already recorded (another run fetched it meanwhile, or its IMAP mark was lost) is
never answered twice.

A bounce of an e-mail to a school keeps whom it did not reach (``undelivered``) until a run's digest
lists it (:func:`undigested`, :func:`mark_digested`, in the transaction that queues the digest): a
run that stops between the fetch and its digest loses nothing, since the bounce is never fetched again.

An office that fetched with the JSON-lines ledger before (``inbox/.fetched.jsonl``) has those
messages taken into the store the first time (:meth:`StoreLedger.adopt`), so nothing is fetched
or answered again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Sequence

from ..crashpoint import crash_point
from ..mailer import FetchedFile, FetchedMessage, JsonlLedger, Refusal, wire_bytes
from .answered import DEFAULT_PER_DAY, Answer, take_turn
from .store import Store, now

#: The header naming a message's outbox file (see :mod:`sheetsync.mailer`).
NAME_HEADER = "X-Sheetsync-Name"
_COLUMNS = ("message_id, sender, sender_name, subject, date, refs, refused, others, replied, fetched_at, undelivered, "
            "automatic")


@dataclass
class StoreLedger:
    """A :class:`~sheetsync.mailer.FetchLedger` kept in the office's store.

    Example::

        with Store(office.store) as store:
            step = fetch_step(office.inbox, mail, imap=imap, ledger=StoreLedger(store))
    """

    store: Store
    run_id: int | None = None
    #: The office's ``[mail] answers_per_day``: a reply over it is recorded as withheld, not queued.
    answers_per_day: int = DEFAULT_PER_DAY

    def seen(self, message_id: str, sha256: str) -> bool:
        """True when this message (``sha256 == ""``) or this attachment of it was recorded."""
        if not sha256:
            return bool(self.store.query("SELECT 1 FROM messages WHERE message_id = ?", (message_id,)))
        return bool(self.store.query("SELECT 1 FROM message_files WHERE message_id = ? AND sha256 = ?",
                                     (message_id, sha256)))

    def sender_of(self, message_id: str) -> str | None:
        """The sender of the message recorded under ``message_id``, or None when there is none."""
        rows = self.store.query("SELECT sender FROM messages WHERE message_id = ?", (message_id,))
        return str(rows[0][0] or "") if rows else None

    def record(self, message: FetchedMessage, replies: Sequence[EmailMessage] = ()) -> int:
        """Keep ``message`` and its files, and queue ``replies`` in the store's outbox, in one transaction;
        returns how many replies were queued.

        A message already recorded only adds its new files: its replies are not queued again. A reply
        to an address the office has answered as often as it may today is not queued either
        (:mod:`sheetsync.office.answered`); the run's digest names the address.

        :raises StoreError: the store cannot be written.
        """
        with self.store.transaction() as db:
            known = bool(db.execute("SELECT 1 FROM messages WHERE message_id = ?", (message.message_id,)).fetchone())
            # A reply a restore took back from the outbox folder (outbox.adopt_from_disk) answered it already.
            answered = known or bool(db.execute("SELECT 1 FROM answers WHERE message_id = ? AND kind = 'reply' "
                                                "AND run_id IS NULL", (message.message_id,)).fetchone())
            replies = [] if answered else [r for r in replies if take_turn(self.store, Answer.to(
                r, message.message_id, "reply", per_day=self.answers_per_day), self.run_id)]
            message = replace(message, replied=bool(replies)) if message.replied and not replies else message
            if not known:
                db.execute(f"INSERT INTO messages ({_COLUMNS}, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (message.message_id, message.sender, message.sender_name, message.subject, message.date,
                            message.references, json.dumps([asdict(r) for r in message.refused], ensure_ascii=False),
                            json.dumps(list(message.others), ensure_ascii=False), int(message.replied),
                            message.fetched_at or now(), message.undelivered, int(message.automatic),
                            self.run_id))
            db.executemany("INSERT OR IGNORE INTO message_files (message_id, sha256, filename, path, size) "
                           "VALUES (?, ?, ?, ?, ?)",
                           [(message.message_id, f.sha256, f.filename, str(f.path), f.size) for f in message.files])
            for reply in replies:
                self.store.queue_mail(None, self.run_id, str(reply.get(NAME_HEADER) or "reply"),
                                      wire_bytes(reply))
        crash_point("fetch-recorded")
        return len(replies)

    def origin(self, sha256: str, name: str = "") -> FetchedMessage | None:
        """The latest recorded message that brought a file with this hash — the one whose file was
        saved into the inbox as ``name``, when one was: two messages can bring the same bytes (a
        teacher sending it again, the school's head sending it too), and each file is its own
        message's, so each message gets its own answer."""
        rows = self.store.query(f"SELECT {', '.join('m.' + c for c in _COLUMNS.split(', '))}, f.path "
                                "FROM message_files f JOIN messages m ON m.message_id = f.message_id "
                                "WHERE f.sha256 = ? ORDER BY f.id DESC", (sha256,))
        # The saved path as the fetch wrote it (relative or not): its name is what sync lists
        saved = [r for r in rows if name and Path(str(r[-1])).name == name]
        return self._message((saved or rows)[0]) if rows else None

    def sent_by_office(self, sha256: str) -> str | None:
        """The name under which the office mailed a spreadsheet with this hash (a marked-up copy), or None."""
        rows = self.store.query("SELECT name FROM sent_files WHERE sha256 = ?", (sha256,))
        return str(rows[0][0]) if rows else None

    def messages(self) -> list[FetchedMessage]:
        """Every recorded message, oldest first."""
        return [self._message(r) for r in self.store.query(f"SELECT {_COLUMNS} FROM messages ORDER BY rowid")]

    def adopt(self, old: JsonlLedger) -> int:
        """Take the messages of a JSON-lines ledger into the store (once: only while the store holds
        none); returns how many. Their replies were queued when they were fetched.

        :raises MailError: the old ledger cannot be read.
        """
        if not old.path.exists() or self.store.query("SELECT 1 FROM messages LIMIT 1"):
            return 0
        messages = old.messages()
        for message in messages:
            self.record(message)
        return len(messages)

    def _message(self, row: Any) -> FetchedMessage:
        files = tuple(FetchedFile(Path(f[0]), f[1], f[2], int(f[3] or 0)) for f in self.store.query(
            "SELECT path, filename, sha256, size FROM message_files WHERE message_id = ? ORDER BY id", (row[0],)))
        return FetchedMessage(message_id=row[0], sender=row[1], sender_name=row[2], subject=row[3], date=row[4],
                              references=row[5], files=files,
                              refused=tuple(Refusal(**r) for r in json.loads(row[6] or "[]")),
                              others=tuple(json.loads(row[7] or "[]")), replied=bool(row[8]), fetched_at=row[9],
                              undelivered=row[10], automatic=bool(row[11]))


def undigested(store: Store) -> list[tuple[str, str]]:
    """``(message_id, line)`` of each bounce of an e-mail to a school that no digest has listed yet,
    oldest first (the line says whom it did not reach and why)."""
    return [(str(r[0]), str(r[1])) for r in store.query(
        "SELECT message_id, undelivered FROM messages WHERE undelivered != '' AND digest_run IS NULL ORDER BY rowid")]


def mark_digested(store: Store, message_ids: Sequence[str], run_id: int) -> None:
    """Record that the digest of run ``run_id`` lists these bounces (inside the transaction that queues it)."""
    store.db.executemany("UPDATE messages SET digest_run = ? WHERE message_id = ?",
                         [(run_id, message_id) for message_id in message_ids])


def senders(store: Store, sha256s: Sequence[str]) -> dict[str, tuple[str, str]]:
    """``sha256 → (sender, date)`` of the latest message that brought each file (for ``history``)."""
    found: dict[str, tuple[str, str]] = {}
    for sha in set(sha256s):
        rows = store.query("SELECT m.sender, m.date FROM message_files f JOIN messages m ON m.message_id = f.message_id "
                           "WHERE f.sha256 = ? ORDER BY f.id DESC LIMIT 1", (sha,))
        if rows:
            found[sha] = (str(rows[0][0]), str(rows[0][1]))
    return found
