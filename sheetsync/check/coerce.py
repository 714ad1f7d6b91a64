"""Thai-aware parsing of what people really type into the cells of a form.

Raw values come from python-calamine: ``str`` (empty cell ``''``), ``float`` (every number),
maybe ``int``, ``bool``, ``date``, ``datetime`` or ``timedelta``. Each ``parse_*`` function
returns the value the schema wants or raises :class:`CoerceError`, whose stable ``code`` the
caller turns into a finding. Blank cells are the caller's business (see :func:`is_blank`).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping
from calendar import monthrange
from datetime import MAXYEAR, MINYEAR, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar

from ..errors import CoerceError
from .bahttext import read_baht_words
from ..thaidates import BE_OFFSET as _BE_OFFSET, MONTHS as _MONTHS

__all__ = [
    "BE_THRESHOLD", "CoerceError", "PercentShown", "ascii_digits", "format_be_date", "is_blank", "parse_amount", "parse_choice",
    "parse_code", "parse_date", "parse_line", "parse_lines", "parse_percent", "parse_text", "parse_whole",
    "thai_digits_to_arabic",
]  # fmt: skip

# No C.E. year this form deals with comes near 2400, and no B.E. year goes below it.
BE_THRESHOLD = 2400

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Zero-width characters ride along when Thai text is pasted from Word or the web
# (Thai has no spaces between words, so editors insert U+200B as a break hint).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_DROP_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE))
_EDGES = re.compile(rf"^[\s{_INVISIBLE}]+|[\s{_INVISIBLE}]+$")

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
# re.ASCII: \d would also match other scripts' digits ("²", "٣") that int() chokes on.
_ISO_DATE = re.compile(rf"(?P<y>\d{{4}})[-/](?P<m>\d\d?)[-/](?P<d>\d\d?){_TIME}", re.A)
_SEP = r" ?[/.-] ?"
_DMY_DATE = re.compile(rf"(?P<d>\d\d?){_SEP}(?P<m>\d\d?){_SEP}(?P<y>\d{{4}}|\d\d){_TIME}", re.A)
_THAI_DATE = re.compile(r"(?P<d>\d\d?) ?(?P<m>\D+?) ?(?P<y>\d{4}|\d\d)", re.A)
_DATE_PREFIX = re.compile(r"^(?:ณ ?)?วันที่ ?")
_NUMBER = re.compile(r"([+-]?) ?(\d{1,3}(?:,\d{3})+|\d*)(\.\d*)?", re.A)
# "180,000.- บาท" is how amounts are written on Thai official paperwork, "180,000 บ." where it abbreviates.
_AMOUNT_AFFIXES = re.compile(r"^฿ ?|(?: ?(?:บาท(?:ถ้วน)?|บ\.|\.-|฿))+$")
# "170,000 บาท (หนึ่งแสนเจ็ดหมื่นบาทถ้วน)": the digits, then the same amount in words, as official papers write it.
_SPELT = re.compile(r"(?P<digits>[^()]*?) ?\( ?(?P<words>[^()]*?) ?\)")
_PERCENT_AFFIXES = re.compile(r"^ร้อยละ ?|(?: ?(?:%|％|เปอร์เซ็นต์))$")
# A line break with the spaces around it (several breaks, blank lines between them, count as one).
_BREAK = re.compile(r"[^\S\n]*[\n\u2028\u2029]\s*")
_TRUE_WORDS = frozenset({"true", "ใช่", "✓", "✔"})
_FALSE_WORDS = frozenset({"false", "ไม่ใช่"})
_Value = TypeVar("_Value")


class PercentShown(float):
    """A number its cell shows in a percent format: 1.0 behind "100%" (the reader marks these, from
    the file's styles; calamine gives the bare number)."""


def is_blank(raw: object) -> bool:
    """Return True for ``None`` and for text that is empty or only whitespace."""
    return raw is None or raw == "" or (isinstance(raw, str) and not _unquoted(_strip(raw)))


def thai_digits_to_arabic(text: str) -> str:
    """Replace Thai digits ๐-๙ with 0-9, leaving everything else untouched."""
    return text.translate(_THAI_DIGITS)


def ascii_digits(text: str) -> str:
    """Replace every Unicode decimal digit (Thai ๕, fullwidth ５, Arabic-Indic ٥ …) with its ASCII digit."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def format_be_date(d: date) -> str:
    """Format a date the Thai official way: d/m/yyyy in Buddhist Era, no zero padding."""
    return f"{d.day}/{d.month}/{d.year + _BE_OFFSET}"


def parse_date(raw: object) -> date:
    """Read a date from a date cell or from text typed in the many Thai ways.

    Stored dates in a year above 2400 are Buddhist Era (a Thai-locale LibreOffice stores
    typed "31/10/2562" as year 2562) and are taken back 543 years. Text may be d/m/yyyy
    (also with - or .), a Thai month name or abbreviation ("29 พ.ย. 2562"), or ISO
    yyyy-mm-dd; a year above 2400 is B.E., a 2-digit year is B.E. 25xx. Numbers are
    refused: a serial number is far likelier a slip than a date.
    """
    if isinstance(raw, datetime):
        return _from_stored(raw.date(), raw)
    if isinstance(raw, date):
        return _from_stored(raw, raw)
    if not isinstance(raw, str):
        raise CoerceError("not-a-date", raw)
    text = _DATE_PREFIX.sub("", _clean(thai_digits_to_arabic(raw)))
    for pattern in (_ISO_DATE, _DMY_DATE, _THAI_DATE):
        if match := pattern.fullmatch(text):
            day, month, year = match.group("d", "m", "y")
            number = _thai_month(month, raw) if pattern is _THAI_DATE else int(month)
            return _make_date(_year_ce(year), number, int(day), raw)
    raise CoerceError("not-a-date", raw)


def parse_amount(raw: object) -> float:
    """Read a money amount: a number, or text like "180,000 บาท" or "๑๘๐,๐๐๐.-".

    Followed by the amount in words in brackets ("170,000 บาท (หนึ่งแสนเจ็ดหมื่นบาทถ้วน)"), the words must
    say the same amount: else code "amount-words-disagree" (params ``digits``, ``words``, ``words_amount``),
    since nobody but the school knows which of the two it meant. Brackets holding anything else: "not-a-number".
    """
    if isinstance(raw, str):
        text = _clean(thai_digits_to_arabic(raw))
        if (spelt := _SPELT.fullmatch(text)) is not None:
            return _spelt_amount(spelt["digits"], spelt["words"], raw)
        return _real(float(_decimal(_AMOUNT_AFFIXES.sub("", text), raw)), "not-a-number", raw)
    return _real(raw, "not-a-number", raw)


def _spelt_amount(digits: str, words: str, raw: str) -> float:
    """The amount of "<digits> (<words>)" when both say the same one."""
    value = _decimal(_AMOUNT_AFFIXES.sub("", digits), raw)
    amount = _real(float(value), "not-a-number", raw)  # first: no message quotes a number of 30,000 digits
    said = read_baht_words(words)
    if said is None or not said <= sys.float_info.max:
        raise CoerceError("not-a-number", raw)
    if said != value:
        raise CoerceError("amount-words-disagree", raw, {
            "digits": _baht_shown(value), "words": words, "words_amount": _baht_shown(said)})
    return amount


def _baht_shown(value: Decimal) -> str:
    """An amount as the form prints it: "170,000", or "1,250.50" with satang."""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def parse_whole(raw: object) -> int:
    """Read a whole number (a count, a year): 2563, 2563.0, "2,563" or "๒๕๖๓"."""
    if isinstance(raw, str):
        value = _decimal(_clean(thai_digits_to_arabic(raw)), raw)
    else:
        value = Decimal(_real(raw, "not-a-number", raw))  # exact: no rounding 2563.5 away
    if not abs(value) <= sys.float_info.max:
        # As an amount's: no int of 4,300 digits and more can be written out, not even in its message.
        raise CoerceError("not-a-number", raw)
    if value != value.to_integral_value():
        raise CoerceError("not-a-whole-number", raw)
    return int(value)


def parse_percent(raw: object) -> float:
    """Read a percentage as a number of percent: "65", "65 %", "ร้อยละ 65" -> 65.0.

    Our templates format these cells as text, so a real number there means the cell was
    percent-formatted after all: 0 < v < 1 is the fraction behind "65 %" and is scaled
    to 65.0; any other number is taken as already in percent. Typed text "0.65" stays 0.65. A number
    known to be shown in a percent format (:class:`PercentShown`) is the percent shown: 1.0 is 100.
    """
    if isinstance(raw, PercentShown):
        # Rounding kills binary noise such as 0.07 * 100 == 7.000000000000001.
        return round(_real(float(raw), "not-a-percent", raw) * 100, 10)
    if isinstance(raw, str):
        text = _PERCENT_AFFIXES.sub("", _clean(thai_digits_to_arabic(raw)))
        return _real(float(_decimal(text, raw, "not-a-percent")), "not-a-percent", raw)
    number = _real(raw, "not-a-percent", raw)
    if 0 < number < 1:
        # Rounding kills binary noise such as 0.07 * 100 == 7.000000000000001.
        return round(number * 100, 10)
    return number


def parse_choice(raw: object, choices: Mapping[_Value, str]) -> _Value:
    """Return the JSON value whose dropdown label the cell holds.

    ``choices`` maps each JSON value to its Thai label. The label must match as a whole
    (after whitespace and Unicode clean-up), so "ไม่เป็นไปตามแผน" never matches
    "เป็นไปตามแผน". A string value typed as itself is accepted, and for boolean choices
    so are a real TRUE/FALSE cell, "true"/"false", "ใช่"/"ไม่ใช่" and "✓".
    """
    if isinstance(raw, bool):
        return _boolean_key(raw, choices, raw)
    if not isinstance(raw, (str, int, float)):
        raise CoerceError("not-a-choice", raw)
    # A number cell (1.0) may hold a numeric value or a label such as "1".
    text = _normalise_label(raw if isinstance(raw, str) else parse_text(raw))
    for value, label in choices.items():
        if text == _label_key(label):
            return value
    for value in choices:  # labels first: they are what the dropdown offers
        if text == _json_text(value):
            return value
    word = text.casefold()
    if word in _TRUE_WORDS or word in _FALSE_WORDS:
        return _boolean_key(word in _TRUE_WORDS, choices, raw)
    raise CoerceError("not-a-choice", raw)


def parse_text(raw: object) -> str:
    """Read free text: strip the edges, keep inner newlines as "\\n".

    Numbers come back as typed (calamine turns a typed code 123 into 123.0, which we
    give back as "123") and dates as ISO, taken out of Buddhist Era like parse_date does.
    Only unsupported types (bool, None, durations...) raise, with code "not-text".
    """
    if isinstance(raw, str):
        return _unquoted(_strip(raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw))
    if isinstance(raw, bool) or not isinstance(raw, (int, float, date)):
        raise CoerceError("not-text", raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        number = _real(raw, "not-text", raw)
        return str(int(number)) if number.is_integer() else repr(number)
    return _date_text(raw)


def parse_code(raw: object) -> str:
    """Read a code (text whose form a pattern fixes, such as "50360000-3553") like :func:`parse_text`,
    with its digits made ASCII: "๕๐๓๖๐๐๐๐-๓๕๕๓" is the same code, and codes are compared and
    stored as ASCII. Free prose keeps its Thai digits; this is for codes only. Zero-width characters
    (pasted along from LINE, a web page or a PDF) are no part of a code: kept, they made a code that
    looks right to the eye fail its pattern, and the finding quoted it looking just as asked."""
    return ascii_digits(parse_text(raw).translate(_DROP_INVISIBLE))


def parse_line(raw: object) -> str:
    """Read one line of text (a name, a position) like :func:`parse_text`, each line break in it read as one
    space: "นาง" Alt+Enter "สมศรี ใจดี" is the one name "นาง สมศรี ใจดี" she meant, not two lines in the master."""
    text = parse_text(raw)
    return _BREAK.sub(" ", text) if "\n" in text or "\u2028" in text or "\u2029" in text else text


def parse_lines(raw: object) -> list[str]:
    """Split a multi-line cell into its stripped, non-empty lines (one item per line)."""
    return [line for line in map(_strip, parse_text(raw).splitlines()) if line]


def _strip(text: str) -> str:
    """Strip whitespace and zero-width characters from both ends."""
    if not text or not (text[0].isspace() or text[-1].isspace() or text[0] in _INVISIBLE or text[-1] in _INVISIBLE):
        return text  # the common cases (an empty cell; clean text), without a regular expression (str.isspace is re's \s)
    return _EDGES.sub("", text)


def _clean(text: str) -> str:
    """NFC, no invisible characters, runs of whitespace as one space, edges stripped."""
    text = unicodedata.normalize("NFC", text).translate(_DROP_INVISIBLE)
    return _unquoted(" ".join(text.split()))


def _unquoted(text: str) -> str:
    """``text`` (edges already stripped) without the apostrophe a person typed in front to keep it as typed.

    Excel never stores that apostrophe; Calc 7.4 does, wherever the rest would not become a number or a
    date anyway (a Text-formatted cell, any Thai text): "'29/4/2563", which sheetsync's own messages advise,
    was refused as no date, and "'นายสมชาย" went into the records with it. A lone "'" is an empty cell.
    """
    if text[:1] != "'":
        return text
    return _strip(text[1:])


@lru_cache(maxsize=4096)  # dropdown labels are compared on every cell: each is cleaned once
def _normalise_label(text: str) -> str:
    # Typing sara e twice looks exactly like sara ae, and nikhahit + sara aa looks like
    # sara am; NFC fixes neither, so a label typed by hand would otherwise never match.
    return _clean(text).replace("เเ", "แ").replace("\u0e4d\u0e32", "\u0e33")


@lru_cache(maxsize=512)  # a form's dropdown labels, compared with every choice cell of every file
def _label_key(label: str) -> str:
    return _normalise_label(label)


def _json_text(value: object) -> str | None:
    """A string or number JSON value as a person would type it (booleans have words)."""
    if isinstance(value, str):
        return _normalise_label(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_text(value)
    return None


def _boolean_key(wanted: bool, choices: Mapping[_Value, str], raw: object) -> _Value:
    # "is", not "==": True == 1 and False == 0, but a 1/0 choice is no yes/no choice.
    for key in choices:
        if key is wanted:
            return key
    raise CoerceError("not-a-choice", raw)


def _real(value: object, code: str, raw: object) -> float:
    """A finite number as float; bool is an int to Python but never a number to a teacher."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CoerceError(code, raw)
    if not abs(value) <= sys.float_info.max:  # NaN, infinities, ints too big for a float
        raise CoerceError(code, raw)
    return float(value) + 0.0  # -0 (typed "-0") is 0: the message said "progress -0%", the master "-0.00"


def _decimal(text: str, raw: object, code: str = "not-a-number") -> Decimal:
    """Parse plain digits with optional sign, thousands commas and decimals.

    A hand-made regex rather than float(): float() would take "nan", "1e5" and "1_000",
    and commas must sit in proper thousands groups ("18,0000" is a slip, not a number).
    """
    text = text.replace("\u2212", "-")  # the real minus sign, from pasted text
    match = _NUMBER.fullmatch(text)
    if match is None or not any(ch in "0123456789" for ch in text):
        raise CoerceError(code, raw)
    sign, whole, fraction = match.groups()
    return Decimal(sign + (whole.replace(",", "") or "0") + (fraction or ""))


def _year_ce(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # "63" is short for B.E. 2563, never C.E. 1963 or 2063
        year += 2500
    return year - _BE_OFFSET if year > BE_THRESHOLD else year


def _thai_month(name: str, raw: object) -> int:
    key = name.replace(".", "").replace(" ", "").removesuffix("พศ")  # "มีนาคม พ.ศ."
    if key not in _MONTHS:
        raise CoerceError("not-a-date", raw)
    return _MONTHS[key]


def _make_date(year: int, month: int, day: int, raw: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 31/2/2563, month 13, year 0
        pass
    if 1 <= month <= 12 and 1 <= day <= 31 and MINYEAR <= year <= MAXYEAR:
        # A real day and month that do not go together (31/2): say so, since the form was right.
        days = monthrange(year, month)[1]
        raise CoerceError("no-such-day", raw, {"day": day, "month": month, "days": days,
                                               "year": year + _BE_OFFSET, "year_ce": year})
    raise CoerceError("not-a-date", raw)


def _from_stored(stored: date, raw: object) -> date:
    if stored.year <= BE_THRESHOLD:
        return stored
    # 29 Feb of a B.E. year can be stored (2564 is leap) but not exist (2021 is not).
    return _make_date(stored.year - _BE_OFFSET, stored.month, stored.day, raw)


def _date_text(raw: date) -> str:
    try:
        day = parse_date(raw)
    except CoerceError:  # an impossible B.E. date is still text worth keeping
        return raw.isoformat()
    if isinstance(raw, datetime) and raw.time() != datetime.min.time():
        return datetime.combine(day, raw.time()).isoformat(sep=" ")
    return day.isoformat()
