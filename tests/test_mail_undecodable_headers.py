"""Mail whose headers hold bytes no charset reads: an encoded word of bytes that are not the UTF-8 it
claims (``=?utf-8?B?//4=?=``), raw 8-bit bytes that are neither UTF-8 nor Thai. The email package keeps
such bytes as lone surrogates, which no store, report, reply or digest can write. A real Dovecot and a
real SMTP server, as tests/test_mail_loop.py."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_loop import ROSTER, answers, run, sync_args
from tests.test_mail_office import mail_office, sheetsync
from tests.test_mail_smtp import Server

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def garbled(data: bytes, subject: bytes, name: bytes, filename: bytes) -> bytes:
    """A message from a@s1.example whose Subject, sender's name and file name are the bytes given."""
    attachment = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (b"From: " + name + b" <a@s1.example>\r\nTo: office@bma.example\r\nSubject: " + subject + b"\r\n"
            b"Date: Mon, 02 Mar 2026 09:15:00 +0700\r\nMessage-ID: <garbled@s1.example>\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
            b"--B\r\nContent-Type: " + XLSX.encode() + b"\r\nContent-Transfer-Encoding: base64\r\n"
            b'Content-Disposition: attachment; filename="' + filename + b'"\r\n\r\n' + attachment + b"\r\n--B--\r\n")


@pytest.mark.parametrize("bytes_", ["encoded-word", "raw"])
def test_a_message_whose_headers_are_no_text_is_read_and_answered(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any],
        bytes_: str) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    odd = b"=?utf-8?B?//4=?=" if bytes_ == "encoded-word" else b"\xff\xfe\xfd"
    mailbox.deliver(garbled((tmp_path / "made" / "s1.xlsx").read_bytes(), b"report " + odd, odd,
                            b"r" + (b"=?utf-8?B?/w==?=" if bytes_ == "encoded-word" else b"\xff") + b".xlsx"))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    [answer] = answers(smtp)["<garbled@s1.example>"]
    assert "\ufffd" in str(answer["Subject"]) or "report" in str(answer["Subject"])
    assert [p.suffix for p in (tmp_path / "inbox" / "processed").iterdir()] == [".xlsx"]


@pytest.mark.parametrize("bytes_", ["encoded-word", "raw"])
def test_in_an_office_such_a_message_is_recorded_and_answered(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any],
        office_key: Path, bytes_: str) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")  # makes the key
    folder = mail_office(tmp_path, mailbox, smtp, office_key)
    odd = b"=?utf-8?B?//4=?=" if bytes_ == "encoded-word" else b"\xff\xfe\xfd"
    mailbox.deliver(garbled((tmp_path / "made" / "s1.xlsx").read_bytes(), b"report " + odd, odd,
                            b"r" + (b"=?utf-8?B?/w==?=" if bytes_ == "encoded-word" else b"\xff") + b".xlsx"))
    done = sheetsync(folder, "sync", "--send")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert len(answers(smtp)["<garbled@s1.example>"]) == 1
    history = sheetsync(folder, "history", "--recipient", "s1")
    assert history.returncode == 0, history.stdout + history.stderr
