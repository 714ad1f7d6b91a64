"""A returned file whose only errors the marked-up copy itself puts right (``PUT_RIGHT``: a row inserted
in the reports, a label typed over, data outside the form). The answer said "ต้องแก้ไข 1 รายการ" and
attached the copy, which has no red cell and whose notes say nothing needs changing; the teacher who
sent that copy back unchanged was refused, its bytes known as the office's own ("ours"), and told to
correct the coloured cells — there are none. A dead end. Such a copy is now marked ready in the answer
(``X-Sheetsync-Ready``): sent back, it is her return. A real Dovecot and a real SMTP server, as
tests/test_mail_marked_copy_back.py.
"""

from __future__ import annotations

import sqlite3
from email.message import EmailMessage
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.master import read_master
from sheetsync.messages import render
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_echo_robot import answering_office, sheetsync
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_hostile import body
from tests.test_mail_loop import ROSTER, run, sync_args
from tests.test_mail_smtp import Server


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An office made with `sheetsync init` on the test servers (:func:`answering_office`)."""
    return answering_office(mailbox, smtp, tmp_path, office_key)


def inserted_row(tmp_path: Path, form: Form, seed: dict[str, Any]) -> bytes:
    """The school's file with a row inserted above report 5 (its sheet's protection lost): no other error."""
    path = tmp_path / "made" / "s1.xlsx"
    write_template(form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    wb[form.sheet].insert_rows(41)
    wb.save(path)
    return path.read_bytes()


def _answer_to(smtp: Server, message_id: str) -> EmailMessage:
    [answer] = [m for m in smtp.messages() if m["In-Reply-To"] == message_id]
    return answer


def test_the_copy_that_put_her_file_right_sent_back_unchanged_is_her_return(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:  # noqa: F811
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", inserted_row(tmp_path, progress_form, seed),
                                                                 XLSX)], "<one@s1.example>"))
    assert run(tmp_path, mailbox, smtp, *sync_args()).returncode == 1
    report = _answer_to(smtp, "<one@s1.example>")
    [copy] = [p for p in report.iter_attachments() if str(p.get_filename()).endswith(".xlsx")]
    mailbox.deliver(mail_from("a@s1.example", f"Re: {report['Subject']}",
                              [(str(copy.get_filename()), copy.get_content(), XLSX)], "<two@s1.example>",
                              In_Reply_To=str(report["Message-ID"]), References=str(report["Message-ID"])))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 0, done.stdout + done.stderr
    answer = _answer_to(smtp, "<two@s1.example>")
    assert "ผ่านการตรวจสอบ" in body(answer)
    assert render("fetch.refused.ours", "th", source="mail.yaml", name=copy.get_filename()) not in body(answer)
    master = read_master(tmp_path / "master.xlsx")
    assert [e.result for e in master.ledger] == ["refused", "merged"]
    [record] = master.records.values()
    assert [r.get("progress_percent") for r in record.data["reports"]] == \
        [r.get("progress_percent") for r in seed["reports"]]  # her data, every report in its row


def test_the_answer_says_the_file_is_put_in_the_form_s_layout_not_cells_to_fix(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:  # noqa: F811
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", inserted_row(tmp_path, progress_form, seed),
                                                                 XLSX)], "<one@s1.example>"))
    run(tmp_path, mailbox, smtp, *sync_args())
    answer = _answer_to(smtp, "<one@s1.example>")
    text = body(answer)
    assert render("mail.intro.put-right", "th", source="mail.yaml", file="วัดไทร.xlsx") in text
    assert render("mail.intro.fix", "th", source="mail.yaml", file="วัดไทร.xlsx", errors=1) not in text
    html = unescape(str(answer.get_body(("html",)).get_content()))  # type: ignore[union-attr]
    for said in (text, html):  # no red cell to correct in the copy
        assert render("report.errors", "th", errors=1) not in said
    assert render("report.put_right", "th") in html
    assert answer["X-Sheetsync-Ready"]


def test_in_an_office_the_copy_put_right_is_taken_back_from_the_store_s_record(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,  # noqa: F811
        seed: dict[str, Any]) -> None:
    # The office's store records every spreadsheet it mailed (sent_files), but not a copy ready to come back.
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", inserted_row(tmp_path, progress_form, seed),
                                                                 XLSX)], "<one@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 1
    report = _answer_to(smtp, "<one@s1.example>")
    [copy] = [p for p in report.iter_attachments() if str(p.get_filename()).endswith(".xlsx")]
    mailbox.deliver(mail_from("a@s1.example", f"Re: {report['Subject']}",
                              [(str(copy.get_filename()), copy.get_content(), XLSX)], "<two@s1.example>",
                              In_Reply_To=str(report["Message-ID"]), References=str(report["Message-ID"])))
    done = sheetsync(district, "sync", "--send")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ผ่านการตรวจสอบ" in body(_answer_to(smtp, "<two@s1.example>"))
    store = sqlite3.connect(district / "sheetsync.sqlite")
    names = sorted(str(r[0]) for r in store.execute("SELECT name FROM files"))
    store.close()
    assert names == ["วัดไทร-ตรวจแล้ว.xlsx", "วัดไทร.xlsx"]  # her return, the copy


@pytest.mark.parametrize("row", [41, 43])
def test_a_copy_still_lacking_a_deleted_report_is_not_ready_and_still_ours(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any],  # noqa: F811
        row: int) -> None:
    # A deleted row is put back in the copy, empty: report 5 is then missing between 4 and 6 (report-gap).
    # Sent back unchanged, it is refused as the office's own copy, as any copy with an error left is.
    # Report 7, the last, deleted: the copy read back lacks no report between others, yet report 7 is lost.
    path = tmp_path / "made" / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    wb[progress_form.sheet].delete_rows(row)
    wb.save(path)
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", path.read_bytes(), XLSX)], "<one@s1.example>"))
    run(tmp_path, mailbox, smtp, *sync_args())
    report = _answer_to(smtp, "<one@s1.example>")
    assert report["X-Sheetsync-Ready"] is None
    assert render("mail.intro.put-right", "th", source="mail.yaml", file="วัดไทร.xlsx") not in body(report)
    [copy] = [p for p in report.iter_attachments() if str(p.get_filename()).endswith(".xlsx")]
    mailbox.deliver(mail_from("a@s1.example", f"Re: {report['Subject']}",
                              [(str(copy.get_filename()), copy.get_content(), XLSX)], "<two@s1.example>",
                              In_Reply_To=str(report["Message-ID"]), References=str(report["Message-ID"])))
    run(tmp_path, mailbox, smtp, *sync_args())
    assert render("fetch.refused.ours", "th", source="mail.yaml", name=copy.get_filename()) in \
        body(_answer_to(smtp, "<two@s1.example>"))
