"""One run at a time per office, with SQLite's own file locking (works on Windows too).

The lock is an exclusive transaction held on a small SQLite file beside the store
(``<store>.lock``). The operating system drops it when its holder dies, so a run killed with
SIGKILL never leaves a stale lock. A second run waits up to ``wait`` seconds, then stops with
:class:`OfficeBusyError`, which says who holds the office (from the store's ``runs`` table).
"""

from __future__ import annotations

import os
import socket
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..clock import Zone, said_time
from ..errors import OfficeBusyError, StoreError
from ..files import file_identity
from ..messages import both, render
from .sqlite_faults import busy
from .store import Store


def lock_path(store: Path) -> Path:
    """The lock file of a store (``sheetsync.sqlite`` → ``sheetsync.sqlite.lock``)."""
    return store.with_name(store.name + ".lock")


@contextmanager
def run_lock(store: Store, command: str, wait: float = 5.0, zone: Zone = None) -> Iterator[int]:
    """Hold the office for the ``with`` block; yields the run's id in the store.

    :param zone: the office's time zone, in which the error says since when another run holds it.

    :raises OfficeBusyError: another run still holds it after ``wait`` seconds.
    """
    path = lock_path(store.path)
    try:
        lock = sqlite3.connect(path, timeout=max(wait, 0.0), isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(render("store.cannot-lock", "en", source="office.yaml", path=path, why=exc),
                         th=render("store.cannot-lock", "th", source="office.yaml", path=path, why=exc)) from exc
    try:
        try:
            lock.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            if not busy(exc):  # a full disk refuses the lock's journal: no other run is there to wait for
                raise _not_locked(path, exc) from exc
            holder = store.last_run()
            raise OfficeBusyError(_busy(store.path.parent, holder, zone)) from exc
        if file_identity(store.path) != store.file_id:
            # A restore held the office meanwhile and moved this store aside: what this run opened is
            # the old file now, and anything written to it would be lost to the office.
            raise OfficeBusyError(both("error.store-replaced", store=store.path))
        run_id = store.start_run(command, os.getpid(), socket.gethostname())
        try:
            yield run_id
        finally:
            store.finish_run(run_id)
    finally:
        lock.close()


def _not_locked(path: Path, exc: sqlite3.OperationalError) -> StoreError:
    """The lock file could not be locked for another reason than a run holding it: a full disk says so."""
    code = "store.lock-disk-full" if (exc.sqlite_errorcode & 0xFF) == sqlite3.SQLITE_FULL else "store.cannot-lock"
    return StoreError(render(code, "en", source="office.yaml", path=path, why=exc),
                      th=render(code, "th", source="office.yaml", path=path, why=exc))


def _busy(office: Path, holder: tuple[str, int, str, str] | None, zone: Zone) -> str:
    """One line, Thai then English: which run holds ``office`` (from the store's ``runs``), and to wait."""
    said = []
    for lang in ("th", "en"):
        who = (render("error.busy-who", lang, source="office.yaml", command=holder[0], pid=holder[1],
                      host=holder[2], since=said_time(holder[3], zone, lang)) if holder
               else render("error.busy-anyone", lang, source="office.yaml"))
        said.append(render("error.busy", lang, source="office.yaml", office=office, who=who))
    return " / ".join(said)
