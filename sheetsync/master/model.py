"""The master's data as Python objects: keys, stored submissions, ledger rows, merge outcomes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ..messages import both, render
from ..roster import Recipient

#: What became of one submitted file.
Result = Literal["merged", "replaced", "unchanged", "refused", "superseded", "quarantined"]
RESULTS: tuple[Result, ...] = ("merged", "replaced", "unchanged", "refused", "superseded", "quarantined")
#: Thai labels of the results, as the ledger shows them (``sheetsync/messages/office.yaml``, ``result.*``).
RESULTS_TH: dict[str, str] = {r: render(f"result.{r}", "th", source="office.yaml") for r in RESULTS}
_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)


def result_words(result: str) -> str:
    """A result as the clerk reads it, Thai then the stored code: ``"รวมแล้ว / merged"``."""
    return both(f"result.{result}") if result in RESULTS else result


class Key(NamedTuple):
    """What one row of the master stands for: a form, a project and the recipient reporting on it."""

    form_id: str
    project_code: str
    recipient: str


def moment(text: str) -> dt.datetime:
    """An ISO 8601 timestamp as an aware UTC datetime (naive means UTC; unreadable sorts first)."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return _EPOCH
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class Recency:
    """How new a submission is, compared field by field.

    1. ``issued_at`` — when the template was issued (its hidden metadata): a template of a later
       period always beats one of an earlier period, whatever the files' save times;
    2. ``saved_at`` — when the file was last saved, as recorded inside the file (``dcterms:modified``
       of an .xlsx, ``dc:date`` of an .ods; the file system's modification time when absent):
       tells a corrected copy of the same template from the first one.
    Equal on both counts, the file named later in the batch wins.
    """

    issued_at: str
    saved_at: str

    def sort_key(self) -> tuple[dt.datetime, dt.datetime]:
        """A tuple that orders submissions from oldest to newest."""
        return moment(self.issued_at), moment(self.saved_at)


@dataclass
class Record:
    """One key's current submission, as the hidden ``_data`` sheet stores it."""

    key: Key
    form_version: str
    template_id: str
    recency: Recency
    file: str
    sha256: str
    merged_at: str
    data: dict[str, Any]


@dataclass(frozen=True)
class LedgerEntry:
    """One row of the ``_ledger`` sheet: a submission that was received, and what became of it."""

    received_at: str
    file: str
    sha256: str
    form_id: str
    form_version: str
    template_id: str
    recipient: str
    project_code: str
    result: str
    detail: str


@dataclass
class MasterData:
    """Everything a master holds that is not derived: the submissions, the ledger and the roster."""

    records: dict[Key, Record] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    roster: list[Recipient] = field(default_factory=list)  # who is expected to report


@dataclass(frozen=True)
class Outcome:
    """What the merge did with one file.

    ``code`` says why, in a stable slug: ``new`` / ``newer`` (merged, replaced), ``same-file`` /
    ``same-data`` (unchanged), ``invalid`` / ``no-key`` (refused), ``unreadable`` /
    ``internal-error`` (quarantined), ``older-than-store`` (superseded). ``key.project_code``
    holds the values of the form's declared key (``master: key:`` in its layout). ``changes`` lists the JSON pointers
    that differ from the replaced submission; ``warnings`` the warning findings as ``code@cell``;
    ``errors`` how many errors a refused file had.
    """

    path: Path
    result: Result
    code: str
    key: Key | None = None
    sha256: str = ""
    detail: str = ""
    changes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    errors: int = 0
    form_version: str = ""
    template_id: str = ""


@dataclass
class MergeResult:
    """The outcome of one merge: one :class:`Outcome` per file, in the order given."""

    master: Path
    outcomes: list[Outcome]
    written: bool  # False when nothing new had to be recorded (the master file was left alone)
    backup: Path | None = None
    kept_aside: Path | None = None  # the previous view, edited since it was rendered, moved aside
    not_read: list[str] = field(default_factory=list)  # files the file system kept from being read: nothing recorded

    def by_result(self, result: Result) -> list[Outcome]:
        """The outcomes with this result."""
        return [o for o in self.outcomes if o.result == result]

    def counts(self) -> dict[str, int]:
        """How many files had each result (every result listed, zeros included)."""
        return {r: len(self.by_result(r)) for r in RESULTS}
