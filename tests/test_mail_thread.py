"""Answering who wrote, without a network: threading headers, Cc, the sender finding, privacy,
replies that must not be sent, zips and the fetch ledger."""

from __future__ import annotations

import email
import io
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.report import Finding
from sheetsync.mailer import (FetchedFile, FetchedMessage, ImapConfig, JsonlLedger, MailConfig, MailError, Thread,
                              compose, reply_subject, summarize)
from sheetsync.identity import ensure_key
from sheetsync.mailer._answer import address_report, sender_finding
from sheetsync.mailer._attachments import extract
from sheetsync.mailer._thread import thread_headers
from sheetsync.mailer._reply import must_not_answer
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template
from tests.imap_server import free_port
from tests.test_mail import CONFIG, HTML, make_report, parse

ROSTER = [Recipient("school-01", "โรงเรียนวัดไทร", "head@school01.example, clerk@school01.example"),
          Recipient("school-02", "โรงเรียนวัดยายร่ม", "b@school02.example")]
ORIGIN = Thread("<m1@school01.example>", "ส่งรายงาน มี.ค.", "<a@x.example> <b@x.example>", "teacher@gmail.example")
FORGED = Finding("identity-not-verified", "error", "_sheetsync", "A1", "", None, "ไม่ได้ออกโดยสำนักงานนี้",
                 "not issued by this office")


@pytest.mark.parametrize(("original", "expected"), [
    ("ส่งรายงาน", "Re: ส่งรายงาน"), ("Re: ส่งรายงาน", "Re: ส่งรายงาน"), ("RE: re: Fwd: x", "Re: x"),
    ("ตอบกลับ: x", "Re: x"), ("ส่งต่อ: x", "Re: x"), ("Re: ส่งต่อ: x", "Re: x"), ("", "fallback"), ("a\r\nBcc: evil@example.com", "Re: a Bcc: evil@example.com"),
])
def test_reply_subject_is_never_doubled(original: str, expected: str) -> None:
    assert reply_subject(original, "fallback") == expected


def test_thread_headers_chain_and_refuse_garbage() -> None:
    assert thread_headers(ORIGIN) == {"In-Reply-To": "<m1@school01.example>",
                                      "References": "<a@x.example> <b@x.example> <m1@school01.example>"}
    assert thread_headers(Thread("not an id\r\nBcc: x@y.z")) == {}
    long = Thread("<z@x>", references=" ".join(f"<{i}@x>" for i in range(30)))
    assert thread_headers(long)["References"].split() == [f"<{i}@x>" for i in range(21, 30)] + ["<z@x>"]


def test_a_report_answers_in_the_thread_with_the_roster_in_copy(tmp_path: Path) -> None:
    report = make_report(tmp_path / "r.xlsx", errors=2)
    plan = address_report(report, ROSTER, ORIGIN)
    assert plan is not None and plan.to == "teacher@gmail.example" and plan.sender_on_roster is False
    assert plan.cc == ("head@school01.example", "clerk@school01.example") and plan.school == "โรงเรียนวัดไทร"
    msg = parse(compose(report, to=plan.to, cc=plan.cc, thread=plan.thread, config=CONFIG, html=HTML, text="x",
                        school=plan.school))
    assert msg["Subject"] == "Re: ส่งรายงาน มี.ค."
    assert msg["In-Reply-To"] == "<m1@school01.example>"
    assert [a.addr_spec for a in msg["Cc"].addresses] == ["head@school01.example", "clerk@school01.example"]
    from_roster = address_report(report, ROSTER, replace(ORIGIN, sender="Clerk@School01.example"))
    assert from_roster is not None and from_roster.cc == ("head@school01.example",) and from_roster.sender_on_roster
    unthreaded = address_report(report, ROSTER)
    assert unthreaded is not None and unthreaded.to == ROSTER[0].email and unthreaded.thread is None


def test_the_sender_of_another_schools_file_is_a_warning(tmp_path: Path) -> None:
    report = make_report(tmp_path / "r.xlsx", errors=0)
    finding = sender_finding(report, ROSTER, replace(ORIGIN, sender="b@school02.example"))
    assert finding is not None and finding.severity == "warning" and finding.code == "sender-not-recipient"
    assert "b@school02.example" in finding.message_th and "โรงเรียนวัดไทร" in finding.message_th
    assert sender_finding(report, ROSTER, replace(ORIGIN, sender="CLERK@school01.example")) is None
    assert sender_finding(report, ROSTER, None) is None
    assert sender_finding(make_report(tmp_path / "r.xlsx", recipient="nobody"), ROSTER, ORIGIN) is None


def test_a_file_whose_identity_does_not_verify_belongs_to_no_school(tmp_path: Path) -> None:
    """Anyone can write recipient="school-01" into a workbook of their own: until the office's key
    vouches for it, the file is answered to its sender alone and is nobody's in the digest."""
    report = make_report(tmp_path / "forged.xlsx", errors=0)
    report.findings.append(FORGED)
    plan = address_report(report, ROSTER, replace(ORIGIN, sender="mallory@evil.example"))
    assert plan is not None and plan.to == "mallory@evil.example"
    assert plan.cc == () and plan.school is None and not plan.sender_on_roster
    assert address_report(report, ROSTER) is None  # came by hand: nobody to answer
    assert sender_finding(report, ROSTER, replace(ORIGIN, sender="mallory@evil.example")) is None
    digest = summarize([report], ROSTER)
    assert [e.recipient for e in digest.failed] == [""] and ROSTER[0] in digest.missing


def test_sync_answers_a_forged_mailed_file_to_its_sender_only(tmp_path: Path, progress_form: Form,
                                                             seed: dict[str, Any], office_key: Path) -> None:
    ensure_key(office_key)  # the office has its key; the outsider signs with one of their own
    inbox = tmp_path / "inbox"
    write_template(progress_form, inbox / "forged.xlsx", data=seed, recipient="s1", key=os.urandom(32))
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example"), Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example")]
    origin = Thread("<f@evil.example>", "hello", "", "mallory@evil.example", "Mallory")
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    result = sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports", config=config, roster=roster,
                  options=SyncOptions(settle=0, view="never"), origins=lambda p: origin)
    assert [(o.result, o.key.recipient if o.key else None) for o in result.outcomes()] == [("refused", "")]
    sent = {str(m["X-Sheetsync-Name"]): m for m in map(parse_file, (tmp_path / "outbox").glob("*.eml"))}
    answer = next(m for name, m in sent.items() if name != "digest")
    assert [a.addr_spec for a in answer["To"].addresses] == ["mallory@evil.example"] and answer["Cc"] is None
    whole = "".join(part.get_content() for part in answer.walk() if part.get_content_maintype() == "text")
    assert "a@s1.example" not in whole and "โรงเรียนวัดไทร" not in whole + str(answer["To"])
    digest = json.loads(next(a for a in sent["digest"].iter_attachments()
                             if a.get_filename() == "digest.json").get_content())
    assert [e["recipient"] for e in digest["failed"]] == [""]
    assert [r["id"] for r in digest["missing"]] == ["s1", "s2"]  # s1 has sent nothing yet


def parse_file(path: Path) -> EmailMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_summary_only_keeps_files_and_values_out(tmp_path: Path) -> None:
    marked = tmp_path / "marked.xlsx"
    marked.write_bytes(b"PK fake")
    report = make_report(tmp_path / "r.xlsx", errors=1)
    secret_text = "C5 required: value 123456789 was typed"
    normal = compose(report, to="a@x.example", config=CONFIG, html=HTML, text=secret_text, attachments=[marked],
                     attach_report=True)
    private = compose(report, to="a@x.example", config=replace(CONFIG, summary_only=True), html=HTML,
                      text=secret_text, attachments=[marked])
    assert len(list(normal.iter_attachments())) == 2
    assert list(private.iter_attachments()) == []
    body = private.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "123456789" not in private.as_string() and "แบบรายงาน!C5" in body
    assert MailConfig.from_env({"SHEETSYNC_MAIL_SUMMARY_ONLY": "1"}).summary_only
    assert not MailConfig.from_env({}).summary_only
    with pytest.raises(MailError, match="SUMMARY_ONLY"):
        MailConfig.from_env({"SHEETSYNC_MAIL_SUMMARY_ONLY": "maybe"})


@pytest.mark.parametrize(("headers", "silent"), [
    ({"From": "a@s1.example"}, False), ({"From": "a@s1.example", "Auto-Submitted": "auto-replied"}, True),
    ({"From": "a@s1.example", "Auto-Submitted": "no"}, False), ({"From": "a@s1.example", "Precedence": "bulk"}, True),
    ({"From": "MAILER-DAEMON@s1.example"}, True), ({"From": "office@example.org"}, True),
    ({"From": "a@s1.example", "List-Id": "<l.example>"}, True), ({}, True),
])
def test_no_reply_to_machines(headers: dict[str, str], silent: bool) -> None:
    message = EmailMessage()
    for name, value in headers.items():
        message[name] = value
    assert must_not_answer(message, CONFIG) is silent


def zip_message(archive: bytes) -> EmailMessage:
    message = EmailMessage()
    message.set_content("x")
    message.add_attachment(archive, maintype="application", subtype="zip", filename="a.zip")
    return message


def test_zip_members_are_bounded_and_named_safely() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/evil.xlsx", b"x" * 10)
        archive.writestr("PLACEHLD.ods", b"y" * 10)
        archive.writestr("photo.jpg", b"z")
        archive.writestr("inner.zip", b"PK")
        archive.writestr("big.xlsx", b"b" * 5000)
    thai = "โรงเรียน".encode("cp874")  # as a Thai Windows zip writes it: cp874, no UTF-8 flag
    assert len(thai) == len(b"PLACEHLD")
    found = extract(zip_message(buffer.getvalue().replace(b"PLACEHLD", thai)), ImapConfig(max_attachment=1000))
    # Named by where they lay in the zip, never above it (the inbox saves a file under its last part only).
    assert [name for name, _ in found.spreadsheets] == ["etc/evil.xlsx", "โรงเรียน.ods"]
    assert found.others == ["a.zip/photo.jpg", "a.zip/inner.zip"]  # a nested zip is not opened
    assert [(r.name, r.reason) for r in found.refused] == [("big.xlsx", "too-big")]
    broken = extract(zip_message(b"PK\x03\x04 not really"), ImapConfig())
    assert [r.reason for r in broken.refused] == ["zip-broken"]


def test_the_ledger_survives_a_torn_last_line(tmp_path: Path) -> None:
    ledger = JsonlLedger.in_inbox(tmp_path)
    kept = FetchedMessage("<m@x>", "a@x.example", files=(FetchedFile(tmp_path / "a.xlsx", "a.xlsx", "ab" * 32, 3),))
    ledger.record(kept)
    with (tmp_path / ".fetched.jsonl").open("a", encoding="utf-8") as out:
        out.write('{"message_id": "<torn')  # the run was killed mid-write
    again = JsonlLedger.in_inbox(tmp_path)
    assert again.seen("<m@x>", "") and again.seen("<m@x>", "ab" * 32) and not again.seen("<m@x>", "cd" * 32)
    assert again.origin("ab" * 32) == kept
    later = FetchedMessage("<n@x>", "b@x.example")
    again.record(later)  # the torn line is cut, not glued to the new record
    reread = JsonlLedger.in_inbox(tmp_path)
    assert reread.messages() == [kept, later] and reread.seen("<n@x>", "")
    (tmp_path / ".fetched.jsonl").write_text("nonsense\n" + json.dumps(kept.as_json()) + "\n", encoding="utf-8")
    with pytest.raises(MailError, match="line 1"):
        JsonlLedger.in_inbox(tmp_path).seen("<m@x>", "")


def test_fetch_without_a_mailbox_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_IMAP_")}
    done = subprocess.run([sys.executable, "-m", "sheetsync", "fetch", str(tmp_path / "inbox")], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 3 and done.stderr.count("\n") == 1 and "SHEETSYNC_IMAP_HOST" in done.stderr
    assert ImapConfig.from_env({"SHEETSYNC_IMAP_HOST": "h", "SHEETSYNC_IMAP_MAX_ATTACHMENT_MB": "2"}).max_attachment \
        == 2 * 1024 * 1024
    with pytest.raises(MailError, match="security"):
        ImapConfig.from_env({"SHEETSYNC_IMAP_SECURITY": "maybe"})


def test_sync_goes_on_when_the_mailbox_cannot_be_read(tmp_path: Path, progress_form: Form) -> None:
    write_template(progress_form, tmp_path / "inbox" / "s1.xlsx", recipient="s1")
    env = {**os.environ, "SHEETSYNC_IMAP_HOST": "127.0.0.1", "SHEETSYNC_IMAP_PORT": str(free_port()),
           "SHEETSYNC_IMAP_USER": "office", "SHEETSYNC_IMAP_PASSWORD": "Pw-never-shown-42"}
    # (--settle 0: the file was written a moment ago, and sync otherwise waits for a copy to settle)
    done = subprocess.run([sys.executable, "-m", "sheetsync", "sync", "inbox", "--master", "master.xlsx",
                           "--settle", "0"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert done.returncode == 3
    assert done.stderr.startswith("sheetsync: อ่านกล่องอีเมลไม่ได้: เชื่อมต่อกล่องอีเมล 127.0.0.1:")  # why, in Thai first
    assert "(ไฟล์ใน inbox ยังตรวจตามปกติ) / mailbox not read: cannot reach the IMAP server 127.0.0.1:" in done.stderr
    assert "Traceback" not in done.stderr and "Pw-never-shown-42" not in done.stdout + done.stderr
    assert (tmp_path / "inbox" / "processed" / "s1.xlsx").exists()  # the inbox was processed anyway
