"""Reading a form's two files: the layout (YAML) and its schema (JSON Schema), each refused in one line.

A form author's first mistakes are in the files themselves: a bracket left open, a tab for an
indent, a file saved in the Thai Windows code page, a schema that is not JSON Schema or that
points at a definition on the web. Each is a :class:`FormError` naming the file (and, for YAML,
the line and column) and what to do; nothing here fetches anything: a ``$ref`` that leaves the
schema is refused, never followed.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any, Iterator

import yaml

from ..errors import FormError
from .layoutcheck import check_english_titles
from .said import form_error

#: Keywords that point at another schema; only ones inside the same file (``#/$defs/...``) are allowed.
_REFERENCES = ("$ref", "$dynamicRef")
#: Schema keywords whose value is data, never a schema (a field may be named "$ref" in ``properties``).
_DATA = ("enum", "const", "default", "examples")


def read_layout(path: Path) -> dict[str, Any]:
    """The layout's mapping; :class:`FormError` naming the file (and the line of a YAML mistake).

    :param path: the ``.yaml`` layout file.
    """
    text = _text(path, "layout")
    loader = _OneKeyOnce(text, path.name)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path.name} line {mark.line + 1} column {mark.column + 1}" if mark else path.name
        what = "; ".join(str(part) for part in (exc.problem, exc.context) if part)
        raise form_error(where, "form.yaml-syntax", what=what) from exc
    except yaml.YAMLError as exc:
        raise form_error(path.name, "form.yaml-invalid", what=" ".join(str(exc).split())) from exc
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise form_error(path.name, "form.not-mapping")
    return data


def read_schema(layout_path: Path, name: str) -> dict[str, Any]:
    """The schema ``name`` the layout names, found beside the layout or in ``../schemas/``, checked.

    :raises FormError: not found, not UTF-8 JSON, not a valid JSON Schema, or a ``$ref`` out of the file.
    """
    candidates = [layout_path.parent / name, layout_path.parent.parent / "schemas" / name,
                  layout_path.parent / "schemas" / name]
    for candidate in candidates:
        if candidate.is_file():
            text = _text(candidate, "schema")
            try:
                schema = json.loads(text, object_pairs_hook=partial(_one_key_once, candidate.name))
            except FormError:
                raise  # a key given twice (a ValueError too)
            except json.JSONDecodeError as exc:  # the place said as a YAML mistake's is, Thai first
                raise form_error(f"{candidate.name} line {exc.lineno} column {exc.colno}", "form.schema-json",
                                 why=exc.msg) from exc
            except ValueError as exc:
                raise form_error(candidate.name, "form.schema-json", why=exc) from exc
            return _checked_schema(candidate, schema)
    raise form_error(layout_path.name, "form.schema-missing", name=name)


def _text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # Windows Notepad may begin a UTF-8 file with a BOM
    except UnicodeDecodeError as exc:
        raise form_error(path.name, "form.not-utf8", what=what, at=exc.start,
                         byte=f"0x{exc.object[exc.start]:02x}") from exc
    except OSError as exc:
        raise form_error(path.name, "form.unreadable", what=what, why=exc.strerror or exc) from exc


def _checked_schema(path: Path, schema: Any) -> dict[str, Any]:
    import jsonschema  # here: loading it costs start-up time that --help does not need

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise form_error(path.name, "form.schema-invalid", why=exc.message) from exc
    for where, keyword, target in _references(schema, ""):
        if not target.startswith("#"):
            raise form_error(f"{path.name}: {where or '/'}", "form.schema-outside", keyword=keyword,
                             target=repr(target))
    check_english_titles(path.name, schema)
    _check_satisfiable(path.name, schema, "", schema)
    return dict(schema)


class _OneKeyOnce(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (a second ``rules:`` appended
    at the end replaced the first, and its rules were never checked)."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue  # a merge (<<) may be overridden on purpose; other keys are refused by PyYAML itself
            key = self.construct_object(key_node)
            if key in seen:
                mark = key_node.start_mark
                raise form_error(f"{self.name} line {mark.line + 1} column {mark.column + 1}", "form.yaml-twice",
                                 key=repr(key), other=seen[key])
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def _one_key_once(name: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict; :class:`FormError` naming the schema file if a key comes twice."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            title = dict(pairs).get("title")
            titled = isinstance(title, str)
            raise form_error(name, "form.json-twice", key=repr(key), inside=f" (the one titled {title!r})" if titled else "",
                             inside_th=f" (ในส่วนที่ title คือ {title!r})" if titled else "")
        out[key] = value
    return out


def _local_target(root: Any, ref: Any) -> Any:
    """What a ``$ref`` inside the schema (``#/$defs/item``) points at; None for any other."""
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return None
    node = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return node


#: Bounds of one keyword pair no value can meet when the first is above the second.
_BOUNDS = (("minimum", "maximum"), ("minLength", "maxLength"), ("minItems", "maxItems"))


def _check_satisfiable(name: str, node: Any, where: str, root: Any = None) -> None:
    """Along the fields a file's data is read into (properties, a table's items), a ``required`` name
    that is no property or bounds no value meets would refuse every school's file, each time with a
    message about a cell the form does not have. A ``$ref`` there to a group of fields (a table's
    items in ``$defs``) hides them from the layout, which would say they are not in the schema."""
    if not isinstance(node, dict):
        return
    target = _local_target(root, node.get("$ref"))
    if isinstance(target, dict) and ("properties" in target or "items" in target):
        raise form_error(f"{name}: {where or '/'}", "form.schema-ref-fields", ref=repr(node["$ref"]))
    properties = node.get("properties")
    if isinstance(properties, dict):
        missing = next((key for key in node.get("required", []) if key not in properties), None)
        if missing is not None:
            raise form_error(f"{name}: {where or '/'}", "form.schema-required", name=repr(missing),
                             properties=", ".join(properties))
        for child, schema in properties.items():
            _check_satisfiable(name, schema, f"{where}/properties/{child}", root)
    for low, high in _BOUNDS:
        least, most = node.get(low), node.get(high)
        if isinstance(least, (int, float)) and isinstance(most, (int, float)) and least > most:
            raise form_error(f"{name}: {where or '/'}", "form.schema-bounds", low=low, least=least, high=high,
                             most=most)
    _check_satisfiable(name, node.get("items"), f"{where}/items", root)


def _references(node: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """Every ``$ref`` in the schema: (its place, the keyword, where it points)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _references(item, f"{where}/{index}")
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _REFERENCES and isinstance(value, str):
                yield where, key, value
            elif key == "properties" and isinstance(value, dict):
                for child, sub in value.items():
                    yield from _references(sub, f"{where}/properties/{child}")
            elif key not in _DATA:
                yield from _references(value, f"{where}/{key}")
