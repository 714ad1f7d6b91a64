"""Fetching returned files from a real IMAP server (Dovecot on 127.0.0.1, see tests/imap_server.py)."""

from __future__ import annotations

import base64
import email
import hashlib
import io
import json
import re
import zipfile
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.fetch_step import fetch_step
from sheetsync.mailer import KEYWORD, header_text, ImapConfig, JsonlLedger, MailConfig, MailError, fetch, pending
from sheetsync.template.write import write_template
from tests.cli import run
from tests.imap_server import PASSWORD, Mailbox

OFFICE = "สำนักงานเขตจอมทอง <office@bma.example>"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def imap_config(box: Mailbox, **changes: Any) -> ImapConfig:
    settings: dict[str, Any] = {"host": "127.0.0.1", "port": box.server.tls_port, "security": "ssl", "user": box.user,
                                "cafile": str(box.server.cafile), "timeout": 30.0}
    return ImapConfig(**{**settings, **changes})


def env() -> dict[str, str]:
    return {"SHEETSYNC_IMAP_PASSWORD": PASSWORD}


def mail_from(sender: str, subject: str, files: list[tuple[str, bytes, str]], message_id: str | None = None,
              **headers: str) -> bytes:
    """A message as a school's mail program would send it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "office@bma.example"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 02 Mar 2026 09:15:00 +0700"
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("ส่งแบบรายงานค่ะ")
    for name, data, mime in files:
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def other(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> bytes:
    path = tmp_path / "made" / "other.ods"
    seed["reports"][2]["progress_percent"] = 5.0
    write_template(progress_form, path, data=seed, recipient="s2")
    return path.read_bytes()


def ledger_lines(inbox: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (inbox / ".fetched.jsonl").read_text(encoding="utf-8").splitlines()]


def test_files_land_in_the_inbox_with_their_story(mailbox: Mailbox, good: bytes, other: bytes, tmp_path: Path) -> None:
    mailbox.deliver(mail_from("ครูสมศรี <somsri@s1.example>", "ส่งรายงาน มี.ค.", [("รายงาน วัดไทร.xlsx", good, XLSX)],
                              "<a1@s1.example>"))
    mailbox.deliver(mail_from("b@s2.example", "two files", [("both.zip", zipped(("x/good.xlsx", good),
                                                                             ("other.ods", other)), "application/zip")],
                              "<a2@s2.example>"))
    inbox = tmp_path / "inbox"
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox), environ=env())
    assert sorted(p.name for p in result.saved) == ["good.xlsx", "other.ods", "รายงาน วัดไทร.xlsx"]
    assert sorted(p.name for p in inbox.iterdir() if not p.name.startswith(".")) == sorted(p.name for p in result.saved)
    assert (inbox / "good.xlsx").read_bytes() == good and (inbox / "other.ods").read_bytes() == other
    first, second = ledger_lines(inbox)
    assert first["message_id"] == "<a1@s1.example>" and first["sender"] == "somsri@s1.example"
    assert first["sender_name"] == "ครูสมศรี" and first["subject"] == "ส่งรายงาน มี.ค."
    assert first["date"] == "2026-03-02T09:15:00+07:00"
    assert first["files"][0]["sha256"] == hashlib.sha256(good).hexdigest()
    assert [f["filename"] for f in second["files"]] == ["x/good.xlsx", "other.ods"]  # as it lay in the zip
    assert all(KEYWORD in flags for flags in mailbox.flags())
    assert not any("\\Seen" in flags for flags in mailbox.flags())  # the clerk still sees them as unread
    assert fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox), environ=env()).summary() == \
        "กล่องอีเมล: ไม่มีอีเมลใหม่ / mailbox: nothing new"


def test_a_lost_flag_fetches_nothing_twice(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    mailbox.deliver(mail_from("a@s1.example", "r", [("a.xlsx", good, XLSX)], "<lost@s1.example>"))
    mailbox.deliver(mail_from("a@s1.example", "no id", [("b.xlsx", good, XLSX)]))  # no Message-ID at all
    inbox = tmp_path / "inbox"
    assert len(fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox), environ=env()).saved) == 2
    for path in list(inbox.glob("*.xlsx")):  # sync moved them on
        path.unlink()
    mailbox.remove_flag(KEYWORD)
    again = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox), environ=env())
    assert again.saved == [] and again.again == 2 and again.summary() == "กล่องอีเมล: ไม่มีอีเมลใหม่ / mailbox: nothing new"
    assert list(inbox.glob("*.xlsx")) == [] and len(ledger_lines(inbox)) == 2
    assert all(KEYWORD in flags for flags in mailbox.flags())  # marked again


def test_no_spreadsheet_gets_one_polite_reply(mailbox: Mailbox, tmp_path: Path) -> None:
    mailbox.deliver(mail_from("Head <head@s3.example>", "รายงานค่ะ", [("report.pdf", b"%PDF-1.4 ...", "application/pdf")],
                              "<pdf@s3.example>", References="<old@bma.example>"))
    mailbox.deliver(mail_from("robot@s3.example", "Out of office", [], "<ooo@s3.example>",
                              Auto_Submitted="auto-replied"))
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    config = MailConfig(from_addr=OFFICE, outbox=outbox)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=config, environ=env())
    assert result.saved == [] and result.replies == 1 and len(result.messages) == 2
    assert any("automatic" in line for line in result.problems)  # never answer an auto-reply: no mail loop
    [queued] = pending(outbox)
    reply = email.message_from_bytes(queued.read_bytes(), policy=default)
    assert reply["To"].addresses[0].addr_spec == "head@s3.example"
    assert reply["In-Reply-To"] == "<pdf@s3.example>"
    assert reply["References"] == "<old@bma.example> <pdf@s3.example>"
    assert reply["Subject"] == "Re: รายงานค่ะ"
    body = reply.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "report.pdf" in body and ".xlsx" in body and body.index("กรุณาส่ง") < body.index("Please send")
    fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=config, environ=env())
    mailbox.remove_flag(KEYWORD)
    again = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=config, environ=env())
    assert again.replies == 0 and len(pending(outbox)) == 1  # once, even when the mark was lost


def test_a_thai_name_sent_as_several_encoded_words_is_read_whole(mailbox: Mailbox, tmp_path: Path) -> None:
    # Gmail and Outlook write a long Thai name as several encoded words; the email package read a
    # space between them ("วัดยายร ่ม"), which the reply's To then showed the school.
    name = "โรงเรียนวัดยายร่มวิทยาลัยในพระบรมราชูปถัมภ์"
    words = [name[:15], name[15:30], name[30:]]
    encoded = "\r\n ".join(f"=?UTF-8?B?{base64.b64encode(w.encode()).decode()}?=" for w in words)
    raw = mail_from("x@s2.example", "รายงาน", [("report.pdf", b"%PDF-1.4", "application/pdf")], "<thai@s2.example>")
    mailbox.deliver(raw.replace(b"From: x@s2.example", f"From: {encoded} <head@s2.example>".encode()))
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=MailConfig(from_addr=OFFICE,
                                                                                            outbox=outbox), environ=env())
    assert ledger_lines(inbox)[0]["sender_name"] == name
    [queued] = pending(outbox)
    reply = email.message_from_bytes(queued.read_bytes(), policy=default)
    assert header_text(reply, "To") == f"{name} <head@s2.example>"
    folded = email.message_from_bytes(queued.read_bytes())["To"]  # as written: encoded words, decoded per RFC 2047
    assert str(make_header(decode_header(folded))) == f"{name} <head@s2.example>"
    listed = run("mail", outbox)  # what the clerk reads
    assert listed.returncode == 0 and f"{name} <head@s2.example>" in listed.stdout


def test_size_limits_are_refused_politely(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    big = good + b"\0" * 200_000
    mailbox.deliver(mail_from("a@s1.example", "big", [("big.xlsx", big, XLSX), ("ok.xlsx", good, XLSX)], "<big@s1>"))
    mailbox.deliver(mail_from("a@s1.example", "huge", [("huge.xlsx", big * 3, XLSX)], "<huge@s1>"))
    many = zipped(*[(f"f{i}.xlsx", good) for i in range(4)])
    mailbox.deliver(mail_from("a@s1.example", "many", [("many.zip", many, "application/zip")], "<many@s1>"))
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    config = imap_config(mailbox, max_attachment=100_000, max_message=400_000, max_zip_members=3)
    result = fetch(config, inbox, JsonlLedger.in_inbox(inbox, outbox), mail=MailConfig(from_addr=OFFICE, outbox=outbox),
                   environ=env())
    assert [p.name for p in result.saved] == ["ok.xlsx"]
    refused = {m.message_id: [(r.name, r.reason) for r in m.refused] for m in result.messages}
    assert refused == {"<big@s1>": [("big.xlsx", "too-big")], "<huge@s1>": [("", "whole-message")],
                       "<many@s1>": [("many.zip", "zip-too-many")]}
    assert result.replies == 3 and len(pending(outbox)) == 3


def test_moved_to_the_done_folder_over_starttls(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    mailbox.deliver(mail_from("a@s1.example", "r", [("a.xlsx", good, XLSX)], "<move@s1>"))
    inbox = tmp_path / "inbox"
    config = imap_config(mailbox, port=mailbox.server.port, security="starttls", done_folder="Fetched")
    assert len(fetch(config, inbox, JsonlLedger.in_inbox(inbox), environ=env()).saved) == 1
    assert mailbox.count() == 0 and mailbox.count("Fetched") == 1


def test_plain_imap_only_when_configured_and_local(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    mailbox.deliver(mail_from("a@s1.example", "r", [("a.xlsx", good, XLSX)], "<plain@s1>"))
    inbox = tmp_path / "inbox"
    plain = imap_config(mailbox, port=mailbox.server.port, security="none", cafile=None)
    assert len(fetch(plain, inbox, JsonlLedger.in_inbox(inbox), environ=env()).saved) == 1
    with pytest.raises(MailError, match="unencrypted"):
        ImapConfig(host="mail.example.org", security="none", user="x").password(env())


def test_tls_is_the_default_and_verified(mailbox: Mailbox, tmp_path: Path) -> None:
    assert ImapConfig.from_env({"SHEETSYNC_IMAP_HOST": "h"}).security == "ssl"
    assert ImapConfig.from_env({"SHEETSYNC_IMAP_HOST": "h"}).imap_port == 993
    untrusted = imap_config(mailbox, cafile=None)  # the server's self-signed certificate is not trusted
    with pytest.raises(MailError, match="certificate"):
        fetch(untrusted, tmp_path / "inbox", JsonlLedger.in_inbox(tmp_path / "inbox"), environ=env())


def test_the_password_never_shows(mailbox: Mailbox, good: bytes, tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level("DEBUG")
    mailbox.deliver(mail_from("a@s1.example", "r", [("a.xlsx", good, XLSX)], "<pw@s1>"))
    inbox = tmp_path / "inbox"
    fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox), environ=env())
    with pytest.raises(MailError) as failed:
        fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox),
              environ={"SHEETSYNC_IMAP_PASSWORD": PASSWORD + "-wrong"})
    assert "login" in str(failed.value) and PASSWORD not in str(failed.value)
    with pytest.raises(MailError, match="SHEETSYNC_IMAP_PASSWORD is not"):
        fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox), environ={})
    seen = capsys.readouterr()
    assert PASSWORD not in seen.out + seen.err + caplog.text
    assert PASSWORD not in (inbox / ".fetched.jsonl").read_text(encoding="utf-8")
    assert not any(PASSWORD.encode() in p.read_bytes() for p in inbox.rglob("*") if p.is_file() and p.suffix != ".xlsx")


def test_same_names_from_two_schools_both_kept(mailbox: Mailbox, good: bytes, other: bytes, tmp_path: Path) -> None:
    mailbox.deliver(mail_from("a@s1.example", "r", [("แบบรายงาน.xlsx", good, XLSX)], "<n1@s1>"))
    mailbox.deliver(mail_from("b@s2.example", "r", [("แบบรายงาน.xlsx", other, XLSX), ("CON.xlsx", good, XLSX)],
                              "<n2@s2>"))
    inbox = tmp_path / "inbox"
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox), environ=env())
    assert [p.name for p in result.saved] == ["แบบรายงาน.xlsx", "แบบรายงาน-2.xlsx", "_CON.xlsx"]
    assert (inbox / "แบบรายงาน-2.xlsx").read_bytes() == other
    assert [p.name for p in inbox.iterdir() if p.name.startswith(".fetch-")] == []  # no temporary file left


def fetched_since_2021(mailbox: Mailbox, good: bytes, tmp_path: Path) -> list[str]:
    """A mail of 2020 and one of now, fetched with SHEETSYNC_IMAP_SINCE=2021-01-01: the names saved."""
    mailbox.deliver(mail_from("a@s1.example", "2020", [("old.xlsx", good, XLSX)], "<old@s1>"),
                    received='"01-Jan-2020 10:00:00 +0700"')
    mailbox.deliver(mail_from("a@s1.example", "now", [("new.xlsx", good, XLSX)], "<new@s1>"))
    inbox = tmp_path / "inbox"
    since = ImapConfig.from_env({"SHEETSYNC_IMAP_SINCE": "2021-01-01"}).since
    result = fetch(imap_config(mailbox, since=since), inbox, JsonlLedger.in_inbox(inbox), environ=env())
    return [p.name for p in result.saved]


def test_old_mail_is_left_alone(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    assert fetched_since_2021(mailbox, good, tmp_path) == ["new.xlsx"]
    assert sorted(KEYWORD in flags for flags in mailbox.flags()) == [False, True]
    with pytest.raises(MailError, match="SINCE"):
        ImapConfig.from_env({"SHEETSYNC_IMAP_SINCE": "1/3/2569"})


def test_sync_hook_does_nothing_without_a_mailbox(tmp_path: Path) -> None:
    step = fetch_step(tmp_path / "inbox", environ={})
    assert step.result is None and not (tmp_path / "inbox").exists()


def test_a_wrong_mailbox_password_is_said_in_the_servers_words_not_as_python_bytes(mailbox: Mailbox,
                                                                                   tmp_path: Path) -> None:
    # sync printed "… failed (b'[AUTHENTICATIONFAILED] Authentication failed.')": Python's spelling of
    # the server's reply, in both halves of the line the clerk reads.
    # (found by a clerk walking through the README: the office's wrong-password line)
    inbox = tmp_path / "inbox"
    with pytest.raises(MailError) as failed:
        fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox),
              environ={"SHEETSYNC_IMAP_PASSWORD": PASSWORD + "-wrong"})
    said = str(failed.value)
    # The user name is random hex, so it may end in "b" just before its closing quote ("…3b'"):
    # look for a bytes literal as a word of its own, in the line without the user's name.
    without_user = said.replace(repr(mailbox.user), "<user>")
    assert "Authentication failed" in said and not re.search(r"\bb['\"]", without_user), said
