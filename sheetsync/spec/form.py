"""Forms: a layout (``templates/<id>.yaml``) plus a JSON Schema (``schemas/<id>.schema.json``).

:func:`load_form` reads both, resolves where every field sits and checks that the two agree:
every schema leaf is placed exactly once and every placed field exists in the schema. Nothing
here touches a spreadsheet; the writers, the reader and validation all work from a :class:`Form`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any, Iterator

from .pointers import is_required, schema_node
from .cells import column_index, column_letter, parse_span
from .entries import Entry, Lazy
from .appearance import check_appearance
from .layoutcheck import auto_labels, check_column_at, check_field, check_layout_keys, check_places
from .master import check_master
from .rulespec import Rule, build_rules
from .sources import read_layout, read_schema
from .said import form_error, words, yes_no_labels

#: Kinds of input cell; each has its own parsing rule, validation and number format.
#: ``number`` is a number that is no money (an average of pupils, 19.5): shown as typed, with no unit.
KINDS = ("text", "lines", "whole", "amount", "number", "percent", "date", "choice", "auto")


@dataclass(frozen=True)
class Placement:
    """Where one field sits: its top-left cell and, for a merged block, the bottom-right one."""

    col: int
    row: int
    last_col: int
    last_row: int

    @property
    def ref(self) -> str:
        """The A1 reference of the top-left cell, e.g. ``"C5"``."""
        return f"{column_letter(self.col)}{self.row}"

    @property
    def span(self) -> str:
        """The A1 range covered, e.g. ``"C5:D5"`` (just the cell when it is not merged)."""
        last = f"{column_letter(self.last_col)}{self.last_row}"
        return self.ref if last == self.ref else f"{self.ref}:{last}"

    def at_row(self, row: int) -> "Placement":
        """The same columns moved to another row (table rows share one column layout)."""
        return Placement(self.col, row, self.last_col, row + self.last_row - self.row)


@dataclass(frozen=True)
class Field:
    """One input cell: a scalar leaf of the schema (or a list written one item per line)."""

    pointer: str  # JSON pointer; inside a table, relative to the row ("" for scalar items)
    place: Placement
    kind: str
    schema: dict[str, Any]
    required: bool
    title: str
    choices: dict[Any, str] | None = None
    auto: str | tuple[str, ...] | None = None  # locked row label: "{n}." from the row number, or one per row
    fiscal_year: str | None = None  # pointer of the fiscal-year field that bounds a date
    style: str | None = None

    def auto_label(self, n: int) -> str | int:
        """The locked label of a table's ``n``-th row (from 1): the list's ``n``-th entry (``อ.1`` …
        ``ป.6``), else the text with ``{n}`` filled in — a bare ``"{n}"`` is the number itself, so that it
        reads back as one."""
        if isinstance(self.auto, tuple):
            return self.auto[n - 1]
        text = str(self.auto)
        return n if text == "{n}" else text.format(n=n)

    @property
    def decorative(self) -> bool:
        """A locked column with no data behind it, such as the "1." before an objective."""
        return self.kind == "auto" and not self.pointer


@dataclass(frozen=True)
class Table:
    """A block of rows holding one array of the schema, one item per row."""

    pointer: str
    first_row: int
    last_row: int
    columns: tuple[Field, ...]
    key: str | None  # item field whose value chooses the row (report N on row N)
    lock_prefilled: bool
    height: float | None
    scalar_items: bool  # the array holds strings, not objects
    title: str = ""  # the array's own schema title ("นักเรียนรายชั้น"), naming the whole list

    @property
    def capacity(self) -> int:
        """How many items the block can hold."""
        return self.last_row - self.first_row + 1


@dataclass(frozen=True)
class Label:
    """Fixed text of the form (a label, heading or the certification sentence)."""

    place: Placement
    text: str
    style: str | None


@dataclass(frozen=True)
class Form:
    """A loaded and checked form: layout, schema and the resolved placements."""

    id: str
    version: str
    title: str
    title_en: str
    sheet: str
    schema: dict[str, Any]
    layout: dict[str, Any]
    fields: tuple[Field, ...]
    tables: tuple[Table, ...]
    labels: tuple[Label, ...]
    rules: tuple[Rule, ...]
    source: Path
    schema_hash: str = field(default="")

    @cached_property
    def validator(self) -> Any:
        """A JSON Schema validator of this form's schema, format checks on (built once per form)."""
        from jsonschema import Draft202012Validator, FormatChecker

        return Draft202012Validator(self.schema, format_checker=FormatChecker())

    @property
    def major_version(self) -> int:
        """The major part of :attr:`version`; files of another major version are refused."""
        return int(self.version.split(".")[0])

    def all_fields(self) -> Iterator[Field]:
        """Every single field and every table column, in layout order."""
        yield from self.fields
        for table in self.tables:
            yield from table.columns

    def field_at(self, pointer: str) -> Field | None:
        """The single (non-table) field placed at ``pointer``, if any."""
        return next((f for f in self.fields if f.pointer == pointer), None)

    def table_at(self, pointer: str) -> Table | None:
        """The table holding the array at ``pointer``, if any."""
        return next((t for t in self.tables if t.pointer == pointer), None)


def load_form(layout_path: str | Path) -> Form:
    """Load a form from its layout file and the schema the layout names.

    :param layout_path: a ``.yaml`` layout; its ``schema`` key names a file in ``../schemas/``
        or beside the layout.
    :raises FormError: when either file is broken or the two disagree (the message names the field).

    Example::

        form = load_form("templates/progress-report.yaml")
        form.field_at("/project/code").place.ref   # "C5"
    """
    layout_path = Path(layout_path)
    layout = read_layout(layout_path)
    check_layout_keys(layout_path, layout)
    check_appearance(layout_path, layout)
    schema = read_schema(layout_path, str(_required(layout, "schema", layout_path)))
    cells, table_items = _entries(layout, "cells", layout_path), _entries(layout, "tables", layout_path)
    fields = tuple(_single_field(where, item, schema) for where, item in cells if "field" in item)
    labels = tuple(_label(where, item) for where, item in cells if "field" not in item)
    tables = tuple(_table(where, item, schema) for where, item in table_items)
    check_places(_places(cells, list(zip((w for w, _ in table_items), tables))))
    form = Form(
        id=_required(layout, "id", layout_path),
        version=str(_required(layout, "version", layout_path)),
        title=_required(layout, "title", layout_path),
        title_en=layout.get("title_en", ""),
        sheet=_required(layout, "sheet", layout_path),
        schema=schema,
        layout=layout,
        fields=fields,
        tables=tables,
        labels=labels,
        rules=(),
        source=layout_path,
        schema_hash=hashlib.sha256(json.dumps(schema, sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
    )
    check_agreement(form)
    for key in FIELD_LISTS:
        _check_field_list(form, key)
    check_master(form)
    return replace(form, rules=build_rules(form))


#: Layout keys listing single fields: ``signature`` (signed by hand: empty and open in next period's
#: templates), ``open_prefilled`` (a school keeps them up to date: prefilled, never locked).
FIELD_LISTS = ("signature", "open_prefilled")


def _check_field_list(form: Form, key: str) -> None:
    """:class:`FormError` naming ``key`` and the entry when it is not a list of single fields' pointers."""
    listed = form.layout.get(key, [])
    if not isinstance(listed, list):
        raise form_error(form.source.name, "form.field-list", key=key)
    for index, pointer in enumerate(listed):
        if not isinstance(pointer, str) or form.field_at(pointer) is None:
            raise form_error(f"{form.source.name}: {key}[{index}]", "form.field-list-item", pointer=repr(pointer))


def check_agreement(form: Form) -> None:
    """Check that every schema leaf is placed once and every placed field is in the schema.

    :raises FormError: naming the first field that is missing, unknown or placed twice.
    """
    placed: list[str] = [f.pointer for f in form.fields]
    for table in form.tables:
        placed += [f"{table.pointer}/*" + (f"/{c.pointer}" if c.pointer else "") for c in table.columns if not c.decorative]
    duplicates = sorted({p for p in placed if placed.count(p) > 1})
    if duplicates:
        raise form_error(form.source.name, "form.placed-twice", field=duplicates[0])
    leaves = set(_schema_leaves(form.schema, "", set(placed)))
    for pointer in placed:
        if pointer not in leaves:
            raise form_error(form.source.name, "form.not-in-schema", field=pointer)
    for pointer in sorted(leaves - set(placed)):
        array, _, column = pointer.partition("/*/")
        place = (words("place", "form.place-column", column=column, array=array) if column
                 else words("place", "form.place-cell", field=pointer))
        raise form_error(form.source.name, "form.not-placed", field=pointer, **place)


def parse_range(text: str, where: object) -> Placement:
    """Turn ``"C5"`` or ``"C5:H5"`` into a :class:`Placement`; :class:`FormError` naming ``where`` if malformed."""
    try:
        return _parse_range(text)
    except ValueError as exc:
        raise form_error(where, "form.cell-at", at=repr(text), why=exc) from exc


@lru_cache(maxsize=4096)
def _parse_range(text: str) -> Placement:
    return Placement(*parse_span(text))


def _schema_leaves(node: dict[str, Any], pointer: str, placed: set[str]) -> Iterator[str]:
    kind = node.get("type")
    if kind == "object":
        for name, child in node.get("properties", {}).items():
            yield from _schema_leaves(child, f"{pointer}/{name}", placed)
    elif kind == "array":
        items = node.get("items", {})
        # An array of strings may sit in one cell (one item per line) or in a table block.
        if items.get("type") != "object" and pointer in placed:
            yield pointer
        else:
            yield from _schema_leaves(items, f"{pointer}/*", placed)
    else:
        yield pointer


def _places(cells: list[tuple[Entry, dict[str, Any]]], tables: list[tuple[Entry, Table]]
            ) -> Iterator[tuple[int, int, int, int, object, str | None]]:
    """Every placement of the layout with the entry that makes it (for :func:`check_places`; an entry
    is written out, reading the layout's text for its line, only for an error)."""
    for where, item in cells:
        place = parse_range(str(_required(item, "at", where)), where)
        field = str(item["field"]) if "field" in item else None
        yield place.col, place.row, place.last_col, place.last_row, where, field
    for where, table in tables:
        for row in range(table.first_row, table.last_row + 1):
            for c in table.columns:
                at = c.place.at_row(row)
                name = table.pointer + "/*" + (f"/{c.pointer}" if c.pointer else "")
                field = name if row == table.first_row and not c.decorative else None
                yield at.col, at.row, at.last_col, at.last_row, Lazy(partial("{} row {}".format, where, row)), field


def _entries(layout: dict[str, Any], section: str, path: Path) -> list[tuple[Entry, dict[str, Any]]]:
    items = layout.get(section, [])
    if not isinstance(items, list):
        raise form_error(path.name, "form.list", key=section)
    named = [(Entry(path, section, i, str(item.get("field") or item.get("path") or "") if isinstance(item, dict)
                    else ""), item) for i, item in enumerate(items)]
    for where, item in named:
        if not isinstance(item, dict):
            raise form_error(where, "form.entry-mapping")
    return named


def _single_field(where: Entry, item: dict[str, Any], schema: dict[str, Any]) -> Field:
    pointer = str(item["field"])
    return _make_field(where, item, schema, pointer, pointer, parse_range(str(_required(item, "at", where)), where))


def _table(where: Entry, item: dict[str, Any], schema: dict[str, Any]) -> Table:
    pointer = str(_required(item, "path", where))
    node = schema_node(schema, pointer)
    if node is None or node.get("type") != "array":
        raise form_error(where, "form.table-not-array", pointer=pointer)
    rows = _required(item, "rows", where)
    if not (isinstance(rows, list) and len(rows) == 2 and all(type(r) is int for r in rows) and 1 <= rows[0] <= rows[1]):
        raise form_error(where.child("rows", detail=pointer), "form.table-rows", rows=repr(rows))
    first, last = rows
    columns = tuple(_table_column(where.child("columns", j, detail=str(col.get("field", "")) if isinstance(col, dict)
                                              else ""), col, schema, pointer, first, last)
                    for j, col in enumerate(_required(item, "columns", where)))
    scalar = node.get("items", {}).get("type") != "object"
    if scalar and not any(c.pointer == "" and c.auto is None for c in columns):
        raise form_error(where, "form.table-plain", pointer=pointer)
    key = item.get("key")
    if key is not None and not any(c.pointer == key for c in columns):
        raise form_error(where, "form.table-key", pointer=pointer, key=repr(key))
    if key is None:
        # A row label that reads back as a field (ป.1 on its row) says which row an item goes on: without
        # it, a school's ป.1–ป.6 with อ.1–อ.3 left empty were written onto the first six rows.
        key = next((c.pointer for c in columns if c.pointer and c.auto is not None), None)
    return Table(pointer, first, last, columns, key, bool(item.get("lock_prefilled", True)),
                 item.get("height"), scalar, str(node.get("title") or ""))


def _table_column(where: Entry, col: dict[str, Any], schema: dict[str, Any], table: str, row: int,
                  last: int) -> Field:
    cols = check_column_at(where, _required(col, "at", where)).split(":")
    place = parse_range(f"{cols[0]}{row}:{cols[-1]}{row}", where)
    name = str(col.get("field", ""))
    full = f"{table}/*" + (f"/{name}" if name else "")
    if "field" not in col:  # a purely decorative auto column such as the "1." before an objective
        auto = auto_labels(where, _required(col, "auto", where), last - row + 1)
        return Field("", place, "auto", {}, False, "", auto=auto, style=col.get("style"))
    made = _make_field(where, col, schema, name, full, place)
    if "auto" in col:
        made = replace(made, auto=auto_labels(where, col["auto"], last - row + 1, made.schema.get("enum")))
    return made


def _make_field(where: Entry, item: dict[str, Any], schema: dict[str, Any], pointer: str, full: str,
                place: Placement) -> Field:
    node = schema_node(schema, full)
    if node is None:
        raise form_error(where, "form.not-in-schema", field=full)
    kind = str(item.get("kind") or ("auto" if "auto" in item else _kind_from_schema(node, item)))
    if kind not in KINDS:
        raise form_error(where, "form.unknown-kind", field=full, kind=repr(kind), known=", ".join(KINDS))
    choices = item.get("choices") or ({v: str(v) for v in node["enum"]} if "enum" in node else None)
    if choices is None and node.get("type") == "boolean":
        choices = yes_no_labels()  # without them the cell had no dropdown and took no answer at all
    check_field(where, full, node, kind, choices, item, schema)
    return Field(
        pointer=pointer, place=place, kind=kind, schema=node,
        required=full.endswith("/*") or is_required(schema, full),
        title=str(node.get("title", full)),
        choices=choices,
        auto=item.get("auto"),
        fiscal_year=item.get("fiscal_year"), style=item.get("style"),
    )


def _kind_from_schema(node: dict[str, Any], item: dict[str, Any]) -> str:
    if "choices" in item or "enum" in node or node.get("type") == "boolean":
        return "choice"
    if node.get("type") == "integer":
        return "whole"
    if node.get("type") == "number":
        return "amount"
    if node.get("type") == "array":
        return "lines"
    return "date" if node.get("format") == "date" else "text"


def _label(where: Entry, item: dict[str, Any]) -> Label:
    text = item.get("text", "")
    if isinstance(text, (bool, float)) or text is None:
        # YAML reads a bare yes as true, "1." as 1.0 and an empty value as null: printed True, 1.0, None.
        raise form_error(where, "form.label-text", text=repr(text))
    return Label(parse_range(str(_required(item, "at", where)), where), str(text), item.get("style"))


def _required(mapping: dict[str, Any], key: str, where: Path | Entry) -> Any:
    if key not in mapping:
        raise form_error(where.name if isinstance(where, Path) else where, "form.missing-key", key=repr(key))
    return mapping[key]


__all__ = ["Field", "Form", "KINDS", "Label", "Placement", "Table", "check_agreement", "column_index",
           "column_letter", "load_form", "parse_range"]
