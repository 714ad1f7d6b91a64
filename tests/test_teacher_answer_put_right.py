"""What a teacher reads in the answer to her returned file, beside the marked-up copy attached to it.

The copy already puts some findings right (a row inserted or deleted, a fixed text typed over, data
outside the form: ``PUT_RIGHT``); the e-mail still told her to delete a row the copy does not have.
With the copy attached the answer says it is already put right there, and to work in the copy; with no
copy (or a copy left out of a joined answer for size) the advice for her own file stays.

An office-filled cell typed over was told "restore it" and "type digits only" at once; and a note typed
beside report 4 (H40) was named as part of report 4.
"""

from __future__ import annotations

import os
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Report
from sheetsync.check.validate import validate
from sheetsync.limits import MB
from sheetsync.mailer import Attachment, compose, compose_joined, report_part, wire_bytes
from sheetsync.messages import render
from sheetsync.render import render_for_school
from sheetsync.render.html import render_html
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_mail import CONFIG
from tests.test_teacher_marked_fixed import _school

#: "please delete the inserted row(s)": her own file's advice, which the attached copy has no row for.
DELETE_ROW = "กรุณาลบแถวที่แทรกออก"


def _inserted(form: Form, seed: dict[str, Any], tmp_path: Path) -> Report:
    return validate(read_filled(_school(form, seed, tmp_path, "insert")))


def test_with_the_copy_attached_the_text_says_the_copy_has_no_inserted_row(progress_form: Form, seed: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    report = _inserted(progress_form, seed, tmp_path)
    assert report.codes() == ["rows-inserted"]
    text = render_for_school(report, marked=True)
    assert DELETE_ROW not in text
    attached = [render("rows-inserted.attached", lang, row=41) for lang in ("th", "en")]
    assert text.index(attached[0]) < text.index(attached[1])  # Thai first
    assert DELETE_ROW in render_for_school(report)  # no copy: her own file still has the row to delete


def test_with_the_copy_attached_the_html_says_the_copy_has_no_inserted_row(progress_form: Form, seed: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    report = _inserted(progress_form, seed, tmp_path)
    html = unescape(render_html(report, form=progress_form, marked=True))
    assert DELETE_ROW not in html and render("rows-inserted.attached", "th", row=41) in html
    assert DELETE_ROW in unescape(render_html(report, form=progress_form))


@pytest.mark.parametrize("code", ["rows-inserted", "rows-deleted", "locked-cell-changed", "outside-form-area"])
def test_every_finding_the_copy_puts_right_has_its_words_for_the_attached_copy(code: str) -> None:
    for lang in ("th", "en"):
        words = render(f"{code}.attached", lang, row=41, cell="A4", sheet="แบบรายงาน")
        assert words and ("ไฟล์ที่แนบมา" in words if lang == "th" else "attached" in words)


def _answer(report: Report, form: Form, size: int) -> tuple[bytes, Any]:
    """The answer on ``report`` with a marked-up copy of ``size`` bytes, its part as the office makes it
    (sheetsync.office.answering)."""
    copy = Attachment(f"{report.path.stem}-ตรวจแล้ว.xlsx", os.urandom(size), "application/vnd.ms-excel")
    text, html = render_for_school(report, marked=True), render_html(report, form=form, marked=True)
    message = compose(report, to="a@s1.example", config=CONFIG, html=html, text=text, attachments=[copy])
    part = report_part(report, text, html, listed=(render_for_school(report), render_html(report, form=form)))
    return wire_bytes(message), part


def test_a_joined_answer_keeps_her_own_file_s_advice_where_the_copy_is_left_out(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    reports = []
    for name in ("m1", "m2"):
        folder = tmp_path / name
        folder.mkdir()
        report = _inserted(progress_form, seed, folder)
        report.path = folder / f"{name}.xlsx"
        reports.append(report)
    answers = [_answer(r, progress_form, 400_000) for r in reports]
    joined = compose_joined(answers, "answers", max_size=1 * MB)
    assert [p.get_filename() for p in joined.iter_attachments()] == ["m1-ตรวจแล้ว.xlsx"]
    text = str(joined.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    html = unescape(str(joined.get_body(("html",)).get_content()))  # type: ignore[union-attr]
    put_right = render("rows-inserted.attached", "th", row=41)
    for body in (text, html):
        first, second = body.split("m2.xlsx", 1)
        assert put_right in first and DELETE_ROW not in first  # attached: work in the copy
        assert DELETE_ROW in second and put_right not in second  # left out: her own file


def test_an_office_filled_cell_typed_over_is_told_to_be_restored_only(progress_form: Form, seed: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    wb[progress_form.sheet]["F6"] = "หนึ่งแสน"  # the budget received, filled in by the office
    wb.save(path)
    report = validate(read_filled(path))
    assert [(f.code, f.cell) for f in report.findings] == [("prefilled-cell-changed", "F6")]
    assert "พิมพ์เฉพาะตัวเลข" not in render_for_school(report)


def test_a_cell_beside_a_report_s_row_is_named_outside_the_form(progress_form: Form, seed: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    wb[progress_form.sheet]["H40"] = "หมายเหตุ"
    wb.save(path)
    report = validate(read_filled(path))
    html = unescape(render_html(report, form=progress_form))
    assert "รายงานครั้งที่ 4" not in html
    assert f"H40<br>({render('report.outside_form', 'th')})" in html
