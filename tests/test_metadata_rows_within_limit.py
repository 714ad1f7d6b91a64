"""A template's hidden sheet stays within the rows a returned file's hidden sheet is read to
(:data:`sheetsync.limits.META_ROWS`), its rows of values too.

The rows of values (what the office filled in, what the open cells held as issued) came on top of the
rows of hashes, one more row per office-filled cell: a template of a form with many prefilled cells
(a table of rows from the master, locked) wrote more rows than are read, and the untouched template came
back with "data outside the form's area" on its hidden sheet, a finding no teacher can put right. The
values are a help, not the template's identity: those that do not fit are left out (a deleted row's
office-filled cells are then open to type again, as in a template issued before they were recorded).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync import limits
from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.identity import META_SHEET
from sheetsync.spec.form import Form
from sheetsync.template.fingerprint import VALUE
from sheetsync.template.plan import build_plan
from sheetsync.template.write import write_template


def _rows_without_values(form: Form, seed: dict[str, Any]) -> int:
    plan = build_plan(form, seed, recipient="school-07", lock_rows=True, record_open=True)
    return sum(1 for row in plan.metadata if row[0] != VALUE)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_untouched_template_has_nothing_outside_its_hidden_sheet(progress_form: Form, seed: dict[str, Any],
                                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    fmt: str) -> None:
    """The bundled form's template, read to a few rows more than its hashes take (as a form of thousands of
    locked cells is to 5,000): what fitted before the rows of values still fits, and nothing is outside."""
    room = _rows_without_values(progress_form, seed) + 5
    monkeypatch.setattr(limits, "META_ROWS", room)
    path = tmp_path / f"school.{fmt}"
    plan = write_template(progress_form, path, data=seed, recipient="school-07", lock_rows=True, record_open=True)
    assert len(plan.metadata) <= room
    assert 0 < sum(1 for row in plan.metadata if row[0] == VALUE) <= 5  # the values that fit, the office's first
    report = validate(read_filled(path))
    assert "outside-form-area" not in report.codes(), [f.cell for f in report.findings]


def test_the_values_left_out_are_typed_again_in_a_deleted_row(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No room for any value: a deleted row is put back as in a template issued before values were kept."""
    monkeypatch.setattr(limits, "META_ROWS", _rows_without_values(progress_form, seed))
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07", lock_rows=True, record_open=True)
    assert not any(row[0].value == VALUE for row in load_workbook(path)[META_SHEET].iter_rows())
    wb = load_workbook(path)
    wb[progress_form.sheet].delete_rows(38)
    wb.save(path)
    filled = read_filled(path)
    assert filled.issued == {}
    report = validate(filled)
    assert report.codes() == ["rows-deleted"] and dict(report.errors[0].params).get("items")
