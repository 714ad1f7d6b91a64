"""Issue 8, print check: every workbook sheetsync writes, printed to PDF by Calc, reads right.

``pdftotext -raw`` of each PDF (text in the order Calc draws it: cell by cell, line by line)
must show no ``###``; every line of every label and header of the form on one printed line (not
wrapped into pieces, not broken mid-word); the school's texts whole; dates in B.E.; amounts as
the form writes them ("180,000 บาท"); on the expected number of A4 pages. Texts are compared on
their base letters, spaces left out, as PDF text extraction is loose with Thai marks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.master import merge
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template
from sheetsync.check.validate import validate
from tests.libreoffice import pdf_page_sizes
from tests.test_master_support import submit

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

A4 = (210.0, 297.0)
BE_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d+)(?![\d/])")


def printed(libreoffice: Any, src: Path) -> tuple[str, int]:
    """The text of ``src`` printed to PDF by Calc, and its page count (all A4)."""
    pdf = libreoffice.convert(src, src.with_suffix(".pdf"))
    sizes = pdf_page_sizes(pdf)
    assert all(sorted(size) == pytest.approx(sorted(A4), abs=1.0) for size in sizes), sizes
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text, len(sizes)


def letters(text: str) -> str:
    """Base letters only: no spaces, no Thai marks above or below, no zero-width characters."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


def assert_form_printed_right(form: Form, text: str) -> None:
    assert "###" not in text
    printed_lines = [letters(line) for line in text.splitlines()]
    for label in form.labels:
        for line in label.text.split("\n"):
            assert any(letters(line) in p for p in printed_lines), f"{label.place.ref}: {line!r} is cut or broken"
    for day, month, year in BE_DATE.findall(text):
        assert len(year) == 4 and 2400 < int(year) < 2700, f"{day}/{month}/{year} is not a B.E. date"
    assert not re.search(r"\d\.00(?!\s*%)", text), "amounts print as 180,000 บาท, not 180,000.00"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_empty_template_prints_right(libreoffice: Any, progress_form: Form, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"empty.{fmt}"
    write_template(progress_form, path)
    text, pages = printed(libreoffice, path)
    assert_form_printed_right(progress_form, text)
    assert pages <= 2


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("next_month", [False, True])
def test_filled_sample_prints_like_the_form(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                            tmp_path: Path, fmt: str, next_month: bool) -> None:
    path = tmp_path / f"filled.{fmt}"
    write_template(progress_form, path, data=seed, lock_rows=next_month)
    text, pages = printed(libreoffice, path)
    assert_form_printed_right(progress_form, text)
    assert 1 <= pages <= 2
    for shown in ("31/10/2562", "29/4/2563", "1/10/2562", "180,000 บาท", "170,000 บาท", "10,000 บาท", "0 บาท",
                  "10.00 %", "100.00 %", "50360000-3553"):
        assert shown in text, shown
    stream = letters(text)
    for report in seed["reports"]:  # every stage text whole, report 5's long one too
        assert letters(report["stage"]) in stream, report["no"]
    if pages == 2:  # the report table's header is printed again on page 2
        second = letters(text.split("\f")[1])
        assert letters("ความก้าวหน้า") in second and letters("ของงานฯ (%)") in second
    signer = letters(seed["certification"]["signer"])
    assert (signer in stream.split(letters("ลงชื่อ"))[-1]) is not next_month  # next month: empty to sign


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_amount_with_satang_prints_them(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                           tmp_path: Path, fmt: str) -> None:
    """The form prints whole baht ("180,000 บาท"), but 170,000.50 printed as "170,001 บาท": a
    value with a fraction is shown with its satang (a conditional format), prefilled or typed."""
    seed["project"]["budget_used"] = 170000.5
    seed["reports"][1]["disbursed"] = 10000.25
    path = tmp_path / f"satang.{fmt}"
    write_template(progress_form, path, data=seed)
    text, _ = printed(libreoffice, path)
    amounts = re.findall(r"[\d,.]+ บาท", text)
    assert "170,000.50 บาท" in amounts and "10,000.25 บาท" in amounts
    assert "180,000 บาท" in amounts and "170,001 บาท" not in amounts and "10,000 บาท" in amounts


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_report_amount_with_satang_prints_whole_on_one_line(libreoffice: Any, progress_form: Form,
                                                             tmp_path: Path, fmt: str) -> None:
    """The seed's last payment with satang, typed in a report row (column E, as wide as "170,000 บาท"):
    the .ods printed ### and the .xlsx split off "บาท" onto a second line; it shrinks to fit instead."""
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    amounts = ["169,999.50", "999,999.99", "1,234,567.89", "170,000"]
    libreoffice.type_into(blank, typed, {f"E{37 + i}": a for i, a in enumerate(amounts)}, sheet=progress_form.sheet)
    text, _ = printed(libreoffice, typed)
    assert "###" not in text
    for amount in amounts:
        assert f"{amount} บาท" in text, amount


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_rationale_longer_than_a_row_prints_whole(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                    tmp_path: Path, fmt: str) -> None:
    """Issue 8: a text needing more than Excel's 409 pt row is split over its block's rows, not cut."""
    seed["rationale"] = "\n".join([seed["rationale"]] * 3)  # ~4,500 characters: ~1,400 pt of text
    for report in seed["reports"]:
        report["stage"] = "ดำเนินการตามแผน"  # column C keeps the layout's width
    path = tmp_path / f"long.{fmt}"
    write_template(progress_form, path, data=seed, lock_rows=True)
    text, pages = printed(libreoffice, path)
    assert_form_printed_right(progress_form, text)
    assert letters(seed["rationale"]) in letters(text)
    assert pages <= 3


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_marked_up_file_prints_cleanly(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                       tmp_path: Path, fmt: str) -> None:
    seed["reports"][5]["disbursed"] = 100000  # a mistyped amount: findings quote 100,000 and 270,000
    seed["reports"][2]["progress_percent"] = 15  # progress went down: the finding quotes 15
    seed["project"]["fiscal_year"] = 2564  # the year disagrees with both dates: quoted as 2564
    seed["reports"][2]["stage"] = "ขั้นที่หนึ่ง\n" + "เครือข่ายโรงเรียนเตรียมวางแผนกำหนดรายละเอียดกิจกรรม " * 6
    school = tmp_path / f"school.{fmt}"
    write_template(progress_form, school, data=seed)
    filled = read_filled(school)
    marked = tmp_path / f"marked.{fmt}"
    write_marked_up(filled, validate(filled), marked)
    text, pages = printed(libreoffice, marked)
    assert_form_printed_right(progress_form, text)
    assert not re.search(r"\d\.0(?!\d)", text), "values print as typed (15, 270,000), not 15.0 or 270000.0"
    assert "100,000" in text and "2564" in text and "2,564" not in text
    stream = letters(text)
    # The findings list is for the screen (tests/test_print_marked.py): the paper is the form's pages.
    for header in ("ช่อง / Cell", "ระดับ / Severity", "สิ่งที่ต้องทำ / What to do"):
        assert letters(header) not in stream, header
    assert letters(seed["reports"][2]["stage"]) in stream  # the school's long text, not clipped
    assert pages <= 2


def test_master_prints_without_hashes(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                      tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, seed, "s1")], master)
    text, pages = printed(libreoffice, master)
    assert "###" not in text
    for day, month, year in BE_DATE.findall(text):
        assert len(year) == 4 and 2400 < int(year) < 2700, f"{day}/{month}/{year} is not a B.E. date"
    assert "31/10/2562" in text and pages >= 1
    lines = [letters(line) for line in text.splitlines()]
    book = CalamineWorkbook.from_path(str(master))
    for meta in book.sheets_metadata:
        if str(meta.visible) != str(type(meta.visible).Visible):
            continue  # hidden sheets are not printed
        header = book.get_sheet_by_name(meta.name).to_python()[1]  # row 1 is the "generated" line
        name = meta.name
        # Calc may wrap Thai between dictionary words (ของ|งบประมาณ), which is right; a unit in
        # brackets such as (บาท) or (ครั้งที่) is one word that a narrow column used to cut: (บา|ท).
        units = {w for cell in header if isinstance(cell, str) for w in cell.split() if re.fullmatch(r"\(.+\)", w)}
        assert units or name != "สรุป"
        for word in units:
            assert any(letters(word) in line for line in lines), f"{name}: header word {word!r} is broken in print"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_date_typed_in_thai_digits_prints_on_one_line(libreoffice: Any, progress_form: Form, tmp_path: Path,
                                                         fmt: str) -> None:
    # "๒๙/๑๑/๒๕๖๒" is wider than "29/11/2562": it wrapped as "๒๙/๑๑/๒๕๖" / "๒" in the date column.
    path = tmp_path / f"empty.{fmt}"
    write_template(progress_form, path)
    typed = tmp_path / f"typed.{fmt}"
    libreoffice.type_into(path, typed, {"B37": "๒๙/๑๑/๒๕๖๒", "C6": "๑/๑๐/๒๕๖๒"}, sheet=progress_form.sheet)
    text, _ = printed(libreoffice, typed)
    lines = [line.strip() for line in text.splitlines()]
    assert any("๒๙/๑๑/๒๕๖๒" in line for line in lines), [line for line in lines if "๒" in line]
    assert any("๑/๑๐/๒๕๖๒" in line for line in lines)
