"""Replacing the master without ever leaving a half-written one behind.

The new master is written to a temporary file in the master's own folder (so the final rename
stays on one file system), flushed to disk, the current master is kept as ``<master>.bak``, and
only then does ``os.replace`` put the new file in place: a rename is atomic, so a process killed
at any moment leaves either the old master or the new one, each complete.
"""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path
from typing import Callable

from ..errors import MasterWriteError
from ..files import fitted_name, open_temp, replace, temp_affixes, temp_pattern, why_not_replaced
from ..messages import render


def backup_path(master: Path) -> Path:
    """Where the previous master is kept (``master.xlsx`` → ``master.xlsx.bak``; a name within 4 bytes
    of what a file system allows has its stem cut, as its temporaries have)."""
    return master.with_name(fitted_name(master.name, ".bak"))


def replace_with_backup(master: Path, write: Callable[[Path], None]) -> Path | None:
    """Call ``write(tmp)``, then move ``tmp`` over ``master``, keeping the old one as a backup.

    :returns: the backup's path, or None when there was no master before.
    :raises MasterWriteError: the folder is not writable or the disk is full; ``master`` is
        left as it was.
    """
    try:
        tmp = _new_temp(master)
    except OSError as exc:
        said = {lang: render("master.no-temp", lang, source="office.yaml", master=master.name, folder=master.parent,
                             why=why_not_replaced(exc, lang)) for lang in ("en", "th")}
        raise MasterWriteError(said["en"], th=said["th"]) from exc
    try:
        write(tmp)
        _fsync(tmp)
        backup = _keep_backup(master) if master.exists() else None
        replace(tmp, master)
        _fsync_dir(master.parent)
    except OSError as exc:
        # A refused rename names its target (filename2): say so when it is not the master (its .bak).
        other = Path(str(exc.filename2)).name if exc.filename2 else ""
        where = f"{other}: " if other and other != master.name else ""
        said = {lang: render("master.not-written", lang, source="office.yaml", master=master.name,
                             why=where + why_not_replaced(exc, lang)) for lang in ("en", "th")}
        raise MasterWriteError(said["en"], th=said["th"]) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return backup


def remove_leftovers(master: Path) -> list[Path]:
    """Delete temporary files that killed merges left next to ``master``; call it holding the lock.

    Those named as :func:`sheetsync.files.temp_affixes` names them, and those of earlier versions
    (``.master.xlsx.<hex>.tmp``, which a name near the file system's limit could not have).
    """
    earlier = os.path.join(glob.escape(str(master.parent)), f".{glob.escape(master.name)}.*.tmp")
    patterns = (temp_pattern(master), temp_pattern(backup_path(master)), earlier)  # the master's, its backup's
    removed = [Path(p) for pattern in patterns for p in sorted(glob.glob(pattern))]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _new_temp(master: Path) -> Path:
    """An empty temporary file beside ``master``, with the master's permissions, its name bounded
    (:func:`sheetsync.files.temp_affixes`: ``.{master.name}.{hex}.tmp`` was 18 bytes longer than a long
    Thai master's name, past what a file system allows).

    Not ``tempfile.mkstemp``: its files are private (0600), and the office's shared master must
    keep the permissions it had (or the umask's, for a new one).
    """
    fd, tmp = open_temp(master.parent, *temp_affixes(master), like=master)
    os.close(fd)
    return tmp


def _keep_backup(master: Path) -> Path:
    backup = backup_path(master)
    staged = _new_temp(backup)
    try:
        staged.unlink()  # a name no file has, for the link (made under the office's lock: no one takes it meanwhile)
        try:
            os.link(master, staged)  # a second name for the old file: instant, no copy
        except OSError:
            shutil.copy2(master, staged)  # file systems without hard links
        replace(staged, backup)
    finally:
        staged.unlink(missing_ok=True)
    return backup


def _fsync(path: Path) -> None:
    # Opened for writing: Windows flushes only a handle that may write (FlushFileBuffers refuses a
    # read-only one), so a read-only open made every master write fail there.
    with path.open("r+b") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; some file systems cannot open a folder, which is fine.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
