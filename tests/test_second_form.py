"""A second form written by an office clerk from README.md alone (tests/data/teacher-training: a teacher
training record sent each term), taken through the whole loop: what the clerk and the schools would
expect at each step, and the mistakes found on the way (each a test here)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.errors import FormError
from sheetsync.spec.form import Form, load_form
from sheetsync.template.write import write_template
from tests.cli import run
from tests.typing import typed_entries

FOLDER = Path(__file__).parent / "data" / "teacher-training"
NAME = "teacher-training"


@pytest.fixture(scope="module")
def form() -> Form:
    """The clerk's form, as written."""
    return load_form(FOLDER / f"{NAME}.yaml")


@pytest.fixture()
def sample() -> dict[str, Any]:
    """A term's real-looking record: four trainings, Thai digits in the free text, satang in the average."""
    data: dict[str, Any] = json.loads((FOLDER / f"{NAME}.sample.json").read_text(encoding="utf-8"))
    return data


def _copy(tmp_path: Path, old: str = "", new: str = "", schema_old: str = "", schema_new: str = "") -> Path:
    """The form in ``tmp_path`` with one edit of its layout's text and one of its schema's."""
    folder = tmp_path / "forms"
    folder.mkdir()
    for suffix, (before, after) in ((".yaml", (old, new)), (".schema.json", (schema_old, schema_new))):
        text = (FOLDER / f"{NAME}{suffix}").read_text(encoding="utf-8")
        assert before in text, before
        (folder / f"{NAME}{suffix}").write_text(text.replace(before, after, 1) if before else text, encoding="utf-8")
    return folder / f"{NAME}.yaml"


def _typed(blank: Path, out: Path, form: Form, data: dict[str, Any]) -> Path:
    """``blank`` with ``data`` typed as text into its open cells (what the office prefilled stays)."""
    book = load_workbook(blank)
    sheet = book[form.sheet]
    for ref, text in typed_entries(form, data).items():
        if sheet[ref].protection.locked is False:
            sheet[ref].value = text
            sheet[ref].data_type = "s"
    book.save(out)
    return out


def test_the_typed_record_reads_back_as_written(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    blank = tmp_path / "blank.xlsx"
    write_template(form, blank)
    filled = read_filled(_typed(blank, tmp_path / "filled.xlsx", form, sample), forms_dirs=[FOLDER])
    assert filled.problems == []
    assert filled.data == sample
    assert validate(filled).valid


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_prefilled_record_reads_back_in_both_formats(form: Form, sample: dict[str, Any], tmp_path: Path,
                                                       fmt: str) -> None:
    path = tmp_path / f"prefilled.{fmt}"
    write_template(form, path, data=sample)
    filled = read_filled(path, forms_dirs=[FOLDER])
    assert filled.data == sample
    assert validate(filled).valid


def test_a_yes_no_field_without_choices_offers_yes_and_no(sample: dict[str, Any], tmp_path: Path) -> None:
    """Without ``choices:`` a yes/no column got no dropdown, and nothing a school typed there (มี, ใช่, ✓)
    was taken: "must be one of the list ()" on every row. It now offers ใช่ / ไม่ใช่, and reads them."""
    form = load_form(_copy(tmp_path, "{at: I, field: certificate, choices: {true: มี, false: ไม่มี}}",
                           "{at: I, field: certificate}"))
    blank = tmp_path / "blank.xlsx"
    write_template(form, blank)
    lists = [v.formula1 for v in load_workbook(blank)[form.sheet].data_validations.dataValidation
             if "I7" in str(v.sqref).split()]
    assert lists == ['"ใช่,ไม่ใช่"']
    filled = read_filled(_typed(blank, tmp_path / "typed.xlsx", form, sample), forms_dirs=[tmp_path / "forms"])
    assert filled.problems == []
    assert [row.get("certificate") for row in filled.data["trainings"]] == [True, True, False, None]


def test_a_yes_no_field_with_one_label_is_refused(tmp_path: Path) -> None:
    """``{true: มี}`` alone gave a dropdown of one label: a school could never say no."""
    layout = _copy(tmp_path, "choices: {true: มี, false: ไม่มี}", "choices: {true: มี}")
    with pytest.raises(FormError) as caught:
        load_form(layout)
    assert "certificate" in str(caught.value) and "False" not in caught.value.th


def test_a_row_is_named_by_its_first_column_when_the_items_have_no_title(form: Form, sample: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    """The schema's items have no ``title`` (README asks a title of the array only): the running total
    read "ตั้งแต่แถวแรกถึง2", a bare number. The row is named by its first column's title instead."""
    sample["budget"].update(allocated=30000, per_teacher=1479.17)
    path = tmp_path / "over.xlsx"
    write_template(form, path, data=sample)
    findings = [f for f in validate(read_filled(path, forms_dirs=[FOLDER])).findings
                if f.code == "over-budget-running"]
    assert [f.cell for f in findings] == ["H9"]
    assert "ถึงที่ 3 " in findings[0].message_th, findings[0].message_th


def _office(tmp_path: Path) -> Path:
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["recipient_id", "school_name", "email", "project_code"])
        writer.writerow(["s1", "โรงเรียนวัดไทร (ไทรวิทยา)", "s1@school.example", "1010720001"])
        writer.writerow(["s2", "โรงเรียนบ้านหนองบัว", "s2@school.example", "1010720002"])
    made = run("init", tmp_path / "office", "--form", NAME, "--forms-dir", FOLDER, "--roster", roster)
    assert made.returncode == 0, made.stderr
    return tmp_path / "office"


def test_a_school_that_sent_the_term_due_is_up_to_date(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    """A form with a period (``master: period``) whose table has a date column (``master: date``): the
    school that sent the very term due was "ล่าช้า" (late) because its last training started before last
    month, while the total said it had sent. A term's line is late only by not being sent."""
    office = _office(tmp_path)
    assert run("template", "--roster", "roster.csv", "-o", "templates/", cwd=office).returncode == 0
    blank = next((office / "templates").glob("s1 *.xlsx"))
    _typed(blank, office / "inbox" / "s1.xlsx", form, sample)
    synced = run("sync", "--today", "2025-04-02", "--settle", "0", cwd=office)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    sheet = load_workbook(office / "master.xlsx")["สรุป"]
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] in ("s1", "s2")]
    status = {row[0]: row[11] for row in rows}
    assert status == {"s1": "เป็นปัจจุบัน", "s2": "ยังไม่ได้รับรายงาน"}, rows
    shutil.rmtree(office / "templates")


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_typed_in_calc_reads_back_as_written(form: Form, sample: dict[str, Any], tmp_path: Path, fmt: str,
                                             libreoffice: Any) -> None:
    """Real typing in Calc (Thai locale): B.E. dates, Thai digits, the dropdowns' labels, satang."""
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(form, blank)
    libreoffice.type_into(blank, typed, typed_entries(form, sample), sheet=form.sheet)
    filled = read_filled(typed, forms_dirs=[FOLDER])
    assert filled.problems == []
    assert filled.data == sample
    assert validate(filled).valid


def test_a_total_that_disagrees_with_its_rows_names_the_totals_cell_too(form: Form, sample: dict[str, Any],
                                                                        tmp_path: Path) -> None:
    """The hours add up to 56 but the total (G19) says 50: the finding sat on the last row (G10) and never
    named G19, the cell a school that mistyped the total must fix; a comparison named its other cell neither."""
    sample["total_hours"] = 50
    sample["certification"]["date"] = "2025-03-20"
    path = tmp_path / "total.xlsx"
    write_template(form, path, data=sample)
    found = {f.code: f for f in validate(read_filled(path, forms_dirs=[FOLDER])).findings}
    assert found["sum-mismatch"].cell == "G10"
    assert "G19" in found["sum-mismatch"].message_th and "G19" in found["sum-mismatch"].message_en
    assert "H3" in found["compare-failed"].message_th and "H3" in found["compare-failed"].message_en


def test_a_layouts_own_words_may_name_the_other_cell(tmp_path: Path) -> None:
    layout = _copy(tmp_path, "  - {kind: sum_equals, table: /trainings, field: hours, equals: /total_hours}",
                   '  - {kind: sum_equals, table: /trainings, field: hours, equals: /total_hours,\n'
                   '     message: {th: "ชั่วโมงรวม {value} ไม่ตรงกับช่อง {other_cell}", en: "{value} is not {other_cell}"}}')
    assert load_form(layout).rules[0]["message"]["th"].endswith("{other_cell}")


def test_a_rule_missing_a_parameter_says_what_it_is_in_thai(tmp_path: Path) -> None:
    """"กฎ within ต้องมีค่า 'to' (a field, e.g. /project/code)": the Thai said what to add in English,
    with the progress report's field as the example."""
    layout = _copy(tmp_path, "{kind: increasing, table: /trainings, field: start}",
                   "{kind: within, table: /trainings, field: start, from: /period/report_date}")
    with pytest.raises(FormError) as caught:
        load_form(layout)
    assert "'to'" in caught.value.th and "a field" not in caught.value.th
    assert "ช่องเดี่ยว" in caught.value.th and "a field" in str(caught.value)


def test_a_choice_written_as_a_number_for_a_text_enum_is_told_to_quote_it(tmp_path: Path) -> None:
    """``{1: ภาคเรียนที่ 1, …}`` for the enum ["1", "2"]: YAML reads 1 as a number, and the message said only
    that 1 is not one of '1', '2' — which reads as nonsense to a clerk."""
    layout = _copy(tmp_path, '{"1": ภาคเรียนที่ 1, "2": ภาคเรียนที่ 2}', "{1: ภาคเรียนที่ 1, 2: ภาคเรียนที่ 2}")
    with pytest.raises(FormError) as caught:
        load_form(layout)
    assert '"1"' in caught.value.th and '"1"' in str(caught.value)


def test_a_schema_json_mistake_names_its_line_in_thai(tmp_path: Path) -> None:
    """A comma too many: the Thai named the line only inside the English parser's words."""
    layout = _copy(tmp_path, schema_old='"maximum": 3000},', schema_new='"maximum": 3000},,')
    line = next(i for i, text in enumerate((tmp_path / "forms" / f"{NAME}.schema.json").read_text(
        encoding="utf-8").splitlines(), 1) if "3000},," in text)
    with pytest.raises(FormError) as caught:
        load_form(layout)
    assert caught.value.th.startswith(f"{NAME}.schema.json บรรทัด {line} ")
    assert str(caught.value).startswith(f"{NAME}.schema.json line {line} column ")
