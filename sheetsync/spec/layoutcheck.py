"""Checks of a layout's single entries that a form author gets wrong, each naming the YAML entry.

:func:`check_field` runs as each field is placed: a schema type no cell kind can hold, a dropdown
that Excel cannot show, a ``fiscal_year`` that names no year field. :func:`check_places` runs once
every entry is placed: no cell used twice, no field placed twice. Every error is one line that
starts with the entry (``school-lunch.yaml line 26 (cells[6], /school/district)``).
:func:`check_english_titles` checks the schema's ``title_en`` keywords, which English messages use.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from .cells import column_letter
from .entries import Entry, yaml_place
from .said import form_error
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
    _check_kind(where, full, node, kind)
    _check_enum(where, full, node)
    if "choices" in item:
        _check_choice_values(where, full, node, item["choices"])
    if kind == "choice" and choices:
        _check_choices(where, full, choices)
    elif kind == "choice":
        raise form_error(where, "form.choice-nothing", field=full)
    year = item.get("fiscal_year")
    if year is not None:
        found = schema_node(schema, str(year)) if isinstance(year, str) else None
        if found is None or found.get("type") != "integer":
            raise form_error(where, "form.fiscal-year", value=repr(year))


def _check_type(where: object, full: str, node: dict[str, Any]) -> None:
    kind = node.get("type")
    if kind == "object":
        names = ", ".join(f"{full}/{n}" for n in node.get("properties", {})) or "its fields"
        raise form_error(where, "form.object", field=full, names=names)
    if kind is None and ("$ref" in node or "$dynamicRef" in node):
        raise form_error(where, "form.ref", field=full)
    if kind is None and not ("enum" in node or "const" in node):
        raise form_error(where, "form.no-type", field=full, types=", ".join(PLACEABLE))
    if kind is not None and kind not in PLACEABLE:
        raise form_error(where, "form.bad-type", field=full, type=repr(kind), types=", ".join(PLACEABLE))


def auto_labels(where: object, auto: Any, rows: int, enum: list[Any] | None = None) -> str | tuple[str, ...]:
    """A table column's ``auto:`` as the form keeps it: a text with ``{n}`` (``"ป.{n}"``), or a list of one
    label per row of the table (``[อ.1, อ.2, อ.3, ป.1, …]``, for rows no single pattern names); else
    :class:`FormError` naming ``where``. A field's labels must be values of its schema ``enum``, since each
    reads back as its row's value."""
    if isinstance(auto, str):
        try:
            auto.format(n=1)
        except (KeyError, IndexError, ValueError):
            raise form_error(where, "form.auto-text", auto=repr(auto)) from None
        return auto
    if not (isinstance(auto, list) and auto and all(isinstance(a, (str, int, float)) for a in auto)):
        raise form_error(where, "form.auto-text", auto=repr(auto))
    labels = tuple(str(a) for a in auto)
    if len(labels) != rows:
        raise form_error(where, "form.auto-count", given=len(labels), rows=rows)
    unknown = [a for a in labels if enum is not None and a not in {str(v) for v in enum}]
    if unknown:
        raise form_error(where, "form.auto-not-enum", label=repr(unknown[0]),
                         allowed=", ".join(str(v) for v in enum or []))
    return labels


#: The schema types each cell kind's reading gives a value of (what :data:`~sheetsync.check.parsing.PARSERS` return).
KIND_TYPES = {"text": ("string",), "lines": ("array",), "whole": ("integer", "number"),
              "amount": ("number", "integer"), "number": ("number", "integer"), "percent": ("number", "integer"), "date": ("string",)}


def _check_kind(where: object, full: str, node: dict[str, Any], kind: str) -> None:
    """A ``kind:`` that reads a value its schema refuses (a percent cell for a text) would refuse every school."""
    types, given = KIND_TYPES.get(kind), node.get("type")
    if types is None or not isinstance(given, str) or given in types:
        return
    fitting = [name for name, holds in KIND_TYPES.items() if given in holds and name != "lines"]
    hint = f"kind: {' or '.join(fitting)}" if fitting else "kind: choice (with enum or choices)"
    raise form_error(where, "form.kind-type", field=full, kind=repr(kind), reads=" or ".join(types), type=repr(given),
                     hint=hint)


#: What a value of each schema type is in Python (a bool is no number to JSON Schema).
_OF_TYPE = {"string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
            "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)
                                  or isinstance(v, float) and v.is_integer()),
            "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)}


def _check_enum(where: object, full: str, node: dict[str, Any]) -> None:
    """An ``enum`` value the field's own ``type`` refuses is in the dropdown, and refused whenever picked."""
    holds = _OF_TYPE.get(str(node.get("type")))
    values = node.get("enum")
    odd = next((v for v in values if not holds(v)), None) if holds and isinstance(values, list) else None
    if odd is not None:
        raise form_error(where, "form.enum-type", field=full, value=repr(odd), type=repr(node["type"]))


def _check_choice_values(where: object, full: str, node: dict[str, Any], given: Any) -> None:
    """``choices:`` maps each value of the schema's ``enum`` (true/false for a yes/no) to its label."""
    if not isinstance(given, dict) or not given:
        raise form_error(where, "form.choices-map", field=full)
    allowed = node.get("enum") if isinstance(node.get("enum"), list) else (
        [True, False] if node.get("type") == "boolean" else None)
    if allowed is not None:
        extra = next((value for value in given if value not in allowed), None)
        if extra is not None and not isinstance(extra, str) and str(extra).lower() in allowed:
            # YAML read 1 (or true) as a number where the schema's enum holds the text "1"
            raise form_error(where, "form.choice-quote", field=full, value=repr(extra), text=f'"{str(extra).lower()}"')
        if extra is not None:
            raise form_error(where, "form.choice-extra", field=full, value=repr(extra), allowed=", ".join(map(repr, allowed)))
        missing = [value for value in allowed if value not in given]
        if missing and node.get("type") == "boolean":  # a dropdown of one label: the school cannot say no
            raise form_error(where, "form.choice-yes-no", field=full, value=str(missing[0]).lower())
        if missing:
            raise form_error(where, "form.choice-missing", field=full, value=repr(missing[0]))
    odd = next(((value, label) for value, label in given.items() if not (isinstance(label, str) and label.strip())),
               None)
    if odd is not None:
        raise form_error(where, "form.choice-label", field=full, value=repr(odd[0]), label=repr(odd[1]))
    labels = [label.strip() for label in given.values()]
    twice = next((label for label in labels if labels.count(label) > 1), None)
    if twice is not None:
        raise form_error(where, "form.choice-twice", field=full, label=repr(twice))


def _check_choices(where: object, full: str, choices: dict[Any, str]) -> None:
    labels = [str(label) for label in choices.values()]
    odd = next((label for label in labels if "," in label or '"' in label), None)
    if odd is not None:
        raise form_error(where, "form.choice-comma", field=full, label=repr(odd))
    length = len(",".join(labels))
    if length > MAX_LIST:
        raise form_error(where, "form.choice-long", field=full, count=len(labels), length=length, most=MAX_LIST)


def check_places(places: Iterable[tuple[int, int, int, int, object, str | None]]) -> None:
    """No cell used by two entries, no field placed by two; :class:`FormError` naming both entries.

    :param places: ``(col, row, last_col, last_row, entry, field)`` for every label, field and table cell,
        in layout order; ``field`` is the pointer placed there, given once per field (else None).
    """
    cells: dict[tuple[int, int], object] = {}  # the entries, written out only in an error
    fields: dict[str, object] = {}
    for col, row, last_col, last_row, entry, field in places:
        if field is not None and field in fields:
            raise form_error(entry, "form.placed-twice-by", field=field, other=fields[field])
        fields.setdefault(field or "", entry)
        for c in range(col, last_col + 1):
            for r in range(row, last_row + 1):
                if (c, r) in cells:
                    raise form_error(entry, "form.cell-used", cell=f"{column_letter(c)}{r}", other=cells[(c, r)])
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
        raise form_error(f"{name}: {where or '/'}", "form.title-en", title=repr(title))
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            for child, schema in value.items():
                check_english_titles(name, schema, f"{where}/{key}/{child}")
        elif key not in _DATA:
            check_english_titles(name, value, f"{where}/{key}")


#: The keys a layout, its entries and its tables' columns may have (a typo such as ``tabels:`` is refused).
TOP_KEYS = ("id", "version", "title", "title_en", "schema", "sheet", "font", "page", "columns", "row_height",
            "table_row_min", "heights", "styles", "cells", "tables", "signature", "open_prefilled", "master", "rules",
            "messages")
ENTRY_KEYS = {"cells": ("at", "field", "text", "style", "kind", "choices", "fiscal_year", "auto"),
              "tables": ("path", "rows", "columns", "key", "lock_prefilled", "height")}
COLUMN_KEYS = ("at", "field", "auto", "choices", "fiscal_year", "kind", "style")
#: What a form id looks like: the registry finds a returned file's form by it, never by a path.
FORM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+){0,2}$")
_COLUMNS = re.compile(r"^[A-Za-z]{1,3}(:[A-Za-z]{1,3})?$")


def check_layout_keys(path: Path, layout: dict[str, Any]) -> None:
    """No unknown key in the layout, its entries or its tables' columns; a form id, version and sheet name
    that a template can carry; styles that the layout defines. :class:`FormError` naming the YAML entry."""
    unknown = next((key for key in layout if key not in TOP_KEYS), None)
    if unknown is not None:
        raise form_error(yaml_place(path, (str(unknown),)), "form.unknown-key", key=repr(unknown), known=", ".join(TOP_KEYS))
    form_id, version, sheet = layout.get("id"), layout.get("version"), layout.get("sheet")
    if "id" in layout and not (isinstance(form_id, str) and FORM_ID.fullmatch(form_id)):
        raise form_error(yaml_place(path, ("id",)), "form.id", value=repr(form_id))
    if "version" in layout and not _VERSION.fullmatch(str(version)):
        raise form_error(yaml_place(path, ("version",)), "form.version", value=repr(version))
    if "sheet" in layout and (not isinstance(sheet, str) or not 0 < len(sheet) <= 31
                              or any(ch in sheet for ch in "[]:*?/\\") or sheet.startswith("_")):
        raise form_error(yaml_place(path, ("sheet",)), "form.sheet", value=repr(sheet))
    given = layout.get("styles")
    styles: dict[str, Any] = given if isinstance(given, dict) else {}
    for section, keys in ENTRY_KEYS.items():
        items = layout.get(section)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                where = Entry(path, section, index, str(item.get("field") or item.get("path") or ""))
                _check_keys(where, item, keys, styles)
                for j, col in enumerate(item.get("columns") or [] if section == "tables" else []):
                    if isinstance(col, dict):
                        _check_keys(where.child("columns", j, detail=str(col.get("field", ""))), col, COLUMN_KEYS,
                                    styles)


#: Keys whose value names a field: text, never what YAML makes of a bare no, yes, on, off or 12.
NAMING_KEYS = ("field", "path", "key", "fiscal_year")


def _check_keys(where: Entry, item: dict[str, Any], keys: tuple[str, ...], styles: dict[str, Any]) -> None:
    unknown = next((key for key in item if key not in keys), None)
    if unknown is not None:
        raise form_error(where, "form.unknown-key", key=repr(unknown), known=", ".join(keys))
    odd = next(((key, item[key]) for key in NAMING_KEYS if key in item and not isinstance(item[key], str)), None)
    if odd is not None:
        raise form_error(where, "form.bare-name", key=odd[0], value=repr(odd[1]))
    style = item.get("style")
    if style is not None and style not in styles:
        raise form_error(where, "form.style", style=repr(style), styles=", ".join(map(str, styles)))


def check_column_at(where: object, at: Any) -> str:
    """A table column's ``at:``: its column letters (``B`` or ``D:E``), never a cell; the rows are the table's."""
    if not (isinstance(at, str) and _COLUMNS.fullmatch(at.strip())):
        raise form_error(where, "form.column-at", at=repr(at))
    return at.strip()
