"""A form author's mistakes in a layout's entries, tables, look and ``master:`` said Thai first (they said
only English inside a Thai frame): the Thai names the file, line and entry, says what is wrong and what to
write; the English after it is the text it always was. Each breaks one thing of the progress report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.form_breaking import broken, refused

LINE = "progress-report.yaml บรรทัด"


@pytest.mark.parametrize("old, new, names, english", [
    # sheetsync/spec/form.py: the entries, the tables and the lists of fields
    ("signature: [/certification/signer]", "signature: /certification/signer", ["signature", "วงเล็บเหลี่ยม"],
     "signature must be a list of field pointers"),
    ("signature: [/certification/signer]", "signature: [/certification/signr]",
     ["'/certification/signr'", "ไม่ใช่ช่องข้อมูล", "กรุณา"],
     "'/certification/signr' is not a field of the form (a single field's pointer, such as /project/budget_used)"),
    ("{at: C5, field: /project/code}", "{at: C0, field: /project/code}", [LINE, "'C0'", "C5:H5"],
     "'C0' is not a cell or range"),
    ('  - {at: A1:G1, text: "** แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ **", style: title}',
     "  - A1:G1", [LINE, "{at: C5, field: /project/code}"],
     "an entry must be a mapping such as {at: C5, field: /project/code}"),
    ("path: /objectives", "path: /project/name", [LINE, "/project/name", "array", "กรุณา"],
     "table /project/name is not an array in the schema"),
    ("rows: [17, 21]", "rows: [21, 17]", [LINE, "[21, 17]", "แถวแรก"],
     "rows must be [first, last], row numbers from 1 with first <= last, e.g. [34, 45] (found [21, 17])"),
    ('key: "no"', 'key: "nr"', [LINE, "'nr'", "/reports", "columns"], "table /reports key 'nr' is not one of its columns"),
    ('text: "รหัสโครงการ :"', "text: yes", [LINE, "True", 'text: "1."'],
     "text: True is not the text to print: YAML reads a bare yes, no, an empty value or a number such as 1. as "
     "such; put the text in quotes (text: \"1.\")"),
    # sheetsync/spec/layoutcheck.py: a table's column
    ("{at: C, field: stage}", "{at: C37, field: stage}", [LINE, "'C37'", "D:E", "rows:"],
     "'C37' is not a column: write the column letters, such as B or D:E (the rows are the table's rows:)"),
])
def test_a_mistake_in_the_layouts_entries_is_thai_first(tmp_path: Path, old: str, new: str, names: list[str],
                                                        english: str) -> None:
    th = refused(broken(tmp_path, old, new), english)
    for name in names:
        assert name in th, (name, th)


@pytest.mark.parametrize("old, new, names, english", [
    # sheetsync/spec/appearance.py: widths, heights, the font, the styles, the page
    ("columns: {A: 9,", "columns: {A: 0,", [LINE, "(columns.A)", "ความกว้าง", "255"],
     "0 is not a width (characters): a number above 0, at most 255"),
    ("heights: {1: 30,", "heights: {1: 500,", [LINE, "ความสูง", "409"],
     "500 is not a height (points): a number above 0, at most 409"),
    ("heights: {1: 30,", "heights: {x: 30,", [LINE, "'x'", "เลขแถว"], "'x' is not a row number (1, 2, …)"),
    ("columns: {A: 9,", "columns: {a: 9,", [LINE, "'a'", "AB"], "'a' is not a column: capital letters, such as A or AB"),
    ("font: {name: TH Sarabun New, size: 16}", "font: TH Sarabun New", [LINE, "(font)", "ชื่อ: ค่า"],
     "expected a mapping, such as {key: value} (found 'TH Sarabun New')"),
    ("font: {name: TH Sarabun New, size: 16}", "font: {name: TH Sarabun New, sise: 16}", [LINE, "'sise'", "name, size"],
     "unknown key 'sise' (known: name, size)"),
    ("font: {name: TH Sarabun New, size: 16}", "font: {name: TH Sarabun New, size: 0}", [LINE, "ขนาดตัวอักษร"],
     "0 is not a font size (points): a number above 0, at most 409"),
    ("font: {name: TH Sarabun New,", "font: {name: 5,", [LINE, "แบบอักษร"], "5 is not a font name"),
    ("section: {bold: true}", 'section: {bold: "ja"}', [LINE, "'ja'", "true", "false"], "'ja' is not true or false"),
    ("sub:     {bold: true, indent: 1}", "sub:     {bold: true, indent: 20}", [LINE, "20", "0 ถึง 15"],
     "20 is not an indent (a whole number 0 to 15)"),
    ("label:   {align: right}", "label:   {align: rigth}", [LINE, "'rigth'", "left, center, right"],
     "'rigth' is not one of left, center, right"),
    ("fill: E8EEF7", "fill: 808080", [LINE, "808080", '"808080"'],
     "808080 is a number to YAML, not a colour: put the six hex digits in quotes, such as \"808080\""),
    ("fill: E8EEF7", "fill: E8EEG7", [LINE, "'E8EEG7'", "FFF9E5"],
     "'E8EEG7' is not a colour: six hex digits RRGGBB, such as FFF9E5"),
    ("paper: A4", "paper: A7", [LINE, "(page.paper)", "'A7'", "A4"], "'A7' is not one of A4, Letter"),
    ("fit_pages_tall: 2", "fit_pages_tall: -1", [LINE, "-1", "จำนวนหน้า"],
     "-1 is not a number of pages (0: as many as needed)"),
    ("margins_cm: {left: 1.5,", "margins_cm: {lfet: 1.5,", [LINE, "'lfet'", "left, right, top, bottom"],
     "unknown side 'lfet' (known: left, right, top, bottom)"),
    ("margins_cm: {left: 1.5,", "margins_cm: {left: 15,", [LINE, "15", "เซนติเมตร"],
     "15 is not a margin (centimetres, 0 to 10)"),
    ("repeat_rows: [36, 36]", "repeat_rows: [36, 30]", [LINE, "[36, 30]", "แถวแรก"],
     "repeat_rows must be [first, last], row numbers from 1, such as [36, 36] (found [36, 30])"),
    ("lock_prefilled: true", "lock_prefilled: yes please", [LINE, "(tables[0].lock_prefilled)", "true"],
     "'yes please' is not true or false"),
])
def test_a_mistake_in_the_look_of_the_sheet_is_thai_first(tmp_path: Path, old: str, new: str, names: list[str],
                                                          english: str) -> None:
    th = refused(broken(tmp_path, old, new), english)
    for name in names:
        assert name in th, (name, th)


@pytest.mark.parametrize("old, new, names, english", [
    # sheetsync/spec/master.py: the master: entry
    ("  title: /project/name\n  table", "  titel: /project/name\n  table", [LINE, "(master.titel)", "'titel'"],
     "unknown entry 'titel' (known: amount, as_text, budget, carry, date, flags, headings, identity, key, next_period, "
     "number, period, progress, sheets, table, title)"),
    ("key: [/project/code]", "key: [/project/cod]", [LINE, "(master.key[0])", "'/project/cod'", "cells"],
     "'/project/cod' is not a single field of the form (such as /project/name, /project/code, /project/fiscal_year, "
     "/project/start_date …)"),
    ("  table: /reports\n", "  table: /reprts\n", [LINE, "(master.table)", "'/reprts'", "/reports"],
     "'/reprts' is not a table of the form (its tables: /objectives, /targets/networks, /reports)"),
    ("as_text: [/targets/networks]", "as_text: [/reports]", [LINE, "(master.as_text[0])", "as_text"],
     "'/reports' is the master's table (master.table): its rows are what the cumulative view adds up, on a sheet "
     "of their own"),
    ('  number: "no"\n  date', '  number: "nr"\n  date', [LINE, "(master.number)", "'nr'", "no, date, stage"],
     "'nr' is not a column of the table '/reports' (its columns: no, date, stage, progress_percent, disbursed, "
     "on_plan, on_target)"),
    ("flags: [on_plan, on_target]", "flags: on_plan", [LINE, "(master.flags)", "วงเล็บเหลี่ยม"], "expected a list"),
    ("key: [/project/code]", "key: [/project/code]\n  period: [/project/code]", [LINE, "(master.period[0])",
     "master.key", "ที่เดียว"], "'/project/code' is in master.key already (a field is named once)"),
    ("carry: [/unit/agency,", "carry: [/project/code,", [LINE, "(master.carry[0])", "'/project/code'", "key"],
     "'/project/code' is part of the key: a new key's template takes it from the roster, never from the school's "
     "last key"),
    ("carry: [/unit/agency,", "carry: [/project/name,", [LINE, "(master.carry[0])", "'/project/name'", "open_prefilled"],
     "'/project/name' is carried from the school's last key, so the school must be able to correct it: add it to "
     "open_prefilled"),
    ("  title: /project/name\n", "  title: /project/name\n  next_period: weekly\n", [LINE, "(master.next_period)",
     "'weekly'", "all", "identity"], "expected all or identity, found 'weekly'"),
    ("headings: {number: ครั้งที่,", "headings: {numbr: ครั้งที่,", [LINE, "'numbr'", "latest_number"],
     "unknown heading 'numbr' (known: number, date, progress, latest_number, latest_date)"),
    ("headings: {number: ครั้งที่, date: วันที่,", "headings: {number: ครั้งที่, date: 5,", [LINE, "(master.headings.date)",
     "5", "ข้อความ"], "expected a heading (a text), found 5"),
    ('  number: "no"\n  date', "  date", [LINE, "(master.headings.number)", "number:"],
     "the entry declares no number column to head"),
    ("headings: {number: ครั้งที่, date: วันที่, progress: ความก้าวหน้า (%), latest_number: รายงานล่าสุด (ครั้งที่),\n"
     "             latest_date: วันที่รายงานล่าสุด}", "headings: [ครั้งที่]", [LINE, "(master.headings)", "headings:"],
     "expected a mapping (known: number, date, progress, latest_number, latest_date)"),
    ("sheets: {data: โครงการ,", "sheets: {datas: โครงการ,", [LINE, "(master.sheets)", "data, table และ cumulative"],
     "expected a mapping with data, table and / or cumulative"),
    ("sheets: {data: โครงการ,", "sheets: {data: โครงการ/2567,", [LINE, "(master.sheets.data)", "1-31"],
     "'โครงการ/2567' is not a valid sheet name (1-31 characters, none of []:*?/\\)"),
    ("cumulative: ความก้าวหน้าสะสม}", "cumulative: โครงการ}", [LINE, "'โครงการ'", "ไม่ซ้ำ"],
     "'โครงการ' names two sheets (one name each; data is ข้อมูล and table is ตาราง unless given)"),
])
def test_a_mistake_in_the_master_entry_is_thai_first(tmp_path: Path, old: str, new: str, names: list[str],
                                                     english: str) -> None:
    th = refused(broken(tmp_path, old, new), english)
    for name in names:
        assert name in th, (name, th)


def test_a_master_entry_that_is_no_mapping_is_thai_first(tmp_path: Path) -> None:
    layout = broken(tmp_path, "master:\n  key: [/project/code]", "master: /project/code\nmaster_was:\n  key: [/project/code]")
    text = layout.read_text(encoding="utf-8")
    start, end = text.index("master_was:"), text.index("rules:")
    layout.write_text(text[:start] + text[end:], encoding="utf-8")
    th = refused(layout, "expected a mapping (key, table, progress …)")
    assert th.startswith(f"{LINE} 122 (master): master: ต้องเป็นรายการแบบ ชื่อ: ค่า"), th


@pytest.mark.parametrize("old, new, names, english", [
    ('      - {at: B:G, field: ""}', '      - {at: B:G, field: "", auto: "{n}"}', [LINE, "/objectives", 'field: ""'],
     'table /objectives holds plain values; place them with field: ""'),
    ("    height: null            # rows grow with the schools", "    height: 0 #", [LINE, "(tables[1].height)", "null"],
     "0 is not a height (points), or null: a number above 0, at most 409"),
    ("  table: /reports\n", "", [LINE, "(master.number)", "table:"],
     "'no' is not a column of the table None (the entry names no table)"),
])
def test_more_mistakes_of_a_table_are_thai_first(tmp_path: Path, old: str, new: str, names: list[str],
                                                 english: str) -> None:
    th = refused(broken(tmp_path, old, new), english)
    for name in names:
        assert name in th, (name, th)


def test_rules_that_are_no_list_are_thai_first(tmp_path: Path) -> None:
    layout = broken(tmp_path, "rules:\n", "rules: sequence\nrules_was:\n")
    text = layout.read_text(encoding="utf-8")
    start, end = text.index("rules_was:"), text.index("# This report's own words")
    layout.write_text(text[:start] + text[end:], encoding="utf-8")
    th = refused(layout, "rules must be a list")
    assert th.startswith("progress-report.yaml: rules ต้องเป็นรายการ") and "- (ขีด)" in th, th
