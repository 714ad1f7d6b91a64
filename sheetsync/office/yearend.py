"""What a project whose fiscal year ended unfinished still owes: the months after its last report.

A form like the progress report keeps a project's whole fiscal year under one key: a report row a
month, October to September, in a table of twelve rows. At the turn of the year the roster names the
school's new project, and the old one's line is set apart (:func:`.total.replaced_codes`) — which,
for a project whose last report never came, hid the missing report from the office for good.

A submission's project **owes** when, for the office's reporting period ``P``:

* its form keeps a year per key: a rule ``fiscal_year`` of its layout names the field holding the
  year, and its ``master:`` entry a dated table of reports (``table`` and ``date``, not sent anew each
  period: a form with ``master: period`` has its period due instead, :mod:`.due`);
* some row of that table is still empty (twelve of twelve is finished: quiet), and the project is not
  complete (100 %: never late, never owing);
* its year's last month (September) is before ``P`` — during ``P`` the report of the month before is
  due, as for "late" —, and its latest report is of an earlier month.
* it did not go on under another code: of a school's submissions of one form and fiscal year, only the
  one with the latest report may owe (a project renumbered within its year, :func:`continued`).

It owes every month from the one after its latest report (the year's first, when it sent no row) to
September. Its summary line says so (``ยังไม่ส่ง กันยายน 2563 (ปีงบประมาณ 2563)``) instead of being
set apart, and the office's digest lists it, until the month is sent or the school is taken off the
roster, or the clerk waives them (:mod:`.waivers`). Nothing here names a field of a form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..check.coerce import ascii_digits
from ..master.derive import as_date, number
from ..roster import Recipient
from ..spec.form import Form
from ..spec.master import MasterSpec
from ..spec.pointers import lookup
from ..thaidates import BE_OFFSET, FISCAL_START, MONTH_NAMES, month_span
from .headings import word

if TYPE_CHECKING:
    from .summary import Digest

#: The last month of a fiscal year (September).
LAST_MONTH = FISCAL_START - 1


def year_end(form: Form | None, spec: MasterSpec | None, data: dict[str, Any]) -> tuple[str, bool]:
    """The last month (``YYYY-MM``) of the fiscal year of a submission's project, when its form keeps a
    year per key (see the module docstring), else ''; and whether ``data`` fills every row of its table.

    Example::

        year_end(form, master_spec(form), data)  # ('2020-09', False) for 11 reports of fiscal year 2563
    """
    year_at = _year_at(form, spec)
    table = form.table_at(spec.table) if form is not None and spec is not None and spec.table else None
    if year_at is None or table is None or spec is None:
        return "", False
    year = lookup(data, year_at)
    if isinstance(year, float) and year.is_integer():
        year = int(year)  # a number read back from a spreadsheet
    span = month_span(LAST_MONTH, year, fiscal=True) if type(year) is int else None
    return span[0].strftime("%Y-%m") if span else "", len(spec.rows_of(data)) >= table.capacity


def continued(records: Sequence[Digest], roster: Iterable[Recipient] = ()) -> list[Digest]:
    """``records``, each of a project renumbered within its year marked as owing nothing: of a school's
    submissions of one form and fiscal year, only the one with the latest report may owe (5006's
    October to February went on as 5010: 5006 owes no March, 5010 owes what it did not send). A code
    the ``roster`` still lists for its school beside another is a project of its own, never renumbered."""
    listed = {(r.id, ascii_digits(code)) for r in roster if len(r.codes) > 1 for code in r.codes}
    latest: dict[tuple[str, str, str], str] = {}
    for d in records:
        if d.year_end:
            place = (d.key.form_id, d.key.recipient, d.year_end)
            latest[place] = max(latest.get(place, ""), d.latest_date)

    def went_on(d: Digest) -> bool:  # ties (two projects reported up to the same day) keep both
        return bool(d.year_end) and d.latest_date < latest[(d.key.form_id, d.key.recipient, d.year_end)] \
            and (d.key.recipient, ascii_digits(d.key.project_code)) not in listed
    return [replace(d, full=True) if went_on(d) else d for d in records]


def keeps_years(form: Form | None) -> bool:
    """Whether ``form`` keeps a fiscal year per key (see the module docstring): only then can one owe."""
    from .spec import master_spec  # the office's reading of a layout, cached per form

    return form is not None and _year_at(form, master_spec(form)) is not None


def _year_at(form: Form | None, spec: MasterSpec | None) -> str | None:
    """The field holding a project's fiscal year, when ``form`` keeps a year per key; else None."""
    if form is None or spec is None or not spec.table or not spec.date or spec.period or \
            spec.next_period == "identity" or form.table_at(spec.table) is None:
        return None
    return next((str(rule["year"]) for rule in form.rules if rule.kind == "fiscal_year"), None)


def owed(digest: Digest | None, spec: MasterSpec | None, since: dt.date) -> tuple[str, ...]:
    """The months (``YYYY-MM``) the project of ``digest`` owes, in order (see the module docstring);
    ``since`` is the first day of the month due (:func:`.summary.expected_since` of the period)."""
    if digest is None or not digest.year_end or digest.full or digest.waived is not None or spec is None \
            or not spec.date:
        return ()  # (a project whose remaining months the clerk waived owes none of them)
    end = dt.date.fromisoformat(f"{digest.year_end}-01")
    if end > since or (spec.progress and number(digest.latest.get(spec.progress)) >= 100):
        return ()  # the year's last report is not due yet, or the project is complete
    latest = as_date(digest.latest.get(spec.date)) if digest.rows else None
    if latest is None and digest.rows:
        return ()  # an undated report: nothing to count the months from
    first = _shift(latest.replace(day=1), 1) if latest else _shift(end, -11)
    months: list[str] = []
    while first <= end:
        months.append(first.strftime("%Y-%m"))
        first = _shift(first, 1)
    return tuple(months)


def owed_months(months: tuple[str, ...]) -> str:
    """The months owed as the clerk reads them: ``กันยายน 2563``, ``สิงหาคม – กันยายน 2563`` or
    ``พฤศจิกายน 2562 – กันยายน 2563`` (Thai month names, B.E. years)."""
    first, last = _thai(months[0]), _thai(months[-1])
    if len(months) == 1:
        return last
    if months[0][:4] == months[-1][:4]:
        first = first.rsplit(" ", 1)[0]
    return f"{first} – {last}"


def owing_status(months: tuple[str, ...]) -> str:
    """The summary status of a project owing ``months`` (its year's, the last of them September)."""
    return word("status.owing", months=owed_months(months), year=int(months[-1][:4]) + BE_OFFSET)


def _thai(month: str) -> str:
    """``2020-09`` as ``กันยายน 2563``."""
    return f"{MONTH_NAMES[int(month[5:7]) - 1][0]} {int(month[:4]) + BE_OFFSET}"


def _shift(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after (or before) ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
