"""A robot that mails back whatever the office sent it, saying nothing of being one (an auto-forwarder
or a ticket system that strips Auto-Submitted, Precedence and List-*, gives each message a new
Message-ID and no In-Reply-To): every run answered what it sent back, and it answered that, for
ever. RFC 3834 §2: an automatic answerer must not answer one sender more than so often in a period,
and must keep a record to know. A real Dovecot and a real SMTP server, as tests/test_mail_loop.py.
"""

from __future__ import annotations

import email
import itertools
import sqlite3
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.identity import ensure_key
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_loop import ROSTER, run, sync_args
from tests.test_mail_office import mail_office, sheetsync
from tests.test_mail_smtp import Server

ROBOT = "forward@s1.example"
_IDS = itertools.count(1)


def echo(raw: bytes) -> bytes:
    """What the robot mails back for ``raw``: its attachments, in a new message with a new Message-ID,
    no In-Reply-To or References, and no header saying a machine wrote it."""
    got = email.message_from_bytes(raw, policy=default)
    assert isinstance(got, EmailMessage)
    back = EmailMessage()
    back["From"], back["To"] = ROBOT, "office@bma.example"
    back["Subject"] = f"FW: {got['Subject']}"
    back["Message-ID"] = f"<echo{next(_IDS)}@s1.example>"
    back.set_content("Forwarded automatically.")
    for part in got.iter_attachments():
        assert isinstance(part, EmailMessage)
        maintype, subtype = part.get_content_type().split("/")
        back.add_attachment(part.get_content(), maintype=maintype, subtype=subtype, filename=part.get_filename())
    return back.as_bytes()


def to(smtp: Server, address: str) -> list[bytes]:
    return [e.original_content or b"" for e in smtp.handler.envelopes if address in e.rcpt_tos]


def digests(smtp: Server) -> list[str]:
    return [m.get_body(("plain",)).get_content() for m in smtp.messages()  # type: ignore[union-attr]
            if m["X-Sheetsync-Name"] == "digest"]


def school_file(tmp_path: Path, form: Form, seed: dict[str, Any], name: str, percent: float | None = None) -> bytes:
    if percent is not None:
        seed["reports"][2]["progress_percent"] = percent  # 5.0: progress going backwards, an error
    write_template(form, tmp_path / "made" / name, data=seed, recipient="s1")
    return (tmp_path / "made" / name).read_bytes()


def test_a_robot_echoing_the_report_s_copy_is_answered_once(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    # It was answered three times a day (the limit): each echo brought the office's marked-up copy back
    # as a new return, checked and reported again. The copy is known by its bytes now (mailer/_sent.py):
    # the echo is recorded and noted for the clerk, never answered, so the robot has nothing to echo.
    (tmp_path / "schools.csv").write_text(ROSTER.replace("a@s1.example", ROBOT), encoding="utf-8")
    data = school_file(tmp_path, progress_form, seed, "s1.xlsx", 5.0)  # with a mistake: a marked-up copy comes back
    mailbox.deliver(mail_from(ROBOT, "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<file@s1.example>"))
    echoed, notes = 0, ""
    for _ in range(4):  # four runs, the robot mailing back everything it got before each
        notes += run(tmp_path, mailbox, smtp, *sync_args()).stderr
        for raw in to(smtp, ROBOT)[echoed:]:
            mailbox.deliver(echo(raw))
        echoed = len(to(smtp, ROBOT))
    assert echoed == 1  # the file's report; its echo is not a return
    assert notes.count("mailed back the office's own checked copy") == 1
    store = sqlite3.connect(tmp_path / "master.sqlite")
    withheld = store.execute("SELECT COUNT(*) FROM answers WHERE withheld = 1").fetchone()[0]
    store.close()
    assert withheld == 0  # nothing to hold back: nothing was due
    mailbox.deliver(mail_from(ROBOT, "แก้แล้ว", [("แก้.xlsx", school_file(tmp_path, progress_form, seed, "fix.xlsx",
                                                                              6.0), XLSX)], "<fix@s1.example>"))
    run(tmp_path, mailbox, smtp, *sync_args())
    assert len(to(smtp, ROBOT)) == 2  # a file of its own is answered


def test_a_school_sending_two_corrections_in_a_day_gets_both_answers(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    first = school_file(tmp_path, progress_form, seed, "one.xlsx", 5.0)
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", first, XLSX)], "<one@s1.example>"))
    run(tmp_path, mailbox, smtp, *sync_args())
    second = school_file(tmp_path, progress_form, seed, "two.xlsx", 6.0)
    mailbox.deliver(mail_from("a@s1.example", "แก้ครั้งที่ 1", [("วัดไทร.xlsx", second, XLSX)], "<two@s1.example>"))
    run(tmp_path, mailbox, smtp, *sync_args())
    third = school_file(tmp_path, progress_form, seed, "three.xlsx", 7.0)
    mailbox.deliver(mail_from("a@s1.example", "แก้ครั้งที่ 2", [("วัดไทร.xlsx", third, XLSX)], "<three@s1.example>"))
    run(tmp_path, mailbox, smtp, *sync_args())
    answered = [email.message_from_bytes(raw, policy=default)["In-Reply-To"] for raw in to(smtp, "a@s1.example")]
    assert answered == ["<one@s1.example>", "<two@s1.example>", "<three@s1.example>"]
    assert not any("ไม่ได้ตอบกลับอัตโนมัติ" in d for d in digests(smtp))


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An empty office answering at most twice a day (see :func:`answering_office`)."""
    return answering_office(mailbox, smtp, tmp_path, office_key)


def answering_office(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An empty office made with `sheetsync init`: its [imap] the test Dovecot, its [mail] the test SMTP
    server, at most two automatic answers to one address a day (``[mail] answers_per_day``)."""
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    ensure_key(office_key)  # the schools' key
    folder = mail_office(tmp_path, mailbox, smtp, office_key)
    config = folder / "sheetsync.toml"
    text = config.read_text(encoding="utf-8")
    assert "answers_per_day = 10" in text  # the default, written where the clerk sees it
    config.write_text(text.replace("answers_per_day = 10", "answers_per_day = 2"), encoding="utf-8")
    return folder


def test_the_same_file_sent_again_and_again_is_answered_once_a_day(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    data = school_file(tmp_path, progress_form, seed, "s1.xlsx")
    for number in range(1, 5):  # the report, then the same bytes three times more, in new messages
        mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], f"<n{number}@s1.example>"))
        assert sheetsync(district, "sync", "--send").returncode == 0
    answered = [email.message_from_bytes(raw, policy=default)["In-Reply-To"] for raw in to(smtp, "a@s1.example")]
    assert answered == ["<n1@s1.example>", "<n2@s1.example>"]  # the report, then one "already received"
    assert sum("a@s1.example" in d for d in digests(smtp)) == 1  # named once, not at every run
    store = sqlite3.connect(district / "sheetsync.sqlite")
    kept = store.execute("SELECT COUNT(*) FROM message_files").fetchone()[0]
    store.close()
    assert kept == 4  # every message and its file recorded



def test_a_corrected_file_sent_beside_the_old_one_is_answered(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    # The old file came twice (its report, then "already received"); the teacher then mails the
    # corrected file with the old one still attached. Its report was withheld with the old file's
    # third "already received", as if the address had been answered too often.
    config = district / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("answers_per_day = 2", "answers_per_day = 10"),
                      encoding="utf-8")
    old = school_file(tmp_path, progress_form, seed, "old.xlsx", 5.0)
    new = school_file(tmp_path, progress_form, seed, "new.xlsx", 6.0)
    for number, files in enumerate([[("1-เดิม.xlsx", old, XLSX)], [("1-เดิม.xlsx", old, XLSX)],
                                     [("1-เดิม.xlsx", old, XLSX), ("2-แก้แล้ว.xlsx", new, XLSX)]], start=1):
        mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", files, f"<c{number}@s1.example>"))
        done = sheetsync(district, "sync", "--send")
        assert done.returncode in (0, 1), done.stderr  # 1: a file refused (progress going backwards)
    answered = [email.message_from_bytes(raw, policy=default) for raw in to(smtp, "a@s1.example")]
    assert [m["In-Reply-To"] for m in answered] == ["<c1@s1.example>", "<c2@s1.example>", "<c3@s1.example>"]
    assert any(p.get_filename() and "แก้แล้ว" in p.get_filename() for p in answered[2].iter_attachments())

def test_a_flood_under_one_address_is_answered_as_often_as_the_office_allows(
        district: Path, mailbox: Mailbox, smtp: Server) -> None:
    # Backscatter: mail with no spreadsheet under a forged sender, each asking for "no file came through".
    for number in range(1, 6):
        mailbox.deliver(mail_from("victim@elsewhere.example", f"สวัสดี {number}", [], f"<flood{number}@x.example>"))
    first = sheetsync(district, "sync", "--send")
    assert first.returncode == 0, first.stderr
    assert first.stderr.count("victim@elsewhere.example: answered as often as allowed today") == 3
    assert "2 reply(ies) queued" in first.stdout  # the fetch counts what it queued, not what it composed
    assert len(to(smtp, "victim@elsewhere.example")) == 2  # answers_per_day = 2
    [digest] = digests(smtp)
    assert "victim@elsewhere.example" in digest and "ไม่ได้ตอบกลับอัตโนมัติ" in digest  # in Thai, for the clerk
    [subject] = [m["Subject"] for m in smtp.messages() if m["X-Sheetsync-Name"] == "digest"]
    assert subject.startswith("ไม่ได้ตอบกลับอัตโนมัติ 1 ราย")
    store = sqlite3.connect(district / "sheetsync.sqlite")
    recorded = store.execute("SELECT COUNT(*), SUM(replied) FROM messages").fetchone()
    store.close()
    assert tuple(recorded) == (5, 2)  # all five recorded; three not answered
    assert sheetsync(district, "sync", "--send").returncode == 0
    assert len(digests(smtp)) == 1  # nothing new: no second digest naming the same address
