"""The clerk's own form (tests/data/teacher-roster/) through an office, by the command line only:
init with the office's forms folder, templates for the roster, two schools' files, sync, the master,
and next year's templates from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
    office = tmp_path / "district"
    shutil.copytree(FORM_DIR, office / "forms", ignore=shutil.ignore_patterns("typed-*"))
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


def test_the_masters_heading_of_a_list_is_the_lists_title(synced: Path) -> None:
    """The grade table, shown as text on the school's line, is headed นักเรียนรายชั้น (its schema
    title), not ชั้น (the title of its first column, one cell of a row); the teachers get their own sheet."""
    book = load_workbook(synced / "master.xlsx")
    headings = [c.value for c in book["โรงเรียน"][2]]
    assert "นักเรียนรายชั้น" in headings and "ชั้น" not in headings
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
