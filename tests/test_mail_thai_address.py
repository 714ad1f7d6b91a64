"""Thai e-mail addresses (THNIC's อีเมลภาษาไทย): a ``.ไทย`` domain travels as ``xn--`` through any SMTP server
(aiosmtpd on 127.0.0.1) and is shown in Thai; a Thai local part needs SMTPUTF8, and without it that one mail
waits with one clear line; broken addresses are refused as before."""

from __future__ import annotations

import email
from pathlib import Path
from typing import Iterator

import pytest
from typer.testing import CliRunner

from sheetsync.cli import app
from sheetsync.address import is_address, same_address, shown_address, wire_address
from sheetsync.errors import MailError, RosterError
from sheetsync.mailer import MailConfig, OutboxMailer, SmtpMailer, compose, pending, read_message, send_outbox
from sheetsync.mailer._headers import header_text, parse_addresses
from sheetsync.roster import read_roster
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_mail_smtp import HTML, Server, report_for, run_server

THAI_DOMAIN = "somsri@โรงเรียนวัดสุทธิ.ไทย"
THAI_LOCAL = "ครูสมศรี@โรงเรียนวัดสุทธิ.ไทย"
WIRE_DOMAIN = "xn--72c0ajec7cfb2b5a9ewbe2c1g3a.xn--o3cw4h"
SCHOOL = "โรงเรียนวัดสุทธิ"


@pytest.fixture
def plain_server() -> Iterator[Server]:
    """An SMTP server that does not offer SMTPUTF8 (aiosmtpd's Controller offers it unless told not to)."""
    yield from run_server(enable_SMTPUTF8=False)


@pytest.fixture
def utf8_server() -> Iterator[Server]:
    """An SMTP server that offers SMTPUTF8 (RFC 6531)."""
    yield from run_server(enable_SMTPUTF8=True)


@pytest.fixture
def workbook(tmp_path: Path, progress_form: Form) -> Path:
    path = tmp_path / "returned" / "แบบรายงาน.xlsx"
    write_template(progress_form, path, recipient="school-01")
    return path


def queue(outbox: Path, config: MailConfig, workbook: Path, to: str, n: int = 1) -> Path:
    return OutboxMailer(outbox).write(compose(report_for(workbook, recipient=f"school-{n:02}"), to=to, config=config,
                                              html=HTML, text="C5: required", attachments=[workbook], school=SCHOOL))


def test_the_wire_domain_is_the_one_thnic_gives() -> None:
    assert wire_address(THAI_DOMAIN) == f"somsri@{WIRE_DOMAIN}"
    assert shown_address(f"somsri@{WIRE_DOMAIN}") == THAI_DOMAIN
    assert same_address(f"SomSri@{WIRE_DOMAIN.upper()}", THAI_DOMAIN)


def test_sara_am_travels_as_browsers_and_mail_servers_write_it() -> None:
    # ำ (U+0E33) is mapped to ํ + า by UTS 46, as browsers, THNIC and email-validator (IDNA 2008 with
    # UTS 46) convert it; Python's codec (IDNA 2003) does the same. Pinned: a codec that refused it, or
    # kept it, would send a school's mail to another domain, or none.
    assert wire_address("saraban@สำนักงานเขต.ไทย") == "saraban@xn--12cco1dqc9i9bhe9m2f.xn--o3cw4h"
    assert is_address("saraban@สำนักงานเขต.ไทย") and is_address("ครูกำแพง@กำแพงเพชร.ไทย")


@pytest.mark.parametrize("address", [THAI_DOMAIN, THAI_LOCAL, f"somsri@{WIRE_DOMAIN}", "ครู.สมศรี@school.example",
                                     "head@school01.example", "a+b@sub.โรงเรียน.ไทย"])
def test_usable_addresses(address: str) -> None:
    assert is_address(address)
    [parsed] = parse_addresses(f"ครูสมศรี <{address}>")
    assert same_address(parsed.addr_spec, address)


@pytest.mark.parametrize("address", ["somsri@", "@โรงเรียน.ไทย", "ครูสมศรี", "somsri@โรงเรียนวัดสุทธิ",
                                     "ครู สมศรี@โรงเรียน.ไทย", "somsri@โรงเรียน วัดสุทธิ.ไทย", "som\x01sri@x.ไทย",
                                     "ครู\u200bสมศรี@โรงเรียน.ไทย", "somsri@โรงเรียน..ไทย", ".somsri@x.org",
                                     "somsri@-โรงเรียน.ไทย", "a@b@c.org"])
def test_broken_addresses_are_still_refused(address: str, tmp_path: Path) -> None:
    assert not is_address(address)
    with pytest.raises(MailError):
        parse_addresses(address)
    roster = tmp_path / "schools.csv"
    roster.write_text(f"recipient_id,school_name,email\ns1,{SCHOOL},\"{address}\"\n", encoding="utf-8")
    with pytest.raises(RosterError, match="roster.csv|schools.csv"):
        read_roster(roster)


def test_the_roster_takes_thai_addresses_and_shows_them_in_thai(tmp_path: Path) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text(f"recipient_id,school_name,email\ns1,{SCHOOL},{THAI_LOCAL}\n"
                      f"s2,โรงเรียนวัดไทร,somsri@{WIRE_DOMAIN}\n", encoding="utf-8")
    one, two = read_roster(roster)
    assert one.emails == (THAI_LOCAL,) and two.emails == (THAI_DOMAIN,)


def test_a_thai_sender_in_the_settings_is_taken() -> None:
    MailConfig(from_addr="สำนักงานเขต <สารบรรณ@สพป.ไทย>").check_sender()


def test_a_thai_domain_goes_as_idna_through_any_server(plain_server: Server, workbook: Path, tmp_path: Path) -> None:
    config = plain_server.config(from_addr="สำนักงานเขตจอมทอง <office@สพป.ไทย>", reply_to="help@สพป.ไทย")
    queued = queue(tmp_path / "outbox", config, workbook, THAI_DOMAIN)
    assert f"somsri@{WIRE_DOMAIN}" in queued.read_text(encoding="ascii")  # the outbox file is plain ASCII
    with SmtpMailer(config) as mailer:
        result = send_outbox(tmp_path / "outbox", mailer)
    assert result.ok
    [envelope] = plain_server.handler.envelopes
    assert envelope.rcpt_tos == [f"somsri@{WIRE_DOMAIN}"] and "SMTPUTF8" not in envelope.mail_options
    assert envelope.mail_from == wire_address("office@สพป.ไทย")
    [message] = plain_server.messages()
    assert [a.addr_spec for a in message["To"].addresses] == [f"somsri@{WIRE_DOMAIN}"]
    assert header_text(message, "To") == f"{SCHOOL} <somsri@{WIRE_DOMAIN}>"  # the name as mail programs read it
    assert message["Message-ID"].endswith(f"@{wire_address('x@สพป.ไทย').split('@')[1]}>")
    assert [shown_address(a.addr_spec) for a in message["Reply-To"].addresses] == ["help@สพป.ไทย"]


def test_a_thai_local_part_goes_with_smtputf8(utf8_server: Server, workbook: Path, tmp_path: Path) -> None:
    config = utf8_server.config()
    queue(tmp_path / "outbox", config, workbook, THAI_LOCAL)
    with SmtpMailer(config) as mailer:
        result = send_outbox(tmp_path / "outbox", mailer)
    assert result.ok, result.lines()
    [envelope] = utf8_server.handler.envelopes
    assert "SMTPUTF8" in envelope.mail_options
    assert [shown_address(a) for a in envelope.rcpt_tos] == [THAI_LOCAL]
    raw = envelope.original_content or b""
    assert f"<{wire_address(THAI_LOCAL)}>\r\n".encode("utf-8") in raw  # raw UTF-8, as RFC 6532 has it
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert header_text(message, "To") == f"{SCHOOL} <{wire_address(THAI_LOCAL)}>"  # the school's name in Thai
    assert message["Subject"].startswith("ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดสุทธิ")


def test_without_smtputf8_that_mail_waits_and_the_others_go(plain_server: Server, workbook: Path,
                                                            tmp_path: Path) -> None:
    outbox, config = tmp_path / "outbox", plain_server.config()
    first = queue(outbox, config, workbook, "head@school01.example", 1)
    thai = queue(outbox, config, workbook, THAI_LOCAL, 2)
    third = queue(outbox, config, workbook, THAI_DOMAIN, 3)
    assert read_message(thai)["To"].addresses[0].username == "ครูสมศรี"  # kept whole in the outbox file
    with SmtpMailer(config) as mailer:
        result = send_outbox(outbox, mailer)
    assert sorted(p.name for p in result.sent) == sorted([first.name, third.name])
    assert pending(outbox) == [thai]  # nothing lost: it waits for an address or a server that can take it
    [line] = result.lines()
    th, en = line.removeprefix(f"{thai.name}: ").split(" / ", 1)
    assert SCHOOL in th and THAI_LOCAL in th and "SMTPUTF8" in th and "อังกฤษ" in th
    assert THAI_LOCAL in en and "SMTPUTF8" in en
    assert [e.rcpt_tos for e in plain_server.handler.envelopes] == [["head@school01.example"],
                                                                    [f"somsri@{WIRE_DOMAIN}"]]


def test_the_outbox_list_shows_thai_addresses_in_thai(workbook: Path, tmp_path: Path) -> None:
    config = MailConfig(from_addr="office@สพป.ไทย")
    queue(tmp_path / "outbox", config, workbook, THAI_DOMAIN)
    listed = CliRunner().invoke(app, ["mail", str(tmp_path / "outbox")])
    assert listed.exit_code == 0, listed.output
    assert f"{SCHOOL} <{THAI_DOMAIN}>" in listed.output and "xn--" not in listed.output


def test_a_refused_thai_address_is_named_in_thai(plain_server: Server, workbook: Path, tmp_path: Path) -> None:
    queued = queue(tmp_path / "outbox", plain_server.config(), workbook, THAI_DOMAIN)
    plain_server.handler.refuse_rcpt = {f"somsri@{WIRE_DOMAIN}"}
    with SmtpMailer(plain_server.config()) as mailer:
        result = send_outbox(tmp_path / "outbox", mailer)
    [line] = result.lines()
    assert line.startswith(f"{queued.name}: เครื่องส่งอีเมลไม่รับอีเมลผู้รับ {THAI_DOMAIN} ")  # to find in roster.csv
    assert pending(tmp_path / "outbox") == [queued]


@pytest.mark.parametrize("mailbox", ["reports@สพป.ไทย", f"reports@{wire_address('x@สพป.ไทย').split('@')[1]}"])
def test_answers_to_the_fetched_thai_mailbox_need_no_note(mailbox: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sheetsync.cli.template import _say_where_answers_go

    _say_where_answers_go(MailConfig(from_addr="office@สพป.ไทย", reply_to="Reports <reports@สพป.ไทย>"), mailbox)
    assert capsys.readouterr().err == ""  # the same mailbox, whichever way its domain is written


def test_a_thai_reply_to_travels_with_smtputf8_or_waits(utf8_server: Server, plain_server: Server, workbook: Path,
                                                         tmp_path: Path) -> None:
    # The office's fetched mailbox under a Thai name: every mail names it, whoever it goes to.
    outbox = tmp_path / "outbox"
    queued = queue(outbox, plain_server.config(reply_to="สารบรรณ@สพป.ไทย"), workbook, "head@school01.example")
    with SmtpMailer(plain_server.config()) as mailer:
        refused = send_outbox(outbox, mailer)
    [line] = refused.lines()
    assert "สารบรรณ@สพป.ไทย" in line and "SMTPUTF8" in line and pending(outbox) == [queued]
    with SmtpMailer(utf8_server.config()) as mailer:
        assert send_outbox(outbox, mailer).ok
    [envelope] = utf8_server.handler.envelopes
    assert "SMTPUTF8" in envelope.mail_options and envelope.rcpt_tos == ["head@school01.example"]
    assert f"Reply-To: <{wire_address('สารบรรณ@สพป.ไทย')}>\r\n".encode("utf-8") in (envelope.original_content or b"")
