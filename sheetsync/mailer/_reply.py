"""The polite reply to a fetched message that brought no usable spreadsheet (or had one refused)."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import PurePosixPath

from ..address import same_address
from ..messages import LANGS, Lang, render
from ._compose import NAME_HEADER, new_message, not_read_line, not_read_shown, set_bilingual_body, write_not_read
from ._config import MailConfig
from ._fetched import FetchedMessage
from ._headers import Thread, from_address, header_text, one_line, sole_from_address
from ._thread import REPLY_MARK, reply_subject, thread_headers
from ._texts import say
from ..zipped import Refusal

_ROBOTS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply")


def needs_reply(message: FetchedMessage) -> bool:
    """True when the sender must be told something: no spreadsheet came through, or one was refused."""
    return not message.files or bool(message.refused)


def is_automatic(headers: EmailMessage) -> bool:
    """True for mail a machine wrote (RFC 3834): a bounce or delivery report, an out-of-office
    answer, anything auto-generated or from a "no-reply" sender, anything with an empty Return-Path
    (``<>``: what delivery reports and other notifications are sent with, RFC 5321 §4.5.5; RFC 3834
    §3.1.5 forbids answering it). A bounce carries our own message back, attachments and all: nothing
    in it is a school's return."""
    # Every header is read cut (header_text): a sender chooses its length, and parsing grows faster.
    auto = header_text(headers, "Auto-Submitted").strip().lower() or "no"
    precedence = header_text(headers, "Precedence").strip().lower()
    sender = from_address(headers)
    return (auto != "no" or headers.get_content_type() == "multipart/report"
            or precedence in ("bulk", "junk", "auto_reply")
            or sender.split("@")[0] in _ROBOTS or bool(header_text(headers, "X-Autoreply"))
            or bool(header_text(headers, "X-Autorespond")) or _null_return_path(headers))


def _null_return_path(headers: EmailMessage) -> bool:
    """True when the message carries a Return-Path and it is empty (``<>``)."""
    return "Return-Path" in headers and not header_text(headers, "Return-Path").strip().strip("<>").strip()


def is_auto_reply(headers: EmailMessage) -> bool:
    """True for an automatic answer to a message: ``Auto-Submitted: auto-replied`` (RFC 3834) or what
    vacation programs write instead (``X-Autoreply``, ``X-Autorespond``, ``Precedence: auto_reply``).
    It answers what it received, often quoting or re-attaching it — our report's marked-up copy — so
    nothing in it is a school's return. Other automatic mail (a school's mail forwarded by a
    Microsoft 365 rule: ``auto-forwarded``, ``auto-generated``) is read, only never answered."""
    auto = header_text(headers, "Auto-Submitted").strip().lower()
    return (auto.startswith("auto-replied") or header_text(headers, "Precedence").strip().lower() == "auto_reply"
            or bool(header_text(headers, "X-Autoreply").strip()) or bool(header_text(headers, "X-Autorespond").strip()))


def is_robot_or_list(headers: EmailMessage) -> bool:
    """True for automatic mail (:func:`is_automatic`) and list mail: its sender is a machine or a
    whole list, so a report on a file it brought goes to the school's roster address, never to it."""
    precedence = header_text(headers, "Precedence").strip().lower()
    return is_automatic(headers) or precedence == "list" or "List-Id" in headers


def must_not_answer(headers: EmailMessage, config: MailConfig) -> bool:
    """True for mail no machine should answer (RFC 3834): automatic and list mail
    (:func:`is_robot_or_list`), mail with no sender, and mail from our own addresses
    (:func:`claims_to_be_ours`) — so the office never writes to itself, nor two robots to each other forever."""
    return is_robot_or_list(headers) or not from_address(headers) or claims_to_be_ours(headers, config)


def sent_by_office(headers: EmailMessage, config: MailConfig, mailbox: str = "") -> bool:
    """True when the message is from the office's own address and from it alone (one From header, one
    address in it, read without fault: :func:`~._headers.sole_from_address`). Only then does the office's
    name header make it one of the office's own e-mails; a message that only :func:`claims_to_be_ours` is
    a return, never answered."""
    return bool(sole_from_address(headers)) and claims_to_be_ours(headers, config, mailbox)


def claims_to_be_ours(headers: EmailMessage, config: MailConfig, mailbox: str = "") -> bool:
    """True when the message's From is one of the office's own addresses (its From, or its Reply-To: the
    mailbox that is fetched; or ``mailbox``, the login of that mailbox when it is an address: a provider that
    sends only as the account logged in, Gmail with an alias it has not verified, rewrites From to it). The
    office's own e-mails carry their name header and are told apart by it
    (:func:`sheetsync.mailer._reading.read_message`); what else claims it forges the office's address, as most
    extortion spam does, and is never answered (the office would write to itself)."""
    sender = from_address(headers)
    own = [config.from_addr, config.reply_to or "", mailbox if "@" in mailbox else ""]
    # Compared as same_address does: a Thai domain configured in Thai is forged as it travels (xn--).
    return bool(sender) and any(same_address(sender, address) for _, address in getaddresses(own) if address)


def compose_fetch_reply(message: FetchedMessage, config: MailConfig, limit: str) -> EmailMessage:
    """A short reply, in Thai then English, answering ``message`` in its thread: what was taken,
    what was refused and why, and what to send instead.

    :param limit: the size limit per file, as shown (``"10 MB"``).
    :raises MailError: the sender or our From address is not valid.
    """
    sections = [_paragraphs(message, lang, limit) for lang in LANGS]
    return _bilingual_reply(message.thread, config, say("fetch.subject", "th"), sections)


def compose_unreadable_reply(thread: Thread, file: str, reason: str, config: MailConfig, *,
                             why: Mapping[str, str] | None = None) -> EmailMessage:
    """The answer, in the sender's thread, to a mailed file that is not a report we can read.

    :param reason: the one-line reason (the reader's message, without the file name).
    :param why: the same in plain words, per language (default: the file cannot be opened).

    The attachments beside the file that are no spreadsheets (:attr:`Thread.others`) are named as not
    checked, as a report's answer names them (:func:`~._compose.not_read_note`).

    :raises MailError: the sender or our From address is not valid.
    """
    # Her PDF beside the damaged workbook: named as a report's answer names it (and a joined answer, once)
    shown, more = not_read_shown(thread.others)
    sections = [[say("mail.greeting.anyone", lang),
                 say("unreadable.intro", lang, file=one_line(file), reason=one_line(reason, 300),
                     why=one_line((why or {}).get(lang, ""), 600) or render("why.unreadable", lang)),
                 say("unreadable.what_to_send", lang), *([not_read_line(shown, more, lang)] if shown else []),
                 say("mail.outro", lang)] for lang in LANGS]
    msg = _bilingual_reply(thread, config, say("unreadable.subject", "th", file=one_line(file)), sections)
    if shown:
        write_not_read(msg, shown, more)
    return msg


#: What became of a file, as :func:`compose_again_reply` words it (an outcome's ``result`` → text).
AGAIN = {"merged": "again.accepted", "replaced": "again.accepted", "unchanged": "again.accepted",
         "refused": "again.refused", "superseded": "again.superseded", "quarantined": "again.unreadable"}


def compose_again_reply(thread: Thread, file: str, when: str, result: str, config: MailConfig) -> EmailMessage:
    """The answer to a mailed file the office already has, byte for byte: when it came and what
    became of it (``result``: the earlier outcome, see :data:`AGAIN`). A school sends a file again
    when it has not seen the answer; silence would make it send it a third time.

    :raises MailError: the sender or our From address is not valid.
    """
    key = AGAIN.get(result, "again.unreadable")
    sections = [[say("mail.greeting.anyone", lang),
                 say("again.intro", lang, file=one_line(file), when=one_line(when), result=say(key, lang)),
                 say("mail.outro", lang)] for lang in LANGS]
    return _bilingual_reply(thread, config, say("again.subject", "th", file=one_line(file)), sections)


def _bilingual_reply(thread: Thread, config: MailConfig, fallback_subject: str,
                     sections: list[list[str]]) -> EmailMessage:
    """A reply in ``thread``: each section (Thai, then English) as paragraphs, text and HTML."""
    msg = new_message(config, thread.sender, thread.sender_name, idstring=REPLY_MARK)  # see answers_our_reply
    msg["Subject"] = reply_subject(thread.subject, fallback_subject)
    for header, value in thread_headers(thread).items():
        msg[header] = value
    msg[NAME_HEADER] = one_line(f"reply {thread.sender}")
    set_bilingual_body(msg, sections, config)
    return msg


def _paragraphs(message: FetchedMessage, lang: Lang, limit: str) -> list[str]:
    paragraphs = [say("mail.greeting.anyone", lang)]
    if message.files:
        names = ", ".join(f"“{f.filename}”" for f in message.files)
        paragraphs.append(say("fetch.received", lang, names=one_line(names, 300)))
    else:
        paragraphs.append(say("fetch.none", lang))
        if message.others:
            paragraphs.append(say("fetch.others", lang, names=one_line(", ".join(message.others), 300)))
        if any(PurePosixPath(name).name.lower() == "winmail.dat" for name in message.others):
            paragraphs.append(say("fetch.winmail", lang))  # Outlook's TNEF: the spreadsheet is inside it
    paragraphs += [say(f"fetch.refused.{r.reason}", lang, name=one_line(r.name), detail=_detail(r, lang))
                   for r in message.refused]
    paragraphs += [say("fetch.what_to_send", lang, limit=limit), say("mail.outro", lang)]
    return paragraphs


def _detail(refusal: Refusal, lang: Lang) -> str:
    """A refusal's detail as the reply shows it: for ``saved-as`` its catalogue entry, in ``lang``."""
    return render(refusal.detail, lang) if refusal.reason == "saved-as" else refusal.detail
