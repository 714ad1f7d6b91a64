"""The e-mail that sends a school its template: what it is, how to fill it in, how to send it back.

Answering this message with the filled file is all a school has to do: the office's mailbox fetch
takes the file, and its report answers in the same conversation.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

from ..check.coerce import format_be_date
from ..messages import LANGS
from ..roster import Recipient
from ._compose import NAME_HEADER, Attachment, add_attachment, new_message, set_bilingual_body
from ._config import MailConfig
from ._headers import one_line
from ._texts import say


def compose_invitation(template: Path, recipient: Recipient, config: MailConfig, *, form: str,
                       form_en: str = "", key: str = "") -> EmailMessage:
    """One message to every address the roster gives ``recipient``, Thai then English, with
    ``template`` attached.

    :param form: the form's title, for the subject and the first sentence (``form_en`` in English).
    :param key: what tells this template from the school's others (a project code), for the subject.
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
    sections = [[say("mail.greeting", lang, name=school) if school else say("mail.greeting.anyone", lang),
                 say("invite.intro", lang, form=one_line(form_en if lang == "en" and form_en else form),
                     file=one_line(template.name)),
                 say("invite.how", lang, today=format_be_date(dt.date.today())), say("invite.return", lang),
                 say("invite.contact", lang)] for lang in LANGS]
    set_bilingual_body(msg, sections)
    add_attachment(msg, Attachment.from_path(template))
    return msg
