"""``sheetsync fetch INBOX``: take returned files out of the office's mailbox (IMAP) into INBOX."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .app import echo, guarded
from .office import OfficeOpt

if TYPE_CHECKING:
    from ..mailer import FetchResult
    from ..office.config import OfficeConfig


def register(app: typer.Typer) -> None:
    """Add the ``fetch`` command to ``app``."""
    app.command("fetch")(fetch_command)


def fetch_command(
    ctx: typer.Context,
    inbox: Annotated[Optional[Path], typer.Argument(metavar="[INBOX]", help="Folder the attachments are saved "
                                                    "into (default: the office's inbox/).")] = None,
    outbox: Annotated[Optional[Path], typer.Option("--outbox", metavar="DIR", help="Folder for polite replies (.eml; needs "
                                                   "SHEETSYNC_MAIL_FROM). Without it no reply is written.")] = None,
    office: OfficeOpt = None,
) -> None:
    """Save every spreadsheet (.xlsx, .ods, .xls, also inside a .zip) of each new message in the
    office's mailbox into INBOX, with its sender, subject, Message-ID and date recorded; then
    mark the message (or move it to the done folder). A message with no spreadsheet gets one
    polite reply in the outbox. Running it again fetches nothing twice.

    Inside an office folder (see sheetsync init) the mailbox is its sheetsync.toml's [imap]
    section, the record is its store, and replies are queued in the store's outbox (sent by
    `sheetsync sync --send`). Elsewhere the record is INBOX/.fetched.jsonl.

    The mailbox (these override [imap]): SHEETSYNC_IMAP_HOST, _PORT, _USER, _SECURITY (ssl |
    starttls | none; default ssl), _FOLDER, _DONE_FOLDER, _CAFILE; the password only from
    SHEETSYNC_IMAP_PASSWORD, never from a file or an option.

    \b
    Example:
      sheetsync fetch
      SHEETSYNC_IMAP_HOST=mail.example.org SHEETSYNC_IMAP_USER=office sheetsync fetch inbox --outbox outbox
    """
    def run() -> int:
        from dataclasses import replace

        from ..errors import MailError, OfficeError
        from ..fetch_step import fetch_step
        from ..mailer import ImapConfig, MailConfig
        from ..messages import both, render
        from ..office.config import office_of

        config = office_of(office, with_store=True)
        mine = config is not None and (inbox is None or inbox.resolve() == config.inbox)
        if inbox is None and config is None:
            raise OfficeError(both("error.no-office-fetch"))
        if mine and config is not None:
            return _office_fetch(config, outbox)
        assert inbox is not None
        imap = ImapConfig.from_env()
        if not imap.configured:
            raise MailError(render("env.no-mailbox", "en", source="mailbox.yaml"),
                            th=render("env.no-mailbox", "th", source="mailbox.yaml"))
        mail = replace(MailConfig.from_env(), outbox=outbox) if outbox is not None else None
        step = fetch_step(inbox, mail, imap=imap)
        assert step.result is not None
        _say(step.result)
        return 0

    guarded(ctx, run)


def _office_fetch(config: OfficeConfig, outbox: Path | None) -> int:
    """Fetch into the office's inbox, recorded in its store (under the office's lock); the polite
    replies are queued in the store and written to the outbox folder."""
    from dataclasses import replace

    from ..errors import MailError
    from ..fetch_step import fetch_step
    from ..mailer import JsonlLedger
    from ..messages import both
    from ..office.config import with_imap_env, with_mail_env
    from ..office.lock import run_lock
    from ..office.mailbox import StoreLedger
    from ..office.outbox import flush_outbox
    from ..office.store import Store

    imap = with_imap_env(config)
    if not imap.configured:
        raise MailError(both("error.no-mailbox", config=config.root / "sheetsync.toml"))
    mail = with_mail_env(config)
    mail = replace(mail, outbox=outbox) if outbox is not None else mail
    with Store(config.store) as store, run_lock(store, "fetch", config.wait, config.zone) as run_id:
        ledger = StoreLedger(store, run_id, answers_per_day=mail.answers_per_day)
        ledger.adopt(JsonlLedger.in_inbox(config.inbox))
        step = fetch_step(config.inbox, mail if mail.from_addr else None, imap=imap, ledger=ledger)
        if mail.from_addr:
            flush_outbox(store, mail.outbox)
    assert step.result is not None
    _say(step.result)
    return 0


def _say(result: FetchResult) -> None:
    from ..messages import both

    echo(result.summary())
    for line in result.problems:
        echo(f"{both('mailbox.note')}: {line}", err=True)
