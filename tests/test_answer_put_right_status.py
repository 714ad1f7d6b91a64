"""The answer on a file whose only errors its marked-up copy put right, the copy ready to be sent back
(``put-right``): its subject and intro said "ต้องแก้ไข 1 รายการ" (1 item to fix) as if she had cells to
correct, where she has only to check the attached copy and send it back; in a joined answer too."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Report
from sheetsync.check.validate import validate
from sheetsync.limits import MB
from sheetsync.mailer import Attachment, compose, compose_joined, report_part, subject_for, wire_bytes
from sheetsync.mailer._sent import attached_spreadsheets
from sheetsync.messages import render
from sheetsync.render import render_for_school
from sheetsync.render.html import render_html
from sheetsync.spec.form import Form
from tests.test_mail import CONFIG
from tests.test_teacher_marked_fixed import _school

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(form: Form, seed: dict[str, Any], folder: Path, name: str) -> Report:
    folder.mkdir(parents=True, exist_ok=True)
    report = validate(read_filled(_school(form, seed, folder, "insert")))
    report.path = folder / f"{name}.xlsx"
    return report


def _answer(report: Report, form: Form, data: bytes, ready: bool) -> tuple[bytes, Any]:
    """The answer on ``report`` with its copy (``data``), and its part, as the office makes them."""
    copy = Attachment(f"{report.path.stem}-ตรวจแล้ว.xlsx", data, XLSX, ready=ready)
    text, html = render_for_school(report, marked=True), render_html(report, form=form, marked=True)
    message = compose(report, to="a@s1.example", config=CONFIG, html=html, text=text, attachments=[copy])
    part = report_part(report, text, html, listed=(render_for_school(report), render_html(report, form=form)),
                       ready=ready)
    return wire_bytes(message), part


def test_the_subject_says_the_copy_is_in_the_form_s_layout_thai_first(progress_form: Form, seed: dict[str, Any],
                                                                        tmp_path: Path) -> None:
    report = _report(progress_form, seed, tmp_path, "m1")
    subject = subject_for(report, "วัดไทร", ready=True)
    assert subject == render("mail.subject.put-right", "th", source="mail.yaml", name="วัดไทร")
    assert "ต้องแก้ไข" not in subject and "ต้องแก้ไข" in subject_for(report, "วัดไทร")  # not ready: cells to fix
    assert "ต้องแก้ไข" not in render("mail.intro.put-right", "th", source="mail.yaml", file="x.xlsx")


def test_only_a_ready_copy_is_left_out_of_the_office_s_own_files(progress_form: Form, seed: dict[str, Any],
                                                                  tmp_path: Path) -> None:
    report = _report(progress_form, seed, tmp_path, "m1")
    ready, _ = _answer(report, progress_form, b"ready copy", True)
    kept, _ = _answer(report, progress_form, b"copy to fix", False)
    assert attached_spreadsheets(ready) == {}
    assert attached_spreadsheets(kept) == {hashlib.sha256(b"copy to fix").hexdigest(): "m1-ตรวจแล้ว.xlsx"}


def test_a_joined_answer_says_put_right_and_lists_the_ready_copy_it_carries(progress_form: Form, seed: dict[str, Any],
                                                                           tmp_path: Path) -> None:
    reports = [_report(progress_form, seed, tmp_path / name, name) for name in ("m1", "m2")]
    answers = [_answer(r, progress_form, bytes([n]) * 400_000, True) for n, r in enumerate(reports)]
    assert [part.status for _, part in answers] == ["put-right", "put-right"]
    whole = compose_joined(answers, "answers")
    assert "ต้องแก้ไข" not in str(whole["Subject"])
    assert str(whole["Subject"]) == render("joined.subject.put-right", "th", source="mail.yaml", count=2, ready=2)
    assert attached_spreadsheets(wire_bytes(whole)) == {}  # both ready: neither is the office's own
    # Too big for both: the copy left out is not there to send back, so its file is one to correct
    cut = compose_joined(answers, "answers", max_size=1 * MB)
    assert [p.get_filename() for p in cut.iter_attachments()] == ["m1-ตรวจแล้ว.xlsx"]
    assert str(cut["Subject"]) == render("joined.subject.fix-and-put-right", "th", source="mail.yaml", count=2, fix=1,
                                         ready=1)
    text = str(cut.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    first, second = text.split("m2.xlsx", 1)
    assert render("mail.intro.put-right", "th", source="mail.yaml", file="m1.xlsx") in first
    assert render("mail.intro.fix", "th", source="mail.yaml", file="m2.xlsx", errors=1) in second
    assert str(cut["X-Sheetsync-Ready"]).split() == [hashlib.sha256(bytes([0]) * 400_000).hexdigest()]
