"""Inbox files that this computer keeps failing to look at or read: the file system's doing, not
their bytes' (the office's account may not read a file another account copied in, a failing disk,
a sync client holding it); a file whose ``stat`` fails counts as one that cannot be read. One such run is nothing (the file is read next run); :data:`STUCK_RUNS` runs
in a row make it the clerk's to see: listed once in the digest, and every run a failed run (exit
code 3) until the file is read or moved out of the inbox. Nothing about it is recorded as a
school's outcome: its bytes were never seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..clock import Zone, said_time
from ..messages import LANGS, both, render
from .store import Store, now

#: Runs in a row (an hour at one run every 15 minutes) before a file that cannot be read is reported.
STUCK_RUNS = 4


@dataclass(frozen=True)
class Stuck:
    """A file of the inbox not read for :data:`STUCK_RUNS` runs or more."""

    name: str
    since: str  # when it first failed (stored UTC; :func:`sheetsync.clock.said_time` says it)
    runs: int
    reason: str  # the file system's words, the last time
    listed: bool  # a digest has listed it already


def tally(store: Store, failing: Mapping[str, str]) -> list[Stuck]:
    """Count one more failed run for each file of ``failing`` (name → why), forget every other one
    (read at last, or gone), and return those failing for :data:`STUCK_RUNS` runs or more."""
    if not failing and not store.query("SELECT 1 FROM stuck_files LIMIT 1"):
        return []  # the usual run writes nothing
    with store.transaction() as db:
        db.executemany("INSERT INTO stuck_files (name, first_at, runs, reason) VALUES (?, ?, 1, ?) "
                       "ON CONFLICT (name) DO UPDATE SET runs = runs + 1, reason = excluded.reason",
                       [(name, now(), why) for name, why in failing.items()])
        held = db.execute("SELECT name FROM stuck_files").fetchall()
        db.executemany("DELETE FROM stuck_files WHERE name = ?", [r for r in held if r[0] not in failing])
    rows = store.query("SELECT name, first_at, runs, reason, digest_run FROM stuck_files WHERE runs >= ? "
                       "ORDER BY first_at, name", (STUCK_RUNS,))
    return [Stuck(str(r[0]), str(r[1]), int(r[2]), str(r[3]), r[4] is not None) for r in rows]


def mark_listed(store: Store, names: list[str], run_id: int) -> None:
    """Record that the digest of run ``run_id`` lists these files (inside the transaction that queues it)."""
    store.db.executemany("UPDATE stuck_files SET digest_run = ? WHERE name = ?", [(run_id, n) for n in names])


def not_read_lines(not_read: Mapping[str, str], stuck: list[Stuck], zone: Zone = None) -> list[str]:
    """The clerk's lines for this run's files that the file system kept from being read: a file
    stuck for runs says since when (Thai, then English; in ``zone``, None: this computer's); any
    other will be read next run."""
    held = {s.name: s for s in stuck}
    lines = []
    for name, why in not_read.items():
        if name in held:
            since, runs = held[name].since, held[name].runs  # each language dates it its own way (B.E. in Thai)
            lines += [render("sync.stuck", lang, file=name, since=said_time(since, zone, lang), runs=runs, why=why)
                      for lang in LANGS]
        else:
            lines.append(both("sync.not-read", file=name, why=why))
    return lines
