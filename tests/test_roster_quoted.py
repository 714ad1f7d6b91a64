"""A school's address with a quoted local part (``"a b"@school.example``, RFC 5321): mail from it was answered
(:func:`sheetsync.address.is_quoted_address`), but a roster.csv listing the very same address was refused as
"not an e-mail address", so the school could not be sent its template. The roster now takes what the mail
side takes — one predicate, :func:`sheetsync.address.usable_address` — and the template goes to it; no CR, LF
or NUL written inside the quotes ever reaches a header or an SMTP command (such an address is refused).
"""

from __future__ import annotations

from email.utils import getaddresses
from pathlib import Path

import pytest

from sheetsync.address import split_addresses, usable_address
from sheetsync.errors import RosterError
from sheetsync.roster import read_roster
from tests.cli import run
from tests.test_mail_smtp import Server
from tests.test_office_moved import make_office

HEAD = "recipient_id,school_name,email,project_code\n"


def _roster(tmp_path: Path, cell: str) -> Path:
    path = tmp_path / "roster.csv"
    quoted = cell.replace('"', '""')  # as Excel saves a cell holding quotes
    path.write_text(f'{HEAD}s1,โรงเรียนวัดไทร,"{quoted}",50360000-3553\n', encoding="utf-8", newline="")
    return path


def test_one_predicate_judges_both_sides() -> None:
    assert usable_address('"a b"@school.example') and usable_address("head@s1.example")
    assert usable_address('"a \\"b\\""@school.example') and usable_address("ครู@โรงเรียน.ไทย")
    for refused in ("a b@school.example", '"a b"@localhost', '"a\r\nRCPT TO:<x@evil.example>"@school.example',
                    '"a\x00b"@school.example', '"ab@school.example', '"ครู"@school.example', '""@school.example'):
        assert not usable_address(refused), refused
    assert split_addresses('"a, b"@school.example; head@s1.example') == ['"a, b"@school.example', "head@s1.example"]


@pytest.mark.parametrize("cell, emails", [
    ('"a b"@school.example', ('"a b"@school.example',)),
    ('"a; b"@school.example, head@s1.example', ('"a; b"@school.example', "head@s1.example")),
])
def test_a_roster_takes_a_quoted_address(tmp_path: Path, cell: str, emails: tuple[str, ...]) -> None:
    [school] = read_roster(_roster(tmp_path, cell))
    assert school.emails == emails


@pytest.mark.parametrize("cell", ['"a\rb"@school.example', '"a\nBcc: x@evil.example"@school.example',
                                  '"a\x00b"@school.example', '"a b@school.example'])
def test_a_quoted_address_with_a_control_or_no_closing_quote_is_refused(tmp_path: Path, cell: str) -> None:
    with pytest.raises(RosterError) as caught:
        read_roster(_roster(tmp_path, cell))
    assert "บรรทัด" in str(caught.value).split(" / ")[0], caught.value  # Thai first, naming the line


def test_a_template_is_queued_and_sent_to_a_quoted_address(tmp_path: Path, smtp: Server) -> None:
    office = make_office(tmp_path, smtp)
    _roster(office, '"a b"@school.example')
    queued = run("template", "--roster", "roster.csv", "-o", "templates", "--email", cwd=office)
    assert queued.returncode == 0, queued.stderr
    sent = run("sync", "--send", cwd=office)
    assert sent.returncode == 0, sent.stderr
    [envelope] = smtp.handler.envelopes
    assert envelope.rcpt_tos == ['"a b"@school.example'], envelope.rcpt_tos
    raw = envelope.original_content or b""
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\x00" not in raw and b"\r" not in head.replace(b"\r\n", b"") and b"\n" not in head.replace(b"\r\n", b"")
    [message] = smtp.messages()
    assert getaddresses([str(message["To"])])[0][1] == '"a b"@school.example', message["To"]
    assert not (office / "outbox" / "held").exists()  # the roster and the invitation name the same address


@pytest.mark.parametrize("cell", ['"a\\b"@school.example', '"\\a b"@school.example'])
def test_a_quoted_local_part_escaping_what_needs_no_escape_is_refused_as_the_mail_side_refuses_it(
        tmp_path: Path, cell: str) -> None:
    """``"a\\b"@…`` was taken by the roster, then refused by the mail side (which reads it as ``ab`` and finds
    no ``"ab"`` written): the template could not be sent. One judge: both refuse it, the roster naming its line."""
    from sheetsync.errors import MailError
    from sheetsync.mailer._headers import parse_addresses

    with pytest.raises(MailError):
        parse_addresses(cell)
    assert not usable_address(cell)
    with pytest.raises(RosterError):
        read_roster(_roster(tmp_path, cell))


def test_a_stray_quote_inside_an_address_is_refused_naming_the_address_as_typed(tmp_path: Path) -> None:
    """``a"b@s1.example`` (one quote, typed by slip) was cut at the quote: the clerk was told ``'a'`` is no
    address, which she never typed."""
    assert split_addresses('a"b@s1.example, c@s2.example') == ['a"b@s1.example', "c@s2.example"]
    with pytest.raises(RosterError) as caught:
        read_roster(_roster(tmp_path, 'a"b@s1.example, c@s2.example'))
    assert "a\"b@s1.example" in str(caught.value), caught.value
