"""The batch summary: one row per file (file, school, valid, errors, warnings, file problem, note) as
.csv and .xlsx.

The note marks a file a restore put back into the inbox (``sheetsync restore``): read again, received
before, not a new return from its school. The .xlsx then counts them apart under its table, as the
run's table does (:func:`new_and_reread`); the .csv stays one table (a program reads it too).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Collection, Iterable, Mapping

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..messages import Lang, render
from ..check.report import Report, Result, Unread
from ..files import write_atomically
from ..text import shown_name

COLUMNS = ["summary.col.file", "summary.col.school", "summary.col.valid", "summary.col.errors",
           "summary.col.warnings", "summary.col.problem", "summary.col.note"]
NOTE = 6  # the column that marks a file read again after a restore
REREAD = "sync.reread"  # its mark: the words of the run's table (catalogue.yaml), as the digest lists it apart


def new_and_reread(files: int, reread: int) -> list[tuple[str, int]]:
    """How many of a run's ``files`` are new from their schools, and how many of them were ``reread``
    (put back into the inbox by a restore: received before): the codes and counts the run's table and
    the summary show. The second only when there is one, as the digest's section of them.

    Example::

        new_and_reread(3, 1)  # [("sync.new", 2), ("sync.reread", 1)]
    """
    return [("sync.new", files - reread), *([(REREAD, reread)] if reread else [])]


def summary_rows(results: Iterable[Result], lang: Lang = "th", reread: Collection[Path] = (), *,
                 names: Mapping[str, str] | None = None) -> list[list[str | int]]:
    """Header plus one row per file; an unreadable file shows why in its file-problem column.

    :param reread: the paths of ``results`` a restore put back into the inbox: their note says they
        were read again after the restore (received before), whatever their check found.
    :param names: recipient id → school name (the office's roster): the sender's column shows the
        name with the id after it; an id it does not name is shown alone.
    """
    rows: list[list[str | int]] = [[render(c, lang) for c in COLUMNS]]
    for r in results:
        note = render(REREAD, lang) if r.path in reread else ""
        if isinstance(r, Report):
            rows.append([shown_name(r.path.name), school_shown(r.recipient, names or {}), render("summary.yes" if r.valid else "summary.no",
                         lang), len(r.errors), len(r.warnings), "", note])
        else:  # file names come from the inbox: as unsafe as any cell
            rows.append([shown_name(r.path.name), "", render("summary.unreadable", lang), "", "",
                         shown_name(_why(r, lang)), note])
    return rows


def school_shown(recipient: str, names: Mapping[str, str]) -> str:
    """The sender's cell: ``"โรงเรียนวัดไทร (s2)"`` when ``names`` knows ``recipient``'s name, else
    its id alone ("" for a file no school's signature vouches for). A name from the roster is as
    unsafe as any cell: no control or direction character reaches the sheet.

    Example::

        school_shown("s2", {"s2": "โรงเรียนวัดไทร"}) == "โรงเรียนวัดไทร (s2)"
    """
    name = names.get(recipient, "").strip() if recipient else ""
    return shown_name(f"{name} ({recipient})" if name else recipient)


def _why(item: Unread, lang: Lang) -> str:
    """Why ``item`` was not read, naming it: in Thai, the plain words first, then the reader's own
    English for whoever helps (as the run's table says it); in English, the reader's line."""
    thai = item.why.get("th", "") if lang == "th" else ""
    return f"{item.path.name}: {thai} / {item.reason}" if thai else item.reason


def write_summary_csv(results: Iterable[Result], path: Path, lang: Lang = "th", *,
                      reread: Collection[Path] = (), names: Mapping[str, str] | None = None) -> None:
    """UTF-8 with a BOM, so Excel opens the Thai text correctly; ``reread`` and ``names`` as for
    :func:`summary_rows`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in summary_rows(results, lang, reread, names=names):
        writer.writerow([_safe(v) for v in row])
    # newline="": csv ends each row with "\r\n" already; Windows' translation made it "\r\r\n", an empty row in Excel.
    write_atomically(path, lambda tmp: tmp.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8", newline=""))


def write_summary_xlsx(results: Iterable[Result], path: Path, lang: Lang = "th", *,
                       reread: Collection[Path] = (), names: Mapping[str, str] | None = None) -> None:
    """A one-sheet workbook with frozen header, filter, failing rows shaded and files read again
    greyed; with any file read again (``reread``, as for :func:`summary_rows`), the counts of new
    files and of files read again under the table; ``names`` as for :func:`summary_rows`."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = render("report.title", lang)[:31]
    rows = summary_rows(results, lang, reread, names=names)
    for row in rows:
        ws.append(row)
    for cell in ws["A"] + ws["B"] + ws["F"] + ws["G"]:
        cell.data_type = "s"  # file and school names are text, never formulas
    ws.auto_filter.ref = ws.dimensions  # the files alone: sorting them leaves the counts below in place
    _shade(ws, rows, lang)
    again = sum(1 for row in rows[1:] if row[NOTE])
    if again:  # what the run's table says of them (the counts are numbers: after the text columns are set)
        ws.append([])
        for code, count in new_and_reread(len(rows) - 1, again):
            ws.append([render(code, lang), count])
    for cell in ws[1]:
        cell.font = Font(name="TH Sarabun New", size=16, bold=True)
    for letter, width in zip("ABCDEFG", (40, 40, 14, 12, 12, 60, 40)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    write_atomically(path, lambda tmp: wb.save(tmp))


def _shade(ws: Worksheet, rows: list[list[str | int]], lang: Lang) -> None:
    """Failing rows red; a file read again grey (its school sent nothing new), unless it fails."""
    bad, again = PatternFill("solid", fgColor="FDE2E1"), PatternFill("solid", fgColor="EDEDED")
    for r, row in enumerate(rows[1:], start=2):
        fill = bad if row[2] != render("summary.yes", lang) else again if row[NOTE] else None
        for cell in ws[r] if fill is not None else ():
            cell.fill = fill


def _safe(value: str | int) -> str | int:
    # A spreadsheet opening the CSV would run "=..." as a formula: prefix it with a quote (TAB and CR
    # too: OWASP's list, as some importers skip them before reading the formula behind).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
