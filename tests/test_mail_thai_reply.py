"""Schools writing from Thai addresses (อีเมลภาษาไทย) into an office folder: real Dovecot, real SMTP (aiosmtpd).

Each is answered in its thread at the address it wrote from; a Thai local part waits, with one line, while
the office's SMTP server offers no SMTPUTF8, and goes once it does; the history shows the address in Thai."""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.policy import SMTPUTF8
from pathlib import Path
from typing import Any, Iterator

import pytest

from sheetsync.address import shown_address, wire_address
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX
from tests.test_mail_office import mail_office, sheetsync
from tests.test_mail_smtp import Server, run_server

THAI_LOCAL = "ครูสมศรี@โรงเรียนวัดสุทธิ.ไทย"
THAI_DOMAIN = "somsri@โรงเรียนวัดไทร.ไทย"
ROSTER = f"recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดสุทธิ,{THAI_LOCAL},\ns2,โรงเรียนวัดไทร,{THAI_DOMAIN},\n"


@pytest.fixture
def plain() -> Iterator[Server]:
    yield from run_server(enable_SMTPUTF8=False)


@pytest.fixture
def utf8() -> Iterator[Server]:
    yield from run_server(enable_SMTPUTF8=True)


def thai_mail(sender: str, subject: str, name: str, data: bytes, message_id: str) -> bytes:
    """A message as a Thai mail program sends it from a Thai address: raw UTF-8 headers (RFC 6532)."""
    msg = EmailMessage(policy=SMTPUTF8)
    msg["From"], msg["To"], msg["Subject"] = sender, "reports@bma.example", subject
    msg["Date"], msg["Message-ID"] = "Mon, 02 Mar 2026 09:15:00 +0700", message_id
    msg.set_content("ส่งแบบรายงานค่ะ")
    msg.add_attachment(data, maintype="application", subtype=XLSX.split("/")[1], filename=name)
    return msg.as_bytes()


@pytest.fixture
def district(tmp_path: Path, mailbox: Mailbox, plain: Server, office_key: Path, progress_form: Form,
             seed: dict[str, Any]) -> Path:
    """An office whose roster holds Thai addresses, sending through ``plain``; two schools' files in its mailbox,
    one from a Thai local part, one from a Thai domain written as the mail program sent it (``xn--``)."""
    for rid, code in (("s1", "50360000-0001"), ("s2", "50360000-0002")):
        seed["project"]["code"] = code
        write_template(progress_form, tmp_path / "made" / f"{rid}.xlsx", data=seed, recipient=rid)
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    folder = mail_office(tmp_path, mailbox, plain, office_key, sender="สำนักงานเขตจอมทอง <office@สพป.ไทย>",
                         digest_to="boss@สพป.ไทย")
    mailbox.deliver(thai_mail(f"ครูสมศรี <{THAI_LOCAL}>", "ส่งรายงานวัดสุทธิ", "วัดสุทธิ.xlsx",
                              (tmp_path / "made" / "s1.xlsx").read_bytes(), "<s1@thai.example>"))
    mailbox.deliver(thai_mail(wire_address(THAI_DOMAIN), "ส่งรายงานวัดไทร", "วัดไทร.xlsx",
                              (tmp_path / "made" / "s2.xlsx").read_bytes(), "<s2@thai.example>"))
    return folder


def replies(server: Server) -> dict[str, Any]:
    """Each reply the server took, by the Message-ID it answers: its envelope."""
    found = {}
    for envelope in server.handler.envelopes:
        content = envelope.original_content or b""
        for line in content.split(b"\r\n"):
            if line.startswith(b"In-Reply-To: "):
                found[line.split(b": ", 1)[1].decode()] = envelope
    return found


def use_server(folder: Path, old: Server, new: Server) -> None:
    config = folder / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(f"smtp_port = {old.port}", f"smtp_port = {new.port}"),
                      encoding="utf-8")


def test_thai_senders_are_answered_in_their_thread(district: Path, plain: Server, utf8: Server) -> None:
    first = sheetsync(district, "sync", "--send")
    assert first.returncode == 1, first.stdout + first.stderr  # one e-mail could not be sent: said, and kept
    got = replies(plain)
    assert set(got) == {"<s2@thai.example>"}  # the .ไทย domain went through a server without SMTPUTF8
    assert got["<s2@thai.example>"].rcpt_tos == [wire_address(THAI_DOMAIN)]
    [line] = [l for l in first.stderr.splitlines() if "SMTPUTF8" in l]
    assert "โรงเรียนวัดสุทธิ" in line and THAI_LOCAL in line and line.index("อังกฤษ") < line.index("English")
    for name in ("วัดสุทธิ", "วัดไทร"):  # each sender is the roster's address for its school: no warning
        report = json.loads(next((district / "reports").glob(f"{name}*.json")).read_text(encoding="utf-8"))
        assert report["findings"] == [], report["findings"]
    use_server(district, plain, utf8)  # the office moves to a server that offers SMTPUTF8
    second = sheetsync(district, "sync", "--send")
    assert second.returncode == 0, second.stdout + second.stderr
    got = replies(utf8)
    assert set(got) == {"<s1@thai.example>"}  # the waiting reply went, once, in its thread
    assert [shown_address(a) for a in got["<s1@thai.example>"].rcpt_tos] == [THAI_LOCAL]
    assert "SMTPUTF8" in got["<s1@thai.example>"].mail_options
    history = sheetsync(district, "history")
    assert THAI_LOCAL in history.stdout and THAI_DOMAIN in history.stdout  # shown in Thai, as the roster has them
    assert "xn--" not in history.stdout
