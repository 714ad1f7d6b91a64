"""Found by a clerk who saved ``schools.csv`` from Excel with its headings but before typing any
school: ``init`` made the office without a word, and ``template --roster roster.csv -o templates/``
then answered ``ค่าที่ใส่ให้ --recipient ใช้ไม่ได้ … ไม่มี None ในรายชื่อโรงเรียน`` — about an option she
had not typed, and a "None" that means nothing to her."""

from __future__ import annotations

from pathlib import Path

from tests.cli import new_office, run

HEADINGS = "recipient_id,school_name,email,project_code\r\n,,,\r\n"


def test_init_refuses_a_roster_with_no_school_naming_the_file(tmp_path: Path) -> None:
    csv = tmp_path / "schools.csv"
    csv.write_text(HEADINGS, encoding="utf-8")
    done = run("init", tmp_path / "district", "--roster", csv)
    assert done.returncode == 2 and not (tmp_path / "district").exists()
    thai = done.stderr.split(" / ")[0]
    assert "schools.csv" in thai and "ไม่มีรายชื่อโรงเรียน" in thai and "None" not in done.stderr


def test_template_for_a_roster_emptied_since_says_so_not_recipient(tmp_path: Path) -> None:
    office = new_office(tmp_path, "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,P\n")
    (office / "roster.csv").write_text(HEADINGS, encoding="utf-8")
    done = run("template", "--roster", "roster.csv", "-o", "templates/", cwd=office)
    assert done.returncode == 2
    assert "roster.csv" in done.stderr and "ไม่มีรายชื่อโรงเรียน" in done.stderr
    assert "--recipient" not in done.stderr and "None" not in done.stderr
