"""An answer counts what the marked-up copy put right as put right, not as items to fix.

A school inserted a row above report 5 (the copy takes it out) and typed a progress that is no number
into report 2: the answer with the copy attached headed both "ต้องแก้ไข 2 รายการ" (2 to fix), and a copy
that put right all the file had wrong still listed its one finding under "ต้องแก้ไข 1 รายการ", though
there is nothing for her to do there. The subject, the intro and the heading now count the same:
only what she has to fix, the rest under "แก้ไขให้แล้วในไฟล์ที่แนบ" (put right in the attached copy).
"""

from __future__ import annotations

from html import unescape
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Report
from sheetsync.check.validate import validate
from sheetsync.mailer import Attachment, compose
from sheetsync.messages import render
from sheetsync.render import render_for_school
from sheetsync.render.html import render_html
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_mail import CONFIG


def _school(form: Form, seed: dict[str, Any], tmp_path: Path, *, wrong: bool) -> Report:
    """A row inserted above report 5 (row 41) and, when ``wrong``, report 2's progress typed as words."""
    path = tmp_path / "school.xlsx"
    write_template(form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    ws = wb[form.sheet]
    if wrong:
        ws["D38"] = "ครึ่งหนึ่ง"
    ws.insert_rows(41)
    wb.save(path)
    return validate(read_filled(path))


def test_the_text_heads_what_the_copy_put_right_apart(progress_form: Form, seed: dict[str, Any],
                                                      tmp_path: Path) -> None:
    report = _school(progress_form, seed, tmp_path, wrong=True)
    assert len(report.errors) == 2 and "rows-inserted" in report.codes(), report.codes()
    text = render_for_school(report, marked=True)
    for lang in ("th", "en"):
        assert render("report.list.errors", lang, count=1) in text
        assert render("report.list.put_right", lang, count=1) in text
        assert render("report.list.errors", lang, count=2) not in text
    # Without the copy her own file still has the row: two to fix.
    assert render("report.list.errors", "th", count=2) in render_for_school(report)


def test_a_copy_that_put_everything_right_lists_nothing_to_fix(progress_form: Form, seed: dict[str, Any],
                                                               tmp_path: Path) -> None:
    report = _school(progress_form, seed, tmp_path, wrong=False)
    assert report.codes() == ["rows-inserted"]
    text = render_for_school(report, marked=True)
    assert render("report.list.errors", "th", count=1) not in text
    assert render("report.list.put_right", "th", count=1) in text
    html = unescape(render_html(report, form=progress_form, marked=True, ready=True))
    severity = {kind: " / ".join(render(f"report.severity.{kind}", lang) for lang in ("th", "en"))
                for kind in ("error", "put_right")}
    assert severity["error"] not in html and severity["put_right"] in html


def test_subject_intro_and_heading_count_the_same(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    report = _school(progress_form, seed, tmp_path, wrong=True)
    copy = Attachment("school-ตรวจแล้ว.xlsx", b"PK", "application/vnd.ms-excel")
    html, text = render_html(report, form=progress_form, marked=True), render_for_school(report, marked=True)
    message = compose(report, to="a@s1.example", config=CONFIG, html=html, text=text, attachments=[copy])
    body = str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    page = unescape(str(message.get_body(("html",)).get_content()))  # type: ignore[union-attr]
    assert "1" in str(message["Subject"]) and "2" not in str(message["Subject"])
    for said in (render("mail.intro.fix", "th", source="mail.yaml", file="school.xlsx", errors=1),
                 render("report.errors", "th", errors=1)):
        assert said in body
    assert render("report.errors", "th", errors=1) in page
    assert render("report.errors", "th", errors=2) not in body + page
