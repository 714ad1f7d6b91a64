"""A number beyond what a spreadsheet keeps exactly is quoted as the spreadsheet shows it.

Found by attack7: a bank account number pasted into an amount cell (12345678901234567890) came
back in the school's message as "12,345,678,901,234,567,168" — digits she never typed, the float's
own — and 1E+308 as a 309-digit number ("100,000,000,000,000,001,097,906,362,944,…"). Excel and Calc
keep 15 significant digits and show such a number as 1.23456789012346E+19: so do the messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.shown import shown
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run


@pytest.mark.parametrize(("value", "text"), [(1e308, "1E+308"), (12345678901234567890.0, "1.23456789012346E+19"),
                                             (-1e16, "-1E+16"), (999_999_999_999_999.0, "999,999,999,999,999"),
                                             (10_000_000_000.0, "10,000,000,000"), (1234.5, "1,234.50")])
def test_a_number_is_shown_with_the_digits_a_spreadsheet_keeps(value: float, text: str) -> None:
    assert shown(value) == text


@pytest.mark.parametrize(("typed", "quoted"), [(1e308, "1E+308"), (12345678901234567890, "1.23456789012346E+19")])
def test_the_school_is_told_the_number_as_her_sheet_shows_it(tmp_path: Path, progress_form: Form,
                                                            seed: dict[str, Any], typed: float, quoted: str) -> None:
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    wb.worksheets[0]["E38"].value = typed  # the second report's amount disbursed
    wb.save(path)
    done = run("validate", path)
    assert done.returncode == 1
    [line] = [ln for ln in done.stdout.splitlines() if "E38" in ln]
    assert quoted in line and "1,097,906" not in line and "567,168" not in line and len(line) < 300, line
