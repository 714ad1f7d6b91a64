"""A finding from a code, a pointer and the message's parameters: its cell and its Thai and English text.

Every pass of validation builds its findings here. The message is the catalogue's entry for the
code, unless the caller gives another (a rule's words from its layout: a catalogue key, or the
layout's own ``{th, en}``). Besides what the caller passes, every message can name the cell, the
field's title (``label``), the value found, the field's unit (``unit``: " บาท" for an amount, "%"
for a percentage, nothing otherwise), the table row's own name (``item``: "ชั้น ป.2"), and the titles
of the other fields a rule names (``other_label``, ``from_label`` …; the other's table row: ``other_item``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..messages import LANGS, Lang, render
from ..spec.form import Field, Form
from ..spec.pointers import generic, lookup, schema_node
from .reader import Filled
from .report import Finding, Severity
from ..text import BIDI_CONTROLS, one_line_shown
from .shown import brief, shown
from .coerce import thai_digits_to_arabic

#: Parameters that hold another field's pointer → the name under which the message may give that
#: field's title and cell (``other_label``, ``other_label_en``, ``other_cell``; ``month_at`` → ``month_label`` …).
POINTER_PARAMS = {"other": "other", "from": "from", "to": "to", "progress": "progress", "numerator": "numerator",
                  "denominator": "denominator", "ratio": "ratio", "month_at": "month", "year_at": "year"}
#: Cell kinds whose values carry a unit in messages (catalogue ``unit.<kind>``).
UNITS = ("amount", "percent")

_LINE_BREAKS = re.compile(r"[ \t]*[\r\n\v\f\u2028\u2029]+[ \t]*")

#: What a finding's text is: a catalogue key, or a layout's own ``{"th": …, "en": …}``.
Message = str | Mapping[str, str]


def finding(filled: Filled, code: str, pointer: str, value: Any, *, severity: Severity = "error",
            cell: str | None = None, sheet: str | None = None, message: Message | None = None,
            **params: Any) -> Finding:
    """The finding ``code`` about the value at ``pointer``, its text filled in both languages.

    :param cell: the cell to name, when not the pointer's own (a gap, a metadata cell).
    :param message: the text to use instead of the catalogue's ``code``.
    :param params: the message's own placeholders (``expected``, ``limit`` …).
    """
    where = filled.cell_of(pointer)
    cell = cell or where.cell
    # A sheet the school named: in every report's headings, on one line (an .ods name may hold a line break).
    sheet = one_line_shown(sheet or where.sheet)
    label_th, label_en = labels(filled.form, pointer)
    quoted = {name: _one_line(v) if isinstance(v, str) else v for name, v in params.items()}
    values = {"cell": cell, "sheet": sheet, "label": label_th, "label_en": label_en,
              "value": "" if value is None else _one_line(shown(value)), **quoted}
    for name, prefix in POINTER_PARAMS.items():
        if isinstance(params.get(name), str):
            values[f"{prefix}_label"], values[f"{prefix}_label_en"] = labels(filled.form, params[name])
            values[f"{prefix}_cell"] = filled.cell_of(params[name]).cell
    if isinstance(params.get("parts"), list):  # a row's parts, each named as an other field is
        named = [labels(filled.form, part) for part in params["parts"]]
        values |= {"parts_label": " + ".join(th for th, _ in named), "parts_label_en": " + ".join(en for _, en in named),
                   "parts_cells": " + ".join(filled.cell_of(part).cell for part in params["parts"])}
    th, en = (_text(message or code, lang, values | _words(filled, pointer, cell, params, message or code, lang))
              for lang in LANGS)
    return Finding(code, severity, sheet, cell, pointer, value, th, en)


def _one_line(text: str) -> str:
    # A message is one line of a numbered list (the school's .txt, the mail, the terminal): a value
    # typed on two lines ("10\n000", a two-line heading) is quoted on one, its lines joined by a space.
    # Quoted in a message, a value's U+202E showed the rest of the office's sentence written backwards
    # (the value itself keeps them, as typed).
    return BIDI_CONTROLS.sub("", _LINE_BREAKS.sub(" ", text))


def _text(message: Message, lang: Lang, values: dict[str, Any]) -> str:
    if isinstance(message, str):
        return render(message, lang, **values)
    return string.Formatter().vformat(message[lang], (), _Lenient(values))


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _words(filled: Filled, pointer: str, cell: str, params: dict[str, Any], message: Message,
           lang: Lang) -> dict[str, str]:
    """The placeholders written in ``lang`` for this finding: unit, row names, relation, suspect clause."""
    found = field_at(filled.form, pointer) if pointer else None
    kind = found.kind if found is not None else ""
    words: dict[str, str] = {}
    languages: tuple[tuple[Lang, str], ...] = (("th", ""), ("en", "_en"))
    for each, suffix in languages:  # a text in one language may use the other's words
        words[f"unit{suffix}"] = render(f"unit.{kind}", each) if kind in UNITS else ""
        words[f"item{suffix}"] = _item(filled, pointer, cell, each)
        if isinstance(params.get("other"), str):  # the other row's own name: "รายงานครั้งที่ 5"
            words[f"other_item{suffix}"] = _item(filled, params["other"], filled.cell_of(params["other"]).cell, each)
        if "op" in params:
            words[f"relation{suffix}"] = render(f"op.{params['op']}", each)
        if "calendar" in params:  # "เดือนพฤศจิกายน ปีงบประมาณ พ.ศ. 2567", "November of fiscal year 2567"
            words[f"period{suffix}"] = render(f"period.{params['calendar']}", each, year=params["year"],
                                              month_name=render(f"month.{params['month']}", each))
    words["suspect"] = _suspect(filled, params, lang, message, words["unit" if lang == "th" else "unit_en"])
    return words


def month_names(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with the name of its ``month`` (a number) in each language, for messages about a date."""
    if "month" not in params:
        return params
    key = f"month.{params['month']}"
    return params | {"month_name": render(key, "th"), "month_name_en": render(key, "en")}


def number_example(form: Form, code: str, pointer: str, value: Any = None) -> dict[str, Any]:
    """What a ``not-a-number`` message suggests typing, within the field's range (``example``,
    ``example_en``): "เช่น 10000" for an amount, "ตั้งแต่ 0 ถึง 31" for a number of days, where 10000
    would be no example at all; for what was typed the way Thai paperwork writes it (``value``), what to
    type instead (:func:`_instead`); nothing for any other code."""
    if code != "not-a-number":
        return {}
    field = field_at(form, pointer)
    schema = field.schema if field is not None else {}
    low, high = schema.get("minimum"), schema.get("maximum")
    if (instead := _instead(value, low)) is not None:
        return instead
    if isinstance(high, (int, float)) and not isinstance(high, bool) and high < 10000:
        values = {"low": shown(low if isinstance(low, (int, float)) else 0), "high": shown(high)}
        return {"example": render("example.range", "th", **values), "example_en": render("example.range", "en", **values)}
    return {"example": render("example.number", "th", value=10000), "example_en": render("example.number", "en", value=10000)}


#: A dash alone: "none", as Thai paperwork fills a money box (hyphen, en and em dashes, minus sign).
_NONE = re.compile(r"[-\u2013\u2014\u2212_]+")
#: An amount in round words, "1.5 แสน", "๒ หมื่นบาท": a number and the word for its magnitude.
_IN_WORDS = re.compile(r"((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*(พัน|หมื่น|แสน|ล้าน)\s*(?:บาท)?")
_MAGNITUDES = {"พัน": 1000, "หมื่น": 10_000, "แสน": 100_000, "ล้าน": 1_000_000}
#: The most significant digits a number in words is worked out to: what Excel and Calc keep
#: (:data:`~sheetsync.check.shown.EXACT_LIMIT`); Python also turns no int of over 4,300 digits into text.
_KEPT_DIGITS = 15


def _instead(value: Any, low: Any) -> dict[str, Any] | None:
    """What to type instead of ``value`` when it is a dash for "none" (0, where the field takes 0: its
    minimum ``low`` is not above it) or a number in round words (the number they make), else None."""
    if not isinstance(value, str):
        return None
    text = thai_digits_to_arabic(value.strip())
    if _NONE.fullmatch(text) and not (isinstance(low, (int, float)) and low > 0):
        return {"example": render("example.none", "th"), "example_en": render("example.none", "en")}
    if (words := _IN_WORDS.fullmatch(text)) is None:
        return None
    digits = words.group(1).replace(",", "")
    whole, _, fraction = digits.partition(".")
    if len((whole + fraction.rstrip("0")).lstrip("0")) > _KEPT_DIGITS:
        return None  # no sheet keeps the number: told as any other text (and never rounded to a wrong one)
    # Exact: at most 15 significant digits times a power of ten, within Decimal's 28 (a float made
    # 1.234567 พัน 1,234.57 once shown to the satang). Written out in digits, as she is to type it.
    number = f"{(Decimal(digits) * _MAGNITUDES[words.group(2)]).normalize():f}"
    values = {"value": brief(value.strip()), "number": number}  # quoted as any value is, cut short
    return {"example": render("example.words", "th", **values), "example_en": render("example.words", "en", **values)}

def _suspect(filled: Filled, params: dict[str, Any], lang: Lang, message: Message, unit: str) -> str:
    """The clause naming one amount that alone makes the difference, or nothing.

    A catalogue family (``progress-report.*``) may word it its own way (``progress-report.suspect-value``).
    """
    if "suspect" not in params:
        return ""
    family = message.split(".")[0] + ".suspect-value" if isinstance(message, str) and "." in message else ""
    key = family if family and render(family, lang) != family else "suspect-value"
    return render(key, lang, cell=filled.cell_of(params["suspect"]).cell, value=params["suspect_value"], unit=unit)


def _item(filled: Filled, pointer: str, cell: str, lang: Lang) -> str:
    """The name of the table row ``pointer`` is in (its first column's value after the items' title:
    "ชั้น ป.2", in English "row 11 (ป.2)"), or "" outside a table."""
    table = next((t for t in filled.form.tables if pointer.startswith(t.pointer + "/")), None)
    if table is None:
        return ""
    index = pointer[len(table.pointer) + 1:].split("/")[0]
    row = re.sub(r"\D", "", cell)
    first = next((c for c in table.columns if not c.decorative), None)
    if not index.isdigit() or first is None:
        return render("item.row", lang, row=row)
    item = f"{table.pointer}/{index}"
    value = lookup(filled.data, item + (f"/{first.pointer}" if first.pointer else ""))
    if value is None or isinstance(value, (dict, list)):
        return render("item.row", lang, row=row)
    # The items' title ("ชั้น"); without one, the first column's ("ที่"), never a bare "ถึง3".
    title = str((schema_node(filled.form.schema, generic(item)) or {}).get("title", "")
                or first.schema.get("title", ""))
    shown_value = first.choices.get(value, shown(value)) if first.choices else shown(value)
    return render("item.named", lang, row=row, title=title, value=shown_value).strip()


def field_at(form: Form, pointer: str) -> Field | None:
    """The field (single, or a table's column) that holds the value at ``pointer``, if any."""
    table = next((t for t in form.tables if pointer.startswith(t.pointer + "/")), None)
    if table is None:
        return form.field_at(pointer)
    rest = pointer[len(table.pointer) + 1:].split("/", 1)
    return next((c for c in table.columns if c.pointer == (rest[1] if len(rest) > 1 else "")), None)


def choice_labels(form: Form, pointer: str) -> str:
    """The dropdown labels of the field at ``pointer`` ("เป็นไปตามแผน / ไม่เป็นไปตามแผน"), or ""."""
    field = field_at(form, pointer)
    return " / ".join(field.choices.values()) if field is not None and field.choices else ""


def labels(form: Form, pointer: str) -> tuple[str, str]:
    """The field's title (Thai) and English title: its schema's ``title`` and ``title_en``, else its
    key in words (``("ระดับชั้น", "grade")``); schemas are written with Thai titles only.

    A table row with no title of its own is named by its table's title.
    """
    node = schema_node(form.schema, generic(pointer)) or {}
    last = pointer.rstrip("/").split("/")[-1]
    english = last.replace("_", " ") if not last.isdigit() else pointer.strip("/").split("/")[0]
    if "title" not in node and last.isdigit():
        node = schema_node(form.schema, generic(pointer.rsplit("/", 1)[0])) or {}
    return str(node.get("title", last)), str(node.get("title_en", english))
