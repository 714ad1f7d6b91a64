"""A teacher filling next month's template (``template --from-master``) in Calc: the office prefilled
her earlier reports from its own record and locked them; she types the months that follow.

Tried and found right (no test of its own): the prefilled values show in Calc as the office wrote them
(dates d/m/B.E., "65.00 %", "12,000 บาท"); what she keeps up to date (budget used, the unit, the people)
takes typing; a locked cell (the code, an earlier report's progress, an objective) keeps its value
when typed over; her new report, saved by Calc as .xlsx or .ods from either template, is valid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice


def _report(no: int, date: str, percent: str) -> dict[str, str]:
    """Report ``no`` as a teacher types it into its row (row 36 + no)."""
    row = 36 + no
    return {f"B{row}": date, f"C{row}": "เครือข่ายโรงเรียนดำเนินกิจกรรมตามแผน", f"D{row}": percent, f"E{row}": "0",
            f"F{row}": "เป็นไปตามแผน", f"G{row}": "เป็นไปตามเป้าหมาย"}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_slip_against_a_locked_earlier_report_is_found_on_her_own_cells(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """Reports 1–5 (10, 20, 25, 30, 65 %) prefilled and locked; she types report 6 at 40 % and report 7
    at 50 % (last month's 65 % was the figure she meant to lower). Her two are the longest run in
    order with reports 1–4, so the finding fell on report 5's D41, "65 % is above the next report,
    please correct it": a cell the office filled from its record and locked, which she cannot type
    into, and her own D42 and D43 were not marked at all. The office's record stands: her cells are
    the ones out of order with it, each found on its own cell."""
    seed["reports"] = seed["reports"][:5]
    blank, typed = tmp_path / f"next.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank, data=seed, recipient="s1", lock_rows=True)
    libreoffice.type_into(blank, typed, {**_report(6, "31/3/2563", "40"), **_report(7, "30/4/2563", "50")},
                          sheet=progress_form.sheet)
    filled = read_filled(typed)
    found = {(f.code, f.cell) for f in validate(filled).errors}
    assert found == {("progress-decreased", "D42"), ("progress-decreased", "D43")}, found
    assert not {f.cell for f in validate(filled).findings} & set(filled.locked_expected)
    # Report 7 is found against report 5's 65 %, not the 40 % just before it: the message says which.
    seven = next(f for f in validate(filled).errors if f.cell == "D43")
    assert "ลดลงจากรายงานครั้งที่ 5 (65% ในช่อง D41)" in seven.message_th, seven.message_th


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_next_months_template_saved_in_calc_with_nothing_typed_reads_as_issued(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """Opened in Calc and saved without typing (dates, percents and the budget used it keeps up to date
    come back as Calc stores them), next month's template is still the template as issued; one value
    typed over the budget used it keeps open makes it her file (office/unfilled.py)."""
    seed["reports"] = seed["reports"][:5]
    blank, saved, typed = tmp_path / f"next.{fmt}", tmp_path / f"saved.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank, data=seed, recipient="s1", lock_rows=True, record_open=True)
    libreoffice.type_into(blank, saved, {}, sheet=progress_form.sheet)
    libreoffice.type_into(blank, typed, {"F7": "150000"}, sheet=progress_form.sheet)
    assert read_filled(blank).as_issued and read_filled(saved).as_issued
    assert not read_filled(typed).as_issued
