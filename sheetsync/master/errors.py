"""Exceptions of the master workbook, under the package-wide :class:`~sheetsync.errors.SheetsyncError`::

    SheetsyncError
    └── MasterError                           anything about the master workbook
        ├── MasterLockedError                 another merge holds the master's lock
        ├── MasterFormatError  (ValueError)   not a sheetsync master, or a damaged one
        └── MasterWriteError   (OSError)      the new master could not be written

A school's file that cannot be merged is *not* an exception: it becomes a ``refused`` outcome
of the merge (and a row of the ledger).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SheetsyncError


class MasterError(SheetsyncError):
    """Base class of the master workbook's errors."""


class MasterLockedError(MasterError):
    """Another merge is writing this master right now; the message names the master."""

    def __init__(self, master: Path, holder: str) -> None:
        self.master = master
        self.holder = holder
        super().__init__(f"{master.name}: another merge is running on this master ({holder}); "
                         "try again when it has finished")


class MasterFormatError(MasterError, ValueError):
    """The file is not a master written by sheetsync, or its data sheet is damaged."""

    def __init__(self, master: Path, reason: str) -> None:
        self.master = master
        self.reason = reason
        super().__init__(f"{master.name}: {reason}")


class MasterWriteError(MasterError, OSError):
    """The new master (or its backup) could not be written; the old master is left as it was."""
