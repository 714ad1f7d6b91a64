"""A date of the last century in a date a rule judges (a report's date, inside the project's period) is a
two-digit year misread ("31/10/62" pasted from another workbook: 1962): one error saying so. In a date no
rule bounds (a birth date, in another form: no Python, only a layout) a year of the last century may be
what was meant, and is not told (check/misread.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template


def _dated(form: Form, seed: dict[str, Any], tmp_path: Path, when: dt.datetime) -> Path:
    path = tmp_path / "s1.xlsx"
    write_template(form, path, data={k: v for k, v in seed.items() if k != "reports"}, recipient="s1")
    book = load_workbook(path)
    book[form.sheet]["B37"].value = when
    book.save(path)
    return path


def test_a_report_date_of_the_last_century_is_told_as_a_two_digit_year(progress_form: Form, seed: dict[str, Any],
                                                                        tmp_path: Path) -> None:
    path = _dated(progress_form, seed, tmp_path, dt.datetime(1962, 10, 31))
    codes = [(f.code, f.cell) for f in validate(read_filled(path, form=progress_form)).findings]
    assert ("date-year-misread", "B37") in codes


def test_a_date_no_rule_bounds_may_be_of_the_last_century(progress_form: Form, seed: dict[str, Any],
                                                         tmp_path: Path) -> None:
    free = dataclasses.replace(progress_form, rules=())
    path = _dated(free, seed, tmp_path, dt.datetime(1962, 10, 31))
    assert "date-year-misread" not in [f.code for f in validate(read_filled(path, form=free)).findings]
