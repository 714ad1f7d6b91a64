"""One mistake, one finding, on the cell that is wrong: the rules over a table see each other's findings.

A start date typed too late in the teacher-training form was found twice: `row-compare-failed` on its
row's end (right) and `not-increasing` on the next row's start (right too). A report's percentage typed
too high was found on the next report ("went down"), and a first report's too-high percentage on every
report after it. A value that breaks the order with the values around it is the one blamed; a cell that
one finding already blames is not used to blame its neighbours; when two findings could each be explained
by one cell, that cell is named once.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Finding
from sheetsync.check.rules import RULES, RuleContext
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form, load_form
from sheetsync.template.write import write_template

TRAINING = Path(__file__).parent / "data" / "teacher-training"


@pytest.fixture(scope="module")
def training_form() -> Form:
    """The clerk's teacher-training form (increasing start dates, each end on or after its start)."""
    return load_form(TRAINING / "teacher-training.yaml")


@pytest.fixture()
def training() -> dict[str, Any]:
    """Its sample: four trainings starting 4/11/2567, 20/11/2567, 17/1/2568 and 3/2/2568."""
    data: dict[str, Any] = json.loads((TRAINING / "teacher-training.sample.json").read_text(encoding="utf-8"))
    return data


def _errors(form: Form, data: dict[str, Any], tmp_path: Path, dirs: list[Path] | None = None) -> list[Finding]:
    """The errors of a file of ``form`` written with ``data``, read back and validated."""
    path = tmp_path / "filled.xlsx"
    write_template(form, path, data=data)
    found = validate(read_filled(path, forms_dirs=dirs) if dirs else read_filled(path)).findings
    return [f for f in found if f.severity == "error"]


def _cells(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.cell) for f in findings]


def test_a_start_typed_too_late_is_found_once_on_the_start(training_form: Form, training: dict[str, Any],
                                                          tmp_path: Path) -> None:
    """17/2/2568 typed for 17/1/2568 in row 3: after its own end (F9) and after the next start (E10). One
    cell explains both: E9, named once with the end it must not pass."""
    training["trainings"][2]["start"] = "2025-02-17"
    found = _errors(training_form, training, tmp_path, [TRAINING])
    assert _cells(found) == [("row-compare-failed", "E9")]
    assert found[0].path == "/trainings/2/start"
    th, en = found[0].message_th, found[0].message_en
    assert th.startswith("ช่อง E9 (วันที่เริ่ม, ที่ 3) 17/2/2568 ต้องไม่เกินวันที่สิ้นสุด"), th
    assert "ช่อง F9: 18/1/2568" in th
    assert "E9" in en and "at most" in en and "F9" in en


def test_a_start_a_year_late_is_found_once_on_the_start(training_form: Form, training: dict[str, Any],
                                                       tmp_path: Path) -> None:
    """20/11/2568 for 20/11/2567 in row 2: out of order with both neighbours and after its own end."""
    training["trainings"][1]["start"] = "2025-11-20"
    assert _cells(_errors(training_form, training, tmp_path, [TRAINING])) == [("row-compare-failed", "E8")]


def test_a_first_start_too_late_is_found_on_it_not_on_the_next(training_form: Form, training: dict[str, Any],
                                                               tmp_path: Path) -> None:
    training["trainings"][0]["start"] = "2025-11-04"
    assert _cells(_errors(training_form, training, tmp_path, [TRAINING])) == [("row-compare-failed", "E7")]


def test_two_mistakes_apart_are_two_findings(training_form: Form, training: dict[str, Any], tmp_path: Path) -> None:
    """Row 1 ends before it starts (its end is wrong) and row 4 starts a year early: nothing joins them."""
    training["trainings"][0]["end"] = "2024-11-01"
    training["trainings"][3]["start"] = "2024-02-03"
    training["trainings"][3]["end"] = "2024-02-28"
    assert _cells(_errors(training_form, training, tmp_path, [TRAINING])) == [
        ("not-increasing", "E10"), ("row-compare-failed", "F7")]


def test_an_end_before_its_start_stays_on_the_end(training_form: Form, training: dict[str, Any],
                                                  tmp_path: Path) -> None:
    """Nothing says the start is out of line: the row's own rule names its left cell, as before."""
    training["trainings"][2]["end"] = "2025-01-16"
    assert _cells(_errors(training_form, training, tmp_path, [TRAINING])) == [("row-compare-failed", "F9")]


def _report(seed: dict[str, Any], row: int, name: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(seed)
    data["reports"][row][name] = value
    return data


@pytest.mark.parametrize("row, name, value, expected", [
    # 29/2/2563 for 29/12/2562 in report 3: after report 4's date, not report 4's fault.
    (2, "date", "2020-02-29", [("not-before-next", "B39")]),
    (2, "date", "2019-10-15", [("not-increasing", "B39")]),
    (0, "date", "2019-12-31", [("not-before-next", "B37")]),
    (6, "date", "2020-01-29", [("not-increasing", "B43")]),
    # A year late: outside the project and out of order, told once as outside the project.
    (2, "date", "2020-12-29", [("outside-period", "B39")]),
    (2, "progress_percent", 72.0, [("progress-above-next", "D39")]),
    # 52 % is as likely right as the 30 % after it (30 could be 60): the later is found, as before.
    (2, "progress_percent", 52.0, [("progress-decreased", "D40")]),
    (2, "progress_percent", 5.0, [("progress-decreased", "D39")]),
    # 40 % in report 1 was "progress went down" in reports 2, 3 and 4, whose figures are right.
    (0, "progress_percent", 40.0, [("progress-above-next", "D37")]),
    (6, "progress_percent", 60.0, [("progress-decreased", "D43")]),
])
def test_one_wrong_report_is_found_on_its_own_row(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                  row: int, name: str, value: Any,
                                                  expected: list[tuple[str, str]]) -> None:
    found = _errors(progress_form, _report(seed, row, name, value), tmp_path)
    assert _cells(found) == expected
    assert all("{" not in f.message_th + f.message_en for f in found)


def test_a_value_above_the_next_is_worded_with_the_next_cell(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    found = _errors(progress_form, _report(seed, 2, "progress_percent", 72.0), tmp_path)
    th, en = found[0].message_th, found[0].message_en
    assert th.startswith("ช่อง D39 ความก้าวหน้า 72% มากกว่ารายงานครั้งถัดไป (30%"), th
    assert "D40" in th and "D40" in en and "next report" in en
    found = _errors(progress_form, _report(seed, 2, "date", "2020-02-29"), tmp_path)
    th, en = found[0].message_th, found[0].message_en
    assert th.startswith("ช่อง B39 (วันที่รายงาน) วันที่ 29/2/2563 ต้องอยู่ก่อนวันที่ของรายงานครั้งถัดไป (29/1/2563"), th
    assert "B40" in th and "B40" in en


def test_two_reports_swapped_are_one_finding_on_the_later(progress_form: Form, seed: dict[str, Any],
                                                          tmp_path: Path) -> None:
    """Either of two reports out of order could be the wrong one: the later is found, as before, once."""
    seed["reports"][2]["progress_percent"], seed["reports"][3]["progress_percent"] = 30.0, 25.0
    assert _cells(_errors(progress_form, seed, tmp_path)) == [("progress-decreased", "D40")]


@pytest.mark.parametrize("kind, values, blamed", [
    ("increasing", [1, 2, 9, 3, 4], [("not-before-next", 2)]),
    ("increasing", [1, 3, 2, 4], [("not-increasing", 2)]),
    ("increasing", [5, 1, 2, 3], [("not-before-next", 0)]),
    ("increasing", [1, 2, 3, 0], [("not-increasing", 3)]),
    ("increasing", [1, 5, 2, 6, 3, 4], [("not-before-next", 1), ("not-before-next", 3)]),
    ("not_decreasing", [10, 20, 20, 15, 30], [("progress-decreased", 3)]),
    ("not_decreasing", [40, 20, 25, 30], [("progress-above-next", 0)]),
    ("not_decreasing", [], []),
])
def test_the_order_rules_blame_what_breaks_the_order(kind: str, values: list[int],
                                                     blamed: list[tuple[str, int]]) -> None:
    """The fewest values whose change puts the column in order (the rest are a longest ordered run) are
    the ones found; when two choices are as few, the later value of the pair is found, as before."""
    ctx = RuleContext({"t": [{"v": v} for v in values]}, set(), lambda table, n: "")
    hits = list(RULES[kind]({"table": "/t", "field": "v"}, ctx))
    assert [(h.code, h.pointer) for h in hits] == [(code, f"/t/{i}/v") for code, i in blamed]


@pytest.mark.parametrize("kind, values, fixed, blamed", [
    ("not_decreasing", [10, 20, 25, 30, 65, 40, 50], 5, [("progress-decreased", 5), ("progress-decreased", 6)]),
    ("increasing", [1, 2, 3, 4, 9, 5, 6, 7], 5, [("not-increasing", 5), ("not-increasing", 6), ("not-increasing", 7)]),
    ("increasing", [1, 2, 3, 4, 9, 5, 10, 7], 5, [("not-increasing", 5), ("not-increasing", 7)]),
    ("increasing", [1, 2, 3, 8, 6, 9], 3, [("not-increasing", 4)]),  # two free values swapped: as before
    ("increasing", [5, 1, 2, 3], 1, [("not-increasing", 1), ("not-increasing", 2), ("not-increasing", 3)]),
])
def test_values_prefilled_and_locked_stand(kind: str, values: list[int], fixed: int,
                                           blamed: list[tuple[str, int]]) -> None:
    """The first ``fixed`` rows are prefilled and locked by the office (next period's template): a value
    out of order with them is found on the school's own cell, even where the locked one alone is out of
    the longest ordered run."""
    ctx = RuleContext({"t": [{"v": v} for v in values]}, set(), lambda table, n: "",
                      fixed=frozenset(f"/t/{i}/v" for i in range(fixed)))
    hits = list(RULES[kind]({"table": "/t", "field": "v"}, ctx))
    assert [(h.code, h.pointer) for h in hits] == [(code, f"/t/{i}/v") for code, i in blamed]


@pytest.mark.parametrize("fixed, suspect", [(0, "/t/5/v"), (6, None)])
def test_a_locked_amount_is_never_the_one_that_stands_out(fixed: int, suspect: str | None) -> None:
    """Report 7's 180,000 (for 170,000) takes the total over the 180,000 received. Typed in a blank
    template, report 6's 10,000 is named as the amount that may be wrong; prefilled and locked (next
    period's template), it is the office's own record, and the school could not change it: not named."""
    ctx = RuleContext({"t": [{"v": v} for v in [0, 0, 0, 0, 0, 10000, 180000]], "budget": 180000}, set(),
                      lambda table, n: "", fixed=frozenset(f"/t/{i}/v" for i in range(fixed)))
    [hit] = RULES["running_total_max"]({"table": "/t", "field": "v", "max": "/budget"}, ctx)
    assert (hit.pointer, hit.params.get("suspect")) == ("/t/6/v", suspect)


def test_an_amount_typed_ten_times_over_is_one_total_finding(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    """100,000 for 10,000 in report 6: the running total goes over the budget at report 7, and the total
    differs from the budget used. One column, one wrong amount: the running total tells it, naming E42."""
    found = _errors(progress_form, _report(seed, 5, "disbursed", 100000), tmp_path)
    assert _cells(found) == [("over-budget-running", "E43")]
    assert "E42" in found[0].message_th and "E42" in found[0].message_en


def test_a_cost_typed_too_high_is_found_where_the_total_goes_over(training_form: Form, training: dict[str, Any],
                                                                  tmp_path: Path) -> None:
    """280,000 for 28,000 in row 3: over the budget from row 3 on (H9), and the costs no longer add up to
    the expenses (H10, the last cost, which is right). The running total's finding sits on the row."""
    training["trainings"][2]["cost"] = 280000
    assert _cells(_errors(training_form, training, tmp_path, [TRAINING])) == [("over-budget-running", "H9")]


def test_a_cost_typed_too_low_is_still_a_sum_that_differs(training_form: Form, training: dict[str, Any],
                                                          tmp_path: Path) -> None:
    training["trainings"][2]["cost"] = 2800
    assert _cells(_errors(training_form, training, tmp_path, [TRAINING])) == [("sum-mismatch", "H10")]


def _next_month(form: Form, seed: dict[str, Any], tmp_path: Path, percents: dict[int, float]) -> list[Finding]:
    """The errors of next month's template (reports 1–5 prefilled and locked) with the reports ``percents``
    ({report number: percent}) typed after them, as a teacher fills her rows (read back, validated)."""
    seed["reports"] = seed["reports"][:5]
    path = tmp_path / "next.xlsx"
    write_template(form, path, data=seed, recipient="s1", lock_rows=True)
    book = openpyxl.load_workbook(path)
    sheet = book[form.sheet]
    for no, percent in percents.items():
        row = 36 + no
        typed = {"B": dt.datetime(2020, no - 3, 28), "C": "เครือข่ายโรงเรียนดำเนินกิจกรรมตามแผน", "D": percent / 100,
                 "E": 0, "F": "เป็นไปตามแผน", "G": "เป็นไปตามเป้าหมาย"}
        for column, value in typed.items():
            sheet[f"{column}{row}"] = value
    book.save(path)
    return [f for f in validate(read_filled(path)).findings if f.severity == "error"]


def test_a_break_with_an_earlier_report_not_just_before_names_it(progress_form: Form, seed: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    """Reports 1–5 locked (…, 65 %), report 6 typed 40 % and report 7 50 %: report 7 is found against
    report 5's 65 %, not against the 40 % just before it. "ลดลงจากรายงานครั้งก่อน (65%)" told her the report
    before was 65 %: the message names report 5 and its cell; report 6's own, against the one just before
    it, keeps today's words."""
    found = {f.cell: f for f in _next_month(progress_form, seed, tmp_path, {6: 40.0, 7: 50.0})}
    assert sorted(found) == ["D42", "D43"]
    six, seven = found["D42"], found["D43"]
    assert six.message_th.startswith("ช่อง D42 ความก้าวหน้า 40% ลดลงจากรายงานครั้งก่อน (65%)"), six.message_th
    assert "previous report's 65%" in six.message_en
    assert "ครั้งก่อน" not in seven.message_th and "previous" not in seven.message_en, seven.message_th
    assert seven.message_th.startswith("ช่อง D43 ความก้าวหน้า 50% ลดลงจากรายงานครั้งที่ 5 (65% ในช่อง D41)"), \
        seven.message_th
    assert "65% of an earlier report (cell D41)" in seven.message_en, seven.message_en


@pytest.mark.parametrize("kind, values, blamed, apart", [
    ("not_decreasing", [10, 80, 90, 30, 40, 50], [("progress-above-next", 1, 3), ("progress-above-next", 2, 3)],
     [True, False]),
    ("increasing", [1, 2, 3, 0], [("not-increasing", 3, 2)], [False]),
    ("not_decreasing", [10, 50, 60, 40], [("progress-decreased", 3, 2)], [False]),
])
def test_a_break_says_whether_its_other_value_is_the_next_row(kind: str, values: list[int],
                                                              blamed: list[tuple[str, int, int]],
                                                              apart: list[bool]) -> None:
    """A hit against a value that is not in the row next to it says so: its message cannot say "the
    previous row" or "the next row" of a value two rows away."""
    ctx = RuleContext({"t": [{"v": v} for v in values]}, set(), lambda table, n: "")
    hits = list(RULES[kind]({"table": "/t", "field": "v"}, ctx))
    assert [(h.code, h.pointer, h.params["other"]) for h in hits] == [
        (code, f"/t/{i}/v", f"/t/{j}/v") for code, i, j in blamed]
    assert [h.apart for h in hits] == apart
