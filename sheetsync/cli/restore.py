"""``sheetsync restore``: a backup made the office's store again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import echo, guarded
from .office import OfficeOpt


def register(app: typer.Typer) -> None:
    """Add ``restore`` to ``app``."""
    app.command("restore")(restore_command)


def restore_command(
    ctx: typer.Context,
    backup: Annotated[Path, typer.Argument(metavar="BACKUP", help="The backup to restore (a file made by "
                                           "sheetsync backup).")],
    force: Annotated[bool, typer.Option("--force", help="Replace the store even when it is sound and holds "
                                        "data (it is kept aside, never deleted).")] = False,
    office: OfficeOpt = None,
) -> None:
    """Make a backup the office's store again, after its disk failed or its store was damaged.

    The backup is checked first; the old store is moved aside, never deleted (one holding nothing, as
    a new init makes, is removed); files received after the backup are moved back into the inbox, so
    that the next sync reads them again.

    \b
    Example:
      sheetsync restore E:/sheetsync-backups/sheetsync-20261130-171500.sqlite
    """
    from ..errors import OfficeError
    from ..messages import both
    from ..office.config import office_of
    from ..office.restore import restore
    from ..office.waivers import waived_projects
    from .shell import cd_command

    def run() -> int:
        config = office_of(office)
        if config is None:
            raise OfficeError(both("error.no-office-restore"))
        done = restore(backup, config.store, set_aside=(config.processed, config.quarantine), inbox=config.inbox,
                       force=force, zone=config.zone,
                       view=config.master, outbox=config.outbox)
        echo(both("restore.done", store=config.store.name, backup=backup, submissions=done.submissions,
                  outcomes=done.outcomes))
        if done.kept:
            echo(both("restore.kept", kept=done.kept[0].name))
        if done.put_back:
            echo(both("restore.put-back", count=len(done.put_back), inbox=config.inbox))
        if any(done.mails):
            echo(both("restore.mails", outbox=config.outbox.name, sent=done.mails[0], waiting=done.mails[1]))
        # A waiver made after the backup is not in it, and nothing on disk keeps one: said, with its count here.
        echo(both("restore.waivers", count=len(waived_projects(config.store))))
        echo(both("restore.next", cd=cd_command(config.root)))  # last: what to type next
        return 0

    guarded(ctx, run)
