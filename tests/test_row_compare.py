"""Two columns of one table row compared (``row_compare``): a training's end date against its start date.

A form author writing ``{kind: compare, left: /trainings/*/end, op: ">=", right: /trainings/*/start}`` was
refused ("a column … not a single field") with no way to say it: each row of /trainings has a start and an
end, and nothing checked that the end is not before the start.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Finding
from sheetsync.check.rules import RULES, RuleContext
from sheetsync.check.validate import validate
from sheetsync.errors import FormError
from sheetsync.spec.form import load_form
from sheetsync.template.write import write_template

FOLDER = Path(__file__).parent / "data" / "teacher-training"
NAME = "teacher-training"
#: The form's own rule: each training ends on or after the day it starts.
ROW_RULE = '  - {kind: row_compare, table: /trainings, left: end, op: ">=", right: start}\n'


def _form_with(tmp_path: Path, rule: str) -> Path:
    """The teacher-training form in ``tmp_path/forms`` with ``rule`` in place of its ``row_compare`` rule."""
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(FOLDER / f"{NAME}.schema.json", folder)
    text = (FOLDER / f"{NAME}.yaml").read_text(encoding="utf-8")
    assert ROW_RULE in text
    (folder / f"{NAME}.yaml").write_text(text.replace(ROW_RULE, rule, 1), encoding="utf-8")
    return folder / f"{NAME}.yaml"


def _sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FOLDER / f"{NAME}.sample.json").read_text(encoding="utf-8"))
    return data


def _findings(tmp_path: Path, data: dict[str, Any]) -> list[Finding]:
    """The findings of a file of the teacher-training form prefilled with ``data``."""
    path = tmp_path / "filled.xlsx"
    write_template(load_form(FOLDER / f"{NAME}.yaml"), path, data=data)
    return validate(read_filled(path, forms_dirs=[FOLDER])).findings


def test_an_end_before_its_start_is_found_on_that_rows_end_cell(tmp_path: Path) -> None:
    """Row 3 (sheet row 9) ends the day before it starts: one finding on its end (F9), naming its start (E9)."""
    data = _sample()
    data["trainings"][2]["end"] = "2025-01-16"
    found = [f for f in _findings(tmp_path, data) if f.severity == "error"]
    assert [(f.code, f.cell, f.path) for f in found] == [("row-compare-failed", "F9", "/trainings/2/end")]
    th, en = found[0].message_th, found[0].message_en
    assert th.startswith("ช่อง F9 (วันที่สิ้นสุด, ที่ 3) 16/1/2568 ต้อง"), th
    assert "วันที่เริ่ม" in th and "ช่อง E9: 17/1/2568" in th
    assert "E9" in en and "start date" in en and "row 9" in en


def test_equal_dates_pass(tmp_path: Path) -> None:
    """Row 2 of the sample starts and ends on 20/11/2567: a one-day training is right."""
    data = _sample()
    assert data["trainings"][1]["start"] == data["trainings"][1]["end"]
    assert [f.code for f in _findings(tmp_path, data)] == []


def test_a_row_with_an_empty_start_is_not_judged(tmp_path: Path) -> None:
    """The empty start has its own finding (a required cell); the row's end is not blamed for it."""
    data = _sample()
    del data["trainings"][2]["start"]
    data["trainings"][2]["end"] = "2024-01-01"
    codes = [f.code for f in _findings(tmp_path, data)]
    assert "row-compare-failed" not in codes and codes, codes


def test_amounts_compare_to_half_a_satang() -> None:
    """A cost within half a satang of its limit is that limit: the cells show two decimals."""
    rule = {"table": "/t", "left": "a", "op": "<=", "right": "b"}
    rows = [{"a": 100.004, "b": 100}, {"a": 100.01, "b": 100}, {"a": 5, "b": 9.0}, {"a": 7}]
    ctx = RuleContext({"t": rows}, set(), lambda table, n: "")
    assert [hit.pointer for hit in RULES["row_compare"](rule, ctx)] == ["/t/1/a"]


@pytest.mark.parametrize("rule, names, english", [
    ('  - {kind: row_compare, table: /training, left: end, op: ">=", right: start}\n',
     ["บรรทัด", "'/training'", "ไม่ใช่ตาราง"], "'/training' is not a table of the form"),
    ('  - {kind: row_compare, table: /trainings, left: finish, op: ">=", right: start}\n',
     ["'finish'", "ไม่ใช่คอลัมน์", "end"], "'finish' is not a column of /trainings ("),
    ('  - {kind: row_compare, table: /trainings, left: end, op: ">=", right: teacher}\n',
     ["'teacher'", "ข้อความ", "ตัวเลขหรือวันที่"], "column 'teacher' of /trainings is a text, not a number or a date"),
    ('  - {kind: row_compare, table: /trainings, left: end, op: ">=", right: hours}\n',
     ["'hours'", "วันที่", "ตัวเลข", "ชนิดเดียวกัน"],
     "'hours' is a number but left 'end' is a date; name a field of the same sort"),
    ('  - {kind: row_compare, table: /trainings, left: end, op: "=>", right: start}\n',
     ["'=>'", "ไม่ใช่เครื่องหมายเปรียบเทียบ"], "'=>' is not one of <= < >= > =="),
    ('  - {kind: row_compare, table: /trainings, left: end, right: start}\n',
     ["'op'", "ต้องมีค่า"], "row_compare needs the parameter 'op'"),
    ('  - {kind: compare, left: /trainings/*/end, op: ">=", right: /trainings/*/start}\n',
     ["/trainings", "ช่องเดี่ยว", "row_compare"], "is a column of the table /trainings, not a single field; "
                                                   "to compare two columns of each row write {kind: row_compare"),
])
def test_a_mistake_in_the_rule_is_refused_thai_first(tmp_path: Path, rule: str, names: list[str],
                                                     english: str) -> None:
    with pytest.raises(FormError) as caught:
        load_form(_form_with(tmp_path, rule))
    th, en = caught.value.th, str(caught.value)
    assert english in en, en
    assert th.startswith(f"{NAME}.yaml บรรทัด "), th
    for name in names:
        assert name in th, (name, th)
