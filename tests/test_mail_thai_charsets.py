"""Mail from a Thai Windows machine: Outlook (and Thunderbird set to Thai) label Thai text with the
charset name ``windows-874`` (IANA's name for code page 874) in encoded words (RFC 2047) and file
name parameters (RFC 2231). Python knows that code page only as ``cp874``. A real Dovecot and a real
SMTP server, as tests/test_mail_loop.py."""

from __future__ import annotations

import base64
import email
import json
import urllib.parse
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.mailer._attachments import extract
from sheetsync.mailer._imap_config import ImapConfig
from sheetsync.mailer._reading import parse
from sheetsync.mailer import header_text
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_loop import ROSTER, run, sync_args
from tests.test_mail_smtp import Server

SUBJECT = "ส่งรายงานเดือนมีนาคม"
TEACHER = "ครูสมศรี ใจดี"
FILE = "แบบรายงาน วัดไทร.xlsx"


def word(text: str, charset: str) -> str:
    """``text`` as one RFC 2047 encoded word in ``charset`` (code page 874's bytes)."""
    return f"=?{charset}?B?{base64.b64encode(text.encode('cp874')).decode()}?="


def thai_outlook(data: bytes, charset: str = "windows-874", message_id: str = "<th874@s1.example>") -> bytes:
    """A message as Outlook on a Thai Windows writes it: every Thai text in code page 874."""
    body = base64.b64encode("ส่งแบบรายงานค่ะ".encode("cp874")).decode()
    attachment = base64.encodebytes(data).decode().replace("\n", "\r\n")
    return (f"From: {word(TEACHER, charset)} <a@s1.example>\r\nTo: office@bma.example\r\n"
            f"Subject: {word(SUBJECT, charset)}\r\nDate: Mon, 02 Mar 2026 09:15:00 +0700\r\n"
            f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="----=_NextPart_000_0001"\r\n\r\n'
            "------=_NextPart_000_0001\r\n"
            f'Content-Type: text/plain; charset="{charset}"\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n'
            "------=_NextPart_000_0001\r\n"
            f'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;\r\n'
            f'\tname="{word(FILE, charset)}"\r\nContent-Transfer-Encoding: base64\r\n'
            f"Content-Disposition: attachment;\r\n\tfilename*={charset}''{urllib.parse.quote(FILE.encode('cp874'))}\r\n"
            f"\r\n{attachment}\r\n------=_NextPart_000_0001--\r\n").encode("ascii")


@pytest.mark.parametrize("charset", ["windows-874", "WINDOWS-874", "x-windows-874"])
def test_a_windows_874_subject_sender_and_file_name_read_as_thai(charset: str) -> None:
    parsed = parse(thai_outlook(b"PK\x03\x04", charset))
    assert header_text(parsed, "Subject") == SUBJECT
    assert TEACHER in header_text(parsed, "From")
    attachment = list(parsed.iter_attachments())[0]
    assert attachment.get_filename() == FILE
    assert attachment.get_param("name") is not None


def test_a_file_from_thai_outlook_keeps_its_thai_name_and_is_answered_in_thai(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    mailbox.deliver(thai_outlook((tmp_path / "made" / "s1.xlsx").read_bytes()))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "inbox" / "processed").rglob("*.xlsx")] == [FILE]
    answers = [email.message_from_bytes(e.original_content or b"", policy=default)
               for e in smtp.handler.envelopes if "a@s1.example" in e.rcpt_tos]
    assert len(answers) == 1
    assert answers[0]["Subject"] == f"Re: {SUBJECT}" and answers[0]["In-Reply-To"] == "<th874@s1.example>"
    body = answers[0].get_body(("plain",))
    assert body is not None and f"“{FILE}”" in body.get_content()
    recorded = json.loads((tmp_path / "inbox" / ".fetched.jsonl").read_text(encoding="utf-8"))
    assert (recorded["sender_name"], recorded["subject"]) == (TEACHER, SUBJECT)
    assert [f["filename"] for f in recorded["files"]] == [FILE]


def raw_thai(data: bytes, encoding: str) -> bytes:
    """A message as an older Thai mail program sends it, Thai text in its headers as raw bytes in
    ``encoding``, no encoded words (RFC 6532 allows raw UTF-8; raw TIS-620 breaks the rules)."""
    return (f"From: {TEACHER} <a@s1.example>\r\nTo: office@bma.example\r\nSubject: {SUBJECT}\r\n"
            "Message-ID: <raw@s1.example>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n"
            f'Content-Disposition: attachment; filename="{FILE}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            f"{base64.b64encode(data).decode()}\r\n--b--\r\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "cp874"])
def test_raw_thai_header_bytes_read_as_thai(encoding: str) -> None:
    """Raw TIS-620 came out as U+FFFD mojibake: a file saved as ``Ẻ��§ҹ �Ѵ��.xlsx``, a subject unreadable."""
    parsed = parse(raw_thai(b"PK\x03\x04", encoding))
    assert header_text(parsed, "Subject") == SUBJECT and TEACHER in header_text(parsed, "From")
    assert [name for name, _ in extract(parsed, ImapConfig()).spreadsheets] == [FILE]
    again = parse(parsed.as_bytes())  # written out again (a Thai str in a header could not be)
    assert [name for name, _ in extract(again, ImapConfig()).spreadsheets] == [FILE]


def test_raw_western_header_bytes_are_not_taken_for_thai() -> None:
    """Latin-1 bytes also "decode" as cp874: they stay as the email package reads them, not turned Thai."""
    raw = raw_thai(b"PK", "utf-8").replace(FILE.encode("utf-8"), "Relevé été.xlsx".encode("latin-1"))
    [(name, _)] = extract(parse(raw), ImapConfig()).spreadsheets
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in name)


@pytest.mark.parametrize("words", [1, 2])
def test_an_unquoted_encoded_word_file_name_is_read(words: int) -> None:
    """``filename==?utf-8?B?…?=`` without quotes (some mail programs and web forms send it): the
    email package found no file name, and an octet-stream attachment so named was silently dropped."""
    cut = len(FILE) // words
    encoded = " ".join(f"=?utf-8?B?{base64.b64encode(FILE[i:i + cut].encode()).decode()}?="
                       for i in range(0, len(FILE), cut))
    raw = ("From: a@s1.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
           'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
           f"Content-Type: application/octet-stream; name={encoded}\r\n"
           f"Content-Disposition: attachment; filename={encoded}; size=4\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n--b--\r\n").encode("ascii")
    assert [name for name, _ in extract(parse(raw), ImapConfig()).spreadsheets] == [FILE]
