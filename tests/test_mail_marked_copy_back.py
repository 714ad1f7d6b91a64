"""The office's own marked-up copy mailed back unchanged: a school forwards the office's report (Gmail and
Outlook keep its attachment) with its corrected file added, or forgets to add it. The copy was checked as
the school's new return: the school got a second report, "1 item to fix", about the office's own copy —
after the corrected file's "valid" when it came second — and the office recorded it as a refused version.
A real Dovecot and a real SMTP server, as tests/test_mail_loop.py.
"""

from __future__ import annotations

import json
import sqlite3
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from sheetsync.master import read_master
from sheetsync.messages import render
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_echo_robot import answering_office, sheetsync
from tests.test_mail_hostile import body
from tests.test_mail_loop import ROSTER, run, sync_args
from tests.test_mail_smtp import Server


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An empty office answering at most twice a day (see :func:`tests.test_mail_echo_robot.answering_office`)."""
    return answering_office(mailbox, smtp, tmp_path, office_key)


def _made(tmp_path: Path, form: Form, data: dict[str, Any], name: str) -> bytes:
    write_template(form, tmp_path / "made" / name, data=data, recipient="s1")
    return (tmp_path / "made" / name).read_bytes()


def _first_report(tmp_path: Path, mailbox: Mailbox, smtp: Server, form: Form,
                  seed: dict[str, Any]) -> tuple[EmailMessage, bytes]:
    """The school's file with a mistake, its report (with the marked-up copy), and the corrected file."""
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    fixed = _made(tmp_path, form, seed, "fixed.xlsx")
    wrong = json.loads(json.dumps(seed))
    wrong["reports"][2]["progress_percent"] = 5.0  # progress going backwards: an error
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", _made(tmp_path, form, wrong, "w.xlsx"),
                                                                 XLSX)], "<one@s1.example>"))
    assert run(tmp_path, mailbox, smtp, *sync_args()).returncode == 1
    [report] = [m for m in smtp.messages() if m["In-Reply-To"] == "<one@s1.example>"]
    return report, fixed


def _forwarded(report: EmailMessage, extra: list[tuple[str, bytes, str]], first: bool) -> bytes:
    """The school forwarding the office's report, its attachment kept, ``extra`` added before or after it."""
    kept = [(str(p.get_filename()), p.get_content(), XLSX) for p in report.iter_attachments()
            if str(p.get_filename()).endswith(".xlsx")]
    assert kept, "the report carries its marked-up copy"
    files = extra + kept if first else kept + extra
    return mail_from("a@s1.example", f"Fwd: {report['Subject']}", files, "<two@s1.example>",
                     In_Reply_To=str(report["Message-ID"]), References=str(report["Message-ID"]))


@pytest.mark.parametrize("fixed_first", [False, True], ids=["copy-then-fix", "fix-then-copy"])
def test_the_office_s_copy_beside_the_fix_is_not_taken_for_a_return(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any],
        fixed_first: bool) -> None:
    report, fixed = _first_report(tmp_path, mailbox, smtp, progress_form, seed)
    mailbox.deliver(_forwarded(report, [("วัดไทร.xlsx", fixed, XLSX)], fixed_first))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 0, done.stdout + done.stderr
    answers = [m for m in smtp.messages() if m["In-Reply-To"] == "<two@s1.example>"]
    assert len(answers) == 1 and "ผ่านการตรวจสอบ" in body(answers[0])  # one answer: the fix is valid
    ledger = [(e.file, e.result) for e in read_master(tmp_path / "master.xlsx").ledger]
    assert ledger == [("วัดไทร.xlsx", "refused"), ("วัดไทร-2.xlsx", "merged")]  # no version from the copy


def test_the_office_s_copy_alone_is_answered_with_what_to_do(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    report, _ = _first_report(tmp_path, mailbox, smtp, progress_form, seed)
    mailbox.deliver(_forwarded(report, [], False))  # the corrected file forgotten
    run(tmp_path, mailbox, smtp, *sync_args())
    [answer] = [m for m in smtp.messages() if m["In-Reply-To"] == "<two@s1.example>"]
    [copy] = [p.get_filename() for p in report.iter_attachments() if str(p.get_filename()).endswith(".xlsx")]
    thai = render("fetch.refused.ours", "th", source="mail.yaml", name=copy)
    assert thai in body(answer) and body(answer).index(thai) < body(answer).index("Dear")
    assert [e.file for e in read_master(tmp_path / "master.xlsx").ledger] == ["วัดไทร.xlsx"]


def test_in_an_office_the_store_knows_the_copies_it_mailed(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    fixed = _made(tmp_path, progress_form, seed, "fixed.xlsx")
    wrong = json.loads(json.dumps(seed))
    wrong["reports"][2]["progress_percent"] = 5.0
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", _made(tmp_path, progress_form, wrong,
                                                                                      "w.xlsx"), XLSX)], "<one@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 1
    [report] = [m for m in smtp.messages() if m["In-Reply-To"] == "<one@s1.example>"]
    mailbox.deliver(_forwarded(report, [("วัดไทร.xlsx", fixed, XLSX)], False))
    done = sheetsync(district, "sync", "--send")
    assert done.returncode == 0, done.stdout + done.stderr
    answers = [m for m in smtp.messages() if m["In-Reply-To"] == "<two@s1.example>"]
    assert len(answers) == 1 and "ผ่านการตรวจสอบ" in body(answers[0])
    store = sqlite3.connect(district / "sheetsync.sqlite")
    names = sorted(str(r[0]) for r in store.execute("SELECT name FROM files"))
    store.close()
    assert names == ["วัดไทร-2.xlsx", "วัดไทร.xlsx"]  # the copy is no file of the school's


def test_the_copy_fixed_and_sent_back_under_its_own_name_is_answered_without_the_office_s_json(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    # The school types its corrections into the marked-up copy and sends it back under the name it
    # came with, "…-ตรวจแล้ว.xlsx" (as the reply invites): valid, it got the office's JSON report of
    # the file attached, "…-ตรวจแล้ว.json", taken for the marked-up copy by its name.
    report, fixed = _first_report(tmp_path, mailbox, smtp, progress_form, seed)
    [copy] = [str(p.get_filename()) for p in report.iter_attachments() if str(p.get_filename()).endswith(".xlsx")]
    assert copy.endswith("-ตรวจแล้ว.xlsx")
    mailbox.deliver(mail_from("a@s1.example", f"Re: {report['Subject']}", [(copy, fixed, XLSX)], "<two@s1.example>",
                              In_Reply_To=str(report["Message-ID"]), References=str(report["Message-ID"])))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 0, done.stdout + done.stderr
    [answer] = [m for m in smtp.messages() if m["In-Reply-To"] == "<two@s1.example>"]
    assert "ผ่านการตรวจสอบ" in body(answer)
    assert [p.get_filename() for p in answer.iter_attachments()] == []  # a valid file: nothing to open


def _asks_questions_by_reply(message: EmailMessage) -> list[str]:
    """The lines of ``message`` that invite a question as a reply to it (Thai or English)."""
    return [line for line in body(message).splitlines()
            if ("ข้อสงสัย" in line and "ตอบกลับ" in line) or ("question" in line and "reply" in line)]


def test_a_school_is_never_told_to_ask_its_question_by_replying_to_the_fetched_box(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    # The report ended "หากมีข้อสงสัย กรุณาตอบกลับอีเมลฉบับนี้" (any question: reply to this e-mail), but
    # replies go to the box sync fetches: the school that asked so was answered by the program that
    # no report file was found — ending with the same line, so it asked again and again. The
    # invitation already said to contact the office directly.
    report, _ = _first_report(tmp_path, mailbox, smtp, progress_form, seed)
    assert _asks_questions_by_reply(report) == []
    question = EmailMessage()
    question["From"], question["To"], question["Subject"] = "a@s1.example", "office@bma.example", f"Re: {report['Subject']}"
    question["Message-ID"], question["In-Reply-To"] = "<ask@s1.example>", str(report["Message-ID"])
    question.set_content("ขอสอบถามว่าช่อง E46 ต้องกรอกยอดสะสมหรือยอดเดือนนี้คะ")
    mailbox.deliver(question.as_bytes())
    run(tmp_path, mailbox, smtp, *sync_args())
    [answer] = [m for m in smtp.messages() if m["In-Reply-To"] == "<ask@s1.example>"]
    assert _asks_questions_by_reply(answer) == []
    assert "ติดต่อสำนักงานโดยตรง" in body(answer)  # as the invitation says
