"""A form added by a district-office clerk from README's "Adding a form (no Python)" alone: the pupil
and teacher roster of 10 June (tests/data/teacher-roster/), with two tables on one sheet, a table of fixed
grade rows (ป.1–ป.6) with a total row, choices with Thai labels, an optional part, dates, an e-mail and
a phone with a pattern, and fields required only when another says so (if/then in the schema)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import Filled, read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form, load_form
from sheetsync.template.write import write_template

FORM_DIR = Path(__file__).parent / "data" / "teacher-roster"


@pytest.fixture(scope="module")
def roster_form() -> Form:
    """The clerk's form, loaded from its own folder."""
    return load_form(FORM_DIR / "teacher-roster.yaml")


def typed_file(form: Form, tmp_path: Path, entries: str, name: str = "filled.xlsx") -> Path:
    """A template of school 10110001, typed into as a person would (text in the open cells only)."""
    blank = tmp_path / "blank.xlsx"
    write_template(form, blank, data={"school": {"code": "10110001"}}, recipient="10110001")
    wb = load_workbook(blank)
    ws = wb[form.sheet]
    for ref, text in json.loads((FORM_DIR / entries).read_text(encoding="utf-8")).items():
        assert ws[ref].protection.locked is False, f"{ref} should be open to typing"
        ws[ref].value = text
        ws[ref].data_type = "s"
    path = tmp_path / name
    wb.save(path)
    return path


def read_roster_file(path: Path) -> Filled:
    """The typed file read back with the clerk's forms folder."""
    return read_filled(path, forms_dirs=[FORM_DIR])


def test_fixed_grade_rows_read_as_their_labels(roster_form: Form, tmp_path: Path) -> None:
    """A column `{field: grade, auto: "ป.{n}"}` prints ป.1 … ป.6, locked, and reads back as those grades
    (it was parsed as a number: every file was refused with "A8 ต้องเป็นตัวเลข แต่พบ ป.1" on a cell the
    school cannot change)."""
    filled = read_roster_file(typed_file(roster_form, tmp_path, "typed-valid.json"))
    assert [(f.code, f.cell) for f in validate(filled).findings] == []
    grades = [row["grade"] for row in filled.data["pupils"]]
    assert grades == ["ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6"]


def test_a_wrong_email_is_not_called_a_date(roster_form: Form, tmp_path: Path) -> None:
    """A field with `format: email` that holds no address is told so once, with the field's own hint
    (it was told "ต้องเป็นวันที่ เช่น 31/10/2562", and again as a pattern, on one cell)."""
    report = validate(read_roster_file(typed_file(roster_form, tmp_path, "typed-mistakes.json")))
    on_email = [f for f in report.findings if f.cell == "B5"]
    assert [f.code for f in on_email] == ["not-an-email"]
    assert "อีเมล" in on_email[0].message_th and "school@obec.go.th" in on_email[0].message_th
    assert "วันที่" not in on_email[0].message_th


def test_fields_required_by_another_are_found_on_their_cells(roster_form: Form, tmp_path: Path) -> None:
    """if/then in the schema: an extended school without its lower-secondary count (D3), and มี pupils
    with disabilities without how many (E28), each found on the empty cell; phones by their pattern."""
    report = validate(read_roster_file(typed_file(roster_form, tmp_path, "typed-mistakes.json")))
    found = {(f.code, f.cell) for f in report.findings}
    assert {("required", "D3"), ("required", "E28"), ("pattern", "E5"), ("pattern", "F17"),
            ("compare-failed", "D30")} <= found
