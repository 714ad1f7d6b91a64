"""A teacher pastes into the form, in Calc, cells copied from another workbook of her own, each with its
number format (Calc's Paste carries it, into the unlocked cells of the protected sheet): what the
office reads back, what the school is told, and what the marked-up copy shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.pipeline import FileResult, check_file
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice

#: Calc's own Buddhist-calendar date format (en-US terms), as the teacher's other workbook shows B.E. dates.
BUDDHIST = "[$-107041E]d/m/yyyy"


def pasted(libreoffice: Any, form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str,
           entries: dict[str, tuple[str, str | None]]) -> FileResult:
    """The school's template, filled with ``seed``, ``entries`` pasted into it in Calc and saved; checked."""
    issued, returned = tmp_path / f"issued.{fmt}", tmp_path / f"returned.{fmt}"
    write_template(form, issued, data=seed, recipient="school-07")
    libreoffice.paste_into(issued, returned, entries, sheet=form.sheet)
    result = check_file(returned)
    assert result.readable, result.error
    return result


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_pasted_percent_cell_is_the_percent_it_shows(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                       tmp_path: Path, fmt: str) -> None:
    """The last two reports' progress pasted as "70%" and "100%" (0.7 and 1 in a percent format). In an
    .ods Calc writes them ``office:value-type="percentage"``, which calamine gives as 0.7 and 1: 100 %
    was read as 1 %, and the school told its progress went down from 70 % to 1 %."""
    result = pasted(libreoffice, progress_form, seed, tmp_path, fmt, {"D42": ("70%", None), "D43": ("100%", None)})
    assert result.filled is not None and result.report is not None
    assert [r["progress_percent"] for r in result.filled.data["reports"][5:]] == [70.0, 100.0]
    assert result.report.findings == []
    copy = tmp_path / f"marked.{fmt}"
    write_marked_up(result.filled, result.report, copy)
    assert [r["progress_percent"] for r in read_filled(copy).data["reports"][5:]] == [70.0, 100.0]
    shown = libreoffice.cells(copy, progress_form.sheet, ["D43"])["D43"]["string"]
    assert shown.startswith("100"), shown


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_be_date_pasted_in_a_buddhist_format_is_said_to_show_543_years_on(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """The last report's date typed "29/4/2563" in the teacher's own B.E.-formatted column and pasted: Calc
    stored the year 2563 C.E., which the format shows and prints as 29/4/3106. The date meant is read,
    and the school is told, on B43, what the cell shows and to type it again after an apostrophe (the
    .xlsx got this warning; the .ods got nothing, and printed 3106)."""
    result = pasted(libreoffice, progress_form, seed, tmp_path, fmt, {"B43": ("29/4/2563", BUDDHIST)})
    assert result.filled is not None and result.report is not None
    assert result.filled.data["reports"][6]["date"] == dt.date(2020, 4, 29).isoformat()
    warned = [f for f in result.report.findings if f.code == "date-shown-later"]
    assert [f.cell for f in warned] == ["B43"], result.report.findings
    assert "3106" in warned[0].message_th and "'29/4/2563" in warned[0].message_th
    assert result.report.errors == []


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_ce_date_pasted_in_a_buddhist_format_is_read_as_shown(libreoffice: Any, progress_form: Form,
                                                                seed: dict[str, Any], tmp_path: Path,
                                                                fmt: str) -> None:
    """The control: a date stored in C.E. (typed 2020-04-29) and shown in B.E. (29/4/2563) is what the
    teacher meant, and is never taken back 543 years a second time."""
    result = pasted(libreoffice, progress_form, seed, tmp_path, fmt, {"B43": ("2020-04-29", BUDDHIST)})
    assert result.filled is not None and result.report is not None
    assert result.filled.data["reports"][6]["date"] == "2020-04-29"
    assert result.report.findings == []


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_row_copied_over_the_next_or_deleted_is_told_on_its_cell(libreoffice: Any, progress_form: Form,
                                                                   seed: dict[str, Any], tmp_path: Path,
                                                                   fmt: str) -> None:
    """Report 6 copied over report 7 (to start from it, then forgetting to change it): its date, no later
    than the one before, is told on B43. Report 6's contents deleted (the Delete key on B42:G42): the gap
    is told on B42, and the copy keeps the rest as written."""
    issued, copied, deleted = tmp_path / f"issued.{fmt}", tmp_path / f"copied.{fmt}", tmp_path / f"deleted.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    libreoffice.copy_paste(issued, copied, [("B42:G42", "B43")], sheet=progress_form.sheet)
    result = check_file(copied)
    assert result.report is not None and [(f.code, f.cell) for f in result.report.errors] == [("not-increasing", "B43")]
    libreoffice.copy_paste(issued, deleted, [("B42:G42", "")], sheet=progress_form.sheet)
    result = check_file(deleted)
    assert result.filled is not None and result.report is not None
    assert [r["no"] for r in result.filled.data["reports"]] == [1, 2, 3, 4, 5, 7]
    assert ("report-gap", "B42") in [(f.code, f.cell) for f in result.report.errors]
