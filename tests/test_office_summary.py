"""The office's computed sheets: cumulative rows, statuses for the office's period, charts per key."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.master import Key, Recency, Record
from sheetsync.master.workbook import CHART_ROWS
from sheetsync.office.store import OutcomeRow
from sheetsync.office.charts import chart_sheet
from sheetsync.office.cumulative import cumulative_sheet
from sheetsync.office.summary import (COMPLETE, CORRECTED, CUMULATIVE, LATE, MUST_FIX, NOTHING, UNREADABLE, UP_TO_DATE, Digest,
                                      Line, expected_since, status_of)
from sheetsync.office.summary_sheet import summary_sheet
from sheetsync.office.spec import master_spec
from sheetsync.roster import Recipient
from tests.test_master_support import CODES, seed_data


def record(data: dict[str, Any], recipient: str = "s1", form_id: str = "progress-report", key: str = "") -> Record:
    k = Key(form_id, key or data["project"]["code"], recipient)
    return Record(k, "1.0.0", "t", Recency("2020-01-01T00:00:00+00:00", ""), "f.xlsx", "sha", "now", data)


def outcome(n: int, recipient: str, result: str, key: str = CODES[0], changes: tuple[str, ...] = ()) -> OutcomeRow:
    return OutcomeRow(n, f"sha{n}", f"f{n}.xlsx", f"2020-03-0{n}T00:00:00", result, "", "", "progress-report",
                      "1.0.0", "t", recipient, key, None, changes, 0)


def test_cumulative_rows_of_the_seed(progress_form: Form) -> None:
    data = seed_data()
    data["reports"].reverse()  # rows are ordered by their number, whatever the list order
    data["reports"][5]["on_plan"] = False  # report 2
    data["reports"][0]["disbursed"] = 200_000  # report 7
    sheet = cumulative_sheet(lambda: [record(data)], {progress_form.id: progress_form})
    assert sheet is not None
    rows = list(sheet.rows)
    assert [r[2] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [r[6] for r in rows] == [0, 0, 0, 0, 0, 10_000, 210_000]
    assert rows[0][3] == dt.date(2019, 10, 31) and rows[-1][4] == 100
    assert rows[1][8] == "ไม่เป็นไปตามแผน" and "เกินงบประมาณ" in rows[6][8] and rows[0][8] is None


@pytest.mark.parametrize("period, progress, expected", [
    ("2020-01", 30.0, UP_TO_DATE), ("2020-02", 30.0, UP_TO_DATE), ("2020-03", 30.0, LATE),
    ("2021-05", 100.0, COMPLETE)])
def test_status_is_for_the_offices_period_not_today(progress_form: Form, period: str, progress: float,
                                                    expected: str) -> None:
    data = seed_data()
    data["reports"] = [{"no": 1, "date": "2020-01-31", "progress_percent": progress}]
    spec = master_spec(progress_form)
    since = expected_since(period)
    digest = Digest.of(record(data), spec)
    assert status_of(Line("s1", CODES[0], digest, None), spec, since) == expected
    assert status_of(Line("s1", CODES[0], None, None), spec, since) == NOTHING
    assert status_of(Line("s1", CODES[0], digest, outcome(1, "s1", "refused")), spec, since) == MUST_FIX
    assert status_of(Line("s1", CODES[0], None, outcome(1, "s1", "quarantined")), spec, since) == UNREADABLE


def test_summary_lists_every_roster_recipient_with_its_status(progress_form: Form) -> None:
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@x.example", extra={"network": "73"}),
              Recipient("s2", "โรงเรียนวัดยายร่ม", "b@x.example", CODES[0]),
              Recipient("s3", "โรงเรียนวัดสี่สุก", "c@x.example", CODES[0]),
              Recipient("s4", "โรงเรียนวัดแสมดำ", "d@x.example", CODES[0])]
    outcomes = [outcome(1, "s1", "merged"), outcome(2, "s1", "replaced", changes=("/reports/2/disbursed",)),
                outcome(3, "s3", "refused"), outcome(4, "s4", "quarantined", key="")]
    digests = [Digest.of(record(seed_data()), master_spec(progress_form))]
    # March: the month s1's finished project was corrected (a finished key's flag holds for that period alone)
    sheet = summary_sheet(digests, {progress_form.id: progress_form}, roster, outcomes, "2020-03")
    rows = list(sheet.rows)
    assert sheet.row_count == len(rows) == 4
    assert [(r[0], r[1], r[13]) for r in rows] == [("s1", "โรงเรียนวัดไทร", COMPLETE), ("s2", "โรงเรียนวัดยายร่ม", NOTHING),
                                                   ("s3", "โรงเรียนวัดสี่สุก", MUST_FIX),
                                                   ("s4", "โรงเรียนวัดแสมดำ", UNREADABLE)]
    assert rows[0][2] == "73" and rows[0][12] == CORRECTED  # an earlier report was corrected
    assert rows[1][4] == seed_data()["project"]["name"]  # named by what others reported for the key


def test_a_roster_without_networks_prints_no_empty_network_column(progress_form: Form) -> None:
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@x.example", CODES[0])]
    digests = [Digest.of(record(seed_data()), master_spec(progress_form))]
    plain = summary_sheet(digests, {progress_form.id: progress_form}, roster, [], "2020-05")
    assert "เครือข่าย" not in [c.header for c in plain.columns]
    (row,) = list(plain.rows)
    assert len(row) == len(plain.columns) and row[:2] == ["s1", "โรงเรียนวัดไทร"]
    networked = [Recipient("s1", "โรงเรียนวัดไทร", "a@x.example", CODES[0], extra={"เครือข่าย": "73"})]
    sheet = summary_sheet(digests, {progress_form.id: progress_form}, networked, [], "2020-05")
    line = dict(zip([c.header for c in sheet.columns], next(iter(sheet.rows))))
    assert line["เครือข่าย"] == "73"


def test_one_chart_per_project_over_every_school(progress_form: Form) -> None:
    other = seed_data()
    other["project"]["code"] = CODES[1]
    other["reports"] = other["reports"][:3]
    late = seed_data()
    late["reports"] = late["reports"][:2]
    sheet = chart_sheet([record(seed_data()), record(late, "s3"), record(other, "s2")],
                        {progress_form.id: progress_form})
    assert sheet is not None and sheet.chart is not None
    # Each block as tall as its chart (CHART_ROWS): blank rows below the first project's seven.
    assert [(b.title, b.first, b.last) for b in sheet.chart.blocks] == [(CODES[0], 0, 6),
                                                                       (CODES[1], CHART_ROWS, CHART_ROWS + 2)]
    rows = list(sheet.rows)
    assert rows[0][:6] == [CODES[0], 1, 2, 10.0, 10.0, 10.0]  # two schools reported round 1
    assert rows[2][:3] == [CODES[0], 3, 1]


def test_the_census_form_has_its_own_declaration(census_form: Form) -> None:
    spec = master_spec(census_form)
    assert spec.key == ("/school/code",) and spec.table == "/classes" and spec.progress is None
    data = {"school": {"name": "โรงเรียนวัดไทร", "code": "103201", "total_students": 95}, "classes": []}
    digests = [Digest.of(record(data, "s1", "school-census", "103201"), spec)]
    sheet = summary_sheet(digests, {census_form.id: census_form}, [Recipient("s1", "โรงเรียนวัดไทร", "a@x.example")],
                          [], None)
    (row,) = list(sheet.rows)
    line = dict(zip([c.header for c in sheet.columns], row))  # only the columns the census declares
    assert line["รหัสโรงเรียน"] == "103201" and line["ชื่อโรงเรียน"] == "โรงเรียนวัดไทร" and line["สถานะ"] == UP_TO_DATE
    # A table with nothing to add up: no cumulative view and no chart (its rows are on the data sheets).
    assert cumulative_sheet(lambda: [], {census_form.id: census_form}) is None
    assert chart_sheet([], {census_form.id: census_form}) is None


def test_many_projects_each_chart_points_at_its_own_rows(progress_form: Form, tmp_path: Any) -> None:
    import openpyxl

    from sheetsync.master.workbook import write_workbook

    records = []
    for n in range(40):
        data = seed_data()
        data["project"]["code"] = f"{50360000 + n:08d}-{n:04d}"
        records.append(record(data, f"s{n}"))
    sheet = chart_sheet(records, {progress_form.id: progress_form})
    assert sheet is not None
    sheet.banner = "สร้างโดย sheetsync (generated)"
    write_workbook([sheet], tmp_path / "charts.xlsx")
    charts = openpyxl.load_workbook(tmp_path / "charts.xlsx")["กราฟรายโครงการ"]._charts
    assert len(charts) == 40
    # The last chart draws the last project's 7 rows: below the generated-at line, the header and 39
    # blocks each as tall as a chart.
    ref = charts[-1].series[0].val.numRef.f
    assert ref.endswith(f"$D${3 + 39 * CHART_ROWS}:$D${2 + 39 * CHART_ROWS + 7}"), ref


def test_a_budget_whose_title_names_baht_says_it_once(census_form: Form, tmp_path: Any) -> None:
    import json

    import yaml

    from sheetsync.spec.form import load_form

    layout = yaml.safe_load(census_form.source.read_text(encoding="utf-8"))
    layout["master"] |= {"budget": "/school/total_students", "amount": "students"}
    (tmp_path / "school-census.yaml").write_text(yaml.safe_dump(layout, allow_unicode=True), encoding="utf-8")
    schema = json.loads((census_form.source.parent / "school-census.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["school"]["properties"]["total_students"]["title"] = "เงินที่ได้รับจัดสรร (บาท)"
    (tmp_path / "school-census.schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    form = load_form(tmp_path / "school-census.yaml")
    sheet = summary_sheet([], {form.id: form}, [], [], None)
    headers = [c.header for c in sheet.columns]
    # Pupils are no money (a whole number): no "(บาท)" after them; the budget's title keeps its own once.
    assert headers[headers.index("จำนวนนักเรียน สะสม") + 1] == "เงินที่ได้รับจัดสรร (บาท)"


def test_totals_are_the_sums_of_the_amounts_as_typed(progress_form: Form) -> None:
    """Amounts with satang add up as the school's figures do: 0.10 + 0.20 is 0.30 in the sheets'
    cells (a reader's =SUM, a copy into another system), not 0.30000000000000004."""
    data = seed_data()
    amounts = [0.1, 0.2, 1234.56, 0.07, 10.01, 0.3, 0.2]
    for row, amount in zip(data["reports"], amounts):
        row["disbursed"] = amount
    forms = {progress_form.id: progress_form}
    rows = list(cumulative_sheet(lambda: [record(data)], forms).rows)  # type: ignore[union-attr]
    assert [r[6] for r in rows] == [0.1, 0.3, 1234.86, 1234.93, 1244.94, 1245.24, 1245.44]
    assert Digest.of(record(data), master_spec(progress_form)).total == 1245.44
    chart = chart_sheet([record(data), record(data, recipient="s2")], forms)
    assert chart is not None and [r[6] for r in chart.rows][:2] == [0.2, 0.6]


def test_a_budget_spent_to_the_satang_is_not_over_budget(progress_form: Form) -> None:
    """10,000.10 + 20,000.20 + 15,000.30 + 14,999.40 is the 60,000 received, not 60,000.00000000001
    and "เกินงบประมาณ" (over budget) on the last row."""
    data = seed_data()
    data["project"]["budget_received"] = 60_000
    data["reports"] = data["reports"][:4]
    for row, amount in zip(data["reports"], [10_000.1, 20_000.2, 15_000.3, 14_999.4]):
        row["disbursed"] = amount
    rows = list(cumulative_sheet(lambda: [record(data)], {progress_form.id: progress_form}).rows)  # type: ignore[union-attr]
    assert rows[-1][6:] == [60_000, 100.0, None]


def _headers(sheet: Any) -> list[str]:
    return [c.header for c in sheet.columns]


def test_a_form_without_reports_shows_none_of_the_report_columns(lunch_form: Form, census_form: Form,
                                                                 lunch_sample: dict[str, Any]) -> None:
    """Issue 11: the summary showed รายงานล่าสุด (ครั้งที่), วันที่รายงานล่าสุด and ความก้าวหน้า (%), empty,
    for forms declaring no number, date or progress; only what some form declares is a column now."""
    forms = {lunch_form.id: lunch_form, census_form.id: census_form}
    key = "10360001 · 2567 · พฤศจิกายน"  # the lunch report's key holds its period (master: period)
    digests = [Digest.of(record(lunch_sample, "s1", "school-lunch", key), master_spec(lunch_form))]
    sheet = summary_sheet(digests, forms, [Recipient("s1", "โรงเรียนวัดไทร", "a@x.example")], [], None)
    # the census first, by id; no network column: this roster has none
    assert _headers(sheet) == ["ผู้รายงาน", "ชื่อผู้รายงาน", "รหัสโรงเรียน",
                               "ปีงบประมาณ พ.ศ. · เดือน", "ชื่อโรงเรียน", "จำนวนเงิน (บาท)",
                               "เงินที่ได้รับจัดสรร (บาท)", "% ของงบประมาณ", "การแก้ไข", "สถานะ", "ไฟล์ล่าสุด"]
    (row,) = list(sheet.rows)
    line = dict(zip(_headers(sheet), row))
    assert line["จำนวนเงิน (บาท)"] == 61_600 and line["% ของงบประมาณ"] == 61.6 and line["สถานะ"] == UP_TO_DATE
    assert line["รหัสโรงเรียน"] == "10360001" and line["ปีงบประมาณ พ.ศ. · เดือน"] == "2567 · พฤศจิกายน"
    assert [h.column for h in sheet.highlights] == [9, 9, 9, 9, 8]  # the status, then the corrections


def test_an_amount_only_table_has_a_running_total_sheet_of_its_own_columns(lunch_by_school: Form,
                                                                           lunch_sample: dict[str, Any]) -> None:
    """Issue 11: the cumulative sheet was ความก้าวหน้าสะสม with empty ครั้งที่, วันที่ and progress columns.
    (A form with a period has a row per period instead: tests/test_office_monthly.py.)"""
    lunch_sample["budget"]["allocated"] = 50_000
    sheet = cumulative_sheet(lambda: [record(lunch_sample, "s1", "school-lunch", "10360001")],
                             {lunch_by_school.id: lunch_by_school})
    assert sheet is not None and sheet.name == "ยอดสะสม" != CUMULATIVE
    assert _headers(sheet) == ["ผู้รายงาน", "รหัส", "จำนวนเงิน (บาท)", "จำนวนเงิน สะสม (บาท)", "% ของงบประมาณ",
                               "ข้อสังเกต"]
    rows = list(sheet.rows)
    assert [r[3] for r in rows] == [22_000, 41_800, 61_600] and rows[-1][5] == "เกินงบประมาณ"
    assert sheet.freeze_columns == 2 and [h.column for h in sheet.highlights] == [5]


def test_report_columns_are_headed_by_the_forms_own_titles(tmp_path: Any, lunch_by_school: Form) -> None:
    """Issue 11: the progress heading was always "ความก้าวหน้า (%)", whatever the form called it; without
    ``headings:`` in its layout a form's columns carry its schema's titles, and the layout may name the sheet."""
    import shutil

    text = lunch_by_school.source.read_text(encoding="utf-8").replace(
        "  amount: amount\n", "  amount: amount\n  number: days\n  progress: pupils\n").replace(
        "sheets: {data: โรงเรียน, table: รายชั้น}", "sheets: {data: โรงเรียน, table: รายชั้น, cumulative: เงินรายชั้น}")
    (tmp_path / "school-lunch.yaml").write_text(text, encoding="utf-8")
    shutil.copy(lunch_by_school.source.parent / "school-lunch.schema.json", tmp_path)
    from sheetsync.spec.form import load_form

    form = load_form(tmp_path / "school-lunch.yaml")
    summary = summary_sheet([], {form.id: form}, [], [], None)
    assert "จำนวนวัน (ล่าสุด)" in _headers(summary) and "จำนวนนักเรียน (คน)" in _headers(summary)
    assert "วันที่รายงานล่าสุด" not in _headers(summary) and "ความก้าวหน้า (%)" not in _headers(summary)
    cumulative = cumulative_sheet(lambda: [], {form.id: form})
    assert cumulative is not None and cumulative.name == "เงินรายชั้น"
    assert _headers(cumulative)[2:5] == ["จำนวนวัน", "จำนวนนักเรียน (คน)", "จำนวนเงิน (บาท)"]


def test_the_progress_report_keeps_its_headings(progress_form: Form) -> None:
    networked = [Recipient("s1", "โรงเรียนวัดไทร", "a@x.example", extra={"network": "73"})]
    summary = summary_sheet([], {progress_form.id: progress_form}, networked, [], None)
    assert _headers(summary)[2] == "เครือข่าย"
    assert _headers(summary)[5:8] == ["รายงานล่าสุด (ครั้งที่)", "วันที่รายงานล่าสุด", "ความก้าวหน้า (%)"]
    assert len(_headers(summary)) == 15
    cumulative = cumulative_sheet(lambda: [], {progress_form.id: progress_form})
    assert cumulative is not None and cumulative.name == CUMULATIVE == "ความก้าวหน้าสะสม"
    assert _headers(cumulative)[2:5] == ["ครั้งที่", "วันที่", "ความก้าวหน้า (%)"]


def test_next_month_of_a_form_filled_anew_is_not_a_correction(lunch_by_school: Form, lunch_form: Form,
                                                              progress_form: Form) -> None:
    """A lunch school's December file replaces November's and changes every grade row: it was flagged
    "แก้ไขรายงานก่อนหน้า" for every school. For a form filled anew each period (next_period: identity)
    only a replacement on the same template corrects; the progress report keeps its rule. A form
    declaring its period keys each month apart: a replacement is of the same month, a correction."""
    from dataclasses import replace

    from sheetsync.office.corrected import corrected_keys

    def _corrected(outcomes: list[OutcomeRow], specs: dict[str, Any]) -> set[tuple[str, str]]:
        return set(corrected_keys(outcomes, specs))

    def lunch(n: int, result: str, template: str) -> OutcomeRow:
        return replace(outcome(n, "s1", result, key="1010720001", changes=("/grades/0/amount",)),
                       form_id=lunch_form.id, template_id=template)

    specs = {lunch_by_school.id: master_spec(lunch_by_school), progress_form.id: master_spec(progress_form)}
    assert master_spec(lunch_by_school).next_period == "identity"
    assert _corrected([lunch(1, "merged", "nov"), lunch(2, "replaced", "dec")], specs) == set()
    assert _corrected([lunch(1, "merged", "nov"), lunch(2, "replaced", "dec"), lunch(3, "replaced", "dec")],
                      specs) == {("s1", "1010720001")}
    # November corrected, then December sent: the flag speaks of the period shown, December's.
    assert _corrected([lunch(1, "merged", "nov"), lunch(2, "replaced", "nov"), lunch(3, "replaced", "dec")],
                      specs) == set()
    progress = [outcome(1, "s1", "merged"), replace(outcome(2, "s1", "replaced", changes=("/reports/2/disbursed",)),
                                                    template_id="next")]
    assert _corrected(progress, specs) == {("s1", CODES[0])}
    periodic = {lunch_form.id: master_spec(lunch_form)}
    october = "1010720001 · 2567 · ตุลาคม"
    fixed = [replace(lunch(1, "merged", "oct"), key=october), replace(lunch(2, "replaced", "nov"), key=october)]
    assert _corrected(fixed, periodic) == {("s1", october)}


def test_the_total_line_adds_only_the_main_forms_amounts(progress_form: Form, lunch_by_school: Form,
                                                          lunch_sample: dict[str, Any]) -> None:
    """A progress report's cumulative disbursement and a school's monthly lunch spending were added
    into one "รวมทั้งหมด"; amounts are added for the form the columns are headed by, and not at all
    for a form filled anew each period (its lines may be of different months)."""
    from sheetsync.office.total import total_row

    progress = Digest.of(record(seed_data()), master_spec(progress_form))
    lunch_form = lunch_by_school  # keyed by the school alone (a form with a period: tests/test_office_monthly.py)
    lunch = Digest.of(record(lunch_sample, "s2", lunch_form.id, key="1010720001"), master_spec(lunch_form))
    forms = {progress_form.id: progress_form, lunch_form.id: lunch_form}
    sheet = summary_sheet([progress, lunch], forms, [], [], None)
    headers = [c.header for c in sheet.columns]
    blank, total = sheet.footer
    assert set(blank) == {None}
    line = dict(zip(headers, total))
    assert line["ผู้รายงาน"] == "รวมทั้งหมด" and line["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 2 จาก 2 รายการ"
    assert line["งบประมาณที่เบิกใช้ สะสม (บาท)"] == progress.total and line["% ของงบประมาณ"] == 100.0
    alone = summary_sheet([lunch], {lunch_form.id: lunch_form}, [], [], None)
    assert [v for v in alone.footer[1] if v not in (None, "")] == ["รวมทั้งหมด", "ส่งรายงานแล้ว 1 จาก 1 รายการ"]
    assert total_row([], ["recipient", "school", "total"], None) == ["รวมทั้งหมด", "ส่งรายงานแล้ว 0 จาก 0 รายการ", None]


def test_half_a_satang_over_the_budget_is_not_noted_over_it(progress_form: Form) -> None:
    """The rules take 180,000.004 against 180,000 as equal (the cells show both to the satang); the
    cumulative sheet noted that row "เกินงบประมาณ", contradicting the school's clean report."""
    data = seed_data()
    data["reports"][6]["disbursed"] = 170000.004
    rows = list(cumulative_sheet(lambda: [record(data)], {progress_form.id: progress_form}).rows)  # type: ignore[union-attr]
    assert rows[-1][-1] is None
