"""Checks of a layout's single entries that a form author gets wrong, each naming the YAML entry.

:func:`check_field` runs as each field is placed: a schema type no cell kind can hold, a dropdown
that Excel cannot show, a ``fiscal_year`` that names no year field. :func:`check_places` runs once
every entry is placed: no cell used twice, no field placed twice. Every error is one line that
starts with the entry (``school-lunch.yaml line 26 (cells[6], /school/district)``).
:func:`check_english_titles` checks the schema's ``title_en`` keywords, which English messages use.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..errors import FormError
from .cells import column_letter
from .pointers import schema_node

#: Schema types a single cell can hold (an array of plain values is one item per line).
PLACEABLE = ("string", "integer", "number", "boolean", "array")
#: Excel's limit on a dropdown written into the validation (its list of choices, joined by commas).
MAX_LIST = 255


def check_field(where: object, full: str, node: dict[str, Any], kind: str, choices: dict[Any, str] | None,
                item: dict[str, Any], schema: dict[str, Any]) -> None:
    """Refuse a field its cell could not hold or check; :class:`FormError` naming ``where``.

    :param full: the field's pointer (``/grades/*/amount`` in a table).
    :param node: its schema node; ``kind`` its cell kind; ``choices`` its dropdown labels, if any.
    :param item: the layout entry (or table column) placing it.
    """
    _check_type(where, full, node)
    if kind == "choice" and choices:
        _check_choices(where, full, choices)
    year = item.get("fiscal_year")
    if year is not None:
        found = schema_node(schema, str(year)) if isinstance(year, str) else None
        if found is None or found.get("type") != "integer":
            raise FormError(f"{where}: fiscal_year: {year!r} is not a whole-number field of the schema "
                            "(the pointer of the fiscal-year field, such as /project/fiscal_year)")


def _check_type(where: object, full: str, node: dict[str, Any]) -> None:
    kind = node.get("type")
    if kind == "object":
        names = ", ".join(f"{full}/{n}" for n in node.get("properties", {})) or "its fields"
        raise FormError(f"{where}: field {full} is an object in the schema; place its fields ({names}) instead")
    if kind is None and not ("enum" in node or "const" in node):
        raise FormError(f"{where}: field {full} has no \"type\" in the schema; give one of {', '.join(PLACEABLE)}")
    if kind is not None and kind not in PLACEABLE:
        raise FormError(f"{where}: field {full} has the schema type {kind!r}, which no cell holds; give one of "
                        f"{', '.join(PLACEABLE)} (an empty cell already means the value is absent)")


def _check_choices(where: object, full: str, choices: dict[Any, str]) -> None:
    labels = [str(label) for label in choices.values()]
    odd = next((label for label in labels if "," in label or '"' in label), None)
    if odd is not None:
        raise FormError(f"{where}: field {full}: the choice {odd!r} holds a comma or a double quote, which would "
                        "split it in Excel's dropdown; write it without")
    length = len(",".join(labels))
    if length > MAX_LIST:
        raise FormError(f"{where}: field {full}: its {len(labels)} choices take {length} characters, more than "
                        f"the {MAX_LIST} an Excel dropdown holds; shorten them or make fewer")


def check_places(places: Iterable[tuple[int, int, int, int, object, str | None]]) -> None:
    """No cell used by two entries, no field placed by two; :class:`FormError` naming both entries.

    :param places: ``(col, row, last_col, last_row, entry, field)`` for every label, field and table cell,
        in layout order; ``field`` is the pointer placed there, given once per field (else None).
    """
    cells: dict[tuple[int, int], object] = {}  # the entries, written out only in an error
    fields: dict[str, object] = {}
    for col, row, last_col, last_row, entry, field in places:
        if field is not None and field in fields:
            raise FormError(f"{entry}: field {field} is placed more than once (also by {fields[field]})")
        fields.setdefault(field or "", entry)
        for c in range(col, last_col + 1):
            for r in range(row, last_row + 1):
                if (c, r) in cells:
                    raise FormError(f"{entry}: cell {column_letter(c)}{r} is already used by {cells[(c, r)]}")
                cells[(c, r)] = entry


#: Schema keywords whose value maps names to schemas (a property named "title_en" is a field, not a title).
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
#: Schema keywords whose value is data, never a schema.
_DATA = ("enum", "const", "default", "examples")


def check_english_titles(name: str, node: Any, where: str = "") -> None:
    """Every ``title_en`` in the schema is a text: a field's English title, which English messages
    name it by (without one, they use its key: "spent percent").

    :raises FormError: naming the schema file and the place of the keyword (``/properties/budget``).
    """
    if isinstance(node, list):
        for index, item in enumerate(node):
            check_english_titles(name, item, f"{where}/{index}")
        return
    if not isinstance(node, dict):
        return
    title = node.get("title_en")
    if "title_en" in node and not (isinstance(title, str) and title.strip()):
        raise FormError(f"{name}: {where or '/'}: title_en must be a text, the field's English title (found {title!r})")
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            for child, schema in value.items():
                check_english_titles(name, schema, f"{where}/{key}/{child}")
        elif key not in _DATA:
            check_english_titles(name, value, f"{where}/{key}")
