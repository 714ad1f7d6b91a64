"""Reading an amount written out in Thai words, as official documents write it after the digits:
"170,000 บาท (หนึ่งแสนเจ็ดหมื่นบาทถ้วน)".

Only the reverse of Excel's BAHTTEXT is needed, and only to compare with the digits beside it, so this is
a small strict reader rather than a dependency (PyThaiNLP's ``thaiword_to_num`` does more, with a whole
NLP library behind it). Strict: a text it cannot read as one amount is no amount (``None``), never a
guess. Shortened speech such as "สองพันห้า" for 2,500 reads as written (2,005, as BAHTTEXT writes it),
and then disagrees with the digits, which is what the school must be told.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

__all__ = ["read_baht_words"]

_DIGITS = {"ศูนย์": 0, "หนึ่ง": 1, "เอ็ด": 1, "สอง": 2, "ยี่": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6,
           "เจ็ด": 7, "แปด": 8, "เก้า": 9}
_UNITS = {"สิบ": 10, "ร้อย": 100, "พัน": 1000, "หมื่น": 10_000, "แสน": 100_000}
_MILLION = "ล้าน"
_BAHT, _SATANG = "บาท", "สตางค์"
_EVEN = ("ถ้วน", "ตรง")  # "no satang": บาทถ้วน, บาทตรง
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters pasted along from Word or the web
_WORDS = sorted([*_DIGITS, *_UNITS, _MILLION, _BAHT, _SATANG, *_EVEN], key=len, reverse=True)


def read_baht_words(text: str) -> Decimal | None:
    """The amount ``text`` spells out in Thai words, or None if it is no such amount.

    ``text`` is baht and/or satang: "หนึ่งแสนเจ็ดหมื่นบาทถ้วน" (170000), "หนึ่งร้อยบาทห้าสิบสตางค์" (100.50),
    "ห้าสิบสตางค์" (0.50); "บาท" alone or followed by "ถ้วน"/"ตรง"; spaces and zero-width characters
    anywhere. Satang are 1 to 99.

    Example::

        read_baht_words("หนึ่งล้านห้าแสนบาทถ้วน") == Decimal(1500000)
    """
    words = _tokens(text)
    if words is None:
        return None
    if _BAHT in words:
        at = words.index(_BAHT)
        baht, rest = _number(words[:at]), words[at + 1:]
        if baht is None:
            return None
        if rest in ([], [_EVEN[0]], [_EVEN[1]]):
            return Decimal(baht)
        satang = _satang(rest)
        return None if satang is None else Decimal(baht) + satang
    return _satang(words)


def _satang(words: list[str]) -> Decimal | None:
    """1-99 satang ending in "สตางค์", as a fraction of a baht."""
    if not words or words[-1] != _SATANG:
        return None
    number = _number(words[:-1])
    return None if number is None or not 1 <= number <= 99 else Decimal(number) / 100


def _tokens(text: str) -> list[str] | None:
    """``text`` cut into the words of amounts (longest first), or None if anything else is in it."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", text) if not ch.isspace() and ch not in _INVISIBLE)
    found: list[str] = []
    at = 0
    while at < len(text):
        word = next((w for w in _WORDS if text.startswith(w, at)), None)
        if word is None:
            return None
        found.append(word)
        at += len(word)
    return found


def _number(words: list[str]) -> int | None:
    """A whole number in words (millions allowed, "หนึ่งล้านล้าน" is 10^12), or None; empty is None."""
    if not words or _BAHT in words or _SATANG in words or any(w in _EVEN for w in words):
        return None
    if words == ["ศูนย์"]:
        return 0
    groups = _split(words)
    total = 0
    for i, group in enumerate(groups):
        # An empty group between millions is nought ("หนึ่งล้านล้าน"); a leading one is one ("ล้านห้าแสน").
        value = _group(group, i > 0) if group else (1 if i == 0 and len(groups) > 1 else 0)
        if value is None:
            return None
        total = total * 1_000_000 + value
    return total


def _split(words: list[str]) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for word in words:
        if word == _MILLION:
            groups.append([])
        else:
            groups[-1].append(word)
    return groups


def _group(words: list[str], after_million: bool) -> int | None:
    """0-999,999 in words: digit-and-unit pairs, units falling, then the ones; None if malformed.
    ``after_million``: the group follows "ล้าน", so a lone "เอ็ด" is its one ("หนึ่งล้านเอ็ด")."""
    total, last_unit, digit = 0, 1_000_000, None
    for i, word in enumerate(words):
        if word in _UNITS:
            unit = _UNITS[word]
            if unit >= last_unit or digit == 0 or (digit is None and unit != 10 and total):
                return None  # out of order, "ศูนย์ร้อย", or a unit with no digit after others ("แสนหมื่น")
            total, last_unit, digit = total + (1 if digit is None else digit) * unit, unit, None
            continue
        if digit is not None or word == "ศูนย์":
            return None  # two digits in a row; nought inside a number
        if word == "ยี่" and words[i + 1:i + 2] != ["สิบ"]:
            return None  # ยี่ is the two of ยี่สิบ only
        if word == "เอ็ด" and (i != len(words) - 1 or not (total or after_million)):
            return None  # เอ็ด is a last one after a ten or more
        digit = _DIGITS[word]
    return total + (digit or 0)
