"""Bounces: a mail server's report that one of the office's e-mails did not reach someone.

A bounce carries the office's own message back, attachments and all, so nothing in it is a
school's return. What matters is whom the e-mail failed to reach and which e-mail it was: the
delivery-status part (RFC 3464) names the failed recipients and why; the returned message (or
its headers) says which of ours it was (``X-Sheetsync-Name``: ``template s2``, a report, the
digest …). A "delayed" notice is not a failure: the server is still trying.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.utils import getaddresses

from ..address import shown_address
from ._compose import NAME_HEADER
from ._headers import RECEIVED, RECEIVED_HEADER_LIMIT, from_address, header_text, one_line

#: Senders whose automatic mail is a delivery report (the part before "@", lower case); a person may
#: write from postmaster@ too, so the sender alone never makes a bounce (see :func:`is_bounce`).
DAEMONS = ("mailer-daemon", "postmaster")


@dataclass(frozen=True)
class Bounce:
    """What a bounce says: the addresses that failed, which of our e-mails it was, why (short)."""

    failed: tuple[str, ...] = ()
    what: str = ""
    reason: str = ""
    delayed: bool = False

    @property
    def about_a_school(self) -> bool:
        """True when the e-mail was one sent to a school (a template or a report): a roster address to
        check. Not for the digest (the office's own address) nor a polite reply to whoever wrote in."""
        return bool(self.failed) and self.what != "digest" and not self.what.startswith("reply ")

    def line(self) -> str:
        """``b@s2.example (template s2): 5.1.1 user unknown``, one short line."""
        who = ", ".join(self.failed)
        named = f"{who} ({self.what})" if self.what else who
        return one_line(f"{named}: {self.reason}" if self.reason else named, 200)


def is_bounce(headers: EmailMessage) -> bool:
    """True for a delivery report, for automatic mail that returns one of the office's own messages
    (its ``X-Sheetsync-Name`` inside), and for a mailer daemon's automatic mail. Not for a read
    receipt, nor for a person who writes from postmaster@ or forwards our message as an attachment."""
    report = _report_type(headers)
    if report is not None:
        return report in ("delivery-status", "")
    try:
        returned = _returned(headers)
    except (ValueError, IndexError, TypeError, AttributeError, LookupError):
        returned = None
    sender = from_address(headers)
    automatic = header_text(headers, "Auto-Submitted").strip().lower() not in ("", "no")
    if automatic and returned is not None and header_text(returned, NAME_HEADER):
        return True  # a machine returning our message (a person forwarding it as an attachment is read)
    return sender.split("@")[0] in DAEMONS and (automatic or returned is not None)


def _report_type(message: EmailMessage) -> str | None:
    """A ``multipart/report``'s report-type ('' when it names none); None for any other message."""
    if message.get_content_type() != "multipart/report":
        return None
    return str(message.get_param("report-type", "", header="content-type") or "").lower()


def read_bounce(bounce: EmailMessage) -> Bounce:
    """What ``bounce`` says, as far as it can be read (an empty :class:`Bounce` when nothing can)."""
    try:
        statuses = [block for part in bounce.walk() if part.get_content_type() == "message/delivery-status"
                    for block in _blocks(part)]
        returned = _returned(bounce)
    except (ValueError, IndexError, TypeError, AttributeError, LookupError):  # a bounce no parser expected
        return Bounce()
    what = one_line(header_text(returned, NAME_HEADER) or header_text(returned, "Subject"), 80) \
        if returned is not None else ""
    failed = [b for b in statuses if header_text(b, "Action").strip().lower() == "failed"]
    if statuses and not failed:
        delayed = any(header_text(b, "Action").strip().lower() == "delayed" for b in statuses)
        return Bounce((), what, "", delayed)
    if failed:
        recipients = (_address(header_text(b, "Final-Recipient") or header_text(b, "Original-Recipient")) for b in failed)
        addresses = tuple(dict.fromkeys(shown_address(a) for a in recipients if a))  # a .ไทย domain in Thai
        reason = " ".join(filter(None, [header_text(failed[0], "Status").strip(),
                                        header_text(failed[0], "Diagnostic-Code").split(";", 1)[-1].strip()]))
        return Bounce(addresses[:5], what, one_line(reason, 80))
    # No delivery-status part (an older or plain bounce): the returned message's own recipients.
    to = header_text(returned, "To") if returned is not None and _report_type(bounce) in (None, "delivery-status", "") \
        else ""
    addresses = tuple(dict.fromkeys(shown_address(a) for _, a in getaddresses([to]) if "@" in a))
    return Bounce(addresses[:5], what)


def _blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [block for block in payload if isinstance(block, Message)] if isinstance(payload, list) else []


def _returned(bounce: EmailMessage) -> Message | None:
    """The office's message the bounce returns: whole (``message/rfc822``) or its headers only."""
    for part in bounce.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list):
                return inner[0] if inner and isinstance(inner[0], Message) else None
            # Sent in quoted-printable it is kept as text (see _reading.ReceivedMessage): its head is enough.
            decoded = part.get_payload(decode=True)
            head = decoded[:RECEIVED_HEADER_LIMIT * 4] if isinstance(decoded, bytes) else b""
            return email.message_from_bytes(head, _class=EmailMessage, policy=RECEIVED)
        if kind == "text/rfc822-headers":
            text = str(part.get_payload(decode=False))[:RECEIVED_HEADER_LIMIT * 4]
            return email.message_from_string(text, _class=EmailMessage, policy=RECEIVED)
    return None


def _address(field_value: str) -> str:
    """``rfc822; b@s2.example`` → ``b@s2.example`` ('' when it is no address)."""
    address = field_value.split(";", 1)[-1].strip().strip("<>")
    return address if "@" in address and len(address) < 320 else ""


__all__ = ["Bounce", "is_bounce", "read_bounce"]
