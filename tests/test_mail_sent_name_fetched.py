"""A file fetched under a name another file of the same fetch took already is saved in the inbox as
"report-2.xlsx" (``free_path``); the school sent "report.xlsx", and its answer must say so and attach
"report-ตรวจแล้ว.xlsx" (as keptname and marked meant for a file kept beside last month's), not a
name it never gave. A real Dovecot and a real SMTP server, as tests/test_mail_one_answer.py."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from tests.imap_server import Mailbox
from tests.test_mail_echo_robot import answering_office, to
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_office import sheetsync
from tests.test_mail_one_answer import project_file, text_of
from tests.test_mail_smtp import Server


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An empty office answering at most twice a day (see :func:`tests.test_mail_echo_robot.answering_office`)."""
    return answering_office(mailbox, smtp, tmp_path, office_key)


def test_a_file_saved_under_a_free_name_is_answered_under_the_name_it_was_sent(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    for n, message_id in ((1, "<one@s1.example>"), (2, "<two@s1.example>")):
        data = project_file(tmp_path, progress_form, seed, f"{n}.xlsx", f"50360000-000{n}", mistake=True)
        mailbox.deliver(mail_from("a@s1.example", f"โครงการ {n}", [("report.xlsx", data, XLSX)], message_id))
    assert sheetsync(district, "sync", "--send").returncode == 1  # both refused (progress going backwards)
    answers = [m for m in (email.message_from_bytes(raw, policy=default) for raw in to(smtp, "a@s1.example"))
               if isinstance(m, EmailMessage)]
    assert len(answers) == 2
    for answer in answers:  # each answers its own "report.xlsx", whatever the inbox saved it as
        assert [p.get_filename() for p in answer.iter_attachments()] == ["report-ตรวจแล้ว.xlsx"]
        assert "report-2" not in text_of(answer) and "report-2" not in str(answer["Subject"])
