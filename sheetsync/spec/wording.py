"""How a rule's findings are worded, and the checks a layout's own wording gets when the form loads.

Every rule kind has one or more *situations*, each a finding code (``sequence``: a gap in the
numbers, ``report-gap``, or a wrong number, ``report-number``); the first is the rule's main
finding. Without a word from the layout a finding reads as its kind says of any form, built from
the fields' own schema titles (catalogue ``<code>``). A layout words them its own way with:

- ``code:`` on a rule: the code (and catalogue message) of the rule's main finding, as ``compare``
  has always had (``code: budget-over-received``);
- ``message: {th: …, en: …}`` on a rule: the main finding's text, with the same ``{placeholders}``;
- ``messages:`` at the top of the layout: ``{finding code: catalogue key or {th: …, en: …}}`` for
  every finding of the form with that code (the progress report keeps its own words this way).

A text naming a placeholder its finding does not have is refused at load, naming the YAML entry.
"""

from __future__ import annotations

import string
from functools import partial
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .entries import Lazy, yaml_place
from .said import form_error

#: Each rule kind's finding codes; the first is its main finding (the one ``code:`` and ``message:`` word).
SITUATIONS: dict[str, tuple[str, ...]] = {
    "sequence": ("report-gap", "report-number"),
    "increasing": ("not-increasing", "not-before-next"),
    "within": ("outside-period", "end-before-start"),
    "not_decreasing": ("progress-decreased", "progress-above-next"),
    "running_total_max": ("over-budget-running",),
    "total_when_complete": ("total-mismatch",),
    "compare": ("compare-failed",),
    "row_compare": ("row-compare-failed",),
    "sum_equals": ("sum-mismatch",),
    "fiscal_year": ("fiscal-year-mismatch", "fiscal-year-disagrees"),
    "in_month": ("outside-month",),
    "ratio": ("ratio-mismatch", "ratio-no-denominator"),
    "row_sum": ("row-sum-mismatch",),
    "row_ratio": ("row-ratio-mismatch", "row-ratio-no-denominator"),
}

#: Placeholders every rule finding fills: the cell, the field's title (Thai; English from its key),
#: the value found, its unit (" บาท" for an amount, "%" for a percentage, else nothing) and, in a
#: table, the row's own name (its first column's value: "ชั้น ป.2"; "row 11 (ป.2)" in English).
COMMON = ("cell", "sheet", "label", "label_en", "value", "unit", "unit_en", "item", "item_en")
#: The other field's title and cell, and in a table its row's own name ("รายงานครั้งที่ 5").
_OTHER = ("expected", "other_label", "other_label_en", "other_cell", "other_item", "other_item_en")
#: A ratio's parts: their titles, cells and values as shown, and " × 100" for a scale (else nothing).
_RATIO = ("numerator_label", "numerator_label_en", "numerator_cell", "numerator_value", "denominator_label",
          "denominator_label_en", "denominator_cell", "denominator_value", "ratio_label", "ratio_label_en",
          "ratio_cell", "times")

#: The further placeholders of each situation.
EXTRA: dict[str, tuple[str, ...]] = {
    "report-gap": ("expected", "last", "last_cell"),  # last, last_cell: a run of rows (else empty)
    "report-number": ("expected",),
    "not-increasing": _OTHER,  # the other: the row it must come after
    "not-before-next": _OTHER,  # the row it must come before
    "outside-period": ("low", "high", "from_label", "from_label_en", "to_label", "to_label_en"),
    "end-before-start": _OTHER,
    "progress-decreased": _OTHER,
    "progress-above-next": _OTHER,
    "over-budget-running": ("total", "limit", "suspect", "other_label", "other_label_en", "other_cell"),
    "total-mismatch": (*_OTHER, "progress_label", "progress_label_en"),
    "compare-failed": (*_OTHER, "op", "relation", "relation_en"),
    "row-compare-failed": (*_OTHER, "op", "relation", "relation_en"),
    "sum-mismatch": (*_OTHER, "column"),
    "fiscal-year-mismatch": ("expected", "low", "high", "low_ce", "high_ce"),
    "fiscal-year-disagrees": ("expected", "year", "cells"),
    "outside-month": ("low", "high", "period", "period_en", "month_label", "month_label_en", "month_cell",
                      "year_label", "year_label_en", "year_cell"),
    "ratio-mismatch": ("expected", *_RATIO),
    "ratio-no-denominator": _RATIO,
    # A row's total: its parts' titles ("นักเรียนชาย (คน) + นักเรียนหญิง (คน)"), cells and values, joined by " + ".
    "row-sum-mismatch": ("expected", "parts_label", "parts_label_en", "parts_cells", "parts_values"),
    "row-ratio-mismatch": ("expected", *_RATIO),
    "row-ratio-no-denominator": _RATIO,
}

#: Every finding code a rule can give by itself (the message catalogue must have them all).
RULE_CODES = tuple(code for codes in SITUATIONS.values() for code in codes)


def placeholders(situation: str) -> tuple[str, ...]:
    """The placeholders a text for the finding ``situation`` (a default code) may use."""
    return (*COMMON, *EXTRA[situation])


def check_texts(where: object, value: Any, allowed: Iterable[str]) -> dict[str, str]:
    """A layout's ``{th: …, en: …}`` checked: both languages given as text, every placeholder known.

    :raises FormError: naming ``where`` (the YAML entry) and the first problem.
    """
    if not isinstance(value, dict) or set(value) != {"th", "en"} or not all(
            isinstance(v, str) and v.strip() for v in value.values()):
        raise form_error(where, "form.texts")
    known = set(allowed)
    for lang, text in value.items():
        for name in _names(where, lang, text):
            if name not in known:
                raise form_error(f"{where}: {lang}", "form.placeholder", placeholder=f"{{{name}}}",
                                 known=", ".join(allowed))
    return {"th": value["th"], "en": value["en"]}


def _names(where: object, lang: str, text: str) -> list[str]:
    """The placeholder names of ``text``; :class:`FormError` when its braces are not a format string."""
    try:
        parsed = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError as exc:
        raise form_error(f"{where}: {lang}", "form.braces", why=exc) from exc
    bad = next((name for name, _, _ in parsed if not name.isidentifier()), None)
    if bad is not None:
        raise form_error(f"{where}: {lang}", "form.placeholder-name", placeholder=f"{{{bad}}}")
    # Every value arrives written as the form shows it (180,000; 29/10/2563): a format of its own
    # ({total:,}) would fail on each school file that trips the rule, long after the form loaded.
    styled = next((name for name, spec, conversion in parsed if spec or conversion), None)
    if styled is not None:
        raise form_error(f"{where}: {lang}", "form.placeholder-format", placeholder=f"{{{styled}}}")
    return [name for name, _, _ in parsed]


def check_layout_messages(path: Path, layout: Mapping[str, Any], given: Mapping[str, str],
                          catalogue: Mapping[str, Any]) -> dict[str, Any]:
    """The layout's top-level ``messages:`` checked: ``{code: catalogue key | {th, en}}``.

    :param given: each finding code the form's rules can give → its situation (default code).
    :raises FormError: naming ``messages.<code>`` and its line.
    """
    entry = layout.get("messages") or {}
    if not isinstance(entry, dict):
        raise form_error(yaml_place(path, ("messages",)), "form.messages-mapping")
    for code, value in entry.items():
        where = Lazy(partial(yaml_place, path, ("messages", str(code))))  # read for its line only in an error
        if code not in given:
            raise form_error(where, "form.messages-code", finding=repr(code), given=", ".join(sorted(given)) or "none")
        if isinstance(value, str):
            if value not in catalogue:
                raise form_error(where, "form.no-message", value=repr(value))
            check_texts(where, catalogue[value], placeholders(given[code]))
        else:
            check_texts(where, value, placeholders(given[code]))
    return dict(entry)
