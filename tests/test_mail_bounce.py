"""Bounces as mail servers write them (RFC 3464): who was not reached, which of our e-mails it was."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from sheetsync.mailer._bounce import is_bounce, read_bounce


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
