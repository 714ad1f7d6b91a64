"""Threads: the ids a reply names (In-Reply-To, References), its subject, and how the office's own
replies and digest are known again when something answers them."""

from __future__ import annotations

import re
from email.message import Message

from ._headers import Thread, header_text, one_line

_MSGID = re.compile(r"<[!-;=?-~]{1,250}>")  # printable ASCII without spaces, "<" or ">", in angle brackets
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd|ตอบกลับ|ตอบ|ส่งต่อ)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
MAX_REFERENCES = 10
#: The end of the left part of the Message-ID of every reply the office writes to a message it
#: received (``<1767….12.345.sheetsync-reply@bma.example>``): the polite reply, "cannot be read",
#: "already received".
REPLY_MARK = "sheetsync-reply"
#: The same for the office's digest: its readers are the office's own people, and their answer to it
#: ("thanks, chase s4") is no school's return to be told "no spreadsheet came through".
DIGEST_MARK = "sheetsync-digest"


def answers_our_reply(headers: Message) -> bool:
    """True when ``headers`` answer one of the office's replies or its digest: the id their
    In-Reply-To names, or the newest of their References, is one the office wrote
    (:data:`REPLY_MARK`, :data:`DIGEST_MARK`). A robot that answers everything without saying so
    answers those: answering it again would never end."""
    parents = message_ids(header_text(headers, "In-Reply-To"))[:1] + \
        message_ids(header_text(headers, "References", tail=True))[-1:]
    return any(p[1:].rsplit("@", 1)[0].endswith((f".{REPLY_MARK}", f".{DIGEST_MARK}")) for p in parents)


def message_ids(text: str) -> list[str]:
    """The well-formed ``<id@host>`` tokens of a Message-ID, In-Reply-To or References value."""
    return _MSGID.findall(str(text or ""))


def reply_subject(original: str, fallback: str) -> str:
    """``"Re: <original>"`` — never ``"Re: Re: …"`` — or ``fallback`` when the original has none."""
    subject = _REPLY_PREFIX.sub("", one_line(original, limit=200))
    return f"Re: {subject}" if subject else fallback


def thread_headers(thread: Thread) -> dict[str, str]:
    """``In-Reply-To`` and ``References`` for a reply to ``thread`` (RFC 5322 §3.6.4); empty
    when its Message-ID is not well formed (a reply is then simply a new message)."""
    own = message_ids(thread.message_id)
    if len(own) != 1:
        return {}
    chain = [i for i in message_ids(thread.references) if i != own[0]][-(MAX_REFERENCES - 1):]
    return {"In-Reply-To": own[0], "References": " ".join([*chain, own[0]])}
