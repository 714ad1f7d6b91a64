"""A file the office already has, mailed again in a later message: its sender is answered once."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from ..check.coerce import format_be_date
from ..clock import Zone, local
from ..mailer import MailConfig, MailError, Thread
from ..mailer._headers import wire_bytes
from ..mailer._reply import compose_again_reply
from .answered import Answer, take_turn
from .store import Store

LOG = logging.getLogger("sheetsync")


def answer_again(store: Store, run_id: int, path: Path, sha: str, config: MailConfig | None,
                 origin: Thread | None, zone: Zone) -> None:
    """A file the office already has, mailed again in a later message, gets a short answer: when it
    came, what became of it. (Only the office's store knows which run fetched each message.) At
    most once a day per address and file, within the office's answers a day to that address
    (:mod:`sheetsync.office.answered`)."""
    if origin is None or not origin.sender or origin.automatic or config is None or not config.from_addr:
        return
    first = store.query("SELECT received_at, result, run_id FROM outcomes WHERE sha256 = ? ORDER BY id LIMIT 1", (sha,))
    fetched = store.query("SELECT run_id FROM messages WHERE message_id = ?", (origin.message_id,))
    # Later means fetched by a later run than the one that recorded the file (run ids only grow;
    # clocks are compared to the second and a fetch can follow a run within it). The message whose
    # file this was, fetched before (a run stopped before setting it aside), was answered then.
    if not first or not fetched or first[0][2] is None or fetched[0][0] is None or fetched[0][0] <= first[0][2]:
        return
    # Once per message and file: a file that stays in the inbox (open in Excel, a run killed
    # before the move) is "already seen" at every run, and must not be answered at every run.
    name = f"again {hashlib.sha256(origin.message_id.encode()).hexdigest()[:16]}"
    if store.query("SELECT 1 FROM outbox WHERE sha256 = ? AND name = ?", (sha, name)):
        return
    received_at, result = str(first[0][0]), str(first[0][1])
    received = local(received_at, zone)  # the office's clock (the school's too, in Thailand): B.E.
    when = f"{format_be_date(received.date())} {received:%H:%M}" if received else received_at[:19]
    try:
        message = compose_again_reply(origin, path.name, when, result, config)
    except MailError as exc:
        LOG.warning("%s: cannot be answered (%s)", path.name, exc)
        return
    with store.transaction() as db:  # checked again inside: another run may have queued it meanwhile
        if db.execute("SELECT 1 FROM outbox WHERE sha256 = ? AND name = ?", (sha, name)).fetchone():
            return
        if take_turn(store, Answer.to(message, origin.message_id, "again", sha, config.answers_per_day), run_id):
            store.queue_mail(sha, run_id, name, wire_bytes(message))
