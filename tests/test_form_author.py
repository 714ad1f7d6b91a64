"""A form author's mistakes (issue 11), made on a form written only from the README (tests/data/equipment):
each is refused when the form loads, one line naming the file and the YAML entry and what to write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from sheetsync.errors import FormError
from sheetsync.check.reader import read_filled
from sheetsync.spec.form import load_form
from sheetsync.template.write import write_template

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


SCHOOL_CODE = "{at: G2, field: /school/code}"
CONDITION = "      - {at: G, field: condition}"


def _refs(schema: dict[str, Any], where: str, ref: str) -> None:
    node = schema
    for part in where.split("/")[1:-1]:
        node = node["properties"][part]
    node["properties"][where.rsplit("/", 1)[1]] = {"$ref": ref}
    schema.setdefault("$defs", {})["money"] = {"type": "number", "minimum": 0}


@pytest.mark.parametrize("old, new, needle, problem", [
    # A dropdown's choices map the schema's enum values to labels: a list crashed (AttributeError); a value
    # the enum lacks, one left out or a label given twice loaded, and refused schools' right answers later.
    (CONDITION, CONDITION.replace("}", ", choices: [ดี, ชำรุด, จำหน่าย]}"), "choices", "choices must map each value"),
    (CONDITION, CONDITION.replace("}", ", choices: {ดี: ดี, เสีย: เสีย, จำหน่าย: จำหน่าย}}"), "choices",
     "the choice 'เสีย' is not a value of the schema's enum ('ดี', 'ชำรุด', 'จำหน่าย')"),
    (CONDITION, CONDITION.replace("}", ", choices: {ดี: ดี, ชำรุด: ชำรุด}}"), "choices",
     "choices has no label for 'จำหน่าย' of the schema's enum"),
    (CONDITION, CONDITION.replace("}", ", choices: {ดี: ดี, ชำรุด: ดี, จำหน่าย: จำหน่าย}}"), "choices",
     "the label 'ดี' is given to two choices"),
    # A label YAML reads as no text (yes is true, an empty one is null, 2 a number) loaded, and the first
    # template stopped with AttributeError: 'bool' object has no attribute 'split'.
    (CONDITION, CONDITION.replace("}", ", choices: {ดี: ดี, ชำรุด: yes, จำหน่าย: จำหน่าย}}"), "choices",
     "the label of 'ชำรุด' is True, not a text; put it in quotes"),
    (CONDITION, CONDITION.replace("}", ", choices: {ดี: ดี, ชำรุด: , จำหน่าย: จำหน่าย}}"), "choices",
     "the label of 'ชำรุด' is None, not a text"),
    (CONDITION, CONDITION.replace("}", ", choices: {ดี: 1, ชำรุด: 2, จำหน่าย: 3}}"), "choices",
     "the label of 'ดี' is 1, not a text"),
    # A table column's at: B1 silently put the column on row 16 (B + the table's first row).
    ("      - {at: B, field: name}", "      - {at: B1, field: name}", "at: B1,",
     "'B1' is not a column: write the column letters, such as B or D:E"),
    ("rows: [6, 15]", "rows: [6, 5]", "rows: [6, 5]", "rows must be [first, last], row numbers from 1 with first <= last"),
    ("rows: [6, 15]", "rows: [0, 5]", "rows: [0, 5]", "rows must be [first, last]"),
    (SCHOOL_CODE, SCHOOL_CODE.replace("G2", "B0"), "B0", "'B0' is not a cell or range"),
    (SCHOOL_CODE, SCHOOL_CODE.replace("G2", "AAAA1"), "AAAA1", "'AAAA1' is not a cell or range"),
    # Typos loaded silently: a misspelt key was ignored, a misspelt style fell back to no style.
    ("sheet: ครุภัณฑ์\n", "sheet: ครุภัณฑ์\ntabels: []\n", "tabels", "unknown key 'tabels' (known: id, version"),
    (SCHOOL_CODE, SCHOOL_CODE.replace("}", ", styel: input}"), "styel", "unknown key 'styel' (known: at, field"),
    ("      - {at: D, field: quantity}", "      - {at: D, field: quantity, stlye: input}", "stlye",
     "unknown key 'stlye'"),
    (SCHOOL_CODE, SCHOOL_CODE.replace("}", ", style: inptu}"), "inptu",
     "style 'inptu' is not one of the layout's styles (title, label, header, input)"),
    # A dropdown with nothing to choose from loaded, and every school's answer was refused: "must be one of the
    # list (), but holds ...".
    ("{at: B16:C16, field: /certification/signer}", "{at: B16:C16, field: /certification/signer, kind: choice}",
     "kind: choice", "field /certification/signer has kind choice but nothing to choose from"),
    # A cell kind whose reading the schema refuses would refuse every school's file.
    ("{at: C2:E2, field: /school/name}", "{at: C2:E2, field: /school/name, kind: percent}", "kind: percent",
     "field /school/name has kind 'percent', which reads number or integer, but its schema type is 'string'"),
    ("{at: C4, field: /budget/allocated}", "{at: C4, field: /budget/allocated, kind: date}", "kind: date",
     "write kind: whole or amount or number or percent, or leave kind out"),
    # An id no returned file can name (find_form_id refuses it), a version with no major number, a sheet
    # name Excel refuses: each loaded, and failed at the first returned file or the first template.
    ("id: equipment-inventory", "id: Equipment Inventory", "id: ", "'Equipment Inventory' is not a form id"),
    ("version: 1.0.0", "version: one", "version: ", "'one' is not a version such as 1.0.0"),
    ("sheet: ครุภัณฑ์", "sheet: \"ครุภัณฑ์:2567\"", "sheet: ", "is not a sheet name (1-31 characters"),
])
def test_a_layout_mistake_is_refused_at_load_naming_its_line(tmp_path: Path, old: str, new: str, needle: str,
                                                             problem: str) -> None:
    layout = _form(tmp_path, old, new)
    message = _refused(layout)
    assert message.startswith(f"{NAME}.yaml line {_line_of(layout, needle)} ("), message
    assert problem in message, message


def test_tables_on_the_same_cells_name_both_tables(tmp_path: Path) -> None:
    def edit(schema: dict[str, Any]) -> None:
        schema["properties"]["repairs"] = {"title": "การซ่อม", "type": "array", "items": {
            "type": "object", "properties": {"what": {"title": "รายการซ่อม", "type": "string"}}}}
    layout = _form(tmp_path, "signature:", "  - path: /repairs\n    rows: [12, 14]\n    columns:\n"
                   "      - {at: B, field: what}\nsignature:", edit)
    message = _refused(layout)
    assert message == (f"{NAME}.yaml line {_line_of(layout, 'path: /repairs')} (tables[1], /repairs) row 12: cell B12 "
                       f"is already used by {NAME}.yaml line {_line_of(layout, 'path: /items')} (tables[0], /items) row 12")


def test_a_schema_field_with_no_cell_says_where_to_place_it(tmp_path: Path) -> None:
    def edit(schema: dict[str, Any]) -> None:
        schema["properties"]["items"]["items"]["properties"]["serial"] = {"title": "เลขครุภัณฑ์", "type": "string"}
    message = _refused(_form(tmp_path, schema_edit=edit))
    assert message == (f"{NAME}.yaml: schema field /items/*/serial is not placed in the layout; add {{at: <column>, "
                       "field: serial} to the columns of the table /items, or take it out of the schema")


@pytest.mark.parametrize("old, new, needle, problem", [
    (SCHOOL_CODE, SCHOOL_CODE[:-1], "at: A3:B3", "not valid YAML (expected ',' or '}', but got '{'"),
    ("cells:\n", "cells:\n\t- {at: Z1, text: x}\n", "\t-", "found character '\\t' that cannot start any token"),
])
def test_a_yaml_mistake_is_one_line_with_its_line(tmp_path: Path, old: str, new: str, needle: str, problem: str) -> None:
    """Before: a multi-line message quoting '<unicode string>' and a caret. The line is where YAML saw the
    mistake (for a brace left open, the next entry's)."""
    layout = _form(tmp_path, old, new)
    message = _refused(layout)
    line = _line_of(layout, needle)
    assert message.startswith(f"{NAME}.yaml line {line} column ") and problem in message, message
    assert "indent with spaces, never tabs" in message and "<unicode string>" not in message


@pytest.mark.parametrize("which", ["yaml", "schema.json"])
def test_a_file_not_in_utf8_is_refused_saying_so(tmp_path: Path, which: str) -> None:
    """A layout saved in the Thai Windows code page was a UnicodeDecodeError traceback."""
    layout = _form(tmp_path)
    target = tmp_path / f"{NAME}.{which}"
    target.write_bytes(target.read_text(encoding="utf-8").encode("cp874"))
    message = _refused(layout)
    assert message.startswith(f"{NAME}.{which}: the ") and message.endswith("is not UTF-8 text (byte "
                                                                            f"{message.split('(byte ')[1]}")
    assert "save it as UTF-8" in message


@pytest.mark.parametrize("where, ref", [("/budget/spent", "http://127.0.0.1:9/money.json"), ("", "https://x.invalid/s")])
def test_a_ref_out_of_the_schema_is_refused_never_fetched(tmp_path: Path, where: str, ref: str) -> None:
    """It loaded (a top-level one), and every school's file failed at validation as 'cannot be checked'."""
    def edit(schema: dict[str, Any]) -> None:
        if where:
            _refs(schema, where, ref)
        else:
            schema["$ref"] = ref
    message = _refused(_form(tmp_path, schema_edit=edit))
    place = "/properties/budget/properties/spent" if where else "/"
    assert message.startswith(f"{NAME}.schema.json: {place}: $ref {ref!r} points outside the schema, which sheetsync "
                              "never fetches; copy the definition into this file's $defs"), message


def test_a_field_given_by_a_local_ref_says_to_write_it_in_place(tmp_path: Path) -> None:
    """Before: 'has no "type" in the schema', though the definition it points at has one."""
    message = _refused(_form(tmp_path, schema_edit=lambda schema: _refs(schema, "/budget/spent", "#/$defs/money")))
    assert message.startswith(f"{NAME}.yaml line {_line_of(tmp_path / f'{NAME}.yaml', '/budget/spent')} ")
    assert "field /budget/spent is a $ref in the schema; write its type and keywords in place" in message


def test_two_layouts_of_one_id_in_a_folder_are_refused(tmp_path: Path) -> None:
    """A layout copied to start a new form, its id left as it was: the first file by name won, silently."""
    from tests.cli import run

    _form(tmp_path)
    (tmp_path / "equipment-2568.yaml").write_text((FORM / f"{NAME}.yaml").read_text(encoding="utf-8"),
                                                  encoding="utf-8")
    listed = run("forms", "--forms-dir", tmp_path)
    assert listed.returncode == 3
    assert listed.stderr.strip().endswith(f"{NAME}.yaml line 3 (id): the form id '{NAME}' is also the id of "
                                          "equipment-2568.yaml in the same folder; give each form its own id")


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_authors_form_goes_through_template_read_and_validate(tmp_path: Path, fmt: str) -> None:
    """No Python: the form's files in a --forms-dir folder; its findings speak its schema's titles."""
    from tests.cli import run

    listed = run("forms", "--forms-dir", FORM)
    assert f"{NAME}\t1.0.0\tแบบรายงานครุภัณฑ์การศึกษาประจำเดือน" in listed.stdout.splitlines()
    filled = tmp_path / f"s1.{fmt}"
    wrote = run("template", "--forms-dir", FORM, "--form", NAME, "--data", FORM / f"{NAME}.json",
                "--recipient", "s1", "-o", filled)
    assert wrote.returncode == 0, wrote.stderr
    read = json.loads(run("read", "--forms-dir", FORM, filled).stdout)
    assert read["items"][1] == {"no": 3, "name": "ลูกฟุตบอล", "category": "อุปกรณ์กีฬา", "quantity": 10, "cost": 12000.0,
                                "condition": "ดี"}
    found = {}
    for lang in ("th", "en"):
        checked = run("validate", "--forms-dir", FORM, filled, "--format", "json", "--lang", lang)
        assert checked.returncode == 1, checked.stderr
        found[lang] = {f["code"]: (f["cell"], f["message"]) for f in json.loads(checked.stdout)[0]["findings"]}
    # (the costs, 52,000, are over the 50,000 allocated and differ from the 48,000 spent: one column, told
    # once, by the running total; tests/test_rules_blame.py)
    assert set(found["th"]) == {"outside-month", "ratio-mismatch", "report-gap", "over-budget-running"}
    assert found["th"]["ratio-mismatch"][0] == "G4"
    assert "ร้อยละที่ใช้ไป" in found["th"]["ratio-mismatch"][1] and "งบที่ได้รับ (บาท)" in found["th"]["ratio-mismatch"][1]
    assert "percentage spent" in found["en"]["ratio-mismatch"][1] and "amount allocated" in found["en"]["ratio-mismatch"][1]
    over = found["th"]["over-budget-running"][1], found["en"]["over-budget-running"][1]
    assert "ราคารวม (บาท)" in over[0] and "total cost" in over[1], over


def _schema_node(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    node = schema
    for part in pointer.split("/")[1:]:
        node = node["items"] if part == "*" else node["properties"][part]
    return node


@pytest.mark.parametrize("where, edit, problem", [
    # A misspelt required name loaded, and every school's file was refused: "Cell A1 (distric) is empty".
    ("/school", lambda node: node.update(required=["name", "cdoe"]),
     "/properties/school: required names 'cdoe', which is not one of its properties (name, code)"),
    ("/items/*", lambda node: node["required"].append("serial"),
     "/properties/items/items: required names 'serial', which is not one of its properties (no, name, category"),
    # Bounds no value meets: every school's year was both below the minimum and above the maximum.
    ("/period/fiscal_year", lambda node: node.update(minimum=2700, maximum=2560),
     "/properties/period/properties/fiscal_year: minimum 2700 is above maximum 2560; no value could be given"),
    ("/school/name", lambda node: node.update(minLength=20, maxLength=10), "minLength 20 is above maxLength 10"),
    ("/items", lambda node: node.update(minItems=11), "minItems 11 is above maxItems 10"),
])
def test_a_schema_no_file_could_satisfy_is_refused_at_load(tmp_path: Path, where: str,
                                                           edit: Callable[[dict[str, Any]], None], problem: str) -> None:
    message = _refused(_form(tmp_path, schema_edit=lambda schema: edit(_schema_node(schema, where))))
    assert message.startswith(f"{NAME}.schema.json: "), message
    assert problem in message, message


@pytest.mark.parametrize("where, place", [("/items/*", "/properties/items/items"), ("/school", "/properties/school")])
def test_a_group_of_fields_given_by_a_ref_says_to_write_it_in_place(tmp_path: Path, where: str, place: str) -> None:
    """A table's items (or an object of fields) moved to $defs: the message was 'field /items/*/no is placed
    in the layout but is not in the schema', though the schema has it, behind the $ref."""
    def edit(schema: dict[str, Any]) -> None:
        parent, _, name = where.rpartition("/")
        holder = _schema_node(schema, parent) if parent else schema
        key = "items" if name == "*" else None
        inner = holder["items"] if key else holder["properties"][name]
        schema.setdefault("$defs", {})["group"] = inner
        if key:
            holder["items"] = {"$ref": "#/$defs/group"}
        else:
            holder["properties"][name] = {"$ref": "#/$defs/group"}
    message = _refused(_form(tmp_path, schema_edit=edit))
    assert message.startswith(f"{NAME}.schema.json: {place}: $ref '#/$defs/group' holds fields of the form"), message
    assert "write its properties in place" in message


def test_an_enum_value_its_own_type_refuses_is_refused_at_load(tmp_path: Path) -> None:
    """A dropdown offered 3 in a text field's list: every school that picked it was refused ('must be text')."""
    def edit(schema: dict[str, Any]) -> None:
        _schema_node(schema, "/items/*/condition")["enum"] = ["ดี", "ชำรุด", 3]
    layout = _form(tmp_path, schema_edit=edit)
    message = _refused(layout)
    assert message.startswith(f"{NAME}.yaml line {_line_of(layout, 'field: condition')} "), message
    assert "field /items/*/condition: its schema's enum holds 3, which its type 'string' refuses" in message


def test_a_key_given_twice_in_the_layout_is_refused_naming_both_lines(tmp_path: Path) -> None:
    """A second rules: (appended at the end) replaced the first silently: six of seven rules were never checked."""
    layout = _form(tmp_path, "rules:\n", "rules:\n")
    with layout.open("a", encoding="utf-8") as out:
        out.write("rules:\n  - {kind: compare, left: /budget/spent, op: '<=', right: /budget/allocated}\n")
    lines = layout.read_text(encoding="utf-8").splitlines()
    first, second = (i for i, line in enumerate(lines, 1) if line == "rules:")
    assert _refused(layout) == (f"{NAME}.yaml line {second} column 1: the key 'rules' is given twice (also on line "
                                f"{first}); YAML keeps only the last, so merge them into one")


def test_a_key_given_twice_in_an_entry_is_refused(tmp_path: Path) -> None:
    layout = _form(tmp_path, SCHOOL_CODE, SCHOOL_CODE.replace("}", ", at: H2}"))
    message = _refused(layout)
    assert message.startswith(f"{NAME}.yaml line {_line_of(layout, 'at: H2')} column "), message
    assert "the key 'at' is given twice" in message


def test_a_key_given_twice_in_the_schema_is_refused(tmp_path: Path) -> None:
    """json keeps the last: a field written "type": "integer", ..., "type": "string" became a text."""
    layout = _form(tmp_path)
    schema = tmp_path / f"{NAME}.schema.json"
    text = schema.read_text(encoding="utf-8")
    assert '"type": "integer", "minimum": 2560' in text
    schema.write_text(text.replace('"type": "integer", "minimum": 2560', '"type": "integer", "type": "string", '
                                   '"minimum": 2560', 1), encoding="utf-8")
    message = _refused(layout)
    assert message.startswith(f"{NAME}.schema.json: "), message
    assert "the key 'type' is given twice" in message


PAGE = "page: {paper: A4, orientation: landscape, fit_width: true}"
COLUMNS = "columns: {A: 8, B: 28,"
INPUT_STYLE = "  input:  {fill: FFF9E5, border: true}"


@pytest.mark.parametrize("old, new, needle, place, problem", [
    # Each was a ValueError or AttributeError traceback from openpyxl, odfpy or float() at the first template.
    (COLUMNS, "columns: {A: wide, B: 28,", "columns:", "columns.A", "'wide' is not a width"),
    (COLUMNS, "columns: {A1: 8, B: 28,", "columns:", "columns.A1", "'A1' is not a column"),
    ("sheet: ครุภัณฑ์\n", "sheet: ครุภัณฑ์\nheights: {x: 20}\n", "heights:", "heights.x", "'x' is not a row number"),
    ("sheet: ครุภัณฑ์\n", "sheet: ครุภัณฑ์\nheights: {3: -20}\n", "heights:", "heights.3", "-20 is not a height"),
    ("sheet: ครุภัณฑ์\n", "sheet: ครุภัณฑ์\nrow_height: tall\n", "row_height:", "row_height", "'tall' is not a height"),
    (INPUT_STYLE, INPUT_STYLE.replace("FFF9E5", "yellow"), "yellow", "styles.input.fill",
     "'yellow' is not a colour: six hex digits RRGGBB, such as FFF9E5"),
    # Six digits alone are a number to YAML: the message said 808080 was not six hex digits.
    (INPUT_STYLE, INPUT_STYLE.replace("FFF9E5", "808080"), "808080", "styles.input.fill",
     "808080 is a number to YAML, not a colour: put the six hex digits in quotes"),
    (INPUT_STYLE, INPUT_STYLE.replace("}", ", colour: red}"), "colour", "styles.input",
     "unknown key 'colour' (known: bold, italic, size, align, indent, fill, border)"),
    (INPUT_STYLE, INPUT_STYLE.replace("}", ", align: centre}"), "centre", "styles.input.align",
     "'centre' is not one of left, center, right"),
    ("font: {name: TH Sarabun New, size: 16}", "font: {name: TH Sarabun New, size: big}", "font:", "font.size",
     "'big' is not a font size"),
    (PAGE, PAGE.replace("landscape", "sideways"), "page:", "page.orientation", "'sideways' is not one of portrait, landscape"),
    # Written as Letter in the .xlsx and A4 in the .ods, silently.
    (PAGE, PAGE.replace("A4", "A44"), "page:", "page.paper", "'A44' is not one of A4, Letter"),
    (PAGE, PAGE.replace("}", ", fit_pages_tal: 2}"), "page:", "page", "unknown key 'fit_pages_tal'"),
    (PAGE, PAGE.replace("}", ", margins_cm: {lefft: 1}}"), "page:", "page.margins_cm.lefft",
     "unknown side 'lefft' (known: left, right, top, bottom)"),
    (PAGE, PAGE.replace("}", ", repeat_rows: [5]}"), "page:", "page.repeat_rows",
     "repeat_rows must be [first, last]"),
    # lock_prefilled: "no" is a text, which locked every prefilled row.
    ("lock_prefilled: false", 'lock_prefilled: "no"', "lock_prefilled", "tables[0].lock_prefilled",
     "'no' is not true or false"),
    ("lock_prefilled: false", "lock_prefilled: false\n    height: auto", "height: auto", "tables[0].height",
     "'auto' is not a height"),
])
def test_a_mistake_in_the_forms_look_is_refused_at_load_naming_its_line(tmp_path: Path, old: str, new: str,
                                                                         needle: str, place: str, problem: str) -> None:
    layout = _form(tmp_path, old, new)
    message = _refused(layout)
    assert message.startswith(f"{NAME}.yaml line {_line_of(layout, needle)} ({place}): "), message
    assert problem in message, message


@pytest.mark.parametrize("old, new", [
    # A section whose every entry is commented out is empty to YAML (null): the check took it as
    # absent, and the first template stopped with AttributeError: 'NoneType' object has no attribute …
    ("sheet: ครุภัณฑ์\n", "sheet: ครุภัณฑ์\nheights:\n  # 3: 40\n"),
    (COLUMNS, "columns:\n# {A: 8, B: 28,"),
    ("font: {name: TH Sarabun New, size: 16}", "font:"),
    (PAGE, "page:\n  # paper: Letter"),
    (PAGE, PAGE.replace("}", ", margins_cm: }")),
    (INPUT_STYLE, "  input:"),
])
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_section_of_the_look_left_empty_is_as_if_absent(tmp_path: Path, old: str, new: str, fmt: str) -> None:
    layout = _form(tmp_path, old, new)
    form = load_form(layout)
    write_template(form, tmp_path / f"t.{fmt}")
    assert read_filled(tmp_path / f"t.{fmt}", form=form).form.id == NAME


def test_a_form_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    """Windows Notepad (before 2019) saves UTF-8 with a byte-order mark: the layout and schema still load."""
    layout = _form(tmp_path)
    for path in (layout, tmp_path / f"{NAME}.schema.json"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_form(layout).id == NAME


@pytest.mark.parametrize("old, new, needle", [
    ('      - {at: A, field: "no"}', "      - {at: A, field: no}", "field: no}"),
    ('    key: "no"', "    key: no", "path: /items"),  # the table's entry is named
    (FIRST_RULE, FIRST_RULE.replace('field: "no"', "field: no"), "kind: sequence"),
])
def test_a_bare_no_as_a_fields_name_says_to_quote_it(tmp_path: Path, old: str, new: str, needle: str) -> None:
    """YAML reads a bare no as false: the message said 'field /items/*/False is placed in the layout but
    is not in the schema' (or 'False is not a column'), with no word of the quotes it needs."""
    layout = _form(tmp_path, old, new)
    message = _refused(layout)
    assert f"line {_line_of(layout, needle)}" in message
    assert "False is not a field's name" in message and "quotes" in message


@pytest.mark.parametrize("text", ["yes", "1.", ""])
def test_a_label_yaml_reads_as_no_text_says_to_quote_it(tmp_path: Path, text: str) -> None:
    """A label's bare yes printed True on the form, 1. printed 1.0, an empty text None."""
    old = '  - {at: F2, text: "รหัส :", style: label}'
    layout = _form(tmp_path, old, old.replace('"รหัส :"', text))
    message = _refused(layout)
    assert f"line {_line_of(layout, 'at: F2,')}" in message and "put the text in quotes" in message
