"""An answer the SMTP server takes for one recipient and refuses for another (a school's roster address
with a typo, copied on the report to the teacher who sent the file from another address): the
recipient who has it must not get it again at every run. A real Dovecot and a real SMTP server, in an
office folder, as tests/test_mail_office.py."""

from __future__ import annotations

import email
import sqlite3
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from tests.imap_server import Mailbox
from tests.test_mail_echo_robot import answering_office, school_file, to
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_office import sheetsync
from tests.test_mail_smtp import Server


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An empty office answering at most twice a day (see :func:`tests.test_mail_echo_robot.answering_office`)."""
    return answering_office(mailbox, smtp, tmp_path, office_key)


def test_a_report_refused_for_its_copy_is_not_sent_again_to_the_sender(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    data = school_file(tmp_path, progress_form, seed, "s1.xlsx")  # s1: a@s1.example on the roster
    mailbox.deliver(mail_from("ครู <teacher@home.example>", "ส่งแทนวัดไทร", [("s1.xlsx", data, XLSX)],
                              "<t1@home.example>"))
    smtp.handler.refuse_rcpt = {"a@s1.example"}  # the roster's address for s1, copied on the report
    first = sheetsync(district, "sync", "--send")
    assert "a@s1.example" in first.stderr  # the clerk is told which address was refused
    assert first.stderr.index("a@s1.example") > 0 and "เครื่องส่งอีเมล" in first.stderr
    later = [sheetsync(district, "sync", "--send") for _ in range(2)]  # the next runs, every 15 minutes
    reports = [email.message_from_bytes(raw, policy=default) for raw in to(smtp, "teacher@home.example")]
    assert [str(r["In-Reply-To"]) for r in reports] == ["<t1@home.example>"]  # once, not at every run
    with sqlite3.connect(district / "sheetsync.sqlite") as db:
        unsent = db.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
    assert unsent == 0
    assert [r.returncode for r in later] == [0, 0], later[0].stderr
    assert not list((district / "outbox").glob("*.eml"))  # nothing left to send: it is in sent/
