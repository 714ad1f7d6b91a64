"""A row the school deleted is put back with what the office filled in it, as the template was issued.

Row 7 holds the project's end date (C7), filled in by the office and locked. The school deleted the row:
the marked-up copy put it back empty and asked her to type the date again, though the office knows it. The
template now records what the office filled in its locked cells (metadata rows ``value``, each checked
against its cell's signed hash): the copy fills them in again, locked, and does not list them to type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.report import put_right
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template


def _deleted(form: Form, seed: dict[str, Any], tmp_path: Path, row: int, *, lock_rows: bool = False) -> Path:
    path = tmp_path / "school.xlsx"
    write_template(form, path, data=seed, recipient="school-07", lock_rows=lock_rows)
    wb = load_workbook(path)
    wb[form.sheet].delete_rows(row)
    wb.save(path)
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_office_filled_date_of_a_deleted_row_is_filled_in_again(progress_form: Form, seed: dict[str, Any],
                                                                    tmp_path: Path, fmt: str) -> None:
    """Row 7 also holds the budget used (F7), which she types: that one is still to be typed again."""
    filled = read_filled(_deleted(progress_form, seed, tmp_path, 7))
    report = validate(filled)
    assert report.codes() == ["rows-deleted"]
    marked = tmp_path / f"marked.{fmt}"
    write_marked_up(filled, report, marked)
    again = read_filled(marked)
    issued = read_filled(tmp_path / "school.xlsx").issued["C7"]
    assert again.locked_found["C7"] == issued and "C7" in again.locked_expected  # back, and locked again
    assert again.data["project"]["end_date"] and "budget_used" not in again.data["project"]
    if fmt == "xlsx":
        ws = load_workbook(marked)[progress_form.sheet]
        assert ws["C7"].comment is None and ws["F7"].comment is not None  # only F7 is to be typed again


def test_a_received_report_s_locked_row_is_filled_in_again(progress_form: Form, seed: dict[str, Any],
                                                           tmp_path: Path) -> None:
    """Next period's template locks the reports already received: report 2's row deleted takes nothing."""
    filled = read_filled(_deleted(progress_form, seed, tmp_path, 38, lock_rows=True))
    report = validate(filled)
    assert report.codes() == ["rows-deleted"] and put_right(report.errors[0])
    marked = tmp_path / "marked.xlsx"
    write_marked_up(filled, report, marked)
    ws = load_workbook(marked)[progress_form.sheet]
    issued = read_filled(tmp_path / "school.xlsx").issued
    assert {c: str(ws[f"{c}38"].value) for c in "BCE"} == {c: issued[f"{c}38"] for c in "BCE"}
    assert ws["B38"].protection.locked and ws["B38"].comment is None
    assert validate(read_filled(marked)).valid


def test_a_value_not_matching_its_signed_hash_is_not_used(progress_form: Form, seed: dict[str, Any],
                                                          tmp_path: Path) -> None:
    """The value rows are not signed: one edited in the hidden sheet is not put into the copy."""
    path = _deleted(progress_form, seed, tmp_path, 7)
    wb = load_workbook(path)
    meta = wb["_sheetsync"]
    row = next(r for r in meta.iter_rows() if r[0].value == "value" and r[1].value == "C7")
    row[2].value = "1/1/2500"
    wb.save(path)
    filled = read_filled(path)
    report = validate(filled)
    marked = tmp_path / "marked.xlsx"
    write_marked_up(filled, report, marked)
    ws = load_workbook(marked)[progress_form.sheet]
    assert ws["C7"].value is None and ws["C7"].protection.locked is False  # to be typed again, as before


def test_a_value_row_naming_no_cell_is_passed_over(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """The hidden sheet's refs are the file's: a locked row and a value row for "C" (no row number) or
    "C²" (a digit Python cannot read as a number), with its hash, made the whole file 'cannot be checked'
    (int("") raised) where no key checks the identity (an office without one, or ``validate(key=None)``)."""
    from sheetsync.check.putback import refilled
    from sheetsync.template.fingerprint import cell_hash

    filled = read_filled(_deleted(progress_form, seed, tmp_path, 7))
    for ref in ("C", "C\u00b2", "๗C"):
        filled.issued[ref] = "x"
        filled.locked_expected[ref] = cell_hash("x")
    given = refilled(filled, (7, -1))
    assert "C7" in given and not {"C", "C\u00b2", "๗C"} & set(given)
