"""Which period of a form sent anew each period (``master: period``) is due, and who has not sent it.

A monthly report has no "latest report date" to call a school late by: each month is a line of its
own, and a school that sent October only would look up to date in March. What the clerk needs is the
month due and the schools of the roster that have not sent it. The period due is, for the office's
main form (the one the summary's headings and total follow):

1. with the office's reporting period ``P`` (``--period``, the office's ``period``, ``--today``'s
   month) and a form whose period fields say a calendar month — a rule ``in_month`` of its layout
   names them, its ``month`` and its ``fiscal_year`` (or ``year``) —, the month before ``P``: as for
   "late", during ``P`` the report of the month before is due;
2. otherwise the latest period any school has sent of that form (time order, :meth:`MasterSpec.period_rank`).

Nothing here names a field of a form: the rule ``in_month`` says which fields hold the month and year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from ..check.coerce import ascii_digits
from ..master.model import Key
from ..spec.form import Form
from ..spec.master import SEP, MasterSpec, key_part
from ..thaidates import BE_OFFSET, FISCAL_START, month_number
from .spec import master_spec

if TYPE_CHECKING:
    from .summary import Line


@dataclass(frozen=True)
class Due:
    """The period due of one form: every roster recipient is expected to have sent it."""

    form_id: str
    spec: MasterSpec
    period: str  # as the stored key holds it ("2567 · ธันวาคม")

    @property
    def label(self) -> str:
        """The period due as the template's choices show it (``2567 · ภาคเรียนที่ 2``)."""
        return self.spec.period_label(self.period)

    def key_of(self, code: str) -> str:
        """The stored key of ``code``'s report of the period due."""
        return SEP.join(part for part in (code, self.period) if part)

    def later(self, key: str, code: str) -> bool:
        """Whether stored ``key`` is a report of ``code`` for a period after the one due."""
        own, period = self.spec.split(key)
        return own == code and self.spec.period_rank(period) > self.spec.period_rank(self.period)

    def sent(self, key: Key) -> bool:
        """Whether a stored key is a report of the period due (of this form)."""
        return key.form_id == self.form_id and self.spec.split(key.project_code)[1] == self.period

    def code_of(self, key: str) -> str:
        """Stored ``key``'s code as a roster's compares: its first value before the period, ASCII digits."""
        return ascii_digits(self.spec.split(key)[0].split(SEP)[0].strip())

    def unsent(self, codes: Iterable[str], lines: Sequence[Line]) -> list[str]:
        """Those of ``codes`` (a roster row's, ASCII digits) that no line of a school's ``lines`` reports
        for the period due: each is owed a "not sent" line of its own."""
        sent = {self.code_of(line.key) for line in lines
                if self.sent(Key(line.form_id or self.form_id, line.key, line.recipient))}
        return [code for code in codes if code not in sent]

    def place(self, lines: Sequence[Line], code: str) -> int:
        """Where ``code``'s "not sent" line goes among a school's ``lines``: in time order among the code's
        own (before its first period after the one due), else after them, else last."""
        own = [n for n, line in enumerate(lines)
               if line.form_id in (self.form_id, "") and self.code_of(line.key) == code]
        due = self.spec.period_rank(self.period)
        later = (n for n in own if self.spec.period_rank(self.spec.split(lines[n].key)[1]) > due)
        return next(later, own[-1] + 1 if own else len(lines))


def due_period(form: Form | None, keys: Iterable[Key], period: str | None) -> Due | None:
    """The period due of ``form`` (see the module docstring); None for a form without ``master: period``,
    or when nothing tells one (no office period it can read, and no report of it yet).

    :param keys: the key of every current submission (those of other forms are passed over).
    :param period: the office's reporting period, ``YYYY-MM``, or None.
    """
    spec = master_spec(form) if form is not None else None
    if form is None or spec is None or not spec.period:
        return None
    told = _month_before(form, spec, period) if period else None
    if told is None:
        held = {spec.split(k.project_code)[1] for k in keys if k.form_id == form.id}
        told = max(held - {""}, key=spec.period_rank, default=None)
    return Due(form.id, spec, told) if told else None


def _month_before(form: Form, spec: MasterSpec, period: str) -> str | None:
    """The month before ``period`` (``YYYY-MM``) as the form's period values, when an ``in_month``
    rule of its layout names exactly its period fields (else None: the form's period is no month)."""
    year, month = (int(part) for part in period.split("-")[:2])
    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    found = _month_fields(form, spec)
    if found is None:
        return None
    month_at, year_at, fiscal = found
    values = {year_at: year + BE_OFFSET + (1 if fiscal and month >= FISCAL_START else 0),
              month_at: _month_value(form, month_at, month)}
    if all(values[p] is not None for p in spec.period):
        return SEP.join(key_part(values[p]) for p in spec.period)
    return None


def period_month(form: Form, spec: MasterSpec, period: str) -> str | None:
    """The calendar month (``YYYY-MM``) a stored period of ``form`` is (``2567 · ตุลาคม`` of a fiscal
    year → ``2023-10``), when an ``in_month`` rule names its period fields; else None."""
    found = _month_fields(form, spec)
    values = dict(zip(spec.period, period.split(SEP))) if period else {}
    if found is None or len(values) != len(spec.period):
        return None
    month_at, year_at, fiscal = found
    text = values[month_at]
    month = month_number(text) or (month_number(int(text)) if text.isdigit() else None)
    if month is None or not values[year_at].isdigit():
        return None
    year = int(values[year_at]) - BE_OFFSET - (1 if fiscal and month >= FISCAL_START else 0)
    return f"{year:04d}-{month:02d}"


def _month_fields(form: Form, spec: MasterSpec) -> tuple[str, str, bool] | None:
    """``(month, year, fiscal)`` pointers of the ``in_month`` rule naming exactly the form's two period
    fields (``fiscal``: the year is a fiscal year, B.E.), if there is one."""
    for rule in form.rules:
        if rule.kind != "in_month":
            continue
        fiscal = "fiscal_year" in rule.params
        year_at = str(rule["fiscal_year"] if fiscal else rule["year"])
        if {str(rule["month"]), year_at} == set(spec.period) and len(spec.period) == 2:
            return str(rule["month"]), year_at, fiscal
    return None


def _month_value(form: Form, pointer: str, month: int) -> Any:
    """How the form's month field writes ``month``: its choice naming it (พฤศจิกายน), else the number."""
    found = form.field_at(pointer)
    choices = found.schema.get("enum") if found is not None else None
    if isinstance(choices, list):
        return next((c for c in choices if month_number(c) == month), None)
    return month


def main_due(forms: Mapping[str, Form], keys: Iterable[Key], period: str | None) -> Due | None:
    """The period due of the office's main form (the summary's first: see :func:`summary.main_form`)."""
    from .summary import main_form

    return due_period(main_form(dict(forms), lambda spec: True), keys, period)
