"""The office's computed sheets: the summary of every roster recipient, the cumulative view of each
submission, and one chart per key (project) over every recipient's progress.

What is cumulative comes from each form's ``master:`` declaration (:mod:`.spec`); nothing here
names a field of a particular form. Every value is computed in Python and written as a value.

Status of a summary line, in this order, for the office's reporting period ``P`` (``YYYY-MM``):

* ``ส่งไฟล์ที่ต้องแก้ไข`` (sent a file that must be fixed) — the recipient's latest file for the key
  was refused (errors);
* ``ส่งไฟล์ที่เปิดไม่ได้`` (sent something unreadable) — it was quarantined (a PDF, a damaged file);
* ``ยังไม่ได้รับรายงาน`` (nothing received) — nothing at all from this recipient;
* ``เสร็จสิ้น`` (complete) — the latest row says 100 % (never late);
* ``ล่าช้า`` (late for the period) — the latest row is dated before the month preceding ``P``
  (reports are made at the end of each month, so during ``P`` the report of the month before is due);
* ``เป็นปัจจุบัน`` (up to date) — otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..check.rules import HALF_SATANG
from ..spec.form import Form
from ..master.derive import KEY_COLUMNS, add, add_up, as_date, number, share
from ..master.layout import ChartBlock, ChartSpec, Column, Highlight, Kind, Sheet
from ..master.model import Key, Record
from ..spec.pointers import lookup
from ..roster import Recipient
from .headings import ALWAYS, CUMULATIVE_ROLES, SUMMARY_ROLES, cumulative_name, declared, headings, word
from .spec import MasterSpec, master_spec
from .store import OutcomeRow

SUMMARY, CHARTS = "สรุป", "กราฟรายโครงการ"
#: The cumulative sheet of a form declaring progress, unless its layout names it.
CUMULATIVE = word("sheet.cumulative-progress")
OVER_BUDGET = word("note.over-budget")
#: Width and kind of each column, by role (see :mod:`.headings`).
SUMMARY_SHAPES: dict[str, tuple[float, Kind]] = {
    "recipient": (14, "text"), "school": (26, "text"), "network": (10, "text"), "key": (16, "text"),
    "title": (34, "text"), "latest_number": (10, "whole"), "latest_date": (16, "date"), "progress": (12, "percent"),
    "total": (15, "amount"), "budget": (15, "amount"), "share": (11, "percent"), "notes": (24, "text"),
    "corrected": (16, "text"), "status": (18, "text"), "file": (24, "text")}
CUMULATIVE_SHAPES: dict[str, tuple[float, Kind]] = {
    "number": (9, "whole"), "date": (16, "date"), "progress": (12, "percent"), "amount": (15, "amount"),
    "total": (15, "amount"), "share": (11, "percent"), "notes": (30, "text")}
MUST_FIX, UNREADABLE, NOTHING = "ส่งไฟล์ที่ต้องแก้ไข", "ส่งไฟล์ที่เปิดไม่ได้", "ยังไม่ได้รับรายงาน"
COMPLETE, LATE, UP_TO_DATE = "เสร็จสิ้น", "ล่าช้า", "เป็นปัจจุบัน"
CORRECTED = "แก้ไขรายงานก่อนหน้า"
RED, ORANGE, PINK, GREY = "F4B6B6", "FFD9A0", "FCE4E4", "E7E6E6"
NETWORK_COLUMNS = ("network", "เครือข่าย", "network_no")


@dataclass(frozen=True)
class Digest:
    """What the summary needs of one submission (kept for every key, so it stays small)."""

    key: Key
    title: Any
    rows: int
    latest: dict[str, Any]
    total: float | None
    budget: Any
    latest_date: str = ""

    @classmethod
    def of(cls, record: Record, spec: MasterSpec | None) -> Digest:
        """The digest of ``record`` under its form's declaration."""
        rows = spec.rows_of(record.data) if spec else []
        total = add_up(number(r.get(spec.amount)) for r in rows) if spec and spec.amount and rows else None
        dates = [str(r.get(spec.date)) for r in rows if spec and spec.date and isinstance(r.get(spec.date), str)]
        return cls(record.key, lookup(record.data, spec.title) if spec and spec.title else None, len(rows),
                   rows[-1] if rows else {}, total, lookup(record.data, spec.budget) if spec and spec.budget else None,
                   max(dates, default=""))


@dataclass(frozen=True)
class Line:
    """One line of the summary: a recipient and (when known) its submission for one key."""

    recipient: str
    key: str
    record: Digest | None
    last: OutcomeRow | None  # the latest outcome of a file from this recipient for this key


def expected_since(period: str | None) -> dt.date:
    """The earliest date a latest row may bear to be up to date in ``period`` (see the module docstring)."""
    if not period:
        return dt.date(1, 1, 1)
    year, month = (int(part) for part in period.split("-")[:2])
    return dt.date(year - 1, 12, 1) if month == 1 else dt.date(year, month - 1, 1)


def status_of(line: Line, spec: MasterSpec | None, since: dt.date) -> str:
    """The status of a summary line (see the module docstring)."""
    if line.last is not None and line.last.result == "refused":
        return MUST_FIX
    if line.last is not None and line.last.result == "quarantined":
        return UNREADABLE
    if line.record is None:
        return NOTHING
    latest = line.record.latest
    if spec and spec.progress and number(latest.get(spec.progress)) >= 100:
        return COMPLETE
    if spec and spec.date and line.record.rows:
        date = as_date(latest.get(spec.date))
        if date is None or date < since:
            return LATE
    return UP_TO_DATE


def summary_lines(records: list[Digest], roster: Sequence[Recipient], outcomes: list[OutcomeRow]) -> list[Line]:
    """Every roster recipient (with each of its submissions, or alone), then submissions of others."""
    last: dict[tuple[str, str], OutcomeRow] = {}
    for o in outcomes:  # oldest first: the last one wins
        if o.result in ("merged", "replaced", "refused", "quarantined") and o.recipient:
            last[(o.recipient, o.key)] = o
            if not o.key:  # an unreadable file names no key: it stands for all of the recipient's
                for (who, key) in list(last):
                    if who == o.recipient:
                        last[(who, key)] = o
    by_recipient: dict[str, list[Digest]] = {}
    for record in records:
        by_recipient.setdefault(record.key.recipient, []).append(record)
    lines: list[Line] = []
    for entry in roster:
        own = by_recipient.pop(entry.id, [])
        for record in own:
            lines.append(Line(entry.id, record.key.project_code, record, last.get((entry.id, record.key.project_code))))
        if not own:
            keyed = [o for (who, _), o in last.items() if who == entry.id]
            latest = max(keyed, key=lambda o: o.id) if keyed else None
            lines.append(Line(entry.id, latest.key if latest and latest.key else entry.project_code, None, latest))
    for who in sorted(by_recipient):
        lines += [Line(who, r.key.project_code, r, last.get((who, r.key.project_code))) for r in by_recipient[who]]
    return lines


def nothing_received(roster: Sequence[Recipient], keys: Iterable[Key], outcomes: list[OutcomeRow]) -> list[Recipient]:
    """The roster recipients whose summary status is ``ยังไม่ได้รับรายงาน``, in roster order: no
    current submission, and no file of theirs refused or unreadable either.

    The office's digest lists these as "not sent": built from :func:`summary_lines` and
    :func:`status_of` so that the digest and the master's summary never disagree.

    :param keys: the key of every current submission (only whom each is from matters here).
    :param outcomes: every outcome, oldest first (:meth:`Store.outcomes`).
    """
    records = [Digest(key, None, 0, {}, None, None) for key in keys]
    since = expected_since(None)  # the period only tells late from up to date, never "nothing"
    nothing = {line.recipient for line in summary_lines(records, roster, outcomes)
               if status_of(line, None, since) == NOTHING}
    return [r for r in roster if r.id in nothing]


def summary_sheet(records: list[Digest], forms: dict[str, Form], roster: Sequence[Recipient],
                  outcomes: list[OutcomeRow], period: str | None) -> Sheet:
    """One line per roster recipient and key: name, network, latest row, totals, status.

    Only the columns some form declares in its ``master:`` entry are shown (see :mod:`.headings`),
    each headed as the first form declaring it heads it.

    :param records: the digest of every current submission (:meth:`Digest.of`).
    """
    ordered = _ordered(forms)
    specs = {form.id: master_spec(form) for form in ordered}
    main = specs[ordered[0].id] if ordered else None
    roles = _summary_roles(specs.values())
    columns = _summary_columns(ordered, roles)
    people = {r.id: r for r in roster}
    lines = summary_lines(records, roster, outcomes)
    corrected = _corrected(outcomes, specs)
    # A recipient with nothing yet still shows the name others reported for the same key.
    named = {r.key.project_code: r.title for r in records}
    since = expected_since(period)

    def rows() -> Iterator[list[Any]]:
        for line in lines:
            form_id = line.record.key.form_id if line.record else None
            spec = specs.get(form_id, main) if form_id else main
            values = _summary_values(line, spec, forms.get(form_id) if form_id else None, since)
            values |= {"school": people[line.recipient].school if line.recipient in people else "",
                       "network": _network(people.get(line.recipient)),
                       "title": line.record.title if line.record else named.get(line.key),
                       "corrected": CORRECTED if (line.recipient, line.key) in corrected else None}
            yield [values.get(role) for role in roles]

    status = roles.index("status")
    highlights = (Highlight(status, MUST_FIX, RED), Highlight(status, UNREADABLE, RED),
                  Highlight(status, LATE, ORANGE), Highlight(status, NOTHING, GREY),
                  *(Highlight(roles.index(r), None, PINK) for r in ("notes", "corrected") if r in roles))
    return Sheet(SUMMARY, columns, rows(), len(lines), freeze_columns=2, highlights=highlights,
                 # A blank row first: Calc's and Excel's sort buttons take the block of filled rows
                 # around the cursor, which would take the total in with the lines.
                 footer=([None] * len(roles), total_row(lines, roles, ordered[0] if ordered else None)))


def total_row(lines: Sequence[Line], roles: Sequence[str], main: Form | None) -> list[Any]:
    """The summary's last line, what the office sends up the line: how many of its lines have a
    report, and the amounts and budgets added up (their share too) — below the filter, so a sort
    never moves it.

    Amounts are added for the form whose headings the columns carry (``main``) only, never across
    forms; and not at all for a form filled anew each period, whose lines may be of several months."""
    reported = [line.record for line in lines if line.record is not None]
    anew = main is None or master_spec(main).next_period == "identity"
    added = [d for d in reported if main is not None and d.key.form_id == main.id and not anew]
    total = add_up(d.total for d in added if d.total is not None)
    budget = add_up(number(d.budget) for d in added if d.budget is not None)
    values = {"recipient": word("total.label"), "school": word("total.reported", reported=len(reported),
                                                                  count=len(lines)),
              "total": total if "total" in roles and added else None,
              "budget": budget if "budget" in roles and added else None,
              "share": share(total, budget) if budget else None}
    return [values.get(role) for role in roles]


def _summary_roles(specs: Iterable[MasterSpec]) -> list[str]:
    """The summary's columns (by role) that some form declares, in :data:`SUMMARY_ROLES` order."""
    shown = set(ALWAYS).union(*(declared(spec) for spec in specs))
    return [role for role in SUMMARY_ROLES if role in shown]


def _summary_columns(ordered: list[Form], roles: list[str]) -> tuple[Column, ...]:
    """The columns of ``roles``, each headed as the first form declaring it heads it."""
    titles = headings(None, None)
    for form in reversed(ordered):  # the first form's headings win
        spec = master_spec(form)
        own = headings(form, spec)
        titles |= {role: own[role] for role in own if role in declared(spec) | {"key", "title"}}
    return tuple(Column(titles[role], *SUMMARY_SHAPES[role]) for role in roles)


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
            "notes": _flags(latest, spec, form), "status": status_of(line, spec, since),
            "file": line.last.file if line.last else None}


def cumulative_sheet(records: Callable[[], Iterable[Record]], forms: dict[str, Form],
                     count: int | None = None) -> Sheet | None:
    """Every row of each submission's cumulative table with running totals, for the first form
    declaring a table with progress or an amount (None: no form does).

    Its columns are those the form declares (see :mod:`.headings`); its name is the layout's
    (``sheets: cumulative``), else one saying what it holds.
    """
    form = _main_form(forms, lambda spec: bool(spec.table and (spec.progress or spec.amount)))
    if form is None:
        return None
    spec = master_spec(form)
    roles = [role for role in CUMULATIVE_ROLES if role in declared(spec, cumulative=True)]
    titles = headings(form, spec)
    columns = (*KEY_COLUMNS, *(Column(titles[role], *CUMULATIVE_SHAPES[role]) for role in roles))
    if count is None:
        count = sum(len(spec.rows_of(r.data)) for r in records() if r.key.form_id == form.id)

    def rows() -> Iterator[list[Any]]:
        for record in (r for r in records() if r.key.form_id == form.id):
            budget, total = number(lookup(record.data, spec.budget) if spec.budget else None), 0.0
            for row in spec.rows_of(record.data):
                amount = number(row.get(spec.amount)) if spec.amount else 0.0
                total = add(total, amount)
                notes = _flags(row, spec, form)
                if budget and total > budget + HALF_SATANG:  # as the rules judge it (check/rules.py)
                    notes = ", ".join(filter(None, [notes, OVER_BUDGET]))
                values = {"number": row.get(spec.number) if spec.number else None,
                          "date": as_date(row.get(spec.date)) if spec.date else None,
                          "progress": row.get(spec.progress) if spec.progress else None, "amount": amount,
                          "total": total, "share": share(total, budget), "notes": notes or None}
                yield [record.key.recipient, record.key.project_code, *(values[role] for role in roles)]

    notes = (Highlight(len(KEY_COLUMNS) + roles.index("notes"), None, PINK),) if "notes" in roles else ()
    return Sheet(cumulative_name(spec), columns, rows(), count, freeze_columns=3 if spec.number else 2,
                 highlights=notes)


def chart_sheet(records: Iterable[Record], forms: dict[str, Form], schools: Mapping[str, str] | None = None) -> Sheet | None:
    """Per key (project) and row number: how many reported, mean / lowest / highest progress and the
    total amount so far; one chart per key (not one per recipient), then one per school asked for.

    :param schools: recipient id → the chart's title, for the schools the office asked a chart of
        (``school_charts`` in ``sheetsync.toml``, ``sheetsync master --school-chart``).
    """
    schools = schools or {}
    form = _main_form(forms, lambda spec: bool(spec.number and spec.progress))
    spec = master_spec(form) if form else None
    if form is None or spec is None or not (spec.number and spec.progress):
        return None
    titles = headings(form, spec)
    points: dict[str, dict[int, list[tuple[float, float]]]] = {}
    own: dict[str, dict[int, list[tuple[float, float]]]] = {}  # the schools asked for, each alone
    for record in (r for r in records if r.key.form_id == form.id):
        total = 0.0
        for row in spec.rows_of(record.data):
            total = add(total, number(row.get(spec.amount))) if spec.amount else 0.0
            n = int(number(row.get(spec.number)))
            point = (number(row.get(spec.progress)), total)
            points.setdefault(record.key.project_code, {}).setdefault(n, []).append(point)
            if record.key.recipient in schools:
                label = f"{record.key.project_code} · {record.key.recipient}"
                own.setdefault(label, {}).setdefault(n, []).append(point)
    lines: list[list[Any]] = []
    blocks = []
    for group, title_of in ((points, lambda key: key), (own, lambda key: f"{schools[key.split(' · ')[-1]]} ({key})")):
        for key in sorted(group):
            first = len(lines)
            for n in sorted(group[key]):
                values = [p for p, _ in group[key][n]]
                lines.append([key, n, len(values), round(sum(values) / len(values), 2), min(values), max(values),
                              add_up(t for _, t in group[key][n])])
            blocks.append(ChartBlock(title_of(key), first, len(lines) - 1))
    columns = (Column(titles["key"], 16), Column("ครั้งที่", 9, "whole"), Column("จำนวนผู้รายงาน", 10, "whole"),
               Column("ความก้าวหน้าเฉลี่ย (%)", 12, "percent"), Column("ต่ำสุด (%)", 10, "percent"),
               Column("สูงสุด (%)", 10, "percent"), Column(titles["total"] + " รวม", 16, "amount"))
    chart = ChartSpec(category=1, primary=3, secondary=6, primary_title="ความก้าวหน้าเฉลี่ย (%)",
                      secondary_title=titles["total"] + " รวม", blocks=tuple(blocks))
    return Sheet(CHARTS, columns, iter(lines), len(lines), freeze_columns=2, chart=chart)


def _ordered(forms: dict[str, Form]) -> list[Form]:
    """The forms by id, those with a cumulative table first: the summary's headings follow the first."""
    ordered = [forms[k] for k in sorted(forms)]
    return sorted(ordered, key=lambda f: not master_spec(f).table)


def _main_form(forms: dict[str, Form], wanted: Callable[[MasterSpec], bool]) -> Form | None:
    """The first form (by id) whose declaration is ``wanted`` (a computed sheet follows one form)."""
    return next((f for f in _ordered(forms) if wanted(master_spec(f))), None)


def _flags(row: dict[str, Any], spec: MasterSpec | None, form: Form | None) -> str | None:
    """The labels of the row's flags that say "no" (e.g. ไม่เป็นไปตามแผน)."""
    if not spec or not spec.flags or not row:
        return None
    table = form.table_at(spec.table) if form and spec.table else None
    labels = {c.pointer: c.choices or {} for c in table.columns} if table else {}
    found = [str(labels.get(f, {}).get(False, f"{f}: no")) for f in spec.flags if row.get(f) is False]
    return ", ".join(found) or None


def _corrected(outcomes: list[OutcomeRow], specs: Mapping[str, MasterSpec]) -> set[tuple[str, str]]:
    """Keys whose accepted data changed a row of their form's table sent before (not just added a new one).

    A form filled anew each period (``master: next_period: identity``) changes every row from one
    period to the next: only a replacement on the template of the data it replaces is a correction."""
    def corrects(o: OutcomeRow) -> bool:
        spec = specs.get(o.form_id)
        prefix = f"{spec.table}/" if spec and spec.table else None
        return prefix is not None and any(c.startswith(prefix) and c[len(prefix):].count("/") >= 1 for c in o.changes)

    found: set[tuple[str, str]] = set()
    template_of: dict[tuple[str, str], str] = {}  # the template of each key's accepted data so far
    for o in outcomes:  # oldest first
        who, spec = (o.recipient, o.key), specs.get(o.form_id)
        anew = spec is not None and spec.next_period == "identity"
        if anew and o.result in ("merged", "replaced") and template_of.get(who) != o.template_id:
            found.discard(who)  # a new period: last period's correction says nothing of this one
        if o.result == "replaced" and corrects(o) and (not anew or template_of.get(who) == o.template_id):
            found.add(who)
        if o.result in ("merged", "replaced"):
            template_of[who] = o.template_id
    return found


def _network(who: Recipient | None) -> str:
    if who is None:
        return ""
    return next((who.extra[k] for k in who.extra if k.strip().casefold() in NETWORK_COLUMNS), "")

