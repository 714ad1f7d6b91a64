"""A cell holding -0 (a number, or typed as text) is read as 0: the master showed "-0.00" in the
amounts a school disbursed, and a message "progress -0%".

Found by attack7: ``<v>-0</v>`` (or an ODS ``office:value="-0"``) passed every check (−0 ≥ 0) and
travelled into the JSON (``-0.0``), the store, the master (the .ods view wrote "-0.00" in the
amounts and in the running totals) and next month's template; typed as text, "-0" did the same. Nobody
means a negative zero."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sheetsync.check.coerce import parse_amount, parse_percent
from sheetsync.check.reader import read_filled
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from sheetsync.text import safe_value


def test_negative_zero_is_read_as_zero() -> None:
    assert math.copysign(1, safe_value(-0.0)) == 1 and safe_value(-1.5) == -1.5 and safe_value(0.0) == 0.0


def test_a_negative_zero_typed_as_text_is_zero() -> None:
    for value in (parse_amount("-0"), parse_amount("-0.00 บาท"), parse_percent("-0 %"), parse_percent("-0")):
        assert value == 0 and math.copysign(1, value) == 1


def test_a_negative_zero_amount_is_read_as_zero(tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    wb.worksheets[0]["E38"].value = -0.0  # the second report's amount disbursed
    wb.save(path)
    disbursed = read_filled(path).data["reports"][1]["disbursed"]
    assert disbursed == 0 and math.copysign(1, disbursed) == 1
