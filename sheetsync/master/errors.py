"""Exceptions of the master workbook, under the package-wide :class:`~sheetsync.errors.SheetsyncError`::

    SheetsyncError
    └── MasterError                           anything about the master workbook
        ├── MasterFormatError  (ValueError)   not a sheetsync master, or a damaged one
        └── MasterWriteError   (OSError)      the new master could not be written

A school's file that cannot be merged is *not* an exception: it becomes a ``refused`` or
``quarantined`` outcome (a row of the store's outcomes). Another run holding the office is
:class:`sheetsync.office.lock.OfficeBusyError`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SheetsyncError


class MasterError(SheetsyncError):
    """Base class of the master workbook's errors."""


class MasterFormatError(MasterError, ValueError):
    """The file is not a master written by sheetsync, or its data sheet is damaged."""

    def __init__(self, master: Path, reason: str) -> None:
        self.master = master
        self.reason = reason
        super().__init__(f"{master.name}: {reason}")


class MasterWriteError(MasterError, OSError):
    """The new master (or its backup) could not be written; the old master is left as it was."""
