"""Who is responsible, typed into an empty template in Calc, prints whole: the rows of the agency, the
person responsible and the coordinator grow to a second line as Calc fits them, in an .xlsx as in an .ods.

The .ods left these rows (a label and an empty text input, merged or not) for Calc to fit, but the .xlsx
pinned them one line tall: the name's second line was cut from the printout ("(รองผู้" and no more), and
the agency's ran over the row below it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_print import letters, printed

pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(shutil.which("pdftotext") is None,
                                                          reason="poppler-utils not installed")]

TYPED = {
    "C9": "สำนักงานเขตจอมทอง / ฝ่ายการศึกษา / กลุ่มงานส่งเสริมและพัฒนาคุณภาพการศึกษา "
          "โรงเรียนวัดบางขุนเทียนนอก (สังกัดกรุงเทพมหานคร)",
    "C10": "นางสาวจุไรรัตน์ ชุมสุวรรณรัตนพงศ์ (รองผู้อำนวยการฝ่ายวิชาการ)",
    "F10": "ว่าที่ร้อยตรีหญิงวรางคณา ศิริวัฒน์วงศ์สกุล (ฝ่ายแผน)",
}
ONE_LINE_MM = 12.0  # a 16-pt Thai line and its padding: 11.6 mm


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_names_typed_long_grow_their_rows_and_print_whole(libreoffice: Any, progress_form: Form,
                                                          tmp_path: Path, fmt: str) -> None:
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, TYPED, sheet=progress_form.sheet)
    rows_mm = libreoffice.geometry(typed, progress_form.sheet, rows=10)["rows_mm"]
    assert rows_mm[8] > ONE_LINE_MM and rows_mm[9] > ONE_LINE_MM, rows_mm[8:10]
    text, pages = printed(libreoffice, typed)
    whole = letters(text)
    for ref, value in TYPED.items():
        assert letters(value) in whole or all(letters(part) in whole for part in value.split()), ref
    assert pages == 2


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_prefilled_name_typed_over_longer_grows_its_row(libreoffice: Any, progress_form: Form,
                                                          seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """Next month's template keeps the names prefilled and open (a new coordinator, a new person
    responsible): typed over with a longer one, the row grows as in an empty template. It was pinned
    to the prefilled names' one line, and "(ผู้ประสาน" was all of the coordinator's role that printed."""
    issued, typed = tmp_path / f"next.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, issued, data=seed, lock_rows=True)
    names = {ref: TYPED[ref] for ref in ("C10", "F10")}
    libreoffice.type_into(issued, typed, names, sheet=progress_form.sheet)
    assert libreoffice.geometry(typed, progress_form.sheet, rows=10)["rows_mm"][9] > ONE_LINE_MM
    whole = letters(printed(libreoffice, typed)[0])
    for ref, value in names.items():
        assert all(letters(part) in whole for part in value.split()), ref


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_prefilled_name_left_alone_prints_on_its_one_line(libreoffice: Any, progress_form: Form,
                                                            seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """Left to Calc, a row of prefilled names is fitted to them: one line, as the template wrote it."""
    issued = tmp_path / f"next.{fmt}"
    write_template(progress_form, issued, data=seed, lock_rows=True)
    rows_mm = libreoffice.geometry(issued, progress_form.sheet, rows=10)["rows_mm"]
    assert rows_mm[8] == pytest.approx(rows_mm[9], abs=0.3) and rows_mm[9] <= ONE_LINE_MM
