"""Returns that may still be arriving: an inbox file that ends before its container does (an
:class:`sheetsync.errors.IncompleteFileError`: a zip without its central directory, a compound file
cut short, nothing at all) while a writer may still be copying it in.

A network share, a USB stick or an e-mail program saving an attachment writes a file bit by bit,
without locking it (nothing on Linux does), and may pause for longer than the settle time
(:data:`sheetsync.office.inbox.SETTLE_SECONDS`). Refusing such a file would move it to quarantine
while it is still being written (on Linux the writer goes on writing the moved file), tell the
school its file is damaged, and never look at its complete bytes. So an incomplete file is left in
the inbox, with one line for the clerk, and nothing is recorded or sent about it, until either

- it held still (same size, change time and file) for :data:`ARRIVING_STILL` seconds between runs
  — a copy does not pause that long; with a run every 15 minutes, the second run that sees it; or
- it was first seen incomplete :data:`ARRIVING_LIMIT` seconds ago, whatever it did since — a bound,
  so that nothing waits without end;

and then it is refused as any damaged file is (quarantine, the school told once). The times are
this computer's own clock, read when a run sees the file: a file's change time, set by whichever
machine wrote it, may be off by hours on a school's share. Files the office's own mail fetch wrote
are whole by construction (written to a temporary name, then renamed) and never wait.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable

from .listed import Listed
from .store import Store

#: Seconds an incomplete file must have held still (as runs saw it) before it is refused.
ARRIVING_STILL = 10 * 60
#: Seconds after a run first found a file incomplete when it is refused, even if it still changes.
ARRIVING_LIMIT = 30 * 60


def clock() -> float:
    """This computer's time, in seconds: the one clock the arriving rules read."""
    return time.time()


@dataclass
class Arrivals:
    """One run's view of the incomplete files of the inbox (the store remembers them between runs)."""

    store: Store
    now: float = field(default_factory=lambda: clock())
    kept: set[str] = field(default_factory=set)

    def still_arriving(self, name: str, listed: Listed) -> bool:
        """Whether the incomplete inbox file ``name`` (``listed`` as it was read) may still be
        arriving: True (and it is remembered as it is now) until it held still for
        :data:`ARRIVING_STILL` seconds, or was first found incomplete :data:`ARRIVING_LIMIT`
        seconds ago; then False, and the caller refuses it."""
        rows = self.store.query("SELECT size, mtime_ns, inode, first_at, still_since FROM arriving_files "
                                "WHERE name = ?", (name,))
        same = bool(rows) and tuple(rows[0][:3]) == (listed.size, listed.mtime_ns, listed.inode)
        # Another file under the name (deleted and copied in again) waits on its own from now on.
        first = float(rows[0][3]) if rows and rows[0][2] == listed.inode else self.now
        since = float(rows[0][4]) if same else self.now
        # A time ahead of the clock was read before the clock was set back: counted from now instead,
        # or the file would wait until the clock caught up with it (a day, a year).
        moved_back = first > self.now or since > self.now
        first, since = min(first, self.now), min(since, self.now)
        if self.now - first >= ARRIVING_LIMIT or self.now - since >= ARRIVING_STILL:
            return False
        if not same or moved_back:  # new, changed since the last run saw it, or a clock set back
            with self.store.transaction() as db:
                db.execute("INSERT INTO arriving_files (name, size, mtime_ns, inode, first_at, still_since) "
                           "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET size = excluded.size, "
                           "mtime_ns = excluded.mtime_ns, inode = excluded.inode, still_since = excluded.still_since",
                           (name, listed.size, listed.mtime_ns, listed.inode, first, since))
        self.kept.add(name)
        return True

    def forget_others(self, unseen: Iterable[str]) -> None:
        """Forget every remembered file this run did not keep waiting (read whole at last, refused,
        or gone), except those named in ``unseen`` (in the inbox, but not read this run: still
        being written, or not readable now), whose waiting goes on."""
        keep = self.kept | set(unseen)
        held = [str(r[0]) for r in self.store.query("SELECT name FROM arriving_files")]
        gone = [(name,) for name in held if name not in keep]
        if gone:  # the usual run writes nothing
            with self.store.transaction() as db:
                db.executemany("DELETE FROM arriving_files WHERE name = ?", gone)
