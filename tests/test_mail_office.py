"""The mail loop in an office folder (issue 12 on the store): the mailbox named in sheetsync.toml's
[imap], every fetched message recorded in the store, replies queued there and sent exactly once —
also when `sync` is killed (SIGKILL) between the fetch and the answers. Real Dovecot, real SMTP."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sheetsync.crashpoint import CRASH_ENV
from sheetsync.spec.form import Form
from tests.imap_server import PASSWORD, Mailbox
from tests.test_mail_loop import check_answered_once, seven_messages
from tests.test_mail_smtp import Server

NOTHING_NEW = "sheetsync sync: ไม่มีไฟล์ใหม่ / nothing new (กล่องอีเมล: ไม่มีอีเมลใหม่ / mailbox: nothing new)"


@pytest.fixture
def office(tmp_path: Path, progress_form: Form, seed: dict[str, Any], mailbox: Mailbox) -> dict[str, Any]:
    """Seven messages in the office's mailbox (see :func:`tests.test_mail_loop.seven_messages`)."""
    return seven_messages(tmp_path, progress_form, seed, mailbox)


@pytest.fixture
def district(office: dict[str, Any], mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An office made with `sheetsync init`, its [imap] pointing at the test Dovecot and its [mail] at
    the test SMTP server; the password only in the environment. Its key is the one the schools'
    templates were signed with (the session's), as an office's own templates are."""
    return mail_office(tmp_path, mailbox, smtp, office_key, sender="สำนักงานเขตจอมทอง <office@bma.example>",
                       imap_extra="max_attachment_mb = 0.25\n")


def mail_office(tmp_path: Path, mailbox: Mailbox, smtp: Server, office_key: Path, *,
                sender: str = "office@bma.example", digest_to: str = "boss@bma.example", imap_extra: str = "") -> Path:
    """The office ``district`` that `sheetsync init` makes beside ``tmp_path / "schools.csv"``, signing
    with ``office_key`` (the schools' templates' key), mailing as ``sender`` through ``smtp`` and
    fetching from ``mailbox`` (plus ``imap_extra`` lines in its [imap])."""
    made = sheetsync(tmp_path, "init", "district", "--roster", "schools.csv")
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "district"
    (folder / "office.key").write_bytes(office_key.read_bytes())
    config = folder / "sheetsync.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('from = ""', f'from = "{sender}"\ndigest_to = "{digest_to}"\nsmtp_host = "127.0.0.1"\n'
                        f'smtp_port = {smtp.port}\nsmtp_security = "none"', 1)
    text = text.replace("\n[imap]\n", f'\n[imap]\nhost = "127.0.0.1"\nport = {mailbox.server.tls_port}\n'
                        f'user = "{mailbox.user}"\ncafile = "{mailbox.server.cafile}"\n{imap_extra}', 1)
    config.write_text(text, encoding="utf-8")
    return folder


def sheetsync(cwd: Path, *args: str, crash: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command with nothing about the mailbox or the mail in the environment but
    the IMAP password (so the office's file is what configures them)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env.update(COLUMNS="120", SHEETSYNC_IMAP_PASSWORD=PASSWORD)
    if crash:
        env[CRASH_ENV] = crash
    return subprocess.run([sys.executable, "-m", "sheetsync", *args], capture_output=True, text=True, timeout=300,
                          env=env, cwd=cwd)


def assert_no_password(folder: Path, smtp: Server, *runs: subprocess.CompletedProcess[str]) -> None:
    for run in runs:
        assert PASSWORD not in run.stdout + run.stderr
    secret = PASSWORD.encode()
    sent = [e.original_content or b"" for e in smtp.handler.envelopes]
    assert sent and not any(secret in raw for raw in sent)  # nor in any e-mail that left
    checked = 0
    for path in folder.rglob("*"):
        if path.is_file():  # the store (and its WAL), reports, .eml files, the log: every byte
            assert secret not in path.read_bytes(), path
            checked += 1
    assert checked > 10


def test_office_sync_fetches_records_and_answers_once(district: Path, office: dict[str, Any], smtp: Server) -> None:
    first = sheetsync(district, "sync", "--send")
    assert first.returncode == 1, first.stderr  # one file could not be read: quarantined (its sender is answered)
    assert "กล่องอีเมล: อีเมล 7 ฉบับ บันทึกไฟล์ 6 ไฟล์ เตรียมตอบกลับ 2 ฉบับ / mailbox: 7 message(s), 6 file(s) saved, 2 reply(ies) queued" in first.stdout
    check_answered_once(smtp, office["ids"])
    assert not (district / "inbox" / ".fetched.jsonl").exists()  # the store is the record
    with sqlite3.connect(district / "sheetsync.sqlite") as db:
        messages = {r[0]: r[1:] for r in db.execute("SELECT message_id, sender, subject, date FROM messages")}
        files = db.execute("SELECT COUNT(*) FROM message_files").fetchone()[0]
        replies = db.execute("SELECT COUNT(*) FROM outbox WHERE sha256 IS NULL AND name LIKE 'reply%'").fetchone()[0]
        unsent = db.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
    assert sorted(messages) == sorted(office["ids"])
    assert messages["<good@s1.example>"] == ("a@s1.example", "ส่งรายงาน", "2026-03-02T09:15:00+07:00")
    assert messages["<stranger@home.example>"][0] == "helper@home.example"
    assert files == 6 and replies == 2 and unsent == 0
    shown = sheetsync(district, "history", "--recipient", "s1")
    assert shown.returncode == 0, shown.stderr
    assert "from a@s1.example" in shown.stdout
    second = sheetsync(district, "sync", "--send")
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == NOTHING_NEW
    check_answered_once(smtp, office["ids"])  # nothing sent the second time
    assert_no_password(district, smtp, first, second, shown)


@pytest.mark.parametrize("crash", ["fetch-recorded:1", "fetch-recorded:3", "fetched", "file-recorded:2"])
def test_office_sync_killed_between_fetch_and_reply_answers_once(district: Path, office: dict[str, Any],
                                                                 smtp: Server, crash: str) -> None:
    killed = sheetsync(district, "sync", "--send", crash=crash)
    assert killed.returncode == -9, killed.stderr  # died for real, without a word
    assert smtp.messages() == []  # nothing was sent before the kill
    again = sheetsync(district, "sync", "--send")
    assert again.returncode == 1, again.stderr
    check_answered_once(smtp, office["ids"])
    last = sheetsync(district, "sync", "--send")
    assert last.returncode == 0, last.stderr
    assert last.stdout.strip() == NOTHING_NEW
    check_answered_once(smtp, office["ids"])
    assert_no_password(district, smtp, killed, again, last)


def test_office_fetch_alone_then_sync(district: Path, office: dict[str, Any], mailbox: Mailbox, smtp: Server) -> None:
    fetched = sheetsync(district, "fetch")
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.strip() == "กล่องอีเมล: อีเมล 7 ฉบับ บันทึกไฟล์ 6 ไฟล์ เตรียมตอบกลับ 2 ฉบับ / mailbox: 7 message(s), 6 file(s) saved, 2 reply(ies) queued"
    assert len(list((district / "outbox").glob("*.eml"))) == 2  # the polite replies, written from the store
    mailbox.remove_flag("$SheetsyncFetched")  # and the mailbox lost its marks
    done = sheetsync(district, "sync", "--send")
    assert done.returncode == 1, done.stderr
    check_answered_once(smtp, office["ids"])
    assert_no_password(district, smtp, fetched, done)
