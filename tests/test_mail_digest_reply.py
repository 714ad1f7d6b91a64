"""Someone answering the office's digest (the clerk's head writing "thanks, chase s4"): the answer lands in
the office's mailbox, and it was answered as a school's e-mail without a file — "no spreadsheet came
through, please attach the form, not a PDF" — to the office's own people. A real Dovecot and a real
SMTP server, as tests/test_mail_loop.py."""

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

BOSS = "boss@bma.example"  # the digest's address in tests.test_mail_loop.run


def answer_to(raw: bytes, sender: str, text: str, message_id: str) -> bytes:
    """A person's reply to ``raw`` in its thread, quoting nothing, attaching nothing."""
    got = email.message_from_bytes(raw, policy=default)
    answer = EmailMessage()
    answer["From"], answer["To"] = sender, str(got["From"])
    answer["Subject"] = f"Re: {got['Subject']}"
    answer["Message-ID"] = message_id
    answer["In-Reply-To"] = str(got["Message-ID"])
    answer["References"] = str(got["Message-ID"])
    answer.set_content(text)
    return answer.as_bytes()


def test_an_answer_to_the_digest_is_not_answered(mailbox: Mailbox, smtp: Server, tmp_path: Path,
                                                 progress_form: Form, seed: dict[str, Any]) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    data = (tmp_path / "made" / "s1.xlsx").read_bytes()
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<m1@s1.example>"))
    assert run(tmp_path, mailbox, smtp, *sync_args()).returncode == 0
    digest = next(e.original_content or b"" for e in smtp.handler.envelopes if BOSS in e.rcpt_tos)
    mailbox.deliver(answer_to(digest, BOSS, "ขอบคุณครับ ช่วยตามโรงเรียนที่ยังไม่ส่งด้วย", "<thanks@bma.example>"))
    again = run(tmp_path, mailbox, smtp, *sync_args())
    assert again.returncode == 0, again.stderr
    answered = [email.message_from_bytes(e.original_content or b"", policy=default)["In-Reply-To"]
                for e in smtp.handler.envelopes]
    assert "<thanks@bma.example>" not in answered  # no "no spreadsheet came through" to the office's own head
    assert "boss@bma.example: ตอบกลับอีเมลของสำนักงาน" in again.stderr  # the clerk is told to read it
    assert run(tmp_path, mailbox, smtp, *sync_args()).stdout.strip().endswith("mailbox: nothing new)")
