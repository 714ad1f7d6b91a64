"""What Calc's Paste does to the open cells of the form, and what sheetsync still does about it.

Measured (LibreOffice 7.4, both formats): a cell copied from another workbook and pasted into an open
cell of the protected sheet brings its own attributes along. The cell loses its typing rule (dropdown,
range, date rule) and its number format, and takes the other workbook's default protection: it is
locked, so the teacher can no longer correct it in that file (Undo still can). sheetsync never relies
on the rules: every value is checked on reading, and the marked-up copy is built from the form, its
open cells open again and ruled as issued.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.pipeline import check_file
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice

# The last report's row, copied from the teacher's own workbook: the amount came over negative.
BLOCK = {"B43": ("30/4/2563", None), "D43": ("100", None), "E43": ("-5", None), "F43": ("เป็นไปตามแผน", None),
         "G43": ("เป็นไปตามเป้าหมาย", None)}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_block_pasted_over_the_rules_is_still_checked_and_the_copy_gives_the_cells_back(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    issued, returned, marked = tmp_path / f"issued.{fmt}", tmp_path / f"returned.{fmt}", tmp_path / f"marked.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    cells = libreoffice.paste_into(issued, returned, BLOCK, sheet=progress_form.sheet)
    assert all(c["locked"] and c["validation"] is None for c in cells.values())  # what Calc's Paste did
    result = check_file(returned)
    assert result.filled is not None and result.report is not None
    assert result.filled.data["reports"][6]["date"] == "2020-04-30"
    assert [(f.code, f.cell) for f in result.report.findings] == [("below-minimum", "E43")]
    assert result.report.findings[0].message_th.startswith("ช่อง E43")
    write_marked_up(result.filled, result.report, marked)
    again = libreoffice.cells(marked, progress_form.sheet, list(BLOCK))
    assert all(not c["locked"] and c["validation"] is not None for c in again.values())
    assert again["E43"]["validation"]["type"] == "DECIMAL" and again["F43"]["validation"]["type"] == "LIST"
