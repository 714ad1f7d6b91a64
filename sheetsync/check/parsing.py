"""How each field's cells are read: the :mod:`.coerce` function for its kind and schema, chosen
once per form (every file of a form reads its cells the same way) instead of once per cell."""

from __future__ import annotations

from typing import Any, Callable

from . import coerce
from ..spec.form import Field, Form
from ..spec.formcache import PerForm

__all__ = ["PARSERS", "SHORT_TEXT", "Parser", "one_line", "parser", "parsers_of"]

#: The longest text the schema may allow a one-line field: a name, a position, a code (200 characters in the
#: forms here), as against prose (a project's rationale, its problems: 1,000 and more). It is the line the
#: template draws too (``template.plan.LONG_TEXT``): up to it a cell is Text-formatted, longer ones General.
SHORT_TEXT = 255

Parser = Callable[[Any], Any]

PARSERS: dict[str, Parser] = {
    "text": coerce.parse_text,
    "lines": coerce.parse_lines,
    "whole": coerce.parse_whole,
    "auto": coerce.parse_whole,  # the row's number ("{n}"); a label of another type: see parser
    "amount": coerce.parse_amount,
    "number": coerce.parse_amount,  # a number that is no money: read as an amount is (commas, Thai digits)
    "percent": coerce.parse_percent,
    "date": lambda raw: coerce.parse_date(raw).isoformat(),
}


def one_line(f: Field) -> bool:
    """Whether ``f`` holds one line of text: kind ``text`` and a schema ``maxLength`` of at most
    :data:`SHORT_TEXT`. A line break typed into it (Alt+Enter, or pasted along) is read as a space; any
    other text (no ``maxLength``, a longer one, kind ``lines``) keeps its lines as typed."""
    return f.kind == "text" and 0 < int(f.schema.get("maxLength", 0)) <= SHORT_TEXT


def parser(f: Field) -> Parser:
    """How a cell of ``f`` is read; what it raises for a value that is no such thing: :class:`coerce.CoerceError`."""
    if f.kind == "choice":
        choices = f.choices or {v: str(v) for v in f.schema.get("enum", [])}
        return lambda raw: coerce.parse_choice(raw, choices)
    if f.kind == "auto" and f.schema.get("type") != "integer":
        # A locked row label with a field behind it ("ป.{n}" for a grade): what it says is the value.
        enum = f.schema.get("enum")
        if f.schema.get("type") == "number":
            return coerce.parse_amount
        if enum:
            labels = {v: str(v) for v in enum}
            return lambda raw: coerce.parse_choice(raw, labels)
        return coerce.parse_text
    if f.kind == "text" and "pattern" in f.schema:
        # A pattern makes the text a code: typed in Thai digits it is still the same code.
        return coerce.parse_code
    if one_line(f):
        return coerce.parse_line
    kind = f.kind
    # A kind without a parser fails when a cell of it is read, as it always did (never on other cells).
    return PARSERS.get(kind) or (lambda raw: PARSERS[kind](raw))


def parsers_of(form: Form) -> dict[int, Parser]:
    """id(field) → :func:`parser`, for every field and table column of ``form``: worked out on the
    form's first file (like :func:`sheetsync.check.places.plan_of`)."""
    return _PARSERS_OF(form)


def _parsers(form: Form) -> dict[int, Parser]:
    return {id(f): parser(f) for f in [*form.fields, *(column for table in form.tables for column in table.columns)]}


#: The form is kept with its parsers, so that its fields' ids stay their own.
_PARSERS_OF = PerForm(_parsers)
