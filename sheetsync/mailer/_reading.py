"""Reading one received message, whatever its sender made of it: what kind it is and what it carries.

Everything the email package does with a received message happens here, within limits: lines that
may open a MIME part are counted before it parses anything, and the parsed tree's parts and depth
before anything walks it (:data:`~sheetsync.limits.MAX_MIME_PARTS`, ``MAX_MIME_DEPTH``), and so are
lines shaped like header fields (``MAX_HEADER_LINES``: 12 MB of them cost 400 MB to parse). Whatever
else the package raises on a message no one expected (a ``RecursionError`` deep in its parser, a
``ValueError`` from a header) reaches the caller, which refuses that one message and goes on.
"""

from __future__ import annotations

import base64
import email
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from typing import Any, Callable, Literal

from ..errors import MessageTooComplexError
from ..limits import MAX_HEADER_LINES, MAX_MIME_DEPTH, MAX_MIME_PARTS
from ..messages import LANGS, render
from ..zipped import Refusal
from ._attachments import Extracted, _megabytes, extract
from ._bounce import Bounce, is_bounce, read_bounce
from ._compose import NAME_HEADER
from ._headers import RECEIVED, header_text
from ._imap_config import ImapConfig
from ._reply import is_auto_reply

#: ``return``: a message that may bring a school's file; ``bounce``: a delivery report; ``ours``: one of the
#: office's own e-mails (its ``X-Sheetsync-Name``) delivered to the office's mailbox (a report copied to the
#: office, the digest); ``auto-reply``: an out-of-office or other automatic answer. Only a return is taken.
Kind = Literal["return", "bounce", "ours", "auto-reply"]
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_HEADER_LINE = re.compile(rb"(?:^|\n)[!-9;-~]{1,76}:")  # a field name (RFC 5322 §3.6.8), then its colon


@dataclass(frozen=True)
class Reading:
    """A received message as read: its headers (and parts), its kind, what it carries, and for a
    bounce what the bounce says."""

    parsed: EmailMessage
    kind: Kind = "return"
    found: Extracted = field(default_factory=Extracted)
    bounce: Bounce | None = None


def parse(raw: bytes) -> EmailMessage:
    """``raw`` as the email package reads it, every header field cut (:class:`ReceivedPolicy`)."""
    parsed = email.message_from_bytes(raw, _class=ReceivedMessage, policy=RECEIVED)
    assert isinstance(parsed, EmailMessage)
    return parsed


class ReceivedMessage(EmailMessage):
    """A received message or part, as the email package makes it, but a forwarded message (``message/rfc822``)
    sent in quoted-printable is kept as the text it came as, until :func:`_open_encoded_messages` decodes it.

    The parser reads what follows any ``message/*`` header as a message whatever its encoding, and that
    cannot be undone: a soft line break (``=`` at a line's end) inside a header ends the header, a
    boundary comes as ``=3D…``. It asks the part's main type to choose (``get_content_maintype``), so
    this one answers as for an attachment while the part holds no parsed message."""

    def get_content_maintype(self) -> str:
        """The part's main type, ``application`` for a ``message/rfc822`` part still in quoted-printable."""
        if self.get_content_type() == "message/rfc822" and not self.is_multipart() and _label(self) == "quoted-printable":
            return "application"
        return super().get_content_maintype()


def read_message(raw: bytes, config: ImapConfig, *, whole: bool,
                 sent_by_office: Callable[[EmailMessage], bool] | None = None) -> Reading:
    """What ``raw`` is and carries.

    :param whole: ``raw`` is the whole message; otherwise only its header (the message is over
        ``config.max_message``, so nothing of it is opened and it is refused as a whole).
    :param sent_by_office: whether a message comes from the office's own address; a message carrying our
        name header is the office's own only if so (default: any message carrying it).
    :raises Exception: anything the email package raises on a message it cannot read, or
        :class:`~sheetsync.errors.MessageTooComplexError`; the caller refuses the message (see :func:`unreadable`).
    """
    if whole:
        _count_part_lines(raw)
    _count_header_lines(raw)
    parsed = parse(raw)
    if is_bounce(parsed):  # it carries our own message back: its template or marked-up copy is no return
        return Reading(parsed, "bounce", bounce=read_bounce(parsed))
    # Taking files from these would answer our own report or an echo of it: a mail loop, for ever. The
    # header is only text a school's mail program may send out again ("Edit As New", a resend keeping
    # every header) with her report attached: from another address, it is her return.
    if header_text(parsed, NAME_HEADER) and (sent_by_office is None or sent_by_office(parsed)):
        return Reading(parsed, "ours")
    if is_auto_reply(parsed):
        return Reading(parsed, "auto-reply")
    if not whole:
        return Reading(parsed, found=Extracted(refused=[Refusal("", "whole-message", _megabytes(config.max_message))]))
    _open_encoded_messages(parsed)
    _check_structure(parsed)
    return Reading(parsed, found=extract(parsed, config))


def unreadable(header: bytes) -> Reading:
    """A message that cannot be read, refused whole: its ``header`` (flat, so it parses in bounded
    time and depth) still says who sent it, for the polite reply.

    :raises Exception: even the header cannot be read (the caller then records the message bare).
    """
    return Reading(parse(header), found=Extracted(refused=[Refusal("", "message-unreadable")]))


def too_complex(what: str, limit: int) -> MessageTooComplexError:
    """The :class:`MessageTooComplexError` ``mailbox.too-complex.<what>`` (``parts``, ``header-lines``,
    ``forwarded``, ``depth``): English as its text, Thai as its ``th`` (the clerk's line about the message)."""
    said = {lang: render(f"mailbox.too-complex.{what}", lang, source="mailbox.yaml", limit=f"{limit:,}")
            for lang in LANGS}
    return MessageTooComplexError(said["en"], th=said["th"])


def _count_part_lines(raw: bytes) -> None:
    """Refuse, before parsing, a message with more lines that may open or close a MIME part (those
    starting ``--``) than its parts allow: parsing them all is what costs time and depth."""
    if raw.count(b"\n--") > 2 * MAX_MIME_PARTS:
        raise too_complex("parts", MAX_MIME_PARTS)


def _count_header_lines(raw: bytes) -> None:
    """Refuse, before parsing, a message with more lines shaped like a header field (``Name:``, in
    its header or a part's) than :data:`~sheetsync.limits.MAX_HEADER_LINES`; counting stops there.
    Base64 lines have no colon, so a large attachment costs nothing here."""
    for count, _ in enumerate(_HEADER_LINE.finditer(raw), 1):
        if count > MAX_HEADER_LINES:
            raise too_complex("header-lines", MAX_HEADER_LINES)


def _open_encoded_messages(message: Message) -> None:
    """Parse again, decoded, each forwarded message (``message/rfc822``) sent in base64 or quoted-printable.

    RFC 2046 forbids encoding one, yet some mail programs and relays send a forwarded e-mail so; the
    email package parses such a part as a message whatever its encoding, so the base64 text became
    the body of a message without a header (base64 has no colon) and the teacher's file in it was
    never found. A quoted-printable one is kept as text by the parse (:class:`ReceivedMessage`) and
    decoded as the email package decodes an attachment. Each one decoded is bounded as the whole
    message is (its lines counted before it is parsed), at most :data:`~sheetsync.limits.MAX_MIME_DEPTH`
    of them of either encoding, and the tree is measured after (:func:`_check_structure`)."""
    stack, opened = [message], 0
    while stack:
        part = stack.pop()
        payload = part.get_payload()
        children: list[Any] = payload if isinstance(payload, list) else []
        if part.get_content_type() == "message/rfc822" and _still_encoded(part, payload):
            opened += 1
            if opened > MAX_MIME_DEPTH:
                raise too_complex("forwarded", MAX_MIME_DEPTH)
            children = [_decoded_message(part)]
            part.set_payload(children)
        stack.extend(child for child in children if isinstance(child, Message))


def _label(part: Message) -> str:
    """The part's ``Content-Transfer-Encoding`` as labelled, lower case (``""`` for none)."""
    return str(part.get("Content-Transfer-Encoding", "")).strip().lower()


def _still_encoded(part: Message, payload: Any) -> bool:
    """Whether the forwarded message ``part`` holds is still its encoded text. Quoted-printable: kept as
    text by the parse (:class:`ReceivedMessage`). Base64: so labelled, and read by the email package as
    a message without a header (base64 has no colon); one with a header came as written under a wrong
    label (a relay's): read already, its header's letters are no base64 to decode."""
    if isinstance(payload, str):
        return _label(part) == "quoted-printable"
    return _label(part) == "base64" and isinstance(payload, list) and not (
        payload and isinstance(payload[0], Message) and payload[0].keys())


def _decoded_message(part: Message) -> Message:
    """The forwarded message that ``part`` holds in quoted-printable or base64, decoded and parsed within
    the bounds."""
    payload = part.get_payload()
    if isinstance(payload, str):  # quoted-printable, decoded as the email package decodes an attachment
        decoded = part.get_payload(decode=True)
        return _checked_parse(decoded if isinstance(decoded, bytes) else b"")
    inner = payload[0] if isinstance(payload, list) and payload else None
    # Decoded as the email package decodes an attachment: what is not base64 is passed over (the
    # "=" padding too: it may stand mid-text where a relay joined two pieces), the end padded again so
    # that its last one or two bytes are kept, and a cut end (a relay's size limit) loses only a lone
    # letter, which holds no whole byte.
    text = _NOT_BASE64.sub(b"", inner.as_bytes() if isinstance(inner, Message) else b"")
    text = text[:-1] if len(text) % 4 == 1 else text + b"=" * (-len(text) % 4)
    return _checked_parse(base64.b64decode(text))


def _checked_parse(raw: bytes) -> Message:
    """A forwarded message decoded, parsed once its lines are counted as the whole message's were."""
    _count_part_lines(raw)
    _count_header_lines(raw)
    return parse(raw)


def _check_structure(message: Message) -> None:
    """Count ``message``'s parts and measure their depth without recursion (``walk`` recurses)."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > MAX_MIME_PARTS:
            raise too_complex("parts", MAX_MIME_PARTS)
        if depth > MAX_MIME_DEPTH:
            raise too_complex("depth", MAX_MIME_DEPTH)
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))
