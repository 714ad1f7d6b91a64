"""Validation as a teacher meets it: values typed into an issued template, findings that say
what is really wrong, once, at the cell where it is wrong (reviewer's reports, issue by issue)."""

from __future__ import annotations

import copy
import datetime as dt
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Report
from sheetsync.check.validate import validate
from sheetsync.master import merge, read_master
from sheetsync.spec.form import Form
from sheetsync.spec.pointers import lookup
from sheetsync.template.write import write_template
from tests.conftest import FORMS_DIR


def _typed(form: Form, data: dict[str, Any], tmp_path: Path, typed: dict[str, Any], name: str = "typed") -> Path:
    """A template issued with ``data`` except the fields of ``typed``, which are then typed into
    their (empty, unlocked) cells as the teacher typed them."""
    issued = copy.deepcopy(data)
    for pointer in typed:
        *parents, last = pointer.strip("/").split("/")
        node = issued
        for part in parents:
            node = node[part]
        node.pop(last, None)
    path = tmp_path / f"{name}.xlsx"
    write_template(form, path, data=issued)
    wb = load_workbook(path)
    for pointer, raw in typed.items():
        field = form.field_at(pointer)
        assert field is not None, pointer
        wb[form.sheet][field.place.ref] = raw
    wb.save(path)
    return path


def _check(form: Form, data: dict[str, Any], tmp_path: Path, typed: dict[str, Any]) -> Report:
    return validate(read_filled(_typed(form, data, tmp_path, typed), form=form))


def _errors(report: Report) -> list[tuple[str, str]]:
    return [(f.code, f.cell) for f in report.errors]


# --- 1. one wrong value, one finding: rules that read a wrong value stay silent ------------------


def test_end_date_a_year_early_is_one_finding_not_nine(progress_form: Form, seed: dict[str, Any],
                                                      tmp_path: Path) -> None:
    """30/9/2562 typed for 30/9/2563: the end is before the start. The reports' dates and the fiscal
    year are right; a period that ends before it starts must not put them "outside" it."""
    report = _check(progress_form, seed, tmp_path, {"/project/end_date": "30/9/2562"})
    assert _errors(report) == [("end-before-start", "C7")]


def test_a_reference_field_with_a_schema_error_silences_the_rules_that_read_it(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """A negative budget received is wrong in itself; every amount compared with it is not."""
    report = _check(progress_form, seed, tmp_path, {"/project/budget_received": "-180000"})
    assert _errors(report) == [("below-minimum", "F6")]


def test_an_inverted_period_is_reported_once_even_without_a_compare_rule(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """A form that declares only the ``within`` rule still gets one finding, on the period's end."""
    rules = tuple(r for r in progress_form.rules if r.kind not in ("compare", "fiscal_year"))
    form = dataclasses.replace(progress_form, rules=rules)
    report = _check(form, seed, tmp_path, {"/project/end_date": "30/9/2562"})
    assert _errors(report) == [("end-before-start", "C7")]
    message = report.errors[0].message_th
    assert "30/9/2562" in message and "1/10/2562" in message and "{" not in message


def test_a_genuinely_independent_error_is_still_reported(progress_form: Form, seed: dict[str, Any],
                                                        tmp_path: Path) -> None:
    """Silencing is for rules reading the wrong value, not for the rest of the form."""
    seed["reports"][4]["progress_percent"] = 28.0  # report 5 goes down from 30 %
    report = _check(progress_form, seed, tmp_path, {"/project/end_date": "30/9/2562"})
    assert sorted(_errors(report)) == [("end-before-start", "C7"), ("progress-decreased", "D41")]


def test_a_report_value_against_the_schema_silences_the_rules_that_read_it(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """250 typed for report 3's 25 %: above 100 is the one mistake. Report 4's 30 % did not go
    down "from 250 %", and report 3 is not "complete" at 100 % with its total to match."""
    path = tmp_path / "typed.xlsx"
    write_template(progress_form, path, data=seed)
    wb = load_workbook(path)
    wb[progress_form.sheet]["D39"] = "250"
    wb.save(path)
    report = validate(read_filled(path, form=progress_form))
    assert _errors(report) == [("above-maximum", "D39")]


# --- 2. a code typed in Thai digits is the same code ---------------------------------------------


def test_project_code_in_thai_digits_is_accepted_and_stored_in_ascii(progress_form: Form, seed: dict[str, Any],
                                                                     tmp_path: Path) -> None:
    path = _typed(progress_form, seed, tmp_path, {"/project/code": "๕๐๓๖๐๐๐๐-๓๕๕๓"})
    filled = read_filled(path)
    report = validate(filled)
    assert report.valid, _errors(report)
    assert filled.data["project"]["code"] == "50360000-3553"
    # Free prose keeps the Thai digits of official text (FORM.md 1.6).
    assert lookup(filled.data, "/plan_alignment/goal") == seed["plan_alignment"]["goal"]
    assert "๓" in filled.data["plan_alignment"]["goal"]


def test_master_keeps_the_ascii_code(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = _typed(progress_form, seed, tmp_path, {"/project/code": "๕๐๓๖๐๐๐๐-๓๕๕๓"})
    master = tmp_path / "master.xlsx"
    result = merge([path], master)
    assert [o.result for o in result.outcomes] == ["merged"]
    records = list(read_master(master).records.values())
    assert [(r.key.project_code, r.data["project"]["code"]) for r in records] == [("50360000-3553",) * 2]


def test_a_code_in_thai_digits_that_is_still_wrong_shows_what_was_typed(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    report = _check(progress_form, seed, tmp_path, {"/project/code": "๕๐๓๖-๓๕๕๓"})
    assert _errors(report) == [("pattern", "C5")]
    assert "“๕๐๓๖-๓๕๕๓”" in report.errors[0].message_th and report.errors[0].value == "๕๐๓๖-๓๕๕๓"


def test_a_wrong_code_is_hinted_from_its_own_schema(progress_form: Form, seed: dict[str, Any], census_form: Form,
                                                   census_sample: dict[str, Any], tmp_path: Path) -> None:
    """What to type comes from the field's schema (description, examples), never from another form:
    the census's 6-digit school code was hinted as the progress report's "8 digits, dash, 4 digits"."""
    progress = _check(progress_form, seed, tmp_path, {"/project/code": "5036-3553"}).errors[0]
    assert "กรุณาพิมพ์ตัวเลข 8 หลัก ขีด และตัวเลข 4 หลัก" in progress.message_th
    assert "example: 50360000-3553" in progress.message_en
    census = _check(census_form, census_sample, tmp_path, {"/school/code": "12-34"}).errors
    assert [(f.code, f.cell) for f in census] == [("pattern", "B3")]
    assert "กรุณาพิมพ์ตัวเลข 6 หลัก" in census[0].message_th and "8 หลัก" not in census[0].message_th
    assert "example: 104201" in census[0].message_en and "8 digits" not in census[0].message_en



@pytest.mark.parametrize("typed", ["50360000 - 3553", "503600003553", "5036"])
def test_a_code_typed_with_spaces_is_one_pattern_finding_not_also_too_long(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, typed: str) -> None:
    """Found typing into Calc: "50360000 - 3553" in C5 got two errors on the one cell, the pattern's
    (which says what to type) and "longer than 13 characters, please shorten the text", which asks
    for something else; a value that breaks its pattern is told once, by the pattern's hint."""
    report = _check(progress_form, seed, tmp_path, {"/project/code": typed})
    assert _errors(report) == [("pattern", "C5")]


# --- 3. a day that does not exist ----------------------------------------------------------------


def test_impossible_date_says_the_month_has_no_such_day(progress_form: Form, seed: dict[str, Any],
                                                        tmp_path: Path) -> None:
    report = _check(progress_form, seed, tmp_path, {"/project/end_date": "31/2/2563"})
    assert _errors(report) == [("no-such-day", "C7")]
    finding = report.errors[0]
    assert "C7" in finding.message_th and "31/2/2563" in finding.message_th
    assert "กุมภาพันธ์" in finding.message_th and "29" in finding.message_th
    assert "วัน/เดือน/ปี" not in finding.message_th
    assert "February" in finding.message_en and "29" in finding.message_en and "C7" in finding.message_en
    assert "{" not in finding.message_th + finding.message_en


def test_leap_day_of_a_common_year_says_the_month_has_28_days(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    seed["reports"][4]["date"] = "2020-02-28"
    path = _typed(progress_form, seed, tmp_path, {"/project/start_date": "29/2/2562"})
    report = validate(read_filled(path))
    found = next(f for f in report.errors if f.cell == "C6")
    assert found.code == "no-such-day" and "28" in found.message_th and "2562" in found.message_th


# --- 4. a year is printed as a year, with a hint ---------------------------------------------------


def test_two_digit_fiscal_year_gets_a_plain_limit_and_a_hint(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path) -> None:
    report = _check(progress_form, seed, tmp_path, {"/project/fiscal_year": "63"})
    assert _errors(report) == [("below-minimum", "F5")]
    th, en = report.errors[0].message_th, report.errors[0].message_en
    assert "2500" in th and "2,500" not in th and "2500" in en and "2,500" not in en
    assert "พ.ศ. 4 หลัก" in th and "2563" in th
    assert "4-digit" in en and "2563" in en
    assert "{" not in th + en


def test_a_year_above_the_maximum_is_plain_too(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    report = _check(progress_form, seed, tmp_path, {"/project/fiscal_year": "12563"})
    finding = next(f for f in report.errors if f.cell == "F5")
    assert finding.code == "above-maximum"
    assert "12563" in finding.message_th and "2700" in finding.message_th and "," not in finding.message_th


def test_amount_limits_keep_their_thousands_separators(progress_form: Form, seed: dict[str, Any],
                                                       tmp_path: Path) -> None:
    report = _check(progress_form, seed, tmp_path, {"/project/budget_received": "20000000000"})
    finding = next(f for f in report.errors if f.cell == "F6")
    assert finding.code == "above-maximum"
    assert "10,000,000,000" in finding.message_th and "20,000,000,000" in finding.message_th
    assert "พ.ศ." not in finding.message_th  # no year hint on an amount


def test_no_year_hint_on_other_whole_numbers(census_form: Form, census_sample: dict[str, Any],
                                             tmp_path: Path) -> None:
    report = _check(census_form, census_sample, tmp_path, {"/school/total_students": "20000"})
    finding = next(f for f in report.errors if f.cell == "B4")
    assert finding.code == "above-maximum" and "10000" in finding.message_th
    assert "พ.ศ." not in finding.message_th and "{" not in finding.message_th + finding.message_en


def test_leap_day_stored_in_buddhist_era_is_shown_as_typed(progress_form: Form, seed: dict[str, Any],
                                                          tmp_path: Path) -> None:
    """A Thai-locale Calc stores a typed 29/2/2564 as a date of the year 2564, which 2021 does not have."""
    report = _check(progress_form, seed, tmp_path, {"/project/end_date": dt.date(2564, 2, 29)})
    found = next(f for f in report.errors if f.cell == "C7")
    assert found.code == "no-such-day" and "“29/2/2564”" in found.message_th and "28" in found.message_th


@pytest.mark.parametrize(("edit", "code", "count"), [("insert", "rows-inserted", 1), ("insert2", "rows-inserted", 2),
                                                     ("delete", "rows-deleted", 1)])
def test_a_row_inserted_or_deleted_is_one_finding_not_one_per_fixed_cell(progress_form: Form, seed: dict[str, Any],
                                                                        tmp_path: Path, edit: str, code: str,
                                                                        count: int) -> None:
    # With the sheet's protection lost, a teacher inserted a row to add a report: every fixed cell
    # below (report numbers, the certification) was reported as changed, 5 to 14 errors.
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    if edit == "delete":
        ws.delete_rows(41)
    else:
        ws.insert_rows(41, amount=count)
    wb.save(path)
    findings = validate(read_filled(path)).findings
    moved = [f for f in findings if f.code == code]
    assert [(f.cell, f.severity) for f in moved] == [("A41", "error")]
    assert f"{count} " in moved[0].message_en and "row 41" in moved[0].message_en
    assert not [f for f in findings if f.code in ("locked-cell-changed", "prefilled-cell-changed")]



@pytest.mark.parametrize(("row", "edit"), [(6, "insert"), (39, "insert"), (38, "delete")])
def test_a_row_moved_is_the_only_finding_from_that_row_down(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path, row: int, edit: str) -> None:
    """Found in Calc (the sheet unprotected, a row inserted at 6 or 39, or row 38 deleted): beside the
    one ``rows-inserted`` error the teacher got every cell below read one row off: "C6 is empty",
    "A25 is not a number (found 'เครือข่ายที่')", the column headers as reports, "A39 (report no.) is
    empty" for the inserted row itself: 2 to 12 errors for one row, most of them asking to type what
    was typed. The row is one problem, told once, with what to do (delete it)."""
    path = tmp_path / "moved.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    if edit == "delete":
        ws.delete_rows(row)
    else:
        ws.insert_rows(row)
        ws[f"C{row}"] = "แทรกแถว"
    wb.save(path)
    findings = validate(read_filled(path)).findings
    assert [(f.code, f.cell) for f in findings] == [(f"rows-{edit.rstrip('e')}ed", f"A{row}")]



@pytest.mark.parametrize("move", ["insert", "delete"])
def test_the_marked_up_copy_of_a_file_with_a_row_moved_holds_the_values_where_they_were_typed(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, move: str) -> None:
    """Found in Calc: the sheet unprotected, a row inserted at 6. The school is told to delete the
    inserted row, but its marked-up copy (a fresh template, no inserted row to delete) held every
    value a row off: the start date in the end date's cell, the label "เครือข่ายที่" in A25, the
    column headers as report 1. Fixing that copy meant typing the form again. Now each value is
    back in its own cell (a deleted row's values are gone: its cells are empty)."""
    from sheetsync.template.markup import write_marked_up

    path, marked = tmp_path / "moved.xlsx", tmp_path / "marked.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    if move == "insert":
        wb.worksheets[0].insert_rows(6)
    else:
        wb.worksheets[0].delete_rows(3)  # a heading row: no value of the school's is lost
    wb.save(path)
    filled = read_filled(path)
    assert {f.code for f in validate(filled).errors} & {"rows-inserted", "rows-deleted"}
    write_marked_up(filled, validate(filled), marked)
    ws = load_workbook(marked)[progress_form.sheet]
    assert (ws["A25"].value, ws["C7"].value) == (seed["targets"]["networks"][0]["number"], "30/9/2563")
    again = read_filled(marked)
    assert again.data == seed and validate(again).valid  # the copy is the school's form, whole again


def test_text_in_a_count_suggests_a_number_the_field_takes(lunch_form: Form, lunch_sample: dict[str, Any],
                                                           tmp_path: Path) -> None:
    """"สี่สิบห้า" typed for the pupils of a grade (0–2000) or the days of a month (0–31) was told to type
    digits only "เช่น 10000"; an amount still gets that example."""
    path = tmp_path / "lunch.xlsx"
    write_template(lunch_form, path, data=lunch_sample)
    wb = load_workbook(path)
    ws = wb[lunch_form.sheet]
    ws["B11"], ws["C11"], ws["D11"] = "สี่สิบห้า", "ยี่สิบ", "หนึ่งหมื่น"
    wb.save(path)
    found = {f.cell: f for f in validate(read_filled(path, forms_dirs=[FORMS_DIR])).findings}
    assert found["B11"].code == "not-a-number" and found["B11"].message_th.endswith("ตั้งแต่ 0 ถึง 2000")
    assert found["C11"].message_th.endswith("กรุณาพิมพ์เฉพาะตัวเลข ตั้งแต่ 0 ถึง 31")
    assert found["C11"].message_en.endswith("Please type digits only, from 0 to 31.")
    assert found["D11"].message_th.endswith("เช่น 10000") and "10000" not in found["B11"].message_th


def test_a_copy_of_the_form_sheet_filled_instead_of_it_is_named(progress_form: Form, seed: dict[str, Any],
                                                                tmp_path: Path) -> None:
    """Found in Calc: a teacher copies the form sheet (to keep a blank one) and fills the copy. Only the
    form's own sheet is read: the report told her its cells were empty, and never named the copy."""
    from sheetsync.template.markup import write_marked_up

    path = tmp_path / "copied.xlsx"
    # As the office issues it (record_open): what C37 was issued with is known, and the form's still holds it.
    write_template(progress_form, path, data=seed, recipient="s1", record_open=True)
    wb = load_workbook(path)
    copied = wb.copy_worksheet(wb[progress_form.sheet])
    copied.title = "แบบรายงาน (2)"
    copied["C37"] = "ทำตามแผน"
    wb.create_sheet("ว่าง")  # an empty sheet added: nothing to say
    wb.save(path)
    report = validate(read_filled(path))
    # The form's own sheet is whole, but what she typed into the copy would never reach the office (a
    # next month's template is whole with last month's values): an error on the copy's first cell unlike
    # the form's (tests/test_teacher_calc_menus.py has it from Calc).
    [said] = [f for f in report.findings if f.code == "form-copy-filled"]
    assert (said.sheet, said.cell, said.severity) == ("แบบรายงาน (2)", "C37", "error")
    assert said.message_th.startswith("แผ่นงาน “แบบรายงาน (2)” เป็นสำเนาของแบบรายงาน")
    assert f"“{progress_form.sheet}”" in said.message_th and not report.valid
    marked = tmp_path / "marked.xlsx"  # a marked-up copy sent back has its list of findings: not added by the school
    plain = tmp_path / "plain.xlsx"
    write_template(progress_form, plain, data=seed, recipient="s1")
    filled = read_filled(plain)
    write_marked_up(filled, validate(filled), marked)
    assert "sheet-not-read" not in validate(read_filled(marked)).codes()


@pytest.mark.parametrize("name, shown", [("แบบรายงาน\u200b", "แบบรายงาน[U+200B]"), ("แบบรายงาน ", "แบบรายงาน[U+0020]"),
                                         ("\u200eแบบรายงาน", "[U+200E]แบบรายงาน"), ("แบบรายงาน (2)", "แบบรายงาน (2)")])
def test_a_copy_named_as_the_form_reads_is_told_apart_from_it(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path, name: str, shown: str) -> None:
    """A copy renamed by pasting "แบบรายงาน" from the web (a zero-width space rides along) was told "the sheet
    “แบบรายงาน” is a copy of the sheet “แบบรายงาน” … delete the sheet “แบบรายงาน”": two tabs that look the same,
    and she could delete the form's own. What tells the copy's name apart is written as its code point."""
    path = tmp_path / "lookalike.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1", record_open=True)
    wb = load_workbook(path)
    copied = wb.copy_worksheet(wb[progress_form.sheet])
    copied.title, copied["C37"] = name, "ทำตามแผน"
    wb.save(path)
    [said] = validate(read_filled(path)).findings
    assert (said.code, said.sheet, said.cell) == ("form-copy-filled", shown, "C37")
    assert f"“{shown}”" in said.message_th and f"“{shown}”" in said.message_en


def test_a_copy_kept_of_last_month_beside_the_form_filled_is_no_error(progress_form: Form, seed: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    """The other way round: she keeps last month's report in a copy and types the new one into the form's
    own sheet, which is read whole. The copy holds nothing the form's sheet does not (only less, or an older
    value where the form's was updated): no report is lost, so it is the warning of any added sheet, not an
    error that would stop a whole, good file being merged."""
    path = tmp_path / "kept.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1", record_open=True)
    wb = load_workbook(path)
    copied = wb.copy_worksheet(wb[progress_form.sheet])
    copied.title = "แบบรายงาน (2)"
    wb[progress_form.sheet]["C37"] = "ทำตามแผน"  # brought up to date where it is read
    wb[progress_form.sheet]["B44"] = "30/5/2563"  # the new month typed where it is read
    wb.save(path)
    report = validate(read_filled(path))
    assert "form-copy-filled" not in report.codes()
    assert [f.sheet for f in report.findings if f.code == "sheet-not-read"] == ["แบบรายงาน (2)"]


def test_the_added_sheets_looked_into_are_opened_together(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Each added sheet looked into for a copy of the form was opened alone, each a pass over the whole file:
    a 1 MB .ods with five added sheets of data took 1 s to read, three times what it took without."""
    import sheetsync.check.opener as opener

    path = tmp_path / "added.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1", record_open=True)
    wb = load_workbook(path)
    for n in range(3):
        copied = wb.copy_worksheet(wb[progress_form.sheet])
        copied.title = f"สำเนา {n}"
        copied["B44"] = "30/5/2563"
        copied.cell(row=200, column=40, value="far beyond the form's area")
    wb.save(path)
    built = []
    real = opener.calamine
    monkeypatch.setattr(opener, "calamine", lambda data: built.append(1) or real(data))
    filled = read_filled(path)
    assert sorted(filled.copies) == ["สำเนา 0", "สำเนา 1", "สำเนา 2"]
    assert len(built) <= 2, built  # the form (and hidden) sheet, and the added ones together: not one per sheet
