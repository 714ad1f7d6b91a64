"""A robot that answers every e-mail without saying it is one (a help desk's "ticket received", a
home-made auto-responder: no Auto-Submitted, no Precedence) must not ping-pong with the office: each
run answered its last answer with "no spreadsheet came through", and it answered that (RFC 3834 §2).
A real Dovecot and a real SMTP server, as tests/test_mail_loop.py."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_loop import ROSTER, run, sync_args
from tests.test_mail_smtp import Server

ROBOT = "helpdesk@s1.example"


def ticket_for(raw: bytes, number: int) -> bytes:
    """What the help desk answers to ``raw``: a plain reply in its thread, nothing attached."""
    got = email.message_from_bytes(raw, policy=default)
    answer = EmailMessage()
    answer["From"], answer["To"] = ROBOT, "office@bma.example"
    answer["Subject"] = f"[Ticket #{number}] {got['Subject']}"
    answer["Message-ID"] = f"<ticket{number}@s1.example>"
    answer["In-Reply-To"] = str(got["Message-ID"])
    answer["References"] = f"{got['References'] or ''} {got['Message-ID']}".strip()
    answer.set_content(f"We received your request, ticket #{number}.")
    return answer.as_bytes()


def to_robot(smtp: Server) -> list[bytes]:
    return [e.original_content or b"" for e in smtp.handler.envelopes if ROBOT in e.rcpt_tos]


def test_a_robot_answering_the_polite_reply_is_answered_once(mailbox: Mailbox, smtp: Server,
                                                             tmp_path: Path) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    mailbox.deliver(mail_from(ROBOT, "แบบรายงาน", [], "<question@s1.example>"))
    said = ""
    for number in range(1, 4):  # three runs, the robot answering whatever came before each
        said += run(tmp_path, mailbox, smtp, *sync_args()).stderr
        for raw in to_robot(smtp)[number - 1:]:
            mailbox.deliver(ticket_for(raw, number))
    assert len(to_robot(smtp)) == 1  # the first message told what to send; its robot's answers were not answered
    assert said.count("answers one of the office's replies") == 1  # the clerk is told, once


def test_a_robot_answering_a_report_is_answered_once(mailbox: Mailbox, smtp: Server, tmp_path: Path,
                                                    progress_form: Form, seed: dict[str, Any]) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER.replace("a@s1.example", ROBOT), encoding="utf-8")
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    data = (tmp_path / "made" / "s1.xlsx").read_bytes()
    mailbox.deliver(mail_from(ROBOT, "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<file@s1.example>"))
    for number in range(1, 4):
        run(tmp_path, mailbox, smtp, *sync_args())
        for raw in to_robot(smtp)[number - 1:]:
            mailbox.deliver(ticket_for(raw, number))
    # The report, then "no spreadsheet came through" to its robot's first answer (a person who answers
    # a report and forgets the file is told so), then nothing more.
    assert len(to_robot(smtp)) == 2


def test_a_person_answering_our_reply_with_the_file_is_read_and_answered(mailbox: Mailbox, smtp: Server,
        tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    mailbox.deliver(mail_from("a@s1.example", "แบบรายงาน", [], "<question@s1.example>"))
    run(tmp_path, mailbox, smtp, *sync_args())
    [reply] = [email.message_from_bytes(e.original_content or b"", policy=default) for e in smtp.handler.envelopes
               if "a@s1.example" in e.rcpt_tos]
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    data = (tmp_path / "made" / "s1.xlsx").read_bytes()
    mailbox.deliver(mail_from("a@s1.example", f"Re: {reply['Subject']}", [("วัดไทร.xlsx", data, XLSX)],
                              "<file@s1.example>", In_Reply_To=str(reply["Message-ID"])))
    assert run(tmp_path, mailbox, smtp, *sync_args()).returncode == 0
    answers = [e for e in smtp.handler.envelopes if "a@s1.example" in e.rcpt_tos]
    assert len(answers) == 2  # the polite reply, then the report on the file that answered it
