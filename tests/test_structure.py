"""Structure checks, and the seed's known inconsistencies (FORM.md) each flagged at its cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sheetsync.spec.form import Form
from sheetsync.identity import META_SHEET
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template
from sheetsync.check.validate import validate

COPY2_SCHOOLS_74 = ["โรงเรียนวัดนาคนิมิตร", "โรงเรียนวัดไทร", "โรงเรียนวัดมงคลวราราม", "โรงเรียนวัดบางปรุชนนอก",
                    "โรงเรียนวัดนางนอง", "โรงเรียนวัดศาลาศรีน"]
COPY2_GOAL = "๓.๓.๑ เด็กที่อาศัยอยู่ในกรุงเทพมหานครทุกคนจะต้องได้รับการศึกษาตามความต้องการ"


def _header_only(seed: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in seed.items() if k != "reports"}


def _edit(path: Path, sheet: str, values: dict[str, Any]) -> None:
    """Change cells the way someone who removed the sheet protection would."""
    wb = load_workbook(path)
    for ref, value in values.items():
        wb[sheet][ref] = value
    wb.save(path)


def test_seed_first_copy_report_numbering_gap_is_flagged(progress_form: Form, seed: dict[str, Any],
                                                         tmp_path: Path) -> None:
    # Copy 1 numbers its reports 1, 2, 3, (4 empty), 5, 6, 7.
    seed["reports"] = [dict(r, no=r["no"] + (r["no"] >= 4)) for r in seed["reports"][:6]]
    path = tmp_path / "copy1.xlsx"
    write_template(progress_form, path, data=seed)
    report = validate(read_filled(path))
    assert [(f.code, f.cell) for f in report.findings] == [("report-gap", "B40")]


def test_seed_school_names_and_goal_differing_from_the_issued_form_are_flagged(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "returned.xlsx"
    write_template(progress_form, path, data=_header_only(seed))  # issued with copy 1's header, locked
    _edit(path, progress_form.sheet, {"C26": "\n".join(COPY2_SCHOOLS_74), "C33": COPY2_GOAL})
    report = validate(read_filled(path))
    changed = {(f.code, f.cell, f.path) for f in report.findings}
    assert ("prefilled-cell-changed", "C26", "/targets/networks/1/schools") in changed
    assert ("prefilled-cell-changed", "C33", "/plan_alignment/goal") in changed
    assert not report.valid


def test_changed_label_is_flagged_with_the_original_text(progress_form: Form, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(progress_form, path)
    _edit(path, progress_form.sheet, {"A5": "รหัส", "A39": 9})
    report = validate(read_filled(path))
    label = next(f for f in report.findings if f.code == "locked-cell-changed" and f.cell == "A5")
    assert "รหัสโครงการ :" in label.message_th
    assert any(f.code == "locked-cell-changed" and f.cell == "A39" for f in report.findings)


def test_tampered_metadata_is_flagged(progress_form: Form, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(progress_form, path)
    wb = load_workbook(path)
    meta = wb[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "locked":
            row[2].value = "0" * 16
            break
    wb.save(path)
    report = validate(read_filled(path))
    assert [(f.code, f.sheet) for f in report.findings if f.code == "metadata-tampered"] == [("metadata-tampered", META_SHEET)]
