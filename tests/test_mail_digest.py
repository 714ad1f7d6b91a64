"""The digest for the central office: who passed, who must fix, who sent nothing."""

from __future__ import annotations

import copy
import email
import json
from email.message import EmailMessage
from email.policy import SMTP, default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.mailer import MailConfig, compose_digest, summarize
from sheetsync.check.report import Finding, Report, Result, Unread
from sheetsync.pipeline import UNREADABLE, check_file, failure
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form

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


def _digests(store_path: Path) -> list[EmailMessage]:
    """Every digest the office queued, oldest first, as read back from the store."""
    from sheetsync.office.store import Store

    with Store(store_path) as store:
        rows = store.query("SELECT message FROM outbox WHERE name = 'digest' ORDER BY id")
    return [email.message_from_bytes(bytes(r[0]), policy=default) for r in rows]


def _missing(message: EmailMessage) -> list[str]:
    [attachment] = message.iter_attachments()
    return [m["id"] for m in json.loads(attachment.get_content())["missing"]]


def test_a_later_digest_does_not_chase_schools_already_on_record(progress_form: Form, seed: dict[str, Any],
                                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clerk's complaint: run 1 accepts n73-01..03; run 2 brings more files, and its digest
    listed n73-01..03 as not sent. "Not sent" is what the store holds, as the master's summary says:
    a school with a file to fix (n73-07) or an unreadable one (n73-04) sent something, and is
    listed as that, not also as not sent."""
    from sheetsync.demo import broken_sample
    from tests.test_office_view import rows_of
    from sheetsync.office.summary import NOTHING, SUMMARY
    from sheetsync.sync import SyncOptions, sync
    from sheetsync.template.write import write_template

    roster = [Recipient(f"n73-0{n}", f"โรงเรียนที่ {n}", f"head@n{n}.example") for n in range(1, 8)]
    inbox, master = tmp_path / "inbox", tmp_path / "master.xlsx"
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    # Received in the office's period: the PDF dates nothing but its arrival (office/asof.py).
    monkeypatch.setattr("sheetsync.office.record.now", lambda: "2020-04-20T03:00:00+00:00")

    def run() -> EmailMessage:
        sync(inbox, master, report_dir=tmp_path / "reports", config=config, roster=roster,
             options=SyncOptions(settle=0, period="2020-04"))  # the month of the seed's latest report
        return _digests(master.with_suffix(".sqlite"))[-1]

    for n in (1, 2, 3):
        write_template(progress_form, inbox / f"n73-0{n}.xlsx", data=seed, recipient=f"n73-0{n}")
    write_template(progress_form, inbox / "n73-07.xlsx", data=broken_sample(copy.deepcopy(seed)), recipient="n73-07")
    first = run()
    assert _missing(first) == ["n73-04", "n73-05", "n73-06"]
    (inbox / "n73-04 scan.pdf").write_bytes(b"%PDF-1.4\n% a scanned form\n")  # could not be opened
    write_template(progress_form, inbox / "n73-05.xlsx", data=seed, recipient="n73-05")
    second = run()
    assert _missing(second) == ["n73-06"]  # n73-04 is under "could not be read", not also here
    assert second["Subject"].endswith("ยังไม่ส่ง 1")
    text = second.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert "head@n6.example" in body  # a missing school's line shows its address: only n73-06 has one
    assert not any(f"head@n{n}.example" in body for n in (1, 2, 3, 4, 5, 7))
    statuses = {r["ผู้รายงาน"]: r["สถานะ"] for r in rows_of(master, SUMMARY)}
    assert [who for who, status in statuses.items() if status == NOTHING] == _missing(second)  # the master agrees


def test_missing_given_by_the_caller_replaces_the_batch_guess() -> None:
    """A caller with a store says whom the office has nothing from; without it, the batch decides."""
    assert [r.id for r in summarize(RESULTS, ROSTER).missing] == ["school-04"]
    assert summarize(RESULTS, ROSTER, missing=[]).missing == []
    message = parse(compose_digest([RESULTS[0]], ROSTER, CONFIG, missing=[ROSTER[3]]))
    assert message["Subject"].endswith("ยังไม่ส่ง 1") and _missing(message) == ["school-04"]


@pytest.mark.parametrize("lang, words", [
    ("th", "ไฟล์เสียหาย หรือไม่ใช่ไฟล์แบบรายงาน"),
    ("en", "not a spreadsheet"),
])
def test_a_file_that_cannot_be_opened_is_explained_in_the_digest_s_language(tmp_path: Path, lang: str,
                                                                           words: str) -> None:
    """The clerk reads the Thai digest: why a file was not read comes first in Thai words, the
    reader's own (English) line after it; the English digest keeps that line alone."""
    broken = tmp_path / "letter.xlsx"
    broken.write_bytes(b"Dear office, please find our report attached.")
    message = parse(compose_digest([check_file(broken).result], ROSTER, CONFIG, lang=lang))  # type: ignore[arg-type]
    text = message.get_body(("plain",))
    assert text is not None
    [line] = [ln for ln in text.get_content().splitlines() if "letter.xlsx —" in ln]
    assert words in line and "not a spreadsheet" in line
    assert ("ไฟล์" in line) == (lang == "th")


LOST = ["b@school02.example (template school-02)", "d@school04.example (template school-04)"]
STUCK = [("s1.xlsx", "3/3/2568 08:00", "Permission denied")]


@pytest.mark.parametrize("came, lost, stuck, th, en", [
    (False, LOST, STUCK,
     "กรุณาตรวจสอบ: อีเมลของสำนักงานส่งไม่ถึง 2 ราย · ไฟล์ในกล่องรับที่เครื่องนี้อ่านไม่ได้ 1 ไฟล์",
     "Please check: 2 office e-mail(s) not delivered · 1 inbox file(s) this computer cannot read"),
    (False, LOST, [], "อีเมลของสำนักงานส่งไม่ถึง 2 ราย — กรุณาตรวจสอบที่อยู่อีเมลในรายชื่อ",
     "2 office e-mail(s) not delivered — please check the roster's addresses"),
    (False, [], STUCK, "ไฟล์ในกล่องรับ 1 ไฟล์ที่เครื่องนี้อ่านไม่ได้ — กรุณาตรวจสอบ",
     "1 file(s) in the inbox this computer cannot read — please check"),
    (True, LOST, STUCK,
     "สรุปผลการตรวจสอบแบบรายงาน: ผ่าน 2 · ต้องแก้ไข 2 · เปิดไม่ได้ 1 · ยังไม่ส่ง 1 · อีเมลของสำนักงานส่งไม่ถึง 2 ราย "
     "· ไฟล์ในกล่องรับที่เครื่องนี้อ่านไม่ได้ 1 ไฟล์",
     "Report check summary: 2 passed · 2 to fix · 1 unreadable · 1 not sent · 2 office e-mail(s) not delivered "
     "· 1 inbox file(s) this computer cannot read"),
], ids=["both", "bounces", "stuck", "files-and-both"])
def test_the_subject_names_everything_the_digest_asks_the_clerk_to_see_to(
        came: bool, lost: list[str], stuck: list[tuple[str, str, str]], th: str, en: str) -> None:
    """A clerk reads subjects in a mailbox: with bounces and stuck files both listed, the subject
    named the bounces only; with files as well, it named neither."""
    for lang, subject in (("th", th), ("en", en)):
        message = parse(compose_digest(RESULTS if came else [], ROSTER, CONFIG, lang=lang,  # type: ignore[arg-type]
                                       undelivered=lost, stuck=stuck, missing=ROSTER[3:]))
        assert message["Subject"] == subject
