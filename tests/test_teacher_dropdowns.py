"""A teacher at the report table's dropdowns (เป็นไปตามแผน / เป็นไปตามเป้าหมาย) in Calc.

Tried and found right (no test of its own; the reader's side is tests/test_coerce.py): a label typed
with a trailing space or with sara e typed twice reads as the label; a label chosen and then deleted
(Delete) leaves the row with one finding on that cell (required-in-row); Calc reads each label as an
entry of the cell's list in both formats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_refusal_of_a_word_not_in_the_list_names_what_to_pick(libreoffice: Any, progress_form: Form,
                                                                  tmp_path: Path, fmt: str) -> None:
    """She types "ตามแผน" into F37 and Calc refuses it (the rule stops the entry) with the rule's message.
    It said "เป็นไปตามแผน: กรุณาเลือกจากรายการ" — the field's title, which is also one of the two
    answers, so it read as if "เป็นไปตามแผน" were wrong too, and it named neither answer. It names both."""
    blank = tmp_path / f"blank.{fmt}"
    write_template(progress_form, blank)
    cells = libreoffice.cells(blank, progress_form.sheet, ["F37", "G37"])
    for ref, labels in (("F37", ("เป็นไปตามแผน", "ไม่เป็นไปตามแผน")),
                        ("G37", ("เป็นไปตามเป้าหมาย", "ไม่เป็นไปตามเป้าหมาย"))):
        rule = cells[ref]["validation"]
        assert rule["type"] == "LIST" and rule["show_error"] and rule["error_style"] == "STOP", rule
        for label in labels:
            assert f"“{label}”" in rule["error_message"], (ref, rule["error_message"])
        assert not rule["error_message"].startswith(f"{labels[0]}:"), rule["error_message"]
