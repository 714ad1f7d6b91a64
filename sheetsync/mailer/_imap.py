"""Fetching returned files from the office's mailbox over IMAP (with IMAPClient).

For each message not yet marked as fetched: its spreadsheets (attachments, members of attached
zips) are saved into the inbox folder, the message is recorded in the ledger (with any polite
reply), and only then marked — keyword ``$SheetsyncFetched``, or moved to the done folder. A
crash before the mark leaves the message to the next run, where the ledger (Message-ID and
file hash) keeps every file from being saved twice; a lost or removed flag is repaired the same
way. Messages are read with ``BODY.PEEK``, so the office's mail client still shows them unread. A
server that keeps no keyword of ours (Exchange) gets no mark: the ledger alone says what is new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

from imapclient import IMAPClient

from ..address import bare_address, shown_address
from ..files import FolderNames, save_bytes
from ..limits import MAX_HEADER_BYTES
from ..messages import LANGS, both, render
from ..roster import safe_filename
from ._bounce import Bounce
from ..zipped import Refusal
from ._attachments import Extracted, _megabytes
from ..errors import MailError
from ._config import MailConfig, mail_error
from ._fetched import FetchedFile, FetchedMessage, FetchLedger
from ._headers import header_text, one_line
from ._thread import answers_our_reply, message_ids
from ._imap_config import ImapConfig
from ._imap_session import IMAP_ERRORS, clean, close, connect, mark_done, select
from ._reading import Reading, parse, read_message, unreadable
from ._sent import copies_back
from ._reply import (claims_to_be_ours, compose_fetch_reply, is_robot_or_list, must_not_answer, needs_reply,
                     sent_by_office)
from ._transport import free_path

KEYWORD = "$SheetsyncFetched"
_LOCK_PREFIXES = ("~$", ".~lock.")
_WHO = "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID FROM)]"  # what tells a message the ledger knows
_HEADER_BATCH = 500
_HEAD = f"BODY.PEEK[HEADER]<0.{MAX_HEADER_BYTES}>"


@dataclass
class FetchResult:
    """What one fetch did: messages recorded, files saved, replies queued, messages found again
    (their mark was lost) and re-marked, and one-line problems that did not stop the run."""

    messages: list[FetchedMessage] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)
    replies: int = 0
    again: int = 0
    problems: list[str] = field(default_factory=list)
    undelivered: list[str] = field(default_factory=list)  # whom our e-mail did not reach, from bounces

    def summary(self) -> str:
        """One line, Thai then English: ``"กล่องอีเมล: อีเมล 3 ฉบับ … / mailbox: 3 message(s), 4 file(s)
        saved, 1 reply(ies) queued"``, or ``"กล่องอีเมล: ไม่มีอีเมลใหม่ / mailbox: nothing new"``."""
        if not self.messages:
            return both("mailbox.nothing")
        return both("mailbox.fetched", messages=len(self.messages), files=len(self.saved), replies=self.replies)


def fetch(config: ImapConfig, inbox: Path, ledger: FetchLedger, *, mail: MailConfig | None = None,
          environ: Mapping[str, str] | None = None) -> FetchResult:
    """Fetch every new message of ``config.folder`` into ``inbox``.

    :param ledger: what was fetched before (:class:`JsonlLedger` or the office's store).
    :param mail: where replies come from (``from_addr``); without one no reply is written, and the
        office's own address is read from ``SHEETSYNC_MAIL_FROM`` (its e-mails are told by it).
    :param environ: where the password is read (``SHEETSYNC_IMAP_PASSWORD``); the process's
        environment by default.
    :raises MailError: the server cannot be reached, the login fails, the folder is missing,
        or the inbox or the ledger cannot be written.

    Example::

        result = fetch(ImapConfig.from_env(), Path("inbox"), JsonlLedger.in_inbox(Path("inbox"), Path("outbox")),
                       mail=MailConfig.from_env())
        print(result.summary())
    """
    password = config.password(environ)
    inbox.mkdir(parents=True, exist_ok=True)
    client = connect(config, password)
    result = FetchResult()
    try:
        keywords = b"\\*" in select(client, config.folder)
        criteria: list[Any] = ["NOT", "KEYWORD", KEYWORD] if keywords else ["ALL"]
        uids = client.search(criteria + (["SINCE", config.since] if config.since else []))
        new, known = (sorted(uids), []) if keywords else _not_in_ledger(client, uids, ledger)
        for uid in known if config.done_folder else []:  # recorded, not moved yet (a run stopped)
            mark_done(client, uid, None, config.done_folder)
            result.again += 1
        own = mail if mail is not None else _own_from_env(environ)
        names = FolderNames(inbox)  # listed once for the run, compared as Windows does (case folded)
        for uid in new:
            if _fetch_one(client, uid, config, names, ledger, mail, own, result):
                mark_done(client, uid, KEYWORD if keywords else None, config.done_folder)
        client.logout()
    except IMAP_ERRORS as exc:
        raise mail_error("imap.failed", host=config.host, why=clean(exc, password)) from exc
    finally:
        close(client)
    return result


def _not_in_ledger(client: IMAPClient, uids: list[int], ledger: FetchLedger) -> tuple[list[int], list[int]]:
    """The messages of ``uids`` the ledger does not know, and those it does, by their Message-ID and
    sender (two header fields each, read in batches).

    For a server that keeps no keyword of ours (Microsoft Exchange): ``\\Seen`` cannot say what was
    fetched, since the clerk reading a school's mail first in the mail program hid it from every
    fetch, and marking it read hid it from the clerk. A message without a Message-ID is read whole.
    """
    new: list[int] = []
    old: list[int] = []
    for start in range(0, len(uids), _HEADER_BATCH):
        batch = sorted(uids)[start:start + _HEADER_BATCH]
        heads = client.fetch(batch, [_WHO])
        for uid in batch:
            head = next((v for k, v in heads.get(uid, {}).items() if k.startswith(b"BODY[")), b"")
            try:
                parsed = parse(head if isinstance(head, bytes) else b"")
                message = _describe(parsed, b"")
                known = bool(message_ids(header_text(parsed, "Message-ID"))) and \
                    ledger.seen(ledger_key(message, ledger).message_id, "")
            except Exception:  # noqa: BLE001 - a header no parser expected: read whole, as any message is
                known = False
            (old if known else new).append(uid)
    return new, old


def _own_from_env(environ: Mapping[str, str] | None) -> MailConfig | None:
    """The office's own address from the environment, when no reply is written (``fetch INBOX`` with no
    outbox): the templates were sent from it (``sheetsync mail``), and only a message from it carrying our
    name header is the office's own; None when it is not set (or the settings are wrong)."""
    try:
        own = MailConfig.from_env(environ)
    except MailError:  # a wrong SMTP setting stops no fetch: no reply is written here
        return None
    return own if own.from_addr else None


def _fetch_one(client: IMAPClient, uid: int, config: ImapConfig, inbox: FolderNames, ledger: FetchLedger,
               mail: MailConfig | None, own: MailConfig | None, result: FetchResult) -> bool:
    """Take message ``uid``; False when it is gone (deleted or moved since the search listed it): it
    is then not recorded as a message of nothing from no one (a message still there comes next run).
    ``own`` tells the office's own address (``mail``'s, else the environment's)."""
    head = client.fetch([uid], ["RFC822.SIZE", _HEAD]).get(uid, {})
    # Only the header's first MAX_HEADER_BYTES: it is all a message over the limit is read for.
    header = next((v for k, v in head.items() if k.startswith(b"BODY[HEADER]") and isinstance(v, bytes)), b"")
    whole = int(head.get(b"RFC822.SIZE", 0)) <= config.max_message
    raw = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]") if whole and head else header
    if not head or not isinstance(raw, bytes):
        return False
    reading, message, silent = _read(raw, header, config, mail, own, whole, result)
    message = ledger_key(message, ledger)
    known = ledger.seen(message.message_id, "")
    if reading.kind == "bounce" and reading.bounce is not None:
        _take_bounce(reading.bounce, message, known, ledger, result)
    elif reading.kind in ("ours", "auto-reply"):
        _take_nothing(message, known, ledger, result, reading.kind)
    else:
        _take_return(reading.found, message, known, silent, inbox, ledger, mail, config, result)
    return True


def _read(raw: bytes, header: bytes, config: ImapConfig, mail: MailConfig | None, own: MailConfig | None,
          whole: bool, result: FetchResult) -> tuple[Reading, FetchedMessage, str]:
    """The message read: what it is and carries, its description, and whether it must not be answered.

    Never raises for what the message holds: one that cannot be read (a ``RecursionError`` in the
    email package, parts nested 1,000 deep …) is refused whole, with a one-line problem, so it is
    recorded and marked like any other and never stops the messages after it.
    """
    try:
        ours = None if own is None else (lambda parsed: sent_by_office(parsed, own, config.user))
        reading = read_message(raw, config, whole=whole, sent_by_office=ours)
        return reading, _describe(reading.parsed, raw), _silent(reading.parsed, mail, config.user)
    except Exception as exc:  # noqa: BLE001 - whatever the email package raises on one sender's message
        why = one_line(f"{type(exc).__name__}: {exc}", 120)
        thai = getattr(exc, "th", "")  # a message beyond our limits says which, Thai first
        why_th = f" ({one_line(thai, 120)})" if thai else ""
    try:
        reading = unreadable(header)
        message, silent = _describe(reading.parsed, raw), _silent(reading.parsed, mail, config.user)
    except Exception:  # noqa: BLE001 - not even its header: recorded bare, never answered
        reading = Reading(EmailMessage(), found=Extracted(refused=[Refusal("", "message-unreadable")]))
        message, silent = FetchedMessage(message_id=_made_up_id(raw), sender="", fetched_at=_now()), "automatic"
    result.problems.append(both("mailbox.unreadable", sender=one_line(message.sender) or "?", why=why,
                                    why_th=why_th))
    return reading, message, silent


def ledger_key(message: FetchedMessage, ledger: FetchLedger) -> FetchedMessage:
    """``message``, under an id of its own when the ledger knows its Message-ID from another sender.

    A Message-ID is only the sender's word: a stranger who sends first with the id a school's mail
    will carry (or reuses one) must not make the school's file part of the stranger's message, whose
    sender the school's report would then answer. The same message fetched again (its mark lost)
    has the same sender, so it is still known. The real id stays last in ``references``: the reply
    still threads in the sender's mail program.
    """
    first = ledger.sender_of(message.message_id)
    if first is None or first.lower() == message.sender.lower():
        return message
    mixed = f"{message.message_id} {message.sender.lower()}".encode("utf-8", errors="replace")
    return replace(message, message_id=f"<{hashlib.sha256(mixed).hexdigest()[:40]}@sheetsync.invalid>",
                   references=" ".join([*message_ids(message.references)[-9:], message.message_id]))


def _silent(parsed: EmailMessage, mail: MailConfig | None, mailbox: str = "") -> str:
    """Why a polite reply to ``parsed`` must not be written: ``own-address`` (it claims to come from the
    office's own address: spam, said as such to the clerk), ``automatic`` (RFC 3834), ``answers-reply``
    (it answers one of our replies: with no spreadsheet it gets no other, or robots write to each
    other for ever), or '' (it may be answered)."""
    if mail is not None and claims_to_be_ours(parsed, mail, mailbox):
        return "own-address"
    if mail is not None and must_not_answer(parsed, mail):
        return "automatic"
    return "answers-reply" if answers_our_reply(parsed) else ""


def _take_bounce(bounce: Bounce, message: FetchedMessage, known: bool, ledger: FetchLedger,
                 result: FetchResult) -> None:
    if known:
        result.again += 1
        return
    # The failed school address is kept with the message until a digest lists it: the run
    # may stop before its digest, and the bounce is never fetched again.
    message = replace(message, undelivered=bounce.line() if bounce.about_a_school else "")
    ledger.record(message, [])
    result.messages.append(message)
    _note_bounce(bounce, message, result)


def _take_nothing(message: FetchedMessage, known: bool, ledger: FetchLedger, result: FetchResult, what: str) -> None:
    """Record a message nothing is taken from and that is never answered (our own, an auto-reply); note it."""
    if known:
        result.again += 1
        return
    ledger.record(message, [])
    result.messages.append(message)
    result.problems.append(both(f"mailbox.{what}", sender=one_line(message.sender) or "?",
                                subject=repr(one_line(message.subject, 120))))


def _take_return(found: Extracted, message: FetchedMessage, known: bool, silent: str, inbox: FolderNames,
                 ledger: FetchLedger, mail: MailConfig | None, config: ImapConfig, result: FetchResult) -> None:
    files, ours = [], []
    for name, data in found.spreadsheets:
        digest = hashlib.sha256(data).hexdigest()
        if ledger.sent_by_office(digest) is not None:  # the office's own copy, mailed back unchanged
            ours.append(name)
        elif not ledger.seen(message.message_id, digest):
            files.append(FetchedFile(_save(inbox, name, data), name, digest, len(data)))
    if known and not files:
        result.again += 1
        return
    back, note = copies_back(ours, message.sender, message.references, taken=bool(files) or known)
    result.problems += [note] if note else []
    silent = "copy-back" if ours and not (files or back) else silent
    # The office's own copies are no "other attachment not checked": known for what they are, they are
    # refused as such (back) or, beside her fix, no matter to her (and noted for the clerk)
    message = replace(message, files=tuple(files), refused=() if known else tuple(found.refused) + tuple(back),
                      others=tuple(found.others))
    replies = [] if known else _answer(message, silent, mail, config, result)
    message = replace(message, replied=bool(replies))
    queued = ledger.record(message, replies)
    result.messages.append(message)
    result.saved += [f.path for f in files]
    result.replies += queued
    if queued < len(replies):  # the store's daily limit of answers to one address (RFC 3834 §2)
        result.problems.append(both("mailbox.withheld", sender=one_line(message.sender) or "?"))


def _answer(message: FetchedMessage, silent: str, mail: MailConfig | None, config: ImapConfig,
            result: FetchResult) -> list[EmailMessage]:
    """The polite reply ``message`` needs, if any can and may be written (else a one-line problem)."""
    sender = one_line(message.sender) or "?"
    if not needs_reply(message):
        return []
    if mail is None or not mail.from_addr:
        result.problems.append(both("mailbox.no-reply-possible", sender=sender))
    elif silent == "copy-back":
        pass  # noted for the clerk already (copies_back)
    elif silent in ("automatic", "own-address"):
        result.problems.append(both(f"mailbox.{silent}", sender=sender))
    elif silent == "answers-reply" and not message.files:
        result.problems.append(both("mailbox.answers-reply", sender=sender, subject=repr(one_line(message.subject, 120))))
    else:
        try:
            return [compose_fetch_reply(message, mail, _megabytes(config.max_attachment))]
        except MailError as exc:
            result.problems.append(cannot_answer(sender, exc))
    return []


def cannot_answer(sender: str, exc: MailError) -> str:
    """The clerk's line for a ``sender`` no answer can be written to, Thai first, each half saying why in its
    own language (``exc.th``, when known: an address the office cannot use, say)."""
    return " / ".join(render("mailbox.cannot-answer", lang, source="office.yaml", sender=sender,
                             why=exc.th if lang == "th" and exc.th else exc) for lang in LANGS)


def _note_bounce(bounce: Bounce, message: FetchedMessage, result: FetchResult) -> None:
    """Say what a bounce means: a school's address to check (also listed in the digest), the digest's
    own address, or nothing to act on (a delay, a polite reply to a stranger, an unreadable report)."""
    sender = one_line(message.sender) or "?"
    if bounce.about_a_school:
        result.undelivered.append(bounce.line())
        result.problems.append(both("mailbox.bounce-school", sender=sender, whom=bounce.line()))
    elif bounce.failed and bounce.what == "digest":
        result.problems.append(both("mailbox.bounce-digest", sender=sender, whom=bounce.line()))
    elif bounce.delayed:
        result.problems.append(both("mailbox.delayed", sender=sender, what=bounce.what or "?"))
    else:
        result.problems.append(both("mailbox.bounce-for" if bounce.failed else "mailbox.bounce", sender=sender,
                                    subject=repr(one_line(message.subject, 120)), whom=bounce.line()))


def _describe(parsed: EmailMessage, raw: bytes) -> FetchedMessage:
    ids = message_ids(header_text(parsed, "Message-ID"))
    message_id = ids[0] if ids else _made_up_id(raw)
    senders = getaddresses([header_text(parsed, "From")])
    name, address = senders[0] if senders else ("", "")
    try:
        date = parsedate_to_datetime(header_text(parsed, "Date")).isoformat()
    except (TypeError, ValueError, IndexError):
        date = ""
    # Recorded and compared with the roster as people read it: a .ไทย domain in Thai, whether it came as xn--.
    address = shown_address(unicodedata.normalize("NFC", bare_address(address)))
    return FetchedMessage(message_id=message_id, sender=address if "@" in address else "", sender_name=one_line(name),
                          subject=one_line(header_text(parsed, "Subject"), 300), date=date,
                          references=" ".join(message_ids(header_text(parsed, "References", tail=True))[-10:]),
                          fetched_at=_now(), automatic=is_robot_or_list(parsed))


def _made_up_id(raw: bytes) -> str:
    """A Message-ID for a message without a usable one, made from its bytes: the same at every run."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@sheetsync.invalid>"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _save(inbox: FolderNames, name: str, data: bytes) -> Path:
    """Write ``data`` into the inbox under a safe name unused in any case (atomically: a dot file, then a rename)."""
    pure = PurePosixPath(name)
    stem = _without_lock_prefix(pure.stem)
    try:
        # Synced to disk before the message is marked done in the mailbox: it is never fetched again.
        return save_bytes(inbox.folder, data, lambda: free_path(inbox, safe_filename(stem, ""), pure.suffix.lower()),
                          durable=True)
    except OSError as exc:
        raise mail_error("imap.cannot-save", inbox=inbox.folder, name=repr(one_line(name)), why=exc.strerror or exc) from exc


def _without_lock_prefix(stem: str) -> str:
    """``stem`` without the prefix of a lock file's name (Excel's ``~$``, LibreOffice's ``.~lock.``):
    sync passes over files so named, so a school's file sent under one would lie in the inbox for
    ever, unread and unanswered. Saved under its plain name it is checked (and answered) as any other."""
    while stem.startswith(_LOCK_PREFIXES):
        stem = next(stem[len(p):] for p in _LOCK_PREFIXES if stem.startswith(p))
    return stem
