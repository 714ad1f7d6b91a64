"""A date typed with a space after it, as a teacher's thumb often adds one (or her phone's keyboard
after a word), is the date she meant: Calc's typing-time rule must not refuse it with a message
asking for exactly the d/m/yyyy she typed, and the reader takes it as the date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice

TYPED = {
    "C6": "1/10/2562 ",  # the project's start: a date cell with no fiscal year to keep to
    "F5": "2563",
    "B37": "31/10/2562 ",  # a report's date, kept to fiscal year 2563
    "B38": "29/11/2562  ",
    "B39": " 29/12/2562",
    "B40": "29/1/2563",  # as the rule has always taken it
    "B41": "๒๙/๒/๒๕๖๓ ",  # Thai digits
    "B42": "31/03/2563",
}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_date_typed_with_a_space_at_its_end_passes_calcs_rule(libreoffice: Any, progress_form: Form,
                                                                 tmp_path: Path, fmt: str) -> None:
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, TYPED, sheet=progress_form.sheet)
    dates = [ref for ref in TYPED if ref != "F5"]
    verdicts = libreoffice.validity(typed, progress_form.sheet, dates)
    assert {ref: verdicts[ref]["valid"] for ref in dates} == dict.fromkeys(dates, True)
    data = read_filled(typed).data
    assert data["project"]["start_date"] == "2019-10-01"
    assert [r["date"] for r in data["reports"]] == [dt.date(*d).isoformat() for d in
                                                     ((2019, 10, 31), (2019, 11, 29), (2019, 12, 29), (2020, 1, 29),
                                                      (2020, 2, 29), (2020, 3, 31))]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_rule_still_refuses_what_is_no_be_date(libreoffice: Any, progress_form: Form, tmp_path: Path,
                                                   fmt: str) -> None:
    """Room for the space took nothing from the rule: a C.E. year, a short year, a year outside the
    fiscal year, a 13th month, a 32nd day and words are refused as before."""
    wrong = {"B37": "31/10/2019 ", "B38": "31/10/62", "B39": "31/10/2564", "B40": "1/13/2563",
             "B41": "32/1/2563 ", "B42": "31 ต.ค. 2562", "B43": "31/10/2562/", "B44": "31//2562"}
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, {"F5": "2563", **wrong}, sheet=progress_form.sheet)
    verdicts = libreoffice.validity(typed, progress_form.sheet, list(wrong))
    assert {ref: verdicts[ref]["valid"] for ref in wrong} == dict.fromkeys(wrong, False)
