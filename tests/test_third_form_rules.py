"""What a third form (tests/data/attendance: a school's monthly attendance by grade, written from
docs/forms.md alone) needed that the layout language lacked, each a test that failed first: row labels
no single ``{n}`` pattern names (อ.1–อ.3 then ป.1–ป.6), a total of a row's own cells (boys + girls) and a
share worked out within each row (attendance ÷ total × 100)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Finding
from sheetsync.check.validate import validate
from sheetsync.errors import FormError
from sheetsync.spec.form import Form, load_form
from sheetsync.template.write import write_template
from tests.cli import run

from tests.test_third_form import FOLDER, NAME


@pytest.fixture(scope="module")
def form() -> Form:
    """The form as its author wrote it (as in tests/test_third_form.py)."""
    return load_form(FOLDER / f"{NAME}.yaml")


@pytest.fixture()
def sample() -> dict[str, Any]:
    """November's report of one school (as in tests/test_third_form.py)."""
    data: dict[str, Any] = json.loads((FOLDER / f"{NAME}.json").read_text(encoding="utf-8"))
    return data


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    """The form copied into ``tmp_path`` with one edit of its layout."""
    folder = tmp_path / "forms"
    folder.mkdir(exist_ok=True)
    text = (FOLDER / f"{NAME}.yaml").read_text(encoding="utf-8")
    assert old in text, old
    (folder / f"{NAME}.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    (folder / f"{NAME}.schema.json").write_bytes((FOLDER / f"{NAME}.schema.json").read_bytes())
    return folder / f"{NAME}.yaml"


def _findings(form: Form, data: dict[str, Any], tmp_path: Path) -> list[Finding]:
    path = tmp_path / "filled.xlsx"
    write_template(form, path, data=data)
    return validate(read_filled(path, forms_dirs=[FOLDER]), key=None).findings


def test_rows_labelled_one_by_one_print_and_read_back(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    """``auto: [อ.1, …, ป.6]`` crashed ``sheetsync template`` with a traceback ('list' object has no
    attribute 'format'); one pattern ("ป.{n}") cannot name อ.1–อ.3 then ป.1–ป.6."""
    path = tmp_path / "blank.xlsx"
    write_template(form, path)
    sheet = load_workbook(path)[form.sheet]
    assert [sheet[f"A{row}"].value for row in range(6, 15)] == [
        "อ.1", "อ.2", "อ.3", "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6"]
    assert all(sheet[f"A{row}"].protection.locked for row in range(6, 15))
    assert _findings(form, sample, tmp_path) == []


@pytest.mark.parametrize(("auto", "said"), [
    ("[อ.1, อ.2, อ.3, ป.1, ป.2, ป.3, ป.4, ป.5]", "ป้าย 8 ป้าย แต่ตารางมี 9 แถว"),
    ("[อ.1, อ.2, อ.3, ป.1, ป.2, ป.3, ป.4, ป.5, ม.1]", "'ม.1'"),
    ('"ชั้น {grade}"', "{n}"),
    ("{n: 1}", "{n}"),
])
def test_a_wrong_row_label_list_is_one_line_naming_its_column(tmp_path: Path, auto: str, said: str) -> None:
    layout = _edited(tmp_path, "auto: [อ.1, อ.2, อ.3, ป.1, ป.2, ป.3, ป.4, ป.5, ป.6]", f"auto: {auto}")
    with pytest.raises(FormError) as caught:
        load_form(layout)
    assert "tables[0].columns[0]" in caught.value.th and said in caught.value.th, caught.value.th


def test_a_total_that_is_not_boys_plus_girls_is_found_on_the_total(form: Form, sample: dict[str, Any],
                                                                   tmp_path: Path) -> None:
    data = copy.deepcopy(sample)
    data["grades"][3]["total"] = 39  # ป.1: 20 + 18 = 38
    data["grades"][3]["percent"] = round(36.1 / 39 * 100, 2)
    found = _findings(form, data, tmp_path)
    assert [(f.code, f.cell) for f in found] == [("row-sum-mismatch", "D9")]
    assert "ชั้น ป.1" in found[0].message_th and "20 + 18 = 38" in found[0].message_th, found[0].message_th
    assert "นักเรียนชาย (คน) + นักเรียนหญิง (คน)" in found[0].message_th
    assert "boys enrolled + girls enrolled" in found[0].message_en, found[0].message_en


def test_a_wrong_percent_is_found_on_its_cell_with_the_value_to_type(form: Form, sample: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    data = copy.deepcopy(sample)
    data["grades"][0]["percent"] = 89.64  # 19.5 ÷ 22 × 100 = 88.64
    found = _findings(form, data, tmp_path)
    assert [(f.code, f.cell) for f in found] == [("row-ratio-mismatch", "G6")]
    assert "ชั้น อ.1" in found[0].message_th and "กรุณาพิมพ์ 88.64" in found[0].message_th, found[0].message_th


def test_a_grade_with_no_pupils_but_attendance_blames_the_attendance(form: Form, sample: dict[str, Any],
                                                               tmp_path: Path) -> None:
    data = copy.deepcopy(sample)
    data["grades"][8].update(boys=0, girls=0, total=0, attendance=0, percent=0)
    assert _findings(form, data, tmp_path) == []  # 0 of 0: nothing to judge
    data["grades"][8].update(attendance=3)
    found = _findings(form, data, tmp_path)
    # Told once, by the surest rule: attendance above the total (row_compare), not also "divided by 0".
    assert [(f.code, f.cell) for f in found] == [("row-compare-failed", "F14")]


def test_a_wrong_cell_is_told_once(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    """A boys' count typed wrong breaks the sum only; a total typed wrong breaks the sum, and would also
    break the percent and attendance ≤ total: the total is told once, by the sum."""
    data = copy.deepcopy(sample)
    data["grades"][4]["total"] = 4  # ป.2: 22 + 21 = 43, typed 4
    found = _findings(form, data, tmp_path)
    assert [(f.code, f.cell) for f in found] == [("row-sum-mismatch", "D10")]


@pytest.mark.parametrize(("rule", "said"), [
    ("{kind: row_sum, table: /grades, fields: [boys, girl], equals: total}", "'girl'"),
    ("{kind: row_sum, table: /grades, fields: boys, equals: total}", "fields"),
    ("{kind: row_sum, table: /grades, fields: [boys, girls], equals: grade}", "'grade'"),
    ("{kind: row_ratio, table: /grades, value: percent, numerator: attendance, denominator: /school/code}",
     "/school/code"),
])
def test_a_wrong_row_rule_is_refused_when_the_form_loads(tmp_path: Path, rule: str, said: str) -> None:
    layout = _edited(tmp_path, "{kind: row_sum, table: /grades, fields: [boys, girls], equals: total}", rule)
    with pytest.raises(FormError) as caught:
        load_form(layout)
    assert "rules[1]" in caught.value.th and said in caught.value.th, caught.value.th


def test_a_number_that_is_no_money_shows_no_baht(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    """An average of pupils (19.5 a day) is a ``number`` of the schema: it became an amount, printed
    "20 บาท" in the school's template. ``kind: number`` shows it as typed, with no unit, and reads back."""
    path = tmp_path / "prefilled.xlsx"
    write_template(form, path, data=sample)
    cell = load_workbook(path)[form.sheet]["F6"]
    assert "บาท" not in cell.number_format and cell.value == 19.5
    filled = read_filled(path, forms_dirs=[FOLDER])
    assert filled.data["grades"][0]["attendance"] == 19.5


def test_the_master_heads_a_number_that_is_no_money_without_baht(form: Form) -> None:
    """The master headed the attendance "มาเรียนเฉลี่ยต่อวัน (คน) (บาท)" and its running total "… สะสม (บาท)"."""
    from sheetsync.office.headings import headings

    from sheetsync.spec.master import check_master

    found = headings(form, check_master(form))
    assert found["amount"] == "มาเรียนเฉลี่ยต่อวัน (คน)" and found["total"] == "มาเรียนเฉลี่ยต่อวัน (คน) สะสม"


def test_a_primary_school_without_kindergarten_keeps_its_grades_on_their_rows(
        form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    """A school with no อ.1–อ.3 (its rows left empty): its ป.1–ป.6, prefilled (``template --data``), went onto
    the first six rows and read back as อ.1–ป.3. A labelled column keys its rows, as ``key:`` would; the
    marked-up copy of its file (which kept its rows right before too) has them on their rows."""
    data = copy.deepcopy(sample)
    data["grades"] = data["grades"][3:]
    data["grades"][0]["total"] = 39  # a mistake, so that the school gets a marked-up copy
    path = tmp_path / "primary.xlsx"
    write_template(form, path, data=data)
    assert load_workbook(path)[form.sheet]["B9"].value == 20  # ป.1's boys, on ป.1's row
    filled = read_filled(path, forms_dirs=[FOLDER])
    assert [g["grade"] for g in filled.data["grades"]] == ["ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6"]
    assert [(f.code, f.cell) for f in validate(filled, key=None).findings] == [("row-sum-mismatch", "D9")]
    checked = run("validate", "--forms-dir", FOLDER, "--report-dir", tmp_path / "reports", path)
    assert checked.returncode == 1, checked.stderr
    marked = load_workbook(next((tmp_path / "reports").glob("*-ตรวจแล้ว.xlsx")))[form.sheet]
    assert (marked["A9"].value, marked["B9"].value, marked["D9"].value, marked["B6"].value) == ("ป.1", 20, 39, None)


def test_a_negative_count_is_not_told_about_money(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    """The ".-" hint is for money (``170,000.-``, an ``amount`` cell): a field the author declared
    ``kind: number`` (pupils present a day) typed negative is told to correct it, not about baht."""
    data = copy.deepcopy(sample)
    data["grades"][0]["attendance"] = -19.5
    found = [f for f in _findings(form, data, tmp_path) if f.code == "below-minimum"]
    assert [f.cell for f in found] == ["F6"]
    assert ".-" not in found[0].message_th and "จำนวนเงิน" not in found[0].message_th, found[0].message_th
    assert "กรุณาแก้ไข" in found[0].message_th
