"""A percentage typed as a fraction ("0.45", as a spreadsheet's percent format shows 45 %) is read as
0.45 %: a warning says so on its cell and tells what to type, the file is still taken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_printfit import typed_with_openpyxl

CODE = "percent-as-fraction"


def progress_cells(form: Form, count: int) -> list[str]:
    table = form.table_at("/reports")
    assert table is not None
    column = next(c for c in table.columns if c.pointer == "progress_percent")
    return [column.place.at_row(table.first_row + n).ref for n in range(count)]


def test_progress_typed_as_fractions_is_a_warning_on_each_cell(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    issued = tmp_path / "issued.xlsx"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    cells = progress_cells(progress_form, len(seed["reports"]))
    typed = {ref: f"{report['progress_percent'] / 100:g}" for ref, report in zip(cells, seed["reports"])}
    report = validate(read_filled(typed_with_openpyxl(progress_form, issued, tmp_path, typed)))
    warned = {f.cell: f for f in report.findings if f.code == CODE}
    fractions = {ref for ref, text in typed.items() if float(text) < 1}
    assert set(warned) == fractions and fractions  # 0.1 … 0.7 warned; "1" (1 %) is a whole percent
    assert all(f.severity == "warning" for f in warned.values()) and report.valid
    first = warned[cells[0]]
    assert first.message_th.startswith(f"ช่อง {cells[0]}") and "กรุณาพิมพ์ 10" in first.message_th
    assert "If you meant 10 %, please type 10." in first.message_en


def test_a_percentage_typed_with_its_sign_or_whole_is_no_warning(progress_form: Form, seed: dict[str, Any],
                                                                tmp_path: Path) -> None:
    issued = tmp_path / "issued.xlsx"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    cells = progress_cells(progress_form, 3)
    typed = dict(zip(cells, ["0.5 %", "ร้อยละ 0.6", "25"]))
    report = validate(read_filled(typed_with_openpyxl(progress_form, issued, tmp_path, typed)))
    assert not [f for f in report.findings if f.code == CODE]


def test_a_fraction_after_a_whole_percent_gets_the_hint_beside_the_rules_error(progress_form: Form,
                                                                               seed: dict[str, Any],
                                                                               tmp_path: Path) -> None:
    """0.45 typed after a report of 10 % is "progress went down" (an error); the warning beside it says
    why: it was read as 0.45 %, and 45 is what to type."""
    issued = tmp_path / "issued.xlsx"
    write_template(progress_form, issued, data=seed, recipient="school-07")
    cells = progress_cells(progress_form, 2)
    report = validate(read_filled(typed_with_openpyxl(progress_form, issued, tmp_path, {cells[1]: "0.45"})))
    on_cell = {f.code: f for f in report.findings if f.cell == cells[1]}
    assert on_cell[CODE].severity == "warning" and "กรุณาพิมพ์ 45" in on_cell[CODE].message_th
    assert any(f.severity == "error" for f in on_cell.values()) and not report.valid
