"""E-mail: one message per submission, a digest per batch, an outbox folder, SMTP delivery.

Messages are composed with :func:`compose` (or :func:`send_report`, which also hands them on) and
go to a :class:`Mailer`: by default an :class:`OutboxMailer` writing ``.eml`` files into a folder
people can open and check; :func:`send_outbox` then delivers that folder with an
:class:`SmtpMailer` and moves each message it delivered into ``sent/`` (see ``_transport``).

Returned files are fetched from the office's mailbox with :func:`fetch` (IMAP, TLS by default;
:class:`ImapConfig` from ``SHEETSYNC_IMAP_*``, the password only from ``SHEETSYNC_IMAP_PASSWORD``);
a report can answer the message that brought its file (``compose(thread=…)``).

Configuration (:meth:`MailConfig.from_env`): ``SHEETSYNC_MAIL_FROM``, ``SHEETSYNC_MAIL_REPLY_TO``,
``SHEETSYNC_MAIL_DIGEST_TO``, ``SHEETSYNC_MAIL_OUTBOX``, ``SHEETSYNC_SMTP_HOST``, ``_PORT``,
``_SECURITY`` (starttls | ssl | none), ``_USER``, ``_TIMEOUT``, ``_CAFILE``; the password only
ever comes from ``SHEETSYNC_SMTP_PASSWORD``.

Exceptions::

    SheetsyncError
    └── MailError            bad configuration or address, unreadable attachment or outbox
        └── SendError        one message not delivered (.reason, .fatal, .delivered)
"""

from __future__ import annotations

from ._compose import Attachment, carries_marked, carries_ready, compose, mime_type_of, recipient_for, report_attachment, subject_for
from ._answer import address_report, sender_finding
from ._config import ANSWERS_PER_DAY, SECURITIES, MailConfig, Security
from ..errors import MailError, SendError
from ._digest import Digest, DigestEntry, compose_digest, digest_html, digest_text, summarize
from ._fetched import FetchedFile, FetchedMessage, FetchLedger, JsonlLedger
from ._headers import OUTGOING, Thread, header_text, one_line, wire_bytes
from ._thread import reply_subject
from ._imap import KEYWORD, FetchResult, fetch
from ._imap_config import ImapConfig
from ._joined import Part, again_part, compose_joined, report_part, unreadable_part
from ..zipped import Refusal
from ._reply import compose_again_reply, compose_fetch_reply, compose_unreadable_reply
from ._invite import RECENT, Earlier, InvitationKey, compose_invitation, earlier_invitations, invitation_key
from ._sent import attached_spreadsheets
from ._transport import (Mailer, OutboxMailer, SendResult, SmtpMailer, free_path, pending, read_message,
                         send_outbox, send_report, without_name)

__all__ = [
    "ANSWERS_PER_DAY", "KEYWORD", "OUTGOING", "RECENT", "SECURITIES", "Attachment", "Digest", "DigestEntry",
    "Earlier", "FetchLedger", "FetchResult", "FetchedFile", "FetchedMessage", "ImapConfig", "InvitationKey",
    "JsonlLedger", "MailConfig", "MailError", "Mailer", "OutboxMailer", "Part", "Refusal", "Security", "SendError",
    "SendResult", "SmtpMailer", "Thread", "address_report", "attached_spreadsheets", "carries_marked",
    "carries_ready", "compose",
    "again_part", "compose_again_reply", "compose_digest", "compose_fetch_reply", "compose_invitation", "compose_joined",
    "compose_unreadable_reply", "digest_html", "digest_text", "earlier_invitations", "fetch", "free_path",
    "header_text", "invitation_key", "mime_type_of", "one_line", "pending", "read_message", "recipient_for",
    "reply_subject", "report_attachment", "report_part", "send_outbox", "send_report", "sender_finding", "subject_for",
    "summarize", "unreadable_part", "wire_bytes", "without_name"
]
