"""An amount a teacher types the way Thai paperwork writes it, and Calc keeps as text: a dash for
"none" ("-", as a form's blank money box is filled by hand), or the amount in round words ("1.5 แสน",
"2 หมื่นบาท"). Neither is read as a number (a dash may be a slip, and words are not what the cell asks
for), but she was told only to type digits "such as 10000": a teacher who spent nothing was sent to type
an amount, and one who wrote 1.5 แสน to work out its digits. The message says what to type instead:
0 where there is none, and the very number her words make."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

# cell -> (typed, what the message says to type, in Thai and in English)
TYPED = {
    "E43": ("-", "พิมพ์ 0", "type 0"),
    "E42": ("1.5 แสน", "150000", "150000"),
    "F7": ("๒ หมื่นบาท", "20000", "20000"),
}


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_dash_or_an_amount_in_words_is_told_what_to_type(libreoffice: Any, progress_form: Form,
                                                          seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    issued, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, issued, data=seed)
    cells = libreoffice.type_into(issued, typed, {ref: text for ref, (text, _, _) in TYPED.items()},
                                  sheet=progress_form.sheet)
    assert all(cells[ref]["type"] == "text" for ref in TYPED), cells  # Calc keeps each as she typed it
    said = {f.cell: f for f in validate(read_filled(typed)).findings if f.code == "not-a-number"}
    assert set(said) == set(TYPED)
    for ref, (_, th, en) in TYPED.items():
        assert said[ref].message_th.startswith(f"ช่อง {ref}") and th in said[ref].message_th, said[ref].message_th
        assert en in said[ref].message_en and "10000" not in said[ref].message_th, said[ref].message_en


def test_what_is_said_for_a_dash_or_words_without_calc(progress_form: Form, seed: dict[str, Any],
                                                       tmp_path: Path) -> None:
    """The same text, put in by openpyxl; a European "1,2 ล้าน" (a decimal comma or a slip?) is no
    number to quote back, and is told as any other text."""
    issued = tmp_path / "issued.xlsx"
    write_template(progress_form, issued, data=seed)
    book = openpyxl.load_workbook(issued)
    sheet = book[progress_form.sheet]
    for ref, text in {"E43": "—", "E42": "1.5แสน", "E41": "1,2 ล้าน"}.items():
        sheet[ref] = text
    book.save(typed := tmp_path / "typed.xlsx")
    said = {f.cell: f.message_th for f in validate(read_filled(typed)).findings if f.code == "not-a-number"}
    assert "พิมพ์ 0" in said["E43"] and "150000" in said["E42"]
    assert said["E41"].endswith("เช่น 10000"), said["E41"]


def _said(progress_form: Form, seed: dict[str, Any], tmp_path: Path, typed: dict[str, str]) -> dict[str, Any]:
    """The not-a-number findings, by cell, of a template with ``typed`` put in by openpyxl."""
    issued = tmp_path / "issued.xlsx"
    write_template(progress_form, issued, data=seed)
    book = openpyxl.load_workbook(issued)
    for ref, text in typed.items():
        book[progress_form.sheet][ref] = text
    book.save(path := tmp_path / "typed.xlsx")
    return {f.cell: f for f in validate(read_filled(path)).findings if f.code == "not-a-number"}


def test_the_number_words_make_is_said_exactly(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """1.234567 พัน is 1234.567, not the 1,234.57 a float shown to the satang made of it; 2.35 ล้าน and
    1.1 แสน are whole, with no float's tail."""
    said = _said(progress_form, seed, tmp_path, {"E42": "1.234567 พัน", "E43": "2.35 ล้าน", "E41": "1.1 แสน"})
    assert "ให้พิมพ์ 1234.567" in said["E42"].message_th, said["E42"].message_th
    assert "1,234.57" not in said["E42"].message_th
    assert "ให้พิมพ์ 2350000" in said["E43"].message_th and "ให้พิมพ์ 110000" in said["E41"].message_th
    assert "110000.0" not in said["E41"].message_th


def test_words_for_a_number_no_sheet_keeps_get_no_number(progress_form: Form, seed: dict[str, Any],
                                                         tmp_path: Path) -> None:
    """A number of more digits than Excel and Calc keep (15) is quoted back as no number: 29 digits were
    rounded to 28 (a wrong number to type), and 4,400 stopped the whole check (Python turns no int of
    over 4,300 digits into text)."""
    typed = {"E42": "1234567890123456789012345678.9 พัน", "E43": "1" * 4400 + " ล้าน"}
    said = _said(progress_form, seed, tmp_path, typed)
    assert "1234567890123456789012345679000" not in said["E42"].message_th
    for ref in typed:
        assert said[ref].message_th.endswith("เช่น 10000"), said[ref].message_th[-80:]


def test_words_are_quoted_back_as_short_as_any_value(progress_form: Form, seed: dict[str, Any],
                                                     tmp_path: Path) -> None:
    """What she typed is quoted in the hint as the message quotes any value (cut short): 30,000 spaces
    between the number and its word went into both languages of the message whole."""
    said = _said(progress_form, seed, tmp_path, {"E42": "1.5" + " " * 30_000 + "แสน"})
    assert "ให้พิมพ์ 150000" in said["E42"].message_th
    assert len(said["E42"].message_th) < 1000 and len(said["E42"].message_en) < 1000
