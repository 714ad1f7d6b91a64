"""Fingerprints of locked content, so a moved or tampered layout is told from a good one.

The writer hashes every locked cell it writes; the reader hashes what it finds in the same cells.
Values are normalised first, because a round trip through another program changes types but
not meaning: calamine returns every number as a float and LibreOffice may turn a date into a
datetime at midnight.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from typing import Iterable


#: The metadata row of what a template's open input cells held as issued (:func:`open_fingerprint`).
OPEN = "open_fingerprint"
#: The metadata rows ``(VALUE, n, json)``: what the office-filled locked cells (and, with :data:`OPEN`, the
#: open cells) held as issued, as JSON objects ``{ref: text}`` of at most :data:`VALUE_CHUNK` characters each
#: (a row per cell cost every returned file ~200 cells more to read), so that a row the school deleted can be
#: filled in again (:mod:`sheetsync.check.putback`). Not signed: a value counts only where it makes up a hash
#: that is (its ``locked`` row, or :data:`OPEN`).
VALUE = "values"
#: The most characters of one cell of values: well within a cell's 32,767 UTF-16 units, emoji and all.
VALUE_CHUNK = 8000
#: The metadata rows of three columns (a cell's hash, the values), not the template's identity.
CELL_ROWS = frozenset({"locked", VALUE})


def normalize(value: object) -> str:
    """A program-independent text form of a cell value (``1`` and ``1.0`` are both ``"1"``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def cell_hash(value: object) -> str:
    """A short, stable hash of one cell's normalised value."""
    return hashlib.sha256(normalize(value).encode("utf-8")).hexdigest()[:16]


def combined(hashes: Iterable[tuple[str, str]]) -> str:
    """One fingerprint over ``(cell, hash)`` pairs, independent of their order."""
    joined = "\n".join(f"{ref}={h}" for ref, h in sorted(hashes))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def open_fingerprint(cells: Iterable[tuple[str, object]]) -> str:
    """One fingerprint over what open input cells hold, as ``(cell, value)`` pairs.

    An empty cell counts for nothing: a template whose open cells were all issued empty has the
    fingerprint of none (``combined(())``), whether or not its metadata records one (templates
    issued before it was recorded, or by ``write_template`` alone)."""
    return combined((ref, cell_hash(value)) for ref, value in cells if normalize(value) != "")
