"""Every cross-field rule: a file that breaks it gives the right code at the right cell."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest
from openpyxl import load_workbook

from sheetsync.spec.form import Form
from sheetsync.messages import catalogue
from sheetsync.check.reader import read_filled
from sheetsync.check.report import Report
from sheetsync.check.shown import shown
from sheetsync.template.write import write_template
from sheetsync.check.validate import validate

from tests.conftest import FORMS_DIR
from tests.typing import typed_entries


def _validate(form: Form, data: dict[str, Any], tmp_path: Path) -> Report:
    path = tmp_path / "broken.xlsx"
    write_template(form, path, data=data)
    return validate(read_filled(path, forms_dirs=[FORMS_DIR]))


def _gap(d: dict[str, Any]) -> None:
    d["reports"] = [r for r in d["reports"] if r["no"] != 4]


def _dates_back(d: dict[str, Any]) -> None:
    d["reports"][3]["date"] = "2019-12-01"


def _outside(d: dict[str, Any]) -> None:
    d["project"]["end_date"] = "2020-03-31"


def _progress_down(d: dict[str, Any]) -> None:
    d["reports"][4]["progress_percent"] = 28.0


def _overspent(d: dict[str, Any]) -> None:
    d["reports"][5]["disbursed"] = 100000
    d["project"]["budget_used"] = 270000
    d["project"]["budget_received"] = 260000
    d["targets"]["networks"][1]["budget"] = 170000
    d["reports"][6]["disbursed"] = 170000
    d["reports"][5]["disbursed"] = 100000


def _total(d: dict[str, Any]) -> None:
    d["reports"][6]["disbursed"] = 160000


def _used_over(d: dict[str, Any]) -> None:
    d["project"]["budget_used"] = 190000
    d["reports"][6]["disbursed"] = 180000


def _end_before_start(d: dict[str, Any]) -> None:
    d["project"]["end_date"] = "2019-09-30"
    d["reports"] = []


def _networks(d: dict[str, Any]) -> None:
    d["targets"]["networks"][1]["budget"] = 80000


def _fiscal(d: dict[str, Any]) -> None:
    d["project"]["fiscal_year"] = 2564  # both project dates lie in 2563: the year is wrong


def _fiscal_one_date(d: dict[str, Any]) -> None:
    d["project"]["end_date"] = "2020-10-31"  # the start date and the year agree: the end date is wrong
    d["reports"] = []


def _mistyped_amount(d: dict[str, Any]) -> None:
    d["reports"][5]["disbursed"] = 100000  # 10,000 typed with one 0 too many in report 6


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("report-gap", _gap, "B40", "/reports/3"),
    ("not-increasing", _dates_back, "B40", "/reports/3/date"),
    ("outside-period", _outside, "B43", "/reports/6/date"),
    ("progress-decreased", _progress_down, "D41", "/reports/4/progress_percent"),
    ("over-budget-running", _overspent, "E43", "/reports/6/disbursed"),
    ("over-budget-running", _mistyped_amount, "E43", "/reports/6/disbursed"),
    ("total-mismatch", _total, "E43", "/reports/6/disbursed"),
    ("budget-over-received", _used_over, "F7", "/project/budget_used"),
    ("end-before-start", _end_before_start, "C7", "/project/end_date"),
    ("sum-mismatch", _networks, "D26", "/targets/networks/1/budget"),
    ("fiscal-year-disagrees", _fiscal, "F5", "/project/fiscal_year"),
    ("fiscal-year-mismatch", _fiscal_one_date, "C7", "/project/end_date"),
]


@pytest.mark.parametrize(("code", "breaks", "cell", "path"), CASES,
                         ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_rule_broken_gives_code_at_cell(progress_form: Form, seed: dict[str, Any], tmp_path: Path, code: str,
                                        breaks: Callable[[dict[str, Any]], None], cell: str, path: str) -> None:
    breaks(seed)
    report = _validate(progress_form, seed, tmp_path)
    hits = [(f.cell, f.path) for f in report.findings if f.code == code]
    assert (cell, path) in hits, report.codes()
    assert not report.valid
    finding = next(f for f in report.findings if f.code == code and f.cell == cell)
    assert cell in finding.message_th and cell in finding.message_en
    assert "{" not in finding.message_th + finding.message_en


def test_running_total_is_flagged_where_it_goes_over_and_names_the_mistyped_amount(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """FORM.md: 100,000 typed for 10,000 in report 6 puts the total over at report 7, and the finding
    belongs on report 7's cell; the message may name the earlier amount that stands out."""
    _mistyped_amount(seed)
    report = _validate(progress_form, seed, tmp_path)
    running = [f for f in report.findings if f.code == "over-budget-running"]
    assert [(f.cell, f.value) for f in running] == [("E43", 170000.0)]
    th, en = running[0].message_th, running[0].message_en
    assert "270,000" in th and "180,000" in th
    assert "E42" in th and "100,000" in th and "E42" in en and "100,000" in en


def test_running_total_names_no_suspect_when_no_single_amount_decides(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """Small earlier amounts, none of which alone makes the difference: none is named."""
    for row, amount in ((0, 5000), (1, 5000), (2, 5000), (3, 5000), (4, 5000), (5, 0), (6, 170000)):
        seed["reports"][row]["disbursed"] = amount  # 195,000 against 180,000: 15,000 over
    report = _validate(progress_form, seed, tmp_path)
    running = [f for f in report.findings if f.code == "over-budget-running"]
    assert [f.cell for f in running] == ["E43"]
    assert not re.search(r"E3[4-9]", running[0].message_th + running[0].message_en)
    assert "{" not in running[0].message_th + running[0].message_en


def test_fiscal_year_that_disagrees_with_both_dates_is_flagged_alone(progress_form: Form, seed: dict[str, Any],
                                                                     tmp_path: Path) -> None:
    _fiscal(seed)
    report = _validate(progress_form, seed, tmp_path)
    fiscal = [(f.code, f.cell) for f in report.findings if f.code.startswith("fiscal-year")]
    assert fiscal == [("fiscal-year-disagrees", "F5")]
    message = next(f.message_th for f in report.findings if f.cell == "F5")
    assert "2564" in message and "2563" in message and "C6" in message and "C7" in message


def test_every_rule_kind_in_the_layout_is_tested(progress_form: Form) -> None:
    tested = {c[0] for c in CASES}
    kinds = {r.kind for r in progress_form.rules}
    assert kinds == {"sequence", "increasing", "within", "not_decreasing", "running_total_max",
                     "total_when_complete", "compare", "sum_equals", "fiscal_year"}
    assert len({(c[0], c[1]) for c in CASES}) == len(CASES) and tested


def test_rules_of_the_second_form(census_form: Form, census_sample: dict[str, Any], tmp_path: Path) -> None:
    census_sample["school"]["total_students"] = 90
    report = _validate(census_form, census_sample, tmp_path)
    assert [(f.code, f.cell) for f in report.findings] == [("sum-mismatch", "B9")]


def test_unreadable_values_are_findings_not_cascades(progress_form: Form, seed: dict[str, Any],
                                                     tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(progress_form, path, data={"project": seed["project"]})
    wb = load_workbook(path)
    ws = wb[progress_form.sheet]
    ws["B37"], ws["D37"], ws["E37"], ws["F37"], ws["G37"] = "วันจันทร์", "ครึ่งหนึ่ง", "หนึ่งหมื่น", "ตามแผน", "เป็นไปตามเป้าหมาย"
    wb.save(path)
    report = validate(read_filled(path))
    found = {(f.code, f.cell) for f in report.findings}
    assert {("not-a-date", "B37"), ("not-a-percent", "D37"), ("not-a-number", "E37"), ("not-a-choice", "F37")} <= found
    assert not any(f.code == "required" and f.cell in ("B37", "D37", "E37", "F37") for f in report.findings)
    choice = next(f for f in report.findings if f.code == "not-a-choice")
    assert "เป็นไปตามแผน / ไม่เป็นไปตามแผน" in choice.message_th and "ตามแผน" in choice.message_en
    assert all("{" not in f.message_th + f.message_en for f in report.findings)  # every placeholder filled


def test_schema_errors_point_at_cells(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    seed["project"]["code"] = "5036-3553"
    seed["reports"][0]["progress_percent"] = 120.0
    seed["project"]["fiscal_year"] = 2563
    report = _validate(progress_form, seed, tmp_path)
    found = {(f.code, f.cell) for f in report.findings}
    assert ("pattern", "C5") in found
    assert ("above-maximum", "D37") in found


def test_every_finding_code_has_thai_and_english_messages() -> None:
    from sheetsync.check.rules import RULE_CODES
    from sheetsync.check.validate import SCHEMA_CODES

    codes = set(RULE_CODES) | set(SCHEMA_CODES.values()) | {c[0] for c in CASES} | {
        "not-a-date", "no-such-day", "not-a-number", "amount-words-disagree", "not-a-whole-number", "not-a-percent", "not-a-choice", "not-text",
        "required-in-row", "locked-cell-changed", "prefilled-cell-changed", "metadata-tampered", "schema-changed"}
    for code in codes:
        assert catalogue()[code]["th"].strip() and catalogue()[code]["en"].strip(), code


@pytest.mark.parametrize(("amounts", "named"), [
    ((22000.0, 90000.0, 19800.0), ""),  # the tester's case: the 22,000 in D10 is right; the finding is D11's own
    ((90000.0, 22000.0, 19800.0), "D10"),  # the outlier one row earlier: named, the finding stays on D11
])
def test_running_total_names_the_amount_that_stands_out_not_a_right_one(
        lunch_form: Form, lunch_sample: dict[str, Any], tmp_path: Path, amounts: tuple[float, ...], named: str) -> None:
    """Issue 9: an amount is named only if, left out, the running total stays within the budget over the whole
    column; leaving out the 22,000 still ends 9,800 over (the 19,800 after it), so it is never blamed."""
    for row, amount in zip(lunch_sample["grades"], amounts):
        row["amount"] = amount
    lunch_sample["budget"]["spent"] = 100000.0
    running = [f for f in _validate(lunch_form, lunch_sample, tmp_path).findings if f.code == "over-budget-running"]
    assert [f.cell for f in running] == ["D11"]
    th, en = running[0].message_th, running[0].message_en
    if named:
        suspect_th, suspect_en = th[th.index("(ถ้าไม่นับ"):], en[en.index("Without"):]
        assert f"90,000 บาท ในช่อง {named}" in suspect_th and f"90,000 baht in {named}" in suspect_en
    else:
        assert "ถ้าไม่นับ" not in th and "Without" not in en
    assert "22,000" not in th + en


@pytest.mark.parametrize("received", [100000, 50000, 10000.5])
def test_a_mistyped_budget_does_not_blame_the_last_report(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                         received: float) -> None:
    """The budget received typed wrong takes the total over at report 7: its right 170,000 was named as
    "may be mistyped" (it alone, left out, keeps the total within). Only an earlier amount is named."""
    seed["project"]["budget_received"] = received
    running = [f for f in _validate(progress_form, seed, tmp_path).findings if f.code == "over-budget-running"]
    assert running and all("ถ้าไม่นับ" not in f.message_th and "Without" not in f.message_en for f in running)


def test_running_total_names_no_amount_when_several_could_be_wrong(
        lunch_form: Form, lunch_sample: dict[str, Any], tmp_path: Path) -> None:
    """Two earlier amounts, either of which alone would explain the excess: unsure, so neither is named."""
    for row, amount in zip(lunch_sample["grades"], (30000.0, 30000.0, 50000.0)):
        row["amount"] = amount
    lunch_sample["budget"]["spent"] = 100000.0
    running = [f for f in _validate(lunch_form, lunch_sample, tmp_path).findings if f.code == "over-budget-running"]
    assert [f.cell for f in running] == ["D12"]
    assert "ถ้าไม่นับ" not in running[0].message_th and "Without" not in running[0].message_en


def test_an_amount_with_satang_is_named_as_the_cell_shows_it(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path) -> None:
    """The cell shows 10,000.50 บาท (and the form's percent 65.00): the message said "10,000.5 บาท"
    and a total of "180,000.5 บาท", a figure the teacher finds nowhere on the sheet."""
    seed["reports"][5]["disbursed"] = 10000.5
    over = {f.code: f for f in _validate(progress_form, seed, tmp_path).findings}["over-budget-running"]
    # Within a budget of 200,000 the total is not over it, and differs from the budget used (alone: a
    # column the running total already found wrong is not judged again, tests/test_rules_blame.py).
    seed["project"]["budget_received"], seed["targets"]["networks"][1]["budget"] = 200000, 110000
    mismatch = {f.code: f for f in _validate(progress_form, seed, tmp_path).findings}["total-mismatch"]
    for text in (over.message_th, over.message_en, mismatch.message_th, mismatch.message_en):
        assert "180,000.50 " in text and "180,000.5 " not in text, text
    assert "10,000.50 บาท" in over.message_th and "10,000.50 baht" in over.message_en
    assert "180,000 บาท" in over.message_th  # a whole amount stays as the form writes it


@pytest.mark.parametrize(("value", "shown_as"), [
    (123456789.125, "123,456,789.13"), (1000.005, "1,000.01"), (2.675, "2.68"), (0.125, "0.13"),
    (170000.004, "170,000.00"), (1e-7, "0.00"), (180000.0, "180,000"), (10000.5, "10,000.50")])
def test_a_number_is_written_as_its_cell_shows_it(value: float, shown_as: str) -> None:
    """Whole or not is decided on the value (as the cell's format decides), and rounded half away
    from zero as Calc and Excel round what they show: 1,000.005 showed as 1,000 in the message and
    1,000.01 in the cell."""
    assert shown(value) == shown_as


def test_half_a_satang_over_the_budget_is_not_over_it(progress_form: Form, seed: dict[str, Any],
                                                      tmp_path: Path) -> None:
    """170,000.004 typed for report 7 made "a total of 180,000 บาท over the budget of 180,000 บาท" and
    blamed the right 10,000 of report 6; the cells show both to the satang, equal."""
    seed["reports"][6]["disbursed"] = 170000.004
    seed["project"]["budget_used"] = 180000.004
    codes = {f.code for f in _validate(progress_form, seed, tmp_path).findings}
    assert not codes & {"over-budget-running", "budget-over-received", "total-mismatch"}


def test_amounts_adding_up_to_infinity_are_still_reported(progress_form: Form, seed: dict[str, Any],
                                                          tmp_path: Path) -> None:
    """Two amounts near the float limit add up to inf: writing the total raised, and the school's file
    was "unreadable" instead of getting its findings."""
    seed["reports"][5]["disbursed"] = seed["reports"][6]["disbursed"] = 1.7e308
    codes = {f.code for f in _validate(progress_form, seed, tmp_path).findings}
    assert "above-maximum" in codes
    assert shown(float("inf")) == "inf"


def test_the_sequence_rule_handles_a_number_no_table_could_hold() -> None:
    """Defence in depth: the schema's maximum keeps 1e308 out of the rules' columns, but a form whose
    schema sets none must not make the sequence rule loop (it once counted up to the number)."""
    from sheetsync.check.rules import RuleContext, sequence

    ctx = RuleContext({"reports": [{"no": 1}, {"no": 1e308}, {"no": 3}]}, set(), lambda table, n: f"A{n}")
    hits = list(sequence({"table": "/reports", "field": "no"}, ctx))
    assert [(h.code, h.pointer) for h in hits] == [("report-number", "/reports/1/no"), ("report-number", "/reports/2/no")]


@pytest.mark.parametrize("cell, typed, total", [
    ("E42", "หนึ่งหมื่น", "total-mismatch"),    # report 6's amount, unreadable: the total is not known
    ("E42", "-5000", "total-mismatch"),         # against the schema (below zero): left out of the column
    ("D26", "แปดหมื่น", "sum-mismatch"),        # a network's budget, unreadable: the networks' sum is not known
])
def test_a_total_is_not_judged_without_one_of_its_amounts(progress_form: Form, seed: dict[str, Any],
                                                           tmp_path: Path, cell: str, typed: str, total: str) -> None:
    """One wrong value, one finding: a sum that leaves out the amount in error would blame the
    school's right total ("18,889 baht differs from 20,000") for a cell it cannot read."""
    path = tmp_path / "t.xlsx"
    write_template(progress_form, path)  # blank: a school types every cell, the networks' too
    wb = load_workbook(path)
    for ref, text in {**typed_entries(progress_form, seed), cell: typed}.items():
        wb[progress_form.sheet][ref] = text
    wb.save(path)
    report = validate(read_filled(path))
    assert [f.cell for f in report.findings if f.severity == "error"] == [cell], report.findings
    assert total not in report.codes()


def test_rows_skipped_together_are_one_finding_at_the_first(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    """A report typed six rows down (reports 3 to 8 empty) is one gap: on the first empty row's cell,
    its words naming every row skipped, not six findings of one row each."""
    last = dict(seed["reports"][6], no=9)
    seed["reports"] = seed["reports"][:2] + [last]
    report = _validate(progress_form, seed, tmp_path)
    gaps = [f for f in report.findings if f.code == "report-gap"]
    assert [(f.cell, f.path) for f in gaps] == [("B39", "/reports/2")], report.codes()
    th, en = gaps[0].message_th, gaps[0].message_en
    for words in (th, en):
        assert "3" in words and "8" in words and "B39" in words and "B44" in words, words
        assert "{" not in words
    assert th.index("B39") < th.index("B44")
