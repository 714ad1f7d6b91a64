"""A deleted row that had nothing to fill in is told it is back empty, as issued, not that data was lost.

The office's template (it records its open cells as issued) holds reports 1–7; the school deleted report
10's row (46), empty as issued, with nothing in any later row: the answer said what was typed there was
lost and to type it again, and the copy painted the row red until she typed in it — a row she need not
fill. It is now told it was put back empty as issued (and, since what she did before deleting it is not
known, to type again only what she had typed there), without red. A row whose emptiness as issued is not
known (a template that does not record its open cells), or that a later row needs, is told as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.report import put_right
from sheetsync.check.validate import validate
from sheetsync.messages import render
from sheetsync.render import render_for_school
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template

ROW = 46  # report 10's row: reports 1–7 sit on rows 37–43


def _deleted(form: Form, seed: dict[str, Any], tmp_path: Path, row: int, *, record_open: bool = True,
             later: str | None = None) -> Path:
    path = tmp_path / "school.xlsx"
    write_template(form, path, data=seed, recipient="school-07", record_open=record_open)
    wb = load_workbook(path)
    ws = wb[form.sheet]
    if later:
        ws[later] = "2/3/2564"  # a later report's date, typed by her
    ws.delete_rows(row)
    wb.save(path)
    return path


def test_a_row_issued_empty_is_told_put_back_empty(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    filled = read_filled(_deleted(progress_form, seed, tmp_path, ROW))
    report = validate(filled)
    assert report.codes() == ["rows-deleted"] and dict(report.errors[0].params) == {"empty": "1"}
    assert not put_right(report.errors[0])  # whether she typed there before deleting it is not known: she checks
    text = render_for_school(report, marked=True)
    assert render("rows-deleted.attached.empty", "th", row=ROW) in text
    assert render("rows-deleted.attached.empty", "en", row=ROW) in text
    assert "หายไป" not in text and "lost" not in text
    marked = tmp_path / "marked.xlsx"
    write_marked_up(filled, report, marked)
    ws = load_workbook(marked)[progress_form.sheet]
    marks = {str(cf.sqref) for cf in ws.conditional_formatting for rule in cf.rules if rule.dxf and rule.dxf.fill}
    for col in "BCDEFG":
        assert f"{col}{ROW}" not in marks and ws[f"{col}{ROW}"].value is None
    assert ws[f"B{ROW}"].comment is not None
    assert ws[f"B{ROW}"].comment.text.startswith(render("markup.row_put_back.empty", "th"))
    assert validate(read_filled(marked)).valid


def test_emptiness_not_recorded_is_not_assumed(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    report = validate(read_filled(_deleted(progress_form, seed, tmp_path, ROW, record_open=False)))
    assert "empty" not in dict(report.errors[0].params)


def test_a_row_a_later_report_needs_is_not_told_empty(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    report = validate(read_filled(_deleted(progress_form, seed, tmp_path, ROW, later=f"B{ROW + 1}")))
    assert "empty" not in dict(next(f for f in report.errors if f.code == "rows-deleted").params)


def test_a_row_issued_with_data_is_not_told_empty(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """Report 7's row (43) held the office's values as issued: what was there is not nothing."""
    report = validate(read_filled(_deleted(progress_form, seed, tmp_path, 43)))
    assert dict(report.errors[0].params) == {"items": "รายงานครั้งที่ 7", "items_en": "item 7 of reports"}
