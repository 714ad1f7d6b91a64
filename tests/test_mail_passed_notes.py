"""A file that passed with notes only is told it passed, and is pointed at an attached file only when one is.

A file with a warning and no error (here a sheet the form does not read) was answered "พบรายการที่ต้องแก้ไข 0
รายการ … กรุณาแก้ไขในไฟล์ที่แนบมา … แล้วส่งกลับมาอีกครั้ง" in the e-mail's HTML part (and in the text part when a
marked-up copy was attached): 0 items to fix, please correct them. And the office writes no marked-up copy of
a file without errors (``mark_valid_files = false``, its default), so the HTML part also asked her to correct
"the attached file" when nothing was attached; so it did for a file with errors when no copy could be attached.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.mailer import MailConfig, Thread
from sheetsync.messages import render
from sheetsync.office.answering import reports_and_mail
from sheetsync.pipeline import check_file
from sheetsync.render import findings_line
from sheetsync.render.html import render_html
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template

ROSTER = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example")]
ATTACHED = ("ไฟล์ที่แนบมา", "attached file")


def _with_notes_only(form: Form, seed: dict[str, Any], path: Path) -> Path:
    """The seed's form, sound, with a note written on a sheet of its own (a warning: that sheet is not read)."""
    write_template(form, path, data=seed, recipient="s1")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Sheet2")["A1"] = "หมายเหตุ"
    book.save(path)
    return path


def _answer(form: Form, seed: dict[str, Any], tmp_path: Path, mark_valid: bool) -> tuple[str, str, list[str]]:
    """The text and HTML parts of the one e-mail a sync writes on a file with notes only, and its attachments."""
    inbox = tmp_path / "inbox"
    _with_notes_only(form, seed, inbox / "s1.xlsx")
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports", config=config, roster=ROSTER,
         options=SyncOptions(settle=0, mark_valid=mark_valid))
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in config.outbox.glob("*.eml")]
    [message] = [m for m in messages if isinstance(m, EmailMessage) and "a@s1.example" in str(m["To"])]
    parts = [message.get_body((kind,)) for kind in ("plain", "html")]
    text, html = (str(p.get_content()) if isinstance(p, EmailMessage) else "" for p in parts)
    return text, html, [str(a.get_filename()) for a in message.iter_attachments()]


@pytest.mark.parametrize("mark_valid", [False, True])
def test_a_file_with_notes_only_is_told_it_passed(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                  mark_valid: bool) -> None:
    text, html, attached = _answer(progress_form, seed, tmp_path, mark_valid)
    assert bool(attached) is mark_valid, attached
    for body in (text, html):
        assert "ต้องแก้ไข 0" not in body and "0 item(s) to fix" not in body, body
        assert "กรุณาแก้ไข" not in body and "Please correct" not in body, body
    said = [render("report.notes" if mark_valid else "report.notes.listed", lang, warnings=1) for lang in ("th", "en")]
    assert all(line in html for line in said), html
    assert all(words in html for words in ATTACHED) is mark_valid, html
    # The text part explains the attached copy, Thai first; with none attached it has nothing to explain.
    assert all(line in text for line in said) is mark_valid, text
    if mark_valid:
        assert text.index(said[0]) < text.index(said[1])


def test_the_html_report_points_at_an_attached_copy_only_when_one_goes_with_it(progress_form: Form,
                                                                               seed: dict[str, Any],
                                                                               tmp_path: Path) -> None:
    seed["reports"][2]["progress_percent"] = 5.0  # below the report before it: an error
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    report = validate(read_filled(path))
    assert report.errors
    marked, bare = (render_html(report, form=progress_form, marked=m) for m in (True, False))
    assert all(words in marked for words in ATTACHED), marked
    assert not any(words in bare for words in ATTACHED), bare
    assert findings_line(len(report.errors), len(report.warnings)) in bare


@pytest.mark.parametrize("mark_valid", [False, True])
def test_a_files_section_of_a_joined_answer_points_at_its_copy_only_when_attached(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, mark_valid: bool) -> None:
    # A file that came by mail is answered in its message's thread; its section of the e-mail that answers
    # the message's files together (office/joining.py) is made from its HTML report, which said "in the
    # attached file" though the office attached no copy of a file without errors.
    item = check_file(_with_notes_only(progress_form, seed, tmp_path / "s1.xlsx"))
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    problems: list[str] = []
    mails, _, joining = reports_and_mail(item, tmp_path / "reports", iter(["s1", "s1-2"]), config, ROSTER, mark_valid,
                                         problems, Thread("<two@s1.example>", "ส่งรายงาน", sender="a@s1.example"))
    assert mails and joining is not None and not problems, problems
    html = joining.part.html
    assert "ต้องแก้ไข 0" not in html and "กรุณาแก้ไข" not in html, html
    assert all(words in html for words in ATTACHED) is mark_valid, html


def test_a_summary_only_email_says_nothing_of_an_attached_file_and_escapes_the_sheets_it_names(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    # The office mails no data (summary_only): nothing attached, and its words are all the HTML part says;
    # they name the cells to check, by sheet, and a sheet's name is the school's own text: "<b>" stays text.
    path = _with_notes_only(progress_form, seed, tmp_path / "s1.xlsx")
    book = openpyxl.load_workbook(path)
    book["Sheet2"].title = '<a href="x.example">'
    book.save(path)
    item = check_file(path)
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox", summary_only=True)
    [(_, data)], _, _ = reports_and_mail(item, tmp_path / "reports", iter(["s1"]), config, ROSTER, True, [], None)
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage) and not list(message.iter_attachments())
    html = str(message.get_body(("html",)).get_content())  # type: ignore[union-attr]
    assert '<a href="x.example">' not in html and "&lt;a href=" in html, html
    assert not any(words in html for words in ATTACHED), html
