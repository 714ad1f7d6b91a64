"""A form author's mistakes (issue 11), made on a form written only from the README (tests/data/equipment):
each is refused when the form loads, one line naming the file and the YAML entry and what to write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from sheetsync.errors import FormError
from sheetsync.spec.form import load_form

FORM = Path(__file__).parent / "data" / "equipment"
NAME = "equipment-inventory"
FIRST_RULE = '  - {kind: sequence, table: /items, field: "no"}\n'


def _form(tmp_path: Path, old: str = "", new: str = "", schema_edit: Callable[[dict[str, Any]], None] | None = None,
          ) -> Path:
    """The equipment form in ``tmp_path``, its layout's text with ``old`` replaced (line numbers stay real)."""
    text = (FORM / f"{NAME}.yaml").read_text(encoding="utf-8")
    assert old in text
    layout = tmp_path / f"{NAME}.yaml"
    layout.write_text(text.replace(old, new, 1) if old else text, encoding="utf-8")
    schema = json.loads((FORM / f"{NAME}.schema.json").read_text(encoding="utf-8"))
    if schema_edit is not None:
        schema_edit(schema)
    (tmp_path / f"{NAME}.schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return layout


def _refused(layout: Path) -> str:
    with pytest.raises(FormError) as caught:
        load_form(layout)
    message = str(caught.value)
    assert "\n" not in message, message
    return message


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_the_authors_form_loads_and_keeps_its_rules(tmp_path: Path) -> None:
    form = load_form(_form(tmp_path))
    assert [r.kind for r in form.rules] == ["sequence", "sum_equals", "compare", "running_total_max", "fiscal_year",
                                            "in_month", "ratio"]


@pytest.mark.parametrize("rule, problem", [
    # fiscal_year's year was any field (issue 11): a text, an amount or a date now stop the form.
    ("{kind: fiscal_year, year: /school/name, dates: [/period/report_date]}",
     "year: '/school/name' is not a year (type integer, B.E.)"),
    ("{kind: fiscal_year, year: /budget/spent, dates: [/period/report_date]}", "year: '/budget/spent' is not a year"),
    ("{kind: fiscal_year, year: /period/fiscal_year, dates: [/school/name]}",
     "dates: '/school/name' is not a date field (a single cell of kind date)"),
    ("{kind: fiscal_year, year: /period/fiscal_year, dates: [/items/*/bought_on]}",
     "dates: '/items/*/bought_on' is a column of the table /items, not a single field"),
    ("{kind: in_month, dates: [/period/report_date], month: /period/month, year: /items/*/quantity}",
     "year: '/items/*/quantity' is a column of the table /items, not a single field"),
    # Sums and running totals of texts stopped validation with a TypeError.
    ("{kind: sum_equals, table: /items, field: name, equals: /budget/spent}",
     "field: column 'name' of /items is a text, not a number (type number or integer)"),
    ("{kind: sum_equals, table: /items, field: cost, equals: /period/report_date}",
     "equals: '/period/report_date' is not a number (type number or integer)"),
    ("{kind: running_total_max, table: /items, field: condition, max: /budget/allocated}",
     "field: column 'condition' of /items is a text, not a number"),
    ("{kind: running_total_max, table: /items, field: cost, max: /school/name}", "max: '/school/name' is not a number"),
    ("{kind: total_when_complete, table: /items, field: cost, progress: name, equals: /budget/spent}",
     "progress: column 'name' of /items is a text, not a number"),
    ("{kind: not_decreasing, table: /items, field: category}", "field: column 'category' of /items is a text"),
    ("{kind: sequence, table: /items, field: cost}",
     "field: column 'cost' of /items is a number, not a whole number (schema type integer)"),
    ("{kind: increasing, table: /items, field: name}",
     "field: column 'name' of /items is a text, not a number or a date (type number or integer, or format date)"),
    ("{kind: within, table: /items, field: bought_on, from: /school/name, to: /period/report_date}",
     "from: '/school/name' is a text but field 'bought_on' is a date; name a field of the same sort"),
    ("{kind: compare, left: /period/report_date, op: '<=', right: /budget/allocated}",
     "right: '/budget/allocated' is a number but left '/period/report_date' is a date"),
    ("{kind: compare, left: /school/name, op: '<=', right: /school/code}",
     "left: '/school/name' is a text; compare orders numbers or dates"),
    ("{kind: compare, left: /budget/spent, op: '<=', right: /items/*/cost}",
     "right: '/items/*/cost' is a column of the table /items, not a single field"),
    # A list where a name is wanted was a TypeError (unhashable), not a line naming the entry.
    ("{kind: compare, left: /budget/spent, op: '<=', right: /budget/allocated, code: [budget-over-received]}",
     "code: ['budget-over-received'] has no message in the catalogue"),
    ("{kind: [sum_equals], table: /items, field: cost, equals: /budget/spent}", "unknown rule kind ['sum_equals']"),
])
def test_a_rule_naming_a_field_of_the_wrong_sort_is_refused_at_load(tmp_path: Path, rule: str, problem: str) -> None:
    layout = _form(tmp_path, FIRST_RULE, FIRST_RULE + f"  - {rule}\n")
    message = _refused(layout)
    assert message.startswith(f"{NAME}.yaml line {_line_of(layout, rule)} (rules[1]"), message
    assert problem in message, message


def test_rules_of_like_fields_still_load(tmp_path: Path) -> None:
    """Two dates compare; == compares two texts; a within over a date column by date fields."""
    rules = ["{kind: compare, left: /period/report_date, op: '>=', right: /period/report_date}",
             "{kind: compare, left: /school/name, op: '==', right: /school/code}",
             "{kind: within, table: /items, field: bought_on, from: /period/report_date, to: /period/report_date}",
             "{kind: increasing, table: /items, field: bought_on}"]
    form = load_form(_form(tmp_path, FIRST_RULE, FIRST_RULE + "".join(f"  - {r}\n" for r in rules)))
    assert [r.kind for r in form.rules][1:5] == ["compare", "compare", "within", "increasing"]
