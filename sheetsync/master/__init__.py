"""The master workbook: merge validated submissions, derive the office's sheets, and issue
next period's templates from it (the round trip).

Library entry points: :func:`merge`, :func:`read_master`, :func:`templates_from_master`.
"""

from __future__ import annotations

from ..errors import MasterError, MasterFormatError, MasterWriteError
from .merging import merge
from .model import Key, LedgerEntry, MasterData, MergeResult, Outcome, Recency, Record
from .roundtrip import templates_from_master
from .store import read_master

__all__ = ["Key", "LedgerEntry", "MasterData", "MasterError", "MasterFormatError",
           "MasterWriteError", "MergeResult", "Outcome", "Recency", "Record", "merge", "read_master",
           "templates_from_master"]
