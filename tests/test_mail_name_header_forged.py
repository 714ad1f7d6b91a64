"""``X-Sheetsync-Name`` makes a message the office's own (nothing taken, never answered) only when it
comes from the office's own address (tests/test_mail_name_header.py). The From header that says so is
the sender's text: one whose words name the office's address while its address is another (an unquoted
display name ``office@bma.example <a@s1.example>``, which the email package reads as the office's), two
From addresses or two From headers, was taken for the office's own e-mail, and the school's report in it
was never read (the clerk told "the office's own e-mail came back"). Such a message is now a return: its
file is taken and checked; it is still never answered (it claims the office's address), so the office
never writes to itself.
"""

from __future__ import annotations

import pytest

from sheetsync.mailer import MailConfig
from sheetsync.mailer._imap import FetchResult, ImapConfig, _read

MAIL = MailConfig(from_addr="สำนักงานเขต <office@bma.example>")


def _message(head: str) -> bytes:
    return (f"{head}X-Sheetsync-Name: template s1\r\nSubject: report\r\nMessage-ID: <m@s1.example>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nattached\r\n").encode()


def _read_as(head: str) -> tuple[str, str]:
    raw = _message(head)
    reading, _, silent = _read(raw, raw, ImapConfig(host="127.0.0.1"), MAIL, MAIL, True, FetchResult())
    return reading.kind, silent


@pytest.mark.parametrize("head", [
    "From: office@bma.example <a@s1.example>\r\n",
    "From: <office@bma.example> <a@s1.example>\r\n",
    "From: office@bma.example <office@bma.example> <a@s1.example>\r\n",
    "From: office@bma.example, a@s1.example\r\n",
    "From: a@s1.example, office@bma.example\r\n",
    "From: office@bma.example\r\nFrom: a@s1.example\r\n",
    "From: a@s1.example\r\nFrom: office@bma.example\r\n",
    "From: =?utf-8?b?b2ZmaWNlQGJtYS5leGFtcGxl?=\r\n",
    "From: office: office@bma.example, a@s1.example;\r\n",
])
def test_a_from_that_is_not_the_office_s_alone_is_a_return_never_answered(head: str) -> None:
    kind, silent = _read_as(head)
    assert kind == "return", head
    assert silent in ("own-address", "automatic") or "a@s1.example" in head.split("\r\n")[0], head


@pytest.mark.parametrize("head", [
    'From: "office@bma.example" <a@s1.example>\r\n',
    "From: a@s1.example (office@bma.example)\r\n",
    "From: a@s1.example\r\nSender: office@bma.example\r\n",
    "",
])
def test_a_school_naming_the_office_only_in_words_is_a_return(head: str) -> None:
    assert _read_as(head)[0] == "return", head


@pytest.mark.parametrize("head", [
    "From: office@bma.example\r\n",
    "From: =?utf-8?b?4Liq4Liz4LiZ4Lix4LiB4LiH4Liy4LiZ4LmA4LiC4LiV?= <office@bma.example>\r\n",
    "From: OFFICE@BMA.EXAMPLE\r\n",
    '"Office, BMA" <office@bma.example>\r\n'.join(["From: ", ""]),
])
def test_the_office_s_own_e_mail_is_still_its_own(head: str) -> None:
    assert _read_as(head) == ("ours", "own-address"), head


@pytest.mark.parametrize("head", ["From: =?utf-8?b?4Liq4Liz4LiZ4Lix4LiB4LiH4Liy4LiZ?= <สารบรรณ@xn--s3cf9a.xn--o3cw4h>\r\n",
                                  "From: สำนักงาน <สารบรรณ@สพป.ไทย>\r\n"])
def test_a_thai_office_address_is_still_its_own(head: str) -> None:
    """A Thai local part travels raw (SMTPUTF8): a fault the email package notes, not a forgery."""
    thai = MailConfig(from_addr="สำนักงานเขต <สารบรรณ@สพป.ไทย>")
    raw = _message(head)
    reading, _, silent = _read(raw, raw, ImapConfig(host="127.0.0.1"), thai, thai, True, FetchResult())
    assert (reading.kind, silent) == ("ours", "own-address")
