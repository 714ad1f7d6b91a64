"""The errors of the ``SHEETSYNC_*`` environment variables and of ``sheetsync mail OUTBOX --send`` on a
bare outbox folder are Thai first, English after, on one line, naming the variable or the file (they
were English only: "sheetsync: SHEETSYNC_SMTP_PORT='abc' is not a number")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli import run
from tests.test_clerk_errors import thai_first

GOOD = b"From: office@bma.example\r\nTo: head@s1.example\r\nSubject: report\r\n\r\nbody\r\n"


def bare(**variables: str) -> dict[str, str]:
    """Every SHEETSYNC_* variable of this process unset, then ``variables``."""
    return {**{k: "" for k in os.environ if k.startswith("SHEETSYNC_")}, **variables}


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    folder = tmp_path / "outbox"  # no office around it: the settings come from the environment only
    folder.mkdir()
    (folder / "a.eml").write_bytes(GOOD)
    (folder / "b.eml").write_bytes(GOOD)
    return folder


@pytest.mark.parametrize("name, value, english", [
    ("SHEETSYNC_SMTP_PORT", "abc", "SHEETSYNC_SMTP_PORT='abc' is not a number"),
    ("SHEETSYNC_SMTP_PORT", "1.5", "SHEETSYNC_SMTP_PORT='1.5' is not a whole number"),
    ("SHEETSYNC_SMTP_PORT", "70000", "SHEETSYNC_SMTP_PORT='70000' is out of range: a port is a whole number from 1 to 65535"),
    ("SHEETSYNC_SMTP_SECURITY", "bogus",
     "SHEETSYNC_SMTP_SECURITY='bogus': unknown SMTP security, use one of starttls, ssl, none"),
    ("SHEETSYNC_SMTP_TIMEOUT", "soon", "SHEETSYNC_SMTP_TIMEOUT='soon' is not a number"),
    ("SHEETSYNC_SMTP_TIMEOUT", "-1", "SHEETSYNC_SMTP_TIMEOUT='-1' is not a number above 0"),  # was a traceback
    ("SHEETSYNC_SMTP_TIMEOUT", "nan", "SHEETSYNC_SMTP_TIMEOUT='nan' is not a number above 0"),  # was a traceback
    ("SHEETSYNC_MAIL_SUMMARY_ONLY", "maybe", "SHEETSYNC_MAIL_SUMMARY_ONLY='maybe': use 1 or 0"),
    ("SHEETSYNC_MAIL_ANSWERS_PER_DAY", "-1", "SHEETSYNC_MAIL_ANSWERS_PER_DAY='-1' is not a whole number, 0 or more"),
])
def test_a_wrong_smtp_variable_is_named_in_thai(outbox: Path, name: str, value: str, english: str) -> None:
    ran = run("mail", outbox, "--send", env=bare(**{name: value}))
    assert ran.returncode == 3, ran
    th, en = thai_first(ran, "ตัวแปรสภาพแวดล้อม", name, repr(value))
    assert en == english


@pytest.mark.parametrize("name, value, english", [
    ("SHEETSYNC_IMAP_PORT", "abc", "SHEETSYNC_IMAP_PORT='abc' is not a number"),
    ("SHEETSYNC_IMAP_PORT", "0", "SHEETSYNC_IMAP_PORT='0' is out of range: a port is a whole number from 1 to 65535"),
    ("SHEETSYNC_IMAP_SECURITY", "bogus",
     "SHEETSYNC_IMAP_SECURITY='bogus': unknown IMAP security, use one of ssl, starttls, none"),
    ("SHEETSYNC_IMAP_SINCE", "1/3/2569", "SHEETSYNC_IMAP_SINCE='1/3/2569' is not a date such as 2026-03-01"),
    ("SHEETSYNC_IMAP_MAX_ATTACHMENT_MB", "ten", "SHEETSYNC_IMAP_MAX_ATTACHMENT_MB='ten' is not a number"),
    ("SHEETSYNC_IMAP_TIMEOUT", "-5", "SHEETSYNC_IMAP_TIMEOUT='-5' is not a number above 0"),
])
def test_a_wrong_imap_variable_is_named_in_thai(tmp_path: Path, name: str, value: str, english: str) -> None:
    ran = run("fetch", tmp_path / "inbox", env=bare(SHEETSYNC_IMAP_HOST="127.0.0.1", **{name: value}))
    assert ran.returncode == 3, ran
    th, en = thai_first(ran, "ตัวแปรสภาพแวดล้อม", name, repr(value))
    assert en == english


def test_fetch_without_a_mailbox_says_which_variables_to_set_in_thai(tmp_path: Path) -> None:
    ran = run("fetch", tmp_path / "inbox", env=bare())
    assert ran.returncode == 3
    th, en = thai_first(ran, "SHEETSYNC_IMAP_HOST", "SHEETSYNC_IMAP_USER", "SHEETSYNC_IMAP_PASSWORD")
    assert en == "no mailbox configured: set SHEETSYNC_IMAP_HOST (and _USER, SHEETSYNC_IMAP_PASSWORD)"
