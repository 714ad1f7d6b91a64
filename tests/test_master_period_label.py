"""The master shows a period as the template's dropdown showed it (``ภาคเรียนที่ 2``), not as stored (``2``).

Found by a clerk: the term report's template offers ภาคเรียนที่ 1 / ภาคเรียนที่ 2 in its dropdown
(the layout's ``choices``), the stored key holds the values (``2567 · 2``), and the master's period
columns, its "not sent" status and its total showed the values: a reader up the line saw a bare "2".
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.master import merge
from sheetsync.spec.form import Form, load_form
from sheetsync.office.summary import SUMMARY
from sheetsync.template.write import write_template
from tests.test_office_view import rows_of

FOLDER = Path(__file__).parent / "data" / "teacher-training"
ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,s1@example.org,1010720001\n"
          "s2,โรงเรียนวัดหนัง,s2@example.org,1010720002\n")
TERM1, TERM2 = "2567 · ภาคเรียนที่ 1", "2567 · ภาคเรียนที่ 2"
PERIOD = "ปีการศึกษา · ภาคเรียนที่"  # the period column, headed by its fields' titles


@pytest.fixture(scope="module")
def form() -> Form:
    return load_form(FOLDER / "teacher-training.yaml")


def term(semester: str, code: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FOLDER / "teacher-training.sample.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["period"]["semester"], data["school"]["code"] = semester, code
    return data


@pytest.fixture(scope="module", params=["xlsx", "ods"])
def master(request: pytest.FixtureRequest, form: Form, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """s1 sent both terms of 2567, s2 the first only (the second, the latest sent, is due)."""
    folder = tmp_path_factory.mktemp("terms")
    roster = folder / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    files = []
    for who, semester, code in (("s1", "1", "1010720001"), ("s1", "2", "1010720001"), ("s2", "1", "1010720002")):
        path = folder / f"{who}-{semester}.{request.param}"
        write_template(form, path, data=term(semester, code), recipient=who)
        files.append(path)
    path = folder / f"master.{request.param}"
    result = merge(files, path, roster=roster, forms_dirs=[FOLDER])
    assert [o.result for o in result.outcomes] == ["merged"] * 3, result.outcomes
    return path


def test_the_summary_shows_each_term_by_its_label(master: Path) -> None:
    lines = [(r["ผู้รายงาน"], r[PERIOD], r["สถานะ"]) for r in rows_of(master, SUMMARY)]
    assert [line[:2] for line in lines] == [("s1", TERM1), ("s1", TERM2), ("s2", TERM1), ("s2", TERM2)]
    assert lines[-1][2] == f"ยังไม่ส่ง {TERM2}"  # the term due, as the template names it
    total = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(SUMMARY).to_python()[-1]
    assert any(str(cell).startswith(f"{TERM2}:") for cell in total), total


def test_the_running_totals_show_each_term_by_its_label(master: Path) -> None:
    totals = [(r["ผู้รายงาน"], r[PERIOD]) for r in rows_of(master, "ค่าใช้จ่ายสะสม")]
    assert totals == [("s1", TERM1), ("s1", TERM2), ("s2", TERM1)]


def test_no_period_column_shows_a_bare_value(master: Path) -> None:
    book = CalamineWorkbook.from_path(str(master))
    for name in (SUMMARY, "ค่าใช้จ่ายสะสม"):
        cells = {str(c) for row in book.get_sheet_by_name(name).to_python() for c in row}
        assert not cells & {"2567 · 1", "2567 · 2"}, name
