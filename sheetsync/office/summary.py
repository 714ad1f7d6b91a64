"""The office's summary of every roster recipient: its lines and their statuses (laid out as the
master's sheet by :mod:`.summary_sheet`; the cumulative view is :mod:`.cumulative`'s, the charts per
key :mod:`.charts`'). What is cumulative comes from each form's ``master:`` declaration
(:mod:`.spec`); nothing here names a field of a particular form. Every value is computed in Python
and written as a value.

Status of a summary line, in this order, for the office's reporting period ``P`` (``YYYY-MM``):

* ``ส่งไฟล์ที่ต้องแก้ไข`` (sent a file that must be fixed) — the recipient's latest file for the key
  was refused (errors; the template sent back with nothing typed, ``as-issued``, is no such file and
  counts for nothing here: :mod:`.unfilled`);
* ``ส่งไฟล์ที่เปิดไม่ได้`` (sent something unreadable) — it was quarantined (a PDF, a damaged file);
* ``ยกเว้น: <why>`` (waived) — the clerk waived the project's remaining months (:mod:`.waivers`): it is
  cancelled or closed early, nothing more is due from it (no "not sent" line of the period due either;
  a code on the roster that never reported has one line saying so);
* ``ยังไม่ได้รับรายงาน`` (nothing received) — nothing at all from this recipient;
* ``ยังไม่ส่ง <period>`` (not sent) — a form with a period (``master: period``) has no line of the
  period due (:mod:`.due`) from the roster recipient (of each code, when its row lists several): this
  line of its own says so;
* ``ยังไม่ส่ง <months> (ปีงบประมาณ <year>)`` (owing) — a project whose fiscal year is over left its
  last months unsent (:mod:`.yearend`): set apart by a new code on the roster only once they are sent;
* ``เสร็จสิ้น`` (complete) — the latest row says 100 % (never late);
* ``ล่าช้า`` (late for the period) — the latest row is dated before the month preceding ``P``
  (reports are made at the end of each month, so during ``P`` the report of the month before is due);
  never for a form with a period, whose lines are late only by the period due not being sent;
* ``เป็นปัจจุบัน`` (up to date) — otherwise.

Before all of these: a line of a recipient taken off the roster (closed, merged into another) is
``ไม่อยู่ในรายชื่อแล้ว`` (no longer on the roster): its data is the record, but nothing is due from it,
so it is never late nor a problem. A sender the store never knew on the roster keeps the statuses above.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Sequence

from ..check.coerce import ascii_digits
from ..check.issued import AS_ISSUED
from ..spec.form import Form
from ..master.derive import add_up, as_date, number
from ..master.layout import Kind
from ..master.model import Key, Record
from ..spec.pointers import lookup
from ..roster import Recipient
from .headings import word
from .spec import MasterSpec, master_spec
from .due import Due
from .store import OutcomeRow
from .total import listed_codes, new_codes
from .waivers import code_of, marked, of_recipient, waived_reason, waived_status
from .yearend import continued, owed, owing_status, year_end

SUMMARY, CHARTS = "สรุป", "กราฟรายโครงการ"
#: The cumulative sheet of a form declaring progress, unless its layout names it.
CUMULATIVE = word("sheet.cumulative-progress")
OVER_BUDGET = word("note.over-budget")
#: Width and kind of each column, by role (see :mod:`.headings`). Printed, the summary is fitted to
#: one A4 page across: at these widths (most of them their heading's longest word, which Calc and
#: Excel will not break) and with its long texts wrapped it prints at about three quarters of full
#: size; at one line per text (273 units with the file name) it printed at 57 %, 14 pt as 8.
SUMMARY_SHAPES: dict[str, tuple[float, Kind]] = {
    "recipient": (12, "text"), "school": (20, "text"), "network": (9, "text"), "key": (16, "text"), "period": (14, "text"),
    "title": (24, "text"), "latest_number": (10, "whole"), "latest_date": (12, "date"), "progress": (10, "percent"),
    "total": (13, "amount"), "budget": (13, "amount"), "share": (9, "percent"), "notes": (16, "text"),
    "corrected": (12, "text"), "status": (14, "text"), "file": (24, "text")}
#: The summary's columns whose texts wrap (each line grows to fit them) rather than show what fits.
SUMMARY_WRAPPED = frozenset({"school", "title", "notes", "corrected", "status"})
#: The summary's columns for the screen only (the clerk's: which file to open), never printed.
SCREEN_ONLY = ("file",)
CUMULATIVE_SHAPES: dict[str, tuple[float, Kind]] = {
    "school": (26, "text"), "number": (9, "whole"), "date": (16, "date"), "progress": (12, "percent"), "amount": (15, "amount"),
    "total": (15, "amount"), "share": (11, "percent"), "notes": (30, "text")}
MUST_FIX, UNREADABLE, NOTHING = "ส่งไฟล์ที่ต้องแก้ไข", "ส่งไฟล์ที่เปิดไม่ได้", "ยังไม่ได้รับรายงาน"
COMPLETE, LATE, UP_TO_DATE = "เสร็จสิ้น", "ล่าช้า", "เป็นปัจจุบัน"
CORRECTED = "แก้ไขรายงานก่อนหน้า"
#: The status of a line whose recipient the roster no longer lists (it was taken off).
LEFT = word("status.left")
RED, ORANGE, PINK, GREY = "F4B6B6", "FFD9A0", "FCE4E4", "E7E6E6"


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
    year_end: str = ""  # the last month of its project's fiscal year (:mod:`.yearend`)
    full: bool = False  # every row of its table filled, or its project went on under another code: owes nothing
    waived: str | None = None  # the clerk's reason ('' for none) when its remaining months are waived (:mod:`.waivers`)

    @classmethod
    def of(cls, record: Record, spec: MasterSpec | None, form: Form | None = None, waived: str | None = None) -> Digest:
        """The digest of ``record`` under its form's declaration (``form``: the layout, whose rules say
        which fiscal year a project runs in, for what it owes once the year is over; ``waived``: the
        reason when the clerk waived its remaining months)."""
        rows = spec.rows_of(record.data) if spec else []
        total = add_up(number(r.get(spec.amount)) for r in rows) if spec and spec.amount and rows else None
        dates = [str(r.get(spec.date)) for r in rows if spec and spec.date and isinstance(r.get(spec.date), str)]
        return cls(record.key, lookup(record.data, spec.title) if spec and spec.title else None, len(rows),
                   rows[-1] if rows else {}, total, lookup(record.data, spec.budget) if spec and spec.budget else None,
                   max(dates, default=""), *year_end(form, spec, record.data), waived)


@dataclass(frozen=True)
class Line:
    """One line of the summary: a recipient and (when known) its submission for one key."""

    recipient: str
    key: str
    record: Digest | None
    last: OutcomeRow | None  # the latest outcome of a file from this recipient for this key
    missing: str = ""  # the period due that this roster recipient has not sent, as labelled (a line of its own)
    waived: str | None = None  # a line without a report: the reason its code was waived (:mod:`.waivers`)

    @property
    def form_id(self) -> str:
        """The form of the line's submission, else of its latest file ('' when neither says)."""
        return self.record.key.form_id if self.record else self.last.form_id if self.last else ""


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
    if (reason := waived_reason(line)) is not None:
        return waived_status(reason)
    if line.missing:
        return not_sent(line.missing)
    if line.record is None:
        return NOTHING
    if months := owed(line.record, spec, since):
        return owing_status(months)
    latest = line.record.latest
    if spec and spec.progress and number(latest.get(spec.progress)) >= 100:
        return COMPLETE
    # A form sent anew each period is late by not sending the period due (``line.missing``), never by
    # its table's dates: a term's last training may well be months before the term's report.
    if spec and spec.date and not spec.period and line.record.rows:
        date = as_date(latest.get(spec.date))
        if date is None or date < since:
            return LATE
    return UP_TO_DATE


def not_sent(period: str) -> str:
    """The status of a roster recipient's line for a period due it has not sent."""
    return word("status.not-sent", period=period)


def summary_lines(records: list[Digest], roster: Sequence[Recipient], outcomes: list[OutcomeRow],
                  specs: Mapping[str, MasterSpec] | None = None, due: Due | None = None,
                  waived: Mapping[tuple[str, str], str] | None = None) -> list[Line]:
    """Every roster recipient (with each of its submissions, or alone), then submissions of others.

    :param specs: the forms' declarations, by form id: a form with a period (``master: period``) has
        its lines in time order, and a file of a new period that was refused a line of its own.
    :param due: the period due of the office's form with a period (:mod:`.due`): a roster recipient
        without a line of it gets one saying so (one with nothing at all has its line of that period).
    :param waived: (recipient, code) → reason of each project the clerk waived (:func:`.waivers.holding`;
        ``records`` marked waived count too): it owes no line of the period due, and a code its roster
        row lists that never reported has one line saying it is waived.
    """
    specs, records = specs or {}, continued(records, roster)  # a project renumbered within its year owes nothing
    held = {**dict(waived or {}), **marked(records)}
    seen = _Seen(outcomes, specs)
    by_recipient: dict[str, list[Digest]] = {}
    for record in sorted(records, key=lambda d: _order(d.key.form_id, d.key.project_code, specs)):
        by_recipient.setdefault(record.key.recipient, []).append(record)
    lines: list[Line] = []
    for entry in roster:
        lines += _roster_lines(entry, by_recipient.pop(entry.id, []), seen, due, of_recipient(held, entry.id))
    for who in sorted(by_recipient):
        lines += seen.lines(who, by_recipient[who])
    return lines


def _roster_lines(entry: Recipient, own: list[Digest], seen: _Seen, due: Due | None,
                  waived: Mapping[str, str]) -> list[Line]:
    """A roster recipient's lines: each submission, or one line alone; then, with a period due that
    none of them is of, a line saying it is not sent (an unreadable file since its last report shows) —
    for a roster row listing several codes, one such line for each code without its report of the period.
    A code the clerk waived (``waived``: code → reason) owes no such line: one that never reported has
    a line saying it is waived instead."""
    lines = seen.lines(entry.id, own)
    renumbered = new_codes(entry, own, seen.specs)  # listed codes not sent: their lines are due, the old codes' apart
    fresh = renumbered if due is None else ()  # (with a period due, its "not sent" line names it)
    listed = entry.codes or ("",)
    if not own:
        latest, code = seen.latest(entry.id), listed[0]
        key = latest.key if latest and latest.key else due.key_of(code) if due else code
        # the waiver of its key's code: a file of the row's second code makes the line that one's
        lines.append(Line(entry.id, key, None, latest, waived=waived.get(code_of(key))))
        # several codes listed: a line each — the first code's too when that line is another code's
        # (with a period due, a code without its report of it has its "not sent" line below)
        # (a row naming no code has its one line: no code is owed a line of its own)
        fresh = listed[1:] if due or not entry.codes else tuple(c for c in listed if code_of(c) != code_of(key))
    for code in fresh:
        key = due.key_of(code) if due else code
        if all(line.key != key for line in lines):  # (a refused file of that code may have its line already)
            lines.append(Line(entry.id, key, None, seen.last.get((entry.id, key)) or seen.unreadable_since(entry.id),
                              waived=waived.get(ascii_digits(code))))
    if due is None:
        return lines
    if len(listed) > 1:  # several codes: each owes its own report of the period due
        for code in due.unsent(listed_codes(entry), lines):
            if code not in waived:
                line = Line(entry.id, due.key_of(code), None, seen.unreadable_since(entry.id), due.label)
            elif any(due.code_of(other.key) == code for other in lines):
                continue  # its own lines say it is waived: nothing more is due
            else:  # never reported: one line, saying it is waived
                line = Line(entry.id, due.key_of(code), None, None, waived=waived[code])
            lines.insert(due.place(lines, code), line)
        return lines
    if any(due.sent(Key(line.form_id or due.form_id, line.key, entry.id)) for line in lines):
        return lines
    code = next(iter(renumbered), "") or next(
        (due.spec.split(d.key.project_code)[0] for d in own if d.key.form_id == due.form_id), listed[0])
    if code_of(code) in waived:  # its lines say so: nothing more is due
        return lines
    missing = Line(entry.id, due.key_of(code), None, seen.unreadable_since(entry.id), due.label)
    # In time order among the key's months: a month sent after the one due (December when November is
    # due, on a past period's view) comes after its "not sent" line.
    later = (n for n, line in enumerate(lines) if line.form_id == due.form_id and due.later(line.key, code))
    at = next(later, len(lines))
    return [*lines[:at], missing, *lines[at:]]


class _Seen:
    """The latest outcome of each recipient's files, by key (oldest first: the last one wins)."""

    def __init__(self, outcomes: list[OutcomeRow], specs: Mapping[str, MasterSpec]) -> None:
        self.last: dict[tuple[str, str], OutcomeRow] = {}
        self.keyed: dict[tuple[str, str], OutcomeRow] = {}
        self.keys: dict[str, dict[str, None]] = {}  # each recipient's keys, in order ('' for no key)
        self.newest: dict[str, int] = {}  # the id of each recipient's latest outcome naming a key
        self.specs = specs
        for o in outcomes:
            # The template sent back with nothing typed is no file to fix: the line stays as the record makes it.
            if o.result in ("merged", "replaced", "refused", "quarantined") and o.recipient and o.code != AS_ISSUED:
                o = self._periodless(o)
                self.last[(o.recipient, o.key)] = o
                self.keys.setdefault(o.recipient, {})[o.key] = None
                if o.key:
                    self.keyed[(o.recipient, o.key)], self.newest[o.recipient] = o, o.id
                else:  # an unreadable file names no key: it stands for all of the recipient's
                    for key in self.keys[o.recipient]:
                        self.last[(o.recipient, key)] = o

    def _periodless(self, o: OutcomeRow) -> OutcomeRow:
        """A file refused before its form declared its period (its key holds none, its data was not
        kept to say which): like an unreadable file, it names no period, so no line of its own."""
        spec = self.specs.get(o.form_id)
        return replace(o, key="") if o.key and spec and spec.period and not spec.split(o.key)[1] else o

    def lines(self, who: str, own: list[Digest]) -> list[Line]:
        """A line per submission of ``who``, then one per period refused with no submission (a form
        with a period: November's refused file is not October's line)."""
        lines = [Line(who, d.key.project_code, d, self.of(who, d.key.form_id, d.key.project_code)) for d in own]
        held = {d.key.project_code for d in own}
        for key in self.keys.get(who, {}) if own else ():
            o = self.keyed.get((who, key))
            spec = self.specs.get(o.form_id) if o else None
            if o and key not in held and o.result == "refused" and spec and spec.period:
                lines.append(Line(who, key, None, self.of(who, o.form_id, key)))
        return lines

    def of(self, who: str, form_id: str, key: str) -> OutcomeRow | None:
        """The outcome a line shows: for a form with a period, an unreadable file stands for the
        recipient's lines only while no later file names a period (else October stayed unreadable)."""
        found = self.last.get((who, key))
        spec = self.specs.get(form_id)
        if found is not None and not found.key and spec and spec.period and found.id < self.newest.get(who, 0):
            return self.keyed.get((who, key))
        return found

    def latest(self, who: str) -> OutcomeRow | None:
        """The latest outcome of ``who`` (for a recipient without a submission)."""
        mine = [self.last[(who, key)] for key in self.keys.get(who, {})]
        return max(mine, key=lambda o: o.id) if mine else None

    def unreadable_since(self, who: str) -> OutcomeRow | None:
        """The unreadable file ``who`` sent after every file naming a key, if any (it may be the one due)."""
        latest = self.latest(who)
        return latest if latest is not None and not latest.key and latest.id > self.newest.get(who, 0) else None


def _order(form_id: str, key: str, specs: Mapping[str, MasterSpec]) -> tuple[Any, ...]:
    """Where a key's line goes among a recipient's: by form and key, a key's periods in time order."""
    spec = specs.get(form_id)
    if spec is None or not spec.period:
        return (form_id, key, ())
    code, period = spec.split(key)
    return (form_id, code, spec.period_rank(period))


def ordered_forms(forms: dict[str, Form]) -> list[Form]:
    """The forms by id, those with a cumulative table first: the summary's headings follow the first."""
    ordered = [forms[k] for k in sorted(forms)]
    return sorted(ordered, key=lambda f: not master_spec(f).table)


def main_form(forms: dict[str, Form], wanted: Callable[[MasterSpec], bool]) -> Form | None:
    """The first form (by id) whose declaration is ``wanted`` (a computed sheet follows one form)."""
    return next((f for f in ordered_forms(forms) if wanted(master_spec(f))), None)
