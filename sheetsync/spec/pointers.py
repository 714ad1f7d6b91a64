"""JSON pointers: finding a value in a form's data, and the schema node that describes it."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..errors import DataError
from ..messages import LANGS, render

_INDEX = re.compile(r"/\d+(?=/|$)")


@lru_cache(maxsize=4096)  # asked for each value of every file: the same few hundred pointers of a form
def generic(pointer: str) -> str:
    """The pointer with every array index as ``*``: ``/reports/3/date`` → ``/reports/*/date``.

    Layouts and schemas speak of a table's column once, for every row; findings and data speak
    of one row. This is the bridge between the two.
    """
    return _INDEX.sub("/*", pointer)


def lookup(data: Any, pointer: str) -> Any:
    """The value at ``pointer`` in nested dicts and lists, or None when any step is missing.

    Example::

        lookup({"reports": [{"no": 1}]}, "/reports/0/no")   # 1
    """
    node = data
    for part in _parts(pointer):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


@lru_cache(maxsize=4096)  # rules and warnings look up the same pointers of a form in every file
def _parts(pointer: str) -> tuple[str, ...]:
    """The keys ``pointer`` names, unescaped (``~1`` is "/", ``~0`` is "~")."""
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/") if p)


def place(data: dict[str, Any], pointer: str, value: Any) -> None:
    """Put ``value`` at ``pointer`` (a single field: object keys only) in ``data``, making the objects on the way.

    :raises DataError: a step on the way holds something other than an object.

    Example::

        data = {}
        place(data, "/school/code", "103601")   # data == {"school": {"code": "103601"}}
    """
    *parents, name = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/") if p]
    node = data
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            th, en = (render("prefill.not-object-on-the-way", lang, source="cli.yaml", where=pointer, step=f"/{part}")
                      for lang in LANGS)
            raise DataError(en, th=th)
        node = child
    node[name] = value


def remove(data: dict[str, Any], pointer: str) -> None:
    """Take the value at ``pointer`` (a single field: object keys only) out of ``data``, if it is there."""
    *parents, name = _parts(pointer)
    node: Any = data
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(name, None)


def schema_node(schema: dict[str, Any], pointer: str) -> dict[str, Any] | None:
    """The schema node describing ``pointer`` (``*`` or digits step into array items)."""
    node: dict[str, Any] = schema
    for part in [p for p in pointer.split("/") if p]:
        if node.get("type") == "array":
            node = node.get("items", {})
            if part == "*" or part.isdigit():
                continue
        props = node.get("properties", {})
        if part not in props:
            return None
        node = props[part]
    return node


def is_required(schema: dict[str, Any], pointer: str) -> bool:
    """Whether the last key of ``pointer`` is listed in its parent's ``required``."""
    parent, _, name = pointer.rpartition("/")
    node = schema_node(schema, parent)
    if node is not None and node.get("type") == "array":
        node = node.get("items", {})
    return node is not None and name in node.get("required", [])
