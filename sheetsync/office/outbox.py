"""E-mails leave the store exactly once: written to the outbox folder under a name fixed by their id,
then sent and marked sent one by one.

Writing is idempotent (the same id always gives the same file name, and the file is replaced
atomically), so a run killed between writing a message and marking it written writes the same
file again, never a second copy.

That makes the numbering the store's alone to give: a store restored from a backup
(``sheetsync restore``) would give again the numbers of the mails written after the backup, and
writing a new mail under such a number replaces the file of the old one in ``sent/``.
:func:`adopt_from_disk` takes those files back into the store first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email import message_from_bytes
from email.parser import BytesHeaderParser
from email.policy import default
from email.message import EmailMessage, Message
from email.utils import getaddresses
from pathlib import Path

from ..crashpoint import crash_point
from ..errors import OutputError
from ..mailer import (OUTGOING, Mailer, MailError, SendError, SendResult, free_path, pending, read_message,
                      without_name)
from ..files import FolderNames, replace, save_bytes
from ..messages import render
from ..roster import safe_filename
from .store import Store, now

SENT_DIR = "sent"

#: The header naming the file (its SHA-256) an e-mail answers: after a restore, the file read again is
#: known as answered by the mail on disk (:func:`adopt_from_disk`), not answered a second time.
FILE_HEADER = "X-Sheetsync-File"

_NUMBERED = re.compile(r"(\d{6,})-.+\.eml")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def mail_path(folder: Path, mail_id: int, name: str) -> Path:
    """The outbox file of mail ``mail_id``: ``000042-<name>.eml``."""
    return folder / safe_filename(f"{mail_id:06d}-{name}", ".eml")


def flush_outbox(store: Store, folder: Path) -> list[Path]:
    """Write every queued mail not yet written into ``folder``; returns the paths written. An e-mail
    carrying the answers on several files of one message first takes the place of any of their own
    e-mails a killed run left there unmarked (:func:`_drop_own_copies`).

    :raises OutputError: ``folder`` refuses the files (read-only, a full disk), naming the folder
        (in English, and in Thai as ``th``); what is not written stays queued in the store.
    """
    written = []
    take_sent_by_hand(store, folder)
    for mail_id, name, message, _ in store.mails("written"):
        _drop_own_copies(store, folder, mail_id)
        try:
            path = save_bytes(folder, message, lambda: mail_path(folder, mail_id, name))
        except OSError as exc:  # named by the folder: the hidden temporary file tells the clerk nothing
            raise _not_written(folder, exc) from exc
        crash_point("mail-written")
        store.mark_mail(mail_id, "written", str(path))
        written.append(path)
    return written


def take_sent_by_hand(store: Store, folder: Path) -> int:
    """Mark written and sent each queued e-mail a run killed before marking it written left in ``folder``
    and that was sent since by hand (``sheetsync mail outbox --send`` moved it, byte for byte, into
    ``sent/``); returns how many. Written again, or joined by the answer on another file of its message
    (office/joining.py: call this before any file is recorded), it would be sent a second time.

    Only the very bytes queued count: a file of that number and name in ``sent/`` that says anything
    else (a store restored, an e-mail made again since) is not taken for it — told twice, never untold.
    """
    taken = 0
    for mail_id, name, message, _ in store.mails("written"):
        path = mail_path(folder, mail_id, name)
        sent = folder / SENT_DIR / path.name
        try:
            if path.exists() or not sent.is_file() or sent.read_bytes() != message:
                continue
        except OSError:  # unreadable now: looked at again by the next run, before it writes the e-mail
            continue
        store.mark_mail(mail_id, "written", str(path))
        store.mark_mail(mail_id, "sent")
        taken += 1
    return taken


def _drop_own_copies(store: Store, folder: Path, carrier: int) -> None:
    """Delete the own e-mail of each answer ``carrier`` now carries (office/joining.py) that a run killed
    before marking it written left in ``folder``: beside the e-mail that carries it, it would be sent too
    (:func:`send_others`), and the school answered twice. Only a row never marked written is carried."""
    for carried, name in store.query("SELECT id, name FROM outbox WHERE carried_by = ?", (carrier,)):
        try:
            mail_path(folder, int(carried), str(name)).unlink(missing_ok=True)
        except OSError as exc:  # held open: the next run tries again, before it writes the carrier
            raise _not_written(folder, exc) from exc


def _not_written(folder: Path, exc: OSError) -> OutputError:
    """The outbox ``folder`` refusing a file, in one line naming it (English, and Thai as ``th``)."""
    why = str(exc.strerror or exc)
    return OutputError(render("outbox.not-written", "en", source="office.yaml", folder=folder, why=why),
                       th=render("outbox.not-written", "th", source="office.yaml", folder=folder, why=why))


def send_from_store(store: Store, folder: Path, mailer: Mailer) -> SendResult:
    """Send every written mail not yet sent; mark each sent and move its file into ``folder/sent``.

    The outbox folder says what is still pending: a message whose file is already in ``sent/``
    (sent with ``sheetsync mail --send``) is only marked, and one whose file a person deleted is
    not sent.
    """
    result = SendResult()
    for mail_id, name, message, written in store.mails("sent"):
        # Written into this outbox under its own name: look for it here, not at the absolute path
        # recorded then, which an office folder moved or copied since no longer is (or is another's).
        path = folder / Path(written).name if written else mail_path(folder, mail_id, name)
        if (folder / SENT_DIR / path.name).exists() and not path.exists():
            store.mark_mail(mail_id, "sent")
            continue
        if not path.exists():
            continue
        if result.stopped:  # counted, not tried: each try would fail alike (and may lock the account)
            result.not_tried += 1
            continue
        outcome = _send(mailer, path, lambda: _parse(message), folder / SENT_DIR, result)
        if outcome == "sent":
            store.mark_mail(mail_id, "sent")
        result.stopped = outcome == "stop"
    return result


def send_others(store: Store, folder: Path, mailer: Mailer) -> SendResult:
    """Send the messages waiting in ``folder`` that the store did not queue (answers written by the
    mailbox fetch, say); each sent one moves into ``folder/sent``."""
    result = SendResult()
    known = store.written_names()
    earlier = FolderNames(folder / SENT_DIR)  # listed once: sent/ holds years of mail
    for path in pending(folder) if folder.is_dir() else []:
        if path.name in known:
            continue
        if result.stopped:
            result.not_tried += 1
        else:
            # Named by what they carry ("template s1.eml" every month): last month's sent copy is kept
            sent = _send(mailer, path, lambda: read_message(path), folder / SENT_DIR, result, earlier)
            result.stopped = sent == "stop"
    return result


def count_others(store: Store, folder: Path) -> int:
    """How many messages wait in ``folder`` that the store did not queue (what :func:`send_others` sends)."""
    known = store.written_names()
    return sum(1 for path in (pending(folder) if folder.is_dir() else []) if path.name not in known)


def _send(mailer: Mailer, path: Path, load: Callable[[], EmailMessage], sent: Path, result: SendResult,
          keep_earlier: FolderNames | None = None) -> str:
    """Send the message of outbox file ``path``: ``"sent"`` (its file moved into ``sent``; also when
    the server refused some of its recipients, said in ``result``),
    ``"failed"`` (said in ``result``, the next may go), or ``"stop"`` (the server cannot be used).
    ``keep_earlier`` (the names of ``sent``): a file of the same name there, in any case, stays, this one
    is numbered (``-2``)."""
    try:
        mailer.send(load())
    except SendError as exc:
        result.failed.append((path, exc.reason))
        if exc.delivered:  # some recipients have it: sent again, they would get it at every run
            result.sent.append(_archive(path, sent, keep_earlier))
            return "sent"
        return "stop" if exc.fatal else "failed"
    except MailError as exc:  # a file in the folder that is not a message we can send
        result.failed.append((path, without_name(exc, path.name)))
        return "failed"
    result.sent.append(_archive(path, sent, keep_earlier))
    return "sent"


def _parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, _class=EmailMessage, policy=OUTGOING)
    assert isinstance(message, EmailMessage)
    return message


def _archive(path: Path, sent: Path, keep_earlier: FolderNames | None = None) -> Path:
    if not path.exists():
        return path
    sent.mkdir(parents=True, exist_ok=True)
    dest = free_path(keep_earlier, path.stem, path.suffix) if keep_earlier is not None else sent / path.name
    replace(path, dest)
    return dest


def answered_alike(store: Store, sha256: str, name: str, message: bytes) -> bool:
    """Whether a mail taken back from disk (:func:`adopt_from_disk`) that names no file already says what
    ``message`` says — the same ``X-Sheetsync-Name`` (school and file), the same text and HTML, attachments
    of the same names — and if so, take it as the answer to the file ``sha256`` (call it inside the file's
    transaction; each such mail answers one file).

    A report written by a sheetsync older than :data:`FILE_HEADER` does not name its file, and nothing
    else ties it to the file's bytes: the marked-up copy it attaches is not the file, the message it
    answered (``In-Reply-To``) was recorded in the store that was lost, and a file's name is not its own
    (two versions arrive as ``s2.xlsx``). So it is not matched to a file, only to an answer: a file read
    again after the restore whose new report would say, word for word, what the school was already sent
    is not answered a second time. Anything that makes the wording differ (the roster or the office's
    texts changed since, findings against the store that depend on the order files are read in) sends
    it again, as before: a school may be told twice, never left untold.
    """
    mine = _said(message)
    for mail_id, data in store.db.execute("SELECT id, message FROM outbox WHERE run_id IS NULL AND sha256 IS NULL "
                                          "AND name = ? ORDER BY id", (name,)).fetchall():
        if _said(bytes(data)) == mine:
            store.db.execute("UPDATE outbox SET sha256 = ? WHERE id = ?", (sha256, mail_id))
            return True
    return False


def _said(data: bytes) -> tuple[tuple[str, str], ...]:
    """What a mail says to its reader: its name, each text part's type and words, each attachment's name
    (not its bytes: a marked-up workbook written twice differs in its timestamps). Not its subject nor its
    addresses: an answer in the school's thread is ``Re:`` its subject, to its sender."""
    message = message_from_bytes(data, _class=EmailMessage, policy=default)
    assert isinstance(message, EmailMessage)
    said = [("name", str(message.get("X-Sheetsync-Name") or ""))]
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if filename is not None:
            said.append(("attachment", filename))
        elif part.get_content_maintype() == "text":
            said.append((part.get_content_type(), str(part.get_content())))
    return tuple(said)


def adopt_from_disk(store: Store, folder: Path) -> tuple[int, int]:
    """Take into the store every mail file of ``folder`` and ``folder/sent`` numbered past the store's
    outbox (written by a store since lost, after the backup it was restored from); returns
    ``(sent, waiting)``.

    Each keeps its number, so the next mail is numbered past every file on disk and never replaces
    one; one in ``sent/`` is recorded as sent, one still waiting is sent by the next ``--send``. The
    file an e-mail answers (:data:`FILE_HEADER`) is kept with it: read again, it is not answered again.
    """
    last = int(store.query("SELECT COALESCE(MAX(id), 0) FROM outbox")[0][0])
    found: dict[int, tuple[Path, bool]] = {}
    for where, sent in ((folder, False), (folder / SENT_DIR, True)):
        for path in sorted(where.iterdir()) if where.is_dir() else []:
            match = _NUMBERED.fullmatch(path.name)
            if match and int(match[1]) > last and path.is_file() and not path.is_symlink():
                found[int(match[1])] = (path, sent)  # sent/ is looked at last: a copy left waiting was sent
    with store.transaction() as db:
        for number, (path, sent) in sorted(found.items()):
            data = path.read_bytes()
            headers = BytesHeaderParser(policy=default).parsebytes(data)
            # An e-mail carrying the answers on several files of one message names each (office/joining.py)
            shas = [s for s in (str(v).strip() for v in headers.get_all(FILE_HEADER) or []) if _SHA256.fullmatch(s)]
            sha = shas[0] if shas else ""
            name = str(headers.get("X-Sheetsync-Name") or path.stem.split("-", 1)[1])
            db.execute("INSERT INTO outbox (id, sha256, run_id, name, message, queued_at, written_at, written_path, "
                       "sent_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                       (number, sha if _SHA256.fullmatch(sha) else None, name, data, now(), now(),
                        str(folder / path.name), now() if sent else None))
            replied = str(headers.get("In-Reply-To") or "").strip()
            if name.startswith("reply ") and replied:  # the fetch's polite reply: a message fetched again is
                db.execute("INSERT INTO answers (address, message_id, kind, sha256, at, run_id, withheld) "
                           "VALUES (?, ?, 'reply', '', ?, NULL, 0)", (name.removeprefix("reply ").lower(),
                                                                    replied, now()))  # not answered twice
            elif shas and replied and not name.startswith("again "):
                # The report on a file, answering its message: fetched again, that message is not told
                # "already received" (office/again.py) — it has its answer; read again, its file is not answered
                db.executemany("INSERT INTO answers (address, message_id, kind, sha256, at, run_id, withheld) "
                               "VALUES (?, ?, 'report', ?, ?, NULL, 0)",
                               [(_first_to(headers), replied, one, now()) for one in shas])
    sent_count = sum(1 for _, sent in found.values() if sent)
    return sent_count, len(found) - sent_count


def _first_to(headers: Message) -> str:
    """The first address an e-mail is to, lower-cased ('' for none)."""
    found = [a for _, a in getaddresses([str(headers.get("To") or "")]) if a]
    return found[0].lower() if found else ""
