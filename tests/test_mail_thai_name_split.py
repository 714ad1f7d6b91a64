"""A long Thai name in To, From or Subject of the office's mail is cut into RFC 2047 encoded words only
between whole letters: never before a tone mark or a vowel sign ("่" U+0E48, "ั" U+0E31, "ิ" U+0E34), which
some mail programs then showed after a space, on its own. Sent through a real aiosmtpd on 127.0.0.1, with
and without SMTPUTF8, and read as it arrived."""

from __future__ import annotations

import base64
import email
import quopri
import random
import re
import unicodedata
from email.policy import default
from pathlib import Path
from typing import Iterator

import pytest

from sheetsync.mailer import MailConfig, OutboxMailer, SmtpMailer, compose, send_outbox, wire_bytes
from sheetsync.mailer._compose import new_message
from sheetsync.mailer._headers import header_text
from sheetsync.mailer._intl import encoded_words
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_mail_smtp import HTML, Server, report_for, run_server

#: Found by trying: the email package cut it before "ิ" of "สุทธิ", in To and From.
SCHOOL = "โรงเรียนวัดสุทธิวราราม สำนักงานเขตสาทร กรุงเทพมหานคร ฝ่ายการศึกษา"
#: Found by trying: the Subject was cut before "ิ" of "อุทิศ", and before "์" of "พงษ์" with SMTPUTF8.
OTHER = "โรงเรียนประชาอุทิศ (ศิริพงษ์พิทักษ์) สังกัดสำนักงานเขตทุ่งครุ"
_WORD = re.compile(rb"=\?utf-8\?([bq])\?([^?]*)\?=", re.IGNORECASE)


def words_of(raw: bytes, field: str) -> list[str]:
    """The text of each encoded word of header ``field`` in ``raw``, its folded lines taken together."""
    lines, taking = [], False
    for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line[:1] not in (b" ", b"\t"):
            taking = line.lower().startswith(field.lower().encode() + b":")
        if taking:
            lines.append(line)
    return [(base64.b64decode(text) if kind.lower() == b"b" else
             quopri.decodestring(text.replace(b"_", b" "), header=True)).decode("utf-8")
            for kind, text in _WORD.findall(b"\r\n".join(lines))]


def starts_with_a_mark(word: str) -> bool:
    """Whether ``word`` begins with a mark, or SARA AM, written on the letter before it."""
    return bool(word) and (unicodedata.category(word[0]).startswith("M") or word[0] == "\u0e33")


@pytest.fixture(params=[False, True], ids=["plain", "smtputf8"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    yield from run_server(enable_SMTPUTF8=request.param)


@pytest.fixture
def workbook(tmp_path: Path, progress_form: Form) -> Path:
    path = tmp_path / "returned" / "แบบรายงาน.xlsx"
    write_template(progress_form, path, recipient="school-01")
    return path


def test_a_long_thai_school_name_is_never_cut_before_a_mark(server: Server, workbook: Path, tmp_path: Path) -> None:
    config = server.config(from_addr=f"{SCHOOL} <office@example.org>")
    for address in ("a@s1.example", "ครูสมศรี@โรงเรียนวัดสุทธิ.ไทย"):
        message = compose(report_for(workbook), to=address, config=config, html=HTML, text="C5: required",
                          school=SCHOOL)
        del message["Subject"]
        message["Subject"] = "ผลการตรวจสอบ " + OTHER
        OutboxMailer(tmp_path / "outbox").write(message)
    with SmtpMailer(config) as mailer:
        send_outbox(tmp_path / "outbox", mailer)
    received = [e.original_content or b"" for e in server.handler.envelopes]
    assert received  # plain: the Thai local part waits for a server with SMTPUTF8
    for raw in received:
        for field in ("From", "To", "Subject"):
            words = words_of(raw, field)
            assert len(words) > 1, field  # long enough to be cut
            assert not [w for w in words if starts_with_a_mark(w)], field
        message = email.message_from_bytes(raw, policy=default)
        # as mail programs read it (the email package's own reader puts a space between two encoded words)
        assert header_text(message, "To").startswith(f"{SCHOOL} <")
        assert header_text(message, "From") == f"{SCHOOL} <office@example.org>"
        assert str(message["Subject"]) == "ผลการตรวจสอบ " + OTHER


def test_names_of_stacked_marks_are_cut_between_letters_only() -> None:
    # ก + ั + ้ ("กั้น"): between the two marks is no place to cut either.
    pieces = ["ปั้น", "กั้น", "สั่ง", "ที่", "น้ำ", "ทุ่ง", "วัด", "สุทธิ", "ศิริพงษ์", "พิทักษ์", " ", "(", ")", "ร์"]
    generator = random.Random(7)
    for _ in range(400):
        name = "โรงเรียน" + "".join(generator.choice(pieces) for _ in range(generator.randint(4, 16)))
        for to in ("a@s1.example", "ครู@โรงเรียน.ไทย"):
            message = new_message(MailConfig(from_addr="office@bma.example", office_name=name), to, name)
            message["Subject"] = name
            raw = wire_bytes(message)
            for field in ("From", "To", "Subject"):
                assert not [w for w in words_of(raw, field) if starts_with_a_mark(w)], (field, name)


def test_a_letter_with_more_marks_than_a_word_holds_is_still_cut() -> None:
    # No real text has it, but a sender's name can: each word stays within a line all the same.
    words = encoded_words("ก" + "\u0e48" * 60)
    assert len(words) > 1 and all(len(w) <= 75 for w in words)


def test_sara_am_stays_with_its_letter() -> None:
    """"ำ" (SARA AM, U+0E33) is a letter by its category (Lo), yet it is written on the letter before it
    (its ring sits above that letter, as "น้ำ", "ประจำ", "สำนักงาน" show; Unicode's grapheme clusters
    keep it there): a word that began with it was shown after a space, "ประจ ำปี", "น้ ำใส"."""
    for name in ("ก" * 12 + "ประจำปี", "ก" * 11 + "น้ำใส", "โรงเรียนบ้านน้ำใส" * 3):
        words = [base64.b64decode(w.split("?")[3]).decode("utf-8") for w in encoded_words(name)]
        assert "".join(words) == name
        assert not [w for w in words if starts_with_a_mark(w)], words
