"""What becomes of one checked file in the store: its outcome, decided and recorded in one transaction.

Rules (the store is the only memory; nothing depends on the order files are given in, except
arrival order itself):

1. A file whose bytes the store has seen adds nothing: it gets its earlier result back, with the
   code ``same-file``.
2. A file that could not be read is ``quarantined`` (code ``unreadable`` or ``internal-error``);
   the template as the office issued it, nothing typed, is ``refused`` (``as-issued``: office/unfilled.py);
   one with errors is ``refused`` (``invalid``); one whose form key is empty is ``refused``
   (``no-key``). Warnings do not stop a file.
3. Otherwise its key is (form, the form's key values, recipient), compared with the store's
   current submission for that key: none → ``merged``; the same data → ``unchanged``; a template
   issued earlier than the current one's → ``superseded``; else → ``replaced`` (listing the JSON
   pointers that changed). *Newer* is decided by what the office knows — the template's issue
   time, then arrival order — never by a save time the school's computer writes into the file.
4. Every readable valid file's data is kept as a new version (never overwritten), and every file
   gets one outcome row; the e-mails about it are queued in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from ..master.changes import changed_pointers
from ..master.model import Key, Outcome, moment
from ..pipeline import INTERNAL, FileResult
from ..check.findings import labels
from ..check.report import Finding
from ..clock import Zone, local
from ..text import safe_text
from .answered import Answer, take_turn
from .asof import report_month
from .joining import Joining, queue_answer
from .outbox import answered_alike
from .details import again, findings_detail, joined, pair, replaced, split
from .spec import master_spec
from .store import Store, Stored, now
from .superseded import note_reports
from .unfilled import AS_ISSUED, sent_as_issued

PROCESSED, QUARANTINE = "processed", "quarantine"


@dataclass(frozen=True)
class Recorded:
    """The outcome of one file and where it must be set aside (``processed`` / ``quarantine``)."""

    outcome: Outcome
    disposition: str
    new: bool  # False when the store already knew these bytes
    reason: str = ""  # the note kept beside it in quarantine
    #: The file was received by a store since lost, and a restore put it back into the inbox: read
    #: again, not sent again by its school (its detail says so, the digest lists it apart).
    reread: bool = False


def record_file(store: Store, item: FileResult, *, run_id: int | None = None, name: str | None = None,
                mails: Sequence[tuple[str, bytes]] = (), recipient_hint: str = "", sent_by: str = "",
                kept: bool = False, size: int | None = None, zone: Zone = None, answer: Answer | None = None,
                joining: Joining | None = None) -> Recorded:
    """Decide and record ``item``'s outcome, its data and its e-mails in one transaction.

    :param name: the file's name as the office keeps it (default: ``item.path.name``).
    :param kept: the file is not the inbox's to move (``sheetsync merge`` of the clerk's own file):
        recorded as set aside already, so a copy mailed later is answered as already received.
    :param mails: ``(name, message bytes)`` to queue with the outcome.
    :param answer: what ``mails`` are when they answer a fetched message: they are queued only
        if the office may still answer its address today (:func:`sheetsync.office.answered.take_turn`).
    :param joining: how the one mail of ``mails`` joins the answers on the other files of the message
        it answers, to leave in one e-mail (:mod:`sheetsync.office.joining`).
    :param recipient_hint: for a file that cannot be read, the roster recipient its name points to.
    :param sent_by: the roster school whose address mailed the file (:func:`sheetsync.office.rostered.mailed_by`),
        kept with an outcome that names no school (an identity the office's key does not vouch for, a
        file that cannot be read): it is that school's in ``history`` and in the tidying of reports/,
        never in its data or its state (a From line can be forged).
    :param size: the file's size as it was read (default: looked up at ``item.path``).
    :param zone: the office's time zone (None: this computer's): a detail naming a time says it in it.
    """
    name = safe_text(name or item.path.name)  # a file name is the school's text too
    with store.transaction():
        known = store.outcomes("sha256 = ?", (item.sha256,)) if item.sha256 else []
        if known:
            first = known[0]
            key = Key(first.form_id, first.key, first.recipient) if first.form_id else None
            detail = again(first.file, _when(first.received_at, zone), first.detail)
            result: Any = first.result if first.result in ("refused", "quarantined") else "unchanged"
            return Recorded(Outcome(item.path, result, "same-file", key, item.sha256, detail),
                            store.seen(item.sha256) or PROCESSED, new=False)
        outcome = _decide(store, item, name, zone)
        if outcome.result == "quarantined" and recipient_hint:
            outcome = Outcome(outcome.path, outcome.result, outcome.code, Key("", "", recipient_hint),
                              outcome.sha256, outcome.detail)
        put_back = store.query("SELECT backup FROM put_back WHERE sha256 = ?", (item.sha256,)) if item.sha256 else []
        if put_back:  # history and the ledger say why the file is here again
            outcome = replace(outcome, detail=joined(pair("reread", backup=put_back[0][0]), split(outcome.detail)))
        # The month of the report it brought: a refused file keeps no data, and a past month's view dates it.
        month = report_month(master_spec(item.form), item.data) if item.form is not None else ""
        row = _row(outcome, name, run_id)
        row_id = store.add_outcome(row | {"month": month, "sent_by": "" if row["recipient"] else sent_by})
        note_reports(store, row_id, outcome, [p.name for p in item.outputs])  # reports/ shows the latest
        disposition = QUARANTINE if outcome.result == "quarantined" else PROCESSED
        reason = reason_of(item, outcome.detail)
        if item.sha256:  # the reason is kept too: a file not moved now is set aside with it next run
            store.add_file(item.sha256, name, _size(item.path) if size is None else size, run_id, row_id, disposition,
                           reason=reason, set_aside=kept)
        if mails and item.sha256 and _adopted(store, item.sha256):
            mails = ()  # answered by a mail the outbox kept while the store was lost (restore): not twice
        elif mails and put_back and all([answered_alike(store, item.sha256, *mail) for mail in mails]):
            mails = ()  # the same answer, in an e-mail written by an older sheetsync that does not name its file
        elif mails and answer is not None and not take_turn(store, answer, run_id):
            mails = ()  # over the day's answers to that address: checked and recorded, not answered
        for mail_name, message in mails:
            if joining is not None and item.sha256 and len(mails) == 1:
                queue_answer(store, item.sha256, run_id, mail_name, message, joining)
            else:
                store.queue_mail(item.sha256, run_id, mail_name, message)
    return Recorded(outcome, disposition, new=True, reason=reason, reread=bool(put_back))


def _adopted(store: Store, sha256: str) -> bool:
    """Whether a mail the outbox kept while the store was lost answers the file ``sha256`` (its own, or
    one carrying the answers on several files of its message: office/joining.py)."""
    return bool(store.query("SELECT 1 FROM outbox WHERE sha256 = ? AND run_id IS NULL AND sha256 IS NOT NULL "
                            "UNION ALL SELECT 1 FROM answers WHERE sha256 = ? AND run_id IS NULL AND kind = 'report' "
                            "LIMIT 1", (sha256, sha256)))


def reason_of(item: FileResult, detail: str) -> str:
    """The note kept beside a file set aside: why, in plain words (Thai, then English) when it could
    not be read, then the technical line."""
    plain = [item.why[lang][:1].upper() + item.why[lang][1:] for lang in ("th", "en") if item.why.get(lang)]
    detail = split(detail)[1]  # the Thai is in the plain words already
    technical = detail if detail.startswith(f"{item.path.name}: ") else f"{item.path.name}: {detail}"
    return "\n".join([*plain, technical])


def disposition_of(item: FileResult) -> str:
    """Where ``item``'s file goes once recorded: ``quarantine`` when it could not be read as a
    form (or sheetsync failed on it), else ``processed``."""
    unread = item.failure is not None or item.report is None or item.form is None
    return QUARANTINE if unread else PROCESSED


def _decide(store: Store, item: FileResult, name: str, zone: Zone) -> Outcome:
    path = item.path
    if item.failure is not None or item.report is None or item.form is None:  # as disposition_of
        code = "internal-error" if item.failure is not None and item.failure.code == INTERNAL else "unreadable"
        th, en = pair("unreadable")
        return Outcome(path, "quarantined", code, None, item.sha256,
                       joined((item.why.get("th") or th, item.error or en)))
    meta, report = item.metadata, item.report
    spec = master_spec(item.form)
    recipient = report.recipient.strip()  # none when the identity did not verify: not that school's outcome
    key = Key(item.form.id, spec.key_of(item.data), recipient)
    version, template_id = str(meta.get("form_version", "")), str(meta.get("template_id", ""))
    warnings = tuple(_where(f) for f in report.warnings)
    common: dict[str, Any] = {"warnings": warnings, "form_version": version, "template_id": template_id}
    if sent_as_issued(item):  # nothing typed: no version kept, and no file to fix (office/unfilled.py)
        return Outcome(path, "refused", AS_ISSUED, key, item.sha256, joined(pair(AS_ISSUED)),
                       errors=len(report.errors), **common)
    if not report.valid:
        errors = report.errors
        return Outcome(path, "refused", "invalid", key, item.sha256, joined(findings_detail("invalid", errors)),
                       errors=len(errors), **common)
    if (spec.key or spec.period) and not key.project_code:
        pointers = spec.key + spec.period
        fields = ", ".join(labels(item.form, p)[0] or p for p in pointers)
        return Outcome(path, "refused", "no-key", key, item.sha256,
                       joined(pair("no-key", fields=fields, pointers=", ".join(pointers))), **common)
    received = now()
    issued = str(meta.get("issued_at", ""))
    sub = Stored(0, item.sha256, key.form_id, version, template_id, recipient, key.project_code, issued, received,
                 name, item.data, warnings)
    current = store.current_of(*key)
    warned = findings_detail("warned", report.warnings) if warnings else ("", "")
    if current is None:
        store.set_current(store.add_submission(sub), *key)
        return Outcome(path, "merged", "new", key, item.sha256, joined(pair("new"), warned), **common)
    changes = tuple(changed_pointers(current.data, item.data))
    if not changes:
        return Outcome(path, "unchanged", "same-data", key, item.sha256,
                       joined(pair("same-data", file=current.file, when=_when(current.received_at, zone))), **common)
    sub_id = store.add_submission(sub)
    if moment(issued) < moment(current.issued_at):
        return Outcome(path, "superseded", "older-than-store", key, item.sha256,
                       joined(pair("older", file=current.file, issued=_when(current.issued_at, zone))), changes,
                       **common)
    store.set_current(sub_id, *key)
    newer = replaced(current.file, current.data, item.data, changes, item.form)
    return Outcome(path, "replaced", "newer", key, item.sha256, joined(newer, warned), changes, **common)


def _when(stored: str, zone: Zone) -> str | dt.datetime:
    """A stored time for a detail: in the office's zone (as stored when it cannot be read)."""
    return local(stored, zone) or stored[:19]


def _row(o: Outcome, name: str, run_id: int | None) -> dict[str, Any]:
    form_id, key, recipient = o.key if o.key else ("", "", "")
    return {"sha256": o.sha256, "file": name, "received_at": now(), "run_id": run_id, "result": o.result,
            "code": o.code, "detail": o.detail, "form_id": form_id, "form_version": o.form_version,
            "template_id": o.template_id, "recipient": recipient, "key": key, "changes": o.changes,
            "errors": o.errors, "warnings": len(o.warnings)}


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size  # the entry's own: a link put in its place is not followed
    except OSError:
        return 0


def _where(finding: Finding) -> str:
    return f"{finding.code}@{finding.cell}"


def name_as_kept(item: FileResult, kept_as: str) -> None:
    """Give ``item`` (and its report) the name it is kept under: the school's second "report.xlsx" is
    "report-2.xlsx" in processed/, in reports/, the master and history, so its outcome (the table ``sync``
    prints), the digest and summary say so too (the schools' answers, written before, keep the name the
    school gave it; :func:`record_file` is then given the item renamed). The reason an unreadable
    file was not read names it too ("report.xlsx: not a spreadsheet"): beside "report-2.xlsx" it named
    the first file, refused before."""
    named = f"{item.path.name}: "
    item.path = item.path.with_name(kept_as)
    if item.report is not None:
        item.report.path = item.path
    if item.failure is not None and isinstance(item.failure.value, str) and item.failure.value.startswith(named):
        item.failure = replace(item.failure, value=f"{kept_as}: {item.failure.value.removeprefix(named)}")
