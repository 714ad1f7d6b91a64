"""The form model: layouts and schemas load, agree, and disagreements are named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from sheetsync.errors import FormError, UnknownFormError
from sheetsync.spec.form import Form, load_form
from sheetsync.spec.registry import bundled_dir, find_form, list_forms

from tests.conftest import FORMS_DIR


def test_progress_report_places_every_field(progress_form: Form) -> None:
    assert progress_form.field_at("/project/code").place.ref == "C5"
    reports = progress_form.table_at("/reports")
    assert reports is not None and reports.capacity == 12 and reports.key == "no"
    assert [c.pointer for c in reports.columns] == ["no", "date", "stage", "progress_percent", "disbursed",
                                                    "on_plan", "on_target"]


def test_every_schema_field_has_a_thai_title(progress_form: Form) -> None:
    def walk(node: dict, path: str) -> None:
        assert "title" in node and "description" in node, path
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in node["title"]), path
        for name, child in node.get("properties", {}).items():
            walk(child, f"{path}/{name}")
        if "items" in node:
            walk(node["items"], f"{path}/*")
    walk(progress_form.schema, "")


def test_forms_lists_bundled_and_extra_forms() -> None:
    ids = {f.id for f in list_forms([FORMS_DIR])}
    assert {"progress-report", "school-census"} <= ids
    assert (bundled_dir() / "progress-report.yaml").is_file()


def test_unknown_form_names_the_known_ones() -> None:
    with pytest.raises(UnknownFormError, match="progress-report"):
        find_form("no-such-form")


def _copy_form(tmp_path: Path) -> tuple[Path, dict, dict]:
    layout_path = tmp_path / "school-census.yaml"
    shutil.copy(FORMS_DIR / "school-census.yaml", layout_path)
    shutil.copy(FORMS_DIR / "school-census.schema.json", tmp_path / "school-census.schema.json")
    layout = yaml.safe_load(layout_path.read_text(encoding="utf-8"))
    schema = json.loads((tmp_path / "school-census.schema.json").read_text(encoding="utf-8"))
    return layout_path, layout, schema


def _save(tmp_path: Path, layout: dict, schema: dict) -> Path:
    path = tmp_path / "school-census.yaml"
    path.write_text(yaml.safe_dump(layout, allow_unicode=True), encoding="utf-8")
    (tmp_path / "school-census.schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return path


def test_schema_field_not_placed_is_named(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    schema["properties"]["school"]["properties"]["district"] = {"type": "string", "title": "เขต"}
    with pytest.raises(FormError, match="/school/district is not placed"):
        load_form(_save(tmp_path, layout, schema))


def test_placed_field_not_in_schema_is_named(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    layout["cells"].append({"at": "A20", "field": "/school/phone"})
    with pytest.raises(FormError, match="/school/phone"):
        load_form(_save(tmp_path, layout, schema))


def test_field_placed_twice_is_named(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    layout["cells"].append({"at": "A20", "field": "/school/name"})
    with pytest.raises(FormError, match="/school/name is placed more than once"):
        load_form(_save(tmp_path, layout, schema))


def test_overlapping_cells_are_refused(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    layout["cells"].append({"at": "B2", "text": "ทับ"})
    with pytest.raises(FormError, match="cell B2"):
        load_form(_save(tmp_path, layout, schema))


def test_unknown_rule_kind_is_refused(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    layout["rules"].append({"kind": "magic"})
    with pytest.raises(FormError, match="unknown rule kind 'magic'"):
        load_form(_save(tmp_path, layout, schema))


def _layout_with_edit(tmp_path: Path, text_edit: tuple[str, str]) -> Path:
    """The bundled layout as text with one line changed, so line numbers are real."""
    folder = tmp_path / "forms"
    folder.mkdir()
    source = bundled_dir() / "progress-report.yaml"
    text = source.read_text(encoding="utf-8")
    assert text_edit[0] in text
    (folder / "progress-report.yaml").write_text(text.replace(*text_edit), encoding="utf-8")
    shutil.copy(source.parent.parent / "schemas" / "progress-report.schema.json", folder)
    return folder / "progress-report.yaml"


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize("old, new, problem", [
    ("{kind: running_total_max, table: /reports, field: disbursed, max: /project/budget_received}",
     "{kind: running_total_max, field: disbursed, max: /project/budget_received}",
     "running_total_max needs the parameter 'table'"),
    ("{kind: not_decreasing, table: /reports, field: progress_percent}",
     "{kind: not_decreasing, table: /reports, field: progress}",
     "field: 'progress' is not a column of /reports"),
    ("{kind: increasing, table: /reports, field: date}",
     "{kind: increasing, table: /report, field: date}", "table: '/report' is not a table of the form"),
    ("op: \"<=\", right: /project/budget_received", "op: \"=<\", right: /project/budget_received",
     "op: '=<' is not one of"),
    ("code: budget-over-received", "code: no-such-message", "code: 'no-such-message' has no message"),
    ("dates: [/project/start_date, /project/end_date]", "dates: /project/start_date",
     "dates: a list of date fields is needed"),
    ("{kind: sequence, table: /reports, field: \"no\"}", "{kind: sequence, table: /reports, field: \"no\", by: 2}",
     "sequence takes no parameter 'by'"),
])
def test_a_broken_rule_names_its_yaml_entry(tmp_path: Path, old: str, new: str, problem: str) -> None:
    layout = _layout_with_edit(tmp_path, (old, new))
    entries = [line for line in layout.read_text(encoding="utf-8").split("\nrules:\n")[1].splitlines()
               if line.strip().startswith("- ")]
    index = next(i for i, line in enumerate(entries) if new in line)
    with pytest.raises(FormError) as caught:
        load_form(layout)
    message = str(caught.value)
    assert message.startswith(f"progress-report.yaml line {_line_of(layout, new)} (rules[{index}], kind ")
    assert problem in message


def test_loaded_rules_are_typed(progress_form: Form) -> None:
    first = progress_form.rules[0]
    assert first.kind == "sequence" and first["table"] == "/reports" and dict(first) == {"table": "/reports",
                                                                                         "field": "no"}
    assert first.where.startswith("progress-report.yaml line ")


def test_rules_name_the_fields_they_read(progress_form: Form) -> None:
    """Validation skips a rule whose fields already have an error, and runs field rules first."""
    reads = {(r.kind, r.fields, r.over_table) for r in progress_form.rules}
    assert ("within", ("/project/start_date", "/project/end_date"), True) in reads
    assert ("fiscal_year", ("/project/fiscal_year", "/project/start_date", "/project/end_date"), False) in reads
    assert ("compare", ("/project/end_date", "/project/start_date"), False) in reads
    assert ("sequence", (), True) in reads


@pytest.mark.parametrize("old, new, problem", [
    ("{at: C5, field: /project/code}", "{at: C5x, field: /project/code}", "'C5x' is not a cell or range"),
    ("{at: C5, field: /project/code}", "{at: C5, field: /project/codes}",
     "field /project/codes is placed in the layout but is not in the schema"),
    ("{at: C5, field: /project/code}", "{field: /project/code}", "missing key 'at'"),
])
def test_a_broken_cell_names_its_yaml_entry(tmp_path: Path, old: str, new: str, problem: str) -> None:
    layout = _layout_with_edit(tmp_path, (old, new))
    with pytest.raises(FormError) as caught:
        load_form(layout)
    assert str(caught.value).startswith(f"progress-report.yaml line {_line_of(layout, new)} (cells[")
    assert problem in str(caught.value)


def _census_with_edit(tmp_path: Path, old: str, new: str, schema_edit: dict | None = None) -> Path:
    """The census layout as text with one line changed (so line numbers are real), its schema edited."""
    text = (FORMS_DIR / "school-census.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "school-census.yaml").write_text(text.replace(old, new), encoding="utf-8")
    schema = json.loads((FORMS_DIR / "school-census.schema.json").read_text(encoding="utf-8"))
    for pointer, node in (schema_edit or {}).items():
        parent = schema
        for part in pointer.strip("/").split("/")[:-1]:
            parent = parent["properties"][part] if part != "*" else parent["items"]
        parent["properties"][pointer.rsplit("/", 1)[-1]] = node
    (tmp_path / "school-census.schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return tmp_path / "school-census.yaml"


SCHOOL_CODE = "{at: B3, field: /school/code}"
SURVEYED = "{at: D3, field: /school/surveyed_on}"


@pytest.mark.parametrize("old, new, schema_edit, needle, problem", [
    ("{at: B2:D2, field: /school/name}", "{at: A2:D2, field: /school/name}", None, "/school/name}",
     "cell A2 is already used by school-census.yaml line "),
    ("{at: C3, text: \"วันที่สำรวจ :\", style: label}", "{at: C3, field: /school/name}", None, "{at: C3, field",
     "field /school/name is placed more than once (also by school-census.yaml line "),
    (SURVEYED, "{at: D3, field: /school/surveyed_on, fiscal_year: /school/fiscal_yr}", None, "fiscal_yr",
     "fiscal_year: '/school/fiscal_yr' is not a whole-number field"),
    (SCHOOL_CODE, SCHOOL_CODE, {"/school/code": {"title": "รหัส", "type": ["string", "null"]}}, SCHOOL_CODE,
     "field /school/code has the schema type ['string', 'null'], which no cell holds"),
    (SCHOOL_CODE, SCHOOL_CODE, {"/school/code": {"title": "รหัส", "oneOf": [{"type": "string"}]}}, SCHOOL_CODE,
     "field /school/code has no \"type\" in the schema"),
    (SCHOOL_CODE, SCHOOL_CODE, {"/school/code": {"title": "รหัส", "type": "object", "properties": {
        "a": {"type": "string"}}}}, SCHOOL_CODE, "field /school/code is an object in the schema; place its fields"),
    (SCHOOL_CODE, SCHOOL_CODE, {"/school/code": {"title": "รหัส", "type": "string",
                                                 "enum": [f"เขตที่ {n:02d} ของกรุงเทพมหานคร" for n in range(50)]}},
     SCHOOL_CODE, "its 50 choices take 1349 characters, more than the 255 an Excel dropdown holds"),
    (SCHOOL_CODE, SCHOOL_CODE, {"/school/code": {"title": "รหัส", "type": "string", "enum": ["ก, ข", "ค"]}},
     SCHOOL_CODE, "the choice 'ก, ข' holds a comma"),
])
def test_a_layout_mistake_is_one_line_naming_its_entry(tmp_path: Path, old: str, new: str, schema_edit: dict | None,
                                                         needle: str, problem: str) -> None:
    layout = _census_with_edit(tmp_path, old, new, schema_edit)
    with pytest.raises(FormError) as caught:
        load_form(layout)
    message = str(caught.value)
    assert message.startswith(f"school-census.yaml line {_line_of(layout, needle)} "), message
    assert problem in message and "\n" not in message


def test_overlapping_table_rows_name_the_table_and_the_row(tmp_path: Path) -> None:
    layout = _census_with_edit(tmp_path, "rows: [7, 12]", "rows: [5, 12]")
    with pytest.raises(FormError, match=r"^school-census.yaml line \d+ \(tables\[0\], /classes\) row 6: cell A6 is "
                                        r"already used by school-census.yaml line \d+ \(cells\[11\]\)$"):
        load_form(layout)


PERIOD = "period: [/period/fiscal_year, /period/month]"


def _lunch_with_edit(tmp_path: Path, old: str, new: str) -> Path:
    """The school-lunch layout as text with one line changed, so line numbers are real."""
    text = (FORMS_DIR / "school-lunch.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "school-lunch.yaml").write_text(text.replace(old, new), encoding="utf-8")
    shutil.copy(FORMS_DIR / "school-lunch.schema.json", tmp_path)
    return tmp_path / "school-lunch.yaml"


@pytest.mark.parametrize("old, new, place, problem", [
    ("key: [/school/smis]", "key: [/school/smiss]", "master.key[0]", "'/school/smiss' is not a single field"),
    ("key: [/school/smis]", "key: /school/smis", "master.key", "expected a list"),
    ("title: /school/name", "title: /school/names", "master.title", "'/school/names' is not a single field"),
    ("table: /grades", "table: /grade", "master.table", "'/grade' is not a table of the form (its tables: /grades)"),
    ("amount: amount", "amount: amounts", "master.amount", "'amounts' is not a column of the table '/grades'"),
    ("budget: /budget/allocated", "budget: /budget", "master.budget", "'/budget' is not a single field"),
    ("sheets: {data: โรงเรียน, table: รายชั้น}", "sheets: {data: \"โรงเรียน:1\", table: รายชั้น}",
     "master.sheets.data", "is not a valid sheet name"),
    ("sheets: {data: โรงเรียน, table: รายชั้น}", "sheet: {data: โรงเรียน}", "master.sheet", "unknown entry 'sheet'"),
    (PERIOD, "period: [/period/fiscal_year, /period/months]", "master.period[1]",
     "'/period/months' is not a single field"),
    (PERIOD, "period: /period/month", "master.period", "expected a list"),
    (PERIOD, "period: [/period/month, /school/smis]", "master.period[1]", "'/school/smis' is in master.key already"),
    (PERIOD, "period: [/period/month, /period/month]", "master.period[1]", "is in master.period already"),
    (PERIOD, "period: [/grades]", "master.period[0]", "'/grades' is not a single field"),
])
def test_a_broken_master_entry_is_refused_at_load_naming_its_line(tmp_path: Path, old: str, new: str, place: str,
                                                                   problem: str) -> None:
    """Issue 12: a mistake in ``master:`` stops the form from loading (no template is issued), one line naming
    the YAML place and its line, instead of surfacing at merge time as 'school-lunch.yaml: master.key[0]: …'."""
    layout = _lunch_with_edit(tmp_path, old, new)
    with pytest.raises(FormError) as caught:
        load_form(layout)
    line = _line_of(layout, new if place != "master.key[0]" else "smiss")
    assert str(caught.value).startswith(f"school-lunch.yaml line {line} ({place}): ")
    assert problem in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("entry, place, problem", [
    ("identity: [/school/smis, /school/nam]", "master.identity[1]", "'/school/nam' is not a single field"),
    ("identity: /school/smis", "master.identity", "expected a list"),
    ("headings: {amount: เงิน}", "master.headings.amount", "unknown heading 'amount' (known: number, date"),
    ("headings: {progress: ร้อยละ}", "master.headings.progress", "the entry declares no progress column"),
    ("headings: {latest_date: ล่าสุด}", "master.headings.latest_date", "the entry declares no date column"),
    ("headings: [number]", "master.headings", "expected a mapping"),
    ("headings: {number: ''}", "master.headings.number", "expected a heading (a text)"),
    ("sheets: {data: โรงเรียน, cumulative: โรงเรียน}", "master.sheets.data", "'โรงเรียน' names two sheets"),
    # The defaults count: the data sheet is ข้อมูล unless given (two sheets of one name break the .ods master).
    ("sheets: {table: รายชั้น, cumulative: ข้อมูล}", "master.sheets.cumulative", "'ข้อมูล' names two sheets"),
    ("next_period: monthly", "master.next_period", "expected all or identity, found 'monthly'"),
    ("as_text: [/grade]", "master.as_text[0]", "'/grade' is not a table of the form (its tables: /grades)"),
    ("as_text: [/grades]", "master.as_text[0]", "'/grades' is the master's table (master.table)"),
    ("as_text: /grades", "master.as_text", "expected a list"),
])
def test_identity_and_headings_are_checked_at_load_naming_their_line(tmp_path: Path, entry: str, place: str,
                                                                      problem: str) -> None:
    """Issue 10 / 11: the new ``master:`` entries are checked like the others, one line naming the YAML line."""
    sheets = "  sheets: {data: โรงเรียน, table: รายชั้น}\n"
    layout = _lunch_with_edit(tmp_path, sheets, sheets + "  number: days\n  " + entry + "\n")
    # The entry replaces the master's own line of that key (a key given twice is refused first).
    lines = layout.read_text(encoding="utf-8").splitlines(keepends=True)
    same = [i for i, line in enumerate(lines) if line.startswith(f"  {entry.split(':')[0]}:")]
    layout.write_text("".join(line for i, line in enumerate(lines) if i not in same[:-1]), encoding="utf-8")
    with pytest.raises(FormError) as caught:
        load_form(layout)
    assert str(caught.value).startswith(f"school-lunch.yaml line {_line_of(layout, entry)} ({place}): ")
    assert problem in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("old, new, detail, problem", [
    ("{at: B, field: pupils}", "{at: B, field: pupil}", "tables[0].columns[1], pupil",
     "field /grades/*/pupil is placed in the layout but is not in the schema"),
    ("{at: C, field: days}", "{field: days}", "tables[0].columns[2], days", "missing key 'at'"),
    ("{at: D:E, field: amount}", "{at: D:E, field: amount, kind: money}", "tables[0].columns[3], amount",
     "unknown kind 'money'"),
])
def test_a_broken_table_column_names_the_column_entry(tmp_path: Path, old: str, new: str, detail: str,
                                                      problem: str) -> None:
    """Issue 13: the column's own line and place (before: only the table's line, 'line 56 (tables[0], /grades)')."""
    layout = _lunch_with_edit(tmp_path, old, new)
    with pytest.raises(FormError) as caught:
        load_form(layout)
    assert str(caught.value).startswith(f"school-lunch.yaml line {_line_of(layout, new)} ({detail}): ")
    assert problem in str(caught.value)


def test_the_third_form_loads_from_its_files_alone(lunch_form: Form) -> None:
    assert lunch_form.id == "school-lunch" and [t.pointer for t in lunch_form.tables] == ["/grades"]
    from sheetsync.office.spec import master_spec

    spec = master_spec(lunch_form)
    assert spec.key == ("/school/smis",) and spec.period == ("/period/fiscal_year", "/period/month")


def test_a_period_is_part_of_the_stored_key_and_sorts_in_time_order(lunch_form: Form,
                                                                     lunch_sample: dict[str, Any]) -> None:
    """The store keys a monthly report by school and month; the roster's code is the school's; months
    sort as the schema lists them (the fiscal year's), not as their names do."""
    from sheetsync.office.spec import master_spec

    spec = master_spec(lunch_form)
    assert spec.key_of(lunch_sample) == "10360001 · 2567 · พฤศจิกายน" and spec.code_of(lunch_sample) == "10360001"
    assert spec.split("10360001 · 2567 · พฤศจิกายน") == ("10360001", "2567 · พฤศจิกายน")
    assert spec.split("10360001") == ("10360001", "")  # stored before the form declared its period
    lunch_sample["period"].pop("month")
    assert spec.key_of(lunch_sample) == "" and spec.code_of(lunch_sample) == "10360001"
    months = ["2568 · ตุลาคม", "2567 · กันยายน", "2567 · ธันวาคม", "2567 · พฤศจิกายน", "2567 · ตุลาคม"]
    assert sorted(months, key=spec.period_rank) == ["2567 · ตุลาคม", "2567 · พฤศจิกายน", "2567 · ธันวาคม",
                                                    "2567 · กันยายน", "2568 · ตุลาคม"]
    assert {f.id for f in list_forms([FORMS_DIR])} >= {"progress-report", "school-census", "school-lunch"}


IN_MONTH = "{kind: in_month, dates: [/period/report_date], month: /period/month, fiscal_year: /period/fiscal_year}"
RATIO = "{kind: ratio, value: /budget/spent_percent, numerator: /budget/spent, denominator: /budget/allocated,"


@pytest.mark.parametrize("old, new, problem", [
    (IN_MONTH, IN_MONTH.replace(", fiscal_year: /period/fiscal_year", ""),
     "in_month needs 'fiscal_year' (the field of the fiscal year, B.E.) or 'year' (the field of the calendar year"),
    (IN_MONTH, IN_MONTH.replace("}", ", year: /period/fiscal_year}"), ", not both ('fiscal_year' and 'year')"),
    (IN_MONTH, IN_MONTH.replace("dates: [/period/report_date]", "date: /period/report_date"),
     "in_month takes no parameter 'date'"),
    (IN_MONTH, IN_MONTH.replace("dates: [/period/report_date]", "dates: [/period/month]"),
     "dates: '/period/month' is not a date field (a single cell of kind date)"),
    (IN_MONTH, IN_MONTH.replace("dates: [/period/report_date]", "dates: /period/report_date"),
     "dates: a list of date fields is needed"),
    (IN_MONTH, IN_MONTH.replace("month: /period/month", "month: /school/name"),
     "month: '/school/name' is not a month: a whole number 1–12, or a choice (enum) of Thai month names"),
    (IN_MONTH, IN_MONTH.replace("month: /period/month", "month: /school/district"),
     "month: '/school/district': its choice 'เขตจอมทอง' is not a Thai month name"),
    (IN_MONTH, IN_MONTH.replace("month: /period/month", "month: /period/fiscal_year"),
     "a month number needs minimum: 1, maximum: 12"),
    (IN_MONTH, IN_MONTH.replace("fiscal_year: /period/fiscal_year", "fiscal_year: /period/report_date"),
     "fiscal_year: '/period/report_date' is not a year (type integer, B.E.)"),
    (RATIO, RATIO.replace("value: /budget/spent_percent", "value: /budget/method"),
     "value: '/budget/method' is not a number (type number or integer)"),
    (RATIO, RATIO.replace("denominator: /budget/allocated", "denominator: /budget/allocate"),
     "denominator: '/budget/allocate' is not a field of the schema"),
    (RATIO, RATIO.replace(" numerator: /budget/spent,", ""), "ratio needs the parameter 'numerator' (a number field"),
    ("scale: 100, decimals: 2}", "scale: 0, decimals: 2}", "scale: 0 is not a number above 0"),
    ("scale: 100, decimals: 2}", "scale: 100, decimals: 2.5}", "decimals: 2.5 is not a whole number of decimals"),
    ("scale: 100, decimals: 2}", "scale: 100, decimals: 7}",
     "decimals: 7 is not a whole number of decimals from 0 to 6"),
])
def test_a_broken_in_month_or_ratio_rule_names_its_yaml_entry(tmp_path: Path, old: str, new: str, problem: str) -> None:
    """The two kinds' parameters are checked when the form loads, like every kind's: one line naming the entry."""
    layout = _lunch_with_edit(tmp_path, old, new)
    kind = "in_month" if "in_month" in old else "ratio"
    entries = [line for line in layout.read_text(encoding="utf-8").split("\nrules:\n")[1].splitlines()
               if line.strip().startswith("- ")]
    index = next(i for i, line in enumerate(entries) if f"kind: {kind}" in line)
    with pytest.raises(FormError) as caught:
        load_form(layout)
    message = str(caught.value)
    line = _line_of(layout, f"kind: {kind}")
    assert message.startswith(f"school-lunch.yaml line {line} (rules[{index}], kind {kind}): ")
    assert problem in message and "\n" not in message


def test_the_lunch_rules_name_the_fields_they_read(lunch_form: Form) -> None:
    """A date, month or ratio already in error skips the rule (the report date outside the fiscal year
    is said once, by fiscal_year, not again as outside the month)."""
    reads = {r.kind: (r.fields, r.over_table) for r in lunch_form.rules}
    assert reads["in_month"] == (("/period/report_date", "/period/month", "/period/fiscal_year"), False)
    assert reads["ratio"] == (("/budget/spent_percent", "/budget/spent", "/budget/allocated"), False)


def _lunch_schema_edit(tmp_path: Path, edit: Any) -> Path:
    """The school-lunch form with its schema changed by ``edit`` (a function of the parsed schema)."""
    shutil.copy(FORMS_DIR / "school-lunch.yaml", tmp_path)
    schema = json.loads((FORMS_DIR / "school-lunch.schema.json").read_text(encoding="utf-8"))
    edit(schema)
    (tmp_path / "school-lunch.schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return tmp_path / "school-lunch.yaml"


@pytest.mark.parametrize("title", [5, "", None, ["spent"]])
def test_an_english_title_that_is_not_a_text_is_refused_naming_its_place(tmp_path: Path, title: Any) -> None:
    def edit(schema: dict[str, Any]) -> None:
        schema["properties"]["budget"]["properties"]["spent"]["title_en"] = title
    with pytest.raises(FormError) as caught:
        load_form(_lunch_schema_edit(tmp_path, edit))
    assert str(caught.value).startswith("school-lunch.schema.json: /properties/budget/properties/spent: title_en must "
                                        "be a text, the field's English title")


def test_a_field_named_title_en_is_a_field_not_a_title(tmp_path: Path) -> None:
    """``properties: {title_en: {...}}`` names a field of the data; its schema is no English title."""
    def edit(schema: dict[str, Any]) -> None:
        schema["properties"]["school"]["properties"]["title_en"] = {"title": "ชื่ออังกฤษ", "type": "string"}
    layout = _lunch_schema_edit(tmp_path, edit)
    smis = "  - {at: B3, field: /school/smis}\n"
    layout.write_text(layout.read_text(encoding="utf-8").replace(smis, smis + "  - {at: F3, field: /school/title_en}\n"),
                      encoding="utf-8")
    assert load_form(layout).field_at("/school/title_en") is not None
