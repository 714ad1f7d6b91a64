"""A mailbox whose server keeps no keywords of ours (Microsoft Exchange's IMAP offers no ``\\*`` in its
PERMANENTFLAGS): what the clerk read or left unread in the mail program must neither hide a school's
mail from the fetch nor be changed by it. Dovecot (tests/imap_server.py) is told to look so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.mailer import JsonlLedger, fetch
from sheetsync.mailer import _imap
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, env, fetched_since_2021, imap_config, mail_from
from tests.test_mail_hostile import office_mail


@pytest.fixture
def no_keywords(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _imap.select

    def select(client: Any, folder: str) -> tuple[bytes, ...]:
        return tuple(f for f in real(client, folder) if f != b"\\*")

    monkeypatch.setattr(_imap, "select", select)


@pytest.mark.usefixtures("no_keywords")
def test_mail_the_clerk_read_first_is_still_fetched_once_and_left_as_it_was(
        mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", good, XLSX)], "<read@s1.example>"))
    mailbox.add_flag("\\Seen")  # the clerk opened it in Outlook before the run
    mailbox.deliver(mail_from("b@s2.example", "ส่งรายงาน", [("ยายร่ม.xlsx", good + b"\0", XLSX)], "<unread@s2.example>"))
    mailbox.deliver(mail_from("d@s4.example", "scan", [("scan.pdf", b"%PDF-1.4", "application/pdf")]))  # no Message-ID
    inbox, outbox, mail = office_mail(tmp_path)
    first = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert sorted(p.name for p in first.saved) == ["ยายร่ม.xlsx", "วัดไทร.xlsx"]
    assert first.replies == 1  # the PDF's sender, told what to send
    assert [("\\Seen" in flags) for flags in mailbox.flags()] == [True, False, False]  # as the clerk left them
    again = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert again.messages == [] and again.saved == [] and again.replies == 0
    assert again.again == 1  # the message without a Message-ID, read whole to be known
    mailbox.deliver(mail_from("c@s3.example", "ส่งรายงาน", [("สี่สุก.xlsx", good + b"\0\0", XLSX)], "<new@s3.example>"))
    third = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert [p.name for p in third.saved] == ["สี่สุก.xlsx"] and len(third.messages) == 1 and third.replies == 0


@pytest.mark.usefixtures("no_keywords")
def test_a_message_recorded_but_not_moved_is_moved_by_the_next_run(mailbox: Mailbox, good: bytes,
                                                                   tmp_path: Path) -> None:
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", good, XLSX)], "<read@s1.example>"))
    inbox, outbox, mail = office_mail(tmp_path)
    fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert mailbox.count() == 1  # recorded; the run that would have moved it stopped (no done folder here)
    moved = fetch(imap_config(mailbox, done_folder="Done"), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail,
                  environ=env())
    assert moved.saved == [] and moved.again == 1
    assert mailbox.count() == 0 and mailbox.count("Done") == 1


@pytest.mark.usefixtures("no_keywords")
def test_old_mail_is_left_alone_without_keywords_too(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    assert fetched_since_2021(mailbox, good, tmp_path) == ["new.xlsx"]
