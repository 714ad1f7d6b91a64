"""The digest for the central office: who passed, who must fix, who sent nothing."""

from __future__ import annotations

import email
import json
from email.message import EmailMessage
from email.policy import SMTP, default
from pathlib import Path

import pytest

from sheetsync.mailer import MailConfig, compose_digest, summarize
from sheetsync.check.report import Finding, Report, Result, Unread
from sheetsync.pipeline import UNREADABLE, failure
from sheetsync.roster import Recipient

CONFIG = MailConfig(from_addr="office@example.org", reply_to="help@example.org")
ROSTER = [
    Recipient("school-01", "โรงเรียนวัดไทร", "a@school01.example"),
    Recipient("school-02", "<script>alert(1)</script> =HYPERLINK(\"x\")\r\nBcc: evil@example.com", "b@school02.example"),
    Recipient("school-03", "โรงเรียนบางมด", "c@school03.example"),
    Recipient("school-04", "โรงเรียนที่ยังไม่ส่ง", "d@school04.example"),
]


def report(name: str, recipient: str, errors: int = 0, warnings: int = 0) -> Report:
    def finding(severity: str) -> Finding:
        return Finding("required", severity, "แบบรายงาน", "C5", "/project/code", "", "ว่าง", "empty")  # type: ignore[arg-type]
    return Report(Path("inbox") / name, "progress-report", {"recipient": recipient},
                  [finding("error")] * errors + [finding("warning")] * warnings)


RESULTS: list[Result] = [
    report("01.xlsx", "school-01", warnings=1),
    report("02.xlsx", "school-02", errors=3, warnings=2),
    report("03.xlsx", "school-03"),
    report("stray.xlsx", "school-99", errors=1),
    Unread(Path("inbox/broken.xlsx"), failure(Path("inbox/broken.xlsx"), UNREADABLE, "not a spreadsheet\nwe can read")),
]


def parse(message: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message.as_bytes(policy=SMTP), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_summarize_sorts_the_batch() -> None:
    digest = summarize(RESULTS, ROSTER)
    assert [e.recipient for e in digest.passed] == ["school-01", "school-03"]
    assert [(e.recipient, e.errors, e.warnings, e.on_roster) for e in digest.failed] == [
        ("school-02", 3, 2, True), ("school-99", 1, 0, False)]
    assert [(e.file, e.problem) for e in digest.unreadable] == [("broken.xlsx", "not a spreadsheet we can read")]
    assert [r.id for r in digest.missing] == ["school-04"]
    assert digest.counts() == {"passed": 2, "failed": 2, "unreadable": 1, "missing": 1}


@pytest.mark.parametrize("lang, subject", [
    ("th", "สรุปผลการตรวจสอบแบบรายงาน: ผ่าน 2 · ต้องแก้ไข 2 · เปิดไม่ได้ 1 · ยังไม่ส่ง 1"),
    ("en", "Report check summary: 2 passed · 2 to fix · 1 unreadable · 1 not sent"),
])
def test_digest_message(lang: str, subject: str) -> None:
    message = parse(compose_digest(RESULTS, ROSTER, CONFIG, lang=lang))  # type: ignore[arg-type]
    assert message["Subject"] == subject
    assert [a.addr_spec for a in message["To"].addresses] == ["help@example.org"]
    text = message.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert "school-02 — <script>alert(1)</script> =HYPERLINK(\"x\") Bcc: evil@example.com — 02.xlsx" in body
    assert "school-04 — โรงเรียนที่ยังไม่ส่ง — d@school04.example" in body
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "digest.json"
    data = json.loads(attachment.get_content())
    assert [m["id"] for m in data["missing"]] == ["school-04"]


def test_digest_html_escapes_every_name() -> None:
    message = parse(compose_digest(RESULTS, ROSTER, CONFIG))
    html = message.get_body(("html",))
    assert html is not None
    content = html.get_content()
    assert "<script>" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "(ไม่อยู่ในรายชื่อ)" in content  # school-99 sent a file but is not on the roster
    assert message["Bcc"] is None


def test_digest_goes_to_the_digest_address_first() -> None:
    config = MailConfig(from_addr="office@example.org", digest_to="Boss <boss@example.org>")
    assert [a.addr_spec for a in parse(compose_digest([], ROSTER, config))["To"].addresses] == ["boss@example.org"]
    to = parse(compose_digest([], [], config, to="other@example.org"))["To"]
    assert [a.addr_spec for a in to.addresses] == ["other@example.org"]
