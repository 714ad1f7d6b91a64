"""A message the clerk deletes (or another program moves) while a fetch is running: it is gone between
the search that listed it and the fetch of its content. A real Dovecot, as tests/test_mail_fetch.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sheetsync.mailer import JsonlLedger, MailConfig, fetch
from tests.imap_server import PASSWORD, Mailbox
from tests.test_mail_fetch import XLSX, imap_config, mail_from


@dataclass
class ClerkDeletes(JsonlLedger):
    """The ledger of a fetch during which the clerk deletes the mailbox's second message (from her
    own mail program: another IMAP session), as the fetch looks at the first."""

    box: Mailbox | None = None

    def seen(self, message_id: str, sha256: str) -> bool:
        """See :class:`JsonlLedger`; the first call deletes the second message."""
        if self.box is not None:
            imap, self.box = self.box.server.client(self.box.user), None
            imap.select("INBOX")
            imap.store("2", "+FLAGS", "(\\Deleted)")
            imap.expunge()
            imap.logout()
        return super().seen(message_id, sha256)


def test_a_message_deleted_during_the_fetch_is_not_recorded_as_an_empty_one(mailbox: Mailbox,
                                                                             tmp_path: Path) -> None:
    for n, sender in enumerate(["a@s1.example", "b@s2.example", "c@s3.example"], 1):
        mailbox.deliver(mail_from(sender, "ส่งรายงาน", [(f"{n}.xlsx", b"PK%d" % n, XLSX)], f"<{n}@school.example>"))
    ledger = ClerkDeletes(tmp_path / "inbox" / ".fetched.jsonl", tmp_path / "outbox", box=mailbox)
    result = fetch(imap_config(mailbox), tmp_path / "inbox", ledger, mail=MailConfig(from_addr="office@bma.example"),
                   environ={"SHEETSYNC_IMAP_PASSWORD": PASSWORD})
    assert [m.sender for m in result.messages] == ["a@s1.example", "c@s3.example"]
    assert result.problems == []  # not "?: automatic message, not answered"
    assert result.summary().endswith("mailbox: 2 message(s), 2 file(s) saved, 0 reply(ies) queued")
    lines = (tmp_path / "inbox" / ".fetched.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["sender"] for line in lines] == ["a@s1.example", "c@s3.example"]
