"""The master's summary sheet (สรุป): one line per roster school and key, its status highlighted, and
the total to send up the line below (:mod:`.total`). The lines and their statuses are
:mod:`.summary`'s; this module lays them out as the sheet's columns, as the forms declare them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..master.derive import as_date, number, share
from ..master.layout import Column, Highlight, Sheet
from ..roster import Recipient
from ..spec.form import Form
from .corrected import corrected_keys, still_news
from .due import main_due
from .headings import ALWAYS, SUMMARY_ROLES, declared, flag_labels, summary_headings
from .spec import MasterSpec, master_spec
from .store import OutcomeRow
from .summary import (COMPLETE, CORRECTED, GREY, LATE, LEFT, MUST_FIX, NOTHING, ORANGE, PINK, RED, SCREEN_ONLY,
                      SUMMARY, SUMMARY_SHAPES, SUMMARY_WRAPPED, UNREADABLE, Digest, Line, expected_since, not_sent,
                      ordered_forms, status_of, summary_lines)
from .total import replaced_codes, total_rows
from .waivers import waived_line
from .yearend import owed, owing_status

__all__ = ["summary_sheet"]


def summary_sheet(records: list[Digest], forms: dict[str, Form], roster: Sequence[Recipient],
                  outcomes: list[OutcomeRow], period: str | None, left: Mapping[str, Recipient] | None = None,
                  waived: Mapping[tuple[str, str], str] | None = None) -> Sheet:
    """One line per roster recipient and key: name, network, latest row, totals, status.

    Only the columns some form declares in its ``master:`` entry are shown (see :mod:`.headings`),
    each headed as the first form declaring it heads it.

    :param records: the digest of every current submission (:meth:`Digest.of`).
    :param left: recipient id → each recipient taken off the roster as last listed
        (:meth:`Store.roster_left_people`): its lines show its name and network, and say it is no longer listed.
    :param waived: (recipient, code) → reason of each project the clerk waived (:func:`.waivers.holding`),
        whether or not it ever reported (:func:`summary_lines`).
    """
    ordered = ordered_forms(forms)
    specs = {form.id: master_spec(form) for form in ordered}
    main = specs[ordered[0].id] if ordered else None
    # A roster with no network column would print an empty column on every page.
    roles = [role for role in _summary_roles(specs.values()) if role != "network" or any(r.network for r in roster)]
    columns = _summary_columns(ordered, roles)
    people = {r.id: r for r in roster}
    due = main_due(forms, [d.key for d in records], period)
    lines = summary_lines(records, roster, outcomes, specs, due, waived)
    corrected = corrected_keys(outcomes, specs)
    # A recipient with nothing yet still shows the name others reported for the same key.
    named = {_split(r.key.form_id, r.key.project_code, specs, main)[0]: r.title for r in records}
    since = expected_since(period)
    gone = {who for who in left or {} if who not in people}  # taken off: neither counted nor added in the total
    renumbered = replaced_codes(lines, people, lambda line: _split(line.form_id, line.key, specs, main)[0])

    def apart(line: Line) -> bool:  # nothing is due from it: its recipient, or its code, is off the roster
        # An old code whose year ended unfinished still owes its last months: not set apart.
        return line.recipient in gone or (line.recipient, line.key) in renumbered and not owed(
            line.record, specs.get(line.form_id, main), since)

    def rows() -> Iterator[list[Any]]:
        for line in lines:
            form_id = line.record.key.form_id if line.record else None
            spec = specs.get(form_id, main) if form_id else main
            values = _summary_values(line, spec, forms.get(form_id) if form_id else None, since)
            code, when = _split(form_id or (line.last.form_id if line.last else ""), line.key, specs, main)
            if apart(line) and (line.recipient in gone or not waived_line(line)):  # a waiver shows as such
                values["status"] = LEFT
            listed = people.get(line.recipient) or (left or {}).get(line.recipient)
            values |= {"school": listed.school if listed else "",
                       "network": listed.network if listed else "", "key": code,
                       "period": (spec.period_label(when) if spec else when) or None,  # as the template shows it
                       "title": line.record.title if line.record else named.get(code),
                       "corrected": CORRECTED if (fixed := corrected.get((line.recipient, line.key))) and still_news(
                           fixed, values.get("status") in (COMPLETE, LEFT), period) else None}
            yield [values.get(role) for role in roles]

    status = roles.index("status")
    owing = {owing_status(months) for line in lines if line.recipient not in gone
             and (months := owed(line.record, specs.get(line.form_id, main), since))}
    highlights = (Highlight(status, MUST_FIX, RED), Highlight(status, UNREADABLE, RED),
                  Highlight(status, LATE, ORANGE), Highlight(status, NOTHING, GREY),
                  *(Highlight(status, said, ORANGE) for said in sorted(owing | ({not_sent(due.label)} if due else set()))),
                  *(Highlight(roles.index(r), None, PINK) for r in ("notes", "corrected") if r in roles))
    printed = len([role for role in roles if role not in SCREEN_ONLY])
    assert roles[printed:] == [role for role in roles if role in SCREEN_ONLY]  # a print area takes leading columns
    return Sheet(SUMMARY, columns, rows(), len(lines), freeze_columns=2, highlights=highlights, print_columns=printed,
                 # A blank row first: Calc's and Excel's sort buttons take the block of filled rows
                 # around the cursor, which would take the total in with the lines.
                 footer=([None] * len(roles), *total_rows(lines, roles, ordered[0] if ordered else None, due, apart, lambda line: bool(owed(
                     line.record, specs.get(line.form_id, main), since)), waived_line)))


def _split(form_id: str, key: str, specs: Mapping[str, MasterSpec], main: MasterSpec | None) -> tuple[str, str]:
    """A line's key as (code, period) under its form's declaration (``master: period``)."""
    spec = specs.get(form_id, main)
    return spec.split(key) if spec else (key, "")


def _summary_roles(specs: Iterable[MasterSpec]) -> list[str]:
    """The summary's columns (by role) that some form declares, in :data:`SUMMARY_ROLES` order."""
    shown = set(ALWAYS).union(*(declared(spec) for spec in specs))
    return [role for role in SUMMARY_ROLES if role in shown]


def _summary_columns(ordered: list[Form], roles: list[str]) -> tuple[Column, ...]:
    """The columns of ``roles``, each headed as the first form declaring it heads it."""
    titles = summary_headings(None, None)
    for form in reversed(ordered):  # the first form's headings win
        spec = master_spec(form)
        own = summary_headings(form, spec)
        titles |= {role: own[role] for role in own if role in declared(spec) | {"key", "title"}}
    return tuple(Column(titles[role], *SUMMARY_SHAPES[role], wrap=role in SUMMARY_WRAPPED) for role in roles)


def _summary_values(line: Line, spec: MasterSpec | None, form: Form | None, since: dt.date) -> dict[str, Any]:
    """The values of one summary line that its own form's declaration decides."""
    digest = line.record
    latest = digest.latest if digest else {}
    total = digest.total if digest else None
    budget = digest.budget if digest else None
    return {"recipient": line.recipient, "key": line.key,
            "latest_number": latest.get(spec.number) if spec and spec.number else None,
            "latest_date": as_date(latest.get(spec.date)) if spec and spec.date else None,
            "progress": latest.get(spec.progress) if spec and spec.progress else None,
            "total": total, "budget": budget, "share": share(total, number(budget)) if total is not None else None,
            "notes": flag_labels(latest, spec, form), "status": status_of(line, spec, since),
            "file": line.last.file if line.last else None}
