"""A quick test that an instance is certainly valid against a form's JSON Schema.

jsonschema's ``iter_errors`` builds a validator object per property it descends into, which costs
as much as reading the file. Most returned files are valid, so :func:`quick_check` compiles the
schema once into plain closures that answer "certainly valid" (True) or "not sure" (False); only
"not sure" runs ``iter_errors``, so the findings are exactly jsonschema's. The closures are
sound, not complete: they are never looser than jsonschema (same type rules or stricter, the
validator's own format checker, ``re.search`` for patterns), and a schema using any keyword not
listed here gets no quick test at all.
"""

from __future__ import annotations

import re
from typing import Any, Callable

Check = Callable[[Any], bool]
#: Raised inside the compiler for a schema the quick test does not handle (never escapes it).
_Unsupported = ValueError

#: Keywords that never make an instance invalid.
ANNOTATIONS = frozenset({"title", "description", "$schema", "$id", "$comment", "examples", "default",
                         "readOnly", "writeOnly", "deprecated"})
#: Types whose values the closures know (anything else: "not sure").
KNOWN = frozenset({dict, list, str, int, float, bool, type(None)})


def quick_check(schema: Any, conforms: Callable[[Any, str], bool]) -> Check | None:
    """A function telling whether an instance is certainly valid, or None if ``schema`` is beyond it.

    :param conforms: the validator's format check (``FormatChecker().conforms``).
    """
    try:
        return _compile(schema, conforms)
    except (_Unsupported, TypeError, re.error):  # a keyword beyond the quick test, or a value it cannot use
        return None


def _compile(schema: Any, conforms: Callable[[Any, str], bool]) -> Check:
    if schema is True or schema == {}:
        return lambda x: type(x) in KNOWN
    if not isinstance(schema, dict):
        raise _Unsupported(schema)
    checks: list[Check] = []
    for key, value in schema.items():
        if key in ANNOTATIONS:
            continue
        checks.append(_keyword(key, value, schema, conforms))
    if "type" in schema:
        # Every type rule admits only KNOWN types, so it stands for that look; run first, it is the
        # look the other keywords' closures may rely on (they then see only the values they expect).
        checks.insert(0, checks.pop(list(key for key in schema if key not in ANNOTATIONS).index("type")))
        return checks[0] if len(checks) == 1 else _all(checks)

    def check(x: Any) -> bool:
        if type(x) not in KNOWN:
            return False
        for one in checks:  # a loop: cheaper than all() over a generator
            if not one(x):
                return False
        return True
    return check


def _all(checks: list[Check]) -> Check:
    """Whether every one of ``checks`` holds, the first a type rule (see :func:`_compile`)."""
    def every(x: Any) -> bool:
        for one in checks:  # a loop: cheaper than all() over a generator
            if not one(x):
                return False
        return True
    return every


def _keyword(key: str, value: Any, schema: dict[str, Any], conforms: Callable[[Any, str], bool]) -> Check:
    simple = _simple(key, value, conforms)
    if simple is not None:
        return simple
    if key == "properties":
        subs = [(name, _compile(sub, conforms)) for name, sub in value.items()]

        def properties(x: Any) -> bool:
            if type(x) is not dict:
                return True
            for name, sub in subs:
                if name in x and not sub(x[name]):
                    return False
            return True
        return properties
    if key == "additionalProperties":
        known = set(schema.get("properties", {}))
        if "patternProperties" in schema:
            raise _Unsupported(key)
        if value is False:
            return lambda x: type(x) is not dict or all(k in known for k in x)
        extra = _compile(value, conforms)
        return lambda x: type(x) is not dict or all(extra(v) for k, v in x.items() if k not in known)
    if key == "items":
        if "prefixItems" in schema or not isinstance(value, (dict, bool)):
            raise _Unsupported(key)
        item = _compile(value, conforms)

        def items(x: Any) -> bool:
            if type(x) is not list:
                return True
            for one in x:
                if not item(one):
                    return False
            return True
        return items
    raise _Unsupported(key)


def _simple(key: str, value: Any, conforms: Callable[[Any, str], bool]) -> Check | None:
    """Checks of one value against a constant; None for keywords holding schemas."""
    number = _is_number
    if key == "type":
        types = [value] if isinstance(value, str) else list(value)
        if any(t not in TYPES for t in types):
            raise _Unsupported(value)
        tests = [TYPES[t] for t in types]
        return tests[0] if len(tests) == 1 else lambda x: any(t(x) for t in tests)
    if key == "required":
        names = list(value)
        return lambda x: type(x) is not dict or all(n in x for n in names)
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        limit = value
        if not _is_number(limit):
            raise _Unsupported(key)
        compare: Check = {"minimum": lambda x: x >= limit, "maximum": lambda x: x <= limit,
                          "exclusiveMinimum": lambda x: x > limit, "exclusiveMaximum": lambda x: x < limit}[key]
        return lambda x: not number(x) or compare(x)
    if key in ("minLength", "maxLength", "minItems", "maxItems"):
        size, kind = int(value), (str if key.endswith("Length") else list)
        if key.startswith("min"):
            return lambda x: type(x) is not kind or len(x) >= size
        return lambda x: type(x) is not kind or len(x) <= size
    if key == "pattern":
        regex = re.compile(str(value))
        return lambda x: type(x) is not str or regex.search(x) is not None
    if key == "format":
        name = str(value)
        return lambda x: conforms(x, name)
    if key in ("enum", "const"):
        choices = list(value) if key == "enum" else [value]
        if any(type(c) not in (str, int, float, type(None)) for c in choices):
            raise _Unsupported(key)  # containers and booleans compare in ways not copied here
        return lambda x: type(x) in (str, int, float, type(None)) and any(type(c) is type(x) and c == x for c in choices)
    return None


def _is_number(x: Any) -> bool:
    return type(x) is int or type(x) is float


#: The Draft 2020-12 type rules, or stricter.
TYPES: dict[str, Check] = {
    "object": lambda x: type(x) is dict,
    "array": lambda x: type(x) is list,
    "string": lambda x: type(x) is str,
    "number": _is_number,
    "integer": lambda x: type(x) is int or (type(x) is float and x.is_integer()),
    "boolean": lambda x: type(x) is bool,
    "null": lambda x: x is None,
}
