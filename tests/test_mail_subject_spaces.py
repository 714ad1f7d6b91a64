"""A Thai subject keeps its spaces in the message sent: the email package folds a long subject at a space
and puts that space between two encoded words, where RFC 2047 (§6.2) says it is not part of the text, so
every mail program dropped it (found with a second form titled "…ทางการศึกษา ประจำภาคเรียน": the
invitation read "…ทางการศึกษาประจำภาคเรียน")."""

from __future__ import annotations

import email
from email.policy import SMTP, default
from pathlib import Path

import pytest

from sheetsync.mailer import MailConfig
from sheetsync.mailer._invite import compose_invitation
from sheetsync.roster import Recipient

TITLE = "แบบรายงานการพัฒนาครูและบุคลากรทางการศึกษา ประจำภาคเรียน"


@pytest.mark.parametrize("school", ["โรงเรียนวัดไทร (ไทรวิทยา)", "โรงเรียน บ้าน หนอง บัว วิทยา คาร", "s1"])
def test_an_invitations_thai_subject_reads_back_with_every_space(tmp_path: Path, school: str) -> None:
    template = tmp_path / "s1.xlsx"
    template.write_bytes(b"PK\x05\x06" + bytes(18))
    message = compose_invitation(template, Recipient("s1", school, "s1@school.example"),
                                 MailConfig(from_addr="office@district.example"), form=TITLE, key="1010720001")
    sent = message.as_bytes(policy=SMTP)
    head = sent.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n")), head
    subject = email.message_from_bytes(sent, policy=default)["Subject"]
    assert subject == message["Subject"] == f"แบบรายงานที่ต้องกรอก: {TITLE} — {school} (1010720001)"


def test_an_ascii_subject_is_folded_as_before() -> None:
    message = email.message.EmailMessage(policy=SMTP)
    message["Subject"] = "Re: a plain subject"
    assert b"Subject: Re: a plain subject\r\n" in message.as_bytes()
