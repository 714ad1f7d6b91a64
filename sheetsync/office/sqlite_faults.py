"""What SQLite's errors mean for the office: a damaged store (only a backup helps, ``sheetsync restore``)
told apart from one that cannot be reached, and SQLite's multi-line verdicts said in one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import StoreError
from ..messages import render


def damaged(exc: BaseException) -> bool:
    """Whether SQLite found the file damaged or no database at all (``SQLITE_CORRUPT``, ``SQLITE_NOTADB``):
    waiting or running again cannot help, only a backup can."""
    return isinstance(exc, sqlite3.DatabaseError) and \
        (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def busy(exc: BaseException) -> bool:
    """Whether SQLite refused because another connection holds a lock (``SQLITE_BUSY``, ``SQLITE_LOCKED``,
    extended codes included): worth waiting for, unlike a full disk (``SQLITE_FULL``)."""
    return isinstance(exc, sqlite3.Error) and \
        (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def verdict_line(verdict: list[str]) -> str:
    """SQLite's ``integrity_check`` / ``quick_check`` rows on a damaged file (a heading, then a line per
    fault, several to a row) as the start of one line: an error is one line naming the file."""
    faults = [line.strip() for row in verdict for line in row.splitlines() if line.strip() and
              not line.startswith("***")]
    return "; ".join(faults[:2]) + (f"; … ({len(faults)})" if len(faults) > 2 else "")


def store_error(path: Path, exc: BaseException, code: str) -> StoreError:
    """The :class:`StoreError` for ``exc`` met at ``path``, Thai first: for a damaged store the way back
    (``sheetsync restore``), since the clerk reading it can do nothing else; otherwise the message
    ``code`` of ``office.yaml`` (``store.cannot-open`` …), given ``store`` and ``why``."""
    said = "error.store-damaged" if damaged(exc) or not code else code
    return StoreError(render(said, "en", source="office.yaml", store=path, why=exc),
                      th=render(said, "th", source="office.yaml", store=path, why=exc))


def store_said(code: str, path: Path, why: object) -> StoreError:
    """The :class:`StoreError` of message ``code`` of ``office.yaml`` about the store at ``path``, Thai first."""
    return StoreError(render(code, "en", source="office.yaml", store=path, why=why),
                      th=render(code, "th", source="office.yaml", store=path, why=why))
