"""Found by a clerk reading ``reports/summary.xlsx`` after a check: its column ผู้ส่ง (โรงเรียน)
showed each school's code (``s1``), not the name she knows it by. It now shows the name the roster
gives, with the code after it (the column identifies the sender); a file of a school the roster does
not name keeps its code alone, and an unsigned file's cell stays empty (it vouches for no school)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from sheetsync.check.report import Report
from sheetsync.render.summary import summary_rows
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant

ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดโพธิ์ทอง,a@s1.example,50360000-3600\n"
          "s2,โรงเรียนวัดไทร,b@s2.example,50360000-3601\n")


def test_the_office_summary_names_the_school_as_the_roster_gives_it(tmp_path: Path, progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    write_template(progress_form, office / "inbox" / "s1.xlsx",
                   data=variant(seed_data(), code="50360000-3600", reports=2), recipient="s1")
    done = run("sync", cwd=office)
    assert done.returncode == 0, done.stderr
    ws = load_workbook(office / "reports" / "summary.xlsx").active
    assert ws is not None and ws["B1"].value == "ผู้ส่ง (โรงเรียน)"
    assert ws["B2"].value == "โรงเรียนวัดโพธิ์ทอง (s1)" and ws["B2"].data_type == "s"
    rows = list(csv.reader((office / "reports" / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][1] == "โรงเรียนวัดโพธิ์ทอง (s1)"


def test_a_school_the_names_do_not_know_keeps_its_code() -> None:
    known = Report(Path("inbox/a.xlsx"), "progress-report", {"recipient": "s1"})
    stranger = Report(Path("inbox/b.xlsx"), "progress-report", {"recipient": "s9"})
    rows = summary_rows([known, stranger], names={"s1": "โรงเรียน\u202eวัดโพธิ์ทอง"})
    assert [r[1] for r in rows[1:]] == ["โรงเรียนวัดโพธิ์ทอง (s1)", "s9"]  # a direction control is not shown
    assert [r[1] for r in summary_rows([known])[1:]] == ["s1"]


def test_validate_with_a_roster_names_the_school_in_its_summary(tmp_path: Path, progress_form: Form) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    school = tmp_path / "s2.xlsx"
    write_template(progress_form, school, data=variant(seed_data(), code="50360000-3601", reports=2), recipient="s2")
    done = run("validate", school, "--report-dir", tmp_path / "reports", "--roster", roster)
    assert done.returncode in (0, 1), done.stderr
    ws = load_workbook(tmp_path / "reports" / "summary.xlsx").active
    assert ws is not None and ws["B2"].value == "โรงเรียนวัดไทร (s2)"
