"""The roster a run is given, made the store's: codes Excel cut the zeros of given back, and the
schools it no longer lists said at once (their data stays; a roster put back lists them again); and the
school whose address mailed a file (what a file that cannot say whom it is from is filed under)."""

from __future__ import annotations

from ..mailer import Thread
from ..messages import both
from ..roster import Recipient, with_zeros_kept, zeros_note
from .store import Store

#: How many schools a roster no longer lists are named in the line that says so (the rest are counted).
NAMES_SHOWN = 3


def take_roster(store: Store, roster: list[Recipient], lines: list[str]) -> bool:
    """Make ``roster`` the store's; whether that changed it. The clerk's lines are added to ``lines``:
    each id given its zeros back (:func:`sheetsync.roster.with_zeros_kept`), and who it no longer
    lists, so that a roster cut short by mistake is seen in the run it is taken, and put right by
    restoring it.

    Example::

        problems: list[str] = []
        changed = take_roster(store, read_roster("roster.csv"), problems)
    """
    listed, restored = with_zeros_kept(roster, store.known_recipients())
    lines += [zeros_note(written, kept) for written, kept in restored]
    before = store.roster()
    kept = {r.id for r in listed}
    gone = [r.school or r.id for r in before if r.id not in kept]
    if gone:  # their data stays (shown "no longer on the roster")
        shown = ", ".join(gone[:NAMES_SHOWN]) + (" …" if len(gone) > NAMES_SHOWN else "")
        lines.append(both("sync.roster-left", count=len(gone), before=len(before), now=len(listed), names=shown))
    return store.set_roster(listed)


def mailed_by(origin: Thread | None, people: list[Recipient]) -> str:
    """The roster school whose address mailed a file (``origin``: the message it came in; None for a
    file dropped into the inbox): "" when no school's, or when two schools share that address.

    Only the sender's address names it, never the file: a file the office's key does not vouch for may
    name any school. A From line can be forged too, so this names who *sent* a file, never whose data
    it is (:func:`sheetsync.office.record.record_file` ``sent_by``)."""
    sender = origin.sender.lower() if origin is not None and origin.sender else ""
    found = [r.id for r in people if sender and sender in (a.lower() for a in r.emails)]
    return found[0] if len(found) == 1 else ""  # an address two schools share names neither


def sender_school(origin: Thread | None, people: list[Recipient], store: Store) -> str:
    """The roster school whose address mailed a file that cannot say whom it is from — only while
    that school has nothing on record: a From line is easily forged, and must not turn a school
    that reported into one that "sent a file that cannot be opened"."""
    found = mailed_by(origin, people)
    return "" if found and store.query("SELECT 1 FROM current WHERE recipient = ? LIMIT 1", (found,)) else found
