"""A form author's mistakes are one line Thai first, naming the file, its line and the entry, English after
(form authors are office staff: "equipment-inventory.yaml line 8 (sheeet): unknown key 'sheeet' …" was
English only). Made through the commands that load a form: ``forms --forms-dir`` and ``template --form``."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from sheetsync.errors import FormError
from tests.cli import Ran, run
from tests.test_clerk_errors import thai_first
from tests.test_form_author import FIRST_RULE, FORM, NAME, _form


def both_commands(tmp_path: Path, layout: Path) -> list[Ran]:
    """The form refused by ``sheetsync forms`` and by ``sheetsync template``, each with exit code 3."""
    listed = run("forms", "--forms-dir", layout.parent)
    made = run("template", "--form", layout, "-o", tmp_path / "t.xlsx")
    assert (listed.returncode, made.returncode) == (3, 3), (listed, made)
    assert not (tmp_path / "t.xlsx").exists()
    return [listed, made]


@pytest.mark.parametrize("old, new, names, english", [
    ("sheet:", "sheeet:", ["บรรทัด", "(sheeet)", "'sheeet'", "ไม่รู้จักชื่อ"], "unknown key 'sheeet' (known: id, version"),
    ('field: "no"', 'field: "no', ["ตัวอักษรที่", "YAML", "Tab"], "not valid YAML ("),
    ("version:", "version: 1.0.0\nversion:", ["'version'", "สองครั้ง"], "the key 'version' is given twice (also on line"),
    ('  - {kind: sequence, table: /items, field: "no"}', "  - {kind: sequense, table: /items}",
     ["(rules[0]", "'sequense'", "กฎ"], "unknown rule kind 'sequense' (known:"),
    ('  - {kind: sequence, table: /items, field: "no"}', '  - {kind: sequence, table: /items, field: "no", step: 2}',
     ["(rules[0]", "'step'", "กฎ sequence"], "sequence takes no parameter 'step' (it takes:"),
])
def test_a_layout_mistake_is_thai_first_naming_the_line(tmp_path: Path, old: str, new: str, names: list[str],
                                                         english: str) -> None:
    (tmp_path / "form").mkdir()
    layout = _form(tmp_path / "form", old, new)
    for ran in both_commands(tmp_path, layout):
        th, en = thai_first(ran, f"{NAME}.yaml", *names)
        assert en.startswith(f"{NAME}.yaml line ") and english in en, en


@pytest.mark.parametrize("old, new, names, english", [
    ("{at: C2:E2, field: /school/name}", "{at: C2:E2, field: /school/name, kind: percent}",
     ["บรรทัด 20", "/school/name", "'percent'", "kind: text or date"],
     "field /school/name has kind 'percent', which reads number or integer, but its schema type is 'string'"),
    ("{at: G, field: condition}", "{at: G, field: condition, choices: {ดี: สภาพดี, ชำรุด: ชำรุด}}",
     ["/items/*/condition", "'จำหน่าย'", "enum"], "choices has no label for 'จำหน่าย' of the schema's enum"),
    ("{at: G, field: condition}", '{at: G, field: condition, choices: {ดี: "ดี, ใช้ได้", ชำรุด: ชำรุด, จำหน่าย: จำหน่าย}}',
     ["/items/*/condition", "'ดี, ใช้ได้'", "Excel"], "the choice 'ดี, ใช้ได้' holds a comma or a double quote"),
    ("{at: G, field: condition}", "{at: G, field: condition, choices: {ดี: yes, ชำรุด: ชำรุด, จำหน่าย: จำหน่าย}}",
     ["/items/*/condition", "True", '"yes"'], "the label of 'ดี' is True, not a text"),
])
def test_a_fields_cell_that_cannot_hold_it_is_said_in_thai(tmp_path: Path, old: str, new: str, names: list[str],
                                                           english: str) -> None:
    (tmp_path / "form").mkdir()
    for ran in both_commands(tmp_path, _form(tmp_path / "form", old, new)):
        th, en = thai_first(ran, f"{NAME}.yaml บรรทัด", *names)
        assert english in en, en


def test_a_field_not_in_the_schema_says_so_in_thai(tmp_path: Path) -> None:
    (tmp_path / "form").mkdir()
    layout = _form(tmp_path / "form", "{at: C2:E2, field: /school/name}", "{at: C2:E2, field: /school/nmae}")
    for ran in both_commands(tmp_path, layout):
        th, en = thai_first(ran, f"{NAME}.yaml บรรทัด 20", "/school/nmae", "schema")
        assert en.endswith("field /school/nmae is placed in the layout but is not in the schema"), en


def schema_text(tmp_path: Path, edit: Callable[[str], str]) -> Path:
    (tmp_path / "form").mkdir()
    layout = _form(tmp_path / "form")
    schema = layout.with_name(f"{NAME}.schema.json")
    schema.write_text(edit(schema.read_text(encoding="utf-8")), encoding="utf-8")
    return layout


@pytest.mark.parametrize("edit, names, english", [
    (lambda text: "{" + text[2:], ["schema", "JSON"], "cannot read the schema ("),
    (lambda text: text.replace('{"', '{"title": "x", "', 1), ["'title'", "สองครั้ง"],
     "the key 'title' is given twice in one object"),
])
def test_a_schema_mistake_is_thai_first_naming_the_file(tmp_path: Path, edit: Callable[[str], str],
                                                        names: list[str], english: str) -> None:
    for ran in both_commands(tmp_path, schema_text(tmp_path, edit)):
        th, en = thai_first(ran, f"{NAME}.schema.json", *names)
        assert en.startswith(f"{NAME}.schema.json") and f": {english}" in en, en  # a JSON mistake names its line too


def test_a_missing_schema_says_where_it_was_looked_for_in_thai(tmp_path: Path) -> None:
    (tmp_path / "form").mkdir()
    layout = _form(tmp_path / "form")
    layout.with_name(f"{NAME}.schema.json").unlink()
    for ran in both_commands(tmp_path, layout):
        th, en = thai_first(ran, f"{NAME}.yaml", f"{NAME}.schema.json", "../schemas/")
        assert en == f"{NAME}.yaml: schema {NAME}.schema.json not found beside the layout or in ../schemas/"


def test_a_rules_parameter_of_the_wrong_sort_is_said_in_thai(tmp_path: Path) -> None:
    # fiscal_year on a text field: it had no Thai wording of its own (the Thai said only where, the English what).
    (tmp_path / "form").mkdir()
    text = (FORM / f"{NAME}.yaml").read_text(encoding="utf-8")
    assert FIRST_RULE in text
    layout = _form(tmp_path / "form", FIRST_RULE,
                   FIRST_RULE + "  - {kind: fiscal_year, year: /school/name, dates: [/period/report_date]}\n")
    for ran in both_commands(tmp_path, layout):
        th, en = thai_first(ran, f"{NAME}.yaml บรรทัด", "(rules[1], kind fiscal_year): year", "'/school/name'",
                            "ช่องปี พ.ศ.", "integer")
        assert en.endswith("year: '/school/name' is not a year (type integer, B.E.)"), en


def test_a_mistake_not_worded_in_thai_still_names_its_place_in_thai() -> None:
    # Every mistake sheetsync finds in a form has its words in form.yaml; one raised without them still
    # says in Thai where to look, and that the English after it says what to change.
    error = FormError("school-lunch.yaml line 61 (tables[0].columns[1], pupil): something new")
    assert error.th.startswith("school-lunch.yaml บรรทัด 61 (tables[0].columns[1], pupil): "), error.th
    assert "ภาษาอังกฤษ" in error.th



def test_a_copied_layout_with_the_same_id_says_so_in_thai(tmp_path: Path) -> None:
    (tmp_path / "form").mkdir()
    layout = _form(tmp_path / "form")
    layout.with_name(f"{NAME} - Copy.yaml").write_text(layout.read_text(encoding="utf-8"), encoding="utf-8")
    listed = run("forms", "--forms-dir", layout.parent)
    assert listed.returncode == 3
    th, en = thai_first(listed, f"{NAME}.yaml บรรทัด", "(id)", "'equipment-inventory'", "ซ้ำ")
    assert en.endswith(f"the form id 'equipment-inventory' is also the id of {NAME} - Copy.yaml in the same folder; "
                       "give each form its own id"), en


def test_an_unknown_form_says_which_there_are_in_thai(tmp_path: Path) -> None:
    ran = run("template", "--form", "equipment-inventry", "-o", tmp_path / "t.xlsx")
    assert ran.returncode == 2
    th, en = thai_first(ran, "'equipment-inventry'", "progress-report", "--forms-dir")
    assert en == "no form 'equipment-inventry' (known forms: progress-report)"
