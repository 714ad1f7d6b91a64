"""Header hygiene: every text that reaches a header passes through here first.

``email.policy.SMTP`` already refuses CR and LF in header values; we go further and make any
user-supplied text (a school name, a file name, a subject) one harmless line, so a name such as
``"x\\r\\nBcc: evil@example.com"`` can only ever be a strange name, never a new header.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.errors import HeaderParseError, InvalidHeaderDefect, NonASCIILocalPartDefect
from email.message import EmailMessage, Message
from email.policy import SMTP, EmailPolicy, Policy, default
from email.utils import getaddresses, parseaddr

from ..address import bare_address, needs_smtputf8, quoted_local, usable_address, wire_domain
from ..errors import MailError
from ..messages import LANGS, Lang, render
from ..text import plausibly_thai
from ._intl import UnicodeAddressHeader, encoded_words

_SOURCE = "mailbox.yaml"  # why an address cannot be used, with the names of what it is (address.*)
MAX_HEADER_TEXT = 120  # characters of user text in a subject or display name; the rest is cut


@dataclass(frozen=True)
class Thread:
    """The message a reply answers: threading headers come from it (see ``compose(thread=…)``)."""

    message_id: str
    subject: str = ""
    references: str = ""
    sender: str = ""
    sender_name: str = ""
    #: The message was written by a machine or came through a list (RFC 3834): it is never answered,
    #: a report on its file goes to the school's roster address instead (see ``address_report``).
    automatic: bool = False
    #: The names of the message's attachments that are not spreadsheets (a signed PDF, a photo): passed
    #: over, and the answer on its spreadsheets says so (:func:`~._compose.not_read_note`).
    others: tuple[str, ...] = ()


#: The most of a received header that is read: the email package's parser takes time growing faster
#: than a header's length (700 KB of addresses: seconds), and a sender controls that length.
RECEIVED_HEADER_LIMIT = 4096
#: The most of a received Content-Type or Content-Disposition searched for the parameters a file name and
#: the parts are read from (:data:`_READ_PARAMETERS`): a name after 1,000 other parameters was cut off with
#: the rest, and the sender told no spreadsheet came. Past this the header is marked (:data:`CUT_MARK`).
RECEIVED_PARAMETERS_LIMIT = 65536
#: The parameter a received header too long to search whole is marked with (see :func:`header_was_cut`).
CUT_MARK = "x-sheetsync-cut"
#: Folding white space between two encoded words (RFC 2047 §6.2: it is not part of the text). The
#: email package keeps a space there inside a display name, which splits a Thai name mid-word
#: ("วัดยายร ่ม") when a mail client encoded it as several words, as Gmail and Outlook do.
_BETWEEN_ENCODED_WORDS = re.compile(r"(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)")
#: Thai Windows' code page as mail programs name it (IANA's ``windows-874``: Outlook and Thunderbird on a
#: Thai Windows label subjects, names and file names so), in an encoded word (``=?windows-874?B?``) or a
#: parameter (``filename*=windows-874''…``). Python knows it only as ``cp874``: read under its name,
#: every Thai letter became mojibake (``Ẻ��§ҹ.xlsx``) in the file saved, the report and the reply's subject.
_THAI_WINDOWS = re.compile(r"(=\?|\*=\s*\"?)(?:x-)?(?:windows|ms|cp)-?874(?=[?*'])", re.IGNORECASE)


#: A file name parameter given as encoded words without quotes (``filename==?utf-8?B?…?=``): not
#: valid MIME, so the email package found no name at all. In quotes it reads them, as Gmail sends them.
_UNQUOTED_WORDS = re.compile(r"(\b(?:file)?name\s*=\s*)(=\?[^?\s\"]+\?[bBqQ]\?[^?\s\"]*\?="
                             r"(?:\s+=\?[^?\s\"]+\?[bBqQ]\?[^?\s\"]*\?=)*)(?=\s*(?:;|$))", re.IGNORECASE)


class ReceivedPolicy(EmailPolicy):
    """The email package's default policy, but every header field of a received message is cut to
    :data:`RECEIVED_HEADER_LIMIT` as the message is parsed — its head, or for References its end —
    so no read of it (``get``, ``get_content_type``, ``get_filename``, the parser's own boundary
    lookup) ever parses more: a 1 MB From took 48 s, 50,000 Content-Type parameters 47 s."""

    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        """The header's name and value as the default policy reads them, the value cut, Thai Windows'
        charset under the name Python knows (:data:`_THAI_WINDOWS`), raw TIS-620 read as Thai, and
        a file name of encoded words put in the quotes it lacked (:data:`_UNQUOTED_WORDS`)."""
        name, value = super().header_source_parse(sourcelines)
        if len(value) > RECEIVED_HEADER_LIMIT and name.lower() in ("content-type", "content-disposition"):
            value = _read_parameters_only(value)
        elif len(value) > RECEIVED_HEADER_LIMIT:
            value = value[-RECEIVED_HEADER_LIMIT:] if name.lower() == "references" else value[:RECEIVED_HEADER_LIMIT]
        value = _THAI_WINDOWS.sub(r"\1cp874", _raw_thai(value))
        if name.lower() in ("content-type", "content-disposition"):
            value = _UNQUOTED_WORDS.sub(r'\1"\2"', value)
        return name, value


#: The parameters of a Content-Type or Content-Disposition anything here reads (a file name, also in RFC 2231
#: pieces ``filename*0*=``; a multipart's boundary; a text's charset): of a header too long, only they are kept.
_READ_PARAMETERS = re.compile(r"(?:(?:file)?name|boundary|charset)(?:\*\d{1,4})?\*?", re.IGNORECASE)
#: One ``; name=value`` of a header field, the value quoted (with backslash escapes) or plain. Each
#: alternative is anchored on what it cannot contain, so a search stays linear in the header's length.
_PARAMETER = re.compile(r';\s*([^\s=;"]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;]*))?')


def _read_parameters_only(value: str) -> str:
    """A long Content-Type or Content-Disposition ``value`` as its type and the parameters that are read
    (:data:`_READ_PARAMETERS`), found in its first :data:`RECEIVED_PARAMETERS_LIMIT` characters. When
    the header goes on past that, or what is kept is still over :data:`RECEIVED_HEADER_LIMIT` (the
    email package's time grows faster than a header's length), it is marked :data:`CUT_MARK`."""
    searched = value[:RECEIVED_PARAMETERS_LIMIT]
    cut = len(value) > len(searched)
    head, _, _ = searched[:RECEIVED_HEADER_LIMIT].partition(";")
    kept, position = [], searched.find(";")
    while position >= 0:
        found = _PARAMETER.match(searched, position)
        if found is None:  # a stray ';' with no name after it
            position = searched.find(";", position + 1)
            continue
        # One that runs to where the search stops may be cut in two (an open quote would take in the mark).
        if _READ_PARAMETERS.fullmatch(found[1]) and found[2] is not None and not (cut and found.end() == len(searched)):
            kept.append(f"{found[1]}={found[2].strip()}")
        position = searched.find(";", found.end())
    params = "".join(f"; {parameter}" for parameter in kept)
    if cut or len(params) > RECEIVED_HEADER_LIMIT:
        params = (params if len(params) <= RECEIVED_HEADER_LIMIT else "") + f'; {CUT_MARK}="1"'
    return head.strip() + params


def header_was_cut(part: Message) -> bool:
    """Whether a received part's Content-Type or Content-Disposition was too long to be searched
    whole for its file name (:func:`_read_parameters_only`)."""
    return any(part.get_param(CUT_MARK, header=name) is not None for name in ("content-type", "content-disposition"))


def _raw_thai(value: str) -> str:
    """``value`` with raw TIS-620 bytes (an older Thai mail program's, against RFC 5322) read as Thai.

    The parser hands raw bytes over as surrogates; raw UTF-8 (RFC 6532) the email package reads
    itself, any other it turns into U+FFFD, so a file was saved as ``Ẻ��§ҹ.xlsx``: TIS-620 is
    handed on as that UTF-8. Western bytes also "decode" as cp874, so they are kept as they are
    unless the text reads as Thai."""
    try:
        raw = value.encode("ascii", "surrogateescape")
        raw.decode("utf-8")
        return value  # plain ASCII, or raw UTF-8
    except UnicodeEncodeError:
        return value  # not read from bytes
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp874")
    except UnicodeDecodeError:
        return value
    if not plausibly_thai(text):
        return value
    # As the raw UTF-8 the package reads (and writes back out, where a Thai str would not encode).
    return text.encode("utf-8").decode("ascii", "surrogateescape")


if TYPE_CHECKING:  # typeshed's policies are generic in the message class they make; Python 3.11's are not
    _EmailPolicy = EmailPolicy[EmailMessage]
else:
    _EmailPolicy = EmailPolicy

#: The policy every received message is parsed with (see :class:`ReceivedPolicy`).
RECEIVED = ReceivedPolicy()


class IdListHeader(UnstructuredHeader, BaseHeader):
    """``In-Reply-To`` and ``References`` as written: msg-ids folded between ids, never inside one and
    never as encoded words. The email package treats both fields as free text and RFC 2047-encodes
    an id longer than a line (Outlook's are ~90 characters), which no mail program reads as a
    msg-id (RFC 2047 §5): the reply fell out of the school's conversation."""

    max_count = 1

    def fold(self, *, policy: Policy) -> str:
        """``Name: <a> <b>``, a new line before an id that would pass ``policy.max_line_length``."""
        lines = [f"{self.name}:"]
        for token in str(self).split():  # an id is at most ~250 characters: a line stays under 998
            if len(lines[-1]) + 1 + len(token) > (policy.max_line_length or 78) and lines[-1] != f"{self.name}:":
                lines.append("")
            lines[-1] += f" {token}"
        return policy.linesep.join(lines) + policy.linesep


class SpacedTextHeader(UnstructuredHeader, BaseHeader):
    """A subject (or other free text) holding Thai, folded as encoded words that carry their own spaces.

    The email package folds a long text at a space and leaves that space *between* two encoded words,
    where RFC 2047 §6.2 says it is not part of the text: every mail program then joined the words
    ("ทางการศึกษา ประจำภาคเรียน" arrived as "ทางการศึกษาประจำภาคเรียน"). Here the text is cut into
    encoded words by whole characters, each within a line, so every space is inside one. An ASCII
    text is folded as the email package does."""

    max_count = 1

    def fold(self, *, policy: Policy) -> str:
        """``Name: =?utf-8?b?…?=`` and one more encoded word per line, none longer than the line allows."""
        text = str(self)
        if text.isascii():
            return super().fold(policy=policy)
        return f"{self.name}: " + (policy.linesep + " ").join(encoded_words(text)) + policy.linesep


class OneAddressListHeader(UnicodeAddressHeader):
    """From, To, Cc, Bcc, Reply-To: at most one of each, as the email package has them."""

    max_count = 1


class OutgoingPolicy(_EmailPolicy):
    """The policy of the office's own messages: an outbox file's raw UTF-8 header (an address with a Thai
    local part, see :mod:`._intl`) is read as text, not as the surrogates the parser hands over."""

    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        """The header's name and value, raw UTF-8 read as UTF-8; in an address field, a display name's
        encoded words joined (the parser puts a space between them, "วัดสุ ทธิ", which ``smtplib`` would
        then send when it writes the fields again for SMTPUTF8)."""
        name, value = super().header_source_parse(sourcelines)
        if name.lower() in _ADDRESS_FIELDS:
            value = _BETWEEN_ENCODED_WORDS.sub(r"\1", value)
        try:
            return name, value.encode("ascii", "surrogateescape").decode("utf-8")
        except UnicodeError:
            return name, value


_ADDRESS_FIELDS = ("from", "to", "cc", "bcc", "reply-to")


def _outgoing_registry() -> HeaderRegistry:
    registry = HeaderRegistry()
    for name in ("in-reply-to", "references"):
        registry.map_to_type(name, IdListHeader)
    registry.map_to_type("subject", SpacedTextHeader)
    for name in _ADDRESS_FIELDS:
        registry.map_to_type(name, OneAddressListHeader)
    return registry


#: The policy of every message the office writes, and of each read back from its outbox to be sent
#: (``smtplib`` writes it out again): :data:`email.policy.SMTP` with :class:`IdListHeader`,
#: :class:`SpacedTextHeader` and :class:`~._intl.UnicodeAddressHeader`; ``OUTGOING_UTF8`` for a mail that
#: names a Thai local part (see :func:`wire_bytes`).
OUTGOING: EmailPolicy[EmailMessage] = OutgoingPolicy(linesep="\r\n", header_factory=_outgoing_registry())
OUTGOING_UTF8 = OUTGOING.clone(utf8=True)


def header_text(message: Message | None, name: str, *, tail: bool = False) -> str:
    """A received message's header ``name`` as the email package reads it ('' when absent or
    unreadable), cut to :data:`RECEIVED_HEADER_LIMIT` *before* it is parsed — its head, or with
    ``tail`` its end (the newest of a long References list) — and adjacent encoded words joined."""
    if message is None:
        return ""
    wanted = name.lower()
    raw = next((value for key, value in message.raw_items() if key.lower() == wanted), None)
    if raw is None:
        return ""
    cut = str(raw)[-RECEIVED_HEADER_LIMIT:] if tail else str(raw)[:RECEIVED_HEADER_LIMIT]
    cut = _BETWEEN_ENCODED_WORDS.sub(r"\1", cut)
    try:
        return str(default.header_fetch_parse(name, cut))
    except Exception:  # noqa: BLE001 - a sender's header that no parser expected is simply not read
        return ""


def from_address(message: Message | None) -> str:
    """The address in a received message's From (:func:`header_text`), lower case, as
    :func:`~sheetsync.address.bare_address` reads it ('' when there is none, or more than one)."""
    return bare_address(parseaddr(header_text(message, "From"))[1]).lower()


def sole_from_address(message: Message | None) -> str:
    """:func:`from_address`, when the message has one From header holding one address the email package
    reads without fault; else ''. The words of a From are the sender's: ``office@bma.example <a@s1.example>``
    is read as the office's address (the one after is dropped as invalid), and a second From, or a second
    address in it, is there to be read instead of the first."""
    if message is None:
        return ""
    raws = [value for key, value in message.raw_items() if key.lower() == "from"]
    if len(raws) != 1:
        return ""
    try:
        header = default.header_fetch_parse("From", str(raws[0])[:RECEIVED_HEADER_LIMIT])
        addresses = header.addresses
    except Exception:  # noqa: BLE001 - a sender's header no parser expected is no sole address
        return ""
    if len(addresses) != 1 or any(isinstance(d, InvalidHeaderDefect) for d in header.defects):
        return ""
    return from_address(message)


def one_line(text: str, limit: int = MAX_HEADER_TEXT) -> str:
    """``text`` as a single line: control characters, line and paragraph breaks become spaces,
    runs of spaces shrink to one, and anything beyond ``limit`` characters becomes "…"."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") else ch
                      for ch in unicodedata.normalize("NFC", str(text)))
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def parse_addresses(text: str, *, display_name: str = "", what: str = "address") -> tuple[Address, ...]:
    """Addresses from ``text`` ("a@x.org", "Name <a@x.org>, b@โรงเรียน.ไทย"), as they travel: a Thai
    domain in its IDNA form (``xn--…``), a Thai local part as it is (it needs SMTPUTF8, see
    :func:`wire_bytes`); ``display_name`` names those written without one; ``what`` which address it is,
    for the error (see :func:`refused_address`).

    :raises MailError: ``text`` holds no address, or one that is no usable ``local@domain``
        (see :func:`sheetsync.address.usable_address`), said Thai first.
    """
    try:
        written = one_line(text, limit=10_000)
        header = SMTP.header_factory("To", written)
        addresses = header.addresses
    except (HeaderParseError, IndexError) as exc:  # the email package's parser stumbles on "a@" (IndexError)
        raise refused_address("address.invalid", what, one_line(text, 60)) from exc
    found: list[Address] = []
    for address in addresses:
        if not address.username or not address.domain or not _usable(address.username, address.domain, written):
            raise refused_address("address.unusable", what, address.username + "@" + address.domain)
        name = one_line(address.display_name or display_name)
        found.append(Address(display_name=name, username=address.username, domain=wire_domain(address.domain)))
    # A Thai local part is a defect only to RFC 5322 without RFC 6532: usable_address has judged it.
    if not found or any(not isinstance(d, NonASCIILocalPartDefect) for d in header.defects):
        raise refused_address("address.invalid", what, one_line(text, 60))
    return tuple(found)


def refused_address(code: str, what: str, value: str) -> MailError:
    """The :class:`MailError` ``code`` (``address.invalid``, ``address.unusable``) about ``value``, Thai as its
    ``th``: ``what`` says which address it is (``sender``, ``recipient``, ``reply_to`` …: the ``address.what.*``
    messages; any other text is shown as given)."""
    said = {lang: render(code, lang, source=_SOURCE, what=_role(what, lang), value=repr(value)) for lang in LANGS}
    return MailError(said["en"], th=said["th"])


def _role(what: str, lang: Lang) -> str:
    shown = render(f"address.what.{what}", lang, source=_SOURCE)
    return what if shown == f"address.what.{what}" else shown  # a program's own word: no message of ours


def _usable(local: str, domain: str, written: str) -> bool:
    """Whether ``local``@``domain``, as the parser read it from ``written``, is a usable address written
    there as one word — the parser also takes "ครู @โรงเรียน.ไทย" (spaces, comments), no one's address: a
    dot-atom or a quoted local part (:func:`~sheetsync.address.usable_address`) (``"a b"@school.example``, RFC 5321:
    smtplib and every server carry it as ``<"a b"@school.example>``; refused, its school was never answered)."""
    spec = f"{local}@{domain}"
    if spec in written:
        return usable_address(spec)
    quoted = f"{quoted_local(local)}@{domain}"
    return quoted in written and usable_address(quoted)  # the roster's judge too: what one takes, the other does


def needs_utf8(message: Message) -> bool:
    """Whether ``message`` names an address with a Thai (non-ASCII) local part: it can travel only with
    SMTPUTF8, its headers as raw UTF-8 (RFC 6532)."""
    fields = [str(message.get(name) or "") for name in ("From", "Sender", "To", "Cc", "Bcc", "Reply-To")]
    return any(needs_smtputf8(address) for _, address in getaddresses(fields))


def wire_bytes(message: Message) -> bytes:
    """``message`` as the outbox keeps it and SMTP carries it: :data:`email.policy.SMTP`, or with raw UTF-8
    headers when it names a Thai local part (the email package would write that address as encoded
    words, which no server or mail program reads as an address)."""
    return bytes(message.as_bytes(policy=OUTGOING_UTF8 if needs_utf8(message) else SMTP))
