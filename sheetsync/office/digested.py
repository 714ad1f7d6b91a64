"""Which digest listed each file a sync recorded: every outcome is listed by exactly one digest.

A file's outcome, its data and its school's e-mail are committed together, but the office's digest
is queued at the end of the run: a run killed, or stopped by a full disk, in between would leave its
files in no digest (the clerk never hears of schools that were answered and merged). So each outcome
a ``sync`` records waits in the store (``outcomes.digest_run`` empty) until a digest lists it — its
own run's, or the next run's that queues one — and is marked in the transaction that queues that
digest, as bounces are (:func:`sheetsync.office.mailbox.mark_digested`).

``digest_run = 0`` marks an outcome no digest lists: recorded before the store kept this (step 12
of :mod:`.schema`), or by a run that sends no digest (no ``[mail] from``; files only read again
after a restore, which the lost store's digests told of). Files the clerk merges by hand
(``sheetsync merge``) are no run's to digest: only a ``sync``'s are waited for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..check.report import Finding, Report, Result, Severity, Unread
from ..pipeline import INTERNAL, UNREADABLE, failure
from .details import split
from .store import Store

#: ``digest_run`` of an outcome no digest lists.
NO_DIGEST = 0


@dataclass(frozen=True)
class Undigested:
    """A recorded file no digest has listed yet, as the digest takes it."""

    outcome_id: int
    run_id: int
    result: str  # the outcome: merged, refused, quarantined …
    file: Result  # its report's counts, or why it could not be read
    reread: bool  # read again after a restore: listed apart by the digest


def undigested(store: Store) -> list[Undigested]:
    """Every file a ``sync`` run recorded that no digest has listed, oldest first (this run's too)."""
    rows = store.query(
        "SELECT o.id, o.run_id, o.result, o.code, o.detail, o.file, o.form_id, o.recipient, o.errors, o.warnings, "
        "o.sha256 IN (SELECT sha256 FROM put_back) FROM outcomes o JOIN runs r ON r.id = o.run_id "
        "WHERE o.digest_run IS NULL AND r.command = 'sync' ORDER BY o.id")
    return [Undigested(int(r[0]), int(r[1]), str(r[2]), _as_result(r), bool(r[10])) for r in rows]


def mark_listed(store: Store, outcome_ids: Sequence[int], run_id: int) -> None:
    """Record that the digest of run ``run_id`` lists these files (inside the transaction that queues
    it), or, with ``run_id`` :data:`NO_DIGEST`, that none will."""
    store.db.executemany("UPDATE outcomes SET digest_run = ? WHERE id = ?", [(run_id, i) for i in outcome_ids])


def _as_result(row: Sequence[object]) -> Result:
    """A recorded outcome as the digest shows a file: why it was not read (its reason as recorded),
    or a report with as many errors and warnings as the file had. The findings themselves are in
    the school's report; the digest only counts them."""
    code, detail, path = str(row[3]), str(row[4]), Path(str(row[5]))
    if row[2] == "quarantined":
        th, en = split(detail)
        return Unread(path, failure(path, INTERNAL if code == INTERNAL else UNREADABLE, en, th), {"th": th})
    counted: list[tuple[Severity, int]] = [("error", int(str(row[8] or 0))), ("warning", int(str(row[9] or 0)))]
    findings = [Finding(code, severity, "", "", "", None, "", "") for severity, count in counted for _ in range(count)]
    return Report(path, str(row[6] or ""), {"recipient": str(row[7] or "")}, findings)
