"""Tests for sheetsync.check.coerce: what teachers really type into the form's cells."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

import pytest

from sheetsync.check.coerce import (
    CoerceError,
    ascii_digits,
    format_be_date,
    is_blank,
    parse_amount,
    parse_choice,
    parse_code,
    parse_date,
    parse_lines,
    parse_percent,
    parse_text,
    parse_whole,
    thai_digits_to_arabic,
)

PLAN = {True: "เป็นไปตามแผน", False: "ไม่เป็นไปตามแผน"}
LEVELS = {"primary": "ประถมศึกษา", "secondary": "มัธยมศึกษา", "both": "ประถม และ มัธยม"}


def _code(func: object, *args: object) -> str:
    assert callable(func)
    with pytest.raises(CoerceError) as info:
        func(*args)
    assert info.value.raw is args[0]
    return info.value.code


# --- helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "blank"),
    [("", True), ("   ", True), ("\n\t ", True), ("\u200b", True), (None, True),
     ("x", False), (0.0, False), (False, False), (date(2020, 1, 1), False)],
)  # fmt: skip
def test_is_blank(raw: object, blank: bool) -> None:
    assert is_blank(raw) is blank


@pytest.mark.parametrize(
    ("text", "expected"),
    [("๐๑๒๓๔๕๖๗๘๙", "0123456789"), ("๒๙/๑๑/๒๕๖๒", "29/11/2562"),
     ("ปี ๒๕๖๓ ข้อ 3", "ปี 2563 ข้อ 3"), ("", "")],
)  # fmt: skip
def test_thai_digits_to_arabic(text: str, expected: str) -> None:
    assert thai_digits_to_arabic(text) == expected


def test_coerce_error_carries_code_and_raw() -> None:
    error = CoerceError("not-a-date", "31/2/2563")
    assert isinstance(error, ValueError)
    assert (error.code, error.raw) == ("not-a-date", "31/2/2563")
    assert "not-a-date" in str(error) and "31/2/2563" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.raw) == ("not-a-date", "31/2/2563")


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # real date cells; a Thai-locale LibreOffice stores typed B.E. dates as year 25xx
        (date(2562, 10, 31), date(2019, 10, 31)),
        (date(2019, 10, 31), date(2019, 10, 31)),
        (datetime(2020, 2, 28, 0, 0), date(2020, 2, 28)),
        (datetime(2020, 2, 28, 15, 45, 10), date(2020, 2, 28)),
        (datetime(2563, 2, 28, 0, 0), date(2020, 2, 28)),
        # d/m/yyyy in B.E. (the form's own examples)
        ("31/10/2562", date(2019, 10, 31)),
        ("29/11/2562", date(2019, 11, 29)),
        ("29/1/2563", date(2020, 1, 29)),
        ("28/2/2563", date(2020, 2, 28)),
        ("29/4/2563", date(2020, 4, 29)),
        ("29/2/2563", date(2020, 2, 29)),  # 2563 B.E. = 2020, a leap year
        ("01/02/2563", date(2020, 2, 1)),
        (" 28/2/2563 ", date(2020, 2, 28)),
        ("28 / 2 / 2563", date(2020, 2, 28)),
        ("28/2/2563 00:00:00", date(2020, 2, 28)),
        # other separators, C.E. years, 2-digit B.E. years
        ("28-2-2563", date(2020, 2, 28)),
        ("28.2.2563", date(2020, 2, 28)),
        ("28/2/2020", date(2020, 2, 28)),
        ("28-02-2020", date(2020, 2, 28)),
        ("28/2/63", date(2020, 2, 28)),
        ("5/12/99", date(2056, 12, 5)),
        # Thai digits
        ("๒๙/๑๑/๒๕๖๒", date(2019, 11, 29)),
        ("๒๙ พ.ย. ๒๕๖๒", date(2019, 11, 29)),
        # ISO
        ("2019-10-01", date(2019, 10, 1)),
        ("2019-10-01 00:00:00", date(2019, 10, 1)),
        ("2019-10-01T08:30", date(2019, 10, 1)),
        ("2562-10-01", date(2019, 10, 1)),
        ("2019/10/01", date(2019, 10, 1)),
        # Thai month names and abbreviations
        ("29 พ.ย. 2562", date(2019, 11, 29)),
        ("13 ก.พ.2563", date(2020, 2, 13)),
        ("2 มีนาคม 2563", date(2020, 3, 2)),
        ("27 ก.พ. 63", date(2020, 2, 27)),
        ("27 กพ 63", date(2020, 2, 27)),
        ("27 ก. พ. 2563", date(2020, 2, 27)),
        ("27ก.พ.2563", date(2020, 2, 27)),
        ("วันที่ 2 มีนาคม 2563", date(2020, 3, 2)),
        ("วันที่ 31/10/2562", date(2019, 10, 31)),
        ("ณ วันที่ 2 มีนาคม พ.ศ. 2563", date(2020, 3, 2)),
        ("2  มีนาคม\u200b  2563", date(2020, 3, 2)),
        ("1 มกราคม 2563", date(2020, 1, 1)),
        ("1 ม.ค. 2563", date(2020, 1, 1)),
        ("1 กุมภาพันธ์ 2563", date(2020, 2, 1)),
        ("1 มี.ค. 2563", date(2020, 3, 1)),
        ("1 เมษายน 2563", date(2020, 4, 1)),
        ("1 เม.ย. 2563", date(2020, 4, 1)),
        ("1 พฤษภาคม 2563", date(2020, 5, 1)),
        ("1 พ.ค. 2563", date(2020, 5, 1)),
        ("1 มิถุนายน 2563", date(2020, 6, 1)),
        ("1 มิ.ย. 2563", date(2020, 6, 1)),
        ("1 กรกฎาคม 2563", date(2020, 7, 1)),
        ("1 กรกฏาคม 2563", date(2020, 7, 1)),
        ("1 ก.ค. 2563", date(2020, 7, 1)),
        ("1 สิงหาคม 2563", date(2020, 8, 1)),
        ("1 ส.ค. 2563", date(2020, 8, 1)),
        ("1 กันยายน 2563", date(2020, 9, 1)),
        ("1 ก.ย. 2563", date(2020, 9, 1)),
        ("1 ตุลาคม 2562", date(2019, 10, 1)),
        ("1 ต.ค. 2562", date(2019, 10, 1)),
        ("1 พฤศจิกายน 2562", date(2019, 11, 1)),
        ("1 ธันวาคม 2562", date(2019, 12, 1)),
        ("1 ธ.ค. 2562", date(2019, 12, 1)),
    ],
)
def test_parse_date(raw: object, expected: date) -> None:
    result = parse_date(raw)
    assert result == expected
    assert type(result) is date


@pytest.mark.parametrize(
    "raw",
    [
        "32/1/2563",
        "1/13/2563",
        "0/1/2563",
        "1/1/256",
        "2563",
        "28/2",
        "หนึ่ง มกราคม 2563",
        "1 มกรา 2563",
        "1 ธค",
        "yesterday",
        "",
        43861.0,  # a serial number is a slip, not a date
        43861,
        True,
        timedelta(days=3),
        None,
        "1 ² 2563",  # not a digit to int(), though str.isdigit() says it is
        "١/٢/٢٥٦٣",  # Arabic-Indic digits: nobody types them on a Thai form
    ],
)
def test_parse_date_rejects(raw: object) -> None:
    assert _code(parse_date, raw) == "not-a-date"


@pytest.mark.parametrize(
    ("raw", "day", "month", "days", "year"),
    [
        ("31/2/2563", 31, 2, 29, 2563),  # 2563 B.E. = 2020, a leap year
        ("29/2/2562", 29, 2, 28, 2562),  # 2562 B.E. = 2019, not a leap year
        ("31/4/2563", 31, 4, 30, 2563),
        ("๓๑ ก.พ. ๒๕๖๓", 31, 2, 29, 2563),
        ("2019-02-30", 30, 2, 28, 2562),
        (date(2564, 2, 29), 29, 2, 28, 2564),  # stored as a leap day, but 2564 B.E. = 2021 has none
    ],
)
def test_parse_date_names_a_day_the_month_does_not_have(raw: object, day: int, month: int, days: int,
                                                        year: int) -> None:
    with pytest.raises(CoerceError) as info:
        parse_date(raw)
    assert info.value.code == "no-such-day" and info.value.raw is raw
    assert dict(info.value.params) == {"day": day, "month": month, "days": days, "year": year, "year_ce": year - 543}
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.code, dict(copy.params)) == ("no-such-day", dict(info.value.params))


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2020, 2, 28), "28/2/2563"), (date(2019, 10, 31), "31/10/2562"),
     (date(2020, 1, 1), "1/1/2563"), (datetime(2020, 4, 29, 13, 0), "29/4/2563")],
)  # fmt: skip
def test_format_be_date(day: date, expected: str) -> None:
    assert format_be_date(day) == expected


def test_format_be_date_round_trips() -> None:
    day = date(2020, 2, 29)
    assert parse_date(format_be_date(day)) == day


# --- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (180000, 180000.0),
        (180000.0, 180000.0),
        (180000.5, 180000.5),
        (-5.0, -5.0),
        (0.0, 0.0),
        ("180,000", 180000.0),
        ("180000", 180000.0),
        ("180,000 บาท", 180000.0),
        ("170,000 บาท", 170000.0),
        ("180,000.50บาท", 180000.5),
        ("๑๘๐,๐๐๐", 180000.0),
        ("๑๘๐,๐๐๐ บาท", 180000.0),
        (" 10,000 ", 10000.0),
        ("1,234,567.89", 1234567.89),
        ("-5", -5.0),
        ("\u22125", -5.0),
        ("+5", 5.0),
        ("0", 0.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("180,000.-", 180000.0),
        ("180,000.- บาท", 180000.0),
        ("180,000 บาทถ้วน", 180000.0),
        ("180,000 บ.", 180000.0),  # บ.: the abbreviation of บาท
        ("180,000.-บ.", 180000.0),
        ("฿180,000", 180000.0),
    ],
)
def test_parse_amount(raw: object, expected: float) -> None:
    result = parse_amount(raw)
    assert result == expected
    assert type(result) is float


@pytest.mark.parametrize(
    "raw",
    ["", "บาท", "หนึ่งแสน", "18,0000", "180,00", "1,80,000", "1.2.3", "nan", "inf",
     "1e5", "1_000", "10 000", "65%", "-", ".", True, False, float("nan"), float("inf"),
     date(2020, 1, 1), None, "9" * 400, 10**400, "²"],
)  # fmt: skip
def test_parse_amount_rejects(raw: object) -> None:
    assert _code(parse_amount, raw) == "not-a-number"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(2563, 2563), (2563.0, 2563), ("2563", 2563), ("๒๕๖๓", 2563), ("2,563", 2563),
     (" 12 ", 12), ("2563.0", 2563), ("-3", -3), (0.0, 0), (1e15, 10**15)],
)  # fmt: skip
def test_parse_whole(raw: object, expected: int) -> None:
    result = parse_whole(raw)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (2563.5, "not-a-whole-number"),
        ("2563.5", "not-a-whole-number"),
        ("๒๕๖๓.๕", "not-a-whole-number"),
        (0.1, "not-a-whole-number"),
        ("สองพัน", "not-a-number"),
        ("", "not-a-number"),
        ("12 คน", "not-a-number"),
        ("1e3", "not-a-number"),
        (True, "not-a-number"),
        (float("nan"), "not-a-number"),
        (10**400, "not-a-number"),
        ("²", "not-a-number"),
        (date(2020, 1, 1), "not-a-number"),
    ],
)
def test_parse_whole_rejects(raw: object, code: str) -> None:
    assert _code(parse_whole, raw) == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # typed into a text-formatted cell
        ("65", 65.0),
        ("65.00", 65.0),
        ("65 %", 65.0),
        ("65%", 65.0),
        ("๖๕ %", 65.0),
        (" 65.5 % ", 65.5),
        ("ร้อยละ 65", 65.0),
        ("65 เปอร์เซ็นต์", 65.0),
        ("0.65", 0.65),  # typed literally: 0.65 percent
        ("100", 100.0),
        ("0", 0.0),
        # a real number: 0 < v < 1 is a percent-formatted fraction
        (0.65, 65.0),
        (0.07, 7.0),
        (0.655, 65.5),
        (0.5, 50.0),
        (65.0, 65.0),
        (65, 65.0),
        (0, 0.0),
        (0.0, 0.0),
        (1.0, 1.0),
        (100.0, 100.0),
    ],
)
def test_parse_percent(raw: object, expected: float) -> None:
    result = parse_percent(raw)
    assert result == expected
    assert type(result) is float


@pytest.mark.parametrize(
    "raw",
    ["", "%", "หกสิบห้า", "65 % %", "65 บาท", "6 5", True, float("nan"), 10**400,
     date(2020, 1, 1), None],
)  # fmt: skip
def test_parse_percent_rejects(raw: object) -> None:
    assert _code(parse_percent, raw) == "not-a-percent"


# --- choices -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("เป็นไปตามแผน", True),
        ("ไม่เป็นไปตามแผน", False),  # contains the other label: whole-string match only
        ("  ไม่เป็นไปตามแผน\n", False),
        ("เป็นไปตามแผน\u200b", True),
        (True, True),
        (False, False),
        ("true", True),
        ("TRUE", True),
        ("False", False),
        ("ใช่", True),
        ("ไม่ใช่", False),
        ("✓", True),
    ],
)
def test_parse_choice_boolean(raw: object, expected: bool) -> None:
    assert parse_choice(raw, PLAN) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ประถมศึกษา", "primary"), (" มัธยมศึกษา ", "secondary"), ("primary", "primary"),
     ("secondary", "secondary"), ("ประถม   และ\nมัธยม", "both"), ("both", "both")],
)  # fmt: skip
def test_parse_choice_strings(raw: object, expected: str) -> None:
    assert parse_choice(raw, LEVELS) == expected


def test_parse_choice_normalises_thai_typing() -> None:
    # NFD input, sara e typed twice for sara ae, nikhahit + sara aa for sara am
    choices = {"a": "แผนงาน", "b": "ดำเนินการ", "c": "café"}
    assert parse_choice("เเผนงาน", choices) == "a"
    assert parse_choice("ด\u0e4d\u0e32เนินการ", choices) == "b"
    assert parse_choice("cafe\u0301", choices) == "c"


def test_parse_choice_numbers() -> None:
    assert parse_choice(2.0, {1: "หนึ่ง", 2: "สอง"}) == 2
    assert parse_choice("2", {1: "หนึ่ง", 2: "สอง"}) == 2
    assert parse_choice(2.5, {2.5: "สองครึ่ง"}) == 2.5
    assert parse_choice(3.0, {"x": "3"}) == "x"


def test_parse_choice_prefers_labels_over_values() -> None:
    assert parse_choice("b", {"b": "c", "a": "b"}) == "a"


@pytest.mark.parametrize(
    ("raw", "choices"),
    [
        ("ตามแผน", PLAN),
        ("เป็นไปตามแผนครับ", PLAN),
        ("", PLAN),
        ("yes", PLAN),
        ("1", PLAN),
        (1.0, PLAN),
        (None, PLAN),
        (date(2020, 1, 1), PLAN),
        ("true", LEVELS),  # boolean words only count for boolean choices
        ("✓", LEVELS),
        (True, LEVELS),
        ("ประถม", LEVELS),
        ("Primary", LEVELS),
        (True, {1: "หนึ่ง"}),  # True == 1 in Python, but not to us
    ],
)
def test_parse_choice_rejects(raw: object, choices: Mapping[object, str]) -> None:
    assert _code(parse_choice, raw, choices) == "not-a-choice"


# --- text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  โรงเรียนบ้านหนองบัว  ", "โรงเรียนบ้านหนองบัว"),
        ("บรรทัดหนึ่ง\r\nบรรทัดสอง", "บรรทัดหนึ่ง\nบรรทัดสอง"),
        ("a\rb", "a\nb"),
        ("\n a \n b \n", "a \n b"),
        ("\u200bข้อความ\u200b", "ข้อความ"),
        ("", ""),
        (123.0, "123"),
        (1030100123.0, "1030100123"),
        (123, "123"),
        (-4.0, "-4"),
        (12.5, "12.5"),
        (0.1, "0.1"),
        (date(2019, 10, 31), "2019-10-31"),
        (date(2562, 10, 31), "2019-10-31"),
        (datetime(2020, 2, 28, 0, 0), "2020-02-28"),
        (datetime(2020, 2, 28, 9, 30), "2020-02-28 09:30:00"),
        (date(2564, 2, 29), "2564-02-29"),  # impossible in B.E.: kept as stored
    ],
)
def test_parse_text(raw: object, expected: str) -> None:
    assert parse_text(raw) == expected


@pytest.mark.parametrize("raw", [True, None, timedelta(hours=1), float("nan"), [1]])
def test_parse_text_rejects(raw: object) -> None:
    assert _code(parse_text, raw) == "not-text"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("โรงเรียน ก\nโรงเรียน ข", ["โรงเรียน ก", "โรงเรียน ข"]),
        ("โรงเรียน ก\r\nโรงเรียน ข\r\n", ["โรงเรียน ก", "โรงเรียน ข"]),
        ("  โรงเรียน ก  \n\n   \n โรงเรียน ข ", ["โรงเรียน ก", "โรงเรียน ข"]),
        ("โรงเรียนเดียว", ["โรงเรียนเดียว"]),
        ("", []),
        ("\n \n", []),
        (123.0, ["123"]),
    ],
)
def test_parse_lines(raw: object, expected: list[str]) -> None:
    assert parse_lines(raw) == expected


def test_parse_lines_rejects() -> None:
    assert _code(parse_lines, True) == "not-text"


ODD_VALUES: list[object] = [None, True, 1, -0.0, 1e308, float("inf"), 10**400, date.max, date.min,
              datetime.max, timedelta(1), b"x", [], "9" * 5000, "1," * 3000, "²", "٣",
              "\u200b", "1 " + "ก" * 5000 + " 2563", "๐/๐/๐๐", "-.", "+", "..."]  # fmt: skip


@pytest.mark.parametrize("raw", ODD_VALUES)
@pytest.mark.parametrize(
    "parse",
    [parse_date, parse_amount, parse_whole, parse_percent, parse_text, parse_lines,
     lambda raw: parse_choice(raw, PLAN)],
)  # fmt: skip
def test_only_coerce_errors_escape(parse: Callable[[object], object], raw: object) -> None:
    try:
        parse(raw)
    except CoerceError:
        pass


# --- codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("๕๐๓๖๐๐๐๐-๓๕๕๓", "50360000-3553"), ("50360000-3553", "50360000-3553"),
     ("５０３６００００-３５５３", "50360000-3553"), ("٥٠٣٦", "5036"), (" ๑๒๓ ", "123"),
     (50360000.0, "50360000"), ("รหัส ๑", "รหัส 1")],
)  # fmt: skip
def test_parse_code_makes_every_digit_ascii(raw: object, expected: str) -> None:
    assert parse_code(raw) == expected


@pytest.mark.parametrize("raw", ["5036\u200b0000-3553", "50360000\u200d-3553", "\ufeff5036\u20600000-3553",
                                 "5036\u200c0000-3553"])
def test_a_code_pasted_with_invisible_characters_is_the_code(raw: str) -> None:
    # Pasted from LINE, a web page or a PDF: the finding quoted "50360000-3553" as the wrong form, the same
    # to the eye as the code it asked for, and the school could not see what to change.
    assert parse_code(raw) == "50360000-3553"


def test_ascii_digits_leaves_other_text_alone() -> None:
    assert ascii_digits("ด้านที่ ๓ - มหานคร ²") == "ด้านที่ 3 - มหานคร ²"  # "²" is a digit to isdigit, not a decimal


@pytest.mark.parametrize(("typed", "day"), [("29/11/62", date(2019, 11, 29)), ("31/12/62", date(2019, 12, 31)),
                                            ("2019-11-29", date(2019, 11, 29))])
def test_dates_pasted_past_the_cells_rule_are_read_as_the_readme_says(typed: str, day: date) -> None:
    # A two-digit year is the Buddhist Era's (62 = 2562), as Thai people write it; ISO is ISO.
    assert parse_date(typed) == day


def test_the_apostrophe_typed_in_front_is_no_part_of_the_value() -> None:
    """Calc 7.4 keeps the apostrophe typed before text (Excel never does): it is read away, once."""
    assert parse_text("'นายสมชาย ") == "นายสมชาย" and parse_text("''x") == "'x"
    assert parse_date("'29/4/2563") == date(2020, 4, 29) and parse_percent("' 30") == 30.0
    assert is_blank("'") and is_blank(" ' ") and not is_blank("''")
    assert parse_choice("'เป็นไปตามแผน", {True: "เป็นไปตามแผน", False: "ไม่เป็นไปตามแผน"}) is True
