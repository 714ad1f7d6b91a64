"""Template → read → the same data, for both formats and both forms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.spec.form import Form
from sheetsync.identity import META_SHEET
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template
from sheetsync.check.validate import validate

from tests.conftest import FORMS_DIR

FORMATS = ["xlsx", "ods"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_prefilled_template_reads_back_equal(any_form: tuple[Form, dict[str, Any]], fmt: str, tmp_path: Path) -> None:
    form, data = any_form
    path = tmp_path / f"filled.{fmt}"
    write_template(form, path, data=data, recipient="school-01")
    filled = read_filled(path, forms_dirs=[FORMS_DIR])
    assert filled.problems == []
    assert filled.data == data
    assert filled.metadata["recipient"] == "school-01"
    assert filled.metadata["form_id"] == form.id
    assert validate(filled).findings == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_thai_text_dates_and_amounts_are_exact(progress_form: Form, seed: dict[str, Any], fmt: str,
                                                     tmp_path: Path) -> None:
    path = tmp_path / f"seed.{fmt}"
    write_template(progress_form, path, data=seed)
    data = read_filled(path).data
    assert len(data["reports"]) == 7
    assert data["rationale"] == seed["rationale"]  # several paragraphs of Thai, newlines kept
    assert [r["date"] for r in data["reports"]] == [r["date"] for r in seed["reports"]]
    assert [r["disbursed"] for r in data["reports"]] == [0, 0, 0, 0, 0, 10000, 170000]
    assert [r["progress_percent"] for r in data["reports"]] == [10, 20, 25, 30, 65, 70, 100]
    assert data["targets"]["networks"][1]["schools"][3] == "โรงเรียนวัดบางปรุหนองโรง"
    assert data["plan_alignment"]["goal"] == "๓.๓.๒ การพัฒนาคุณภาพการศึกษา"


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_template_reads_as_empty_and_points_at_required_cells(progress_form: Form, fmt: str,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / f"blank.{fmt}"
    write_template(progress_form, path)
    filled = read_filled(path)
    assert filled.data == {}
    report = validate(filled)
    required = {(f.path, f.cell) for f in report.findings if f.code == "required"}
    assert ("/project/code", "C5") in required
    assert ("/reports", "B37") in required
    assert all(f.cell for f in report.findings)


@pytest.mark.parametrize("fmt", FORMATS)
def test_source_map_points_at_the_cells(progress_form: Form, seed: dict[str, Any], fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"seed.{fmt}"
    write_template(progress_form, path, data=seed)
    smap = read_filled(path).source_map
    assert smap["/project/code"].cell == "C5"
    assert smap["/project/fiscal_year"].cell == "F5"
    assert smap["/reports/0/date"].cell == "B37"
    assert smap["/reports/6/disbursed"].cell == "E43"
    assert smap["/objectives/2"].cell == "B19"
    assert {c.sheet for c in smap.values()} == {progress_form.sheet}


def test_xlsx_template_is_locked_with_validations(progress_form: Form, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(progress_form, path, data={"project": {"code": "50360000-3553"}})
    wb = load_workbook(path)
    ws = wb[progress_form.sheet]
    assert ws.protection.sheet is True and ws.protection.algorithmName == "SHA-512"
    assert ws["A4"].protection.locked is True       # a label
    assert ws["C4"].protection.locked is False      # project name, not prefilled
    assert ws["C5"].protection.locked is True       # project code, prefilled
    assert ws["B38"].protection.locked is False     # a report row stays editable
    assert ws["A38"].value == 2 and ws["A38"].protection.locked is True
    assert ws["B37"].number_format == "@"           # B.E. dates as text (plan._date_rule)
    assert ws["C4"].font.name == "TH Sarabun New" and ws["C4"].font.sz == 16
    kinds = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            kinds[rng.coord.split(":")[0]] = dv
    assert kinds["F37"].type == "list" and "เป็นไปตามแผน" in kinds["F37"].formula1
    assert kinds["F5"].type == "whole" and (kinds["F5"].formula1, kinds["F5"].formula2) == ("2500", "2700")
    assert kinds["E37"].type == "decimal" and kinds["E37"].formula1 == "0"
    assert kinds["D37"].type == "custom" and "100" in kinds["D37"].formula1
    assert kinds["B37"].type == "custom" and "$F$5" in kinds["B37"].formula1
    assert kinds["F7"].allow_blank is True          # optional: empty is fine
    assert all(len(dv.promptTitle or "") <= 32 and len(dv.prompt or "") <= 255
               for dv in ws.data_validations.dataValidation)
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1  # 9 = A4
    assert wb[META_SHEET].sheet_state == "hidden"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["form_id"] == "progress-report" and len(props["fingerprint"]) == 64


def test_prefilled_text_that_looks_like_a_formula_stays_text(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    seed["project"]["name"] = '=HYPERLINK("http://x","คลิก")'
    path = tmp_path / "f.xlsx"
    write_template(progress_form, path, data=seed)
    assert load_workbook(path)[progress_form.sheet]["C4"].data_type == "s"
    assert read_filled(path).data["project"]["name"] == seed["project"]["name"]


def test_reports_with_a_gap_keep_their_rows(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    seed["reports"] = [r for r in seed["reports"] if r["no"] != 4]
    path = tmp_path / "gap.xlsx"
    write_template(progress_form, path, data=seed)
    filled = read_filled(path)
    assert [r["no"] for r in filled.data["reports"]] == [1, 2, 3, 5, 6, 7]
    assert filled.source_map["/reports/3/date"].cell == "B41"


def test_issue_date_is_recorded(progress_form: Form, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    when = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc)
    write_template(progress_form, path, issued=when)
    assert read_filled(path).metadata["issued_at"] == "2026-11-01T09:00:00+00:00"
