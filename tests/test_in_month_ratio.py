"""The rule kinds in_month and ratio on the school-lunch form: a report date in the month it reports, a
percentage spent that equals spent ÷ allocated × 100. Filled templates, read back, judged on code, cell, words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Finding, Report
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form, load_form
from sheetsync.template.write import write_template

from tests.conftest import FORMS_DIR

LUNCH = FORMS_DIR / "school-lunch.yaml"
IN_MONTH = "{kind: in_month, dates: [/period/report_date], month: /period/month, fiscal_year: /period/fiscal_year}"
RATIO = ("{kind: ratio, value: /budget/spent_percent, numerator: /budget/spent, denominator: /budget/allocated, "
         "scale: 100, decimals: 2")


def _validate(form: Form, data: dict[str, Any], tmp_path: Path) -> Report:
    path = tmp_path / "lunch.xlsx"
    write_template(form, path, data=data)
    return validate(read_filled(path, forms_dirs=[form.source.parent]))


def _lunch(tmp_path: Path, rules: list[str], more: str = "", month: dict[str, Any] | None = None,
           spent_percent: dict[str, Any] | None = None) -> Form:
    """The school-lunch form with only ``rules`` (and ``more`` YAML after them); ``month`` and
    ``spent_percent`` replace the schemas of those fields."""
    head = LUNCH.read_text(encoding="utf-8").split("\nrules:\n")[0]
    lines = "".join(f"  - {rule}\n" for rule in rules)
    (tmp_path / LUNCH.name).write_text(f"{head}\nrules:\n{lines}{more}", encoding="utf-8")
    schema = json.loads((FORMS_DIR / "school-lunch.schema.json").read_text(encoding="utf-8"))
    if month is not None:
        schema["properties"]["period"]["properties"]["month"] = month
    if spent_percent is not None:
        schema["properties"]["budget"]["properties"]["spent_percent"] = spent_percent
    (tmp_path / "school-lunch.schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return load_form(tmp_path / LUNCH.name)


def _found(report: Report) -> list[tuple[str, str, str]]:
    return [(f.code, f.cell, f.path) for f in report.findings]


def _one(report: Report, code: str) -> Finding:
    [found] = [f for f in report.findings if f.code == code]
    assert "{" not in found.message_th + found.message_en
    return found


def test_a_report_date_outside_the_month_reported_is_caught_on_the_date(
        lunch_form: Form, lunch_sample: dict[str, Any], tmp_path: Path) -> None:
    """The sample reports พฤศจิกายน of fiscal year 2567 on 30/11/2566; the month changed to ธันวาคม, the
    date no longer fits: the teacher is told the dates that would, and which cells state the month and year."""
    lunch_sample["period"]["month"] = "ธันวาคม"
    report = _validate(lunch_form, lunch_sample, tmp_path)
    assert _found(report) == [("outside-month", "B5", "/period/report_date")]
    found = _one(report, "outside-month")
    assert found.value == "2023-11-30"
    assert found.message_th == ("ช่อง B5 (วันที่รายงาน) วันที่ 30/11/2566 ไม่อยู่ในเดือนธันวาคม ปีงบประมาณ พ.ศ. 2567 "
                                "ตามที่ระบุในช่อง B4 และ D4 กรุณาพิมพ์วันที่ตั้งแต่ 1/12/2566 ถึง 31/12/2566 "
                                "หรือแก้ไขเดือนและปีงบประมาณ พ.ศ. ให้ตรงกับวันที่")
    assert "December of fiscal year 2567" in found.message_en and "from 1/12/2566 to 31/12/2566" in found.message_en


@pytest.mark.parametrize(("month", "date"), [
    ("ตุลาคม", "2023-10-01"),  # October 2566 opens fiscal year 2567
    ("ธันวาคม", "2023-12-31"),
    ("มกราคม", "2024-01-01"),  # from January on, the calendar year is the fiscal year's own
    ("กันยายน", "2024-09-30"),  # the last day of fiscal year 2567
])
def test_a_date_in_the_month_of_the_fiscal_year_is_valid(lunch_form: Form, lunch_sample: dict[str, Any],
                                                         tmp_path: Path, month: str, date: str) -> None:
    lunch_sample["period"] |= {"month": month, "report_date": date}
    assert _validate(lunch_form, lunch_sample, tmp_path).valid


def test_a_date_of_another_fiscal_year_is_said_once(lunch_form: Form, lunch_sample: dict[str, Any],
                                                    tmp_path: Path) -> None:
    """October 2567 is in fiscal year 2568: the fiscal_year rule says so, and in_month, which reads the
    same date, stays silent rather than telling the teacher twice."""
    lunch_sample["period"] |= {"month": "ตุลาคม", "report_date": "2024-10-15"}
    assert _found(_validate(lunch_form, lunch_sample, tmp_path)) == [
        ("fiscal-year-mismatch", "B5", "/period/report_date")]


def test_a_wrong_percentage_is_caught_with_the_value_to_type(lunch_form: Form, lunch_sample: dict[str, Any],
                                                             tmp_path: Path) -> None:
    lunch_sample["budget"]["spent_percent"] = 50
    report = _validate(lunch_form, lunch_sample, tmp_path)
    assert _found(report) == [("ratio-mismatch", "B7", "/budget/spent_percent")]
    found = _one(report, "ratio-mismatch")
    assert found.message_th == ("ช่อง B7 (ร้อยละการเบิกจ่าย) 50% ไม่ตรงกับเงินที่เบิกจ่าย (บาท) ÷ "
                                "เงินที่ได้รับจัดสรร (บาท) × 100 ซึ่งเท่ากับ 61,600 ÷ 100,000 × 100 = 61.60% กรุณาพิมพ์ 61.60 "
                                "หรือตรวจสอบเงินที่เบิกจ่าย (บาท) (ช่อง D6) และเงินที่ได้รับจัดสรร (บาท) (ช่อง B6)")
    assert found.message_en == ("Cell B7 (percentage spent) is 50%, but amount spent ÷ amount allocated × 100 is "
                                "61,600 ÷ 100,000 × 100 = 61.60%. Please type 61.60, or check the amount spent (D6) "
                                "and the amount allocated (B6).")  # the schema's English titles (title_en)


@pytest.mark.parametrize(("typed", "expected"), [
    (33.33, None), (33.334, None), (33.333333, None),
    (33.3, "33.33"), (33.34, "33.33"), (33, "33.33"),
])
def test_a_percentage_is_judged_to_the_decimals_it_is_written_with(
        lunch_form: Form, lunch_sample: dict[str, Any], tmp_path: Path, typed: float, expected: str | None) -> None:
    """1,000 of 3,000 is 33.333…%: the form writes two decimals, so 33.33 is right and 33.3 is not."""
    lunch_sample["budget"] |= {"allocated": 3000, "spent": 1000, "spent_percent": typed}
    lunch_sample["grades"] = [{"grade": "ป.1", "pupils": 5, "days": 10, "amount": 1000}]
    report = _validate(lunch_form, lunch_sample, tmp_path)
    if expected is None:
        assert report.valid, _found(report)
    else:
        assert _found(report) == [("ratio-mismatch", "B7", "/budget/spent_percent")]
        assert f"กรุณาพิมพ์ {expected} " in _one(report, "ratio-mismatch").message_th


@pytest.mark.parametrize("typed", [61.62, 61.63])
def test_a_percentage_exactly_half_a_decimal_away_is_right_either_way(
        lunch_form: Form, lunch_sample: dict[str, Any], tmp_path: Path, typed: float) -> None:
    """61,625 of 100,000 is 61.625%: rounded up or down to the form's two decimals, both are right."""
    lunch_sample["budget"] |= {"spent": 61625, "spent_percent": typed}
    lunch_sample["grades"][2]["amount"] = 19825
    assert _validate(lunch_form, lunch_sample, tmp_path).valid


def test_a_whole_expected_percentage_is_written_whole(lunch_form: Form, lunch_sample: dict[str, Any],
                                                      tmp_path: Path) -> None:
    lunch_sample["budget"] |= {"allocated": 123200, "spent_percent": 61.6}  # 61,600 of 123,200 is 50 %
    found = _one(_validate(lunch_form, lunch_sample, tmp_path), "ratio-mismatch")
    assert "= 50% กรุณาพิมพ์ 50 หรือ" in found.message_th and found.cell == "B7"


def test_nothing_allocated_and_something_spent_is_told_on_the_allocation(lunch_sample: dict[str, Any],
                                                                         tmp_path: Path) -> None:
    """No division by 0: the percentage cannot be worked out, and what to look at is the allocation."""
    form = _lunch(tmp_path, [RATIO + "}"])
    lunch_sample["budget"]["allocated"] = 0
    report = _validate(form, lunch_sample, tmp_path)
    assert _found(report) == [("ratio-no-denominator", "B6", "/budget/allocated")]
    found = _one(report, "ratio-no-denominator")
    assert found.message_th == ("ช่อง B6 (เงินที่ได้รับจัดสรร (บาท)) เป็น 0 "
                                "แต่เงินที่เบิกจ่าย (บาท) (ช่อง D6) เป็น 61,600 จึงคำนวณร้อยละการเบิกจ่าย (ช่อง B7) ไม่ได้ เพราะหารด้วย 0 ไม่ได้ "
                                "กรุณาพิมพ์เงินที่ได้รับจัดสรร (บาท) ที่ถูกต้อง หรือตรวจสอบเงินที่เบิกจ่าย (บาท)")
    assert "no division by 0" in found.message_en


@pytest.mark.parametrize("typed", [0, 100])
def test_nothing_of_nothing_is_no_finding(lunch_sample: dict[str, Any], tmp_path: Path, typed: float) -> None:
    """0 spent of 0 allocated: no share to compute, so no percentage is wrong (the schema bounds it)."""
    form = _lunch(tmp_path, [RATIO + "}"])
    lunch_sample["budget"] |= {"allocated": 0, "spent": 0, "spent_percent": typed}
    assert not [f for f in _validate(form, lunch_sample, tmp_path).findings if f.code.startswith("ratio")]


def test_on_the_lunch_form_spending_without_an_allocation_is_said_once(
        lunch_form: Form, lunch_sample: dict[str, Any], tmp_path: Path) -> None:
    """The form's compare rule (spent ≤ allocated) already blames the spending: the ratio, which reads it,
    is skipped."""
    lunch_sample["budget"]["allocated"] = 0
    codes = [f.code for f in _validate(lunch_form, lunch_sample, tmp_path).findings]
    assert "compare-failed" in codes and not [c for c in codes if c.startswith("ratio")]


@pytest.mark.parametrize(("month", "fits"), [(11, True), (12, False)])
def test_a_month_may_be_a_number(lunch_sample: dict[str, Any], tmp_path: Path, month: int, fits: bool) -> None:
    form = _lunch(tmp_path, [IN_MONTH], month={"title": "เดือน", "type": "integer", "minimum": 1, "maximum": 12})
    lunch_sample["period"]["month"] = month
    report = _validate(form, lunch_sample, tmp_path)
    assert report.valid is fits, _found(report)
    if not fits:
        assert "ไม่อยู่ในเดือนธันวาคม ปีงบประมาณ พ.ศ. 2567" in _one(report, "outside-month").message_th


@pytest.mark.parametrize(("year", "fits"), [(2566, True), (2567, False)])
def test_a_month_of_a_calendar_year(lunch_sample: dict[str, Any], tmp_path: Path, year: int, fits: bool) -> None:
    """``year:`` rather than ``fiscal_year:``: November 2566 B.E. is November 2023, whatever the fiscal year."""
    form = _lunch(tmp_path, [IN_MONTH.replace("fiscal_year:", "year:")])
    lunch_sample["period"]["fiscal_year"] = year
    report = _validate(form, lunch_sample, tmp_path)
    assert report.valid is fits, _found(report)
    if not fits:
        found = _one(report, "outside-month")
        assert "ไม่อยู่ในเดือนพฤศจิกายน พ.ศ. 2567 " in found.message_th
        assert "ตั้งแต่ 1/11/2567 ถึง 30/11/2567" in found.message_th
        assert "November 2567 B.E." in found.message_en


def test_a_month_abbreviated_in_the_choices_is_a_month(lunch_sample: dict[str, Any], tmp_path: Path) -> None:
    names = ["ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย."]
    form = _lunch(tmp_path, [IN_MONTH], month={"title": "เดือน", "type": "string", "enum": names})
    lunch_sample["period"]["month"] = "ธ.ค."
    assert [f.cell for f in _validate(form, lunch_sample, tmp_path).findings] == ["B5"]


def test_the_layout_words_the_new_kinds_its_own_way(lunch_sample: dict[str, Any], tmp_path: Path) -> None:
    """``message:`` on the rule, ``messages:`` for the code, ``code:`` for another catalogue entry."""
    month_words = 'message: {th: "วันที่ต้องอยู่ใน{period} ({low}–{high})", en: "{value}: not in {period_en}"}'
    more = 'messages:\n  ratio-mismatch: {th: "ร้อยละควรเป็น {expected}", en: "should be {expected}{unit_en}"}\n'
    form = _lunch(tmp_path, [IN_MONTH[:-1] + ", " + month_words + "}", RATIO + "}"], more)
    lunch_sample["period"]["month"] = "ตุลาคม"
    lunch_sample["budget"]["spent_percent"] = 61
    report = _validate(form, lunch_sample, tmp_path)
    texts = {f.code: (f.cell, f.message_th, f.message_en) for f in report.findings}
    assert texts == {"outside-month": ("B5", "วันที่ต้องอยู่ในเดือนตุลาคม ปีงบประมาณ พ.ศ. 2567 (1/10/2566–31/10/2566)",
                                       "30/11/2566: not in October of fiscal year 2567"),
                     "ratio-mismatch": ("B7", "ร้อยละควรเป็น 61.60", "should be 61.60%")}
    (tmp_path / "coded").mkdir()  # a layout of its own (forms are cached by file)
    form = _lunch(tmp_path / "coded", [RATIO + ", code: invalid}"])
    [found] = _validate(form, lunch_sample, tmp_path / "coded").findings
    assert (found.code, found.cell) == ("invalid", "B7")
    assert "(ร้อยละการเบิกจ่าย) มีข้อมูลไม่ถูกต้อง" in found.message_th


def test_english_messages_name_a_field_by_its_key_without_an_english_title(lunch_sample: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    """Schemas are written with Thai titles; a field without ``title_en`` is named by its key in words."""
    form = _lunch(tmp_path, [RATIO + "}"], spent_percent={"title": "ร้อยละการเบิกจ่าย", "type": "number",
                                                          "minimum": 0, "maximum": 100})
    lunch_sample["budget"]["spent_percent"] = 50
    found = _one(_validate(form, lunch_sample, tmp_path), "ratio-mismatch")
    assert found.message_en.startswith("Cell B7 (spent percent) is 50%, but amount spent ÷ amount allocated")


def test_a_huge_ratio_is_told_not_crashed(lunch_sample: dict[str, Any], tmp_path: Path) -> None:
    """A tiny allocation typed by mistake (1E-25 baht: a valid number ≥ 0) makes spent ÷ allocated × 100
    a 32-digit number: the teacher must get ratio-mismatch with the value, not a crash of the check."""
    form = _lunch(tmp_path, [RATIO + "}"])
    lunch_sample["budget"]["allocated"] = 1e-25
    report = _validate(form, lunch_sample, tmp_path)
    assert ("ratio-mismatch", "B7", "/budget/spent_percent") in _found(report)
