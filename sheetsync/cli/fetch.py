"""``sheetsync fetch INBOX``: take returned files out of the office's mailbox (IMAP) into INBOX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import echo, guarded


def register(app: typer.Typer) -> None:
    """Add the ``fetch`` command to ``app``."""
    app.command("fetch")(fetch_command)


def fetch_command(
    ctx: typer.Context,
    inbox: Annotated[Path, typer.Argument(metavar="INBOX", help="Folder the attachments are saved into.")],
    outbox: Annotated[Optional[Path], typer.Option("--outbox", metavar="DIR", help="Folder for polite replies (.eml; needs "
                                                   "SHEETSYNC_MAIL_FROM). Without it no reply is written.")] = None,
) -> None:
    """Save every spreadsheet (.xlsx, .ods, .xls, also inside a .zip) of each new message in the
    office's mailbox into INBOX, with its sender, subject, Message-ID and date recorded in
    INBOX/.fetched.jsonl; then mark the message (or move it to SHEETSYNC_IMAP_DONE_FOLDER). A
    message with no spreadsheet gets one polite reply in the outbox. Running it again fetches
    nothing twice.

    The mailbox: SHEETSYNC_IMAP_HOST, _PORT, _USER, _SECURITY (ssl | starttls | none; default
    ssl), _FOLDER, _DONE_FOLDER, _CAFILE; the password only from SHEETSYNC_IMAP_PASSWORD.

    \b
    Example:
      SHEETSYNC_IMAP_HOST=mail.example.org SHEETSYNC_IMAP_USER=office sheetsync fetch inbox --outbox outbox
    """
    def run() -> int:
        from dataclasses import replace

        from ..errors import MailError
        from ..fetch_step import fetch_step
        from ..mailer import ImapConfig, MailConfig

        imap = ImapConfig.from_env()
        if not imap.configured:
            raise MailError("no mailbox configured: set SHEETSYNC_IMAP_HOST (and _USER, SHEETSYNC_IMAP_PASSWORD)")
        mail = replace(MailConfig.from_env(), outbox=outbox) if outbox is not None else None
        step = fetch_step(inbox, mail, imap=imap)
        assert step.result is not None
        echo(step.result.summary())
        for line in step.result.problems:
            echo(f"note: {line}", err=True)
        return 0

    guarded(ctx, run)
