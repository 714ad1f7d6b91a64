"""``sheetsync sync``: the whole monthly loop over an inbox folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .app import RosterOpt, SendOpt, TodayOpt, guarded
from .master import render_table

if TYPE_CHECKING:
    from rich.table import Table

    from ..sync import SyncResult


def register(app: typer.Typer) -> None:
    """Add the ``sync`` command to ``app``."""
    app.command("sync")(sync_command)


def sync_command(
    ctx: typer.Context,
    inbox: Annotated[Path, typer.Argument(metavar="INBOX", help="Folder where returned files are dropped.")],
    master: Annotated[Path, typer.Option("--master", metavar="FILE", help="The master workbook (.xlsx).")],
    outbox: Annotated[Optional[Path], typer.Option("--outbox", metavar="DIR", help="Folder for .eml files (needs "
                                                   "SHEETSYNC_MAIL_FROM); without it no e-mail is written.")] = None,
    send: SendOpt = False,
    report_dir: Annotated[Optional[Path], typer.Option("--report-dir", metavar="DIR", help="Default: reports/ beside the master.")]
    = None,
    roster: RosterOpt = None,
    today: TodayOpt = None,
) -> None:
    """Validate every new file in INBOX, write its reports (and e-mails), merge the valid ones into
    the master, and move the files to INBOX/processed/. Running it again does nothing new.

    \b
    Example:
      sheetsync sync inbox --master master.xlsx --outbox outbox --roster schools.csv
    """

    def run() -> int:
        from dataclasses import replace

        from rich.console import Console
        from rich.progress import Progress

        from ..mailer import MailConfig
        from ..roster import read_roster
        from ..sync import sync

        config = None
        if outbox is not None:
            config = replace(MailConfig.from_env(), outbox=outbox)
        reports = report_dir or master.parent / "reports"
        with Progress(transient=True) as bar:
            task = bar.add_task("ตรวจไฟล์ / checking", total=None)
            result = sync(inbox, master, report_dir=reports, config=config, send=send,
                          roster=read_roster(roster) if roster else [], today=today.date() if today else None,
                          progress=lambda _: bar.advance(task))
        Console(soft_wrap=True).print(summary_table(result))
        if result.merge is not None:
            Console(soft_wrap=True).print(render_table(result.merge))
        if result.sent is not None:
            for line in result.sent.lines():
                typer.echo(f"not sent {line}", err=True)
        return 0 if result.sent is None or result.sent.ok else 1

    guarded(ctx, run)


def summary_table(result: SyncResult) -> Table:
    """One line per count: what the sync found and did."""
    from rich.table import Table

    table = Table(title="sheetsync sync")
    table.add_column("")
    table.add_column("files", justify="right")
    valid = sum(1 for c in result.checked if c.report is not None and c.report.valid)
    rows = [("new", len(result.new)), ("already seen", len(result.already_seen)), ("valid", valid),
            ("invalid", sum(1 for c in result.checked if c.report is not None and not c.report.valid)),
            ("unreadable", sum(1 for c in result.checked if c.error)), ("e-mails queued", len(result.queued)),
            ("moved to processed/", len(result.moved))]
    for name, count in rows:
        table.add_row(name, str(count))
    if not result.new:
        table.caption = "nothing new"
    return table
