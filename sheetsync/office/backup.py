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

from ..clock import Zone
from ..errors import OfficeError, OutputError
from ..files import write_atomically
from ..messages import Lang, both, render
from .sqlite_faults import damaged, store_error, store_said, verdict_line
from .store import BUSY_TIMEOUT

#: The first bytes of every SQLite database file (an earlier backup may be replaced, nothing else).
SQLITE_HEADER = b"SQLite format 3\x00"

#: Where ``sheetsync backup`` puts copies by default, in the office folder.
BACKUPS = "backups"


@dataclass(frozen=True)
class Backup:
    """A backup made: where, and how many submissions and outcomes it holds (to check it at a glance)."""

    path: Path
    submissions: int
    outcomes: int


def backup_name(store: Path, when: dt.datetime, zone: Zone = None) -> str:
    """``sheetsync-20261130-171500.sqlite`` for a store named ``sheetsync.sqlite``, in the office's
    time zone (None: this computer's)."""
    return f"{store.stem}-{when.astimezone(zone):%Y%m%d-%H%M%S}{store.suffix}"


def back_up(store: str | Path, target: str | Path) -> Backup:
    """Copy the committed state of the store at ``store`` to ``target`` (a new file, or one replaced
    whole). The store is only read: nothing in it changes, not even its schema version.

    :raises OfficeError: ``target`` is the store itself (or one of its own files), or a file that is
        not a SQLite database (the office key, a roster: never replaced by a copy).
    :raises OutputError: ``target`` cannot be written (naming it).
    :raises StoreError: the store cannot be read, or its copy does not read back as a sound database.

    Example::

        back_up("office/sheetsync.sqlite", "D:/backups/sheetsync-2026-11.sqlite")
    """
    source, target = Path(store), Path(target)
    own = {source.resolve(), *(Path(f"{source}{end}").resolve() for end in ("-wal", "-shm", "-journal"))}
    if target.resolve() in own:
        raise OfficeError(both("backup.is-the-store", target=target))
    if not _replaceable(target):
        raise OfficeError(both("backup.not-a-backup", target=target))
    counts: list[int] = []
    try:
        write_atomically(target, lambda tmp: counts.extend(_copy(source, tmp)))
    except sqlite3.Error as exc:  # the disk filled up, say
        if damaged(exc):  # the pages copied are torn: the store's fault, not the target's (no disk to check)
            raise store_error(source, exc, "") from exc
        raise OutputError(_said("backup.cannot-write", "en", target=target, why=exc),
                          th=_said("backup.cannot-write", "th", target=target, why=exc)) from exc
    return Backup(target, *counts)


def _replaceable(target: Path) -> bool:
    """Whether ``target`` may be replaced by a copy: nothing there, an empty file, or a SQLite file
    (an earlier backup of that name). Anything else is someone's data: ``sheetsync backup office.key``,
    typed by a clerk told to keep a copy of the key, must not replace the key with the store."""
    try:
        with target.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return True
    except OSError:
        return True  # a folder, or a file that cannot be read: writing it says why, naming it
    return head in (b"", SQLITE_HEADER)


def _copy(source: Path, tmp: Path) -> tuple[int, int]:
    """Copy into the (empty) file ``tmp``; the numbers of submissions and outcomes copied."""
    # A plain connection, only ever reading: a backup never migrates the store it copies. (A
    # read-only URI would leave the store's -wal and -shm behind: it may not remove them.)
    try:  # mode=rw: a missing store is an error, never a new empty one
        db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as exc:
        raise store_said("backup.cannot-open", source, exc) from exc
    try:
        db.execute("PRAGMA query_only=ON")
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the store itself is sound to read
    except sqlite3.Error as exc:
        db.close()
        raise (store_error(source, exc, "") if damaged(exc) else store_said("backup.cannot-read", source, exc)) from exc
    out = sqlite3.connect(tmp, isolation_level=None)
    try:
        db.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        verdict = [str(r[0]) for r in out.execute("PRAGMA quick_check").fetchall()]
        if verdict != ["ok"]:
            raise store_said("backup.not-whole", source, verdict_line(verdict))
        return (int(out.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]),
                int(out.execute("SELECT COUNT(*) FROM outcomes").fetchone()[0]))
    finally:
        out.close()
        db.close()


def _said(code: str, lang: Lang, **params: object) -> str:
    return render(code, lang, source="office.yaml", **params)
