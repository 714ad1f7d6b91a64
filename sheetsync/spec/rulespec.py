"""Typed cross-field rules: each kind declares its parameters, checked when a form loads.

A layout's ``rules:`` entry such as ``{kind: running_total_max, table: /reports, field: disbursed,
max: /project/budget_received}`` becomes a :class:`Rule` only if every parameter its kind needs is
there, has the right type and names something the form really has (a table, one of that table's
columns, a field, a known operator or finding code). A mistake is a :class:`FormError` naming the
YAML entry, so it surfaces when the form loads rather than as a ``KeyError`` in the middle of a
school's validation. Every kind also takes ``code:`` and ``message:``, which word its main finding
(:mod:`sheetsync.spec.wording`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from ..thaidates import month_number
from .entries import entry_name
from .pointers import schema_node
from .wording import SITUATIONS, check_layout_messages, check_texts, placeholders
from .said import form_error, words

if TYPE_CHECKING:
    from .form import Field, Form

#: Parameter types: a table placed in the form, a column of the rule's table, a single field,
#: a comparison operator, a finding code of the message catalogue, a text.
TABLE, COLUMN, FIELD, OP, CODE, MESSAGE = "table", "column", "field", "op", "code", "message"
#: A list of columns of the rule's table (the parts a row's total adds up).
COLUMNS = "columns"
#: More particular fields: a number, a list of dates, a month (1–12 or Thai month names), a year (B.E.);
#: and plain values: a positive number (a scale), a count of decimals.
NUMBER, DATES, MONTH, YEAR, SCALE, DECIMALS = "number", "dates", "month", "year", "scale", "decimals"
#: The types that name one field / a list of fields (what :attr:`Rule.fields` collects).
ONE_FIELD, FIELD_LISTS = (FIELD, NUMBER, MONTH, YEAR), (DATES,)
OPERATORS = ("<=", "<", ">=", ">", "==")
#: What is wrong with a parameter's value: a mistake of ``form.yaml`` and what its message needs.
Problem = tuple[str, dict[str, Any]]
#: Most decimals a ratio may be asked to: a percentage is written with two, no form goes past six.
MAX_DECIMALS = 6

#: Each rule kind's parameters: name → (type, required); every kind also takes ``code`` and ``message``.
_KIND_PARAMS: dict[str, dict[str, tuple[str, bool]]] = {
    "sequence": {"table": (TABLE, True), "field": (COLUMN, True)},
    "increasing": {"table": (TABLE, True), "field": (COLUMN, True)},
    "within": {"table": (TABLE, True), "field": (COLUMN, True), "from": (FIELD, True), "to": (FIELD, True)},
    "not_decreasing": {"table": (TABLE, True), "field": (COLUMN, True)},
    "running_total_max": {"table": (TABLE, True), "field": (COLUMN, True), "max": (NUMBER, True)},
    "total_when_complete": {"table": (TABLE, True), "field": (COLUMN, True), "progress": (COLUMN, True),
                            "equals": (NUMBER, True)},
    "compare": {"left": (FIELD, True), "op": (OP, True), "right": (FIELD, True)},
    "row_compare": {"table": (TABLE, True), "left": (COLUMN, True), "op": (OP, True), "right": (COLUMN, True)},
    "sum_equals": {"table": (TABLE, True), "field": (COLUMN, True), "equals": (NUMBER, True)},
    "fiscal_year": {"year": (YEAR, True), "dates": (DATES, True)},
    # Without dates it only says that the month and the year name a calendar month (the master's period).
    "in_month": {"dates": (DATES, False), "month": (MONTH, True), "fiscal_year": (YEAR, False), "year": (YEAR, False)},
    "ratio": {"value": (NUMBER, True), "numerator": (NUMBER, True), "denominator": (NUMBER, True),
              "scale": (SCALE, False), "decimals": (DECIMALS, False)},
    "row_sum": {"table": (TABLE, True), "fields": (COLUMNS, True), "equals": (COLUMN, True)},
    "row_ratio": {"table": (TABLE, True), "value": (COLUMN, True), "numerator": (COLUMN, True),
                  "denominator": (COLUMN, True), "scale": (SCALE, False), "decimals": (DECIMALS, False)},
}
#: What a column's values must be for its kind's arithmetic (a total of texts, a sequence of dates
#: would stop validation with a TypeError, or compare nonsense): name → whole, number, or ordered
#: (numbers or dates, which the rule orders).
COLUMN_VALUES: dict[str, dict[str, str]] = {
    "sequence": {"field": "whole"}, "increasing": {"field": "ordered"}, "within": {"field": "ordered"},
    "not_decreasing": {"field": "number"}, "running_total_max": {"field": "number"},
    "total_when_complete": {"field": "number", "progress": "number"}, "sum_equals": {"field": "number"},
    "row_compare": {"left": "ordered", "right": "ordered"},
    "row_sum": {"fields": "number", "equals": "number"},
    "row_ratio": {"value": "number", "numerator": "number", "denominator": "number"},
}
#: Parameters whose values a rule compares with each other, so must be of one sort (both dates, both numbers).
ALIKE: dict[str, tuple[tuple[str, str], ...]] = {
    "within": (("field", "from"), ("field", "to")), "compare": (("left", "right"),),
    "row_compare": (("left", "right"),)}
PARAMS = {kind: {**params, "code": (CODE, False), "message": (MESSAGE, False)} for kind, params in _KIND_PARAMS.items()}
#: Parameters of which a kind needs exactly one (name → what it is): the month is of a fiscal year or a calendar year.
ONE_OF: dict[str, dict[str, str]] = {"in_month": {"fiscal_year": "the field of the fiscal year, B.E.",
                                                  "year": "the field of the calendar year, B.E."}}


@dataclass(frozen=True)
class Rule(Mapping[str, Any]):
    """One checked rule of a layout: its kind, its parameters, and where it was declared.

    It reads like the mapping it came from (``rule["table"]``), so rule functions stay small.
    """

    kind: str
    params: Mapping[str, Any]
    where: str
    wording: Mapping[str, Any] = field(default_factory=dict)  # the layout's ``messages:``, by finding code

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    @property
    def fields(self) -> tuple[str, ...]:
        """The single fields the rule reads (not its table's columns): the values it judges others by."""
        spec = PARAMS[self.kind]
        found: list[str] = []
        for name, value in self.params.items():
            if spec[name][0] in ONE_FIELD:
                found.append(value)
            elif spec[name][0] in FIELD_LISTS:
                found.extend(value)
        return tuple(found)

    def finding_code(self, code: str) -> str:
        """The code a finding of this rule carries: the layout's ``code:`` for its main finding, else ``code``."""
        return str(self.params.get("code", code)) if code == SITUATIONS[self.kind][0] else code

    def message_of(self, code: str, situation: str) -> str | Mapping[str, str]:
        """The words of this rule's finding ``code`` (given in ``situation``): the rule's own ``message:``
        (its main finding), else the layout's ``messages:`` entry, else the catalogue's ``code``."""
        if situation == SITUATIONS[self.kind][0] and "message" in self.params:
            texts: Mapping[str, str] = self.params["message"]
            return texts
        found: str | Mapping[str, str] = self.wording.get(code, code)
        return found

    @property
    def over_table(self) -> bool:
        """True when the rule checks the rows of a table (against fields); False for field-to-field rules."""
        return any(PARAMS[self.kind][name][0] == TABLE for name in self.params)


def build_rules(form: Form) -> tuple[Rule, ...]:
    """Check every ``rules:`` entry of the form's layout against its kind and the form, and the layout's
    ``messages:`` against the findings those rules give; return the rules typed.

    :raises FormError: naming the entry (file, line, ``rules[i]`` or ``messages.<code>``) and what is wrong.
    """
    path, entries = form.source, form.layout.get("rules", [])
    if not isinstance(entries, list):
        raise form_error(path.name, "form.list", key="rules")
    rules = [_build(form, entry, entry_name(path, "rules", i, _kind_of(entry))) for i, entry in enumerate(entries)]
    given = {rule.finding_code(code): code for rule in rules for code in SITUATIONS[rule.kind]}
    from ..messages import catalogue  # the catalogue is data; load it only for layouts that name codes

    wording = check_layout_messages(path, form.layout, given, catalogue()) if "messages" in form.layout else {}
    return tuple(Rule(rule.kind, rule.params, rule.where, wording) for rule in rules)


def _kind_of(entry: Any) -> str:
    return f"kind {entry.get('kind')}" if isinstance(entry, dict) and entry.get("kind") else ""


def _build(form: Form, entry: Any, where: str) -> Rule:
    if not isinstance(entry, dict):
        raise form_error(where, "form.rule-mapping")
    kind = entry.get("kind")
    if not isinstance(kind, str) or kind not in PARAMS:
        raise form_error(where, "form.rule-kind", kind=repr(kind), known=", ".join(sorted(PARAMS)))
    spec = PARAMS[kind]
    params = {k: v for k, v in entry.items() if k != "kind"}
    unknown = sorted(set(params) - set(spec))
    if unknown:
        raise form_error(where, "form.rule-extra", kind=kind, name=repr(unknown[0]), takes=", ".join(spec))
    for name, (kind_of_param, required) in spec.items():
        if name not in params:
            if required:
                raise form_error(where, "form.rule-needs", kind=kind, name=repr(name), **_explain(kind_of_param))
            continue
        if kind_of_param == MESSAGE:
            params[name] = check_texts(f"{where}: {name}", params[name], placeholders(SITUATIONS[kind][0]))
            continue
        problem = _check_param(form, kind_of_param, params[name], params.get("table"))
        if problem and kind == "compare" and problem[0] == "form.rule-is-column":
            problem = "form.rule-compare-column", problem[1]  # what to write instead: row_compare
        if problem:
            raise form_error(f"{where}: {name}", problem[0], **problem[1])
    _check_one_of(kind, params, where)
    _check_values(form, kind, params, where)
    return Rule(kind, params, where)


def _check_values(form: Form, kind: str, params: Mapping[str, Any], where: str) -> None:
    """The columns a rule adds up or orders hold numbers (or dates), and the fields it compares are alike."""
    table = form.table_at(str(params.get("table")))
    for name, wanted in COLUMN_VALUES.get(kind, {}).items():
        names = params[name] if isinstance(params[name], list) else [params[name]]
        for column in (c for c in (table.columns if table else ()) if c.pointer in names):
            if not _holds(column, wanted):
                raise form_error(f"{where}: {name}", "form.rule-column-holds", column=repr(column.pointer),
                                 table=table.pointer if table else "", **words("sort", f"form.sort.{_sort(column)}"),
                                 **words("wanted", f"form.wanted.{wanted}"))
    for first, second in ALIKE.get(kind, ()):
        one, other = _placed(form, kind, params, first), _placed(form, kind, params, second)
        if one is None or other is None:
            continue
        ordered = _sort(one) in ("number", "date") or (kind == "compare" and params.get("op") == "==")
        if not ordered:
            raise form_error(f"{where}: {first}", "form.rule-not-ordered", value=repr(params[first]), kind=kind,
                             **words("sort", f"form.sort.{_sort(one)}"))
        if _sort(one) != _sort(other):
            raise form_error(f"{where}: {second}", "form.rule-not-alike", value=repr(params[second]), first=first,
                             other=repr(params[first]), **words("sort", f"form.sort.{_sort(other)}"),
                             **words("other_sort", f"form.sort.{_sort(one)}"))


def _placed(form: Form, kind: str, params: Mapping[str, Any], name: str) -> Field | None:
    """The field (single, or a column of the rule's table) a parameter names."""
    if PARAMS[kind][name][0] == COLUMN:
        table = form.table_at(str(params.get("table")))
        return next((c for c in table.columns if c.pointer == params[name]), None) if table else None
    return form.field_at(str(params[name]))


def _sort(placed: Field) -> str:
    """What sort of value a field holds: number, date, choice (yes/no), lines or text (an error names
    it by ``form.sort.<sort>`` of ``form.yaml``)."""
    if placed.kind == "date":
        return "date"
    kind = placed.schema.get("type")
    return {"number": "number", "integer": "number", "boolean": "choice", "array": "lines"}.get(str(kind), "text")


def _holds(placed: Field, wanted: str) -> bool:
    if wanted == "whole":
        return placed.schema.get("type") == "integer"
    return _sort(placed) == "number" or (wanted == "ordered" and _sort(placed) == "date")


def _check_one_of(kind: str, params: Mapping[str, Any], where: str) -> None:
    """A kind's alternative parameters (``ONE_OF``): exactly one of them given."""
    names = ONE_OF.get(kind, {})
    if names and sum(name in params for name in names) != 1:
        given = " and ".join(repr(n) for n in names if n in params)
        choices = " or ".join(f"{name!r} ({what})" for name, what in names.items())
        raise form_error(where, "form.rule-not-both" if given else "form.rule-one-of", kind=kind, choices=choices,
                         given=given, names_th=" หรือ ".join(map(repr, names)))


def _check_param(form: Form, kind: str, value: Any, table: Any) -> Problem | None:
    """What is wrong with one parameter's value, or None."""
    if kind in (TABLE, COLUMN, FIELD) and not isinstance(value, str):
        return "form.rule-bare-name", {"value": repr(value)}
    if kind == TABLE:
        found = isinstance(value, str) and form.table_at(value)
        return None if found else ("form.rule-not-table", {"value": repr(value)})
    if kind == COLUMN:
        placed = form.table_at(str(table))
        names = [c.pointer for c in placed.columns if c.pointer] if placed else []
        return None if str(value) in names else (
            "form.rule-not-column", {"value": repr(value), "table": table, "names": ", ".join(names)})
    if kind == FIELD:
        return _single_problem(form, value)
    if kind == COLUMNS:
        if not (isinstance(value, list) and len(value) >= 2):
            return "form.rule-columns", {"value": repr(value)}
        return next((problem for problem in (_check_param(form, COLUMN, name, table) for name in value) if problem),
                    None)
    if kind == OP:
        return None if value in OPERATORS else ("form.rule-op", {"value": repr(value), "ops": " ".join(OPERATORS)})
    if kind in (NUMBER, DATES, MONTH, YEAR, SCALE, DECIMALS):
        return _check_particular(form, kind, value)
    from ..messages import catalogue  # the catalogue is data; load it only for layouts that name codes

    return None if isinstance(value, str) and value in catalogue() else ("form.no-message", {"value": repr(value)})


def _check_particular(form: Form, kind: str, value: Any) -> Problem | None:
    """What is wrong with a parameter naming a particular kind of field, or holding a number."""
    if kind == SCALE:
        return None if _is_number(value) and 0 < value < math.inf else ("form.rule-scale", {"value": repr(value)})
    if kind == DECIMALS:
        return None if type(value) is int and 0 <= value <= MAX_DECIMALS else (
            "form.rule-decimals", {"value": repr(value), "most": MAX_DECIMALS})
    if kind == DATES:
        if not isinstance(value, list) or not value:
            return "form.rule-dates", {}
        bad = next((problem for problem in map(partial(_single_problem, form), value) if problem), None)
        if bad is not None:
            return bad
        # The cell's kind decides how a value is read: only a date cell gives a date to judge.
        undated = next((v for v in value if getattr(form.field_at(v), "kind", None) != "date"), None)
        return None if undated is None else ("form.rule-not-date", {"value": repr(undated)})
    problem = _single_problem(form, value)
    if problem:
        return problem
    node = _node(form, value)
    if kind == NUMBER:
        numeric = node.get("type") in ("number", "integer")
        return None if numeric else ("form.rule-not-number", {"value": repr(value)})
    if kind == YEAR:
        return None if node.get("type") == "integer" else ("form.rule-not-year", {"value": repr(value)})
    return _month_problem(value, node)


def _month_problem(pointer: str, node: Mapping[str, Any]) -> Problem | None:
    """A month field holds a number 1–12, or one of a list of Thai month names."""
    if node.get("type") == "integer":
        # Its range says it is a month: a year or a count named by mistake would pass as "a number".
        bounded = node.get("minimum", 0) >= 1 and node.get("maximum", 13) <= 12
        return None if bounded else ("form.rule-month-range", {"value": repr(pointer)})
    names = node.get("enum") if node.get("type") == "string" else None
    if not isinstance(names, list):
        return "form.rule-not-month", {"value": repr(pointer)}
    unknown = next((name for name in names if month_number(name) is None), None)
    if unknown is not None:
        return "form.rule-month-name", {"value": repr(pointer), "choice": repr(unknown)}
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _node(form: Form, pointer: str) -> dict[str, Any]:
    return schema_node(form.schema, pointer) or {}


def _single_problem(form: Form, value: Any) -> Problem | None:
    """What keeps ``value`` from naming a single field of the form (one cell; not a table's column), or None."""
    if isinstance(value, str) and form.field_at(value) is not None:
        return None
    node = schema_node(form.schema, value) if isinstance(value, str) else None
    if node is not None and "/*" in value:
        return "form.rule-is-column", {"value": repr(value), "table": value.split("/*")[0]}
    unknown = node is None or node.get("type") in ("object", "array")
    return ("form.rule-not-in-schema" if unknown else "form.rule-not-single"), {"value": repr(value)}


def _explain(kind: str) -> dict[str, str]:
    """What a parameter of the sort ``kind`` is, in both languages (``explain`` and ``explain_th``)."""
    return words("explain", f"form.param.{kind}", ops=" ".join(OPERATORS))
