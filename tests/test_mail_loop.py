"""The closed mail loop: `sheetsync sync` fetches from a real IMAP server (Dovecot), checks, merges,
and answers each sender in the thread through a real SMTP server (aiosmtpd), exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from sheetsync.master import read_master
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import PASSWORD, Mailbox
from tests.test_mail_fetch import XLSX, mail_from, zipped
from tests.test_mail_smtp import Server

ROSTER = """recipient_id,school_name,email,project_code
s1,โรงเรียนวัดไทร,a@s1.example,
s2,โรงเรียนวัดยายร่ม,b@s2.example,
s3,โรงเรียนวัดสี่สุก,c@s3.example,
s4,โรงเรียนวัดบางขุนเทียน,d@s4.example,
"""
ODS = "application/vnd.oasis.opendocument.spreadsheet"


@pytest.fixture
def office(tmp_path: Path, progress_form: Form, seed: dict[str, Any], mailbox: Mailbox) -> dict[str, Any]:
    """Seven messages in the office's mailbox (see :func:`seven_messages`)."""
    return seven_messages(tmp_path, progress_form, seed, mailbox)


def seven_messages(tmp_path: Path, progress_form: Form, seed: dict[str, Any], mailbox: Mailbox) -> dict[str, Any]:
    """Seven messages in the office's mailbox, as the issue lists them; the files they carry."""
    made = tmp_path / "made"

    def school_file(rid: str, code: str, fmt: str = "xlsx", mistake: bool = False) -> bytes:
        data = json.loads(json.dumps(seed))
        data["project"]["code"] = code
        if mistake:
            data["reports"][2]["progress_percent"] = 5.0  # progress going backwards: an error
        path = made / f"{rid}.{fmt}"
        write_template(progress_form, path, data=data, recipient=rid)
        return path.read_bytes()

    good, wrong = school_file("s1", "50360000-0001"), school_file("s2", "50360000-0002", "ods", mistake=True)
    s3, s4 = school_file("s3", "50360000-0003"), school_file("s4", "50360000-0004", "ods")
    fixed = school_file("s2", "50360000-0002", "xlsx")
    messages = {
        "<good@s1.example>": mail_from("ครูสมศรี <a@s1.example>", "ส่งรายงาน", [("วัดไทร.xlsx", good, XLSX)],
                                       "<good@s1.example>"),
        "<wrong@s2.example>": mail_from("b@s2.example", "รายงานวัดยายร่ม", [("ยายร่ม.ods", wrong, ODS)],
                                        "<wrong@s2.example>"),
        "<pdf@s3.example>": mail_from("c@s3.example", "Re: แบบรายงาน", [("scan.pdf", b"%PDF-1.4", "application/pdf")],
                                      "<pdf@s3.example>"),
        "<zip@s3.example>": mail_from("c@s3.example", "สองโรงเรียน", [("two.zip", zipped(("s3.xlsx", s3), ("s4.ods", s4)),
                                                                        "application/zip")], "<zip@s3.example>"),
        "<big@s1.example>": mail_from("a@s1.example", "ไฟล์ใหญ่", [("big.xlsx", good + b"\0" * 300_000, XLSX)],
                                      "<big@s1.example>"),
        "<stranger@home.example>": mail_from("Helper <helper@home.example>", "ส่งแทนวัดยายร่ม",
                                             [("แก้แล้ว.xlsx", fixed, XLSX)], "<stranger@home.example>"),
        "<broken@s4.example>": mail_from("d@s4.example", "รายงาน", [("ของเรา.xlsx", b"not a spreadsheet", XLSX)],
                                         "<broken@s4.example>"),
    }
    for raw in messages.values():
        mailbox.deliver(raw)
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    return {"ids": list(messages)}


def run(tmp_path: Path, box: Mailbox, smtp: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "SHEETSYNC_MAIL_FROM": "สำนักงานเขตจอมทอง <office@bma.example>",
           "SHEETSYNC_MAIL_DIGEST_TO": "boss@bma.example", "SHEETSYNC_SMTP_HOST": "127.0.0.1",
           "SHEETSYNC_SMTP_PORT": str(smtp.port), "SHEETSYNC_SMTP_SECURITY": "none",
           "SHEETSYNC_IMAP_HOST": "127.0.0.1", "SHEETSYNC_IMAP_PORT": str(box.server.tls_port),
           "SHEETSYNC_IMAP_USER": box.user, "SHEETSYNC_IMAP_CAFILE": str(box.server.cafile),
           "SHEETSYNC_IMAP_PASSWORD": PASSWORD, "SHEETSYNC_IMAP_MAX_ATTACHMENT_MB": "0.25"}
    return subprocess.run([sys.executable, "-m", "sheetsync", *args], capture_output=True, text=True, timeout=300,
                          env=env, cwd=tmp_path)


def sync_args() -> list[str]:
    return ["sync", "inbox", "--master", "master.xlsx", "--outbox", "outbox", "--roster", "schools.csv", "--send"]


def answers(smtp: Server) -> dict[str, list[EmailMessage]]:
    """Messages received by the SMTP server, by the Message-ID they answer ("" for the digest)."""
    found: dict[str, list[EmailMessage]] = {}
    for message in smtp.messages():
        found.setdefault(str(message["In-Reply-To"] or ""), []).append(message)
    return found


def addresses(message: EmailMessage, header: str) -> list[str]:
    return sorted(a.addr_spec for a in message[header].addresses) if message[header] else []


def check_answered_once(smtp: Server, ids: list[str]) -> None:
    got = answers(smtp)
    assert sorted(got) == sorted(["", *ids])  # every message answered in its thread, plus the digest
    assert [len(got[i]) for i in ids] == [1, 1, 1, 2, 1, 1, 1]  # the zip's two files: two reports
    good, wrong, pdf, two, big, stranger, broken = (got[i] for i in ids)
    assert addresses(good[0], "To") == ["a@s1.example"] and addresses(good[0], "Cc") == []
    assert good[0]["Subject"] == "Re: ส่งรายงาน" and good[0]["References"] == "<good@s1.example>"
    assert addresses(wrong[0], "To") == ["b@s2.example"] and wrong[0]["Subject"] == "Re: รายงานวัดยายร่ม"
    assert pdf[0]["Subject"] == "Re: แบบรายงาน"  # not "Re: Re:"
    assert "scan.pdf" in pdf[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert sorted(addresses(m, "Cc") for m in two) == [[], ["d@s4.example"]]  # s4's file: its address copied
    assert "big.xlsx" in big[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert addresses(stranger[0], "To") == ["helper@home.example"]
    assert addresses(stranger[0], "Cc") == ["b@s2.example"]
    assert addresses(broken[0], "To") == ["d@s4.example"] and broken[0]["Subject"] == "Re: รายงาน"
    body = broken[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "ของเรา.xlsx" in body and "ไฟล์เสียหาย" in body  # why, in Thai first
    assert body.index("ไฟล์เสียหาย") < body.index("not a spreadsheet")
    digest = got[""][0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "helper@home.example" in digest


def test_sync_fetches_and_answers_every_sender_in_the_thread(office: dict[str, Any], mailbox: Mailbox, smtp: Server,
                                                             tmp_path: Path) -> None:
    first = run(tmp_path, mailbox, smtp, *sync_args())
    assert first.returncode == 1, first.stderr  # one file could not be read: quarantined (its sender is answered)
    assert "กล่องอีเมล: อีเมล 7 ฉบับ บันทึกไฟล์ 6 ไฟล์ เตรียมตอบกลับ 2 ฉบับ / mailbox: 7 message(s), 6 file(s) saved, 2 reply(ies) queued" in first.stdout
    check_answered_once(smtp, office["ids"])
    stranger = json.loads((tmp_path / "reports" / "แก้แล้ว.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in stranger["findings"]] == ["sender-not-recipient"]
    own = json.loads((tmp_path / "reports" / "วัดไทร.json").read_text(encoding="utf-8"))
    assert own["findings"] == []
    merged = {e.recipient for e in read_master(tmp_path / "master.xlsx").ledger
              if e.result not in ("refused", "quarantined")}
    assert merged == {"s1", "s2", "s3", "s4"}  # s2 through the helper's corrected file
    second = run(tmp_path, mailbox, smtp, *sync_args())
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "sheetsync sync: ไม่มีไฟล์ใหม่ / nothing new (กล่องอีเมล: ไม่มีอีเมลใหม่ / mailbox: nothing new)"
    check_answered_once(smtp, office["ids"])  # nothing sent the second time
    seen = first.stdout + first.stderr + second.stdout + second.stderr
    assert PASSWORD not in seen
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix in (".jsonl", ".eml", ".json", ".txt", ".html", ".csv"):
            assert PASSWORD not in path.read_text(encoding="utf-8", errors="replace"), path


def test_stopped_after_the_fetch_answers_each_message_once(office: dict[str, Any], mailbox: Mailbox, smtp: Server,
                                                           tmp_path: Path) -> None:
    fetched = run(tmp_path, mailbox, smtp, "fetch", "inbox", "--outbox", "outbox")  # then the run stops
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.strip() == "กล่องอีเมล: อีเมล 7 ฉบับ บันทึกไฟล์ 6 ไฟล์ เตรียมตอบกลับ 2 ฉบับ / mailbox: 7 message(s), 6 file(s) saved, 2 reply(ies) queued"
    mailbox.remove_flag("$SheetsyncFetched")  # and even the mailbox lost its marks
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 1, done.stderr  # one file could not be read: quarantined (its sender is answered)
    check_answered_once(smtp, office["ids"])
    again = run(tmp_path, mailbox, smtp, *sync_args())
    assert again.stdout.strip() == "sheetsync sync: ไม่มีไฟล์ใหม่ / nothing new (กล่องอีเมล: ไม่มีอีเมลใหม่ / mailbox: nothing new)"
    check_answered_once(smtp, office["ids"])


def test_the_office_s_own_mail_coming_back_is_never_answered_again(mailbox: Mailbox, smtp: Server, tmp_path: Path,
                                                                   progress_form: Form, seed: dict[str, Any]) -> None:
    # The clerk mails a file from a USB stick into the office's mailbox, from the office's address: its
    # report goes to that address, lands in the same mailbox, and was fetched and answered again each run.
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    seed["reports"][2]["progress_percent"] = 5.0  # a mistake: the report carries a marked-up copy
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    usb = (tmp_path / "made" / "s1.xlsx").read_bytes()
    mailbox.deliver(mail_from("office@bma.example", "จาก USB", [("วัดไทร.xlsx", usb, XLSX)], "<usb@bma.example>"))
    assert run(tmp_path, mailbox, smtp, *sync_args()).returncode == 1  # the file has an error: reported
    sent = len(smtp.handler.envelopes)
    back = [e.original_content or b"" for e in smtp.handler.envelopes if "office@bma.example" in e.rcpt_tos]
    assert back  # the mail server delivers the office's copies back into its mailbox
    for raw in back:
        mailbox.deliver(raw)
    again = run(tmp_path, mailbox, smtp, *sync_args())
    assert again.returncode == 0, again.stderr
    assert "office's own e-mails came back" in again.stderr and "nothing in it was taken" in again.stderr
    assert len(smtp.handler.envelopes) == sent  # not answered, and no report on its marked-up copy
    assert run(tmp_path, mailbox, smtp, *sync_args()).stdout.strip() == \
        "sheetsync sync: ไม่มีไฟล์ใหม่ / nothing new (กล่องอีเมล: ไม่มีอีเมลใหม่ / mailbox: nothing new)"
