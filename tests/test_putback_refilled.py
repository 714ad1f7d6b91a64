"""A row the school deleted is put back with what the office filled in it, as the template was issued.

Row 7 holds the project's end date (C7), filled in by the office and locked. The school deleted the row:
the marked-up copy put it back empty and asked her to type the date again, though the office knows it. The
template now records what the office filled in its locked cells (metadata rows ``value``, each checked
against its cell's signed hash): the copy fills them in again, locked, and does not list them to type.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.report import put_right
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.fingerprint import VALUE
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
    row = next(r for r in meta.iter_rows() if r[0].value == VALUE and "C7" in json.loads(r[2].value))
    row[2].value = json.dumps(json.loads(row[2].value) | {"C7": "1/1/2500"}, ensure_ascii=False)
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


@pytest.mark.parametrize("text", ["[[[[" * 50_000, "not json", '["C7", "30/9/2563"]', '{"C7": 5}', "=1+1"],
                         ids=["nested", "text", "list", "number", "formula"])
def test_a_cell_of_values_that_is_no_object_of_texts_is_no_values(progress_form: Form, seed: dict[str, Any],
                                                                  tmp_path: Path, text: str) -> None:
    """The hidden sheet is the file's to type into: a cell of values nested past the JSON parser's depth, or
    no object of texts, is no values (a deleted row's cells are typed again), never a file that cannot be read."""
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)  # edited and the row deleted in one save (openpyxl's second save shifts rows)
    for row in wb["_sheetsync"].iter_rows():
        if row[0].value == VALUE:
            row[2].value = text
            row[2].data_type = "s"
    wb[progress_form.sheet].delete_rows(7)
    wb.save(path)
    filled = read_filled(path)
    assert "C7" not in filled.issued
    assert validate(filled).codes() == ["rows-deleted"]


def test_values_are_packed_in_a_few_cells_each_within_a_chunk() -> None:
    """A row per value cost every returned file ~200 cells more to read: they are JSON objects of at most
    VALUE_CHUNK characters, in order, none lost but one longer than a chunk."""
    from sheetsync.template.fingerprint import VALUE_CHUNK
    from sheetsync.template.stamp import _packed

    values = [(f"B{n}", "โครงการ" * (n % 40)) for n in range(1, 2000)] + [("Z1", "ก" * (VALUE_CHUNK + 1))]
    rows = _packed(values)
    assert 1 < len(rows) < 40
    assert all(row[0] == VALUE and len(row[2]) <= VALUE_CHUNK and row[2].startswith("{") for row in rows)
    merged = {ref: text for row in rows for ref, text in json.loads(row[2]).items()}
    assert merged == dict(values[:-1])


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_value_matching_its_hash_only_once_normalised_goes_back_as_issued(progress_form: Form, seed: dict[str, Any],
                                                                            tmp_path: Path, fmt: str) -> None:
    """A hash is of the value normalised (ends stripped: U+001C–U+001F and U+3000 are white space to Python),
    so "\\x1f30/9/2563\\u3000" in an edited value row has the end date's signed hash. It went into the copy as
    written: the .xlsx copy could not be written (openpyxl refuses U+001F, a traceback), and the .ods copy held
    "��30/9/2563", its locked cell then 'changed' on the office's own copy. What goes back is what was issued."""
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)  # edited and the row deleted in one save (openpyxl's second save shifts rows)
    row = next(r for r in wb["_sheetsync"].iter_rows() if r[0].value == VALUE and "C7" in json.loads(r[2].value))
    values = json.loads(row[2].value)
    issued = values["C7"]
    row[2].value = json.dumps(values | {"C7": f"\x1f\x1e{issued}\u3000\x1c"})  # its escapes: a printable cell
    wb[progress_form.sheet].delete_rows(7)
    wb.save(path)
    filled = read_filled(path)
    report = validate(filled)
    marked = tmp_path / f"marked.{fmt}"
    write_marked_up(filled, report, marked)
    again = read_filled(marked)
    assert again.locked_found["C7"] == issued and validate(again).codes() == []
