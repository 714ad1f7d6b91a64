"""A form author's mistakes in a layout's rules, its findings' wording and its schema said Thai first (they
said only English inside a Thai frame): the Thai names the file and the entry (the line of a layout, the
place in the schema), says what is wrong and what to write; the English is the text it always was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.form_breaking import SchemaEdit, broken, refused

LINE = "progress-report.yaml บรรทัด"
SEQUENCE = '  - {kind: sequence, table: /reports, field: "no"}'
COMPARE = ('  - {kind: compare, left: /project/budget_used, op: "<=", right: /project/budget_received, '
           'code: budget-over-received}')
FISCAL = "  - {kind: fiscal_year, year: /project/fiscal_year, dates: [/project/start_date, /project/end_date]}"
RATIO = ("  - {kind: ratio, value: /project/budget_used, numerator: /project/budget_used, "
         "denominator: /project/budget_received")
MONTH = "  - {kind: in_month, dates: [/project/start_date]"
#: A month field placed beside the project's code (the schema gets it from :func:`_with_month`).
PLACE_MONTH = ("  - {at: C5, field: /project/code}\n",
               "  - {at: C5, field: /project/code}\n  - {at: H5, field: /project/month}\n")


@pytest.mark.parametrize("old, new, names, english", [
    # sheetsync/spec/rulespec.py: a rule and its parameters
    (SEQUENCE, "  - sequence", [LINE, "(rules[0])", "{kind: sequence"],
     "a rule must be a mapping such as {kind: sequence, table: /reports, field: no}"),
    (SEQUENCE, "  - {kind: sequence, table: /reprts, field: \"no\"}", [LINE, "table", "'/reprts'", "/reports"],
     "'/reprts' is not a table of the form"),
    (SEQUENCE, "  - {kind: sequence, table: /reports, field: \"nr\"}", [LINE, "'nr'", "progress_percent"],
     "'nr' is not a column of /reports (no, date, stage, progress_percent, disbursed, on_plan, on_target)"),
    (SEQUENCE, "  - {kind: sequence, table: /reports, field: no}", [LINE, "False", '"no"'],
     "False is not a field's name: YAML reads a bare no, yes, on, off or a number as such; put the name in quotes"),
    (SEQUENCE, "  - {kind: sequence, table: /reports, field: stage}", [LINE, "'stage'", "ข้อความ", "จำนวนเต็ม"],
     "column 'stage' of /reports is a text, not a whole number (schema type integer)"),
    (COMPARE, COMPARE.replace('"<="', '"=<"'), [LINE, "'=<'", "<= < >= > =="], "'=<' is not one of <= < >= > =="),
    (COMPARE, COMPARE.replace("/project/budget_used", "/project/name"), [LINE, "'/project/name'", "ตัวเลขหรือวันที่"],
     "'/project/name' is a text; compare orders numbers or dates"),
    (COMPARE, COMPARE.replace("/project/budget_received", "/project/start_date"),
     [LINE, "'/project/start_date'", "วันที่", "ตัวเลข", "ชนิดเดียวกัน"],
     "'/project/start_date' is a date but left '/project/budget_used' is a number; name a field of the same sort"),
    (COMPARE, COMPARE.replace("/project/budget_used", "/reports/*/disbursed"), [LINE, "/reports", "ช่องเดี่ยว"],
     "'/reports/*/disbursed' is a column of the table /reports, not a single field"),
    (COMPARE, COMPARE.replace("/project/budget_used", "/project/budget_usd"), [LINE, "'/project/budget_usd'", "schema"],
     "'/project/budget_usd' is not a field of the schema"),
    (COMPARE, COMPARE.replace("budget-over-received}", "budget-over-recieved}"), [LINE, "'budget-over-recieved'"],
     "'budget-over-recieved' has no message in the catalogue"),
    (FISCAL, FISCAL.replace("/project/fiscal_year", "/project/name"), [LINE, "'/project/name'", "integer", "พ.ศ."],
     "'/project/name' is not a year (type integer, B.E.)"),
    (FISCAL, FISCAL.replace("[/project/start_date, /project/end_date]", "/project/start_date"),
     [LINE, "[/period/report_date]"], "a list of date fields is needed, e.g. [/period/report_date]"),
    (FISCAL, FISCAL.replace("/project/end_date", "/project/budget_used"), [LINE, "'/project/budget_used'", "date"],
     "'/project/budget_used' is not a date field (a single cell of kind date)"),
    ("  - {kind: running_total_max, table: /reports, field: disbursed, max: /project/budget_received}",
     "  - {kind: running_total_max, table: /reports, field: disbursed, max: /project/name}",
     [LINE, "'/project/name'", "number", "integer"], "'/project/name' is not a number (type number or integer)"),
])
def test_a_mistake_in_a_rule_is_thai_first(tmp_path: Path, old: str, new: str, names: list[str], english: str) -> None:
    th = refused(broken(tmp_path, old, new), english)
    for name in names:
        assert name in th, (name, th)


@pytest.mark.parametrize("rule, names, english", [
    (f"{RATIO}, scale: 0}}", ["kind ratio): scale", "0", "100"], "0 is not a number above 0, e.g. 100"),
    (f"{RATIO}, decimals: 9}}", ["9", "0 ถึง 6"], "9 is not a whole number of decimals from 0 to 6"),
    (f"{MONTH}, month: /project/fiscal_year, year: /project/fiscal_year}}", ["minimum: 1", "maximum: 12"],
     "'/project/fiscal_year' is not a month: a month number needs minimum: 1, maximum: 12"),
    (f"{MONTH}, month: /project/name, year: /project/fiscal_year}}", ["'/project/name'", "ชื่อเดือน"],
     "'/project/name' is not a month: a whole number 1–12, or a choice (enum) of Thai month names"),
    (f"{MONTH}, month: /project/month}}", ["'fiscal_year' หรือ 'year'", "in_month"],
     "in_month needs 'fiscal_year' (the field of the fiscal year, B.E.) or 'year' (the field of the calendar year, B.E.)"),
    (f"{MONTH}, month: /project/month, fiscal_year: /project/fiscal_year, year: /project/fiscal_year}}",
     ["'fiscal_year' หรือ 'year'", "ลบออก"],
     "in_month needs 'fiscal_year' (the field of the fiscal year, B.E.) or 'year' (the field of the calendar year, "
     "B.E.), not both ('fiscal_year' and 'year')"),
])
def test_a_mistake_in_an_added_rule_is_thai_first(tmp_path: Path, rule: str, names: list[str], english: str) -> None:
    layout = broken(tmp_path, FISCAL, f"{FISCAL}\n{rule}", schema=_with_month, also=(PLACE_MONTH,))
    th = refused(layout, english)
    for name in [LINE, "(rules[10], kind", *names]:
        assert name in th, (name, th)


def _with_month(schema: dict[str, Any]) -> None:
    """A month field (1-12) among the project's (the layout places it: :data:`PLACE_MONTH`)."""
    schema["properties"]["project"]["properties"]["month"] = {"title": "เดือน", "type": "integer", "minimum": 1,
                                                              "maximum": 12}


@pytest.mark.parametrize("old, new, names, english", [
    # sheetsync/spec/wording.py: a rule's own message, the layout's messages:
    (COMPARE, COMPARE[:-1] + ", message: ค่าเกิน}", [LINE, "message", "{th: ข้อความภาษาไทย, en: English text}"],
     "expected {th: ..., en: ...}, a Thai and an English text"),
    (COMPARE, COMPARE[:-1] + ', message: {th: "เกิน {nope}", en: "over"}}', [LINE, "message: th", "{nope}", "other_label"],
     "unknown placeholder {nope} (known: "),
    (COMPARE, COMPARE[:-1] + ', message: {th: "เกิน", en: "over {left"}}', [LINE, "message: en", "{{ หรือ }}"],
     "expected '}' before end of string (write a literal brace as {{ or }})"),
    (COMPARE, COMPARE[:-1] + ', message: {th: "เกิน {1x}", en: "over"}}', [LINE, "{1x}", "{value}"],
     "{1x} is not a placeholder name"),
    (COMPARE, COMPARE[:-1] + ', message: {th: "เกิน {left:,}", en: "over"}}', [LINE, "{left}", "รูปแบบ"],
     "write {left} without a format or conversion (values come already written as the form shows them)"),
    ("  report-gap: progress-report.report-gap", "  report-gapp: progress-report.report-gap",
     [LINE, "(messages.report-gapp)", "'report-gapp'", "report-gap"], "no rule of the form gives the finding 'report-gapp' "
     "(its rules give: budget-over-received, end-before-start, fiscal-year-disagrees, fiscal-year-mismatch, "),
    ("  report-gap: progress-report.report-gap", "  report-gap: progress-report.report-gapp",
     [LINE, "(messages.report-gap)", "'progress-report.report-gapp'", "{th: ..., en: ...}"],
     "'progress-report.report-gapp' has no message in the catalogue"),
])
def test_a_mistake_in_a_findings_wording_is_thai_first(tmp_path: Path, old: str, new: str, names: list[str],
                                                       english: str) -> None:
    layout = broken(tmp_path, old, new)
    th = refused(layout, english)
    for name in names:
        assert name in th, (name, th)


def _project(schema: dict[str, Any]) -> dict[str, Any]:
    project: dict[str, Any] = schema["properties"]["project"]
    return project


def _set(where: str, key: str, value: Any) -> SchemaEdit:
    """An edit giving the project's field ``where`` (or the project itself, for "") the keyword ``key``."""
    def edit(schema: dict[str, Any]) -> None:
        node = _project(schema)["properties"][where] if where else _project(schema)
        node[key] = value
    return edit


def _ref_to_fields(schema: dict[str, Any]) -> None:
    schema["$defs"] = {"unit": schema["properties"].pop("unit")}
    schema["properties"]["unit"] = {"$ref": "#/$defs/unit"}


SCHEMA = "progress-report.schema.json"


@pytest.mark.parametrize("edit, names, english", [
    # sheetsync/spec/sources.py and layoutcheck.py: the schema file
    (_set("budget_used", "minimum", "0"), [SCHEMA, "JSON Schema", "กรุณา"], "not a valid JSON Schema ("),
    (_set("code", "$ref", "https://example.org/code.json"), [f"{SCHEMA}: /properties/project/properties/code", "$defs",
     "'https://example.org/code.json'"], "$ref 'https://example.org/code.json' points outside the schema, which "
     "sheetsync never fetches; copy the definition into this file's $defs and write \"#/$defs/<name>\""),
    (_ref_to_fields, [f"{SCHEMA}: /properties/unit", "'#/$defs/unit'", "properties"],
     "$ref '#/$defs/unit' holds fields of the form, which sheetsync places by the schema's own properties; "
     "write its properties in place"),
    (_set("", "required", ["name", "nmae"]), [f"{SCHEMA}: /properties/project", "'nmae'", "properties"],
     "required names 'nmae', which is not one of its properties (name, code, fiscal_year, start_date, end_date, "
     "budget_received, budget_used); correct the name or add the property"),
    (_set("fiscal_year", "minimum", 2800), [f"{SCHEMA}: /properties/project/properties/fiscal_year", "2800", "2700"],
     "minimum 2800 is above maximum 2700; no value could be given"),
    (_set("budget_used", "title_en", 5), [f"{SCHEMA}: /properties/project/properties/budget_used", "title_en", "Budget"],
     "title_en must be a text, the field's English title (found 5)"),
])
def test_a_mistake_in_the_schema_is_thai_first(tmp_path: Path, edit: SchemaEdit, names: list[str],
                                               english: str) -> None:
    th = refused(broken(tmp_path, schema=edit), english)
    for name in names:
        assert name in th, (name, th)
