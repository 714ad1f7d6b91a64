"""A name or a position typed with Alt+Enter (a line break inside the cell, or pasted along from Word): the
master showed "นาง" and "สมศรี" on two lines. A field the schema keeps short (``maxLength`` up to 255: a
person's name, a position) is one line, and a break in it reads as one space; prose (a rationale, an
objective, a report's stage, problems and obstacles) keeps its lines as typed. No finding: nothing is
lost, and the space is what the break stood for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.coerce import parse_line
from sheetsync.check.parsing import one_line
from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_line_breaks import _type_with_line_breaks

NAMES = {"C10": "นาง\nสมศรี ใจดี", "F10": "นางสาววรางคณา \r\n ศิริวัฒน์", "C50": "นายสมชาย\n\nใจดี",
         "C51": "ผู้อำนวยการ\nโรงเรียนวัดไทร"}
PROSE = {"B17": "เพื่อพัฒนาคุณภาพการศึกษา\nของเครือข่ายโรงเรียน", "C37": "ขั้นที่ 1\nขั้นที่ 2",
         "A12": "ย่อหน้าแรก\n\nย่อหน้าที่สอง"}


def _read(form: Form, path: Path) -> dict[str, Any]:
    data = read_filled(path).data
    return {"C10": data["unit"]["responsible_person"], "F10": data["unit"]["coordinator"],
            "C50": data["certification"]["signer"], "C51": data["certification"]["position"],
            "B17": data["objectives"][0], "C37": data["reports"][0]["stage"], "A12": data["rationale"]}


def test_which_fields_are_one_line(progress_form: Form, lunch_form: Form) -> None:
    def short(form: Form) -> set[str]:
        return {f.pointer for f in [*form.fields, *(c for t in form.tables for c in t.columns)] if one_line(f)}
    assert short(progress_form) == {"/project/code", "/unit/responsible_person", "/unit/coordinator",
                                    "/certification/signer", "/certification/position"}
    assert short(lunch_form) == {"/school/name", "/certification/signer", "/certification/position"}


@pytest.mark.parametrize(("typed", "read"), [
    ("นาง\nสมศรี", "นาง สมศรี"), ("นาง \n สมศรี", "นาง สมศรี"), ("นาง\r\nสมศรี", "นาง สมศรี"),
    ("นาง\n\n\nสมศรี", "นาง สมศรี"), ("นาง\u2028สมศรี", "นาง สมศรี"), ("\nนางสมศรี\n", "นางสมศรี"),
    ("นางสมศรี ใจดี", "นางสมศรี ใจดี"), ("นาง\tสมศรี", "นาง\tสมศรี"),
])
def test_a_line_break_in_one_line_is_a_space(typed: str, read: str) -> None:
    assert parse_line(typed) == read


def test_names_typed_with_alt_enter_read_on_one_line_xlsx(progress_form: Form, seed: dict[str, Any],
                                                          tmp_path: Path) -> None:
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed)
    workbook = load_workbook(path)
    for ref, text in {**NAMES, **PROSE}.items():
        workbook[progress_form.sheet][ref] = text  # Excel's Alt+Enter stores "\n"
    workbook.save(path)
    got = _read(progress_form, path)
    assert got == {"C10": "นาง สมศรี ใจดี", "F10": "นางสาววรางคณา ศิริวัฒน์", "C50": "นายสมชาย ใจดี",
                   "C51": "ผู้อำนวยการ โรงเรียนวัดไทร", **{ref: PROSE[ref] for ref in PROSE}}
    # (Whether the break prints is the file's own business: text-cut-in-print may warn of it.)
    assert not [f for f in validate(read_filled(path)).errors if f.cell in NAMES]


@pytest.mark.parametrize("span", [False, True])
def test_names_with_ods_line_breaks_read_on_one_line(progress_form: Form, tmp_path: Path, span: bool) -> None:
    """Other producers write an .ods cell's lines as ``<text:line-break/>`` in one paragraph."""
    path = tmp_path / "s1.ods"
    write_template(progress_form, path)
    _type_with_line_breaks(path, progress_form.sheet, 10, 3, ["นาง", "สมศรี ใจดี"], span)
    _type_with_line_breaks(path, progress_form.sheet, 37, 3, ["ขั้นที่ 1", "ขั้นที่ 2"], span)
    data = read_filled(path).data
    assert data["unit"]["responsible_person"] == "นาง สมศรี ใจดี"
    assert data["reports"][0]["stage"] == "ขั้นที่ 1\nขั้นที่ 2"
