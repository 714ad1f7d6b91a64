"""An inbox file is read as it was listed, and what is set aside is what was read.

Anyone who may put files in the inbox may also, between the listing and the read, put something
else under a listed name: a link to the office's key or store, to ``/etc/shadow``, a pipe that
blocks the run. So an inbox file is opened once, without following links, and checked on the open
file to be a regular file (:func:`sheetsync.files.open_regular`); its hash and everything checked
are read through that open file. Its :class:`Listed` identity then tells whether the name still
holds that same file before its outcome is recorded (:meth:`Listed.still_at`), and whether the
entry moved out of the inbox is still it (:meth:`Listed.arrived_at`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..files import NO_FOLLOW
from ..pipeline import sha256_from

#: Why a file is read again next run when another entry took its name while it was read.
REPLACED = "the file was moved or replaced while it was read"


@dataclass(frozen=True)
class Listed:
    """One opened inbox file: its hash, and what identifies it on disk (device, inode, size, change time)."""

    sha256: str
    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, handle: BinaryIO) -> Listed:
        """Hash the opened file ``handle`` (from its start) and note its identity."""
        before = os.fstat(handle.fileno())
        return cls(sha256_from(handle), before.st_dev, before.st_ino, before.st_size, before.st_mtime_ns)

    def still_at(self, path: Path) -> bool:
        """Whether ``path`` is still this file, unchanged (not renamed away, replaced or written to)."""
        return self._is(path, inode=True)

    def arrived_at(self, path: Path) -> bool:
        """Whether the entry just moved to ``path`` is this file. Where a rename may change the file's
        number (Windows on a FAT disk), only its size and change time are compared; links there are
        not made by ordinary users."""
        return self._is(path, inode=bool(NO_FOLLOW))

    def _is(self, path: Path, *, inode: bool) -> bool:
        try:
            now = os.lstat(path)
        except OSError:
            return False
        same = (now.st_size, now.st_mtime_ns) == (self.size, self.mtime_ns)
        if inode:
            same = same and (now.st_dev, now.st_ino) == (self.device, self.inode)
        return same and stat.S_ISREG(now.st_mode)
