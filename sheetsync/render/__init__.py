"""Renderers of validation reports: plain text for the terminal and JSON for programs."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Iterable

from ..check.issued import told_as_issued
from ..check.report import PUT_RIGHT, Finding, Report, Result, settled
from ..identity import META_SHEET
from ..messages import LANGS, Lang, first, render
from ..spec.cells import column_index
from ..spec.form import Form
from ..spec.pointers import generic, schema_node
from ..text import one_line_shown, safe_text

CLI = "cli.yaml"  # the terminal's words (messages/cli.yaml)
SEVERITY_COLUMNS = 8  # "ข้อผิดพลาด" on screen: its marks above and below take no column


def report_dict(report: Report, lang: str = "th") -> dict[str, Any]:
    """One file's report in the documented JSON shape ``{"file", "valid", "findings"}``."""
    # The path as read from the disk may hold what no JSON file can (a name not in UTF-8: lone surrogates).
    return {"file": safe_text(str(report.path)), "valid": report.valid,
            "findings": [f.as_dict(lang) for f in ordered(report.findings)]}


def render_json(results: Iterable[Result], lang: str = "th") -> str:
    """A JSON list, one object per file; unreadable files carry ``"error"`` and no findings."""
    items = [report_dict(r, lang) if isinstance(r, Report) else {"file": safe_text(str(r.path)), "valid": False, "findings": [],
                                                                  "error": r.reason} for r in results]
    return json.dumps(items, ensure_ascii=False, indent=2, default=str, allow_nan=False)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Errors before warnings, then by sheet and by cell (row, then column)."""
    def key(f: Finding) -> tuple[int, str, int, int, str]:
        letters = "".join(ch for ch in f.cell if ch.isalpha())
        digits = "".join(ch for ch in f.cell if ch.isdigit())
        return (f.severity != "error", f.sheet, int(digits or 0), len(letters), letters)
    return sorted(findings, key=key)


def field_label(schema: dict[str, Any], path: str) -> str:
    """The title of the field a finding is about ("ความก้าวหน้าของงานฯ (%)"), or "" (no field, no title)."""
    node = schema_node(schema, generic(path)) if schema and path else None
    return str(node.get("title", "")) if node else ""


def finding_label(schema: dict[str, Any], finding: Finding, form: Form | None = None) -> str:
    """The title of what a finding's cell holds: its field's (:func:`field_label`), but for a finding about
    a whole row of a table (report 4 missing, found on B40) the title of the column that cell is in
    ("วันที่รายงาน"), not the row's ("รายงานครั้งที่", column A's): the label goes with the cell it links to."""
    column = _row_column(form, finding) if form is not None else None
    if column is not None:
        return str(column.schema.get("title") or column.title)
    return field_label(schema, finding.path)


def _row_column(form: Form, finding: Finding) -> Any:
    """The column of ``form``'s table that a finding about one of its whole rows sits in, else None."""
    table = next((t for t in form.tables if finding.path.startswith(t.pointer + "/")), None)
    match = re.fullmatch(r"([A-Z]+)[0-9]+", finding.cell)
    if table is None or match is None or finding.sheet != form.sheet \
            or not finding.path[len(table.pointer) + 1:].isdigit():
        return None
    col = column_index(match[1])
    return next((c for c in table.columns if c.place.col <= col <= c.place.last_col), None)


def value_text(form: Form | None, finding: Finding) -> str:
    """A finding's value as the school wrote it: 270,000 and 15, not 270000.0; a date as 29/10/2563,
    not 2020-10-29; a year or a count (a whole-number field) as 2564, without a thousands separator."""
    from ..check.shown import EXACT_LIMIT, shown

    value = finding.value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < EXACT_LIMIT:
        value = int(value)  # beyond, shown() writes it as the sheet shows it (1E+308), not as 309 digits
    field = _field_of(form, finding.path) if form is not None else None
    if isinstance(value, int) and not isinstance(value, bool) and (field is None or field.kind in ("whole", "auto")):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"  # an amount
    return shown(value)


def _field_of(form: Form, path: str) -> Any:
    return next((c for c in form.all_fields()
                 if c.pointer and (path == c.pointer or path.endswith("/" + c.pointer.lstrip("/")))), None)


def row_name(form: Form, finding: Finding) -> str:
    """Which row of a block of rows a cell is in, as the printed form numbers it: "รายงานครั้งที่ 6"
    on the 6th row of a block the form numbers itself (an ``auto`` column) whose items have a title;
    else the block's title and the row's place in it ("รายชั้น แถวที่ 3": "ชั้น 3" would read as a
    grade); "" outside a block, or for a block with no title. A cell outside the form (H40, beside
    report 4: no column of the block) is named so, not as one of the block's rows."""
    match = re.fullmatch(r"([A-Z]+)([0-9]+)", finding.cell)
    if finding.sheet != form.sheet or match is None:
        return ""
    if finding.code == "outside-form-area":
        return render("report.outside_form", "th")
    row, col = int(match[2]), column_index(match[1])
    for table in form.tables:
        columns = [c.place for c in table.columns]
        if table.first_row <= row <= table.last_row and any(p.col <= col <= p.last_col for p in columns):
            n = row - table.first_row + 1
            items = schema_node(form.schema, table.pointer + "/*") or {}
            if any(c.auto is not None for c in table.columns):
                return f"{items['title']} {n}" if items.get("title") else ""
            title = (schema_node(form.schema, table.pointer) or {}).get("title")
            return render("report.row_of", "th", table=title, n=n) if title else ""
    return ""


def to_fix(report: Report, marked: bool) -> int:
    """How many errors of ``report`` she has to fix: with the marked-up copy attached (``marked``), those the
    copy did not put right (:func:`~sheetsync.check.report.settled`); the subject, intro and heading of an
    answer all say this number. All of them when the copy put every one right (it has no red cell) but is not
    known to read back valid: it is then not said to have nothing left to fix."""
    left = len(report.errors) - len(settled(report, marked))
    return left or len(report.errors)


def findings_line(errors: int, warnings: int, lang: Lang = "th", *, marked: bool = False) -> str:
    """The line above a report's findings, in ``lang``: how many to fix and how many notes, and where to
    correct them — in the attached marked-up copy (red and yellow cells) only when ``marked``, else as
    listed below. A file with notes only passed: it is asked to look at them, not to correct "0 items".

    Example::

        findings_line(0, 2)  # "ผ่านการตรวจสอบ มีข้อสังเกต 2 รายการ กรุณาดูข้อสังเกตด้านล่าง"
    """
    # Errors alone are not told of "0 notes" nor of yellow cells their copy does not have.
    code = ("report.invalid" if warnings else "report.errors") if errors else "report.notes"
    return render(code if marked else f"{code}.listed", lang, errors=errors, warnings=warnings)


def advice(finding: Finding, lang: Lang = "th", *, marked: bool = False) -> str:
    """What ``finding`` tells the school, in ``lang``: its message; but with the marked-up copy attached
    (``marked``), for a finding the copy already puts right (:data:`~sheetsync.check.report.PUT_RIGHT`),
    that the attached copy has it right and she fills in or corrects that copy: her own file's advice
    ("delete the inserted row") names a row or a text the copy does not have.

    Example::

        advice(finding, "th", marked=True)  # "มีการแทรกแถวใหม่ที่แถว 41 … กรุณากรอกหรือแก้ไขข้อมูลในไฟล์ที่แนบมา"
    """
    if not marked or finding.code not in PUT_RIGHT:
        return finding.message(lang)
    row = "".join(ch for ch in finding.cell if ch.isdigit())
    params = dict(finding.params)
    # Rows deleted with what was typed in them are back in the copy, but empty: to be typed again there.
    key = f"{finding.code}.attached"
    if finding.code == "rows-deleted" and params:
        key += ".report" if "items" in params else ".lost" if "lost" in params else ".empty"
    return render(key, lang, cell=finding.cell, sheet=finding.sheet, row=row, **params)


def render_for_school(report: Report, lang: Lang = "th", *, marked: bool = False, ready: bool = False) -> str:
    """The findings as a school reads them in plain text (the ``.txt`` report, the e-mail's text
    part): Thai, then English (English first for ``lang="en"``); numbered, what to fix before the
    notes; no codes, no English status line. A file with nothing to say gets the thank-you line.

    :param marked: the file's marked-up copy goes with the text (attached to its e-mail): a finding the
        copy already puts right says so (:func:`advice`).
    :param ready: that copy has nothing left to correct (:func:`sheetsync.batch.copy_ready`): said first, in the
        words of the HTML report's summary line (``report.put_right``)."""
    if not report.findings:
        return "\n".join(render("report.valid", language) for language in first(lang))
    blocks = []
    blank = told_as_issued(report)  # the whole file to send again: said in its sentence, not as "1 item to fix"
    for language in first(lang):
        lines = [f.message(language) for f in report.errors] if blank else []
        if marked and ready and report.errors and not blank:
            lines.append(render("report.put_right", language))
        if not blank and (sheet := cells_sheet(report)):
            lines.append(render("report.on_sheet", language, sheet=sheet))
        done = settled(report, marked)
        fix = [f for f in report.errors if f not in done]
        # What the attached copy put right is headed so: nothing for her to do there, not "to fix".
        for heading, found in (("errors", [] if blank else fix), ("put_right", [] if blank else done),
                               ("warnings", report.warnings)):
            if found:
                lines.append(render(f"report.list.{heading}", language, count=len(found)))
                lines += [f"  {n}. {advice(f, language, marked=marked)}" for n, f in enumerate(ordered(found), start=1)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


#: Findings about a sheet as a whole (one the school added, or the form's renamed): their "A1" is no cell to
#: find, and their message names the sheet (counted, one such sheet tied with the form's one finding, and the
#: answer named it; put on the marked-up copy's A1, the form's locked title, its colour never went).
WHOLE_SHEET = frozenset({"sheet-not-read", "more-sheets-not-read", "sheet-renamed"})


def cells_sheet(report: Report) -> str:
    """The sheet the cells of ``report``'s findings are on (most of them, where another sheet is named too:
    its finding names it); "" when none names a cell a teacher could find.

    A marked-up copy opens on its findings sheet, where a cell typed into Calc's Name Box is one of the
    list's: the answer names the sheet beside the cells.
    """
    sheets = [f.sheet for f in report.findings if f.sheet and f.sheet != META_SHEET and f.code not in WHOLE_SHEET]
    return max(sheets, key=sheets.count) if sheets else ""


def render_text(report: Report, lang: str = "th") -> str:
    """A terminal summary of one report: a status line, then findings grouped by sheet.

    In Thai (the default) the status line is Thai then English on one line, and each finding
    shows its cell, a Thai severity, the Thai message and, at the end, its code for whoever helps:
    ``C4     ข้อผิดพลาด  ช่อง C4 (…) ยังไม่ได้กรอก … (required)``. ``lang="en"``: English alone,
    as ``C4     error   required: Cell C4 …``.
    """
    langs: tuple[Lang, ...] = ("en",) if lang == "en" else LANGS
    status = "valid" if report.valid else "invalid"
    said = []
    for language in langs:
        word = render(f"validate.{status}", language, source=CLI)
        said.append(render("validate.counts", language, source=CLI, status=word, errors=len(report.errors),
                           warnings=len(report.warnings)) if report.findings else word)
    lines = [f"{'✓' if report.valid else '✗'} {one_line_shown(report.path.name)}: {' / '.join(said)}"]
    sheet = None
    for f in ordered(report.findings):
        if f.sheet != sheet:
            sheet = f.sheet
            lines.append(f"  [{sheet}]")
        if lang == "en":
            lines.append(f"    {f.cell:<6} {f.severity:<7} {f.code}: {f.message('en')}")
        else:
            severity = render(f"severity.{f.severity}", "th", source=CLI)
            lines.append(f"    {f.cell:<6} {_padded(severity, SEVERITY_COLUMNS)}  {f.message('th')} ({f.code})")
    return "\n".join(lines)


def _padded(text: str, columns: int) -> str:
    """``text`` followed by spaces up to ``columns`` columns on a terminal, where a Thai vowel or
    tone mark (a combining mark) sits on the letter before it."""
    shown = sum(unicodedata.category(ch) != "Mn" for ch in text)
    return text + " " * max(columns - shown, 0)
