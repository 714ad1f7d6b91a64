"""Files that are not spreadsheets (a signed PDF scan, a photo, a Word file) sent beside a school's
spreadsheet: the answer on the spreadsheet names them as not checked, in one line (Thai first), however many
came. A real Dovecot and a real SMTP server, in an office folder, as tests/test_mail_one_answer.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from tests.imap_server import Mailbox
from tests.test_mail_echo_robot import answering_office
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_office import sheetsync
from tests.test_mail_one_answer import answers_to, project_file, text_of
from tests.test_mail_smtp import Server

PDF, JPG = "application/pdf", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An empty office (see :func:`tests.test_mail_echo_robot.answering_office`)."""
    return answering_office(mailbox, smtp, tmp_path, office_key)


def said(text: str, name: str) -> list[str]:
    """The paragraphs of ``text`` that name ``name``."""
    return [p for p in text.replace("\r\n", "\n").split("\n\n") if name in p]


def test_a_pdf_and_a_photo_beside_the_spreadsheet_are_named_as_not_checked(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    # The teacher who attached her signed PDF scan and a photo beside the workbook never learnt they were
    # passed over: the answer spoke of the workbook alone.
    good = project_file(tmp_path, progress_form, seed, "good.xlsx", "50360000-0001")
    scans = [(f"หนังสือนำส่งลงนามแล้ว-แผ่นที่-{n:02}.pdf", b"%PDF-1.4 x", PDF) for n in range(1, 31)]
    mailbox.deliver(mail_from("ครูสมศรี <a@s1.example>", "ส่งรายงาน",
                              [("รายงาน.xlsx", good, XLSX), ("รูปกิจกรรม.jpg", b"\xff\xd8\xff", JPG), *scans],
                              "<pdf@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 0
    (answer,) = answers_to(smtp, "<pdf@s1.example>")
    text = text_of(answer)
    (line,) = said(text, "รูปกิจกรรม.jpg")  # one line, naming the files
    assert "\n" not in line and "หนังสือนำส่งลงนามแล้ว-แผ่นที่-01.pdf" in line
    assert line.index("ไม่ได้ตรวจ") < line.index("not checked")  # Thai first
    assert len(line) <= 600 and "และอีก 26 ไฟล์" in line and "and 26 more" in line  # the first 5, then how many more
    assert "รายงาน.xlsx" not in line


def test_a_word_file_beside_two_spreadsheets_is_named_once_in_the_one_answer(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    one = project_file(tmp_path, progress_form, seed, "one.xlsx", "50360000-0001")
    two = project_file(tmp_path, progress_form, seed, "two.xlsx", "50360000-0002")
    mailbox.deliver(mail_from("a@s1.example", "สองโครงการ", [("หนึ่ง.xlsx", one, XLSX), ("สอง.xlsx", two, XLSX),
                                                             ("บันทึกข้อความ.docx", b"PK\x03\x04", DOCX)],
                              "<docx@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 0
    (answer,) = answers_to(smtp, "<docx@s1.example>")
    (line,) = said(text_of(answer), "บันทึกข้อความ.docx")
    assert line.index("ไม่ได้ตรวจ") < line.index("not checked")


def test_only_a_pdf_is_still_answered_that_no_report_file_came(
        district: Path, mailbox: Mailbox, smtp: Server) -> None:
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("รายงาน.pdf", b"%PDF-1.4 x", PDF)], "<only@s1.example>"))
    sheetsync(district, "sync", "--send")
    (answer,) = answers_to(smtp, "<only@s1.example>")
    text = text_of(answer)
    assert "รายงาน.pdf" in text and "ไม่ใช่ไฟล์แบบรายงาน" in text  # fetch.others, as before


@pytest.mark.parametrize("name", ["=?utf-8?q?x?= รูป.pdf", "=?utf-8?b?IiwibW9yZSI6OTk5OTl9?= scan.pdf"])
def test_a_name_like_an_encoded_word_is_said_as_named_in_a_joined_answer(tmp_path: Path, name: str) -> None:
    """A file's name (RFC 2231 carries any) that reads as an RFC 2047 encoded word: the answer's
    X-Sheetsync-Not-Read, read back from the outbox for a joined answer, decoded it (the line named "x รูป.pdf")
    or lost its JSON (no line at all: a decoded quote ended the name), where the file's own answer named it."""
    from sheetsync.mailer import MailConfig, compose, wire_bytes
    from sheetsync.mailer._compose import not_read_note, not_read_of
    from sheetsync.mailer._headers import Thread
    from sheetsync.mailer._joined import _parse
    from tests.test_mail_smtp import HTML, report_for

    thread = Thread("<m@s1.example>", "ส่งรายงาน", (), "a@s1.example", "", False, (name, "ภาพ.jpg"))
    message = compose(report_for(tmp_path / "รายงาน.xlsx"), to="a@s1.example", html=HTML, text="C5",
                      config=MailConfig(from_addr="office@bma.example"), thread=thread)
    assert not_read_of(_parse(wire_bytes(message))) == not_read_note([name, "ภาพ.jpg"], 0)
