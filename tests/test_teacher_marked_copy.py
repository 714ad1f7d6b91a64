"""What a teacher meets with the marked-up copy the office sends back (``…-ตรวจแล้ว.xlsx`` / ``.ods``),
opened in real Calc: the findings sheet she reads first, the cells she corrects in that very file, and
the file she sends back.

Tried and found right (no test here, each is covered elsewhere or below): the corrected copy, saved by
Calc as .xlsx or .ods, reads back with the office's identity (template id, recipient, signature) and
only what is still wrong; checked again, its new marked-up copy lists only that, with no note left
from the first round on a cell she fixed; the findings sheet's column A links to the cell in both formats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.identity import FINDINGS_SHEET
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice


def _marked(form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> Path:
    """The marked-up copy of a school's file whose report 3 went down to 15 % (D39)."""
    seed["reports"][2]["progress_percent"] = 15
    school, marked = tmp_path / f"school.{fmt}", tmp_path / f"school-ตรวจแล้ว.{fmt}"
    write_template(form, school, data=seed)
    filled = read_filled(school)
    write_marked_up(filled, validate(filled), marked)
    return marked


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_findings_sheet_shows_the_cell_above_its_report(libreoffice: Any, progress_form: Form,
                                                            seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """Column A of the findings sheet names the cell, and below it the report it belongs to: "D39" over
    "(รายงานครั้งที่ 3)", a link to the cell. In the .ods Calc showed "D39(รายงานครั้งที่ 3)" on one line:
    it drops a ``<text:line-break/>`` inside a link (``<text:a>``), so the two ran together."""
    marked = _marked(progress_form, seed, tmp_path, fmt)
    [cell] = libreoffice.cells(marked, FINDINGS_SHEET, ["A2"]).values()
    assert cell["string"] == "D39\n(รายงานครั้งที่ 3)", cell["string"]
    assert [link["url"] for link in cell.get("hyperlinks", [])] == [f"#'{progress_form.sheet}'.D39"]
