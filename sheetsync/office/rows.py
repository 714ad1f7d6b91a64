"""The rows the office's store hands out (:mod:`.store`): an accepted submission, an outcome, and the
time as the store writes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

__all__ = ["OutcomeRow", "Stored", "now"]


@dataclass(frozen=True)
class Stored:
    """One accepted submission as the store keeps it."""

    id: int
    sha256: str
    form_id: str
    form_version: str
    template_id: str
    recipient: str
    key: str
    issued_at: str
    received_at: str
    file: str
    data: dict[str, Any]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutcomeRow:
    """One row of the ``outcomes`` table."""

    id: int
    sha256: str
    file: str
    received_at: str
    result: str
    code: str
    detail: str
    form_id: str
    form_version: str
    template_id: str
    recipient: str
    key: str
    submission_id: int | None
    changes: tuple[str, ...]
    errors: int
    month: str = ""  # the month of the report the file brought, YYYY-MM ('' for none: office/asof.py)


def now() -> str:
    """The current time as stored: ISO 8601 in UTC, to the microsecond (so that it also orders)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
