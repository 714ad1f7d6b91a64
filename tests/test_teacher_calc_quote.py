"""A teacher types an apostrophe in Calc: in front of a value, as sheetsync's own messages advise to keep
text as typed ("'29/4/2563"), or alone, a stray key; and clears cells with the Delete key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice

# Each is the sample's own value after an apostrophe. Calc 7.4 drops the apostrophe only where the rest
# would become a number or a date in a cell that is not Text-formatted; everywhere else (the form's Text
# cells, any Thai text) it keeps it in the cell, where Excel never does.
QUOTED = {"B43": "'29/4/2563", "D40": "'30", "E41": "'0", "C10": "'น.ส.จุไรรัตน์ ชุมสุวรรณ",
          "F39": "'เป็นไปตามแผน", "C38": "'ดำเนินการจัดซื้อจัดจ้าง"}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_value_typed_after_an_apostrophe_reads_as_the_value(libreoffice: Any, progress_form: Form,
                                                              seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """The date-shown-later warning tells the teacher to type "'29/4/2563"; in the marked-up copy's B43
    (a Text cell) Calc kept the apostrophe and the date she typed as told was refused as no date. A Thai
    name after an apostrophe went into the office's records with it, and a dropdown label or a percent
    after one were refused. The apostrophe is Calc's "keep as typed" sign, no part of the value."""
    issued, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    seed["reports"][1]["stage"] = "ดำเนินการจัดซื้อจัดจ้าง"
    write_template(progress_form, issued, data=seed)
    cells = libreoffice.type_into(issued, typed, QUOTED, sheet=progress_form.sheet)
    assert cells["B43"]["string"] == "'29/4/2563" and cells["C10"]["string"].startswith("'")  # as Calc keeps them
    filled = read_filled(typed)
    assert filled.problems == [] and filled.data == seed
    assert validate(filled).findings == []


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_lone_apostrophe_or_the_delete_key_leaves_the_cell_empty(libreoffice: Any, progress_form: Form,
                                                                     seed: dict[str, Any], tmp_path: Path,
                                                                     fmt: str) -> None:
    """A lone "'" in the responsible person's cell (C10, required) and in the last report's "on plan" passed
    as filled in; it is an empty cell, as the Delete key on C10 and F43:G43 leaves one: each is told on its cell."""
    issued, quoted, deleted = tmp_path / f"issued.{fmt}", tmp_path / f"quoted.{fmt}", tmp_path / f"deleted.{fmt}"
    write_template(progress_form, issued, data=seed)
    libreoffice.type_into(issued, quoted, {"C10": "'", "F43": "'"}, sheet=progress_form.sheet)
    errors = {(f.code, f.cell) for f in validate(read_filled(quoted)).errors}
    assert errors == {("required", "C10"), ("required-in-row", "F43")}
    libreoffice.copy_paste(issued, deleted, [("C10", ""), ("F43:G43", "")], sheet=progress_form.sheet)
    errors = {(f.code, f.cell) for f in validate(read_filled(deleted)).errors}
    assert errors == {("required", "C10"), ("required-in-row", "F43"), ("required-in-row", "G43")}
