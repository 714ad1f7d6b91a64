"""A copy of the office's store that can be trusted, taken while runs go on.

Copying ``sheetsync.sqlite`` by hand is not a backup: the last transactions may still sit in its
``-wal`` file, and a copy taken while a run writes can be torn. SQLite's online backup API copies
the committed state as one read transaction, whatever another run is doing, so the office needs
no pause. The copy is written under a temporary name, checked (``PRAGMA quick_check``), then
renamed: a backup file that exists is whole.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError, StoreError
from ..files import write_atomically
from .store import Store

#: Where ``sheetsync backup`` puts copies by default, in the office folder.
BACKUPS = "backups"


@dataclass(frozen=True)
class Backup:
    """A backup made: where, and how many submissions and outcomes it holds (to check it at a glance)."""

    path: Path
    submissions: int
    outcomes: int


def backup_name(store: Path, when: dt.datetime) -> str:
    """``sheetsync-20261130-101500.sqlite`` for a store named ``sheetsync.sqlite`` (UTC time)."""
    return f"{store.stem}-{when.astimezone(dt.timezone.utc):%Y%m%d-%H%M%S}{store.suffix}"


def back_up(store: Store, target: str | Path) -> Backup:
    """Copy ``store``'s committed state to ``target`` (a new file, or one replaced whole).

    :raises OutputError: ``target`` cannot be written (naming it).
    :raises StoreError: the copy does not read back as a sound database.

    Example::

        with Store("office/sheetsync.sqlite") as store:
            back_up(store, "D:/backups/sheetsync-2026-11.sqlite")
    """
    target = Path(target)
    counts: list[int] = []
    try:
        write_atomically(target, lambda tmp: counts.extend(_copy(store, tmp)))
    except sqlite3.Error as exc:  # the disk filled up, say
        raise OutputError(f"{target}: cannot write the backup ({exc})") from exc
    return Backup(target, *counts)


def _copy(store: Store, tmp: Path) -> tuple[int, int]:
    """Copy into the (empty) file ``tmp``; the numbers of submissions and outcomes copied."""
    out = sqlite3.connect(tmp, isolation_level=None)
    try:
        store.db.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        verdict = out.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise StoreError(f"{store.path}: its copy does not read back whole ({verdict})")
        return (int(out.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]),
                int(out.execute("SELECT COUNT(*) FROM outcomes").fetchone()[0]))
    finally:
        out.close()
