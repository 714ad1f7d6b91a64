"""A teacher pastes a date from another workbook of her own over a report's date (B37) in Calc: what
arrives, and what the school is told. A real date in C.E. (shown in B.E. or not) and a B.E. year that
Calc took as C.E. (2562 C.E., read back as 2019) are the date she meant: nothing to say. A year read
wrong — "31/10/62", whose two digits Calc reads as 1962; "31/10/3105" copied as text from a cell that
showed a B.E. date 543 years on; a year before 1900 — is one error on the cell, saying what happened
and what to type (it was told "outside the project period" with no word of why)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.pipeline import FileResult, check_file
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

pytestmark = pytest.mark.libreoffice


def pasted(libreoffice: Any, form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str,
           typed: str, code: str | None) -> FileResult:
    """The school's template, a cell typed ``typed`` in another workbook (format ``code``) pasted over B37."""
    issued, returned = tmp_path / f"issued.{fmt}", tmp_path / f"returned.{fmt}"
    write_template(form, issued, data=seed, recipient="school-07")
    libreoffice.paste_into(issued, returned, {"B37": (typed, code)}, sheet=form.sheet)
    result = check_file(returned)
    assert result.readable and result.report is not None, result.error
    return result


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("typed, code", [("31/10/2019", "d/m/yyyy"), ("31/10/2562", "dd/mm/yyyy"),
                                         ("'31/10/2019", None), ("2019-10-31", "[$-107041E]d/m/yyyy")])
def test_a_pasted_date_read_as_meant_is_not_told(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                 tmp_path: Path, fmt: str, typed: str, code: str | None) -> None:
    """A C.E. date cell, a B.E. year Calc stored as C.E. 2562, C.E. text, a C.E. date shown in B.E.: all 31 Oct 2019."""
    result = pasted(libreoffice, progress_form, seed, tmp_path, fmt, typed, code)
    assert result.filled is not None and result.report is not None
    assert result.filled.data["reports"][0]["date"] == "2019-10-31"
    assert result.report.findings == []


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("typed, code, said, retyped", [
    ("31/10/62", "d/m/yy", "1962", "'31/10/2562"),
    ("'31/10/3105", None, "3105", "'31/10/2562"),
])
def test_a_pasted_year_read_wrong_is_one_error_saying_why(libreoffice: Any, progress_form: Form,
                                                          seed: dict[str, Any], tmp_path: Path, fmt: str,
                                                          typed: str, code: str | None, said: str,
                                                          retyped: str) -> None:
    """Two digits read as C.E. 1962, or a B.E. year shown 543 years on copied as text: one error on B37,
    in Thai, naming what the year was read as, what happened, and the date to type."""
    result = pasted(libreoffice, progress_form, seed, tmp_path, fmt, typed, code)
    assert result.report is not None
    assert [(f.code, f.cell) for f in result.report.findings] == [("date-year-misread", "B37")], result.report.findings
    told = result.report.findings[0].message_th
    assert said in told and retyped in told and "ค.ศ." in told, told


def test_a_pasted_year_before_1900_is_one_error_saying_why(libreoffice: Any, progress_form: Form,
                                                           seed: dict[str, Any], tmp_path: Path) -> None:
    """A year typed as "0062" stays the year 62 in an .ods: one error on B37 saying the year read is before 1900."""
    result = pasted(libreoffice, progress_form, seed, tmp_path, "ods", "31/10/0062", "d/m/yyyy")
    assert result.report is not None
    assert [(f.code, f.cell) for f in result.report.findings] == [("date-year-misread", "B37")], result.report.findings
    told = result.report.findings[0].message_th
    assert "1900" in told and "/10/2562" in told, told  # calamine reads an .ods's year 62 a day or two off
