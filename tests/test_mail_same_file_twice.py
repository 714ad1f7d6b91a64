"""The same returned file (the same bytes) in two e-mails fetched by one run: a teacher who saw no
answer yet and sent it again, or the school's head and a teacher both sending it. The file is
checked and stored once; each e-mail is answered in its own thread, to its own sender: the first
with the file's report, the other with "already received" (when, and the same result). A rerun
answers neither again. A real Dovecot and a real SMTP server, as tests/test_mail_loop.py."""

from __future__ import annotations

import email
import sqlite3
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.identity import ensure_key
from sheetsync.mailer import FetchedFile, FetchedMessage, FetchLedger, JsonlLedger
from sheetsync.office.mailbox import StoreLedger
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_loop import ROSTER
from tests.test_mail_office import mail_office, sheetsync
from tests.test_mail_smtp import Server

HEAD = "head@s1-school.example"  # the school's head: not the roster's address


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An empty office made with `sheetsync init`: its [imap] the test Dovecot, its [mail] the test SMTP server."""
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    ensure_key(office_key)  # the schools' key
    return mail_office(tmp_path, mailbox, smtp, office_key)


def school_file(tmp_path: Path, form: Form, seed: dict[str, Any], percent: float | None = None) -> bytes:
    if percent is not None:
        seed["reports"][2]["progress_percent"] = percent  # 5.0: progress going backwards, an error
    write_template(form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    return (tmp_path / "made" / "s1.xlsx").read_bytes()


def answers(smtp: Server) -> dict[str, list[EmailMessage]]:
    """The e-mails the SMTP server received, by the Message-ID they answer (the digest left out)."""
    found: dict[str, list[EmailMessage]] = {}
    for raw in (e.original_content or b"" for e in smtp.handler.envelopes):
        message = email.message_from_bytes(raw, policy=default)
        assert isinstance(message, EmailMessage)
        if message["X-Sheetsync-Name"] != "digest":
            found.setdefault(str(message["In-Reply-To"] or ""), []).append(message)
    return found


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def to_of(message: EmailMessage) -> list[str]:
    return sorted(a.addr_spec for a in message["To"].addresses)


def stored(district: Path) -> tuple[int, int, int]:
    """Versions kept, outcomes recorded, files known, for the store of ``district``."""
    db = sqlite3.connect(district / "sheetsync.sqlite")
    try:
        return tuple(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("submissions", "outcomes", "files"))
    finally:
        db.close()


@pytest.mark.parametrize("second", ["a@s1.example", HEAD], ids=["sent-again", "head-and-teacher"])
def test_two_mails_with_the_same_file_are_each_answered_in_their_thread(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any], second: str) -> None:
    data = school_file(tmp_path, progress_form, seed)
    mailbox.deliver(mail_from("ครูสมศรี <a@s1.example>", "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<one@s1.example>"))
    mailbox.deliver(mail_from(second, "ส่งรายงานอีกครั้ง", [("วัดไทร.xlsx", data, XLSX)], "<two@s1.example>"))
    first = sheetsync(district, "sync", "--send")
    assert first.returncode == 0, first.stderr
    got = answers(smtp)
    assert sorted(got) == ["<one@s1.example>", "<two@s1.example>"]  # each e-mail answered, in its own thread
    [one], [two] = got["<one@s1.example>"], got["<two@s1.example>"]
    assert to_of(one) == ["a@s1.example"] and one["References"] == "<one@s1.example>"
    assert one["Subject"] == "Re: ส่งรายงาน"
    assert to_of(two) == [second] and two["References"] == "<two@s1.example>"
    assert two["Subject"] == "Re: ส่งรายงานอีกครั้ง"
    assert "already received" not in text_of(one)  # the first e-mail gets the file's report
    body = text_of(two)  # already received, when (the office's day, B.E.), and the same result: Thai first
    assert "ได้รับไฟล์นี้ (“วัดไทร.xlsx”) ไว้แล้วเมื่อ " in body and "รับข้อมูลเข้าระบบแล้ว" in body
    assert body.index("ได้รับไฟล์นี้") < body.index("already received")
    assert "/25" in body.split("ไว้แล้วเมื่อ ")[1][:12]  # d/m/25xx
    assert two["Subject"] == "Re: ส่งรายงานอีกครั้ง" and not list(two.iter_attachments())
    assert stored(district)[0] == 1  # one version in the store, not two
    again = sheetsync(district, "sync", "--send")
    assert again.returncode == 0, again.stderr
    assert sorted((k, len(v)) for k, v in answers(smtp).items()) == [("<one@s1.example>", 1), ("<two@s1.example>", 1)]
    assert stored(district)[0] == 1


def test_a_refused_file_sent_twice_tells_both_what_to_fix(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    data = school_file(tmp_path, progress_form, seed, 5.0)  # an error: refused, with a marked-up copy
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<one@s1.example>"))
    mailbox.deliver(mail_from(HEAD, "ส่งรายงาน", [("รายงาน.xlsx", data, XLSX)], "<two@s1.example>"))
    done = sheetsync(district, "sync", "--send")
    assert done.returncode == 1, done.stderr  # a file refused
    got = answers(smtp)
    [one], [two] = got["<one@s1.example>"], got["<two@s1.example>"]
    assert list(one.iter_attachments())  # the report, with the marked-up copy
    assert to_of(two) == [HEAD] and "ยังมีรายการที่ต้องแก้ไข" in text_of(two)  # the same result
    assert stored(district)[1:] == (1, 1)  # one outcome, one file: the second is no second submission


@pytest.mark.parametrize("crash", ["file-recorded:1", "file-set-aside:1"])
def test_killed_between_the_two_files_each_mail_is_answered_once(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any], crash: str) -> None:
    data = school_file(tmp_path, progress_form, seed)
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<one@s1.example>"))
    mailbox.deliver(mail_from(HEAD, "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<two@s1.example>"))
    killed = sheetsync(district, "sync", "--send", crash=crash)
    assert killed.returncode == -9, killed.stderr
    for _ in range(2):
        done = sheetsync(district, "sync", "--send")
        assert done.returncode == 0, done.stderr
    got = answers(smtp)
    assert sorted((k, len(v)) for k, v in got.items()) == [("<one@s1.example>", 1), ("<two@s1.example>", 1)]
    assert to_of(got["<two@s1.example>"][0]) == [HEAD]
    assert "already received" in text_of(got["<two@s1.example>"][0])
    assert stored(district)[0] == 1
    assert not [p for p in (district / "inbox").iterdir() if p.is_file() and not p.name.startswith(".")]


@pytest.mark.parametrize("kind", ["store", "jsonl"])
def test_the_ledger_names_the_message_whose_file_was_saved_under_a_name(tmp_path: Path, kind: str) -> None:
    sha = "ab" * 32
    one = FetchedMessage("<one@x>", "a@s1.example", files=(FetchedFile(tmp_path / "r.xlsx", "r.xlsx", sha, 3),))
    two = FetchedMessage("<two@x>", HEAD, files=(FetchedFile(tmp_path / "r-2.xlsx", "r.xlsx", sha, 3),))
    with Store(tmp_path / "s.sqlite") as store:
        ledger: FetchLedger = StoreLedger(store) if kind == "store" else JsonlLedger.in_inbox(tmp_path)
        for message in (one, two):
            ledger.record(message)
        found = [ledger.origin(sha, name) for name in ("r.xlsx", "r-2.xlsx", "moved.xlsx", "")]
    assert [m.message_id if m else None for m in found] == ["<one@x>", "<two@x>", "<two@x>", "<two@x>"]
