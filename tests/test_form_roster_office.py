"""The clerk's own form (tests/data/teacher-roster/) through an office, by the command line only:
init with the office's forms folder, templates for the roster, two schools' files, sync, the master,
and next year's templates from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from tests.cli import run

FORM_DIR = Path(__file__).parent / "data" / "teacher-roster"
ROSTER = ("recipient_id,school_name,email,project_code\n"
          "10110001,โรงเรียนวัดบางนา,bangna@school.example,10110001\n"
          "10110002,โรงเรียนบ้านคลองหลวง,klongluang@school.example,10110002\n")
ENV = {"SHEETSYNC_FORMS": ""}  # the office's configuration alone


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    """An office of the roster form whose two schools each sent a file: one right, one with mistakes."""
    return synced_office(tmp_path)


def synced_office(tmp_path: Path, master: str = "  next_period: identity\n", grades: str = "นักเรียนรายชั้น") -> Path:
    """The office of :func:`synced`; ``master`` replaces the line ``next_period: identity`` of the
    layout's ``master:`` entry (with more lines, or another), ``grades`` the grade table's schema title."""
    office = tmp_path / "district"
    shutil.copytree(FORM_DIR, office / "forms", ignore=shutil.ignore_patterns("typed-*"))
    layout = office / "forms" / "teacher-roster.yaml"
    text = layout.read_text(encoding="utf-8")
    assert "  next_period: identity\n" in text
    layout.write_text(text.replace("  next_period: identity\n", master), encoding="utf-8")
    schema = office / "forms" / "teacher-roster.schema.json"
    text = schema.read_text(encoding="utf-8")
    assert text.count('"title": "นักเรียนรายชั้น"') == 1
    schema.write_text(text.replace('"title": "นักเรียนรายชั้น"', json.dumps({"title": grades}, ensure_ascii=False)[1:-1]),
                      encoding="utf-8")
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    made = run("init", office, "--roster", tmp_path / "schools.csv", "--form", "teacher-roster",
               "--forms-dir", office / "forms", env=ENV)
    assert made.returncode == 0, made.stderr
    assert run("template", "--roster", "roster.csv", "-o", "templates", cwd=office, env=ENV).returncode == 0
    for blank, typed in zip(sorted((office / "templates").iterdir()), ("typed-valid.json", "typed-mistakes.json")):
        wb = load_workbook(blank)
        ws = wb.worksheets[0]
        for ref, text in json.loads((FORM_DIR / typed).read_text(encoding="utf-8")).items():
            ws[ref].value = text
            ws[ref].data_type = "s"
        wb.save(office / "inbox" / f"{blank.stem}.xlsx")
    assert run("sync", "--settle", "0", cwd=office, env=ENV).returncode == 1  # one file has mistakes
    return office


def test_a_table_the_layout_keeps_as_text_is_one_cell_headed_by_its_title(tmp_path: Path) -> None:
    """`master: as_text: [/pupils]`: the grades stay one cell of text on the school's line, headed
    นักเรียนรายชั้น (its schema title), not ชั้น (the title of its first column, one cell of a row), with
    no sheet of their own; the teachers keep theirs."""
    synced = synced_office(tmp_path, master="  next_period: identity\n  as_text: [/pupils]\n")
    book = load_workbook(synced / "master.xlsx")
    headings = [c.value for c in book["โรงเรียน"][2]]
    assert "นักเรียนรายชั้น" in headings and "ชั้น" not in headings and "นักเรียนรายชั้น" not in book.sheetnames
    grades = book["โรงเรียน"].cell(3, headings.index("นักเรียนรายชั้น") + 1).value
    assert str(grades).startswith("ชั้น: ป.1; ชาย (คน): 20")
    assert [c.value for c in book["รายชื่อครู"][2]][2:] == ["ชื่อ-สกุล", "ตำแหน่ง", "วิทยฐานะ", "วันที่บรรจุ", "โทรศัพท์"]
    assert book["รายชื่อครู"]["D3"].value == "ผู้อำนวยการ"  # a choice by its Thai label


def test_next_years_templates_carry_only_the_schools_identity(synced: Path) -> None:
    """`next_period: identity`: next year's template of the school that reported carries its name, code,
    type and contacts (its `master: identity`), no pupils or teachers; the other school only its code."""
    made = run("template", "--from-master", "master.xlsx", "-o", "next", cwd=synced, env=ENV)
    assert made.returncode == 0, made.stderr
    first, second = (read_filled(p, forms_dirs=[synced / "forms"]).data for p in sorted((synced / "next").iterdir()))
    assert first == {"school": {"name": "โรงเรียนวัดบางนา", "code": "10110001", "type": "extended"},
                     "contact": {"email": "bangna@school.example", "phone": "021234567"}}
    assert second == {"school": {"code": "10110002"}}


def _rows(book: Path, name: str) -> list[list[object]]:
    """The sheet ``name`` of ``book`` below its generated-at line: the header, then the rows."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(book)).get_sheet_by_name(name).to_python()[1:]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_every_table_of_rows_has_a_sheet_of_its_own(synced: Path, fmt: str) -> None:
    """The grades (the form's first table, not the master's `table:`) get a sheet of rows named by their
    schema title, school and code first, to sort, filter, add up and print; the school's line no longer
    carries them as one cell of text (the teachers' sheet is as before)."""
    view = synced / f"view.{fmt}"
    made = run("master", "-o", view.name, cwd=synced, env=ENV)
    assert made.returncode == 0, made.stderr
    header, *grades = _rows(view, "นักเรียนรายชั้น")
    assert header == ["ผู้รายงาน", "รหัส", "ชั้น", "ชาย (คน)", "หญิง (คน)", "รวม (คน)"]
    assert [row[2] for row in grades] == ["ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6"]
    assert {row[0] for row in grades} == {"10110001"} and sum(float(str(row[5])) for row in grades) == 228
    school = _rows(view, "โรงเรียน")[0]
    assert "นักเรียนรายชั้น" not in school and "รายชื่อครู" not in school
    assert _rows(view, "รายชื่อครู")[1][2] == "นางสาวสมศรี ใจดี"


def test_next_years_templates_carry_both_tables_back(tmp_path: Path) -> None:
    """The round trip reads the store, not the view's sheets: with `next_period: all`, next year's
    template of the school carries its grades and its teachers as it sent them, though each table
    now has a sheet of rows in the master and neither is a text on the school's line."""
    synced = synced_office(tmp_path, master="  next_period: all\n")
    assert "นักเรียนรายชั้น" in load_workbook(synced / "master.xlsx").sheetnames
    made = run("template", "--from-master", "master.xlsx", "-o", "next", cwd=synced, env=ENV)
    assert made.returncode == 0, made.stderr
    sent = next(read_filled(p, forms_dirs=[synced / "forms"]).data for p in sorted((synced / "processed").rglob("*.xlsx"))
                if "10110001" in p.name)
    again = read_filled(sorted((synced / "next").iterdir())[0], forms_dirs=[synced / "forms"]).data
    assert [g["grade"] for g in again["pupils"]] == ["ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6"]
    assert again["pupils"] == sent["pupils"] and again["teachers"] == sent["teachers"]
    assert len(again["teachers"]) == 3


@pytest.mark.parametrize("title, name", [
    ("จำนวนนักเรียน/ชั้น: [ป.1*-ป.6?] ตามทะเบียนนักเรียน", "จำนวนนักเรียน ชั้น ป.1 -ป.6 ตาม"),
    ("รายชื่อครู", "รายชื่อครู (2)"),  # the layout's name of the teachers' sheet: theirs keeps it
])
def test_a_tables_sheet_is_named_as_excel_and_calc_allow(tmp_path: Path, title: str, name: str) -> None:
    """The grades' sheet is named by their schema title, made a name Excel and Calc take: none of
    []:*?/\\, at most 31 characters, and no other sheet's name."""
    synced = synced_office(tmp_path, grades=title)
    assert len(name) == 31 or name.endswith("(2)")
    for fmt in ("xlsx", "ods"):
        made = run("master", "-o", f"view.{fmt}", cwd=synced, env=ENV)
        assert made.returncode == 0, made.stderr
        header, *grades = _rows(synced / f"view.{fmt}", name)
        assert header[2:] == ["ชั้น", "ชาย (คน)", "หญิง (คน)", "รวม (คน)"] and len(grades) == 6
        assert _rows(synced / f"view.{fmt}", "รายชื่อครู")[1][2] == "นางสาวสมศรี ใจดี"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_calc_prints_the_grades_sheet_with_its_school(libreoffice: Any, synced: Path, fmt: str) -> None:
    """Printed by Calc, the grades' sheet is a page of its own: its footer names it, and it shows each
    grade's row beside the school's code, at the size the other sheets print."""
    from tests.test_master_upline import printed_pages
    from tests.test_print import letters

    made = run("master", "-o", f"view.{fmt}", cwd=synced, env=ENV)
    assert made.returncode == 0, made.stderr
    pages = printed_pages(libreoffice.convert(synced / f"view.{fmt}", synced / f"view-{fmt}.pdf"))
    def of(sheet: str) -> list[tuple[str, float]]:  # pdftotext may set a tone mark apart: letters only
        return [(text, h) for text, h in pages if letters(f" {sheet} — หน้า") in letters(text)]

    grades = of("นักเรียนรายชั้น")
    assert len(grades) == 1, [text[-80:] for text, _ in pages]
    text, height = grades[0]
    assert all(f"ป.{n}" in text for n in range(1, 7)) and "10110001" in text
    assert letters("ชาย (คน)") in letters(text) and "38" in text.split()
    teachers = of("รายชื่อครู")
    assert teachers and height >= 0.9 * teachers[0][1]
