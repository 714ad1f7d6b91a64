"""Four small gaps in the mail loop: a damaged spreadsheet beside a PDF (the "cannot be read" answer did not
name the PDF as not checked), the office's own copy sent back beside the fix (named as "not checked", though it
was known for what it is), a dot file's name (shown as the invented ``attachment.gitignore``) and a sender whose
address has a quoted local part (``"a b"@s1.example``, valid RFC 5321: refused as unusable). A real Dovecot and a
real SMTP server, in an office folder, as tests/test_mail_others_beside.py."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.errors import MailError
from sheetsync.mailer import JsonlLedger, MailConfig, fetch
from sheetsync.mailer._compose import NOT_READ_HEADER, new_message
from sheetsync.messages import render
from sheetsync.spec.form import Form
from tests.imap_server import Mailbox
from tests.test_mail_echo_robot import answering_office
from tests.test_mail_fetch import XLSX, env, imap_config, ledger_lines, mail_from
from tests.test_mail_hostile import office_mail
from tests.test_mail_marked_copy_back import _first_report, _forwarded
from tests.test_mail_loop import run, sync_args
from tests.test_mail_office import sheetsync
from tests.test_mail_one_answer import answers_to, project_file, text_of
from tests.test_mail_smtp import Server

PDF = "application/pdf"
DAMAGED = b"PK\x03\x04 not a workbook, cut short on the way"
NOT_READ = {lang: render("mail.not_read", lang, source="mail.yaml", names="").rstrip(": ") for lang in ("th", "en")}


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An empty office (see :func:`tests.test_mail_echo_robot.answering_office`)."""
    return answering_office(mailbox, smtp, tmp_path, office_key)


def _said_once(text: str, name: str) -> None:
    """``text`` names ``name`` as not checked once in each language, Thai first."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if name in line]
    assert [sum(NOT_READ[lang] in line for line in lines) for lang in ("th", "en")] == [1, 1], text
    thai = next(i for i, line in enumerate(lines) if NOT_READ["th"] in line)
    english = next(i for i, line in enumerate(lines) if NOT_READ["en"] in line)
    assert thai < english or lines[thai].index(NOT_READ["th"]) < lines[thai].index(NOT_READ["en"])


def test_a_damaged_spreadsheet_s_answer_names_the_pdf_beside_it(
        district: Path, mailbox: Mailbox, smtp: Server) -> None:
    # The teacher's damaged workbook was answered "cannot be read"; her signed PDF beside it went unmentioned,
    # as it is no longer in a report's answer.
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("รายงาน.xlsx", DAMAGED, XLSX),
                                                             ("หนังสือนำส่ง.pdf", b"%PDF-1.4 x", PDF)], "<bad@s1.example>"))
    sheetsync(district, "sync", "--send")
    (answer,) = answers_to(smtp, "<bad@s1.example>")
    assert "ไม่สามารถเปิดอ่านเป็นแบบรายงานได้" in text_of(answer) and answer[NOT_READ_HEADER]  # the unreadable reply
    _said_once(text_of(answer), "หนังสือนำส่ง.pdf")


@pytest.mark.parametrize("second", ["damaged", "good"])
def test_a_pdf_beside_a_damaged_spreadsheet_is_named_once_in_the_joined_answer(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any], second: str) -> None:
    other = DAMAGED + b"!" if second == "damaged" else project_file(tmp_path, progress_form, seed, "g.xlsx",
                                                                     "50360000-0001")
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("หนึ่ง.xlsx", DAMAGED, XLSX), ("สอง.xlsx", other, XLSX),
                                                             ("หนังสือนำส่ง.pdf", b"%PDF-1.4 x", PDF)],
                              "<two@s1.example>"))
    sheetsync(district, "sync", "--send")
    (answer,) = answers_to(smtp, "<two@s1.example>")
    _said_once(text_of(answer), "หนังสือนำส่ง.pdf")


def test_the_office_s_own_copy_beside_the_fix_is_not_named_as_not_checked(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    # Known by its bytes and passed over for what it is, the copy was still listed among the "other attached
    # files not checked (only report files are checked)": the school would think it should have been read.
    report, fixed = _first_report(tmp_path, mailbox, smtp, progress_form, seed)
    mailbox.deliver(_forwarded(report, [("วัดไทร.xlsx", fixed, XLSX)], False))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 0, done.stdout + done.stderr
    (answer,) = [m for m in smtp.messages() if m["In-Reply-To"] == "<two@s1.example>"]
    assert answer[NOT_READ_HEADER] is None
    assert all(NOT_READ[lang] not in text_of(answer) for lang in NOT_READ)


@pytest.mark.parametrize("name", [".gitignore", ".DS_Store", ".env"])
def test_a_dot_file_beside_the_spreadsheet_keeps_its_own_name(
        mailbox: Mailbox, good: bytes, tmp_path: Path, name: str) -> None:
    # ".gitignore" was named "attachment.gitignore": a file the teacher never had.
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("รายงาน.xlsx", good, XLSX),
                                                             (name, b"x\n", "application/octet-stream")], "<dot@s1.example>"))
    inbox, outbox, mail = office_mail(tmp_path)
    fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    (line,) = ledger_lines(inbox)
    assert line["others"] == [name]


def test_a_csv_whose_name_was_lost_is_still_told_it_is_a_csv(mailbox: Mailbox, tmp_path: Path) -> None:
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [(".csv", b"a,b\n", "application/octet-stream")],
                              "<csv@s1.example>"))
    inbox, outbox, mail = office_mail(tmp_path)
    fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    (line,) = ledger_lines(inbox)
    assert [(r["name"], r["reason"], r["detail"]) for r in line["refused"]] == [(".csv", "saved-as", "why.csv")]


QUOTED = '"a b"@s1.example'


def test_an_address_with_a_quoted_local_part_is_written_as_it_travels() -> None:
    message = new_message(MailConfig(from_addr="office@bma.example"), f"ครู <{QUOTED}>")
    assert message["To"].addresses[0].addr_spec == QUOTED
    for unusable in ['"a\\"@s1.example', '"' + "a" * 70 + '"@s1.example', '"ครู"@s1.example', '"a b"@localhost']:
        with pytest.raises(MailError):
            new_message(MailConfig(from_addr="office@bma.example"), unusable)


def _to_quoted(smtp: Server) -> list[EmailMessage]:
    found = [email.message_from_bytes(e.original_content or b"", policy=default)
             for e in smtp.handler.envelopes if QUOTED in e.rcpt_tos]
    return [m for m in found if isinstance(m, EmailMessage)]


def test_a_sender_with_a_quoted_local_part_is_answered(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    # RFC 5321 allows "a b"@s1.example; smtplib and the SMTP server carry it. It was refused as "not a usable
    # e-mail address": the school never heard of its file, nor of the PDF it sent alone.
    good = project_file(tmp_path, progress_form, seed, "good.xlsx", "50360000-0001")
    mailbox.deliver(mail_from(f"ครู <{QUOTED}>", "ส่งรายงาน", [("รายงาน.xlsx", good, XLSX)], "<q1@s1.example>"))
    mailbox.deliver(mail_from(QUOTED, "ส่งรายงาน", [("รายงาน.pdf", b"%PDF-1.4 x", PDF)], "<q2@s1.example>"))
    done = sheetsync(district, "sync", "--send")
    assert "usable" not in done.stdout + done.stderr, done.stdout + done.stderr
    answered = sorted(str(m["In-Reply-To"]) for m in _to_quoted(smtp))
    assert answered == ["<q1@s1.example>", "<q2@s1.example>"]


def test_a_quoted_local_part_carrying_a_line_break_never_makes_a_header_or_a_command() -> None:
    """A sender can put anything between the quotes: a line break there must never start a header of the
    answer (a Bcc) nor an SMTP command; checked, not fixed: it was already so."""
    import smtplib
    from email.utils import getaddresses

    for forged in ['"a\r\nBcc: x@evil.example"@s1.example', '"a>\r\nRCPT TO:<x@evil.example"@s1.example',
                   '"a\nSubject: x"@s1.example']:
        try:
            message = new_message(MailConfig(from_addr="office@bma.example"), forged)
        except MailError:
            continue
        wire = message.as_bytes()
        assert b"\nBcc:" not in wire and b"\nRCPT" not in wire and wire.count(b"\nSubject:") <= 1, wire
        [(_, address)] = getaddresses([str(message["To"])])
        assert "\r" not in smtplib.quoteaddr(address) and "\n" not in smtplib.quoteaddr(address)



def test_the_line_for_a_sender_that_cannot_be_answered_says_why_in_thai_too() -> None:
    """The clerk's line for a sender no answer can be written to (``_imap``: ``mailbox.cannot-answer``) said
    why in English only; the Thai, shown first, said only that it could not, leaving her nothing to check."""
    why = "address 'x' is not a usable e-mail address"
    for lang in ("th", "en"):
        assert why in render("mailbox.cannot-answer", lang, source="office.yaml", sender="a@s1.example", why=why)
