"""A file the office already has, mailed again in another message: its sender is answered once.

The other message may be a later one, or one fetched with the first (a teacher who saw no answer
yet sending the file again, the school's head sending it too): the file is checked and stored once,
its report answers the message whose file was read first, and each other message is told here."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path, PurePath

from ..check.coerce import format_be_date
from ..clock import Zone, local
from ..mailer import MailConfig, MailError, Thread, again_part, compose_again_reply, wire_bytes
from ..roster import safe_filename
from .answered import Answer, take_turn
from ..limits import MAX_ANSWER_SIZE
from .joining import Joining, join_key, queue_answer
from .store import Store

LOG = logging.getLogger("sheetsync")


def answer_again(store: Store, run_id: int, path: Path, sha: str, config: MailConfig | None,
                 origin: Thread | None, zone: Zone, answer_size: int = MAX_ANSWER_SIZE) -> None:
    """A file the office already has, mailed again in another message, gets a short answer: when it
    came, what became of it. (Only the office's store knows which message got the file's report,
    and which run fetched each message.) At most once a day per address and file, within the
    office's answers a day to that address (:mod:`sheetsync.office.answered`)."""
    if origin is None or not origin.sender or origin.automatic or config is None or not config.from_addr:
        return
    first = store.query("SELECT received_at, result, run_id FROM outcomes WHERE sha256 = ? ORDER BY id LIMIT 1", (sha,))
    fetched = store.query("SELECT run_id FROM messages WHERE message_id = ?", (origin.message_id,))
    # A message fetched into the store (not adopted from an older ledger), about a file recorded by a run
    if not first or not fetched or first[0][2] is None or fetched[0][0] is None:
        return
    if _had_report(store, origin.message_id, sha, int(first[0][2]), int(fetched[0][0])):
        return
    # Once per message and file: a file that stays in the inbox (open in Excel, a run killed
    # before the move) is "already seen" at every run, and must not be answered at every run.
    name = f"again {hashlib.sha256(origin.message_id.encode()).hexdigest()[:16]}"
    if store.query("SELECT 1 FROM outbox WHERE sha256 = ? AND name = ?", (sha, name)):
        return
    received_at, result = str(first[0][0]), str(first[0][1])
    received = local(received_at, zone)  # the office's clock (the school's too, in Thailand): B.E.
    when = f"{format_be_date(received.date())} {received:%H:%M}" if received else received_at[:19]
    sent = sent_as(store, origin.message_id, sha, path.name)
    try:
        message = compose_again_reply(origin, sent, when, result, config)
    except MailError as exc:
        LOG.warning("%s: cannot be answered (%s)", path.name, exc)
        return
    # The message's other files, new ones, are answered in one e-mail: this joins it (office/joining.py),
    # so she gets one answer to her one e-mail; with summary_only each answer stays its own.
    key = "" if config.summary_only else join_key(message)
    with store.transaction() as db:  # checked again inside: another run may have queued it meanwhile
        if db.execute("SELECT 1 FROM outbox WHERE sha256 = ? AND name = ?", (sha, name)).fetchone():
            return
        if not take_turn(store, Answer.to(message, origin.message_id, "again", sha, config.answers_per_day), run_id):
            return
        if key:
            queue_answer(store, sha, run_id, name, wire_bytes(message), Joining(key, again_part(sent, when, result), answer_size))
        else:
            store.queue_mail(sha, run_id, name, wire_bytes(message))


def _had_report(store: Store, message_id: str, sha: str, first_run: int, fetched_run: int) -> bool:
    """Whether the message ``message_id`` had its answer on the file ``sha``: the file's report.

    The message whose file was recorded got the report (a run stopped before setting it aside meets
    its file again); any other — sent again before any answer came, or by someone else of the school,
    fetched by the same run or a later one — has not. When no report names these bytes (written by an
    older sheetsync, or none composed), a message fetched by the run that recorded the file or earlier
    (run ids only grow) is taken as the one answered, as sheetsync did before."""
    rows = store.query("SELECT message_id FROM answers WHERE kind = 'report' AND sha256 = ?", (sha,))
    if rows:
        return any(r[0] == message_id for r in rows)
    return fetched_run <= first_run


def sent_as(store: Store, message_id: str, sha: str, saved: str) -> str:
    """The file's name as the message attached it (the inbox may have saved it under another: the
    same name came in an earlier message too), else ``saved``; a bare name, never a folder's.

    Two files of one message under one name (``โครงการหนึ่ง/รายงาน.xlsx`` and ``โครงการสอง/รายงาน.xlsx``
    in a .zip) are told apart (:func:`told_apart`): the one answer to the message gave both the same
    heading, and their marked-up copies the same name.
    """
    sent: dict[str, str] = {}  # each file of the message (at most MAX_FILES_PER_MESSAGE), in order
    for row_sha, filename in store.query("SELECT sha256, filename FROM message_files WHERE message_id = ? "
                                         "ORDER BY id", (message_id,)):
        sent.setdefault(str(row_sha), str(filename or ""))
    name = PurePath(sent.get(sha, "")).name
    if name in ("", ".", ".."):
        return saved
    namesakes = [s for s, filename in sent.items() if PurePath(filename).name == name]
    return name if len(namesakes) < 2 else told_apart(name, [sent[s] for s in namesakes], namesakes.index(sha))


#: The most of a folder's path that goes into a name (:func:`told_apart`), in bytes.
FOLDER_BYTES = 60


def told_apart(name: str, paths: list[str], index: int) -> str:
    """``name`` for the ``index``-th of files sent as ``paths`` that all end in it: with its folder in the
    zip (``รายงาน (โครงการสอง).xlsx``) when the folders tell them apart, else numbered (``รายงาน (2).xlsx``)."""
    folders = [PurePath(p).parent.as_posix() for p in paths]
    own = folders[index]
    label = own.replace("/", " - ") if own != "." and folders.count(own) == 1 else str(index + 1)
    label = safe_filename(label, max_bytes=FOLDER_BYTES)  # a folder's name is the sender's: made safe as any
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    return safe_filename(stem, f" ({label}){suffix}")
