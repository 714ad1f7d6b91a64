"""What careless senders and their mail programs make of a return, fetched from a real Dovecot (see
tests/imap_server.py): a name Windows would have cut, a teacher forwarding her own e-mail, names only
Windows finds alike, the office's own address as sender, hundreds of addressees."""

from __future__ import annotations

import base64
import email
import quopri
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from urllib.parse import quote

import pytest

from sheetsync.errors import MessageTooComplexError
from sheetsync.limits import MAX_MIME_DEPTH
from sheetsync.mailer import JsonlLedger, MailConfig, fetch
from sheetsync.mailer._compose import new_message
from sheetsync.mailer._imap_config import ImapConfig
from sheetsync.mailer._imap import _describe as describe
from sheetsync.mailer._reading import read_message
from sheetsync.mailer._reply import claims_to_be_ours, must_not_answer
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, env, imap_config, ledger_lines, mail_from, zipped
from tests.test_mail_hostile import office_mail, replies


def named(data: bytes, *names: str, content_type: str = XLSX) -> bytes:
    """A message whose attachments carry ``names`` exactly as written (quoted, nothing trimmed)."""
    parts = b"".join(b'--B\r\nContent-Type: %s\r\nContent-Disposition: attachment; filename="%s"\r\n'
                     b"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
                     % (content_type.encode(), name.encode(), base64.encodebytes(data)) for name in names)
    return (b"From: a@s1.example\r\nTo: office@bma.example\r\nSubject: names\r\nMessage-ID: <names@s1.example>\r\n"
            b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
            b"Content-Type: text/plain\r\n\r\nhi\r\n" + parts + b"--B--\r\n")


def test_a_name_windows_would_cut_or_without_its_extension_is_still_a_spreadsheet(mailbox: Mailbox, good: bytes,
                                                                                    tmp_path: Path) -> None:
    # A Mac or a phone keeps "รายงาน.xlsx." as typed (Windows drops the trailing dot), and some
    # webmail loses the extension of a long Thai name: each was listed as "not a spreadsheet" beside
    # the others, and never checked nor told of.
    mailbox.deliver(named(good, "รายงาน.xlsx.", "สอง.xlsx .", "รายงานโครงการ", "ต.ค.2567"))
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert sorted(p.name for p in result.saved) == ["ต.ค.2567.xlsx", "รายงาน.xlsx", "รายงานโครงการ.xlsx",
                                                         "สอง.xlsx"]
    (line,) = ledger_lines(inbox)
    assert line["others"] == [] and line["refused"] == []


def forwarded(data: bytes) -> bytes:
    """A teacher forwarding her own e-mail as an attachment (message/rfc822 holding the .xlsx)."""
    inner = mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<inner@s1.example>")
    outer = mail_from("a@s1.example", "Fwd: ส่งรายงาน", [], "<fwd@s1.example>")
    message = email.message_from_bytes(outer, _class=EmailMessage, policy=default)
    assert isinstance(message, EmailMessage)
    message.add_attachment(email.message_from_bytes(inner))
    return message.as_bytes()


def encoded_forward(data: bytes, tag: bytes) -> bytes:
    """A forwarded e-mail whose message/rfc822 part the mail program sent in base64 (RFC 2046 forbids it)."""
    inner = mail_from("a@s1.example", "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<inner@s1.example>")
    body = base64.encodebytes(inner)
    return (b"From: a@s1.example\r\nTo: office@bma.example\r\nSubject: Fwd\r\nMessage-ID: <fw%s@s1.example>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain"
            b'\r\n\r\nfw\r\n--B\r\nContent-Type: message/rfc822; name="fw.eml"\r\nContent-Transfer-Encoding: base64'
            b"\r\n\r\n%s\r\n--B--\r\n" % (tag, body))


def test_a_forwarded_mail_sent_encoded_is_opened(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    # The email package parses a message/rfc822 part as a message whatever its encoding: the base64
    # text became the body of a message with no header, the file was not found and the teacher was told
    # she had sent no spreadsheet.
    mailbox.deliver(encoded_forward(good, b"1"))
    cut = encoded_forward(good, b"2")
    mailbox.deliver(cut[:len(cut) // 2] + b"!!*\r\n")  # cut short by a relay, and garbage: read all the same
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert [p.name for p in result.saved] == ["วัดไทร.xlsx", "วัดไทร-2.xlsx"]  # the cut one: sync says it is broken
    assert result.problems == [] and result.replies == 0
    assert [line["refused"] for line in ledger_lines(inbox)] == [[], []]


def test_zip_members_named_as_a_mac_keeps_them_are_spreadsheets(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    # A zip made on a Mac keeps "รายงาน.xlsx." as typed: its members were listed as "not a spreadsheet".
    archive = zipped(("รายงาน.xlsx.", good), ("x/สอง.xlsx ", good), ("สาม.ods . ", good))
    mailbox.deliver(mail_from("a@s1.example", "zip", [("n73.zip", archive, "application/zip")], "<mac@s1.example>"))
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert sorted(p.name for p in result.saved) == ["รายงาน.xlsx", "สอง.xlsx", "สาม.ods"]
    (line,) = ledger_lines(inbox)
    assert line["others"] == [] and line["refused"] == [] and result.replies == 0


def test_a_name_that_is_only_an_extension_is_a_nameless_file_of_that_type(mailbox: Mailbox, good: bytes,
                                                                          tmp_path: Path) -> None:
    # A teacher's program sent ".xlsx" (her file name lost, the extension kept) as octet-stream: the
    # reply told her ".xlsx" was not a spreadsheet.
    mailbox.deliver(named(good, ".xlsx", content_type="application/octet-stream"))
    mailbox.deliver(named(good, ".xlsx.", content_type=XLSX).replace(b"<names@", b"<typed@"))
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert [p.name for p in result.saved] == ["attachment.xlsx", "attachment-2.xlsx"]
    assert [p.read_bytes() for p in result.saved] == [good, good]
    assert [(line["others"], line["refused"]) for line in ledger_lines(inbox)] == [([], []), ([], [])]
    assert result.replies == 0


def test_a_control_character_after_the_sender_s_address_is_not_recorded(mailbox: Mailbox, tmp_path: Path) -> None:
    # "a@s1.example\x00" was recorded as the sender: the roster's a@s1.example never matched it.
    mailbox.deliver(b"From: Somsri <a@s1.example\x00>\r\nTo: office@bma.example\r\nSubject: hi\r\n"
                    b"Message-ID: <ctl1@s1.example>\r\n\r\nno file\r\n")
    mailbox.deliver(b"From: b@s2.example\x7f\t\r\nTo: office@bma.example\r\nSubject: hi\r\n"
                    b"Message-ID: <ctl2@s2.example>\r\n\r\nno file\r\n")
    inbox, outbox, mail = office_mail(tmp_path)
    fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert [line["sender"] for line in ledger_lines(inbox)] == ["a@s1.example", "b@s2.example"]
    assert sorted(m["To"].addresses[0].addr_spec for m in replies(outbox)) == ["a@s1.example", "b@s2.example"]


def test_a_nul_after_the_sender_s_address_is_not_recorded() -> None:
    # Dovecot takes no NUL in a message; another server may pass it on as it came.
    raw = b"From: a@s1.example\x00\r\nReply-To: x\r\nMessage-ID: <nul@s1.example>\r\n\r\nno file\r\n"
    assert describe(read_message(raw, ImapConfig(host="h", user="u"), whole=True).parsed, raw).sender == "a@s1.example"
    forged = raw.replace(b"a@s1.example", b"office@bma.example")
    assert must_not_answer(read_message(forged, ImapConfig(host="h", user="u"), whole=True).parsed,
                           MailConfig(from_addr="office@bma.example"))


def test_forwarded_mail_windows_names_and_many_addressees(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    mailbox.deliver(forwarded(good))
    inner = base64.encodebytes(good)
    mailbox.deliver(b"From: b@s2.example\r\nTo: office@bma.example\r\nSubject: alt\r\nMessage-ID: <alt@s2.example>\r\n"
                    b"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=A\r\n\r\n--A\r\n"
                    b"Content-Type: text/plain\r\n\r\nhi\r\n--A\r\nContent-Type: multipart/mixed; boundary=M\r\n\r\n"
                    b"--M\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--M\r\nContent-Type: " + XLSX.encode() +
                    b'\r\nContent-Disposition: attachment; filename="alt.xlsx"\r\nContent-Transfer-Encoding: base64'
                    b"\r\n\r\n" + inner + b"\r\n--M--\r\n--A--\r\n")
    # COM¹ … LPT³ and CONIN$ / CONOUT$ are Windows devices too: "saving" there writes to a port or the console.
    windows = ["CON.xlsx", "aux.ods", "..\\..\\up.xlsx", "Report.xlsx", "report.xlsx", "COM¹.xlsx", "lpt³.ods",
               "CONIN$.xlsx", "conout$.xls"]
    mailbox.deliver(mail_from("c@s3.example", "names", [(n, good, XLSX) for n in windows], "<win@s3.example>"))
    crowd = ", ".join(f"t{n}@s{n}.example" for n in range(500))  # nothing to answer: one reply, to the sender only
    mailbox.deliver(mail_from("d@s4.example", "no file", [], "<crowd@s4.example>", Cc=crowd))
    mailbox.deliver(mail_from("office@bma.example", "spam", [], "<own@spam.example>"))  # never answers itself
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    saved = [p.name for p in result.saved]
    assert saved[:2] == ["วัดไทร.xlsx", "alt.xlsx"]
    # "report.xlsx" beside "Report.xlsx" is one file to Windows: the second is saved under a name of its own.
    assert sorted(saved[2:]) == ["Report.xlsx", "_COM¹.xlsx", "_CON.xlsx", "_CONIN$.xlsx", "_aux.ods", "_conout$.xls",
                                 "_lpt³.ods", "report-2.xlsx", "up.xlsx"]
    assert all(p.parent == inbox for p in result.saved)
    (told,) = replies(outbox)
    assert told["To"].addresses[0].addr_spec == "d@s4.example" and told["Cc"] is None


def test_spam_forging_the_office_s_own_mailbox_as_sender_is_not_answered(mailbox: Mailbox, tmp_path: Path) -> None:
    # The office sends as office@ with replies to reports@, the mailbox it fetches: spam forged "from"
    # that mailbox (as most extortion spam is) was answered, the office writing to itself.
    mailbox.deliver(mail_from("Reports <REPORTS@bma.example>", "your account", [], "<spam@x.example>"))
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    mail = MailConfig(from_addr="office@bma.example", reply_to="สำนักงาน <reports@bma.example>", outbox=outbox)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert result.replies == 0 and not outbox.exists()
    # Told apart from an out-of-office answer or a newsletter: the clerk may want to warn the schools.
    assert result.problems == ["REPORTS@bma.example: อีเมลที่อ้างว่ามาจากที่อยู่ของสำนักงานเอง: ไม่ตอบ (อาจเป็นสแปม) / "
                               "REPORTS@bma.example: claims to come from the office's own address: not answered "
                               "(it may be spam)"]


def test_forwards_encoded_inside_each_other_are_bounded() -> None:
    raw = b"From: a@s1.example\r\n\r\nx"
    for level in range(MAX_MIME_DEPTH + 1):
        raw = (b"From: a@s1.example\r\nMessage-ID: <m%d@s1.example>\r\nMIME-Version: 1.0\r\nContent-Type: "
               b"message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n%s" % (level, base64.encodebytes(raw)))
    with pytest.raises(MessageTooComplexError):
        read_message(raw, ImapConfig(host="h", user="u"), whole=True)


def test_the_office_s_mail_asks_exchange_for_no_out_of_office_answer() -> None:
    # Exchange and Outlook heed only their own header, not Auto-Submitted: every school on holiday
    # answered every report. Delivery reports are still asked for (a bounce names an address to check).
    message = new_message(MailConfig(from_addr="office@bma.example"), "a@s1.example")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "OOF, AutoReply"


@pytest.mark.parametrize("extra", [b"", b"x", b"xy"])
def test_a_forward_encoded_with_padding_loses_none_of_its_end(extra: bytes) -> None:
    # Base64's "=" padding was taken for noise and the group it ends dropped as "cut short": a forwarded
    # message whose length is no multiple of three lost its last one or two bytes (here its file's).
    data = bytes(range(256)) * 3
    inner = (b"From: a@s1.example\r\nX-Pad: %s\r\nMIME-Version: 1.0\r\nContent-Type: " % extra + XLSX.encode() +
             b'\r\nContent-Disposition: attachment; filename="a.xlsx"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
             + base64.b64encode(data)[:-4] + b"\r\n" + base64.b64encode(data)[-4:])  # ends without a line break
    raw = (b"From: a@s1.example\r\nMessage-ID: <pad@s1.example>\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822"
           b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(inner))
    found = read_message(raw, ImapConfig(host="h", user="u"), whole=True).found
    assert found.spreadsheets == [("a.xlsx", data)]


def test_a_forward_labelled_base64_but_sent_plain_is_read_as_it_came() -> None:
    # A relay that labels the forwarded e-mail base64 but leaves it as written: the email package had
    # read it whole, and decoding its header's letters as base64 threw the teacher's file away.
    data = bytes(range(256)) * 3
    inner = (b"From: a@s1.example\r\nMIME-Version: 1.0\r\nContent-Type: " + XLSX.encode() +
             b'\r\nContent-Disposition: attachment; filename="a.xlsx"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
             + base64.encodebytes(data))
    raw = (b"From: a@s1.example\r\nMessage-ID: <plain@s1.example>\r\nMIME-Version: 1.0\r\nContent-Type: "
           b"message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" + inner)
    found = read_message(raw, ImapConfig(host="h", user="u"), whole=True).found
    assert found.spreadsheets == [("a.xlsx", data)]


@pytest.mark.parametrize("forged", ["office@xn--72c0ajec7cfb2b5a9ewbe2c1g3a.xn--o3cw4h",
                                    "OFFICE@XN--72C0AJEC7CFB2B5A9EWBE2C1G3A.XN--O3CW4H"])
def test_the_office_s_thai_address_forged_as_it_travels_is_known_as_ours(forged: str) -> None:
    # An office configured with its Thai domain: spam forging it comes with the domain as it travels
    # (xn--), and was taken for a stranger's mail, answered by the office to itself.
    config = MailConfig(from_addr="office@โรงเรียนวัดสุทธิ.ไทย")
    message = EmailMessage()
    message["From"] = forged
    assert claims_to_be_ours(message, config) and must_not_answer(message, config)


def qp_forward(inner: bytes, tag: bytes) -> bytes:
    """A forwarded e-mail whose message/rfc822 part a relay sent in quoted-printable (RFC 2046 forbids it)."""
    return (b"From: a@s1.example\r\nTo: office@bma.example\r\nSubject: Fwd\r\nMessage-ID: <qp%s@s1.example>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain"
            b'\r\n\r\nfw\r\n--B\r\nContent-Type: message/rfc822; name="fw.eml"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n--B--\r\n" % (tag, quopri.encodestring(inner)))


def test_a_forwarded_mail_sent_quoted_printable_is_opened(mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    # The email package parses a message/rfc822 part as a message whatever its encoding: its boundary
    # written "=3D=3D…" and its long header lines cut by soft line breaks ("=" at a line's end), the
    # teacher's file was never found and she was told she had sent no spreadsheet.
    subject = "ส่งรายงานประจำเดือนตุลาคม โรงเรียนวัดไทรงามวิทยาคม สำนักงานเขตบางกอกน้อย"
    inner = mail_from("a@s1.example", subject, [("วัดไทร.xlsx", good, XLSX)], "<inner-qp@s1.example>")
    mailbox.deliver(qp_forward(inner, b"1"))
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert [p.name for p in result.saved] == ["วัดไทร.xlsx"]
    assert [p.read_bytes() for p in result.saved] == [good]
    assert result.problems == [] and result.replies == 0
    assert [line["refused"] for line in ledger_lines(inbox)] == [[]]


def test_a_forward_quoted_printable_keeps_a_header_line_cut_by_a_soft_break() -> None:
    # A soft line break inside a header line ended the header for the email package: the file name
    # after it was lost. Decoded from the part's own text, the header is whole again.
    data = bytes(range(256)) * 3
    name = "แบบรายงานความก้าวหน้าโครงการ-โรงเรียนวัดไทรงามวิทยาคม-" * 2 + ".xlsx"
    inner = (b"From: a@s1.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"==x=\"\r\n\r\n"
             b"--==x=\r\nContent-Type: " + XLSX.encode() + b"\r\nContent-Disposition: attachment; filename*=utf-8''"
             + quote(name).encode() + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(data)
             + b"--==x=--\r\n")
    found = read_message(qp_forward(inner, b"2"), ImapConfig(host="h", user="u"), whole=True).found
    assert found.spreadsheets == [(name, data)]


def test_forwards_quoted_printable_inside_each_other_are_bounded() -> None:
    # Each one decoded is counted with the base64 ones: at most MAX_MIME_DEPTH in a message.
    raw = b"From: a@s1.example\r\n\r\nx"
    for level in range(MAX_MIME_DEPTH + 1):
        encoding, text = ((b"base64", base64.encodebytes(raw)) if level % 2 else
                          (b"quoted-printable", quopri.encodestring(raw)))
        raw = (b"From: a@s1.example\r\nMessage-ID: <q%d@s1.example>\r\nMIME-Version: 1.0\r\nContent-Type: "
               b"message/rfc822\r\nContent-Transfer-Encoding: %s\r\n\r\n%s" % (level, encoding, text))
    with pytest.raises(MessageTooComplexError):
        read_message(raw, ImapConfig(host="h", user="u"), whole=True)


def test_the_office_s_own_e_mail_sent_as_its_mailbox_login_is_still_ours() -> None:
    # A provider that sends only as the account logged in (Gmail, an alias not verified) rewrites From to
    # it: the office's digest fetched back then came from the mailbox's login, not from_addr, and was taken
    # as a school's return (its marked-up copies read, the digest answered: the office writing to itself).
    config = MailConfig(from_addr="สำนักงานเขต <office@bma.example>")
    message = EmailMessage()
    message["From"], message["X-Sheetsync-Name"] = "reports@bma.example", "digest"
    raw = message.as_bytes()
    imap = ImapConfig(host="h", user="reports@bma.example")
    assert read_message(raw, imap, whole=True, sent_by_office=lambda m: claims_to_be_ours(m, config, imap.user)).kind == "ours"
    assert claims_to_be_ours(message, config, "REPORTS@bma.example")
    assert not claims_to_be_ours(message, config, "reports")  # a login that is no address names no one
    message.replace_header("From", "a@s1.example")
    assert read_message(message.as_bytes(), imap, whole=True,
                        sent_by_office=lambda m: claims_to_be_ours(m, config, imap.user)).kind == "return"
