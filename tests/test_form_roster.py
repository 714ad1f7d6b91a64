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


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_template_prefilled_with_the_grades_puts_each_on_its_row(roster_form: Form, tmp_path: Path,
                                                                   fmt: str) -> None:
    """The grade rows are keyed by their label (`key: grade`, `auto: "ป.{n}"`): prefilled with what a school
    sent (next year's template from the master, `next_period: all`), ป.3 lands on the third row and reads
    back as sent; prefilling crashed on int("ป.1")."""
    sent = read_roster_file(typed_file(roster_form, tmp_path, "typed-valid.json")).data
    grades = [sent["pupils"][2], sent["pupils"][0]]  # out of order, and with a gap
    path = tmp_path / f"prefilled.{fmt}"
    write_template(roster_form, path, data={"school": {"code": "10110001"}, "pupils": grades}, recipient="10110001")
    back = read_roster_file(path).data["pupils"]
    assert back == [sent["pupils"][0], sent["pupils"][2]]


def test_a_grade_the_form_has_no_row_for_is_refused_by_name(roster_form: Form, tmp_path: Path) -> None:
    """Prefill data naming a grade the table has no row for (ม.1) is refused, saying which item and value."""
    from sheetsync.errors import DataError

    with pytest.raises(DataError, match=r"/pupils/0/grade: 'ม.1'"):
        write_template(roster_form, tmp_path / "t.xlsx", data={"pupils": [{"grade": "ม.1", "boys": 1}]})
