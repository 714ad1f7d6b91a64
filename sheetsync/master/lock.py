"""One merge at a time per master: an exclusive lock on ``<master>.lock`` next to it.

The lock is an ``flock`` on the lock file, so the kernel drops it when its holder dies: a merge
killed with SIGKILL never leaves a stale lock behind (the file may stay; holding it is what
counts). The file records who holds it, for the message a refused merge prints. POSIX only: on
Windows a merge stops with a clear error instead of running unguarded.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import MasterError, MasterLockedError, MasterWriteError

try:
    import fcntl
except ImportError:  # Windows: importing sheetsync must still work; only locking cannot
    fcntl = None  # type: ignore[assignment]

_ATTEMPTS = 20


def lock_path(master: Path) -> Path:
    """The lock file of ``master`` (``master.xlsx`` → ``master.xlsx.lock``)."""
    return master.with_name(master.name + ".lock")


@contextmanager
def master_lock(master: str | Path) -> Iterator[Path]:
    """Hold the master's lock for the ``with`` block; refuse at once if another process holds it.

    :raises MasterLockedError: another merge (in this or another process) holds the lock.
    :raises MasterWriteError: the lock file cannot be created (no write access to the folder).

    Example::

        with master_lock("master.xlsx"):
            ...  # read, compute and replace the master
    """
    master = Path(master)
    path = lock_path(master)
    fd = _acquire(master, path)
    try:
        yield path
    finally:
        # Unlink while still holding the lock, so nobody can lock a file that is about to vanish.
        try:
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)


def _acquire(master: Path, path: Path) -> int:
    if fcntl is None:
        raise MasterError(f"{master.name}: merging needs a POSIX system (Linux or macOS) for its lock")
    for _ in range(_ATTEMPTS):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise MasterWriteError(f"{master.name}: cannot create the lock file {path.name} ({exc.strerror})") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise MasterLockedError(master, holder) from None
        # The previous holder may have unlinked the file between our open and our lock: then this
        # lock guards a file nobody else can see, so start again on the one at the path now.
        if _same_file(fd, path):
            since = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {since}".encode(), 0)
            return fd
        os.close(fd)
    raise MasterLockedError(master, "the lock file keeps being replaced")


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False
