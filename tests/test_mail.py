"""Composing mail without a network: subjects, parts, attachments, headers, configuration, outbox."""

from __future__ import annotations

import email
import json
import re
import string
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.policy import SMTP, default
from html import escape
from pathlib import Path

import pytest
import yaml

from sheetsync.spec.form import Form
from sheetsync.mailer._compose import attachment_name
from sheetsync.mailer import (Attachment, MailConfig, MailError, OutboxMailer, Thread, compose, pending,
                              recipient_for, subject_for)
from sheetsync.check.report import Finding, Report
from sheetsync.messages import render
from sheetsync.render.html import render_html
from sheetsync.roster import Recipient
from sheetsync.template.write import write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CONFIG = MailConfig(from_addr="สำนักงานเขตจอมทอง <office@example.org>", reply_to="help@example.org")
HTML = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body><p>findings</p></body></html>"
EVIL = "x\r\nBcc: evil@example.com"
NASTY_SCHOOL = "<script>alert(1)</script> =HYPERLINK(\"http://evil.example\",\"คลิก\")\r\nBcc: evil@example.com " \
               + "ก" * 5000


def finding(severity: str = "error", cell: str = "C5") -> Finding:
    return Finding("required", severity, "แบบรายงาน", cell, "/project/code", "", "ช่อง C5 ยังไม่ได้กรอก",  # type: ignore[arg-type]
                   "Cell C5 is empty")


def make_report(path: Path, errors: int = 3, warnings: int = 0, recipient: str = "school-01") -> Report:
    return Report(path=path, form_id="progress-report", metadata={"recipient": recipient},
                  findings=[finding("error")] * errors + [finding("warning")] * warnings)


def parse(message: EmailMessage) -> EmailMessage:
    """What a receiver sees: the message serialised for SMTP and parsed back."""
    parsed = email.message_from_bytes(message.as_bytes(policy=SMTP), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def header_lines(message: EmailMessage) -> list[bytes]:
    return message.as_bytes(policy=SMTP).split(b"\r\n\r\n", 1)[0].split(b"\r\n")


@pytest.fixture
def workbook(tmp_path: Path, progress_form: Form) -> Path:
    path = tmp_path / "โรงเรียนวัดไทร แบบรายงาน.xlsx"
    write_template(progress_form, path, recipient="school-01")
    return path


def test_every_mail_text_has_thai_and_english_with_the_same_placeholders() -> None:
    text = (Path(__file__).parent.parent / "sheetsync" / "messages" / "mail.yaml").read_text(encoding="utf-8")
    texts = yaml.safe_load(text)
    assert {"mail.subject.fix", "mail.subject.valid", "mail.greeting"} <= set(texts), "mail texts are missing"
    for code, entry in texts.items():
        assert set(entry) - {"en_one"} == {"th", "en"}, code  # en_one: the English for a count of one
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in ("th", "en")]
        assert fields[0] == fields[1], code


@pytest.mark.parametrize("errors, warnings, lang, expected", [
    (3, 0, "th", "ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดไทร — ต้องแก้ไข 3 รายการ"),
    (0, 2, "th", "ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดไทร — ผ่าน (มีข้อสังเกต 2 รายการ)"),
    (0, 0, "th", "ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดไทร — ผ่านการตรวจสอบ"),
    (1, 0, "en", "Report check: โรงเรียนวัดไทร — 1 item(s) to fix"),
])
def test_subject(tmp_path: Path, errors: int, warnings: int, lang: str, expected: str) -> None:
    report = make_report(tmp_path / "a.xlsx", errors, warnings)
    assert subject_for(report, "โรงเรียนวัดไทร", lang) == expected  # type: ignore[arg-type]


def test_compose_parts_and_headers(tmp_path: Path, workbook: Path) -> None:
    report = make_report(workbook, errors=3)
    message = parse(compose(report, to="head@school01.example", config=CONFIG, html=HTML, text="C5: required",
                            attachments=[workbook], school="โรงเรียนวัดไทร"))
    assert message["Subject"] == "ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดไทร — ต้องแก้ไข 3 รายการ"
    assert [a.addr_spec for a in message["To"].addresses] == ["head@school01.example"]
    assert [a.addr_spec for a in message["From"].addresses] == ["office@example.org"]
    assert [a.addr_spec for a in message["Reply-To"].addresses] == ["help@example.org"]
    assert message["Message-ID"].endswith("@example.org>") and message["Date"]
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    # Text in MIME is canonically CRLF-terminated once base64-encoded.
    assert text.get_content().replace("\r\n", "\n").startswith("เรียน โรงเรียนวัดไทร\n\n")
    assert "C5: required" in text.get_content()
    assert re.search(r"<body><p [^>]*>เรียน โรงเรียนวัดไทร</p>.*<p>findings</p>", html.get_content())
    parts = {p.get_filename(): p for p in message.iter_attachments()}
    assert set(parts) == {"โรงเรียนวัดไทร แบบรายงาน.xlsx"}  # a school is sent what it can open, not JSON
    assert parts[workbook.name].get_content_type() == XLSX
    assert parts[workbook.name].get_content() == workbook.read_bytes()
    with_json = parse(compose(report, to="head@school01.example", config=CONFIG, html=HTML, text="x",
                              attach_report=True))  # for a program that asks for it
    [report_json] = list(with_json.iter_attachments())
    assert report_json.get_filename() == "โรงเรียนวัดไทร แบบรายงาน.report.json"
    assert report_json.get_content_type() == "application/json"
    assert json.loads(report_json.get_content())["valid"] is False


def test_thai_file_names_are_rfc2231_encoded(tmp_path: Path) -> None:
    report = make_report(tmp_path / "รายงาน.xlsx")
    files = [Attachment("รายงาน ครั้งที่ 1.ods", b"ods bytes", ODS)]
    raw = compose(report, to="a@x.example", config=CONFIG, html=HTML, text="t", attachments=files).as_bytes(policy=SMTP)
    assert re.search(rb"filename\*(0\*)?=utf-8''%E0%B8", raw)
    assert raw.isascii()
    parsed = email.message_from_bytes(raw, policy=default)
    assert isinstance(parsed, EmailMessage)
    ods = next(p for p in parsed.iter_attachments() if p.get_content_type() == ODS)
    assert ods.get_filename() == "รายงาน ครั้งที่ 1.ods"


def test_a_long_thai_attachment_name_keeps_its_extension(tmp_path: Path) -> None:
    # Cut at the byte limit, the marked-up copy of a long Thai file name lost ".xlsx": a file the
    # teacher's computer could not open.
    long_name = "รายงานความก้าวหน้าโรงเรียนวัดบางขุนเทียนนอก-ตรวจแล้ว.xlsx"
    report = make_report(tmp_path / "รายงาน.xlsx")
    message = compose(report, to="a@x.example", config=CONFIG, html=HTML, text="t",
                      attachments=[Attachment(long_name, b"xlsx bytes", XLSX)])
    [sent] = [p.get_filename() for p in message.iter_attachments() if p.get_content_type() == XLSX]
    assert sent.endswith(".xlsx") and sent.startswith("รายงานความก้าวหน้า") and len(sent.encode()) <= 100
    assert attachment_name("a.x\nb") == "a.x_b" and attachment_name("r.x<>|") == "r.x___"  # no odd extension kept


def test_a_bare_html_fragment_is_wrapped(tmp_path: Path) -> None:
    message = compose(make_report(tmp_path / "a.xlsx", 0), to="a@x.example", config=CONFIG, html="<p>ok</p>",
                      text="ok", attach_report=False)
    html = parse(message).get_body(("html",))
    assert html is not None and html.get_content().startswith("<!DOCTYPE html>")
    assert not list(parse(message).iter_attachments())


@pytest.mark.parametrize("field", ["school", "file", "display"])
def test_cr_lf_in_any_name_cannot_add_a_header(tmp_path: Path, field: str) -> None:
    path = tmp_path / (f"{EVIL}.xlsx" if field == "file" else "a.xlsx")
    to = f'"{EVIL}" <head@school01.example>' if field == "display" else "head@school01.example"
    message = compose(make_report(path), to=to, config=CONFIG, html=HTML, text="t",
                      school=EVIL if field == "school" else None)
    parsed = parse(message)
    assert parsed["Bcc"] is None and parsed["Cc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["head@school01.example"]
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]
    assert not any(line.lower().startswith(b"bcc:") for line in header_lines(message))


def test_nasty_school_text_cannot_alter_headers(tmp_path: Path) -> None:
    message = compose(make_report(tmp_path / "a.xlsx"), to="head@school01.example", config=CONFIG, html=HTML,
                      text="t", school=NASTY_SCHOOL)
    raw = message.as_bytes(policy=SMTP)
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert all(len(line) <= 78 for line in header_lines(message))  # folded, not merely under the hard limit
    parsed = parse(message)
    names = [k.lower() for k in parsed.keys()]
    assert sorted(names) == sorted(["from", "to", "reply-to", "date", "message-id", "auto-submitted", "subject",
                                    "x-auto-response-suppress", "x-sheetsync-name", "mime-version", "content-type"])
    subject = parsed["Subject"]
    assert subject.startswith("ผลการตรวจสอบแบบรายงาน: <script>alert(1)</script> =HYPERLINK(")
    assert subject.endswith("… — ต้องแก้ไข 3 รายการ") and "\n" not in subject and len(subject) < 250
    # CPython's address parser inserts spaces between adjacent encoded words (gh-128110), so the
    # display name is decoded by the RFC 2047 rules directly.
    to = str(make_header(decode_header(email.message_from_bytes(raw)["To"])))
    assert to.startswith("<script>alert(1)</script> =HYPERLINK(") and to.endswith("… <head@school01.example>")
    assert [a.addr_spec for a in parsed["To"].addresses] == ["head@school01.example"]
    html = parsed.get_body(("html",))
    assert html is not None and "<script>" not in html.get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.get_content()


# A Thai address (ครู@โรงเรียน.example) is usable now: tests/test_mail_thai_address.py; these still are not.
@pytest.mark.parametrize("to", ["not an address", f"head@school01.example{EVIL}", "", "ครู @โรงเรียน.example",
                                "ครู@โรงเรียน"])
def test_bad_recipient_is_refused(tmp_path: Path, to: str) -> None:
    with pytest.raises(MailError):
        compose(make_report(tmp_path / "a.xlsx"), to=to, config=CONFIG, html=HTML, text="t")


def test_no_sender_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MailError, match="SHEETSYNC_MAIL_FROM is not set"):
        compose(make_report(tmp_path / "a.xlsx"), to="a@x.example", config=MailConfig(), html=HTML, text="t")


def test_several_recipients(tmp_path: Path) -> None:
    message = parse(compose(make_report(tmp_path / "a.xlsx"), to=["a@x.example, B <b@x.example>", "c@y.example"],
                            config=CONFIG, html=HTML, text="t", school="โรงเรียน"))
    assert [a.addr_spec for a in message["To"].addresses] == ["a@x.example", "b@x.example", "c@y.example"]


def test_config_from_env() -> None:
    env = {"SHEETSYNC_MAIL_FROM": "Office <office@example.org>", "SHEETSYNC_SMTP_HOST": "smtp.example.org",
           "SHEETSYNC_SMTP_PORT": "2525", "SHEETSYNC_SMTP_SECURITY": "SSL", "SHEETSYNC_SMTP_USER": "office",
           "SHEETSYNC_SMTP_PASSWORD": "s3cret"}
    config = MailConfig.from_env(env)
    assert (config.host, config.smtp_port, config.security, config.user) == ("smtp.example.org", 2525, "ssl", "office")
    assert config.password(env) == "s3cret"
    assert "s3cret" not in repr(config)
    assert MailConfig.from_env({}).smtp_port == 587


@pytest.mark.parametrize("env, message", [
    ({"SHEETSYNC_SMTP_PORT": "smtp"}, "not a number"),
    ({"SHEETSYNC_SMTP_PORT": "70000"}, "out of range"),
    ({"SHEETSYNC_SMTP_SECURITY": "tls13"}, "unknown SMTP security"),
])
def test_bad_config_is_a_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(MailError, match=message):
        MailConfig.from_env(env)


def test_password_comes_only_from_the_environment() -> None:
    config = MailConfig(from_addr="o@example.org", host="smtp.example.org", user="office")
    with pytest.raises(MailError, match="SHEETSYNC_SMTP_PASSWORD is not"):
        config.password({})
    plain = MailConfig(from_addr="o@example.org", host="smtp.example.org", security="none", user="office")
    with pytest.raises(MailError, match="unencrypted"):
        plain.password({"SHEETSYNC_SMTP_PASSWORD": "s3cret"})


def test_recipient_for(tmp_path: Path) -> None:
    roster = [Recipient("school-01", "โรงเรียนวัดไทร", "head@school01.example")]
    report = make_report(tmp_path / "a.xlsx")
    assert recipient_for(report, roster) == roster[0]
    chosen = recipient_for(report, roster, to="other@x.example")
    assert (chosen.email, chosen.school) == ("other@x.example", "โรงเรียนวัดไทร")
    with pytest.raises(MailError, match="not on the roster"):
        recipient_for(make_report(tmp_path / "a.xlsx", recipient="school-99"), roster)


def test_outbox_names_are_safe_unique_and_written_atomically(tmp_path: Path) -> None:
    outbox = OutboxMailer(tmp_path / "outbox")
    report = make_report(tmp_path / "วัด:ไทร*?\r\n.xlsx", recipient="CON")
    message = compose(report, to="a@x.example", config=CONFIG, html=HTML, text="t")
    first, second = outbox.write(message), outbox.write(message)
    assert first.name == "CON วัด_ไทร__.eml" and second.name == "CON วัด_ไทร__-2.eml"
    assert pending(tmp_path / "outbox") == sorted([first, second])
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == sorted([first.name, second.name])
    assert first.read_bytes() == message.as_bytes(policy=SMTP)


def test_the_text_part_explains_the_marked_copy_as_the_html_part_does(tmp_path: Path, workbook: Path) -> None:
    """The HTML part says the wrong cells of the attached copy are red (notes yellow) and that she may
    correct them in it and send it back; the text part said only "ไฟล์แนบ: …-ตรวจแล้ว.xlsx". It says the
    same words now, Thai then English, before the line naming the file — and only with a copy attached."""
    report = make_report(workbook, errors=3, warnings=1)
    marked = Attachment("โรงเรียนวัดไทร แบบรายงาน-ตรวจแล้ว.xlsx", workbook.read_bytes(), XLSX)
    said = [render("report.invalid", lang, errors=3, warnings=1) for lang in ("th", "en")]
    message = parse(compose(report, to="head@school01.example", config=CONFIG, html=render_html(report, marked=True),
                            text="C5", attachments=[marked], school="โรงเรียนวัดไทร"))
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert all(escape(line) in html for line in said)
    assert -1 < text.index(said[0]) < text.index(said[1]) < text.index("ไฟล์แนบ: "), text
    bare = parse(compose(report, to="head@school01.example", config=CONFIG, html=HTML, text="C5",
                         school="โรงเรียนวัดไทร"))
    assert said[0] not in bare.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_new_message_names_the_project_in_its_subject_a_reply_keeps_its_own(tmp_path: Path) -> None:
    """A school with two projects got two e-mails both headed "ผลการตรวจสอบแบบรายงาน: <school> — …": the
    key (the project's code, with its field's title) tells them apart in a new message's subject, even
    after a very long school name, within 200 characters; a reply in the school's thread keeps "Re: …"."""
    report = make_report(tmp_path / "a.xlsx", errors=3)
    key = "รหัสโครงการ 50360000-3600"
    message = compose(report, to="head@school01.example", config=CONFIG, html=HTML, text="x", school="โรงเรียนวัดไทร",
                      key=key)
    assert message["Subject"] == "ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดไทร รหัสโครงการ 50360000-3600 — ต้องแก้ไข 3 รายการ"
    long = compose(report, to="head@school01.example", config=CONFIG, html=HTML, text="x", school="ก" * 5000, key=key)
    assert key in long["Subject"] and len(long["Subject"]) <= 200
    reply = compose(report, to="head@school01.example", config=CONFIG, html=HTML, text="x", school="โรงเรียนวัดไทร",
                    key=key, thread=Thread("<a@s1.example>", subject="ส่งรายงาน"))
    assert reply["Subject"] == "Re: ส่งรายงาน"
