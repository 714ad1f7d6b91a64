"""A third form written by office staff from README.md and docs/forms.md alone, no Python
(tests/data/attendance: a school's monthly attendance by grade, อ.1–ป.6), taken through the real
commands: ``forms``, ``template``, filled by the library and by typing in Calc, ``validate`` with right
and wrong data, an office of three schools over two months (``sync``, ``master``, ``template
--from-master``). What the form needed on the way is in tests/test_third_form_rules.py."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form, load_form
from sheetsync.template.write import write_template
from tests.cli import run
from tests.typing import typed_entries

FOLDER = Path(__file__).parent / "data" / "attendance"
NAME = "student-attendance"
SCHOOLS = {"s1": ("1010720001", "โรงเรียนวัดไทร"), "s2": ("1010720002", "โรงเรียนบ้านหนองบัว"),
           "s3": ("1010720003", "โรงเรียนวัดโพธิ์")}


@pytest.fixture(scope="module")
def form() -> Form:
    """The form as its author wrote it."""
    return load_form(FOLDER / f"{NAME}.yaml")


@pytest.fixture()
def sample() -> dict[str, Any]:
    """November's report of one school: nine grades, right to the last decimal."""
    data: dict[str, Any] = json.loads((FOLDER / f"{NAME}.json").read_text(encoding="utf-8"))
    return data


def _report(sample: dict[str, Any], recipient: str, month: str, fewer: float) -> dict[str, Any]:
    """One school's report of ``month``: the sample's pupils, ``fewer`` of them away each day in each grade."""
    data = copy.deepcopy(sample)
    code, name = SCHOOLS[recipient]
    data["school"], data["period"]["month"] = {"name": name, "code": code}, month
    for grade in data["grades"]:
        grade["attendance"] = round(grade["attendance"] - fewer, 1)
        grade["percent"] = round(grade["attendance"] / grade["total"] * 100 + 1e-9, 2)
    return data


def _typed(blank: Path, out: Path, form: Form, data: dict[str, Any]) -> Path:
    """``blank`` with ``data`` typed as text into its open cells (what the office prefilled stays)."""
    book = load_workbook(blank)
    sheet = book[form.sheet]
    for ref, text in typed_entries(form, data).items():
        if sheet[ref].protection.locked is False:
            sheet[ref].value, sheet[ref].data_type = text, "s"
    book.save(out)
    return out


def test_the_form_is_listed_and_its_blank_template_is_the_paper_form(form: Form, tmp_path: Path) -> None:
    listed = run("forms", "--forms-dir", FOLDER)
    assert listed.returncode == 0, listed.stderr
    assert f"{NAME}\t1.0.0\tแบบรายงานสถิติการมาเรียนของนักเรียน ประจำเดือน" in listed.stdout.splitlines()
    blank = tmp_path / "blank.xlsx"
    made = run("template", "--forms-dir", FOLDER, "--form", NAME, "-o", blank)
    assert made.returncode == 0, made.stderr
    sheet = load_workbook(blank)[form.sheet]
    assert [sheet[f"A{row}"].value for row in (6, 8, 9, 14)] == ["อ.1", "อ.3", "ป.1", "ป.6"]
    assert all(sheet[f"{col}6"].protection.locked is False for col in "BCDEFG")
    months = [v.formula1 for v in sheet.data_validations.dataValidation if "F3:G3" in str(v.sqref).split()]
    assert months and months[0].startswith('"ตุลาคม,พฤศจิกายน') and months[0].endswith('กันยายน"')
    days = [v for v in sheet.data_validations.dataValidation if "E6" in str(v.sqref).split()]
    assert (days[0].formula1, days[0].formula2) == ("1", "23")


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_filled_report_validates_from_the_command_line(form: Form, sample: dict[str, Any], tmp_path: Path,
                                                         fmt: str) -> None:
    path = tmp_path / f"filled.{fmt}"
    write_template(form, path, data=sample)
    assert read_filled(path, forms_dirs=[FOLDER]).data == sample
    checked = run("validate", "--forms-dir", FOLDER, path)
    assert checked.returncode == 0 and "ถูกต้อง / valid" in checked.stdout, checked.stdout + checked.stderr


def test_every_mistake_is_told_on_its_cell_in_thai(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    """A teacher's slips, one per rule: each is one finding, on the cell to fix, Thai first."""
    blank, typed = tmp_path / "blank.xlsx", tmp_path / "typed.xlsx"
    write_template(form, blank)
    wrong = copy.deepcopy(sample)
    wrong["school"]["code"] = "101072000"  # nine digits
    wrong["grades"][0]["percent"] = 89.64  # อ.1: 19.5 ÷ 22 × 100 = 88.64
    wrong["grades"][3]["total"] = 39  # ป.1: 20 + 18 = 38
    wrong["grades"][3]["percent"] = round(36.1 / 39 * 100, 2)
    wrong["grades"][5]["school_days"] = 24  # ป.3: at most 23
    wrong["grades"][7]["attendance"] = 38  # ป.5: 37 pupils (the percent, right for 35.5, is not judged again)
    _typed(blank, typed, form, wrong)
    checked = run("validate", "--forms-dir", FOLDER, "--format", "json", typed)
    assert checked.returncode == 1, checked.stderr
    found = {(f["cell"], f["code"]): f["th"] for f in json.loads(checked.stdout)[0]["findings"]}
    assert set(found) == {("F2", "pattern"), ("G6", "row-ratio-mismatch"), ("D9", "row-sum-mismatch"),
                          ("E11", "above-maximum"), ("F13", "row-compare-failed")}, found
    assert "กรุณาพิมพ์ตัวเลข 10 หลัก" in found["F2", "pattern"]
    assert "กรุณาพิมพ์ 88.64" in found["G6", "row-ratio-mismatch"]
    assert "20 + 18 = 38" in found["D9", "row-sum-mismatch"] and "ชั้น ป.1" in found["D9", "row-sum-mismatch"]
    assert "(23)" in found["E11", "above-maximum"]
    assert "ต้องไม่เกินนักเรียนรวม (คน)ในแถวเดียวกัน (ช่อง D13: 37)" in found["F13", "row-compare-failed"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_typed_in_calc_reads_back_as_written(form: Form, sample: dict[str, Any], tmp_path: Path, fmt: str,
                                             libreoffice: Any) -> None:
    """Real typing in Calc (Thai locale, the cells' FormulaLocal): Thai digits, the month's dropdown
    label, an average with a decimal, percents with and without their sign."""
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(form, blank)
    libreoffice.type_into(blank, typed, typed_entries(form, sample), sheet=form.sheet)
    filled = read_filled(typed, forms_dirs=[FOLDER])
    assert filled.problems == []
    assert filled.data == sample
    assert validate(filled).valid


def _office(tmp_path: Path) -> Path:
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["recipient_id", "school_name", "email", "project_code"])
        writer.writerows([rid, name, f"{rid}@school.example", code] for rid, (code, name) in SCHOOLS.items())
    made = run("init", tmp_path / "office", "--form", NAME, "--forms-dir", FOLDER, "--roster", roster)
    assert made.returncode == 0, made.stderr
    return tmp_path / "office"


def _month(office: Path, templates: str, form: Form, sample: dict[str, Any], month: str) -> None:
    """Every school fills its template of ``templates`` for ``month``, and the office checks them."""
    for n, rid in enumerate(SCHOOLS):
        blank = next((office / templates).glob(f"{rid} *.xlsx"))
        _typed(blank, office / "inbox" / f"{rid}-{len(month)}.xlsx", form, _report(sample, rid, month, n))
    synced = run("sync", "--settle", "0", cwd=office)
    assert synced.returncode == 0, synced.stdout + synced.stderr


def _rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    return [row for row in load_workbook(path)[sheet].iter_rows(min_row=3, values_only=True) if row[0]]


def test_an_office_of_three_schools_over_two_months(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    office = _office(tmp_path)
    assert run("template", "--roster", "roster.csv", "-o", "templates/", cwd=office).returncode == 0
    _month(office, "templates", form, sample, "พฤศจิกายน")
    made = run("template", "--from-master", "master.xlsx", "-o", "next/", cwd=office)
    assert made.returncode == 0, made.stderr
    # Next month's template carries the school and the signer's position, every figure empty and open.
    sheet = load_workbook(next((office / "next").glob("s2 *.xlsx")))[form.sheet]
    assert (sheet["B2"].value, sheet["F2"].value, sheet["B19"].value) == (
        "โรงเรียนบ้านหนองบัว", "1010720002", "ผู้อำนวยการโรงเรียนวัดไทร")
    assert sheet["F2"].protection.locked and sheet["B19"].protection.locked is False
    assert sheet["B6"].value is None and sheet["B6"].protection.locked is False and sheet["F3"].value is None
    _month(office, "next", form, sample, "ธันวาคม")

    shown = run("master", "-o", "view.xlsx", cwd=office)
    assert shown.returncode == 0, shown.stderr
    summary = {(row[0], row[3]): row for row in _rows(office / "view.xlsx", "สรุป") if row[0] in SCHOOLS}
    assert list(summary) == [(rid, f"2568 · {m}") for rid in SCHOOLS for m in ("พฤศจิกายน", "ธันวาคม")]
    heads = next(load_workbook(office / "view.xlsx")["สรุป"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert "มาเรียนเฉลี่ยต่อวัน (คน)" in heads and not any("บาท" in str(h) for h in heads)
    assert summary["s1", "2568 · พฤศจิกายน"][5] == pytest.approx(298.9)  # the grades' averages added up
    running = {(row[0], row[3]): row[4:6] for row in _rows(office / "view.xlsx", "ยอดสะสม") if row[0] in SCHOOLS}
    assert running["s1", "2568 · ธันวาคม"] == pytest.approx((298.9, 597.8))
    grades = [row for row in _rows(office / "view.xlsx", "รายชั้น") if row[0] in SCHOOLS]
    assert len(grades) == 54 and grades[0][2:] == ("อ.1", 12, 10, 22, 20, 19.5, 88.64)

    # November's figures as they stood: each school's November line, none "not received".
    november = run("master", "-o", "november.xlsx", "--period", "2567-11", cwd=office)
    assert november.returncode == 0, november.stderr
    lines = {row[0]: row for row in _rows(office / "november.xlsx", "สรุป") if row[0] in SCHOOLS}
    assert {rid: row[3] for rid, row in lines.items()} == {rid: "2568 · พฤศจิกายน" for rid in SCHOOLS}, lines


def test_the_longest_remark_prints_whole(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    """The remarks' block was given 120 pt by guess: 500 characters printed 4 lines of 7 (text-cut-in-print).
    docs/forms.md now says how to find the height: type the longest text and validate."""
    blank, typed = tmp_path / "blank.xlsx", tmp_path / "typed.xlsx"
    write_template(form, blank, data={"school": sample["school"]})
    book = load_workbook(blank)
    book[form.sheet]["A16"] = "ก" * form.field_at("/remarks").schema["maxLength"]  # type: ignore[union-attr]
    book.save(typed)
    found = validate(read_filled(typed, forms_dirs=[FOLDER]), key=None).findings
    assert "text-cut-in-print" not in {f.code for f in found}


def test_a_renumbered_school_keeps_its_signers_position(form: Form, sample: dict[str, Any], tmp_path: Path) -> None:
    """``master: carry``: a school given a new code on the roster gets a template of the new code that keeps
    the position it signed with (open, to correct), the new code locked, its name to type again."""
    office = _office(tmp_path)
    assert run("template", "--roster", "roster.csv", "-o", "templates/", cwd=office).returncode == 0
    _month(office, "templates", form, sample, "พฤศจิกายน")
    roster = (office / "roster.csv").read_text(encoding="utf-8").replace("1010720003", "1010720099")
    (office / "roster.csv").write_text(roster, encoding="utf-8")
    made = run("template", "--from-master", "master.xlsx", "-o", "next/", cwd=office)
    assert made.returncode == 0, made.stderr
    sheet = load_workbook(next((office / "next").glob("s3 *.xlsx")))[form.sheet]
    assert (sheet["F2"].value, sheet["F2"].protection.locked) == ("1010720099", True)
    assert (sheet["B19"].value, sheet["B19"].protection.locked) == ("ผู้อำนวยการโรงเรียนวัดไทร", False)
    assert sheet["B2"].value is None and sheet["B6"].value is None
