"""Name a layout's YAML entry the way a form author finds it: file, line, and section[index].

Errors in a layout are found after parsing, when only the data is left; this module goes back to
the text (only when there is an error to report) so the message says ``progress-report.yaml
line 116 (rules[0], kind sequence)`` rather than leaving the author to search. Entries inside
entries are named the same way: ``tables[0].columns[1]``, ``master.key[0]``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

import yaml

#: A place in a layout: the keys (mapping keys and list positions) leading to it from the top.
Keys = tuple[str | int, ...]


def yaml_place(path: Path, keys: Keys, detail: str = "") -> str:
    """``"<file> line N (a.b[i], detail)"`` for the node at ``keys``; without the line when the text cannot say.

    :param path: the layout file.
    :param keys: the mapping keys and list indexes leading to the node, e.g. ``("master", "key", 0)``.
    :param detail: what the entry is about (a field pointer, a rule kind), if known.

    Example::

        yaml_place(Path("templates/school-lunch.yaml"), ("tables", 0, "columns", 1), "pupil")
        # 'school-lunch.yaml line 61 (tables[0].columns[1], pupil)'
    """
    inside = _keys_text(keys) + (f", {detail}" if detail else "")
    line = _line_of(path, keys)
    return f"{path.name} line {line} ({inside})" if line else f"{path.name} ({inside})"


def entry_name(path: Path, section: str, index: int, detail: str = "") -> str:
    """``"<file> line N (section[index], detail)"``; without the line when the text cannot say.

    :param path: the layout file.
    :param section: the top-level key holding a list (``cells``, ``tables``, ``rules``).
    :param index: the entry's position in that list (0-based, as in YAML's order).
    :param detail: what the entry is about (a field pointer, a rule kind), if known.

    Example::

        entry_name(Path("templates/progress-report.yaml"), "rules", 0, "kind sequence")
        # 'progress-report.yaml line 116 (rules[0], kind sequence)'
    """
    return yaml_place(path, (section, index), detail)


def _keys_text(keys: Keys) -> str:
    text = str(keys[0]) if keys else ""
    for key in keys[1:]:
        text += f"[{key}]" if isinstance(key, int) else f".{key}"
    return text


def _line_of(path: Path, keys: Keys) -> int | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    return _node_lines(text).get(keys)


@lru_cache(maxsize=16)
def _node_lines(text: str) -> dict[Keys, int]:
    """Every node of the YAML ``text`` by its keys → its 1-based line (keyed by text: a file edited between
    two loads is read again)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    return dict(_walk(root, ())) if root is not None else {}


def _walk(node: yaml.Node, keys: Keys) -> Iterator[tuple[Keys, int]]:
    if keys:
        yield keys, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield from _walk(value, (*keys, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(item, (*keys, index))


class Lazy:
    """A text made only when it is written out: an entry's line is read from the layout's file, which
    only an error needs (a form loads with a few hundred entries)."""

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make

    def __str__(self) -> str:
        return self._make()


class Entry:
    """One entry of a layout's list, named only when an error needs it (finding lines costs a parse).

    ``str(entry)`` is :func:`entry_name`'s text; ``entry.path`` is the layout file.
    """

    def __init__(self, path: Path, section: str, index: int, detail: str = "", inner: Keys = ()) -> None:
        self.path, self.section, self.index, self.detail, self.inner = path, section, index, detail, inner

    def __str__(self) -> str:
        return yaml_place(self.path, (self.section, self.index, *self.inner), self.detail)

    def child(self, *keys: str | int, detail: str = "") -> Entry:
        """The entry nested at ``keys`` inside this one (a table's column: ``child("columns", 1)``)."""
        return Entry(self.path, self.section, self.index, detail, (*self.inner, *keys))
