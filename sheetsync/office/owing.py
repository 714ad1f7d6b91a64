"""What the office's digest lists as owed: the summary's own lines.

The roster schools that have sent nothing, or nothing of the period due (:func:`nothing_received`), and
the projects whose fiscal year ended unfinished (:func:`owing`, :mod:`.yearend`): the digest lists the
lines the summary shows so, built from :func:`.summary.summary_lines` and :func:`.summary.status_of`, so
the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..clock import Zone
from ..master.model import Key
from ..roster import Recipient
from ..spec.form import Form
from .asof import Months, as_of, held
from .due import Due, main_due
from .sheets import forms_of, record_of
from .spec import MasterSpec, master_spec
from .store import OutcomeRow, Store
from .summary import NOTHING, Digest, expected_since, not_sent, status_of, summary_lines
from .waivers import holding, with_waivers
from .yearend import keeps_years, owed, owed_months, owing_status


@dataclass(frozen=True)
class Owed:
    """A roster school's project that owes the last month(s) of its ended fiscal year."""

    recipient: str
    school: str
    key: str
    months: str  # as the clerk reads them: ``กันยายน 2563``

    def row(self) -> tuple[str, str, str, str]:
        """The digest's row of it: recipient, school, key, months."""
        return self.recipient, self.school, self.key, self.months


def owing(records: list[Digest], roster: Sequence[Recipient], outcomes: list[OutcomeRow],
          specs: Mapping[str, MasterSpec], period: str | None) -> list[Owed]:
    """The lines of roster schools whose summary status says they owe a year's last months, in the
    summary's order (a school taken off the roster owes nothing, nor a project the clerk waived,
    :mod:`.waivers`; a file to fix shows as that instead).

    :param records: the digest of every current submission, made with its form (:meth:`Digest.of`).
    :param period: the office's reporting period, ``YYYY-MM`` (None: nothing is owed).
    """
    since = expected_since(period)
    people = {r.id: r for r in roster}
    found: list[Owed] = []
    for line in summary_lines(records, roster, outcomes, specs):
        spec = specs.get(line.form_id)
        months = owed(line.record, spec, since) if line.recipient in people else ()
        if months and status_of(line, spec, since) == owing_status(months):
            found.append(Owed(line.recipient, people[line.recipient].school, line.key, owed_months(months)))
    return found


def owing_in_store(store: Store, forms: Mapping[str, Form], roster: Sequence[Recipient], period: str | None,
                   zone: Zone = None) -> list[Owed]:
    """:func:`owing` of the master view of ``period`` (the store's current when none is later; without a
    period, the month of the latest report, as the view's summary takes it).

    Reads every current submission once, only when some form keeps a fiscal year per key.

    :raises StoreError: the store cannot be read.
    """
    if not any(keeps_years(form) for form in forms.values()):
        return []
    specs = {form_id: master_spec(form) for form_id, form in forms.items()}
    past = as_of(store, Months(forms, specs, zone), period)
    shown = past.versions() if past else store.current()
    outcomes = past.outcomes(store.outcomes()) if past else store.outcomes()
    digests = with_waivers((Digest.of(record_of(s), specs.get(s.form_id), forms.get(s.form_id)) for s in shown),
                           holding(store))  # a project waived by the clerk owes nothing
    latest = max((d.latest_date for d in digests), default="")[:7] or None
    return owing(digests, roster, outcomes, specs, period or latest)


def nothing_received(roster: Sequence[Recipient], keys: Iterable[Key], outcomes: list[OutcomeRow],
                     due: Due | None = None, waived: Mapping[tuple[str, str], str] | None = None) -> list[Recipient]:
    """The roster recipients whose summary status is ``ยังไม่ได้รับรายงาน`` (no current submission,
    and no file of theirs refused or unreadable either) or, with ``due``, ``ยังไม่ส่ง`` that period,
    in roster order.

    The office's digest lists these as "not sent": built from :func:`summary_lines` and
    :func:`status_of` so that the digest and the master's summary never disagree. A roster row listing
    several codes is listed with the codes whose lines say so as its ``project_code``: once, or, with
    ``due``, once for each code (each owes its own report of the period).

    :param keys: the key of every current submission (whom each is from, and its period, matter here).
    :param outcomes: every outcome, oldest first (:meth:`Store.outcomes`).
    :param due: the period due of the office's form with a period (:func:`.due.main_due`).
    :param waived: (recipient, code) → reason of each project the clerk waived (:func:`.waivers.holding`):
        not listed, its lines say so.
    """
    records = [Digest(key, None, 0, {}, None, None) for key in keys]
    since = expected_since(None)  # the period only tells late from up to date, never "nothing"
    specs = {due.form_id: due.spec} if due else {}
    unsent = {NOTHING, not_sent(due.label) if due else NOTHING}
    codes: dict[str, dict[str, None]] = {}
    for line in summary_lines(records, roster, outcomes, specs, due, waived):
        if status_of(line, None, since) in unsent:
            code = due.spec.split(line.key)[0] if due and line.form_id in (due.form_id, "") else line.key
            codes.setdefault(line.recipient, {})[code] = None
    return [listed for r in roster if r.id in codes for listed in _as_listed(r, list(codes[r.id]), due)]


def _as_listed(entry: Recipient, codes: list[str], due: Due | None) -> list[Recipient]:
    """``entry`` as the digest lists it, for its ``codes`` not sent: as it is when its row names one
    code; else narrowed to those codes, once for every code of a period due (else once for all)."""
    if len(entry.codes) < 2:
        return [entry]
    if due is None:
        return [replace(entry, project_code=", ".join(codes))]
    return [replace(entry, project_code=code) for code in codes]


def not_received(store: Store, people: list[Recipient], forms_dirs: Iterable[Path],
                 period: str | None, zone: Zone) -> tuple[list[Recipient], str, list[Owed]]:
    """What the office's digest says is owed: the roster schools the office has nothing from, in any
    run, or, for a form with a period (``master: period``), nothing of the period due — the master
    summary's ``ยังไม่ได้รับรายงาน`` / ``ยังไม่ส่ง``, not "sent nothing in this batch" (a clerk would
    chase schools that reported last week), of the period's view (:mod:`.asof`); the period due ('' for
    none); and the projects whose fiscal year ended with months not sent (:func:`owing_in_store`)."""
    forms = forms_of([str(r[0]) for r in store.query("SELECT DISTINCT form_id FROM current")], tuple(forms_dirs))
    keys, outcomes = held(store, forms, period, zone)
    due = main_due(forms, keys, period)
    # A project waived owes nothing, the month due of a form with a period included: as the master says.
    return (nothing_received(people, keys, outcomes, due, holding(store)), due.period if due else "",
            owing_in_store(store, forms, people, period, zone))
