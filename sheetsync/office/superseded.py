"""reports/ shows each school's current state: an earlier file's reports, once a newer file of the same
school and key is checked, move into ``reports/old/`` (never deleted).

Reports are named by the returned file's name, and a valid file writes no marked-up copy: without
this, a school's old ``…-ตรวจแล้ว.xlsx`` stayed beside the report that says its corrected file passed
(and, the correction sent under another name, every old report stayed), red marks for a school that
is done. The store lists the reports each file wrote (``report_files``), so only that school's, of
that key (a monthly form's other months are other keys), are ever moved. A file that names no school
(not the office's form: its identity not signed) mailed from a school's roster address is that
school's here: its red copy moves once a file of that school passes (``outcomes.sent_by``); one
dropped into the inbox, with no sender, is nobody's and stays.

Two steps: :func:`note_reports`, in the transaction that records the file, lists its reports and
marks those it makes out of date; :func:`move_aside`, after, moves them. A report that cannot be
moved (Windows refuses while Excel has it open) stays listed, and the next run tries again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable

from ..files import FolderNames, move_into
from ..master.model import Outcome
from .store import Store

#: The subfolder of reports/ that earlier files' reports move into.
OLD = "old"
LOG = logging.getLogger("sheetsync")


def note_reports(store: Store, outcome_id: int, outcome: Outcome, names: Iterable[str]) -> None:
    """List ``names`` (files in reports/) as the reports of ``outcome_id``, and mark for moving aside
    the reports of the earlier files of the same form, key and school — except those of the file the
    store holds as current: a newer file with mistakes leaves the passed report of what the office
    holds in place. Call inside the transaction that records the outcome.

    A file whose key or school is not known (unreadable, no key, identity not verified) supersedes nothing.
    A school's file that passes also marks the reports of the files its address mailed that named no
    school (:func:`_sent_by_aside`).
    """
    for name in names:  # a name written again now belongs to this file (the old report was replaced)
        store.db.execute("INSERT INTO report_files (name, outcome_id, aside) VALUES (?, ?, 0) ON CONFLICT (name) "
                         "DO UPDATE SET outcome_id = excluded.outcome_id, aside = 0", (name, outcome_id))
    if outcome.key is None or outcome.result == "quarantined" or not (outcome.key.recipient and
                                                                      outcome.key.project_code):
        return
    form_id, key, recipient = outcome.key
    if outcome.result != "refused":
        _sent_by_aside(store, outcome_id, form_id, recipient)
    store.db.execute(
        "UPDATE report_files SET aside = 1 WHERE outcome_id IN ("
        " SELECT o.id FROM outcomes o WHERE o.form_id = ? AND o.key = ? AND o.recipient = ? AND o.id < ?"
        " AND o.sha256 IS NOT (SELECT s.sha256 FROM current c JOIN submissions s ON s.id = c.submission_id"
        "                      WHERE c.form_id = ? AND c.key = ? AND c.recipient = ?))",
        (form_id, key, recipient, outcome_id, form_id, key, recipient))


def _sent_by_aside(store: Store, outcome_id: int, form_id: str, recipient: str) -> None:
    """Mark for moving aside the reports of the earlier files ``recipient``'s address mailed that named
    no school (``outcomes.sent_by``: not the office's form, or not readable), of ``form_id`` or of no
    form known — once a file of that school and form passes.

    Their key is not compared: it is what an unverified file says of itself, and the code in it names a
    school (perhaps another); what their red copy asks — send the office's form — is done."""
    store.db.execute(
        "UPDATE report_files SET aside = 1 WHERE outcome_id IN ("
        " SELECT o.id FROM outcomes o WHERE o.sent_by = ? AND o.sent_by != '' AND COALESCE(o.recipient, '') = ''"
        " AND o.id < ?"
        " AND COALESCE(o.form_id, '') IN ('', ?))", (recipient, outcome_id, form_id))


def move_aside(store: Store, report_dir: Path) -> list[Path]:
    """Move the reports marked out of date into ``report_dir/old/``; return where each went.

    One already gone (the clerk moved or deleted it) is forgotten; one that cannot be moved (held
    open in Excel on Windows, a folder not writable) stays where it is, said only in the office's
    log, and is tried again by the next run: it is a tidying, never a reason for a failed run.
    """
    moved: list[Path] = []
    old = FolderNames(report_dir / OLD)  # listed once, names compared as Windows does
    for (name,) in store.query("SELECT name FROM report_files WHERE aside = 1 ORDER BY name"):
        source = report_dir / str(name)
        try:
            if source.is_file():
                moved.append(move_into(source, old))
        except OSError as exc:
            LOG.warning("%s: not moved into %s yet (%s); tried again next run", source, OLD, exc)
            continue
        with store.transaction() as db:
            db.execute("DELETE FROM report_files WHERE name = ? AND aside = 1", (name,))
    return moved

