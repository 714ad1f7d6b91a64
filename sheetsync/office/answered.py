"""How often the office answers one address by itself: at most so many answers a day (RFC 3834 §2).

A robot that says nothing of being one (an auto-forwarder, a ticket system that strips
``Auto-Submitted``, ``Precedence`` and ``List-*``, gives each message a new Message-ID and no
In-Reply-To) and mails back what the office sent it — the report's marked-up copy, the same file —
is a new sender's new message at every run: nothing in its headers says otherwise. Answering it
would never end; a forged sender would get the same flood (backscatter). So every automatic answer
to a fetched message (the report on its file, "already received", the polite reply of the fetch)
is recorded here, with its address and time, and an address already answered for
:attr:`Answer.per_day` messages within :data:`WINDOW` (that many for each school the roster gives
that address) is not answered again until the window has passed. Two files of one message are one answer's worth (a zip of four schools' files is one
message). The same file sent again is answered "already received" at most once a window per
address. Withheld mail is still read, checked and recorded in full: only its answer is not queued,
and the run's digest names the address, once a window (:func:`withheld`, :func:`mark_digested`).

Every time is the store's (:func:`sheetsync.office.store.now`, UTC): a test or a caller passes
``at`` to stand at another moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

from ..address import shown_address, split_addresses
from ..mailer import ANSWERS_PER_DAY
from .store import Store, now

#: How far back answers to one address are counted.
WINDOW = dt.timedelta(hours=24)
#: Why an answer was not queued (the ``withheld`` column; 0: it was): the address was answered as
#: often as it may be today, or these bytes were answered "already received" today — no reason to
#: hold back the answer on another file of the same message (the corrected file beside the old one).
OVER_LIMIT, ANSWERED_ALREADY = 1, 2
#: Automatic answers to one address within :data:`WINDOW`, unless the office's ``[mail]
#: answers_per_day`` says otherwise (0: no limit).
DEFAULT_PER_DAY = ANSWERS_PER_DAY


@dataclass(frozen=True)
class Answer:
    """An automatic answer about to be queued.

    ``address``: whom it goes to (its ``To``); ``message_id``: the fetched message it answers;
    ``kind``: ``report``, ``again`` (a file the office already has) or ``reply`` (the fetch's polite
    reply); ``sha256``: the file it is about, for ``report`` and ``again``; ``per_day``: the office's limit.
    """

    address: str
    message_id: str
    kind: str = "report"
    sha256: str = ""
    per_day: int = DEFAULT_PER_DAY

    @classmethod
    def to(cls, message: EmailMessage, message_id: str, kind: str = "report", sha256: str = "",
           per_day: int = DEFAULT_PER_DAY) -> Answer:
        """The answer ``message`` (composed, addressed) would be."""
        found = [a for _, a in getaddresses([str(message.get("To") or "")]) if a]
        # Counted under the address as the sender's is recorded: a .ไทย domain in Thai, not as it travels.
        return cls(shown_address(found[0]).lower() if found else "", message_id, kind, sha256, per_day)


def take_turn(store: Store, answer: Answer, run_id: int | None, at: str | None = None) -> bool:
    """Whether ``answer`` may be queued now; the decision is recorded either way. Call it inside the
    transaction that queues the answer, so that a run killed between the two counts neither.

    The same answer asked again (a run stopped before setting the file aside) gets the decision it
    got, without counting twice.

    :param at: the moment to stand at (ISO 8601, as the store writes times); default now.
    """
    moment = at or now()
    key = (answer.address, answer.message_id, answer.kind, answer.sha256)
    done = store.db.execute("SELECT withheld FROM answers WHERE address = ? AND message_id = ? AND kind = ? "
                            "AND sha256 = ? ORDER BY id DESC LIMIT 1", key).fetchone()
    if done is not None:
        return not done[0]
    why = _why_not(store, answer, moment)
    store.db.execute("INSERT INTO answers (address, message_id, kind, sha256, at, run_id, withheld) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", (*key, moment, run_id, why))
    return not why


def _why_not(store: Store, answer: Answer, moment: str) -> int:
    """0 when ``answer`` may be queued, else :data:`OVER_LIMIT` or :data:`ANSWERED_ALREADY`."""
    if not answer.address or answer.per_day <= 0:
        return 0
    since = _since(moment)
    # Times after ``moment`` count too: they were recorded before this computer's clock was set back.
    rows = store.db.execute("SELECT message_id, kind, sha256, withheld FROM answers WHERE address = ? AND at > ?",
                            (answer.address, since)).fetchall()
    sent = [r for r in rows if not r[3]]
    if answer.kind == "again" and any(r[1] == "again" and r[2] == answer.sha256 for r in sent):
        return ANSWERED_ALREADY  # the same bytes were answered "already received" within the window
    if any(r[0] == answer.message_id and r[3] == OVER_LIMIT for r in rows):
        return OVER_LIMIT  # this message was withheld already: its other files are too
    answered = {r[0] for r in sent}
    fits = answer.message_id in answered or len(answered) < answer.per_day * _schools_at(store, answer.address)
    return 0 if fits else OVER_LIMIT


def _schools_at(store: Store, address: str) -> int:
    """How many schools the roster gives ``address`` (at least 1). Small schools of one network
    often share one address: each school's file, and its tries, are that address's due — the office's
    own roster says so, where a robot or a forged sender cannot add to it."""
    # LIKE only narrows (it ignores ASCII case; a "_" in the address matches any one character):
    # the comparison that counts is the one below, address by address.
    rows = store.db.execute("SELECT email FROM roster WHERE email LIKE ?", (f"%{address}%",)).fetchall()
    return max(1, sum(address in (a.lower() for a in split_addresses(str(r[0] or ""))) for r in rows))


def _since(moment: str) -> str:
    """The start of the window ending at ``moment``, written as the store writes times (so they compare as text)."""
    end = dt.datetime.fromisoformat(moment)
    if end.tzinfo is None:
        end = end.replace(tzinfo=dt.timezone.utc)
    return (end.astimezone(dt.timezone.utc) - WINDOW).isoformat(timespec="microseconds")


def withheld(store: Store, at: str | None = None) -> list[str]:
    """The addresses some answer was withheld from that no digest has named yet, each once, first
    withheld first — except those a digest named within :data:`WINDOW` before ``at`` (a flood spread
    over a day's runs is named once, not in a digest every run)."""
    rows = store.query("SELECT address, MIN(id) FROM answers WHERE withheld != 0 AND digest_run IS NULL "
                       "AND address NOT IN (SELECT address FROM answers WHERE withheld != 0 "
                       "AND digest_run IS NOT NULL AND at > ?) GROUP BY address ORDER BY MIN(id)",
                       (_since(at or now()),))
    return [str(r[0]) for r in rows]


def mark_digested(store: Store, run_id: int) -> None:
    """Record that the digest of run ``run_id`` accounts for every withheld answer so far: it names
    their addresses, or one did within the window (inside the transaction that queues it)."""
    store.db.execute("UPDATE answers SET digest_run = ? WHERE withheld != 0 AND digest_run IS NULL", (run_id,))
