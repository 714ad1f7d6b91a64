"""The quick validity test (sheetsync.check.quickcheck) never calls valid what jsonschema would not."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from sheetsync.check.quickcheck import quick_check
from sheetsync.spec.form import Form

#: What a leaf may be turned into: wrong types, edges of lengths and ranges, odd Python types.
REPLACEMENTS: list[Any] = [None, True, 0, -1, 1.5, 10 ** 12, "", "x" * 5000, "2567-13-45", "2020-02-28", [],
                           {"a": 1}, Decimal("1"), dt.date(2020, 1, 1), 100.0]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, path + (index,))


def _variants(data: dict[str, Any]) -> Iterator[Any]:
    """The data with each node replaced, removed, or given an unknown key."""
    for path in _leaves(data):
        if not path:
            continue
        for value in REPLACEMENTS:
            changed = copy.deepcopy(data)
            parent = changed
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]] = value
            yield changed
        removed = copy.deepcopy(data)
        parent = removed
        for part in path[:-1]:
            parent = parent[part]
        del parent[path[-1]]
        yield removed
        extra = copy.deepcopy(data)
        parent = extra
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict):
            parent["unknown_key"] = "x"
            yield extra


@pytest.mark.parametrize("which", ["progress", "census"])
def test_quick_valid_means_jsonschema_finds_nothing(which: str, progress_form: Form, census_form: Form,
                                                    seed: dict[str, Any], census_sample: dict[str, Any]) -> None:
    form, data = (progress_form, seed) if which == "progress" else (census_form, census_sample)
    validator = Draft202012Validator(form.schema, format_checker=FormatChecker())
    quick = quick_check(form.schema, validator.format_checker.conforms)  # type: ignore[union-attr]
    assert quick is not None
    assert quick(data) and not list(validator.iter_errors(data))
    said_valid = said_not_sure = 0
    for variant in _variants(data):
        if quick(variant):
            assert list(validator.iter_errors(variant)) == [], variant
            said_valid += 1
        else:
            said_not_sure += 1
    assert said_valid and said_not_sure  # both answers were exercised


@pytest.mark.parametrize("schema", [
    {"$ref": "#/$defs/x", "$defs": {"x": {"type": "string"}}},
    {"type": "object", "patternProperties": {"^a": {"type": "string"}}},
    {"type": "array", "prefixItems": [{"type": "string"}]},
    {"anyOf": [{"type": "string"}, {"type": "null"}]},
    {"enum": [[1], {"a": 1}]},
])
def test_schemas_beyond_the_quick_test_get_none(schema: dict[str, Any]) -> None:
    assert quick_check(schema, FormatChecker().conforms) is None


def test_quick_test_is_stricter_where_jsonschema_is_subtle() -> None:
    checker = FormatChecker().conforms
    integer = quick_check({"type": "integer"}, checker)
    choice = quick_check({"enum": [1, "a"]}, checker)
    assert integer is not None and choice is not None
    assert integer(3) and integer(3.0) and not integer(True) and not integer(3.5)
    assert choice(1) and choice("a") and not choice(True) and not choice(1.0)  # 1.0: "not sure"
