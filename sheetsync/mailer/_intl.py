"""Headers of a mail that names a Thai local part (``ครูสมศรี@โรงเรียนวัดสุทธิ.ไทย``).

Such a mail travels only with SMTPUTF8 (RFC 6531), its addresses as raw UTF-8 (RFC 6532). The email
package then writes *every* header raw, display names included, and its own parser cannot read a raw
Thai display name back ("expected ':' at end of group display name"): the outbox file would no longer
say whom it is for. So an address header keeps its display names as encoded words (still valid under
RFC 6532) and only the addresses raw; without UTF-8 it is written as the email package writes it.
"""

from __future__ import annotations

import base64
import copy
import smtplib
import unicodedata
from typing import Callable

from email.headerregistry import AddressHeader, BaseHeader
from email.message import Message
from email.policy import Policy
from email.utils import getaddresses

from ..address import needs_smtputf8, shown_address

#: UTF-8 bytes in one encoded word: 39 make 52 base64 characters, a line of at most 76 with "Subject: ".
WORD_BYTES = 39


def encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 encoded words (``=?utf-8?b?…?=``), cut between whole letters, each one
    short enough for a line of its own; a space stays inside a word (RFC 2047 §6.2).

    A letter keeps its tone marks and vowel signs ("ทั้ง": ท, ั, ้, ง): a word that began with one was shown
    by some mail programs after a space, on its own. Only a letter with more marks than a word holds (no
    text has one, a sender's name may) is cut among them."""
    words, chunk = [], ""
    for cluster in _letters(text):
        for ch in cluster if len(cluster.encode("utf-8")) > WORD_BYTES else [cluster]:
            if chunk and len((chunk + ch).encode("utf-8")) > WORD_BYTES:
                words.append(_encoded_word(chunk))
                chunk = ""
            chunk += ch
    words.append(_encoded_word(chunk))
    return words


#: Letters by their category (Lo) that are written on the letter before them, as Unicode's grapheme clusters
#: keep them (UAX #29 SpacingMark): SARA AM ("ำ" of "น้ำ", "ประจำ"), and Lao's.
_WRITTEN_ON = frozenset("\u0e33\u0eb3")


def _letters(text: str) -> list[str]:
    """``text`` as letters, each with the marks written on it (Unicode category M: Thai tone marks and
    vowel signs above and below, which never stand alone; and SARA AM, :data:`_WRITTEN_ON`)."""
    letters: list[str] = []
    for ch in text:
        if letters and (unicodedata.category(ch).startswith("M") or ch in _WRITTEN_ON):
            letters[-1] += ch
        else:
            letters.append(ch)
    return letters


def _encoded_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


# (typeshed's AddressHeader.init and BaseHeader.init differ; at run time AddressHeader's is the one used)
class UnicodeAddressHeader(AddressHeader, BaseHeader):  # type: ignore[misc]
    """From, To, Cc, Reply-To …: each Thai display name as encoded words cut between whole letters, one per line,
    and each address on its own line after them, raw with a UTF-8 policy (a mail naming a Thai local part);
    a field of ASCII names alone as the email package folds it."""

    def fold(self, *, policy: Policy) -> str:
        """``Name: =?utf-8?b?…?= <ครูสมศรี@xn--…>``, one encoded word per line (:func:`encoded_words`), or
        the email package's folding for a field of ASCII alone (or a Thai local part without UTF-8)."""
        utf8 = bool(getattr(policy, "utf8", False))
        addresses = [address for group in self.groups for address in group.addresses]
        # The email package cuts a Thai name anywhere, before a tone mark too ("ุ่ง"): Thai names are folded here
        if not utf8 and (all(a.display_name.isascii() for a in addresses)
                         or not all(a.addr_spec.isascii() for a in addresses)):
            return str(super().fold(policy=policy))
        fold = policy.linesep + " "
        return f"{self.name}: " + ("," + fold).join(_one(a.display_name, a.addr_spec, fold) for a in addresses) \
            + policy.linesep


def _one(name: str, spec: str, fold: str) -> str:
    if not name:
        return f"<{spec}>"
    if name.isascii():
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{spec}>'
    return fold.join(encoded_words(name)) + f"{fold}<{spec}>"


def smtputf8_needed_by(message: Message) -> tuple[str, str, str]:
    """Why ``message`` needs SMTPUTF8, for a server that does not offer it: the message code
    (``smtp.no-smtputf8-sender`` when the office's own address, From or Reply-To, has a Thai local part: every mail
    needs it; else ``smtp.no-smtputf8``), the address shown in Thai, and the school (the display name
    the address is written with, or the message's name)."""
    for _, address in getaddresses([str(message.get(name) or "") for name in ("Sender", "From", "Reply-To")]):
        if needs_smtputf8(address):
            return "smtp.no-smtputf8-sender", shown_address(address), ""
    named = str(message.get("X-Sheetsync-Name") or "")
    for name, address in getaddresses([str(message.get(name) or "") for name in ("To", "Cc", "Bcc")]):
        if needs_smtputf8(address):
            return "smtp.no-smtputf8", shown_address(address), name or named or shown_address(address)
    return "smtp.no-smtputf8", "?", named or "?"


def send_utf8(smtp: smtplib.SMTP, message: Message,
              write: Callable[[Message], bytes]) -> dict[str, tuple[int, bytes]]:
    """Send ``message`` with SMTPUTF8, written out by ``write`` (raw UTF-8 headers) without its Bcc field,
    as ``smtp.send_message`` would. ``smtplib`` asks for SMTPUTF8 only when an envelope address is not ASCII: a Thai local part in
    Reply-To alone (the office's own mailbox) would go out as raw UTF-8 without it, or not be written.

    :raises smtplib.SMTPNotSupportedError: the server does not offer SMTPUTF8 (nothing was sent).
    """
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("smtputf8"):
        raise smtplib.SMTPNotSupportedError("the message names an address that needs SMTPUTF8, not offered")
    sender = getaddresses([str(message.get("Sender") or message.get("From") or "")])
    recipients = [a for _, a in getaddresses([str(message.get(h) or "") for h in ("To", "Cc", "Bcc")]) if a]
    shown = copy.copy(message)
    del shown["Bcc"]  # its addresses are in the envelope, never in what every recipient reads
    return smtp.sendmail(sender[0][1] if sender else "", recipients, write(shown), ["SMTPUTF8", "BODY=8BITMIME"])
