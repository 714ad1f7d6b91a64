"""Report renderers: terminal text, HTML for e-mail (escaped), batch summary as csv and xlsx."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import load_workbook

from sheetsync.spec.form import Form
from sheetsync.messages import catalogue, render
from sheetsync.render import render_for_school, render_text, value_text
from sheetsync.render.html import render_html
from sheetsync.render.summary import write_summary_csv, write_summary_xlsx
from sheetsync.check.report import Finding, Report, Unread
from sheetsync.pipeline import UNREADABLE, failure

HOSTILE = '<script>alert("x")</script>\r\n=HYPERLINK("http://evil.example")' + "ก" * 5000


def _report() -> Report:
    report = Report(Path("inbox/โรงเรียน<วัดไทร>.xlsx"), "progress-report", {"recipient": "school-<01>"})
    report.findings = [
        Finding("progress-decreased", "error", "แบบรายงาน", "D39", "/reports/2/progress_percent", 5.0,
                "ช่อง D39 ความก้าวหน้าลดลง", "Cell D39: progress went down"),
        Finding("not-a-date", "error", "แบบรายงาน", "B38", "/reports/1/date", HOSTILE,
                "ช่อง B38 ต้องเป็นวันที่", "Cell B38 must be a date"),
        Finding("schema-changed", "warning", "_sheetsync", "B6", "", None, "แบบฟอร์มเก่า", "Old template"),
    ]
    return report


def test_text_groups_by_sheet_errors_first_with_counts() -> None:
    text = render_text(_report())
    assert "2 error(s), 1 warning(s)" in text
    assert text.index("B38") < text.index("D39") < text.index("schema-changed")


def test_html_escapes_school_text_and_uses_inline_css_only() -> None:
    html = render_html(_report())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<style" not in html and 'style="' in html
    assert "TH Sarabun New" in html
    assert "โรงเรียน&lt;วัดไทร&gt;.xlsx" in html
    assert "ต้องแก้ไข" in html and "Must fix" in html
    assert html.index("ช่อง B38") < html.index("Cell B38")  # Thai first
    assert re.search(r"<td[^>]*>B38</td>", html)


def test_summary_csv_and_xlsx(tmp_path: Path) -> None:
    bad = Path("inbox/=cmd.xlsx")
    results = [_report(), Unread(bad, failure(bad, UNREADABLE, "=cmd.xlsx: not a spreadsheet"))]
    write_summary_csv(results, tmp_path / "summary.csv")
    rows = list(csv.reader((tmp_path / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][1:5] == ["school-<01>", "ไม่ผ่าน", "2", "1"]
    assert rows[2][0] == "'=cmd.xlsx" and rows[2][2] == "อ่านไฟล์ไม่ได้"
    write_summary_xlsx(results, tmp_path / "summary.xlsx")
    ws = load_workbook(tmp_path / "summary.xlsx").active
    assert ws["A3"].value == "=cmd.xlsx" and ws["A3"].data_type == "s"
    assert ws["D2"].value == 2 and ws.freeze_panes == "A2"


def test_summary_marks_files_read_again_and_counts_them_only_when_there_are_some(tmp_path: Path) -> None:
    ok, bad = Report(Path("inbox/s2.xlsx"), "progress-report", {}), Path("inbox/s4.xlsx")
    results = [_report(), ok, Unread(bad, failure(bad, UNREADABLE, "s4.xlsx: not a spreadsheet"))]
    write_summary_xlsx(results, tmp_path / "summary.xlsx", reread=[ok.path, bad])
    ws = load_workbook(tmp_path / "summary.xlsx").active
    assert ws is not None
    again = "อ่านใหม่หลังกู้คืน (ได้รับไว้ก่อนแล้ว)"
    assert [ws[f"G{r}"].value for r in (2, 3, 4)] == [None, again, again]
    assert ws["A6"].value == "ไฟล์ใหม่" and ws["B6"].value == 1 and ws["B7"].value == 2  # numbers, not text
    assert ws.auto_filter.ref == "A1:G4"  # sorting the files leaves the counts where they are
    assert ws["A3"].fill.fgColor.rgb.endswith("EDEDED") and ws["A4"].fill.fgColor.rgb.endswith("FDE2E1")
    write_summary_xlsx([ok], tmp_path / "plain.xlsx")  # no restore: the summary as it always was
    plain = load_workbook(tmp_path / "plain.xlsx").active
    assert plain is not None and plain.max_row == 2 and plain["G2"].value is None


def test_no_catalogue_entry_renders_empty() -> None:
    assert len(catalogue()) >= 30  # an empty or truncated catalogue must not pass
    for code, entry in catalogue().items():
        assert set(entry) - {"en_one"} == {"th", "en"}, code  # en_one: the English for a count of one
        assert entry["th"].strip() and entry["en"].strip(), code


def test_html_names_the_report_a_cell_is_in(progress_form: Form) -> None:
    """Issue 8: "E42" alone makes a teacher count rows; the report says รายงานครั้งที่ 6."""
    html = render_html(_report(), form=progress_form)
    assert re.search(r"<td[^>]*>D39<br>\(รายงานครั้งที่ 3\)</td>", html)
    assert re.search(r"<td[^>]*>B38<br>\(รายงานครั้งที่ 2\)</td>", html)
    assert not re.search(r"<td[^>]*>B6</td>", html)  # the hidden metadata sheet's cell: nowhere a teacher can go
    assert "ความก้าวหน้าของงาน" in html  # the field's label, from the form's schema


def test_a_code_typed_without_its_dash_is_not_shown_as_a_date() -> None:
    # date.fromisoformat reads "25630115" as 15 January 2563: the report showed the code as 15/1/3106.
    code = Finding("pattern", "error", "แบบรายงาน", "C5", "/project/code", "25630115", "x", "x")
    assert value_text(None, code) == "25630115"
    when = Finding("outside-period", "error", "แบบรายงาน", "B43", "/reports/6/date", "2020-10-29", "x", "x")
    assert value_text(None, when) == "29/10/2563"


def test_what_the_school_reads_is_numbered_thai_then_english_without_codes() -> None:
    # The .txt report and the e-mail's text once began "✗ x.xlsx: invalid — 1 error(s)" with codes,
    # and a finding without a sheet (the sender warning) came under an empty "[]" heading.
    report = _report()
    report.findings.append(Finding("sender-not-recipient", "warning", "", "", "", "x@y.example", "ส่งมาจาก x", "sent by x"))
    text = render_for_school(report)
    assert "error(s)" not in text and "invalid" not in text and "[]" not in text
    assert not any(f.code in text for f in report.findings)
    thai, english = text.split("\n\n")
    sheet = report.findings[0].sheet  # the sheet the cells are on comes first (tests/test_teacher_mail_findings.py)
    assert thai.startswith(render("report.on_sheet", "th", sheet=sheet) + f"\nต้องแก้ไข {len(report.errors)} รายการ\n  1. ")
    assert thai.index(f"ข้อสังเกต {len(report.warnings)} รายการ") < thai.index("ส่งมาจาก x")  # notes after fixes
    assert english.startswith(render("report.on_sheet", "en", sheet=sheet) + f"\nTo fix: {len(report.errors)}\n  1. ")
    assert "sent by x" in english
    assert render_for_school(Report(Path("ok.xlsx"), "progress-report", {}, [])).startswith("แบบรายงานของท่านถูกต้อง")


def test_a_cell_in_a_block_of_grades_names_the_row_not_a_grade(lunch_form: Form) -> None:
    """The lunch report's third row of grades was named "(ชั้น 3)" beside D12 (the items' title and the
    row's place), which a teacher reads as grade 3 whatever grade the row holds (อนุบาล 3, ป.1 …).
    A block the form does not number itself is named by its title and the row's place in it."""
    report = Report(Path("s02.xlsx"), "school-lunch")
    report.findings = [Finding("sum-mismatch", "error", lunch_form.sheet, "D12", "/grades/2/amount", 18800.0,
                               "ผลรวมไม่เท่ากับ", "does not add up")]
    html = render_html(report, form=lunch_form)
    assert re.search(r"<td[^>]*>D12<br>\(รายชั้น แถวที่ 3\)</td>", html)
    assert "ชั้น 3" not in html


def test_the_html_report_says_its_language_and_has_a_title(tmp_path: Path) -> None:
    """A browser tab, a saved page and a screen reader know what the page is and that it is Thai."""
    from sheetsync.render.html import render_html

    page = render_html(Report(Path("ร.ร.<วัด>&ไทร.xlsx"), "progress-report", {}))
    assert page.startswith('<!DOCTYPE html>\n<html lang="th"><head><meta charset="utf-8"><title>')
    assert "<title>ผลการตรวจสอบแบบรายงาน / Validation report — ร.ร.&lt;วัด&gt;&amp;ไทร.xlsx</title>" in page
    assert '<html lang="en">' in render_html(Report(Path("a.xlsx"), "progress-report", {}), langs=("en",))


def test_summary_csv_quotes_a_name_that_starts_with_a_tab_or_a_carriage_return(tmp_path: Path) -> None:
    # OWASP's list of what starts a formula in a spreadsheet opening a CSV holds TAB and CR beside
    # "=", "+", "-", "@" (a name "\t=HYPERLINK(…)" is read as a formula by some importers).
    names = ["\t=1+2.xlsx", "\r=1+3.xlsx"]
    results = [Unread(Path("inbox") / n, failure(Path("inbox") / n, UNREADABLE, f"{n}: not a spreadsheet"))
               for n in names]
    write_summary_csv(results, tmp_path / "summary.csv")
    with (tmp_path / "summary.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [row[0] for row in rows[1:3]] == ["'" + n for n in names]


def test_the_sheet_named_above_the_findings_is_the_form_s_not_an_added_one() -> None:
    # A warning on a sheet the school added names that sheet itself, at its "A1": counted as a cell, it tied
    # with the one finding on the form (printed text cut, found after the added sheets) and, found first,
    # the answer said the cells listed were on the added sheet.
    report = Report(Path("s.xlsx"), "progress-report", {})
    report.findings = [
        Finding("sheet-not-read", "warning", "Sheet2", "A1", "", None, "แผ่นงาน Sheet2", "sheet Sheet2"),
        Finding("text-cut-in-print", "warning", "แบบรายงาน", "E12", "/reports/1/note", "ก" * 80, "ตัด", "cut"),
    ]
    for lang in ("th", "en"):
        assert render("report.on_sheet", lang, sheet="แบบรายงาน") in render_for_school(report, lang)
    assert "Sheet2”" not in render_html(report)
    report.findings = report.findings[:1]  # an added sheet alone: its finding names it, no cell to find
    assert render("report.on_sheet", "en", sheet="Sheet2") not in render_for_school(report, "en")
