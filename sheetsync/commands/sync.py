"""``sheetsync sync``: the whole monthly loop over an inbox folder."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ..mailer import MailConfig
from ..roster import read_roster
from ..office.inbox import SETTLE_SECONDS
from ..sync import SyncOptions, SyncResult, sync
from .master import exit_code, render_table


def register(app: typer.Typer) -> None:
    """Add the ``sync`` command to ``app``."""
    app.command("sync")(sync_command)


def sync_command(
    inbox: Annotated[Path, typer.Argument(help="Folder where returned files are dropped.")],
    master: Annotated[Path, typer.Option("--master", metavar="FILE", help="The master workbook (.xlsx).")],
    outbox: Annotated[Optional[Path], typer.Option("--outbox", metavar="DIR", help="Folder for .eml files (needs "
                                                   "SHEETSYNC_MAIL_FROM); without it no e-mail is written.")] = None,
    send: Annotated[bool, typer.Option("--send", help="Deliver the outbox over SMTP afterwards.")] = False,
    report_dir: Annotated[Optional[Path], typer.Option("--report-dir", metavar="DIR", help="Default: reports/ beside the master.")]
    = None,
    roster: Annotated[Optional[Path], typer.Option("--roster", metavar="FILE", help="CSV of schools (for addresses and the digest).")]
    = None,
    today: Annotated[Optional[dt.datetime], typer.Option("--today", metavar="YYYY-MM-DD", formats=["%Y-%m-%d"],
                                                         help="Sets the default period (its month) when --period "
                                                         "is not given.")] = None,
    period: Annotated[Optional[str], typer.Option("--period", metavar="YYYY-MM", help="The reporting period (YYYY-MM) for the "
                                                  "summary's statuses.")] = None,
    settle: Annotated[float, typer.Option("--settle", metavar="SECONDS", help="Seconds a file must be left alone before it is read "
                                          "(a copy may still be running).")] = SETTLE_SECONDS,
    mark_valid: Annotated[bool, typer.Option("--mark-valid", help="Also write a marked-up workbook for files "
                                             "without errors.")] = False,
    wait: Annotated[float, typer.Option("--wait", metavar="SECONDS", help="Seconds to wait for another run on the same office.")] = 5.0,
) -> None:
    """Check every new file in INBOX once, write its reports (and e-mails), record it in the store
    beside the master (merging the valid ones), move it to INBOX/processed/ (or INBOX/quarantine/
    when it cannot be read), and render the master view. Running it again does nothing new.

    \b
    Example:
      sheetsync sync inbox --master master.xlsx --outbox outbox --roster schools.csv
    """
    from ..cli import _guard  # at call time: sheetsync.cli imports this module to register it

    def run() -> int:
        config = None
        if outbox is not None:
            config = replace(MailConfig.from_env(), outbox=outbox)
        reports = report_dir or master.parent / "reports"
        with Progress(transient=True) as bar:
            task = bar.add_task("ตรวจไฟล์ / checking", total=None)
            options = SyncOptions(settle=settle, mark_valid=mark_valid, period=period, wait=wait)
            result = sync(inbox, master, report_dir=reports, config=config, send=send,
                          roster=read_roster(roster) if roster else None, today=today.date() if today else None,
                          progress=lambda _: bar.advance(task), options=options)
        Console(soft_wrap=True).print(summary_table(result))
        if result.merge is not None:
            Console(soft_wrap=True).print(render_table(result.merge))
        for problem in result.problems:
            typer.echo(f"sheetsync: {problem}", err=True)
        if result.merge is not None and result.merge.kept_aside is not None:
            typer.echo(f"sheetsync: {master.name} had been edited since it was made: kept as "
                       f"{result.merge.kept_aside.name}", err=True)
        if result.sent is not None:
            for line in result.sent.lines():
                typer.echo(f"not sent {line}", err=True)
        code = exit_code(result.merge) if result.merge is not None else 0
        return max(code, 0 if result.sent is None or result.sent.ok else 1)

    _guard(run)


def summary_table(result: SyncResult) -> Table:
    """One line per count: what the sync found and did."""
    table = Table(title="sheetsync sync")
    table.add_column("")
    table.add_column("files", justify="right")
    valid = sum(1 for c in result.checked if c.report is not None and c.report.valid)
    rows = [("new", len(result.new)), ("already seen", len(result.already_seen)),
            ("still being written", len(result.waiting)), ("valid", valid),
            ("invalid", sum(1 for c in result.checked if c.report is not None and not c.report.valid)),
            ("unreadable (quarantined)", sum(1 for c in result.checked if c.error)),
            ("e-mails queued", len(result.queued)), ("set aside", len(result.moved))]
    for name, count in rows:
        table.add_row(name, str(count))
    if not result.new:
        table.caption = "nothing new"
    return table
