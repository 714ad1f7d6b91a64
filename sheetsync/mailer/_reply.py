"""The polite reply to a fetched message that brought no usable spreadsheet (or had one refused)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import parseaddr
from html import escape

from ..messages import LANGS, Lang
from ..render.html import FONT
from ._compose import NAME_HEADER, new_message
from ._config import MailConfig
from ._fetched import FetchedMessage
from ._headers import one_line, reply_subject, thread_headers
from ._texts import say

_ROBOTS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply")


def needs_reply(message: FetchedMessage) -> bool:
    """True when the sender must be told something: no spreadsheet came through, or one was refused."""
    return not message.files or bool(message.refused)


def must_not_answer(headers: EmailMessage, config: MailConfig) -> bool:
    """True for mail no machine should answer (RFC 3834): auto-generated or list mail, bounces,
    "no-reply" senders, and our own messages — so two robots never write to each other forever."""
    auto = str(headers.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(headers.get("Precedence", "")).strip().lower()
    sender = parseaddr(str(headers.get("From", "")))[1].lower()
    ours = parseaddr(config.from_addr)[1].lower()
    return (auto != "no" or precedence in ("bulk", "list", "junk") or "List-Id" in headers
            or not sender or sender.split("@")[0] in _ROBOTS or (bool(ours) and sender == ours)
            or bool(headers.get("X-Autoreply")) or bool(headers.get("X-Autorespond")))


def compose_fetch_reply(message: FetchedMessage, config: MailConfig, limit: str) -> EmailMessage:
    """A short reply, in Thai then English, answering ``message`` in its thread: what was taken,
    what was refused and why, and what to send instead.

    :param limit: the size limit per file, as shown (``"10 MB"``).
    :raises MailError: the sender or our From address is not valid.
    """
    msg = new_message(config, message.sender, message.sender_name)
    msg["Subject"] = reply_subject(message.subject, say("fetch.subject", "th"))
    for header, value in thread_headers(message.thread).items():
        msg[header] = value
    msg[NAME_HEADER] = one_line(f"reply {message.sender}")
    sections = [_paragraphs(message, lang, limit) for lang in LANGS]
    signature = say("mail.signature", "th")
    msg.set_content("\n\n".join("\n\n".join(s) for s in sections) + f"\n\n-- \n{signature}\n", charset="utf-8")
    style = f"font-family:{FONT};font-size:16px;color:#111;margin:0 0 12px 0"
    body = '<hr style="border:0;border-top:1px solid #ccc">'.join(
        "".join(f'<p style="{style}">{escape(p)}</p>' for p in section) for section in sections)
    msg.add_alternative(f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>{body}'
                        f'<p style="{style};color:#666;font-size:13px">{escape(signature)}</p></body></html>',
                        subtype="html", charset="utf-8")
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
    paragraphs += [say(f"fetch.refused.{r.reason}", lang, name=one_line(r.name), detail=r.detail)
                   for r in message.refused]
    paragraphs += [say("fetch.what_to_send", lang, limit=limit), say("mail.outro", lang)]
    return paragraphs
