"""The master of a past period: each school's figures as it had reported them up to that month.

The store keeps every version of every key (:mod:`.store`). The view of the office's period ``P``
(``sheetsync master --period``) shows, for each key (form, key and recipient), the version the store
would have made current (:mod:`.record`: in arrival order, each replaces the one before unless its
template was issued earlier) out of the versions whose **own month** is not later than ``P``. A key
none of whose versions is of ``P`` or before is not in that view: its school has sent nothing by then.

A version's own month, the first that it has:

1. a form declaring its period (``master: period``) whose fields name a calendar month (a rule
   ``in_month`` names them, as :mod:`.due` reads it): that month (``2567 · ตุลาคม`` → October 2023);
2. the latest date of its table's ``date`` column (``master: date``): the date of the report it
   brings, which the summary shows as its latest and judges "late" by;
3. the month it was received, in the office's time zone.

Why the report's own month before the day it came: a month's report is made at its end and comes in
the month after (during ``P`` the report of the month before is due), so "October's figures" are the
report of October whenever it came, and a correction of October sent in December is October's figures
too. The day of receipt stands only for a version that dates nothing itself.

A file that is not a version (refused, unreadable, unchanged) is dated by the same rule, so that a
past month's view says of it what it says of the version it would have been: its key's period, else
the report it brought (its table's latest date, kept with its outcome when it was read: the store
keeps no data of a refused file), else the month it came. December's view shows neither a January
report accepted nor one refused, and a fix sent later leaves no earlier month "to fix" for good.
The outcomes of the versions later than ``P`` are left out with them (the line's file is its figures'
file, a later correction does not flag ``P``). The ledger stays whole: it is the record of what came. When every
current version and every file is of ``P`` or before, the view is the store's current as it always was.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any, Iterable, Iterator, Mapping

from ..clock import Zone, local
from ..master.derive import as_date
from ..master.model import Key, moment
from ..spec.form import Form
from .due import period_month
from .spec import MasterSpec, master_spec
from .store import OutcomeRow, Store, Stored

#: The outcomes of a file accepted as a version (the others name no version of their own).
ACCEPTED = ("merged", "replaced", "superseded")


@dataclass(frozen=True)
class Months:
    """The own month of each stored version and of each file's outcome (see the module docstring), by its
    form's declaration."""

    forms: Mapping[str, Form]
    specs: Mapping[str, MasterSpec]
    zone: Zone = None

    def of_key(self, form_id: str, key: str) -> str | None:
        """The month a stored key's period names (rule 1), if its form's period is a month."""
        spec, form = self.specs.get(form_id), self.forms.get(form_id)
        if spec is None or form is None or not spec.period:
            return None
        return period_month(form, spec, spec.split(key)[1])

    def of(self, sub: Stored) -> str:
        """The version's own month, ``YYYY-MM``."""
        return self._own(sub.form_id, sub.key, report_month(self.specs.get(sub.form_id), sub.data), sub.received_at)

    def of_file(self, o: OutcomeRow) -> str:
        """The own month of a file's outcome, ``YYYY-MM``, by the same rule (its report's as it was read) —
        never later than the month it came: a report is made before it is sent, so a later date is one
        mistyped (29/1/2564 for 2563), often the very reason the file was refused, and the school told to
        fix it must not show in the month's master as having sent nothing."""
        came = self._came(o.received_at)
        return self._own(o.form_id, o.key, min(o.month, came) if o.month else "", o.received_at)

    def _own(self, form_id: str, key: str, reported: str, received_at: str) -> str:
        said = self.of_key(form_id, key) if key else None
        return said or reported or self._came(received_at)

    def _came(self, received_at: str) -> str:
        """The month of ``received_at`` in the office's time zone."""
        received = local(received_at, self.zone)
        return received.strftime("%Y-%m") if received else received_at[:7]


def report_month(spec: MasterSpec | None, data: dict[str, Any]) -> str:
    """The month of the report ``data`` brings: its table's latest date (``master: date``), ``YYYY-MM``;
    '' when it dates none (no such column, no date read)."""
    if spec is None or not spec.date or not data:
        return ""
    dates = (as_date(row.get(spec.date)) for row in spec.rows_of(data))
    latest = max((d for d in dates if d is not None), default=None)
    return latest.strftime("%Y-%m") if latest is not None else ""


@dataclass(frozen=True)
class AsOf:
    """The versions and outcomes of a past period's view (:func:`as_of`)."""

    period: str
    store: Store
    months: Months
    chosen: frozenset[int]  # the id of each key's version as of the period
    later: frozenset[tuple[str, str, str, str]]  # (sha256, form, recipient, key) of the versions after it

    def versions(self) -> Iterator[Stored]:
        """Each key's version as of the period, ordered as :meth:`Store.current` (streamed; only those
        are read: the view streams them once a sheet, and the store keeps every version of each)."""
        return self.store.chosen(self.chosen)

    def outcomes(self, outcomes: Iterable[OutcomeRow]) -> list[OutcomeRow]:
        """``outcomes`` but those of versions later than the period, and of other files (refused,
        unreadable) whose own month is later."""
        def kept(o: OutcomeRow) -> bool:
            if o.result in ACCEPTED:
                return (o.sha256, o.form_id, o.recipient, o.key) not in self.later
            return self.months.of_file(o) <= self.period

        return [o for o in outcomes if kept(o)]


def as_of(store: Store, months: Months, period: str | None) -> AsOf | None:
    """The view of ``period`` (``YYYY-MM``) when some current version, or some other file, is later
    than it; None when none is (no period, or the latest: the view is the store's current, as it always was).

    :raises StoreError: the store cannot be read.
    """
    if not period:
        return None
    period = period[:7]
    others = store.outcomes(f"result NOT IN ({', '.join('?' * len(ACCEPTED))})", ACCEPTED)
    if all(months.of(s) <= period for s in store.current()) and all(months.of_file(o) <= period for o in others):
        return None
    chosen: set[int] = set()
    later: set[tuple[str, str, str, str]] = set()
    for _, versions in groupby(store.versions_by_key(), key=lambda s: (s.form_id, s.key, s.recipient)):
        best: Stored | None = None
        for sub in versions:
            if months.of(sub) > period:
                later.add((sub.sha256, sub.form_id, sub.recipient, sub.key))
            elif best is None or not moment(sub.issued_at) < moment(best.issued_at):
                best = sub  # as the store chose (record.py): an earlier template never replaces
        if best is not None:
            chosen.add(best.id)
    return AsOf(period, store, months, frozenset(chosen), frozenset(later))


def held(store: Store, forms: Mapping[str, Form], period: str | None,
         zone: Zone = None) -> tuple[list[Key], list[OutcomeRow]]:
    """The keys and the outcomes the master view of ``period`` shows (:func:`as_of`; the store's current
    when none is later): the office's digest says "not sent" of whom the view's summary does.

    :raises StoreError: the store cannot be read.
    """
    past = as_of(store, Months(forms, {f: master_spec(form) for f, form in forms.items()}, zone), period)
    if past is None:
        rows = store.query("SELECT form_id, key, recipient FROM current")
        return [Key(str(r[0]), str(r[1]), str(r[2])) for r in rows], store.outcomes()
    return [Key(s.form_id, s.key, s.recipient) for s in past.versions()], past.outcomes(store.outcomes())
