"""Why an address cannot be used — a roster's, the office's sender, a recipient given with ``--to`` — was said in
English only (``sender (SHEETSYNC_MAIL_FROM) 'office' is not a valid e-mail address``): the clerk, who reads the
Thai first, read none. Each reason is now a message of ``sheetsync/messages`` with its Thai, shown first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheetsync.check.report import Report
from sheetsync.errors import MailError
from sheetsync.mailer import MailConfig, recipient_for
from sheetsync.mailer._compose import new_message
from sheetsync.mailer._headers import parse_addresses
from sheetsync.mailer._imap import cannot_answer
from sheetsync.messages import catalogue
from sheetsync.roster import Recipient
from tests.cli import new_office, run

THAI = re.compile("[\u0e01-\u0e5b]")
ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,P\n"


def _thai(exc: MailError) -> str:
    english = re.sub(r"'[^']*'", "", str(exc))  # the address as written may be Thai: the words about it are not
    assert exc.th and THAI.search(exc.th) and not THAI.search(english), (exc.th, str(exc))
    return exc.th


@pytest.mark.parametrize("written", ["office", "ครู @โรงเรียน.ไทย", "a@", '"a\\\nb"@school.example', "a b@x.example"])
@pytest.mark.parametrize("what", ["sender", "sender-settings", "recipient", "copy", "reply-to", "reply_to",
                                  "digest_to"])
def test_an_address_refused_is_said_in_thai_naming_what_it_is(written: str, what: str) -> None:
    with pytest.raises(MailError) as caught:
        parse_addresses(written, what=what)
    thai = _thai(caught.value)
    assert "อีเมล" in thai and ("address." not in thai), thai
    assert "e-mail address" in str(caught.value), str(caught.value)


def test_every_role_an_address_is_named_by_has_thai_and_english() -> None:
    roles = {k: v for k, v in catalogue("mailbox.yaml").items() if k.startswith("address.")}
    assert len(roles) >= 10 and all(THAI.search(v["th"]) and v["en"] for v in roles.values()), roles


def test_no_recipient_and_one_not_on_the_roster_are_said_in_thai(tmp_path: Path) -> None:
    with pytest.raises(MailError) as caught:
        new_message(MailConfig(from_addr="office@bma.example"), [])
    _thai(caught.value)
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example")]
    for named in ("s9", ""):
        report = Report(tmp_path / "a.xlsx", "progress-report", metadata={"recipient": named} if named else {})
        with pytest.raises(MailError) as caught:
            recipient_for(report, roster)
        assert "--to" in _thai(caught.value) and "a.xlsx" in caught.value.th


def test_a_sender_that_cannot_be_answered_is_told_why_in_thai_in_the_thai_half() -> None:
    with pytest.raises(MailError) as caught:
        parse_addresses("ครู @โรงเรียน.ไทย", what="recipient")
    line = cannot_answer("ครู <a@s1.example>", caught.value)
    thai, english = line.split(" / ", 1)
    assert "ไม่ใช่" in thai and "is not a" not in thai and "is not a usable" in english, line


def test_the_clerk_is_told_in_thai_first_that_the_offices_sender_is_no_address(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "สำนักงานเขต office"'),
                      encoding="utf-8")
    done = run("sync", cwd=office)
    assert done.returncode != 0
    thai, english = done.stderr.split(" / ", 1)
    assert THAI.search(thai) and not THAI.search(english.replace("สำนักงานเขต", "")), done.stderr
