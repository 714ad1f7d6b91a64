"""What a teacher types into a prefilled template in Calc, the way teachers type it: Thai digits, "บาท",
percent signs, Thai month names, text pasted from Word or LINE with its invisible edges. Each entry is
read as the value meant, or told on its own cell (one finding for one slip), Thai first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice

# Each is the sample's own value, typed another way: the file must read back as the sample, clean.
SAME = {
    "E42": "๑๐,๐๐๐ บาท", "E43": "170000 บาท", "F7": "180,000.- บาท", "E41": " 0 ",
    "B37": "31 ต.ค. 62", "B38": "2562-11-29", "B39": "๒๙/๑๒/๒๕๖๒", "B40": "29 มกราคม 2563",
    "D39": "๒๕", "D40": "30%", "D41": "65", "D42": "๗๐ %",
    "C10": "น.ส.จุไรรัตน์ ชุมสุวรรณ \u200b", "C37": "จัดทำโครงการเพื่อขออนุมัติ\n",
    "F37": "เป็นไปตามแผน ", "G38": "เป็นไปตามเป้าหมาย\u200b",
}
# Slips: each is told on its own cell, with this code, and nothing else is said.
SLIPS = {
    "E42": ("(10000)", "below-minimum"),  # Calc stores -10000, shows "-10,000 บาท"
    "E41": ("10 000", "not-a-number"),
    "B37": ("31/10/19", "outside-period"),  # a C.E. "19" pasted past the cell's rule: B.E. 2519
    "D39": ("0.25", "progress-decreased"),
    "F38": ("เป็นไปตามแผนฯ", "not-a-choice"),
    "C10": ("", "required"),  # an open prefilled cell cleared
}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_samples_values_typed_the_thai_way_read_back_clean(libreoffice: Any, progress_form: Form,
                                                               seed: dict[str, Any], tmp_path: Path,
                                                               fmt: str) -> None:
    issued, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, issued, data=seed)
    libreoffice.type_into(issued, typed, SAME, sheet=progress_form.sheet)
    filled = read_filled(typed)
    assert filled.problems == [] and filled.data == seed
    assert validate(filled).findings == []


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_each_slip_is_one_finding_on_its_cell_thai_first(libreoffice: Any, progress_form: Form,
                                                         seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    issued, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, issued, data=seed)
    libreoffice.type_into(issued, typed, {ref: text for ref, (text, _) in SLIPS.items()}, sheet=progress_form.sheet)
    report = validate(read_filled(typed))
    errors = {(f.cell, f.code) for f in report.errors}
    assert errors == {(ref, code) for ref, (_, code) in SLIPS.items()}
    warnings = {(f.cell, f.code) for f in report.findings if f.severity == "warning"}
    assert warnings == {("D39", "percent-as-fraction")}  # says why 0.25 "went down": 25 is what to type
    for finding in report.findings:
        assert finding.message_th.startswith(("ช่อง", "แถวที่", "รายงาน")) and finding.cell in finding.message_th


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_thirteenth_report_finds_no_row_and_changes_nothing(libreoffice: Any, progress_form: Form,
                                                             seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """The table has twelve rows; a thirteenth report typed below them lands on the locked certification
    row or past the form, where the protected sheet keeps nothing: the file reads back unchanged."""
    issued, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, issued, data=seed)
    cells = libreoffice.type_into(issued, typed, {"B49": "31/5/2563", "C49": "รายงานครั้งที่ 13", "B53": "31/5/2563",
                                                  "D53": "100"}, sheet=progress_form.sheet)
    assert all(c["string"] == "" for ref, c in cells.items() if ref != "C49") and "13" not in cells["C49"]["string"]
    filled = read_filled(typed)
    assert filled.data == seed and validate(filled).findings == []


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_amount_written_the_thai_way_with_a_trailing_dash_is_told_how_to_type_it(
        libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """"170,000.-" (the amount, and no satang: how Thai documents write money) typed into E43: Calc reads
    the trailing "-" as a minus sign and stores -170000 (with " บาท" after it, it stays text and is read
    as 170000). The teacher, who typed no minus, was told only that -170,000 is below 0 and to correct
    it; she is told that ".-" (or brackets) made it negative, and to type 170000. Calc's own refusal
    while typing (the cell's rule) says the same."""
    issued, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, issued, data=seed)
    cells = libreoffice.type_into(issued, typed, {"E43": "170,000.-"}, sheet=progress_form.sheet)
    assert cells["E43"]["value"] == -170000 and ".-" in cells["E43"]["validation"]["error_message"]
    report = validate(read_filled(typed))
    assert [(f.cell, f.code) for f in report.findings] == [("E43", "below-minimum")]
    said = report.findings[0]
    assert said.message_th.startswith("ช่อง E43") and ".-" in said.message_th and "170000" in said.message_th
    assert ".-" in said.message_en and "170000" in said.message_en
