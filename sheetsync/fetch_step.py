"""The step before ``sync``: fetch new files from the office's mailbox, and remember who sent each.

``sync`` calls :func:`fetch_step` first; when a mailbox is configured (the office's ``[imap]``
section, or ``SHEETSYNC_IMAP_HOST``) new attachments land in the inbox. Whether or not it
fetched this time, :meth:`FetchStep.origin` tells ``sync`` which message brought a file (from the
fetch ledger: the office's store, :class:`sheetsync.office.mailbox.StoreLedger`, or without an
office ``INBOX/.fetched.jsonl``), so the report answers that message in its thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .mailer import FetchLedger, FetchResult, ImapConfig, JsonlLedger, MailConfig, MailError, Thread, fetch
from .errors import NotAFileError
from .files import open_regular
from .pipeline import sha256_from


@dataclass
class FetchStep:
    """What the fetch did (``None`` when no mailbox is configured, or it failed: ``error`` says
    why, ``error_th`` the same in Thai when known) and the ledger it used."""

    result: FetchResult | None
    ledger: FetchLedger
    error: str | None = None
    error_th: str = ""

    def origin(self, path: Path) -> Thread | None:
        """The message that brought the file at ``path`` (by its hash; of two that brought the same
        bytes, the one whose file was saved under this name), or ``None``."""
        try:
            with open_regular(path, follow_links=False) as handle:  # an inbox entry: never through a link
                found = self.ledger.origin(sha256_from(handle), path.name)
        except (OSError, NotAFileError):
            return None
        return found.thread if found is not None else None


def fetch_step(inbox: Path, mail: MailConfig | None = None, *, imap: ImapConfig | None = None,
               ledger: FetchLedger | None = None, environ: Mapping[str, str] | None = None,
               keep_going: bool = False) -> FetchStep:
    """Fetch into ``inbox`` when a mailbox is configured; always return the ledger's view.

    :param mail: where polite replies come from and go (``from_addr``, ``outbox``).
    :param imap: default :meth:`ImapConfig.from_env`.
    :param ledger: default ``inbox/.fetched.jsonl``; an office passes its store (``StoreLedger``).
    :param keep_going: a mailbox that cannot be read is then reported in ``error`` instead of
        raised, so a scheduled ``sync`` still processes what is already in the inbox.
    :raises MailError: the mailbox is configured but cannot be read (see :func:`fetch`).

    Example::

        step = fetch_step(Path("inbox"), MailConfig.from_env())
        sync(Path("inbox"), Path("master.xlsx"), report_dir=Path("reports"), origins=step.origin)
    """
    imap = imap or ImapConfig.from_env(environ)
    ledger = ledger or JsonlLedger.in_inbox(inbox, mail.outbox if mail is not None else None)
    if not imap.configured:
        return FetchStep(None, ledger)
    try:
        return FetchStep(fetch(imap, inbox, ledger, mail=mail, environ=environ), ledger)
    except MailError as exc:
        if not keep_going:
            raise
        return FetchStep(None, ledger, str(exc), exc.th)
