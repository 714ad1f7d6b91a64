"""Review: the ratio rule on extreme numbers a teacher can type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.test_in_month_ratio import RATIO, _found, _lunch, _validate


def test_a_huge_ratio_is_told_not_crashed(lunch_sample: dict[str, Any], tmp_path: Path) -> None:
    """A tiny allocation typed by mistake (1E-25 baht: a valid number ≥ 0) makes spent ÷ allocated × 100
    a 32-digit number: the teacher must get ratio-mismatch with the value, not a crash of the check."""
    form = _lunch(tmp_path, [RATIO + "}"])
    lunch_sample["budget"]["allocated"] = 1e-25
    report = _validate(form, lunch_sample, tmp_path)
    assert ("ratio-mismatch", "B7", "/budget/spent_percent") in _found(report)
