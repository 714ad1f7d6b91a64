"""A whole-number cell (a year, a report's number) holding thousands of digits is a finding on the
cell, not a file that "cannot be checked".

Found by attack7: "9" typed 5,000 times into the report number A38 (or the fiscal year) was read as
a Python int of 5,000 digits; jsonschema's "above the maximum" message then wrote it out and Python
refused (no int of more than 4,300 digits becomes text), so the whole file was "damaged: ValueError:
Exceeds the limit (4300 digits) for integer string conversion". Amounts already refused such text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.coerce import CoerceError, parse_whole
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run


@pytest.mark.parametrize("typed", ["9" * 5000, "๙" * 5000, "-" + "1" * 4400], ids=["digits", "thai", "negative"])
def test_a_whole_number_beyond_any_number_is_no_number(typed: str) -> None:
    with pytest.raises(CoerceError):
        parse_whole(typed)


def test_the_finding_names_the_cell(tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    wb.worksheets[0]["A38"].value = "9" * 5000  # the second report's number
    wb.worksheets[0]["A38"].data_type = "s"
    wb.save(path)
    done = run("validate", path)
    assert done.returncode == 1, done.stderr
    assert "A38" in done.stdout and "4300" not in done.stdout + done.stderr
