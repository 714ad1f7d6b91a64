"""The answers to the files of one fetched message leave in one e-mail.

Each file's answer is queued in its file's transaction, as any (its row names the file, its own e-mail
as composed is kept, and :mod:`sheetsync.office.answered` records it per file). An answer to the same
message, for the same people (To and Cc: a .zip of two schools' files copies each school on its own
file only), that no e-mail of the outbox folder holds yet is joined to it here: both are carried by one
e-mail (a row of its own, made again from each file's part whenever another joins), and the outbox
writes and sends that one, marking each answer it carries (:meth:`Store.mark_mail`).

So a run killed between two files of a message leaves the first's answer queued, unwritten, and the
next run's answer on the second joins it; an answer written to the folder already (sent or not) is
never changed, and a file of that message read later is answered on its own, as a file sent again in
another message is.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

from ..limits import MAX_ANSWER_SIZE
from ..mailer import Part, compose_joined, wire_bytes
from .store import Store
from .outbox import FILE_HEADER


@dataclass(frozen=True)
class Joining:
    """What an answer joins others on (:func:`join_key`), its file's section of the joined e-mail, and the
    most bytes that e-mail may have as sent (the office's ``[imap] max_message_mb``: what it accepts itself)."""

    key: str
    part: Part
    max_size: int = MAX_ANSWER_SIZE


def join_key(message: EmailMessage) -> str:
    """The message ``message`` answers and whom it goes to (''  when it answers none: never joined)."""
    answered = str(message.get("In-Reply-To") or "").strip()
    if not answered:
        return ""
    people = [sorted({a.lower() for _, a in getaddresses([str(message.get(h) or "")]) if a}) for h in ("To", "Cc")]
    return "\n".join([answered, ",".join(people[0]), ",".join(people[1])])


def queue_answer(store: Store, sha256: str, run_id: int | None, name: str, message: bytes, joining: Joining) -> None:
    """Queue the answer on file ``sha256`` and join it to an answer to the same message and people not
    written yet (call it inside the file's transaction)."""
    own = store.queue_mail(sha256, run_id, name, message)
    store.db.execute("UPDATE outbox SET joins = ?, part = ? WHERE id = ?", (joining.key, joining.part.dumps(), own))
    found = store.db.execute("SELECT id, part FROM outbox WHERE joins = ? AND written_at IS NULL AND carried_by IS NULL "
                             "AND id != ? ORDER BY id LIMIT 1", (joining.key, own)).fetchone()
    if found is None:
        return
    carrier = int(found[0])
    if found[1] is not None:  # one file's answer so far: the e-mail that carries both is a row of its own
        # Named once (its outbox file's name): made again with a third file, it replaces its own file
        # there, were it written by a run killed before marking it so — never left beside it, sent too.
        first = store.db.execute("SELECT name FROM outbox WHERE id = ?", (int(found[0]),)).fetchone()[0]
        carrier = store.queue_mail(None, run_id, f"answers {first}", b"")
        store.db.execute("UPDATE outbox SET joins = ? WHERE id = ?", (joining.key, carrier))
        store.db.execute("UPDATE outbox SET carried_by = ? WHERE id = ?", (carrier, int(found[0])))
    store.db.execute("UPDATE outbox SET carried_by = ? WHERE id = ?", (carrier, own))
    _compose_carrier(store, carrier, joining.max_size)


def _compose_carrier(store: Store, carrier: int, max_size: int) -> None:
    """(Re)make the e-mail of row ``carrier`` from the answers it carries, naming each one's file."""
    rows = store.db.execute("SELECT sha256, message, part FROM outbox WHERE carried_by = ? ORDER BY id",
                            (carrier,)).fetchall()
    name = str(store.db.execute("SELECT name FROM outbox WHERE id = ?", (carrier,)).fetchone()[0])
    joined = compose_joined([(bytes(r[1]), Part.loads(str(r[2]))) for r in rows], name, max_size)
    for row in rows:  # each file it answers: read again after a restore, it is known as answered
        joined[FILE_HEADER] = str(row[0])
    store.db.execute("UPDATE outbox SET message = ? WHERE id = ?", (wire_bytes(joined), carrier))
