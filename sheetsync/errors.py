"""Exceptions raised by sheetsync.

Every exception shares one base so that callers (and the CLI) can catch them all::

    SheetsyncError
    ├── FormError            (ValueError)  a layout and its schema are broken or disagree
    ├── UnknownFormError     (LookupError) no form with that id, or a version we cannot read
    ├── UnreadableFileError  (ValueError)  not a spreadsheet we can read (names the file)
    │   └── UnsafeFileError               a zip bomb, macros, encryption, external links
    ├── NotOurFormError      (ValueError)  a spreadsheet, but not a sheetsync template
    ├── DataError            (ValueError)  prefill data that does not fit the form
    └── OutputError          (OSError)     a result could not be written

Validation problems in a school's file are *not* exceptions: they are findings (see
:mod:`sheetsync.check.report`).
"""

from __future__ import annotations

from pathlib import Path


class SheetsyncError(Exception):
    """Base class of every error sheetsync raises on purpose."""


class FormError(SheetsyncError, ValueError):
    """A form layout or schema is broken, or the two disagree."""


class UnknownFormError(SheetsyncError, LookupError):
    """No form with this id is known, or the file's form version cannot be read."""


class UnreadableFileError(SheetsyncError, ValueError):
    """A file cannot be read as a spreadsheet; the message names the file."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


class UnsafeFileError(UnreadableFileError):
    """A file was refused before parsing: zip bomb, macros, encryption or external links."""


class NotOurFormError(SheetsyncError, ValueError):
    """The file is a spreadsheet but not a template produced by sheetsync."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


class DataError(SheetsyncError, ValueError):
    """Prefill data does not fit the form (unknown key, too many rows, wrong type)."""


class OutputError(SheetsyncError, OSError):
    """A result file could not be written."""
