"""The errors of the ``SHEETSYNC_*`` environment variables and of ``sheetsync mail OUTBOX --send`` on a
bare outbox folder are Thai first, English after, on one line, naming the variable or the file (they
were English only: "sheetsync: SHEETSYNC_SMTP_PORT='abc' is not a number")."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.cli import run
from tests.test_clerk_errors import THAI, thai_first
from tests.test_mail_smtp import Server, free_port, run_server

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


@pytest.fixture
def server() -> Iterator[Server]:
    yield from run_server()


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


def test_a_missing_outbox_folder_is_named_in_thai(tmp_path: Path) -> None:
    for args in (["--send"], []):
        ran = run("mail", tmp_path / "nope", *args, env=bare())
        assert ran.returncode == 3
        th, en = thai_first(ran, str(tmp_path / "nope"), "กล่องขาออก")
        assert en == f"{tmp_path / 'nope'}: no such outbox folder"


def test_listing_an_outbox_with_a_file_that_is_no_message_names_it_in_thai(outbox: Path) -> None:
    (outbox / "notes.eml").write_text("Subject: hand-written\r\n\r\nno sender\r\n")
    ran = run("mail", outbox, env=bare())
    assert ran.returncode == 1  # the others are still listed (tests/test_mail_cli.py)
    th, en = not_sent(ran.stderr)["notes.eml"]
    assert "From" in th and en == "not a message sheetsync can send (no From or no recipient)"


def not_sent(stderr: str) -> dict[str, tuple[str, str]]:
    """Each "ส่งไม่ได้ / not sent: NAME: REASON" line of ``stderr``: NAME → the reason's Thai and English."""
    found = {}
    for line in stderr.splitlines():
        assert line.startswith("ส่งไม่ได้ / not sent: "), line
        name, _, reason = line.removeprefix("ส่งไม่ได้ / not sent: ").partition(": ")
        th, _, en = reason.partition(" / ")
        assert THAI.search(th) and en and not THAI.search(en), line
        found[name] = (th, en)
    return found


def test_a_server_that_refuses_the_connection_is_said_in_thai_for_each_message(outbox: Path) -> None:
    port = free_port()
    ran = run("mail", outbox, "--send", env=bare(SHEETSYNC_SMTP_HOST="127.0.0.1", SHEETSYNC_SMTP_PORT=str(port),
                                                SHEETSYNC_SMTP_SECURITY="none", SHEETSYNC_SMTP_TIMEOUT="5"))
    assert ran.returncode == 1 and ran.stdout == ""
    lines = not_sent(ran.stderr)
    assert lines["a.eml"][0].startswith(f"เชื่อมต่อเครื่องส่งอีเมล 127.0.0.1:{port} ไม่ได้")
    assert lines["a.eml"][1] == f"cannot connect to SMTP server 127.0.0.1:{port}: Connection refused"
    # The one not tried: "not sent: " used to stand in English before the Thai.
    assert lines["b.eml"] == (f"ยังไม่ได้ลองส่ง: {lines['a.eml'][0]}", f"not sent: {lines['a.eml'][1]}")


def test_a_missing_password_is_said_in_thai(outbox: Path, server: Server) -> None:
    ran = run("mail", outbox, "--send", env=bare(SHEETSYNC_SMTP_HOST="127.0.0.1", SHEETSYNC_SMTP_PORT=str(server.port),
                                                SHEETSYNC_SMTP_SECURITY="none", SHEETSYNC_SMTP_USER="office"))
    assert ran.returncode == 1
    lines = not_sent(ran.stderr)
    assert "SHEETSYNC_SMTP_PASSWORD" in lines["a.eml"][0] and lines["b.eml"][0].startswith("ยังไม่ได้ลองส่ง: ")
    assert lines["b.eml"][1] == "not sent: SMTP user 'office' is set but SHEETSYNC_SMTP_PASSWORD is not: " \
        "put the password in that environment variable"


def test_a_file_that_is_no_message_is_said_in_thai_and_the_rest_sent(outbox: Path, server: Server) -> None:
    (outbox / "notes.eml").write_text("Subject: hand-written\r\n\r\nno sender\r\n")
    ran = run("mail", outbox, "--send", env=bare(SHEETSYNC_SMTP_HOST="127.0.0.1", SHEETSYNC_SMTP_PORT=str(server.port),
                                                SHEETSYNC_SMTP_SECURITY="none"))
    assert ran.returncode == 1
    assert ran.stdout.splitlines() == ["ส่งแล้ว / sent: a.eml", "ส่งแล้ว / sent: b.eml"]
    th, en = not_sent(ran.stderr)["notes.eml"]
    assert "From" in th and "notes.eml" not in th + en  # the line names the file once
    assert en == "not a message sheetsync can send (no From or no recipient)"


def test_a_message_sent_but_not_moved_says_so_in_thai(outbox: Path, server: Server) -> None:
    (outbox / "sent").write_text("a file where the folder of sent messages goes")
    ran = run("mail", outbox, "--send", env=bare(SHEETSYNC_SMTP_HOST="127.0.0.1", SHEETSYNC_SMTP_PORT=str(server.port),
                                                SHEETSYNC_SMTP_SECURITY="none"))
    assert ran.returncode == 3
    th, en = thai_first(ran, "a.eml", str(outbox / "sent"), "ซ้ำ")
    assert en.startswith(f"a.eml was sent but could not be moved to {outbox / 'sent'} (")
    assert en.endswith("); move it by hand before sending again")


@pytest.mark.parametrize("sender, names, english", [
    ("", ["SHEETSYNC_MAIL_FROM", "[mail]"], "SHEETSYNC_MAIL_FROM is not set: say who the mail comes from"),
    ("a@bma.example, b@bma.example", ["SHEETSYNC_MAIL_FROM", "a@bma.example, b@bma.example"],
     "SHEETSYNC_MAIL_FROM must be exactly one address"),
])
def test_no_sender_or_two_are_said_in_thai(sender: str, names: list[str], english: str) -> None:
    from sheetsync.errors import MailError
    from sheetsync.mailer._compose import new_message
    from sheetsync.mailer import MailConfig

    with pytest.raises(MailError) as caught:
        new_message(MailConfig(from_addr=sender), to="head@s1.example")
    assert str(caught.value).startswith(english) and all(name in caught.value.th for name in names)


def test_a_password_kept_from_a_cleartext_server_says_which_variable_to_set() -> None:
    from sheetsync.errors import MailError
    from sheetsync.mailer import MailConfig

    with pytest.raises(MailError) as caught:  # outside an office there is no sheetsync.toml to edit
        MailConfig(host="smtp.bma.example", security="none", user="office").password({"SHEETSYNC_SMTP_PASSWORD": "x"})
    assert "SHEETSYNC_SMTP_SECURITY=starttls" in caught.value.th and "unencrypted" in str(caught.value)


def test_an_outbox_that_cannot_be_written_is_one_line_thai_first(progress_form: Any, seed: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    from sheetsync.template.write import write_template

    good = tmp_path / "s01.xlsx"
    write_template(progress_form, good, data=seed, recipient="s01")
    (tmp_path / "outbox").write_text("a file where the outbox folder goes")
    ran = run("validate", good, "--report-dir", tmp_path / "reports", "--email", "--to", "head@s01.example",
              "--outbox", tmp_path / "outbox", env=bare(SHEETSYNC_MAIL_FROM="office@bma.example"))
    assert ran.returncode == 3
    line = ran.stderr.strip().splitlines()[-1]
    th, _, en = line.removeprefix("sheetsync: ").partition(" / ")
    assert th.startswith(f"บันทึกอีเมลลงกล่องขาออก {tmp_path / 'outbox'} ไม่ได้") and THAI.search(th)
    assert en.startswith(f"cannot write to the outbox {tmp_path / 'outbox'} (") and not THAI.search(en), line
