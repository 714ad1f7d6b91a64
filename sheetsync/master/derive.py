"""The master's visible sheets, computed in Python from the stored submissions.

Every total, running sum and status is a value computed here, never a formula: a workbook written
by openpyxl carries no cached results, so a formula would show nothing in a viewer that does not
recalculate. The sheets follow the progress report's JSON shape (``/project``, ``/reports``); a
submission without reports still gets its summary and project rows.

Status of a project / recipient on the summary sheet, relative to ``today`` (the earliest date
a latest report may bear in the office's reporting period):

* ``ยังไม่มีรายงาน`` (no report) — no report at all: a recipient of the roster who has sent
  nothing yet;
* ``เสร็จสิ้น`` (complete) — the latest report says 100 % (a finished project is never late);
* ``ล่าช้า`` (late) — the latest report is dated before ``today``;
* ``เป็นปัจจุบัน`` (up to date) — otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator, Sequence

from ..form import Field, Form, Table
from ..pointers import lookup
from ..roster import Recipient
from .layout import ChartBlock, ChartSpec, Column, Highlight, Kind, Sheet
from .model import Record

SUMMARY, CUMULATIVE, PROJECTS, REPORTS = "สรุป", "ความก้าวหน้าสะสม", "โครงการ", "รายงาน"
UP_TO_DATE, LATE, NO_REPORT, COMPLETE = "เป็นปัจจุบัน", "ล่าช้า", "ยังไม่มีรายงาน", "เสร็จสิ้น"
NOT_ON_PLAN, NOT_ON_TARGET, OVER_BUDGET = "ไม่เป็นไปตามแผน", "ไม่เป็นไปตามเป้าหมาย", "เบิกจ่ายเกินงบประมาณ"
DEFAULT_CHOICES = {"on_plan": {True: "เป็นไปตามแผน", False: NOT_ON_PLAN},
                   "on_target": {True: "เป็นไปตามเป้าหมาย", False: NOT_ON_TARGET}}
RED, ORANGE, PINK = "F4B6B6", "FFD9A0", "FCE4E4"
_KINDS: dict[str, Kind] = {"date": "date", "amount": "amount", "whole": "whole", "auto": "whole", "percent": "percent"}
KEY_COLUMNS = (Column("รหัสโครงการ", 16), Column("ผู้รายงาน", 16))


def derived_sheets(records: list[Record], forms: dict[str, Form], today: dt.date,
                   roster: list[Recipient] | None = None) -> list[Sheet]:
    """The four visible sheets (summary, cumulative progress, projects, reports), in that order.

    :param records: the submissions, in the order the sheets list them.
    :param forms: the forms of those submissions, by id (headers and choice labels come from them).
    :param today: the day the summary's status is computed for.
    :param roster: who is expected to report; those without a submission show as "no report".
    """
    return [summary_sheet(records, today, roster or []), cumulative_sheet(records),
            project_sheet(records, forms), report_sheet(records, forms)]


def reports_of(record: Record) -> list[dict[str, Any]]:
    """The record's reports, in report-number order."""
    reports = [r for r in record.data.get("reports", []) if isinstance(r, dict)]
    return sorted(reports, key=lambda r: _number(r.get("no")))


def status_of(reports: list[dict[str, Any]], today: dt.date) -> str:
    """The summary status of reports sorted by number; ``today`` is the earliest date a latest
    report may bear to be up to date (see :func:`sheetsync.office.sheets.expected_since`)."""
    if not reports:
        return NO_REPORT
    latest = reports[-1]
    if _number(latest.get("progress_percent")) >= 100:
        return COMPLETE
    date = _date(latest.get("date"))
    if date is None or date < today:
        return LATE
    return UP_TO_DATE


def cumulative_rows(record: Record) -> list[list[Any]]:
    """One row per report: number, date, progress, disbursed, running total, % of budget, flags."""
    budget = _number(record.data.get("project", {}).get("budget_received"))
    total = 0.0
    rows = []
    for report in reports_of(record):
        disbursed = _number(report.get("disbursed"))
        total += disbursed
        flags = [text for key, text in (("on_plan", NOT_ON_PLAN), ("on_target", NOT_ON_TARGET))
                 if report.get(key) is False]
        if budget and total > budget:
            flags.append(OVER_BUDGET)
        rows.append([*record.key[1:], report.get("no"), _date(report.get("date")), report.get("progress_percent"),
                     disbursed, total, _share(total, budget), ", ".join(flags)])
    return rows


def summary_sheet(records: list[Record], today: dt.date, roster: Sequence[Recipient] = ()) -> Sheet:
    """One row per project / recipient: the latest report, money, and status.

    Roster entries without a submission get a row too (status "no report"); the roster also gives
    the recipients' names.
    """
    columns = (KEY_COLUMNS[0], Column("ชื่อโครงการ", 40), KEY_COLUMNS[1], Column("ชื่อผู้รายงาน", 24),
               Column("รายงานล่าสุด (ครั้งที่)", 12, "whole"), Column("วันที่รายงานล่าสุด", 14, "date"),
               Column("ความก้าวหน้า (%)", 12, "percent"), Column("เบิกจ่ายสะสม (บาท)", 16, "amount"),
               Column("งบประมาณที่ได้รับ (บาท)", 16, "amount"), Column("เบิกจ่าย (% ของงบประมาณ)", 14, "percent"),
               Column("เป็นไปตามแผน", 18), Column("เป็นไปตามเป้าหมาย", 20), Column("สถานะ", 16))
    names = {r.id: r.school for r in roster if r.school}
    lines = _summary_lines(records, roster)

    def rows() -> Iterator[list[Any]]:
        for code, recipient, record in lines:
            data = record.data if record else {}
            project = data.get("project", {}) or _project_of(records, code)
            reports = reports_of(record) if record else []
            latest = reports[-1] if reports else {}
            budget = _number(project.get("budget_received"))
            total = sum(_number(r.get("disbursed")) for r in reports)
            yield [code, project.get("name", ""), recipient, names.get(recipient, ""), latest.get("no"),
                   _date(latest.get("date")), latest.get("progress_percent"), total if reports else None,
                   project.get("budget_received"), _share(total, budget) if reports else None,
                   _choice("on_plan", latest.get("on_plan")), _choice("on_target", latest.get("on_target")),
                   status_of(reports, today)]

    highlights = (Highlight(10, NOT_ON_PLAN, RED), Highlight(11, NOT_ON_TARGET, RED),
                  Highlight(12, LATE, ORANGE), Highlight(12, NO_REPORT, RED))
    return Sheet(SUMMARY, columns, rows(), len(lines), freeze_columns=3, highlights=highlights)


def _summary_lines(records: list[Record], roster: Sequence[Recipient]) -> list[tuple[str, str, Record | None]]:
    """(project code, recipient, submission or None): every submission, then who has not reported."""
    lines: list[tuple[str, str, Record | None]] = [(r.key.project_code, r.key.recipient, r) for r in records]
    reported = {(r.key.project_code, r.key.recipient) for r in records}
    recipients = {r.key.recipient for r in records}
    for entry in roster:
        code, who = entry.project_code, entry.id
        if (code, who) in reported or (not code and who in recipients):
            continue
        reported.add((code, who))
        lines.append((code, who, None))
    return sorted(lines, key=lambda line: (line[0], line[1], line[2].key.form_id if line[2] else ""))


def _project_of(records: list[Record], code: str) -> dict[str, Any]:
    """The project header another recipient reported for ``code`` (a name for a "no report" row)."""
    for record in records:
        if code and record.key.project_code == code:
            project: dict[str, Any] = record.data.get("project", {})
            return project
    return {}


def cumulative_sheet(records: list[Record]) -> Sheet:
    """Every report with running totals, and one chart per project / recipient."""
    columns = (*KEY_COLUMNS, Column("รายงานครั้งที่", 12, "whole"), Column("วันที่รายงาน", 14, "date"),
               Column("ความก้าวหน้า (%)", 12, "percent"), Column("เบิกจ่ายครั้งนี้ (บาท)", 16, "amount"),
               Column("เบิกจ่ายสะสม (บาท)", 16, "amount"), Column("เบิกจ่ายสะสม (% ของงบประมาณ)", 14, "percent"),
               Column("ข้อสังเกต", 30))
    blocks, first = [], 0
    for record in records:
        count = len(reports_of(record))
        if count:
            blocks.append(ChartBlock(f"{record.key.project_code} · {record.key.recipient}", first, first + count - 1))
        first += count
    chart = ChartSpec(category=2, primary=4, secondary=6, primary_title="ความก้าวหน้า (%)",
                      secondary_title="เบิกจ่ายสะสม (บาท)", blocks=tuple(blocks))
    rows = (row for record in records for row in cumulative_rows(record))
    return Sheet(CUMULATIVE, columns, rows, first, freeze_columns=3, highlights=(Highlight(8, None, PINK),),
                 chart=chart)


def project_sheet(records: list[Record], forms: dict[str, Form]) -> Sheet:
    """The header data of each project / recipient: every single field of the form, then its lists."""
    fields = _union([f for form in forms.values() for f in form.fields if f.pointer != "/project/code"])
    tables = _union([t for form in forms.values() for t in form.tables if t.pointer != "/reports"])
    columns = (*KEY_COLUMNS, *(Column(f.title, _width(f), _KINDS.get(f.kind, "text")) for f in fields),
               *(Column(_table_title(t), 40) for t in tables),
               Column("ออกแม่แบบเมื่อ (UTC)", 22), Column("ไฟล์", 30), Column("รวมเมื่อ (UTC)", 22))

    def rows() -> Iterator[list[Any]]:
        for record in records:
            values = [_cell(f, lookup(record.data, f.pointer)) for f in fields]
            lists = [_flatten(t, lookup(record.data, t.pointer)) for t in tables]
            yield [*record.key[1:], *values, *lists, record.recency.issued_at, record.file, record.merged_at]

    return Sheet(PROJECTS, columns, rows(), len(records), freeze_columns=2)


def report_sheet(records: list[Record], forms: dict[str, Form]) -> Sheet:
    """Every report row of every submission, as the school typed it."""
    table = next((t for form in forms.values() for t in form.tables if t.pointer == "/reports"), None)
    fields = [c for c in table.columns if not c.decorative] if table else []
    columns = (*KEY_COLUMNS, *(Column(c.title, 40 if c.pointer == "stage" else 14, _KINDS.get(c.kind, "text"))
                               for c in fields))
    count = sum(len(reports_of(r)) for r in records)
    rows = ([*record.key[1:], *(_cell(c, report.get(c.pointer)) for c in fields)]
            for record in records for report in reports_of(record))
    return Sheet(REPORTS, columns, rows, count, freeze_columns=3)


def _union(items: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(item.pointer, item)
    return list(seen.values())


def _cell(f: Field, value: Any) -> Any:
    if value is None:
        return None
    if f.kind == "date":
        return _date(value)
    if f.kind == "choice":
        return (f.choices or {}).get(value, str(value))
    if f.kind == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return value


def _flatten(table: Table, items: Any) -> str:
    """A list of the form (objectives, networks) as readable text in one cell."""
    if not isinstance(items, list):
        return ""
    if table.scalar_items:
        return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))
    lines = []
    for item in items:
        parts = [f"{c.title}: {_shown(item.get(c.pointer))}" for c in table.columns
                 if not c.decorative and isinstance(item, dict) and item.get(c.pointer) is not None]
        lines.append("; ".join(parts))
    return "\n".join(lines)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def _table_title(table: Table) -> str:
    titled = [c.title for c in table.columns if not c.decorative and c.title]
    return titled[0] if titled else table.pointer.strip("/")


def _width(f: Field) -> float:
    if f.kind in ("date", "whole", "amount", "percent"):
        return 16
    return 60 if f.pointer in ("/rationale", "/plan_alignment/indicator") else 30


def _choice(name: str, value: Any) -> str | None:
    return None if value is None else DEFAULT_CHOICES[name].get(value, str(value))



def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value)


def _share(total: float, budget: float) -> float | None:
    return round(total * 100 / budget, 2) if budget else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
