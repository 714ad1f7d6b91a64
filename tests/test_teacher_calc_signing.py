"""The signature line of a template the office prefilled: the teacher who signs types her own name.

The office prefills a first template from a project's JSON (``template --data``, also for a roster); a
JSON read back from last year's report, or the bundled sample the demo uses, carries the name of whoever
signed it then. The layout's ``signature`` fields are signed by hand: never locked, whatever is prefilled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

SIGNER = "C50"
HER_NAME = "นางสมศรี ใจดี"


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_teacher_signs_her_own_name_over_a_prefilled_signer(libreoffice: Any, progress_form: Form,
                                                                 seed: dict[str, Any], tmp_path: Path,
                                                                 fmt: str) -> None:
    assert seed["certification"]["signer"] != HER_NAME  # the sample's signer, someone else
    issued, signed = tmp_path / f"issued.{fmt}", tmp_path / f"signed.{fmt}"
    write_template(progress_form, issued, data=seed)
    cells = libreoffice.type_into(issued, signed, {SIGNER: HER_NAME}, sheet=progress_form.sheet)
    assert cells[SIGNER]["string"] == HER_NAME  # a locked cell kept the other name, silently
    filled = read_filled(signed)
    assert filled.data["certification"]["signer"] == HER_NAME
    assert validate(filled).valid  # her name is no edit of a locked cell


def test_a_prefilled_signer_is_written_open(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """Without Calc: the cell is unlocked in the file itself (the same check for any form's signature)."""
    from openpyxl import load_workbook

    issued = tmp_path / "issued.xlsx"
    write_template(progress_form, issued, data=seed)
    cell = load_workbook(issued)[progress_form.sheet][SIGNER]
    assert cell.value == seed["certification"]["signer"]  # prefilled as given (a round trip keeps it)
    assert cell.protection.locked is False
