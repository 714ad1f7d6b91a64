"""The batch summary: one row per file (file, school, valid, errors, warnings) as .csv and .xlsx."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ..messages import Lang, render
from ..check.report import Report, Result
from ..files import write_atomically
from ..text import safe_text

COLUMNS = ["summary.col.file", "summary.col.school", "summary.col.valid", "summary.col.errors",
           "summary.col.warnings", "summary.col.problem"]


def summary_rows(results: Iterable[Result], lang: Lang = "th") -> list[list[str | int]]:
    """Header plus one row per file; an unreadable file shows why in the last column."""
    rows: list[list[str | int]] = [[render(c, lang) for c in COLUMNS]]
    for r in results:
        if isinstance(r, Report):
            school = r.recipient
            rows.append([safe_text(r.path.name), safe_text(school), render("summary.yes" if r.valid else "summary.no",
                         lang), len(r.errors), len(r.warnings), ""])
        else:  # file names come from the inbox: as unsafe as any cell
            rows.append([safe_text(r.path.name), "", render("summary.unreadable", lang), "", "", safe_text(r.reason)])
    return rows


def write_summary_csv(results: Iterable[Result], path: Path, lang: Lang = "th") -> None:
    """UTF-8 with a BOM, so Excel opens the Thai text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in summary_rows(results, lang):
        writer.writerow([_safe(v) for v in row])
    write_atomically(path, lambda tmp: tmp.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8"))


def write_summary_xlsx(results: Iterable[Result], path: Path, lang: Lang = "th") -> None:
    """A one-sheet workbook with frozen header, filter and failing rows shaded."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = render("report.title", lang)[:31]
    rows = summary_rows(results, lang)
    for row in rows:
        ws.append(row)
    for cell in ws["A"] + ws["B"] + ws["F"]:
        cell.data_type = "s"  # file and school names are text, never formulas
    bad = PatternFill("solid", fgColor="FDE2E1")
    for r, row in enumerate(rows[1:], start=2):
        if row[2] != render("summary.yes", lang):
            for cell in ws[r]:
                cell.fill = bad
    for cell in ws[1]:
        cell.font = Font(name="TH Sarabun New", size=16, bold=True)
    for letter, width in zip("ABCDEF", (40, 24, 14, 12, 12, 60)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    write_atomically(path, lambda tmp: wb.save(tmp))


def _safe(value: str | int) -> str | int:
    # A spreadsheet opening the CSV would run "=..." as a formula: prefix it with a quote.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
