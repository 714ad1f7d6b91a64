"""What changed between two versions of a submission, as JSON pointers (RFC 6901)."""

from __future__ import annotations

from typing import Any


def changed_pointers(old: Any, new: Any) -> list[str]:
    """The pointers of every value added, removed or changed from ``old`` to ``new``.

    Objects are compared key by key and arrays item by item, so a new report shows as
    ``/reports/7`` and a corrected amount as ``/reports/2/disbursed``; a value whose type changes
    is reported at its own pointer. Numbers compare by value (``1 == 1.0``).

    Example::

        changed_pointers({"a": [1, 2]}, {"a": [1, 3], "b": 0}) == ["/a/1", "/b"]
    """
    found: list[str] = []
    _walk(old, new, "", found)
    return found


def _walk(old: Any, new: Any, base: str, found: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys(), key=str):
            pointer = f"{base}/{_escape(str(key))}"
            if key not in old or key not in new:
                found.append(pointer)
            else:
                _walk(old[key], new[key], pointer, found)
    elif isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            if index >= len(old) or index >= len(new):
                found.append(f"{base}/{index}")
            else:
                _walk(old[index], new[index], f"{base}/{index}", found)
    elif type(old) is bool or type(new) is bool:
        # True == 1 in Python, but on a form "yes" and the number one are different answers.
        if type(old) is not type(new) or old != new:
            found.append(base or "/")
    elif old != new:
        found.append(base or "/")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
