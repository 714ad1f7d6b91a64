"""Bounces as mail servers write them (RFC 3464): who was not reached, which of our e-mails it was."""

from __future__ import annotations

import email
import email.policy
import quopri
from email.message import EmailMessage
from email.utils import getaddresses

from sheetsync.mailer._bounce import is_bounce, read_bounce
from sheetsync.mailer._headers import header_text
from sheetsync.mailer._thread import message_ids
from sheetsync.mailer._imap_config import ImapConfig
from sheetsync.mailer._reading import read_message


def bounce(status_blocks: str, returned: str, returned_type: str = "message/rfc822",
           sender: str = "MAILER-DAEMON@mail.example") -> EmailMessage:
    """A delivery report: a human part, the status blocks (none when empty), the returned message."""
    status = ("--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example\r\n\r\n"
              + status_blocks.replace("\n", "\r\n") + "\r\n") if status_blocks else ""
    raw = (f"From: {sender}\r\nTo: office@bma.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
           "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
           "--B\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
           f"{status}--B\r\nContent-Type: {returned_type}\r\n\r\n{returned.replace(chr(10), chr(13) + chr(10))}"
           "\r\n--B--\r\n")
    parsed = email.message_from_bytes(raw.encode("utf-8"), _class=EmailMessage, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


RETURNED = ("From: office@bma.example\nTo: a@s2.example, b@s2.example\nX-Sheetsync-Name: template s2\n"
            "Subject: template\n\nbody\n")


def test_the_failed_recipient_is_named_not_every_address_of_the_school() -> None:
    found = read_bounce(bounce("Final-Recipient: rfc822; b@s2.example\nAction: failed\nStatus: 5.1.1\n"
                               "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n", RETURNED))
    assert found.failed == ("b@s2.example",) and found.what == "template s2" and found.about_a_school
    assert found.line() == "b@s2.example (template s2): 5.1.1 550 5.1.1 user unknown"


def test_a_delay_is_no_failure() -> None:
    found = read_bounce(bounce("Final-Recipient: rfc822; b@s2.example\nAction: delayed\nStatus: 4.4.1\n", RETURNED))
    assert found.failed == () and found.delayed and not found.about_a_school


def test_without_a_status_part_the_returned_headers_say_who() -> None:
    found = read_bounce(bounce("", RETURNED, "text/rfc822-headers"))
    assert found.failed == ("a@s2.example", "b@s2.example") and found.what == "template s2"


def test_the_digest_and_polite_replies_are_no_roster_address_to_check() -> None:
    failed = "Final-Recipient: rfc822; boss@bma.example\nAction: failed\nStatus: 5.2.2\n"
    digest = read_bounce(bounce(failed, RETURNED.replace("template s2", "digest")))
    reply = read_bounce(bounce(failed, RETURNED.replace("template s2", "reply spam@forged.example")))
    assert digest.failed and not digest.about_a_school and not reply.about_a_school


def test_a_hostile_bounce_is_read_within_bounds() -> None:
    huge = "To: " + ", ".join(f"x{n}@s.example" for n in range(40_000)) + "\nX-Sheetsync-Name: template s9\n\nb\n"
    found = read_bounce(bounce("", huge))
    assert len(found.failed) <= 5 and len(found.line()) <= 200  # the header is cut before it is parsed
    garbage = read_bounce(bounce("Final-Recipient: ;;;\nAction: failed\n", "\x00\x01 not a message"))
    assert garbage.failed == ()


def test_a_school_reply_is_no_bounce() -> None:
    reply = email.message_from_bytes(b"From: a@s1.example\r\nSubject: Re: template\r\n\r\nattached\r\n",
                                     _class=EmailMessage, policy=email.policy.default)
    assert isinstance(reply, EmailMessage) and not is_bounce(reply)
    assert is_bounce(bounce("", RETURNED))


def parse(raw: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_received_headers_read_as_the_email_package_reads_them_only_cut() -> None:
    utf8 = parse("From: ครูสมศรี <a@s1.example>\r\nSubject: ส่งแบบฟอร์ม\r\n\r\nx\r\n".encode("utf-8"))  # RFC 6532
    assert header_text(utf8, "Subject") == "ส่งแบบฟอร์ม" and header_text(utf8, "From") == "ครูสมศรี <a@s1.example>"
    comma = parse(b"From: =?utf-8?q?Saetang=2C_Somchai?= <a@s1.example>\r\n\r\nx\r\n")
    assert getaddresses([header_text(comma, "From")])[0][1] == "a@s1.example"  # the name's comma stays quoted
    broken = parse(b"From: =?utf-8?b?A?= <a@x.example>\r\n\r\nx\r\n")
    assert "a@x.example" in header_text(broken, "From")  # a bad encoded word does not stop anything
    ids = " ".join(f"<id{n:03d}@s1.example>" for n in range(200))
    thread = parse(f"From: a@s1.example\r\nReferences: {ids}\r\n\r\nx\r\n".encode())
    assert message_ids(header_text(thread, "References", tail=True))[-1] == "<id199@s1.example>"


def test_who_is_taken_for_a_bounce() -> None:
    school = parse(b"From: postmaster@s1.example\r\nSubject: report\r\n\r\nattached\r\n")
    assert not is_bounce(school)  # a school writing from postmaster@ is read
    returned = RETURNED.replace("\n", "\r\n")
    mdaemon = parse(("From: MDaemon@mail.example\r\nAuto-Submitted: auto-replied\r\nSubject: failed\r\n"
                     "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
                     "Content-Type: text/plain\r\n\r\nfailed\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n"
                     f"{returned}\r\n--B--\r\n").encode())
    assert is_bounce(mdaemon) and read_bounce(mdaemon).what == "template s2"
    forwarded = parse(("From: a@s2.example\r\nSubject: Fw: template\r\nMIME-Version: 1.0\r\n"
                       "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
                       f"filled, see attached\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n{returned}\r\n--B--\r\n")
                      .encode())
    assert not is_bounce(forwarded)  # a person forwarding our e-mail as an attachment is read
    receipt = parse(("From: a@s2.example\r\nSubject: Read: template\r\nMIME-Version: 1.0\r\nContent-Type: "
                     "multipart/report; report-type=disposition-notification; boundary=B\r\n\r\n--B\r\n"
                     "Content-Type: text/plain\r\n\r\nread\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
                     f"{returned}\r\n--B--\r\n").encode())
    assert not is_bounce(receipt) and read_bounce(receipt).failed == ()  # read, not undelivered


def test_a_bounce_returning_our_message_in_quoted_printable_still_says_who() -> None:
    # A forwarded message sent in quoted-printable is now kept as text until it is decoded: the bounce
    # reader took the returned message from the part as a parsed one and failed on the text.
    returned = quopri.encodestring(RETURNED.replace("\n", "\r\n").encode())
    raw = (b"From: MAILER-DAEMON@mail.example\r\nTo: office@bma.example\r\nSubject: Undelivered Mail\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
           b"--B\r\nContent-Type: text/plain\r\n\r\nnot delivered\r\n--B\r\nContent-Type: message/rfc822\r\n"
           b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + returned + b"\r\n--B--\r\n")
    reading = read_message(raw, ImapConfig(host="h", user="u"), whole=True)
    assert reading.kind == "bounce" and reading.bounce is not None
    assert reading.bounce.failed == ("a@s2.example", "b@s2.example") and reading.bounce.what == "template s2"
