"""The parsers a form's cells are read with are worked out once per form (:mod:`sheetsync.check.parsing`):
a second form, or a form changed since (its choices relabelled), is never read with another's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sheetsync.check.parsing import Parser, parsers_of
from sheetsync.errors import CoerceError
from sheetsync.spec.form import Form
from sheetsync.spec.registry import find_form


def _relabelled(form: Form) -> Form:
    """``form`` with the reports' on-plan dropdown offering "ใช่" / "ไม่" instead of its own labels."""
    tables = []
    for table in form.tables:
        columns = tuple(replace(c, choices={True: "ใช่แล้ว", False: "ยังไม่"}) if c.pointer == "on_plan" else c
                        for c in table.columns)
        tables.append(replace(table, columns=type(table.columns)(columns)))
    return replace(form, tables=type(form.tables)(tables))


def _on_plan(form: Form) -> Parser:
    column = next(c for t in form.tables for c in t.columns if c.pointer == "on_plan")
    return parsers_of(form)[id(column)]


def test_a_changed_form_is_read_with_its_own_choices() -> None:
    form = find_form("progress-report")
    assert _on_plan(form)("เป็นไปตามแผน") is True  # the form's parsers, now cached
    changed = _relabelled(form)
    assert _on_plan(changed)("ใช่แล้ว") is True
    with pytest.raises(CoerceError):
        _on_plan(changed)("เป็นไปตามแผน")  # the first form's label is not the changed form's
    assert _on_plan(form)("เป็นไปตามแผน") is True  # and the first form still reads its own
    with pytest.raises(CoerceError):
        _on_plan(form)("ใช่แล้ว")


def test_a_census_form_gets_parsers_for_its_own_fields(census_form: Form) -> None:
    form = find_form("progress-report")
    for one in (form, census_form, form):
        fields = [*one.fields, *(c for t in one.tables for c in t.columns)]
        assert set(parsers_of(one)) == {id(f) for f in fields}
