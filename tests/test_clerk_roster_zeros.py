"""Found by a clerk whose schools' codes are numbers with a leading zero (``0101``): she opened
``roster.csv`` in Excel to add a school and saved it, and Excel, which reads ``0101`` as the number
101, wrote ``101``. The next check put each school twice in the master: ``101`` "nothing received"
(and chased in the digest) beside a nameless ``0101`` holding its reports, counted as one more school
due; ``template --roster`` then issued templates to ``101``, whose files no longer joined their own."""

from __future__ import annotations

from pathlib import Path

from sheetsync.check.reader import read_filled
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant
from tests.test_office_roster_left import summary_with_totals

CODES = {"0101": "50360000-3600", "0102": "50360000-3601", "0103": "50360000-3602"}
ROSTER = ("recipient_id,school_name,email,project_code\n"
          "0101,โรงเรียนวัดโพธิ์ทอง,a@s1.example,50360000-3600\n"
          "0102,โรงเรียนวัดไทร,b@s2.example,50360000-3601\n")
#: The same roster after Excel saved it, with a school added (typed 0103: Excel keeps 103).
RESAVED = ("recipient_id,school_name,email,project_code\r\n"
           "101,โรงเรียนวัดโพธิ์ทอง,a@s1.example,50360000-3600\r\n"
           "102,โรงเรียนวัดไทร,b@s2.example,50360000-3601\r\n"
           "103,โรงเรียนวัดใหม่,c@s3.example,50360000-3602\r\n")


def _school_file(office: Path, form: Form, recipient: str) -> Path:
    path = office / "inbox" / f"{recipient}.xlsx"
    write_template(form, path, data=variant(seed_data(), code=CODES[recipient], reports=3), recipient=recipient)
    return path


def test_a_roster_excel_saved_without_leading_zeros_keeps_each_school_once(tmp_path: Path,
                                                                            progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    _school_file(office, progress_form, "0101")
    assert run("sync", cwd=office).returncode == 0
    (office / "roster.csv").write_text(RESAVED, encoding="utf-8")
    _school_file(office, progress_form, "0102")
    done = run("sync", cwd=office)
    assert done.returncode == 0, done.stderr
    rows = {r["ผู้รายงาน"]: r for r in summary_with_totals(office / "master.xlsx") if r["ผู้รายงาน"]}
    assert set(rows) == {"0101", "0102", "103", "รวมทั้งหมด"}, rows
    assert rows["0101"]["ชื่อผู้รายงาน"] == "โรงเรียนวัดโพธิ์ทอง" and rows["0101"]["สถานะ"] == "เป็นปัจจุบัน"
    assert rows["0102"]["สถานะ"] == "เป็นปัจจุบัน" and rows["103"]["สถานะ"] == "ยังไม่ได้รับรายงาน"
    assert rows["รวมทั้งหมด"]["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 2 จาก 3 รายการ"
    # The clerk is told, Thai first, which line to put right and why (each run, until she does).
    said = [line for line in done.stderr.splitlines() if "'101'" in line]
    assert len(said) == 1 and "roster.csv" in said[0] and "'0101'" in said[0] and "Excel" in said[0], done.stderr
    assert said[0].index("โรงเรียนวัดโพธิ์ทอง") < said[0].index(" / ")


def test_templates_for_a_roster_excel_saved_go_to_the_schools_own_codes(tmp_path: Path,
                                                                         progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    _school_file(office, progress_form, "0101")
    assert run("sync", cwd=office).returncode == 0
    (office / "roster.csv").write_text(RESAVED, encoding="utf-8")
    done = run("template", "--roster", "roster.csv", "-o", "templates/", cwd=office)
    assert done.returncode == 0, done.stderr
    made = {p.name: read_filled(p).metadata.get("recipient") for p in (office / "templates").iterdir()}
    assert made == {"0101 โรงเรียนวัดโพธิ์ทอง.xlsx": "0101", "0102 โรงเรียนวัดไทร.xlsx": "0102",
                    "103 โรงเรียนวัดใหม่.xlsx": "103"}, made


def test_a_number_the_office_never_knew_with_zeros_is_taken_as_written(tmp_path: Path) -> None:
    office = new_office(tmp_path, RESAVED)
    done = run("sync", cwd=office)
    assert done.returncode == 0 and "Excel" not in done.stderr
    rows = {r["ผู้รายงาน"] for r in summary_with_totals(office / "master.xlsx")}
    assert {"101", "102", "103"} <= rows


def test_next_months_templates_from_the_master_go_to_the_schools_own_codes(tmp_path: Path,
                                                                          progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    _school_file(office, progress_form, "0101")
    assert run("sync", cwd=office).returncode == 0
    (office / "roster.csv").write_text(RESAVED, encoding="utf-8")
    done = run("template", "--from-master", "master.xlsx", "-o", "next/", cwd=office)
    assert done.returncode == 0, done.stderr
    made = {p.name: read_filled(p).metadata.get("recipient") for p in (office / "next").glob("*.xlsx")}
    assert made == {"0101 โรงเรียนวัดโพธิ์ทอง.xlsx": "0101", "0102 โรงเรียนวัดไทร.xlsx": "0102",
                    "103 โรงเรียนวัดใหม่.xlsx": "103"}, made
