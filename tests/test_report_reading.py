"""What a school reads in its report: each message one line, naming every cell it asks to change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.office.details import findings_detail
from sheetsync.render import ordered
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template


def _filled(form: Form, data: dict[str, Any], path: Path, values: dict[str, Any]) -> Path:
    """The template, then ``values`` typed as someone who removed the sheet protection would."""
    write_template(form, path, data=data)
    wb = load_workbook(path)
    for ref, value in values.items():
        wb[form.sheet][ref] = value
    wb.save(path)
    wb.close()
    return path


def test_a_value_on_two_lines_is_quoted_on_one(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    # The report's text is a numbered list, one finding a line: a quoted "10\n000" or a two-line
    # heading (A36 "รายงาน\nครั้งที่") broke it in the middle, the rest flush left with no number.
    path = _filled(progress_form, seed, tmp_path / "s.xlsx", {"E41": "10\n000", "A36": "แก้หัวตาราง"})
    findings = {f.code: f for f in validate(read_filled(path)).findings}
    assert findings["not-a-number"].cell == "E41" and findings["not-a-number"].value == "10\n000"
    assert findings["locked-cell-changed"].cell == "A36"
    for f in findings.values():
        assert "\n" not in f.message_th and "\n" not in f.message_en, f


def test_total_mismatch_names_the_budget_used_cell(progress_form: Form, seed: dict[str, Any],
                                                   tmp_path: Path) -> None:
    # The teacher typed 170,000 as the budget used (F7): the message must say where that is.
    path = _filled(progress_form, seed, tmp_path / "s.xlsx", {"F7": 170000})
    (found,) = validate(read_filled(path)).findings
    assert (found.code, found.cell) == ("total-mismatch", "E43")
    assert "F7" in found.message_th and "F7" in found.message_en


def test_office_detail_names_the_first_cells_as_the_form_reads(progress_form: Form, seed: dict[str, Any],
                                                               tmp_path: Path) -> None:
    # The run's table, the ledger and history name five errors: the top five of the school's own
    # report (C4 before C10 before A36), not the order the checks ran in (structure, then schema).
    path = _filled(progress_form, seed, tmp_path / "s.xlsx", {"A36": "แก้หัวตาราง", "E43": "ห้าพัน", "E37": "ศูนย์",
                                                             "B38": "31/2/2563", "D39": "ยี่สิบห้า", "C10": None})
    report = validate(read_filled(path))
    th, en = findings_detail("invalid", report.errors)
    cells = [f.cell for f in ordered(report.errors)]
    assert cells == ["C10", "A36", "E37", "B38", "D39", "E43"]
    assert en.split(": ", 1)[-1].startswith(", ".join(f"{f.code}@{f.cell}" for f in ordered(report.errors)[:5]))
    assert th.index("C10") < th.index("A36") < th.index("D39") and "E43" not in th


def test_a_prefilled_cell_emptied_is_one_finding(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    # Emptied after the protection was lost: "restore the office's value", not also "fill it in".
    path = _filled(progress_form, seed, tmp_path / "s.xlsx", {"C4": None, "F6": None})
    findings = [(f.code, f.cell) for f in validate(read_filled(path)).findings]
    assert findings == [("prefilled-cell-changed", "C4"), ("prefilled-cell-changed", "F6")]
    emptied = validate(read_filled(path)).findings[0]
    assert "“”" not in emptied.message_th and "ถูกลบออก" in emptied.message_th and "emptied" in emptied.message_en
