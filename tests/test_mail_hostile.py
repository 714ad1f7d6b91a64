"""Hostile mail in the office's mailbox (a real Dovecot, see tests/imap_server.py): whatever one message
holds, it is recorded, marked and answered at most once, and the messages after it are read as usual."""

from __future__ import annotations

import email
import hashlib
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from sheetsync.mailer import KEYWORD, FetchLedger, JsonlLedger, MailConfig, fetch, pending
from sheetsync.office.inbox import inbox_files
from sheetsync.office.mailbox import StoreLedger
from sheetsync.office.store import Store
from sheetsync.mailer._imap_config import ImapConfig
from sheetsync.errors import MessageTooComplexError
from sheetsync.limits import MAX_FILES_PER_MESSAGE
from sheetsync.mailer._reading import read_message
from tests.imap_server import Mailbox
from tests.test_mail_fetch import OFFICE, XLSX, env, imap_config, ledger_lines, mail_from

HEAD = b"From: a@s1.example\r\nTo: office@bma.example\r\nSubject: deep\r\nMessage-ID: <deep@s1.example>\r\n" \
       b"MIME-Version: 1.0\r\n"


def nested(depth: int, closed: bool = True) -> bytes:
    """A message of ``depth`` multiparts, each inside the last (``closed``: with their closing lines)."""
    raw = HEAD
    for level in range(depth):
        raw += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
    raw += b"Content-Type: text/plain\r\n\r\nhi\r\n"
    return raw + b"".join(b"--b%d--\r\n" % level for level in reversed(range(depth)) if closed)


def wide(parts: int) -> bytes:
    """A message of ``parts`` tiny text parts side by side."""
    body = b"".join(b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(parts))
    return HEAD + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + body + b"--b--\r\n"


def office_mail(tmp_path: Path) -> tuple[Path, Path, MailConfig]:
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    return inbox, outbox, MailConfig(from_addr=OFFICE, outbox=outbox)


def replies(outbox: Path) -> list[EmailMessage]:
    found = [email.message_from_bytes(path.read_bytes(), policy=default) for path in pending(outbox)]
    return [m for m in found if isinstance(m, EmailMessage)]


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


def test_a_message_nested_too_deep_is_refused_and_the_next_one_read(mailbox: Mailbox, good: bytes,
                                                                      tmp_path: Path) -> None:
    mailbox.deliver(nested(1200))  # the email package's parser raised RecursionError out of fetch
    mailbox.deliver(nested(990, closed=False).replace(b"<deep@", b"<deeper@"))  # within the count of part lines
    mailbox.deliver(mail_from("a@s1.example", "after", [("good.xlsx", good, XLSX)], "<good@s1.example>"))
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert [p.name for p in result.saved] == ["good.xlsx"]
    deep, deeper, after = ledger_lines(inbox)
    assert [deep["message_id"], deeper["message_id"]] == ["<deep@s1.example>", "<deeper@s1.example>"]
    assert [r["reason"] for m in (deep, deeper) for r in m["refused"]] == ["message-unreadable"] * 2
    assert deep["files"] == deeper["files"] == [] and after["files"][0]["filename"] == "good.xlsx"
    unread = [line for line in result.problems if line.startswith("a@s1.example: อ่านอีเมลไม่ได้ ")
              and " / a@s1.example: the message cannot be read (" in line]  # Thai, then English
    assert len(unread) == 2 and "RecursionError" in unread[1]  # one line each, no traceback
    told = replies(outbox)  # each sender is told once, from the message's header
    assert sorted(m["In-Reply-To"] for m in told) == ["<deep@s1.example>", "<deeper@s1.example>"]
    assert all("could not be read" in body(m) for m in told)
    assert all(KEYWORD in flags for flags in mailbox.flags())  # marked: it never blocks later mail
    again = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert again.summary() == "กล่องอีเมล: ไม่มีอีเมลใหม่ / mailbox: nothing new" and len(pending(outbox)) == 2


@pytest.mark.parametrize("raw", [nested(60), wide(600), nested(1200), nested(990, closed=False)],
                         ids=["deep", "wide", "deeper", "recursion"])
def test_too_many_or_too_deep_parts_are_refused_before_they_are_walked(raw: bytes) -> None:
    config = ImapConfig(host="h", user="u")
    with pytest.raises((MessageTooComplexError, RecursionError)):
        read_message(raw, config, whole=True)
    assert read_message(nested(5), config, whole=True).found.refused == []  # an honest nesting is read


@pytest.mark.parametrize("kind", ["jsonl", "store"])
def test_a_reused_message_id_never_makes_a_stranger_the_sender(mailbox: Mailbox, good: bytes, tmp_path: Path,
                                                                kind: str) -> None:
    # A stranger sends first with the Message-ID the school's mail will carry: the school's file was
    # recorded as the stranger's message, so the school's report (signed, marked up) went to the stranger.
    mailbox.deliver(mail_from("Mallory <mallory@evil.example>", "hi", [("x.pdf", b"%PDF-1.4", "application/pdf")],
                              "<CAF1234@mail.gmail.com>"))
    mailbox.deliver(mail_from("ครูสมศรี <a@s1.example>", "ส่งรายงาน", [("วัดไทร.xlsx", good, XLSX)],
                              "<CAF1234@mail.gmail.com>"))
    inbox, outbox, mail = office_mail(tmp_path)
    with Store(tmp_path / "s.sqlite") as store:
        def ledger() -> FetchLedger:
            return JsonlLedger.in_inbox(inbox, outbox) if kind == "jsonl" else StoreLedger(store)
        result = fetch(imap_config(mailbox), inbox, ledger(), mail=mail, environ=env())
        assert len(result.messages) == 2 and len(result.saved) == 1
        origin = ledger().origin(hashlib.sha256(good).hexdigest())
        assert origin is not None and origin.sender == "a@s1.example" and origin.sender_name == "ครูสมศรี"
        assert origin.message_id.endswith("@sheetsync.invalid>")  # an id of its own
        assert origin.thread.references.split()[-1] == "<CAF1234@mail.gmail.com>"  # still in the school's thread
        mailbox.remove_flag(KEYWORD)  # the same two messages again: nothing saved or answered twice
        again = fetch(imap_config(mailbox), inbox, ledger(), mail=mail, environ=env())
        assert again.again == 2 and again.saved == [] and again.replies == 0


def test_our_own_mail_and_auto_replies_are_never_taken_nor_answered(mailbox: Mailbox, good: bytes,
                                                                     tmp_path: Path) -> None:
    # The office's report copied to its own mailbox, and out-of-office robots echoing it, were taken as
    # new returns: checked and answered again at every run, for ever.
    report = [("วัดไทร-ตรวจแล้ว.xlsx", good, XLSX)]
    mailbox.deliver(mail_from("office@bma.example", "Re: ส่งรายงาน", report, "<ours@bma.example>",
                              X_Sheetsync_Name="s1 วัดไทร", Auto_Submitted="auto-generated"))
    echoes = [{"Auto_Submitted": "auto-replied"}, {"X_Autoreply": "yes"}, {"X_Autorespond": "yes"},
              {"Precedence": "auto_reply"}]
    for number, headers in enumerate(echoes):
        mailbox.deliver(mail_from("a@s1.example", "Auto: Re: ส่งรายงาน", report, f"<auto{number}@s1.example>",
                                  **headers))
    # A school's mail forwarded by a Microsoft 365 rule is automatic too, but it is the school's return.
    mailbox.deliver(mail_from("a@s1.example", "FW: ส่งรายงาน", [("forwarded.xlsx", good, XLSX)], "<fw@s1.example>",
                              Auto_Submitted="auto-forwarded"))
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert [p.name for p in result.saved] == ["forwarded.xlsx"] and len(result.messages) == 6
    assert result.replies == 0 and not outbox.exists()
    assert sum("office's own e-mails came back" in line for line in result.problems) == 1
    assert sum("an automatic reply" in line for line in result.problems) == 4
    assert all(KEYWORD in flags for flags in mailbox.flags())
    mailbox.remove_flag(KEYWORD)
    again = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert again.again == 6 and again.problems == [] and not outbox.exists()


def test_a_message_with_hundreds_of_spreadsheets_makes_one_reply(mailbox: Mailbox, tmp_path: Path) -> None:
    # 300 junk .xlsx under a forged sender: each was saved, and sync answered each ("unreadable file"),
    # 300 e-mails to the forged address.
    junk = [(f"r{n}.xlsx", b"junk %d" % n, XLSX) for n in range(300)]
    mailbox.deliver(mail_from("Victim <victim@elsewhere.example>", "spam", junk, "<many@x.example>"))
    twenty = [(f"r{n}.xlsx", b"junk %d" % n, XLSX) for n in range(MAX_FILES_PER_MESSAGE)]
    mailbox.deliver(mail_from("a@s1.example", "twenty", twenty, "<twenty@s1.example>"))
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    many, allowed = result.messages
    assert many.files == () and [(r.reason, r.detail) for r in many.refused] == [("too-many-files", "20")]
    assert len(allowed.files) == MAX_FILES_PER_MESSAGE and len(result.saved) == MAX_FILES_PER_MESSAGE
    [reply] = replies(outbox)  # one polite reply, nothing else will come of that message
    assert [a.addr_spec for a in reply["To"].addresses] == ["victim@elsewhere.example"]
    assert "at most 20 in one e-mail" in body(reply)


def test_huge_headers_are_read_cut(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    # Every header read (automatic or not, content type, file name) parsed the whole field: a 1 MB From
    # stalled a run for 48 s, a part with 50,000 Content-Type parameters for 47 s (bench: none here).
    addresses = b", ".join(b"a%d@s1.example" % n for n in range(60_000))
    raw = mail_from("a@s1.example", "huge", [("good.xlsx", good, XLSX)], "<huge-from@s1.example>")
    mailbox.deliver(raw.replace(b"From: a@s1.example", b"From: " + addresses, 1))
    params = b"; ".join(b"p%d=v" % n for n in range(50_000))
    part = (b"From: b@s2.example\r\nMessage-ID: <params@s2.example>\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: application/vnd.ms-excel; '
            + params + b"\r\nContent-Disposition: attachment; " + b"; ".join(b"filename*%d=a" % n for n in range(20_000))
            + b".xls\r\n\r\nxx\r\n--B--\r\n")
    mailbox.deliver(part)
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    first, second = result.messages
    assert first.sender == "a0@s1.example" and [f.filename for f in first.files] == ["good.xlsx"]
    # Its name is past what is searched (a cut name, "aaa…", was once taken for a file of no known kind):
    # a spreadsheet by its type, taken under the name a nameless one gets.
    assert second.sender == "b@s2.example" and [f.filename for f in second.files] == ["attachment.xls"]


def test_a_file_named_like_a_lock_file_is_saved_where_sync_reads_it(mailbox: Mailbox, good: bytes,
                                                                    tmp_path: Path) -> None:
    # Saved as "~$รายงาน.xlsx", it was passed over by sync (Excel lock files) for ever, and no one was told.
    mailbox.deliver(mail_from("a@s1.example", "รายงาน", [("~$รายงาน.xlsx", good, XLSX), (".~lock.อื่น.xlsx", good, XLSX)],
                              "<tilde@s1.example>"))
    inbox = tmp_path / "inbox"
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox), environ=env())
    assert [p.name for p in result.saved] == ["รายงาน.xlsx", "อื่น.xlsx"]
    assert [f.filename for f in result.messages[0].files] == ["~$รายงาน.xlsx", ".~lock.อื่น.xlsx"]  # as sent
    assert sorted(p.name for p in inbox_files(inbox)) == ["รายงาน.xlsx", "อื่น.xlsx"]  # what sync reads


def test_a_zip_of_big_members_is_never_held_past_the_message_limit() -> None:
    """20 members of 10 MB of zeros, 200 KB zipped: every member was inflated (about 200 MB held at
    once) before the message's 25 MB total was looked at. Each member is now read at most one byte
    past what the message may still bring."""
    import io
    import tracemalloc
    import zipfile

    from sheetsync.mailer._attachments import extract

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(20):
            with archive.open(f"s{n}.xlsx", "w") as member:
                for _ in range(10):
                    member.write(bytes(1024 * 1024))
    message = EmailMessage()
    message["From"] = "a@s1.example"
    message.set_content("ส่งรายงานค่ะ")
    message.add_attachment(packed.getvalue(), maintype="application", subtype="zip", filename="all.zip")
    config = ImapConfig(host="imap.example")
    tracemalloc.start()
    try:
        found = extract(message, config)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [len(data) for _, data in found.spreadsheets] == [10 * 1024 * 1024] * 2
    assert [(r.name, r.reason) for r in found.refused] == [(f"s{n}.xlsx", "message-too-big") for n in range(2, 20)]
    assert peak < config.max_message + config.max_attachment + 8 * 1024 * 1024, peak / 1024 / 1024
