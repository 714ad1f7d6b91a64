"""An amount written as Thai official documents write it: the digits, then the same amount in words in
brackets ("170,000 บาท (หนึ่งแสนเจ็ดหมื่นบาทถ้วน)"). It was "not a number"; it is the amount when the
words say the same as the digits, and an error quoting both when they do not (the office cannot know
which one the school meant)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.bahttext import read_baht_words
from sheetsync.check.coerce import CoerceError, parse_amount
from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template


@pytest.mark.parametrize(("words", "amount"), [
    ("หนึ่งแสนเจ็ดหมื่นบาทถ้วน", "170000"),
    ("หนึ่งแสนเจ็ดหมื่นบาท", "170000"),
    ("หนึ่งแสนเจ็ดหมื่นบาทตรง", "170000"),
    ("หนึ่งบาทถ้วน", "1"),
    ("สิบบาทถ้วน", "10"),
    ("สิบเอ็ดบาทถ้วน", "11"),
    ("ยี่สิบเอ็ดบาทถ้วน", "21"),
    ("ยี่สิบบาทถ้วน", "20"),
    ("หนึ่งร้อยเอ็ดบาทถ้วน", "101"),
    ("หนึ่งร้อยหนึ่งบาทถ้วน", "101"),  # spoken, but says 101 as well
    ("สองพันห้าบาทถ้วน", "2005"),  # as bahttext writes 2,005 (never 2,500)
    ("สามหมื่นสองพันห้าร้อยบาทถ้วน", "32500"),
    ("เก้าแสนเก้าหมื่นเก้าพันเก้าร้อยเก้าสิบเก้าบาทถ้วน", "999999"),
    ("หนึ่งล้านบาทถ้วน", "1000000"),
    ("หนึ่งล้านห้าแสนบาทถ้วน", "1500000"),
    ("สิบสองล้านสามแสนสี่หมื่นห้าพันหกร้อยเจ็ดสิบแปดบาทถ้วน", "12345678"),
    ("ยี่สิบเอ็ดล้านเอ็ดบาทถ้วน", "21000001"),
    ("หนึ่งล้านล้านบาทถ้วน", "1000000000000"),
    ("หนึ่งร้อยบาทห้าสิบสตางค์", "100.50"),
    ("หนึ่งหมื่นสองพันสามร้อยสี่สิบห้าบาทยี่สิบเอ็ดสตางค์", "12345.21"),
    ("ห้าสิบสตางค์", "0.50"),
    ("ศูนย์บาทถ้วน", "0"),
    ("หนึ่ง แสน เจ็ด หมื่น บาท ถ้วน", "170000"),  # spaced out
    ("  หนึ่งแสนเจ็ดหมื่นบาทถ้วน\u200b", "170000"),
])
def test_baht_words_are_read(words: str, amount: str) -> None:
    assert read_baht_words(words) == Decimal(amount)


@pytest.mark.parametrize("words", [
    "", "บาท", "ถ้วน", "หนึ่งแสนเจ็ดหมื่น",  # no บาท or สตางค์: a number, not an amount
    "งวดที่หนึ่ง", "หนึ่งแสนเจ็ดหมื่นบาทถ้วนครับ", "170000บาท",
    "เจ็ดหมื่นหนึ่งแสนบาท",  # units out of order
    "หนึ่งสองบาท", "ยี่บาท", "ยี่ร้อยบาท", "เอ็ดบาท", "หนึ่งแสนแสนบาท", "ศูนย์ร้อยบาท", "หนึ่งศูนย์บาท",
    "ร้อยสตางค์บาท", "หนึ่งร้อยสตางค์", "หนึ่งบาทหนึ่งร้อยสตางค์", "หนึ่งบาทถ้วนห้าสิบสตางค์", "บาทถ้วน",
    "หนึ่งบาทบาท",
])
def test_what_is_no_baht_text_is_refused(words: str) -> None:
    assert read_baht_words(words) is None


@pytest.mark.parametrize(("typed", "amount"), [
    ("170,000 บาท (หนึ่งแสนเจ็ดหมื่นบาทถ้วน)", 170000.0),
    ("170,000.- บาท (หนึ่งแสนเจ็ดหมื่นบาทถ้วน)", 170000.0),
    ("170,000บาท(หนึ่งแสนเจ็ดหมื่นบาทถ้วน)", 170000.0),
    ("๑๗๐,๐๐๐ บาท ( หนึ่งแสนเจ็ดหมื่นบาทถ้วน )", 170000.0),
    ("170000 (หนึ่งแสนเจ็ดหมื่นบาทถ้วน)", 170000.0),
    ("1,250.50 บาท (หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์)", 1250.5),
])
def test_an_amount_with_the_same_words_is_the_amount(typed: str, amount: float) -> None:
    assert parse_amount(typed) == amount


def test_words_that_disagree_with_the_digits_are_an_error_quoting_both() -> None:
    with pytest.raises(CoerceError) as caught:
        parse_amount("170,000 บาท (หนึ่งแสนเจ็ดพันบาทถ้วน)")
    assert caught.value.code == "amount-words-disagree"
    assert caught.value.params == {"digits": "170,000", "words": "หนึ่งแสนเจ็ดพันบาทถ้วน", "words_amount": "107,000"}


@pytest.mark.parametrize("typed", ["170,000 บาท (งวดที่ 1)", "170,000 บาท ()", "(หนึ่งแสนเจ็ดหมื่นบาทถ้วน)",
                                   "170,000 บาท (หนึ่งแสน) (เจ็ดหมื่นบาท)"])
def test_brackets_that_hold_no_amount_in_words_are_still_not_a_number(typed: str) -> None:
    with pytest.raises(CoerceError) as caught:
        parse_amount(typed)
    assert caught.value.code == "not-a-number"


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_amounts_typed_with_words_in_calc(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                          tmp_path: Path, fmt: str) -> None:
    """Typed into the sample's report rows in Calc: E43 says 170,000 both ways and reads as the sample;
    E42 says 10,000 in digits and 100,000 in words, one error on E42 that quotes both, Thai first."""
    issued, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, issued, data=seed)
    libreoffice.type_into(issued, typed, {"E43": "170,000 บาท (หนึ่งแสนเจ็ดหมื่นบาทถ้วน)",
                                          "E42": "10,000 บาท (หนึ่งแสนบาทถ้วน)"}, sheet=progress_form.sheet)
    filled = read_filled(typed)
    assert filled.data["reports"][6]["disbursed"] == seed["reports"][6]["disbursed"] == 170000
    report = validate(filled)
    assert [(f.cell, f.code, f.severity) for f in report.findings] == [("E42", "amount-words-disagree", "error")]
    said = report.findings[0]
    assert said.message_th.startswith("ช่อง E42") and "10,000" in said.message_th
    assert "หนึ่งแสนบาทถ้วน" in said.message_th and "100,000" in said.message_th
    assert "10,000" in said.message_en and "หนึ่งแสนบาทถ้วน" in said.message_en
