"""Next period's templates from the master, and the full loop back into it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.spec.form import Form
from sheetsync.master import MasterError, merge, read_master, templates_from_master
from sheetsync.check.reader import read_filled
from sheetsync.roster import RosterError
from sheetsync.spec.registry import find_form
from sheetsync.check.validate import validate
from tests.cli import run
from tests.test_master_support import CODES, at, seed_data, submit, variant, unsigned

REPORT_ROW = 37  # the first report row of the progress report's layout
FORMS = Path(__file__).parent / "data" / "forms"
LUNCH_ROSTER = ("recipient_id,school_name,email,project_code\n"
                "s1,โรงเรียนวัดไทร,s1@example.invalid,10360001\n"
                "s9,โรงเรียนวัดไทร (สาขา),s9@example.invalid,10360001\n"
                "s10,โรงเรียนใหม่,s10@example.invalid,10360099\n")


@pytest.fixture
def master(progress_form: Form, tmp_path: Path) -> Path:
    """A master holding two projects of s1 (5 and 6 reports) and one of s2, none complete yet (a
    complete one gets no next template)."""
    path = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, variant(seed_data(), reports=5), "s1", issued=at(30)),
           submit(progress_form, tmp_path, variant(seed_data(), code=CODES[1], reports=6), "s1", issued=at(30)),
           submit(progress_form, tmp_path, variant(seed_data(), code=CODES[1], reports=6), "s2", issued=at(30))], path)
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_templates_read_back_equal_to_the_master(fmt: str, master: Path, tmp_path: Path) -> None:
    out = tmp_path / "next"
    paths = templates_from_master(master, out, project=CODES[0], fmt=fmt)
    assert [p.name for p in paths] == [f"{CODES[0]}_s1.{fmt}"]
    filled = read_filled(paths[0])
    (record,) = [r for r in read_master(master).records.values() if r.key.project_code == CODES[0]]
    assert filled.data == unsigned(record.data)  # the signature line is left to sign anew
    assert filled.metadata["recipient"] == "s1"
    assert validate(filled).valid


def test_earlier_reports_locked_next_row_open(master: Path, tmp_path: Path) -> None:
    (path,) = templates_from_master(master, tmp_path / "next", project=CODES[0])
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws.protection.sheet
    for row in range(REPORT_ROW, REPORT_ROW + 5):
        assert ws[f"B{row}"].protection.locked and ws[f"D{row}"].protection.locked
    assert not ws[f"B{REPORT_ROW + 5}"].protection.locked and ws[f"B{REPORT_ROW + 5}"].value is None
    assert not ws[f"D{REPORT_ROW + 5}"].protection.locked


def test_what_a_school_keeps_up_to_date_stays_open_in_next_months_template(master: Path, tmp_path: Path) -> None:
    # The budget used grows all year; locked at last month's value, the total check could never pass.
    (path,) = templates_from_master(master, tmp_path / "next", project=CODES[0])
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws["C5"].protection.locked and ws["F6"].protection.locked  # the project's identity and budget stay put
    for ref in ("F7", "C10", "F10"):  # budget used, responsible person, coordinator
        assert ws[ref].value not in (None, "") and not ws[ref].protection.locked, ref
    ws["F7"] = 1234
    ws["C10"] = "นางสาวใหม่ ใจดี"
    wb.save(path)
    filled = read_filled(path)
    assert filled.data["project"]["budget_used"] == 1234 and filled.data["unit"]["responsible_person"] == "นางสาวใหม่ ใจดี"
    assert "locked-cell-changed" not in {f.code for f in validate(filled).findings}


def test_a_layout_listing_no_field_as_open_is_refused_naming_the_entry(tmp_path: Path) -> None:
    from sheetsync.errors import FormError
    from sheetsync.spec.form import load_form
    from sheetsync.spec.registry import bundled_dir

    layout = (bundled_dir() / "progress-report.yaml").read_text(encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "progress-report.schema.json").write_text(
        (bundled_dir().parent / "schemas" / "progress-report.schema.json").read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "templates" / "progress-report.yaml"
    broken.write_text(layout.replace("open_prefilled: [/project/budget_used,", "open_prefilled: [/project/budget,"),
                      encoding="utf-8")
    with pytest.raises(FormError, match=r"open_prefilled\[0\]: '/project/budget' is not a field of the form"):
        load_form(broken)


def test_filters_by_recipient_and_project(master: Path, tmp_path: Path) -> None:
    assert len(templates_from_master(master, tmp_path / "all")) == 3
    names = [p.name for p in templates_from_master(master, tmp_path / "s1", recipient="s1")]
    assert names == [f"{CODES[0]}_s1.xlsx", f"{CODES[1]}_s1.xlsx"]
    with pytest.raises(MasterError, match="no submission in the master for project 9"):
        templates_from_master(master, tmp_path / "none", project="9")


def test_roster_issues_to_known_and_new_recipients(master: Path, tmp_path: Path) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\n"
                      f"s2,โรงเรียนวัดไทร,s2@example.invalid,{CODES[1]}\n"
                      f"s9,โรงเรียนวัดยายร่ม,s9@example.invalid,{CODES[1]}\n"
                      f"s10,โรงเรียนใหม่,s10@example.invalid,{CODES[3]}\n", encoding="utf-8-sig")
    paths = templates_from_master(master, tmp_path / "out", roster=roster)
    data = {p.name: read_filled(p) for p in paths}
    # Named as the roster's first templates are: a school's file keeps its name month after month.
    assert sorted(data) == ["s10 โรงเรียนใหม่.xlsx", "s2 โรงเรียนวัดไทร.xlsx", "s9 โรงเรียนวัดยายร่ม.xlsx"]
    assert len(data["s2 โรงเรียนวัดไทร.xlsx"].data["reports"]) == 6
    new = data["s9 โรงเรียนวัดยายร่ม.xlsx"]
    assert new.metadata["recipient"] == "s9" and "reports" not in new.data
    assert new.data["project"]["name"] == seed_data()["project"]["name"]
    assert "budget_received" not in new.data["project"]  # the project's identity, not another school's money
    assert data["s10 โรงเรียนใหม่.xlsx"].data == {"project": {"code": CODES[3]}}
    # --recipient narrows a roster too (it was ignored: with --email every school would have been mailed).
    only = templates_from_master(master, tmp_path / "one", roster=roster, recipient="s9")
    assert [p.name for p in only] == ["s9 โรงเรียนวัดยายร่ม.xlsx"]


def test_the_school_fills_the_next_row_and_it_merges_back(master: Path, tmp_path: Path) -> None:
    (path,) = templates_from_master(master, tmp_path / "next", project=CODES[0],
                                    issued=dt.datetime(2020, 3, 1, tzinfo=dt.timezone.utc))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = REPORT_ROW + 5  # report 6, the open row
    ws[f"B{row}"] = dt.datetime(2020, 3, 31)
    ws[f"C{row}"] = "ดำเนินการเสร็จสิ้นแล้ว อยู่ระหว่างเบิกจ่าย"
    ws[f"D{row}"] = "70"
    ws[f"E{row}"] = 0
    ws[f"F{row}"] = "เป็นไปตามแผน"
    ws[f"G{row}"] = "เป็นไปตามเป้าหมาย"
    assert ws["C50"].value is None and not ws["C50"].protection.locked  # the signature line is open
    ws["C50"] = seed_data()["certification"]["signer"]  # the same teacher signs again
    wb.save(path)
    result = merge([path], master)
    (outcome,) = result.outcomes
    assert (outcome.result, outcome.changes) == ("replaced", ("/reports/5",))
    (record,) = [r for r in read_master(master).records.values() if r.key.project_code == CODES[0]]
    assert record.data["reports"][5]["progress_percent"] == 70


def test_an_unusable_roster_is_refused_before_anything_is_written(master: Path, tmp_path: Path) -> None:
    roster = tmp_path / "bad.csv"
    roster.write_text("school,email\nx,y@example.invalid\n", encoding="utf-8")
    with pytest.raises(RosterError, match="recipient_id"):
        templates_from_master(master, tmp_path / "out", roster=roster)
    with pytest.raises(RosterError, match="recipient_id"):
        merge([], master, roster=roster)
    assert not (tmp_path / "out").exists()


def test_mailing_next_months_templates_needs_a_roster_before_anything_is_written(master: Path, tmp_path: Path) -> None:
    env = {"SHEETSYNC_MAIL_FROM": "office@bma.example", "SHEETSYNC_MAIL_OUTBOX": str(tmp_path / "outbox")}
    done = run("template", "--from-master", master, "-o", tmp_path / "next", "--email", env=env, cwd=tmp_path)
    assert done.returncode == 2 and "has no roster to take the addresses from: give --roster" in done.stderr
    assert done.stderr.startswith(f"sheetsync: {master.name} ไม่มีรายชื่อโรงเรียนให้ใช้อีเมล กรุณาระบุไฟล์รายชื่อด้วย --roster / ")
    assert not (tmp_path / "next").exists()


@pytest.fixture
def lunch_master(lunch_form: Form, lunch_sample: dict[str, Any], tmp_path: Path) -> Path:
    """A master holding one lunch report (school 10360001, from s1)."""
    path = tmp_path / "lunch.xlsx"
    merge([submit(lunch_form, tmp_path, lunch_sample, "s1", name="lunch_s1.xlsx")], path, forms_dirs=[FORMS])
    return path


def roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "schools.csv"
    path.write_text(LUNCH_ROSTER, encoding="utf-8")
    return path


def test_a_new_school_of_another_form_gets_that_form_and_its_identity(lunch_master: Path,
                                                                       tmp_path: Path) -> None:
    """Issue 10: a school new to a key got a progress report prefilled with /project fields; it gets the
    form others report the key on, prefilled with that form's key and title (its default identity)."""
    paths = templates_from_master(lunch_master, tmp_path / "out", roster=roster_file(tmp_path), forms_dirs=[FORMS])
    filled = {read_filled(p, forms_dirs=[FORMS]).metadata["recipient"]: read_filled(p, forms_dirs=[FORMS])
              for p in paths}
    assert sorted(filled) == ["s1", "s10", "s9"] and all(p.name.startswith(f"{p.name.split()[0]} โรงเรียน")
                                                         for p in paths)
    assert {f.form.id for f in filled.values()} == {"school-lunch"}
    identity = {"school": {"smis": "10360001", "name": "โรงเรียนวัดไทร", "district": "เขตจอมทอง"},
                "budget": {"rate": 22, "method": "จัดทำเอง"},
                "certification": {"position": "ผู้อำนวยการโรงเรียนวัดไทร"}}
    assert filled["s9"].data == identity  # the layout's master: identity
    assert filled["s10"].data == {"school": {"smis": "10360099"}}
    assert filled["s1"].data == identity  # a new month's report: next_period: identity


def test_next_months_lunch_template_is_a_new_report_not_last_months_locked(lunch_master: Path,
                                                                           tmp_path: Path) -> None:
    """The lunch report is filled anew each month (``master: next_period: identity``): next month's
    template carried November's month, date, money and grades, all locked, so no school could report
    December. It carries the school and how it serves lunch; every figure is empty and open."""
    (path,) = templates_from_master(lunch_master, tmp_path / "next", roster=roster_file(tmp_path), recipient="s1",
                                    forms_dirs=[FORMS])
    ws = openpyxl.load_workbook(path)["ค่าอาหารกลางวัน"]
    for ref in ("B4", "D4", "B5", "B6", "D6", "B7", "A10", "B10", "C10", "D10", "A20"):  # month … grades, problems
        assert ws[ref].value is None and not ws[ref].protection.locked, ref
    assert ws["B3"].value == "10360001" and ws["B3"].protection.locked  # the key stays the school's
    assert ws["D5"].value == 22 and not ws["D5"].protection.locked  # the rate: carried, still open


def test_a_progress_reports_next_period_still_carries_its_reports(master: Path, tmp_path: Path) -> None:
    (path,) = templates_from_master(master, tmp_path / "next", project=CODES[0])
    assert len(read_filled(path).data["reports"]) == 5  # next_period: all, the default


def test_the_layout_says_what_a_new_school_is_prefilled_with(lunch_form: Form, lunch_sample: dict[str, Any],
                                                             tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    text = re.sub(r"\n  identity: \[[^]]*\]\n", "\n  identity: [/school/smis, /school/district]\n",
                  lunch_form.source.read_text(encoding="utf-8"))
    (forms / "school-lunch.yaml").write_text(text, encoding="utf-8")
    shutil.copy(FORMS / "school-lunch.schema.json", forms)
    form = find_form(forms / "school-lunch.yaml")
    master = tmp_path / "lunch.xlsx"
    merge([submit(form, tmp_path, lunch_sample, "s1", name="lunch_s1.xlsx")], master, forms_dirs=[forms])
    (path,) = templates_from_master(master, tmp_path / "out", roster=roster_file(tmp_path), recipient="s9",
                                    forms_dirs=[forms])
    assert read_filled(path, forms_dirs=[forms]).data == {"school": {"smis": "10360001", "district": "เขตจอมทอง"}}


def test_the_offices_form_is_what_a_school_new_to_every_key_gets(lunch_master: Path, census_form: Form,
                                                                  census_sample: dict[str, Any],
                                                                  tmp_path: Path) -> None:
    """With two forms in the master, a school new to every key gets the office's form (``--form``), and
    without one the master says it cannot tell which (the progress report was issued before)."""
    merge([submit(census_form, tmp_path, census_sample, "s2", name="census_s2.xlsx")], lunch_master,
          forms_dirs=[FORMS])
    roster = roster_file(tmp_path)
    with pytest.raises(MasterError, match="holds school-census, school-lunch: say which form a new school gets"):
        templates_from_master(lunch_master, tmp_path / "none", roster=roster, recipient="s10", forms_dirs=[FORMS])
    done = run("template", "--from-master", lunch_master, "--roster", roster, "--recipient", "s10", "--form",
               "school-census", "--forms-dir", FORMS, "-o", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (path,) = (tmp_path / "out").iterdir()
    filled = read_filled(path, forms_dirs=[FORMS])
    assert filled.form.id == "school-census" and filled.data == {"school": {"code": "10360099"}}


def test_templates_from_master_need_only_the_forms_of_what_they_use(progress_form: Form, census_form: Form,
                                                                    census_sample: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    """A record of a form no longer installed (the census, here only in tests/data/forms) made every
    ``template --from-master`` fail, even one for a project of another form."""
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, variant(seed_data(), reports=6), "s1"),
           submit(census_form, tmp_path, census_sample, "s2", name="census_s2.xlsx")], master,
          forms_dirs=[FORMS])
    (path,) = templates_from_master(master, tmp_path / "next", project=CODES[0])
    assert path.name == f"{CODES[0]}_s1.xlsx"
    assert [p.name for p in templates_from_master(master, tmp_path / "s1", recipient="s1")] == [path.name]
    with pytest.raises(MasterError, match="school-census.*not installed"):
        templates_from_master(master, tmp_path / "all", recipient="s2")
    done = run("template", "--from-master", master, "-o", tmp_path / "cli", cwd=tmp_path, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 3 and "school-census" in done.stderr and "Traceback" not in done.stderr


def test_a_school_of_two_projects_gets_two_files_named_for_it_and_each_project(master: Path, tmp_path: Path) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,s1@example.invalid,\n",
                      encoding="utf-8")
    paths = templates_from_master(master, tmp_path / "out", roster=roster)
    assert sorted(p.name for p in paths) == sorted(f"s1 โรงเรียนวัดไทร {code}.xlsx" for code in CODES[:2])
    assert {read_filled(p).data["project"]["code"] for p in paths} == set(CODES[:2])


def test_a_roster_code_in_thai_digits_still_finds_the_schools_reports(master: Path, tmp_path: Path) -> None:
    """The roster's codes typed in Thai digits (as its first templates read them: the same code) must
    give each school next month's template with its own reports, not a new one with none of them."""
    thai = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\n"
                      f"s2,โรงเรียนวัดไทร,s2@example.invalid,{CODES[1].translate(thai)}\n"
                      f"s9,โรงเรียนวัดยายร่ม,s9@example.invalid,{CODES[1].translate(thai)}\n", encoding="utf-8")
    data = {p.name: read_filled(p).data for p in templates_from_master(master, tmp_path / "out", roster=roster)}
    assert len(data["s2 โรงเรียนวัดไทร.xlsx"]["reports"]) == 6
    assert data["s9 โรงเรียนวัดยายร่ม.xlsx"]["project"]["name"] == seed_data()["project"]["name"]
    for asked in (CODES[1], CODES[1].translate(thai)):  # --project either way, with the office's roster
        (path,) = templates_from_master(master, tmp_path / asked, roster=roster, project=asked, recipient="s2")
        assert len(read_filled(path).data["reports"]) == 6


def test_a_finished_project_gets_no_next_template_unless_its_school_is_named(progress_form: Form,
                                                                              tmp_path: Path) -> None:
    """A project whose latest report says 100 % is complete (the summary's เสร็จสิ้น, never late): the
    README says it gets no later template, yet every month it was sent one headed "the report to fill
    in" (found by a clerk's walkthrough). A line says why; naming the school makes one all the same."""
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, variant(seed_data(), reports=5), "s1", issued=at(30)),
           submit(progress_form, tmp_path, variant(seed_data(), code=CODES[1]), "s2", issued=at(30))], master)
    roster = tmp_path / "roster.csv"
    roster.write_text("recipient_id,school_name,email,project_code\n"
                      f"s1,โรงเรียนวัดไทร,s1@example.invalid,{CODES[0]}\n"
                      f"s2,โรงเรียนวัดยายร่ม,s2@example.invalid,{CODES[1]}\n", encoding="utf-8")
    said: list[str] = []
    for listed in (None, roster):
        said.clear()
        paths = templates_from_master(master, tmp_path / f"next-{bool(listed)}", roster=listed, say=said.append)
        assert [read_filled(p).metadata["recipient"] for p in paths] == ["s1"]
        (line,) = [s for s in said if ".xlsx" not in s]  # besides the line of who gets which format
        assert line.index("s2") < line.index("เสร็จสิ้น") < line.index(" / ") < line.index("complete")
        assert "--recipient s2" in line
    (path,) = templates_from_master(master, tmp_path / "asked", recipient="s2", say=said.append)
    assert read_filled(path).metadata["recipient"] == "s2"
