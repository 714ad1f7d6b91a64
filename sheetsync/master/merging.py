"""Merging submitted files into the master workbook.

The rules, applied to each batch while holding the master's lock:

1. Every file is read and validated. A file with errors is ``refused`` (warnings do not stop a
   file: they are merged and listed). Its key is (form id, project code, recipient).
2. Within the batch, files for the same key are ordered by :class:`~.model.Recency`; the newest
   goes on, the others are ``superseded`` (and reported). A file given twice counts once.
3. The newest file for a key is compared with the master's submission for that key: no
   submission yet → ``merged``; the same data → ``unchanged``; older than the stored one →
   ``superseded``; otherwise → ``replaced``, listing the JSON pointers that changed.
4. Every file goes into the ledger with its result — except a file whose bytes are already
   merged, or one the ledger already holds with the same SHA-256 and result: that is what makes
   merging the same file twice change nothing.
5. If anything changed, every sheet is recomputed and the new master replaces the old one
   atomically (the old one is kept as ``<master>.bak``); otherwise the file is not touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from ..errors import UnknownFormError
from ..spec.form import Form
from ..spec.registry import find_form
from ..roster import read_roster
from ..text import safe_text
from .atomic import remove_leftovers, replace_with_backup
from .changes import changed_pointers
from .derive import derived_sheets
from ..errors import MasterError, MasterWriteError
from .layout import Sheet
from .lock import master_lock
from .model import Key, LedgerEntry, MasterData, MergeResult, Outcome, Record
from .store import data_sheet, ledger_sheet, read_master, roster_sheet
from .submission import Submission, read_submission
from .workbook import write_workbook
from .workbook_ods import write_workbook_ods

#: Writers of the master, by extension.
WRITERS: dict[str, Callable[[list[Sheet], Path], None]] = {".xlsx": write_workbook, ".ods": write_workbook_ods}


def merge(paths: Iterable[str | Path], master_path: str | Path, *, today: dt.date | None = None,
          roster: str | Path | None = None, forms_dirs: Iterable[str | Path] = (),
          now: dt.datetime | None = None) -> MergeResult:
    """Merge submitted files into the master workbook at ``master_path`` (created if missing).

    :param paths: filled templates (.xlsx / .ods); only those without errors are merged.
    :param today: the day the summary's status is computed for (default: today).
    :param roster: a roster CSV of who is expected to report (see :func:`sheetsync.roster.read_roster`);
        kept in the master until another is given, it adds "no report" rows to the summary.
    :param forms_dirs: extra folders of forms, as for :func:`~sheetsync.read_filled`.
    :param now: when the files are received (default: now); recorded in the ledger.
    :returns: one outcome per file, in the order given.
    :raises MasterLockedError: another merge is running on this master.
    :raises MasterFormatError: ``master_path`` exists but is not a sheetsync master.
    :raises MasterWriteError: the new master could not be written (the old one is unchanged).
    :raises RosterError: the roster cannot be used (:mod:`sheetsync.roster`; checked before locking).

    Example::

        result = merge(["inbox/school-01.xlsx", "inbox/school-02.xlsx"], "master.xlsx")
        for outcome in result.outcomes:
            print(outcome.path.name, outcome.result, outcome.detail)
    """
    master = Path(master_path)
    write = WRITERS.get(master.suffix.lower())
    if write is None:
        raise MasterError(f"{master.name}: a master must be an {' or '.join(WRITERS)} file")
    dirs = tuple(forms_dirs)
    expected = read_roster(roster) if roster is not None else None
    received = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    try:
        master.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MasterWriteError(f"{master.name}: cannot create the folder {master.parent} ({exc.strerror})") from exc
    with master_lock(master):
        remove_leftovers(master)
        stored = read_master(master) if master.exists() else MasterData()
        outcomes, records = _decide([Path(p) for p in paths], stored, received, dirs)
        ledger = _ledger(stored.ledger, outcomes, received)
        people = stored.roster if expected is None else expected
        changed = any(o.result in ("merged", "replaced") for o in outcomes) or people != stored.roster
        if not changed and len(ledger) == len(stored.ledger):
            return MergeResult(master, outcomes, written=False)
        ordered = [records[k] for k in sorted(records)]
        sheets = [*derived_sheets(ordered, _forms(ordered, dirs), today or dt.date.today(), people),
                  ledger_sheet(ledger), data_sheet(ordered), roster_sheet(people)]
        backup = replace_with_backup(master, lambda tmp: write(sheets, tmp))
    return MergeResult(master, outcomes, written=True, backup=backup)


def _decide(paths: list[Path], stored: MasterData, received: str,
            dirs: tuple[str | Path, ...]) -> tuple[list[Outcome], dict[Key, Record]]:
    """The outcome of every file, and the records of the new master."""
    outcomes: dict[int, Outcome] = {}
    newest: dict[Key, Submission] = {}
    first: dict[str, Submission | Outcome] = {}
    for index, path in enumerate(paths):
        read = read_submission(path, index, dirs)
        if read.sha256 in first:
            outcomes[index] = _duplicate(path, first[read.sha256])
            continue
        if read.sha256:
            first[read.sha256] = read
        if isinstance(read, Outcome):
            outcomes[index] = read
            continue
        winner, rival = read, newest.get(read.key)
        if rival is not None:
            loser, winner = (rival, read) if rival.newness() <= read.newness() else (read, rival)
            outcomes[loser.index] = loser.outcome("superseded", "newer-in-batch",
                                                  f"a newer file for the same key: {winner.path.name}")
        newest[read.key] = winner
    records = dict(stored.records)
    for sub in newest.values():
        outcomes[sub.index] = _against_master(sub, records, received)
    return [outcomes[i] for i in range(len(paths))], records


def _duplicate(path: Path, first: Submission | Outcome) -> Outcome:
    """A file given twice in one batch: a refused file stays refused, anything else is unchanged."""
    detail = f"the same file as {first.path.name} in this batch"
    if isinstance(first, Outcome) and first.result == "refused":
        return replace(first, path=path, detail=f"{detail}: {first.detail}")
    return Outcome(path, "unchanged", "same-file", first.key, first.sha256, detail)


def _against_master(sub: Submission, records: dict[Key, Record], received: str) -> Outcome:
    """Compare the newest file of a key with the master's submission; update ``records``."""
    current = records.get(sub.key)
    warned = f"; {len(sub.warnings)} warning(s): {', '.join(sub.warnings)}" if sub.warnings else ""
    if current is None:
        records[sub.key] = _record(sub, received)
        return sub.outcome("merged", "new", f"new{warned}")
    changes = tuple(changed_pointers(current.data, sub.data))
    if not changes:
        code = "same-file" if current.sha256 == sub.sha256 else "same-data"
        return sub.outcome("unchanged", code, f"the same data as {current.file} (merged {current.merged_at})")
    if sub.recency.sort_key() < current.recency.sort_key():
        return sub.outcome("superseded", "older-than-master",
                           f"older than {current.file} in the master (issued {current.recency.issued_at})")
    records[sub.key] = _record(sub, received)
    return sub.outcome("replaced", "newer", f"replaces {current.file}; changed: {', '.join(changes)}{warned}",
                       changes)


def _record(sub: Submission, received: str) -> Record:
    return Record(sub.key, sub.form_version, sub.template_id, sub.recency, safe_text(sub.path.name), sub.sha256,
                  received, sub.data)


def _ledger(old: list[LedgerEntry], outcomes: list[Outcome], received: str) -> list[LedgerEntry]:
    """The old ledger plus one entry per outcome the ledger does not hold yet."""
    known = {(e.sha256, e.result) for e in old if e.sha256}
    entries = list(old)
    for o in outcomes:
        # A file whose very bytes are already merged adds nothing; nor does a repeated refusal.
        if o.code == "same-file" or (o.sha256 and (o.sha256, o.result) in known):
            continue
        known.add((o.sha256, o.result))
        form_id, code, recipient = o.key if o.key else ("", "", "")
        entries.append(LedgerEntry(received, safe_text(o.path.name), o.sha256, form_id, o.form_version, o.template_id,
                                   recipient, code, o.result, o.detail))
    return entries


def _forms(records: list[Record], dirs: tuple[str | Path, ...]) -> dict[str, Form]:
    """The forms of the stored submissions (a form no longer installed only loses its headers)."""
    forms: dict[str, Form] = {}
    for form_id in sorted({r.key.form_id for r in records}):
        try:
            forms[form_id] = find_form(form_id, dirs)
        except UnknownFormError:
            continue
    return forms
