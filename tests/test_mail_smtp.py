"""Delivery against a real SMTP server (aiosmtpd) on 127.0.0.1: what arrives, and what fails."""

from __future__ import annotations

import email
import shutil
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from sheetsync.spec.form import Form
from sheetsync.mailer import (MailConfig, OutboxMailer, SendError, SmtpMailer, compose, compose_digest, pending,
                              send_outbox, send_report)
from sheetsync.check.reader import read_filled
from sheetsync.check.report import Finding, Report
from sheetsync.roster import Recipient
from sheetsync.template.write import write_template

SUBJECT = "ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดไทร — ต้องแก้ไข 2 รายการ"
PASSWORD = "s3cret ลับ"  # non-ASCII on purpose: smtplib must send it as UTF-8
GOOD_LOGINS = {(b"office", PASSWORD.encode()), (b"office", b"ascii-only")}
HTML = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body><p>findings</p></body></html>"


class Handler:
    """Collects every envelope; can be told to refuse recipients or the message data."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.refuse_rcpt: set[str] = set()
        self.refuse_data: str | None = None

    async def handle_RCPT(self, server: Any, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse_rcpt:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.refuse_data:
            return self.refuse_data
        self.envelopes.append(envelope)
        return "250 OK: queued"


@dataclass
class Server:
    """A running aiosmtpd server and what it received."""

    port: int
    handler: Handler
    logins: list[tuple[str, str]] = field(default_factory=list)

    def config(self, **changes: Any) -> MailConfig:
        settings: dict[str, Any] = {"from_addr": "สำนักงานเขตจอมทอง <office@example.org>",
                                    "reply_to": "help@example.org", "host": "127.0.0.1", "port": self.port,
                                    "security": "none", "timeout": 5.0}
        return MailConfig(**{**settings, **changes})

    def messages(self) -> list[EmailMessage]:
        parsed = [email.message_from_bytes(e.original_content or b"", policy=default) for e in self.handler.envelopes]
        assert all(isinstance(m, EmailMessage) for m in parsed)
        return parsed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run_server(**smtp_options: Any) -> Iterator[Server]:
    handler = Handler()
    server = Server(free_port(), handler)

    def authenticate(smtp: Any, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        server.logins.append((data.login.decode(), data.password.decode()))
        # handled=False: let aiosmtpd answer "535" itself on failure (by default it answers nothing).
        return AuthResult(success=(data.login, data.password) in GOOD_LOGINS, handled=False)

    if smtp_options.pop("auth", False):
        smtp_options.update(authenticator=authenticate, auth_require_tls=False)
    controller = Controller(handler, hostname="127.0.0.1", port=server.port, **smtp_options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def auth_server() -> Iterator[Server]:
    """An SMTP server that wants a login (office / PASSWORD)."""
    yield from run_server(auth=True)


@pytest.fixture
def workbook(tmp_path: Path, progress_form: Form) -> Path:
    path = tmp_path / "returned" / "โรงเรียนวัดไทร แบบรายงาน.xlsx"
    write_template(progress_form, path, recipient="school-01")
    return path


def report_for(path: Path, errors: int = 2, recipient: str = "school-01") -> Report:
    finding = Finding("required", "error", "แบบรายงาน", "C5", "/project/code", "", "ช่อง C5 ยังไม่ได้กรอก",
                      "Cell C5 is empty")
    return Report(path=path, form_id="progress-report", metadata={"recipient": recipient}, findings=[finding] * errors)


def fill_outbox(outbox: Path, config: MailConfig, workbook: Path, *to: str) -> list[Path]:
    mailer = OutboxMailer(outbox)
    return [mailer.write(compose(report_for(workbook, recipient=f"school-{n:02}"), to=address, config=config,
                                 html=HTML, text="C5: required", attachments=[workbook], school="โรงเรียนวัดไทร"))
            for n, address in enumerate(to, 1)]


def test_a_message_arrives_intact(smtp_server: Server, workbook: Path, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    [queued] = fill_outbox(outbox, smtp_server.config(), workbook, "head@school01.example")
    with SmtpMailer(smtp_server.config()) as mailer:
        result = send_outbox(outbox, mailer)
    assert result.ok and [p.name for p in result.sent] == [queued.name]
    assert pending(outbox) == [] and (outbox / "sent" / queued.name).exists()
    [envelope] = smtp_server.handler.envelopes
    assert envelope.mail_from == "office@example.org" and envelope.rcpt_tos == ["head@school01.example"]
    [message] = smtp_server.messages()
    assert message["Subject"] == SUBJECT
    assert [a.addr_spec for a in message["From"].addresses] == ["office@example.org"]
    assert str(make_header(decode_header(email.message_from_bytes(envelope.original_content or b"")["From"]))) \
        == "สำนักงานเขตจอมทอง <office@example.org>"
    assert [a.addr_spec for a in message["To"].addresses] == ["head@school01.example"]
    assert [a.addr_spec for a in message["Reply-To"].addresses] == ["help@example.org"]
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    parts = {p.get_filename(): p.get_content() for p in message.iter_attachments()}
    assert parts[workbook.name] == workbook.read_bytes()
    assert set(parts) == {workbook.name}
    received = tmp_path / "received.xlsx"
    received.write_bytes(parts[workbook.name])
    assert read_filled(received).metadata["recipient"] == "school-01"


def test_send_without_a_session_connects_per_message(smtp_server: Server, workbook: Path) -> None:
    mailer = SmtpMailer(smtp_server.config())
    for _ in range(2):
        send_report(report_for(workbook), config=smtp_server.config(), to="head@school01.example", html=HTML,
                    text="t", attachments=[workbook], mailer=mailer, school="โรงเรียนวัดไทร")
    assert [m["Subject"] for m in smtp_server.messages()] == [SUBJECT, SUBJECT]


def test_refused_recipient_stays_in_the_outbox_until_fixed(smtp_server: Server, workbook: Path,
                                                           tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    good, bad, good2 = fill_outbox(outbox, smtp_server.config(), workbook, "a@school01.example",
                                   "typo@school02.example", "c@school03.example")
    smtp_server.handler.refuse_rcpt = {"typo@school02.example"}
    with SmtpMailer(smtp_server.config()) as mailer:
        first = send_outbox(outbox, mailer)
    assert [p.name for p in first.sent] == [good.name, good2.name]
    [line] = first.lines()  # Thai first (which address, to check in roster.csv), then the server's own words
    assert line.startswith(f"{bad.name}: เครื่องส่งอีเมลไม่รับอีเมลผู้รับ typo@school02.example ")
    assert line.endswith(" / SMTP server refused the recipient: "
                         "typo@school02.example: 550 5.1.1 <typo@school02.example>: mailbox unavailable")
    assert pending(outbox) == [bad]
    smtp_server.handler.refuse_rcpt.clear()  # the fix: the server accepts the address now
    with SmtpMailer(smtp_server.config()) as mailer:
        second = send_outbox(outbox, mailer)
    assert second.ok and [p.name for p in second.sent] == [bad.name] and pending(outbox) == []
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["a@school01.example"], ["c@school03.example"],
                                                                   ["typo@school02.example"]]


def test_refused_data_is_reported_and_kept(smtp_server: Server, workbook: Path, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    [queued] = fill_outbox(outbox, smtp_server.config(), workbook, "a@school01.example")
    before = queued.read_bytes()
    smtp_server.handler.refuse_data = "554 5.7.1 Message rejected as spam"
    result = send_outbox(outbox, SmtpMailer(smtp_server.config()))
    [line] = result.lines()
    assert line.startswith(f"{queued.name}: เครื่องส่งอีเมลไม่รับอีเมลนี้ (554 5.7.1 Message rejected as spam)")
    assert line.endswith(" / SMTP server refused: 554 5.7.1 Message rejected as spam")
    assert pending(outbox) == [queued] and queued.read_bytes() == before
    assert not (outbox / "sent").exists()


def test_a_stray_file_is_reported_and_the_rest_sent(smtp_server: Server, workbook: Path, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    [queued] = fill_outbox(outbox, smtp_server.config(), workbook, "a@school01.example")
    (outbox / "notes.eml").write_text("Subject: hand-written\r\n\r\nno sender, no recipient\r\n")
    (outbox / ".half-written.tmp").write_bytes(b"From: x")
    result = send_outbox(outbox, SmtpMailer(smtp_server.config()))
    assert [p.name for p in result.sent] == [queued.name]
    [line] = result.lines()  # Thai first, the file named once
    assert line.startswith("notes.eml: ไฟล์นี้ไม่ใช่อีเมลที่ส่งได้")
    assert line.endswith(" / not a message sheetsync can send (no From or no recipient)")
    assert len(smtp_server.messages()) == 1


def test_a_bad_cafile_is_a_clear_failure(smtp_server: Server, workbook: Path, tmp_path: Path) -> None:
    config = smtp_server.config(security="starttls", cafile=str(tmp_path / "missing-ca.pem"))
    with pytest.raises(SendError, match="SHEETSYNC_SMTP_CAFILE .*missing-ca.pem: cannot load") as caught:
        SmtpMailer(config).send(compose(report_for(workbook), to="a@school01.example", config=config, html=HTML,
                                        text="t"))
    assert caught.value.fatal


def test_server_down_leaves_the_outbox_intact(workbook: Path, tmp_path: Path) -> None:
    port = free_port()  # nothing listens here
    config = MailConfig(from_addr="office@example.org", host="127.0.0.1", port=port, security="none", timeout=5)
    outbox = tmp_path / "outbox"
    queued = fill_outbox(outbox, config, workbook, "a@school01.example", "b@school02.example")
    before = {p: p.read_bytes() for p in queued}
    with SmtpMailer(config) as mailer:
        result = send_outbox(outbox, mailer)
    # Thai first for the clerk (the sync prints "ส่งไม่ได้ / not sent: …" before it), English after " / ".
    thai = (f"เชื่อมต่อเครื่องส่งอีเมล 127.0.0.1:{port} ไม่ได้ เพราะเครื่องนั้นไม่รับการเชื่อมต่อ "
            "กรุณาตรวจชื่อเครื่องและพอร์ตของเครื่องส่งอีเมล อีเมลยังรออยู่ในกล่องขาออก")
    english = f"cannot connect to SMTP server 127.0.0.1:{port}: Connection refused"
    assert result.sent == []
    # The one not tried says so in each half (it said "not sent: " before the Thai).
    assert result.lines() == [f"{queued[0].name}: {thai} / {english}",
                              f"{queued[1].name}: ยังไม่ได้ลองส่ง: {thai} / not sent: {english}"]
    assert {p: p.read_bytes() for p in pending(outbox)} == before


def test_a_server_that_never_answers_is_a_timeout_said_in_thai(workbook: Path, tmp_path: Path) -> None:
    with socket.socket() as silent:  # takes the connection (the kernel does) but never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        config = MailConfig(from_addr="office@example.org", host="127.0.0.1", port=port, security="none", timeout=1)
        with pytest.raises(SendError) as caught:
            SmtpMailer(config).send(compose(report_for(workbook), to="a@school01.example", config=config, html=HTML,
                                            text="t"))
    assert caught.value.fatal
    assert caught.value.reason == (
        f"เชื่อมต่อเครื่องส่งอีเมล 127.0.0.1:{port} ไม่ได้ภายใน 1 วินาที (หมดเวลา) กรุณาตรวจการเชื่อมต่อเครือข่าย"
        f"และชื่อเครื่องส่งอีเมล อีเมลยังรออยู่ในกล่องขาออก / cannot connect to SMTP server 127.0.0.1:{port}: "
        "Connection unexpectedly closed: timed out")


def test_login_with_the_password_from_the_environment(auth_server: Server, workbook: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_SMTP_PASSWORD", PASSWORD)
    with SmtpMailer(auth_server.config(user="office")) as mailer:
        for _ in range(3):
            mailer.send(compose(report_for(workbook), to="a@school01.example", config=auth_server.config(),
                                html=HTML, text="t"))
    assert len(auth_server.messages()) == 3
    assert auth_server.logins == [("office", PASSWORD)]  # one connection, one login, for the batch


def test_failed_login_stops_the_batch(auth_server: Server, workbook: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_SMTP_PASSWORD", "wrong")
    outbox = tmp_path / "outbox"
    queued = fill_outbox(outbox, auth_server.config(), workbook, "a@school01.example", "b@school02.example")
    with SmtpMailer(auth_server.config(user="office")) as mailer:
        result = send_outbox(outbox, mailer)
    assert len(auth_server.logins) == 1  # not once per message: that locks accounts
    thai = ("เข้าระบบเครื่องส่งอีเมลในชื่อ 'office' ไม่สำเร็จ กรุณาตรวจชื่อผู้ใช้และรหัสผ่าน (SHEETSYNC_SMTP_PASSWORD) "
            "อีเมลยังรออยู่ในกล่องขาออก")
    assert result.lines()[0].startswith(f"{queued[0].name}: {thai} / SMTP login as 'office' failed: 535")
    assert result.lines()[1].startswith(f"{queued[1].name}: ยังไม่ได้ลองส่ง: {thai} / not sent: SMTP login")
    assert pending(outbox) == queued and auth_server.messages() == []


@pytest.mark.parametrize("password, error", [("ascii-only", None), (PASSWORD, "offers no AUTH PLAIN")])
def test_login_without_auth_plain(workbook: Path, monkeypatch: pytest.MonkeyPatch, password: str,
                                  error: str | None) -> None:
    monkeypatch.setenv("SHEETSYNC_SMTP_PASSWORD", password)
    for server in run_server(auth=True, auth_exclude_mechanism=["PLAIN"]):
        mailer = SmtpMailer(server.config(user="office"))
        message = compose(report_for(workbook), to="a@school01.example", config=server.config(), html=HTML, text="t")
        if error is None:
            mailer.send(message)
            assert server.logins == [("office", password)] and len(server.messages()) == 1
        else:
            with pytest.raises(SendError, match=error):
                mailer.send(message)


def test_missing_password_is_reported_not_prompted(auth_server: Server, workbook: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETSYNC_SMTP_PASSWORD", raising=False)
    with pytest.raises(SendError, match="SHEETSYNC_SMTP_PASSWORD is not") as caught:
        SmtpMailer(auth_server.config(user="office")).send(
            compose(report_for(workbook), to="a@school01.example", config=auth_server.config(), html=HTML, text="t"))
    assert caught.value.fatal


def test_bcc_injection_never_reaches_the_envelope(smtp_server: Server, workbook: Path) -> None:
    evil = "โรงเรียน\r\nBcc: evil@example.com\r\n"
    report = report_for(workbook.with_name(f"{evil}.xlsx"), recipient=evil)
    SmtpMailer(smtp_server.config()).send(compose(report, to=f'"{evil}" <a@school01.example>',
                                                  config=smtp_server.config(), html=HTML, text="t", school=evil))
    [envelope] = smtp_server.handler.envelopes
    assert envelope.rcpt_tos == ["a@school01.example"]
    [message] = smtp_server.messages()
    assert message["Bcc"] is None and "\n" not in message["Subject"]
    raw_head = (envelope.original_content or b"").split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc" not in raw_head and max(len(line) for line in raw_head.split(b"\r\n")) <= 78


def test_the_digest_is_delivered(smtp_server: Server, workbook: Path) -> None:
    roster = [Recipient("school-01", "โรงเรียนวัดไทร", "a@school01.example"),
              Recipient("school-02", "<b>โรงเรียนบางมด</b>", "b@school02.example")]
    message = compose_digest([report_for(workbook)], roster, smtp_server.config(digest_to="boss@example.org"))
    SmtpMailer(smtp_server.config()).send(message)
    [received] = smtp_server.messages()
    assert smtp_server.handler.envelopes[0].rcpt_tos == ["boss@example.org"]
    assert received["Subject"] == ("สรุปผลการตรวจสอบแบบรายงาน: ผ่าน 0 · ต้องแก้ไข 1 · เปิดไม่ได้ 0 · ยังไม่ส่ง 1")


# TLS: a throw-away certificate for 127.0.0.1, trusted through MailConfig.cafile.

@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_encrypted_delivery(certificate: tuple[Path, Path], workbook: Path, security: str,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    options: dict[str, Any] = {"auth": True}
    if security == "ssl":
        options["ssl_context"] = server_context(certificate)
    else:
        options.update(tls_context=server_context(certificate), require_starttls=True)
    monkeypatch.setenv("SHEETSYNC_SMTP_PASSWORD", PASSWORD)
    for server in run_server(**options):
        config = server.config(security=security, user="office", cafile=str(certificate[0]))
        SmtpMailer(config).send(compose(report_for(workbook), to="a@school01.example", config=config, html=HTML,
                                        text="t", attachments=[workbook], school="โรงเรียนวัดไทร"))
        [message] = server.messages()
        assert message["Subject"] == SUBJECT and server.logins == [("office", PASSWORD)]


def test_an_untrusted_certificate_is_refused(certificate: tuple[Path, Path], workbook: Path) -> None:
    for server in run_server(tls_context=server_context(certificate), require_starttls=True):
        with pytest.raises(SendError, match="cannot connect.*CERTIFICATE_VERIFY_FAILED") as caught:
            SmtpMailer(server.config(security="starttls")).send(
                compose(report_for(workbook), to="a@school01.example", config=server.config(), html=HTML, text="t"))
        assert caught.value.fatal and server.messages() == []
