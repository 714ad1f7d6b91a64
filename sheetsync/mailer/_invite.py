"""The e-mail that sends a school its template: what it is, how to fill it in, how to send it back.

Answering this message with the filled file is all a school has to do: the office's mailbox fetch
takes the file, and its report answers in the same conversation.

A clerk who runs the same command twice must not mail every school twice: :func:`earlier_invitations`
finds the invitations still waiting in the outbox and those sent from it in the last
:data:`RECENT`, each under :func:`invitation_key` (which school's template, what subject, which
addresses) with what its template holds (:data:`CONTENT_HEADER`): next month's template, prefilled
from the store, holds other content, and is a new invitation, not the same one again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Iterator

from ..check.coerce import format_be_date
from ..messages import LANGS
from ..roster import Recipient
from ._compose import NAME_HEADER, Attachment, add_attachment, new_message, set_bilingual_body
from ._config import MailConfig
from ._headers import header_text, one_line
from ._texts import say
from ._transport import SENT_DIR

#: How long after an invitation was queued the same one is not sent again without ``--again``: a
#: second run the same day is a mistake, next month's invitation (same school, same subject) is not.
RECENT = dt.timedelta(hours=24)
_HEAD = 64 * 1024  # bytes of an outbox file read for its headers (an invitation's take a few hundred)
InvitationKey = tuple[str, str, frozenset[str]]
#: The fingerprint of the attached template's locked content (the same for the same template
#: written twice, other for next month's, which holds last month's reports).
CONTENT_HEADER = "X-Sheetsync-Template-Content"


def compose_invitation(template: Path, recipient: Recipient, config: MailConfig, *, form: str,
                       form_en: str = "", key: str = "", content: str = "") -> EmailMessage:
    """One message to every address the roster gives ``recipient``, Thai then English, with
    ``template`` attached.

    :param form: the form's title, for the subject and the first sentence (``form_en`` in English).
    :param key: what tells this template from the school's others (a project code), for the subject.
    :param content: the fingerprint of the template's locked content (see :data:`CONTENT_HEADER`).
    :raises MailError: an address is not valid, or the template cannot be read.

    Example::

        msg = compose_invitation(Path("templates/s01 วัดไทร.xlsx"), recipient, MailConfig.from_env(),
                                 form="แบบแสดงรายงานความก้าวหน้า")
    """
    school = one_line(recipient.school)
    msg = new_message(config, list(recipient.emails), recipient.school)
    who = " ".join(filter(None, [school or recipient.id, f"({one_line(key)})" if key else ""]))
    msg["Subject"] = one_line(say("invite.subject", "th", form=one_line(form), school=who), limit=200)
    msg[NAME_HEADER] = one_line(f"template {recipient.id}")
    if content:
        msg[CONTENT_HEADER] = one_line(content)
    sections = [[say("mail.greeting", lang, name=school) if school else say("mail.greeting.anyone", lang),
                 say("invite.intro", lang, form=one_line(form_en if lang == "en" and form_en else form),
                     file=one_line(template.name)),
                 say("invite.how", lang, today=format_be_date(dt.date.today())), say("invite.paste", lang),
                 say("invite.return", lang),
                 say("invite.contact", lang)] for lang in LANGS]
    set_bilingual_body(msg, sections, config)
    add_attachment(msg, Attachment.from_path(template))
    return msg


@dataclass(frozen=True)
class Earlier:
    """An invitation already in the outbox: its file, whether it was sent (else it is waiting), and
    the content of its template ("" for one queued before :data:`CONTENT_HEADER` existed)."""

    path: Path
    sent: bool
    content: str = ""

    def holds(self, content: str) -> bool:
        """True when this invitation carries a template of ``content`` (one of unknown content is
        taken to: better a school not mailed twice)."""
        return not self.content or not content or self.content == content


def invitation_key(message: Message) -> InvitationKey:
    """What makes two invitations the same: the template they carry (``template s2``), the subject
    (form, school, project) and the addresses they go to (a corrected address is a new invitation)."""
    addresses = frozenset(a.lower() for _, a in getaddresses([header_text(message, "To")]) if "@" in a)
    return header_text(message, NAME_HEADER), header_text(message, "Subject"), addresses


def earlier_invitations(outbox: Path, now: dt.datetime | None = None) -> dict[InvitationKey, Earlier]:
    """The invitations waiting in ``outbox`` (whatever their age), and those in its ``sent/`` queued
    less than :data:`RECENT` before ``now``, by :func:`invitation_key`. Files that cannot be read
    are passed over: this only spares schools a second e-mail."""
    now = now or dt.datetime.now(dt.timezone.utc)
    found: dict[InvitationKey, Earlier] = {}
    for folder, sent in ((outbox / SENT_DIR, True), (outbox, False)):  # a waiting one wins over a sent one
        # Oldest first, so that of two sent copies of one school's invitation (last month's kept as
        # "template s1.eml" beside this month's "template s1-2.eml") the newer says what the school was
        # sent last; the file's time breaks a tie of the Date header, which counts whole seconds.
        for headers, path, written in sorted(_invitations(folder), key=lambda found: (_queued(found[0]), found[2])):
            if sent and _queued(headers) < now - RECENT:
                continue
            found[invitation_key(headers)] = Earlier(path, sent, header_text(headers, CONTENT_HEADER).strip())
    return found


def _invitations(folder: Path) -> Iterator[tuple[Message, Path, int]]:
    """The headers, path and modification time (ns) of each invitation in ``folder`` (files that
    cannot be read passed over)."""
    for path in folder.glob("template*.eml"):
        headers = _headers(path)
        if headers is not None and header_text(headers, NAME_HEADER).startswith("template "):
            try:
                yield headers, path, path.stat().st_mtime_ns
            except OSError:
                continue


def _headers(path: Path) -> Message | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError:
        return None
    return BytesHeaderParser(policy=default).parsebytes(head)


def _queued(headers: Message) -> dt.datetime:
    """When an invitation was queued (its ``Date``); one without a date it can be read from counts
    as long ago: it is not a recent invitation, and sorts first."""
    try:
        queued = parsedate_to_datetime(header_text(headers, "Date"))
    except (TypeError, ValueError, IndexError):
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return queued if queued.tzinfo else queued.replace(tzinfo=dt.timezone.utc)
