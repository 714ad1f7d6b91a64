"""A template opened and saved by Microsoft Excel (Windows, Thai locale), as :mod:`tests.excel_saves`
rewrites it: shared strings, Excel's own styles and namespaces, what Excel makes of what a teacher
types (a date serial in a Buddhist-calendar format, 45 % as 0.45, "1,000" as 1000, a leading
apostrophe, one bold word, a formula with its cached result, an error value), the 1904 date system.
Each file goes through the whole check (:func:`sheetsync.pipeline.check_file`) and the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.pipeline import FileResult, check_file
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template
from tests.cli import run
from tests.excel_saves import Typed, excel_saved, number, text

OCT31 = dt.date(2019, 10, 31)
#: Days from Excel's day 0 (1899-12-30, the 1900 system) to 31 Oct 2019 and to 31 Oct 2562 C.E.
SERIAL_2019 = float((OCT31 - dt.date(1899, 12, 30)).days)
SERIAL_2562 = float((dt.date(2562, 10, 31) - dt.date(1899, 12, 30)).days)
#: The 1904 system (Excel for Mac) counts from 1904-01-01: 1,462 days fewer.
DAYS_1904 = 1462


def saved(form: Form, seed: dict[str, Any], tmp_path: Path, typed: dict[str, Typed] | None = None,
          **options: bool) -> Path:
    """The school's template, filled with ``seed``, then typed into and saved by Excel."""
    issued = tmp_path / "issued.xlsx"
    write_template(form, issued, data=seed, recipient="school-07")
    return excel_saved(issued, tmp_path / "returned.xlsx", typed, **options)


def checked(path: Path) -> FileResult:
    result = check_file(path)
    assert result.readable, result.error
    return result


def errors(result: FileResult) -> list[tuple[str, str]]:
    assert result.report is not None
    return [(f.code, f.cell) for f in result.report.errors]


def test_a_template_resaved_by_excel_reads_as_written(progress_form: Form, seed: dict[str, Any],
                                                     tmp_path: Path) -> None:
    result = checked(saved(progress_form, seed, tmp_path))
    assert result.valid, errors(result)
    assert result.data["project"] == {**seed["project"], "budget_received": 180000.0, "budget_used": 180000.0}
    assert [r["date"] for r in result.data["reports"]] == [r["date"] for r in seed["reports"]]
    assert result.metadata["recipient"] == "school-07"


def test_a_template_saved_as_strict_open_xml(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """Excel's Save As offers "Strict Open XML Spreadsheet (*.xlsx)" beside the usual workbook: other
    namespaces (``purl.oclc.org/ooxml``), the same cells; a date may be written as an ISO 8601 date (``t="d"``)."""
    typed = {"B37": number(SERIAL_2019, "[$-1070000]d/m/yyyy;@"), "B38": Typed("d", "2019-11-29T00:00:00", 14)}
    result = checked(saved(progress_form, seed, tmp_path, typed, strict=True))
    assert result.valid, errors(result)
    assert [r["date"] for r in result.data["reports"][:2]] == [OCT31.isoformat(), "2019-11-29"]
    assert result.metadata["recipient"] == "school-07"


def test_the_cli_validates_a_file_excel_saved(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = saved(progress_form, seed, tmp_path, {"B37": number(SERIAL_2019, "[$-1070000]d/m/yyyy;@")})
    done = run("validate", path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("stored, fmt", [
    (SERIAL_2019, "[$-1070000]d/m/yyyy;@"),  # Thai Windows' own date format: Buddhist calendar, system locale
    (SERIAL_2019, "[$-107041E]d/m/yyyy"),  # the Buddhist calendar with the Thai locale (shows 31/10/2562)
    (SERIAL_2019, "[$-th-TH]d/m/yyyy"),  # a locale tag as newer Excel writes it (shows 31/10/2019)
    (SERIAL_2019, "[$-th-TH]d/m/bbbb"),  # bbbb: the B.E. year (shows 31/10/2562)
    (SERIAL_2019, 14),  # the built-in short date
    (SERIAL_2562, 14),  # 31/10/2562 typed into a Gregorian Excel: the year 2562 C.E., shown 31/10/2562
])
def test_a_date_excel_stored_as_a_serial_reads_as_the_day_meant(progress_form: Form, seed: dict[str, Any],
                                                                tmp_path: Path, stored: float, fmt: int | str) -> None:
    result = checked(saved(progress_form, seed, tmp_path, {"B37": number(stored, fmt)}))
    assert result.data["reports"][0]["date"] == OCT31.isoformat() and result.valid, errors(result)


@pytest.mark.parametrize("fmt", ["[$-1070000]d/m/yyyy;@", "[$-D07041E]d/m/yyyy", "[$-th-TH,107]d/m/yyyy", "d/m/bbbb"])
def test_a_be_year_typed_into_a_buddhist_format_shows_543_years_on(progress_form: Form, seed: dict[str, Any],
                                                                   tmp_path: Path, fmt: str) -> None:
    """Thai Excel parses a typed date in the Gregorian calendar even where the Buddhist one is set: 31/10/2562
    is stored as the year 2562 C.E., which a Buddhist-calendar format shows (and prints) as 31/10/3105. The
    date meant is read, and a warning says what the cell shows and how to type it so that it shows right."""
    result = checked(saved(progress_form, seed, tmp_path, {"B37": number(SERIAL_2562, fmt)}))
    assert result.data["reports"][0]["date"] == OCT31.isoformat() and result.valid, errors(result)
    assert result.report is not None
    warned = [f for f in result.report.findings if f.code == "date-shown-later"]
    assert [(f.cell, f.severity) for f in warned] == [("B37", "warning")]
    assert "31/10/3105" in warned[0].message_th and "31/10/2562" in warned[0].message_th


@pytest.mark.parametrize("stored, fmt", [(SERIAL_2562, 14), (SERIAL_2562, "d/m/yyyy"),
                                         (SERIAL_2019, "[$-1070000]d/m/yyyy;@")])
def test_a_date_shown_as_typed_gets_no_warning(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                               stored: float, fmt: int | str) -> None:
    result = checked(saved(progress_form, seed, tmp_path, {"B37": number(stored, fmt)}))
    assert result.report is not None and not [f for f in result.report.findings if f.code == "date-shown-later"]


def test_dates_of_a_workbook_in_the_1904_date_system(progress_form: Form, seed: dict[str, Any],
                                                    tmp_path: Path) -> None:
    """Excel for Mac's older workbooks (``<workbookPr date1904="1"/>``) count days from 1904."""
    typed = {"B37": number(SERIAL_2019 - DAYS_1904, "[$-1070000]d/m/yyyy;@")}
    result = checked(saved(progress_form, seed, tmp_path, typed, date1904=True))
    assert result.data["reports"][0]["date"] == OCT31.isoformat() and result.valid, errors(result)


def test_a_percent_excel_made_a_fraction_is_the_percent_shown(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path) -> None:
    """"10%" in a percent-formatted cell is stored as 0.1 (format 9: 0%, 10: 0.00%)."""
    result = checked(saved(progress_form, seed, tmp_path, {"D37": number(0.1, 9), "D38": number(0.2, 10)}))
    assert [r["progress_percent"] for r in result.data["reports"][:2]] == [10.0, 20.0]
    assert result.valid, errors(result)


def test_a_hundred_percent_in_a_percent_cell_is_a_hundred(progress_form: Form, seed: dict[str, Any],
                                                         tmp_path: Path) -> None:
    """"100%" (and "150%") in a percent-formatted cell is stored as 1 (1.5): the percent shown is 100."""
    typed = {"D42": number(0.7, 9), "D43": number(1.0, 9)}
    result = checked(saved(progress_form, seed, tmp_path, typed))
    assert [r["progress_percent"] for r in result.data["reports"][5:]] == [70.0, 100.0]
    assert result.valid, errors(result)


@pytest.mark.parametrize("fmt", [9, 10, "0.0%", '0" "%', "[$-41E]0.00%;[Red]-0.00%"])
def test_any_percent_format_shows_the_number_times_a_hundred(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path, fmt: int | str) -> None:
    """1.5 in a percent format shows 150 %: out of range, and said so as 150, never read as 1.5 %."""
    result = checked(saved(progress_form, seed, tmp_path, {"D43": number(1.5, fmt), "D37": number(0.1, fmt)}))
    assert result.report is not None
    found = [f for f in result.report.errors if f.cell == "D43"]
    assert found and all("150" in f.message_th for f in found), [(f.code, f.message_th) for f in found]
    assert result.data["reports"][0]["progress_percent"] == 10.0


def test_a_number_in_a_format_that_only_quotes_a_percent_sign_is_the_number(progress_form: Form,
                                                                           seed: dict[str, Any], tmp_path: Path) -> None:
    """"%" in quotes or escaped is a literal: 100 shown as "100%" is 100, not 10,000."""
    typed = {"D43": number(100.0, '0"%"'), "D42": number(70.0, "0\\%")}
    result = checked(saved(progress_form, seed, tmp_path, typed))
    assert [r["progress_percent"] for r in result.data["reports"][5:]] == [70.0, 100.0], errors(result)


def test_an_amount_typed_with_thousands_commas(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """"170,000" typed becomes the number 170000 with the format #,##0 (built-in 3)."""
    result = checked(saved(progress_form, seed, tmp_path, {"E43": number(170000.0, 3), "F6": number(180000.0, 3)}))
    assert result.data["reports"][6]["disbursed"] == 170000.0 and result.valid, errors(result)


def test_a_number_kept_as_text_by_a_leading_apostrophe(progress_form: Form, seed: dict[str, Any],
                                                      tmp_path: Path) -> None:
    typed = {"C5": text("50360000-3553", quote=True), "F5": text("2563", quote=True)}
    result = checked(saved(progress_form, seed, tmp_path, typed))
    assert result.data["project"]["code"] == "50360000-3553" and result.data["project"]["fiscal_year"] == 2563
    assert result.valid, errors(result)


def test_rich_text_and_phonetic_runs_read_as_the_plain_text(progress_form: Form, seed: dict[str, Any],
                                                           tmp_path: Path) -> None:
    """One word made bold is a run of its own in the shared string; a ``<rPh>`` run is no text of the cell."""
    typed = {"C37": Typed("rich", runs=(("จัดทำโครงการ", False), ("เพื่อขออนุมัติ", True))),
             "C38": Typed("s", seed["reports"][1]["stage"], phonetic="ソムチャイ"),
             "C39": text(f"  {seed['reports'][2]['stage']}  ")}
    result = checked(saved(progress_form, seed, tmp_path, typed))
    assert [r["stage"] for r in result.data["reports"][:3]] == [r["stage"] for r in seed["reports"][:3]]
    assert result.valid, errors(result)


def test_a_line_break_excel_escaped_as_x000d(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """Text pasted with Windows line ends keeps its CR, which Excel writes as ``_x000D_``."""
    result = checked(saved(progress_form, seed, tmp_path, {"C37": text("จัดทำโครงการ_x000D_\nเพื่อขออนุมัติ")}))
    assert result.data["reports"][0]["stage"] == "จัดทำโครงการ\nเพื่อขออนุมัติ"


def test_formulas_with_their_cached_results_and_booleans(progress_form: Form, seed: dict[str, Any],
                                                        tmp_path: Path) -> None:
    typed = {"E42": Typed("n", 10000.0, formula="5000*2"), "C37": Typed("str", "จัดทำโครงการเพื่อขออนุมัติ",
                                                                       formula='"จัดทำโครงการ"&"เพื่อขออนุมัติ"'),
             "F37": Typed("b", True), "G37": Typed("b", True)}
    result = checked(saved(progress_form, seed, tmp_path, typed))
    first = result.data["reports"][0]
    assert (first["stage"], first["on_plan"], first["on_target"]) == (seed["reports"][0]["stage"], True, True)
    assert result.data["reports"][5]["disbursed"] == 10000.0 and result.valid, errors(result)
def test_an_error_value_typed_is_no_empty_cell(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """"#N/A" typed (or pasted) into a number cell is an error value, not a formula: the cell shows #N/A,
    and the school is told so, not that the cell is empty."""
    result = checked(saved(progress_form, seed, tmp_path, {"E42": Typed("e", "#N/A"), "F5": Typed("e", "#REF!")}))
    assert {("error-value", "E42"), ("error-value", "F5")} <= set(errors(result))
    assert ("required-in-row", "E42") not in errors(result)
    assert result.report is not None
    shown = next(f for f in result.report.findings if f.cell == "E42")
    assert "#N/A" in shown.message_th and shown.message_th.startswith("ช่อง E42")


def test_the_marked_up_copy_keeps_the_percent_shown(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """The copy sent back has Text percent cells: "100%" (1 in a percent format) goes back as the percent,
    so the copy, fixed and returned, still reads 100 — not 1, which would be 1 %."""
    result = checked(saved(progress_form, seed, tmp_path, {"D42": number(0.7, 9), "D43": number(1.0, 9),
                                                           "E42": Typed("e", "#N/A")}))
    assert result.filled is not None and result.report is not None
    copy = tmp_path / "marked.xlsx"
    write_marked_up(result.filled, result.report, copy)
    again = read_filled(copy)
    assert [r["progress_percent"] for r in again.data["reports"][5:]] == [70.0, 100.0]
