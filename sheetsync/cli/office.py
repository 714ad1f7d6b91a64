"""``sheetsync init``, ``master``, ``history`` and ``backup``: the office folder and its store."""

from __future__ import annotations

from pathlib import Path, PurePath, PureWindowsPath
from typing import Annotated, Optional

import typer

from .app import FormsDirOpt, echo, echo_read, forms_dirs_given, guarded, period_option

OfficeOpt = Annotated[Optional[Path], typer.Option(
    "--office", metavar="DIR", help="The office folder (default: the folder holding sheetsync.toml at or "
    "above the current one).")]


def register(app: typer.Typer) -> None:
    """Add ``init``, ``master``, ``history`` and ``backup`` to ``app``."""
    app.command("init")(init_command)
    app.command("master")(master_command)
    app.command("history")(history_command)
    app.command("backup")(backup_command)


def init_command(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The office folder to make.")],
    form: Annotated[str, typer.Option("--form", metavar="ID", help="The form schools fill in.")] = "progress-report",
    roster: Annotated[Optional[Path], typer.Option("--roster", metavar="FILE", help="CSV of who must report; "
                                                   "copied into the office.")] = None,
    forms_dir: FormsDirOpt = None,
) -> None:
    """Make an office folder: sheetsync.toml, inbox/, outbox/, reports/, quarantine/, the store and the key.

    \b
    Example:
      sheetsync init district-73 --roster schools.csv
      sheetsync init district-9 --form school-lunch --forms-dir my-forms/ --roster schools.csv
    """
    from ..office.config import init_office
    from ..spec.registry import find_form
    from ..roster import read_roster, require_schools

    def run() -> int:
        find_form(form, forms_dirs_given(forms_dir))
        if roster is not None:
            require_schools(read_roster(roster), roster)  # refused here, before anything is made
        config = init_office(folder, form=form, roster=roster, forms_dirs=tuple(forms_dir or ()))
        for line in next_steps(folder, has_roster=config.roster is not None, master=config.master.name):
            echo(line)
        return 0

    guarded(ctx, run)


#: What the clerk does after ``init``, in order: the step's words (``init.<step>`` of
#: messages/office.yaml) and the command to type, if one (``{cd}``: into the office, quoted as typed).
STEPS = (
    ("roster", ""),
    ("config", ""),
    ("templates", "{cd} && sheetsync template --roster roster.csv -o templates/ --email"),
    ("sync", "{cd} && sheetsync sync --send"),
    ("master", ""),
    ("backup", "{cd} && sheetsync backup"),
)


def next_steps(folder: PurePath, *, has_roster: bool, master: str) -> list[str]:
    """``init``'s closing text: the office made, then each step in Thai, in English, and its command.

    Without ``--roster`` the first step is making one: every later step needs it (``roster.csv``).
    Each file named is ``folder`` joined as its computer joins paths (``C:\\district-73\\roster.csv``
    on Windows: a forward slash after a Windows folder reads as a mistake).
    """
    from ..messages import both, lines
    from ..office.config import CONFIG_NAME, KEY_NAME
    from .shell import cd_command

    out = [both("init.made", root=folder), both("init.next")]
    sep = "\\" if isinstance(folder, PureWindowsPath) else "/"  # after a folder: it is one, not a file
    paths = {"roster": str(folder / "roster.csv"), "config": str(folder / CONFIG_NAME),
             "key": str(folder / KEY_NAME), "inbox": f"{folder / 'inbox'}{sep}", "master": str(folder / master)}
    steps = [(name, command) for name, command in STEPS if has_roster is False or name != "roster"]
    for n, (name, command) in enumerate(steps, 1):
        th, en = lines(f"init.{name}", **paths)
        out += [f"  {n}. {th}", f"     {en}"] + ([f"       {command.format(cd=cd_command(folder))}"] if command else [])
    return out


def master_command(
    ctx: typer.Context,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="FILE", help="Where to write the "
                                                   "view (.xlsx or .ods); default: the office's master.")] = None,
    period: Annotated[Optional[str], typer.Option("--period", metavar="YYYY-MM", callback=period_option, help="The reporting period for "
                                                  "the summary's statuses and the view's figures (each school's "
                                                  "version reporting up to it; default: the office's).")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", metavar="FILE", help="The store to render "
                                                  "(default: the office's, or the one beside -o).")] = None,
    school_chart: Annotated[Optional[list[str]], typer.Option(
        "--school-chart", metavar="ID", help="Also draw this recipient's own chart (repeatable; default: "
        "the office's school_charts). Charts are one per project otherwise.")] = None,
    office: OfficeOpt = None,
) -> None:
    """Render the master workbook from the store (it is also rendered after every sync and merge).

    A view that was edited since it was rendered is kept aside under a dated name first.

    \b
    Example:
      sheetsync master -o master.ods --period 2020-03
    """
    from ..errors import OfficeError
    from ..messages import both
    from ..office.config import office_of
    from ..office.store import Store
    from ..office.view import render_view, store_beside

    def run() -> int:
        config = office_of(office, with_store=True)
        target = output or (config.master if config else None)
        if target is None:
            raise OfficeError(both("error.no-office-view"))
        # Inside an office its store is the source, wherever -o puts the view (the README's example).
        source = store or (config.store if config else store_beside(target))
        if not Path(source).exists():
            raise OfficeError(both("error.no-store-here", store=source))
        with Store(source) as db:
            view = render_view(db, target, period=period or (config.period if config else None),
                               forms_dirs=config.forms_dirs if config else (),
                               school_charts=school_chart or (config.school_charts if config else ()),
                               zone=config.zone if config else None, office=config.name if config else "")
        echo(both("master.wrote", path=view.path))
        if view.kept_aside is not None:
            echo(both("sync.kept-aside", master=target.name, kept=view.kept_aside.name), err=True)
        return 0

    guarded(ctx, run)


def history_command(
    ctx: typer.Context,
    recipient: Annotated[Optional[str], typer.Option("--recipient", metavar="ID", help="Only this recipient, "
                                                     "with the files its roster address mailed that name no school "
                                                     "(upper or lower case alike when none is exactly so).")] = None,
    project: Annotated[Optional[str], typer.Option("--project", metavar="CODE", help="Only this key (e.g. a "
                                                   "project code; a school's code gives each of its months).")] = None,
    master: Annotated[Optional[Path], typer.Option("--master", metavar="FILE", help="A master whose store to "
                                                   "read (default: the office's).")] = None,
    office: OfficeOpt = None,
) -> None:
    """Every version received per key: when, from which file, what became of it and what changed.

    \b
    Example:
      sheetsync history --recipient school-01 --project 50360000-3553
    """
    from ..errors import OfficeError
    from ..messages import both
    from ..office.config import office_of
    from ..office.history import history_lines, recipients_matching
    from ..office.store import Store
    from ..office.view import store_beside

    def run() -> int:
        config = office_of(office, with_store=True) if master is None or office is not None else None
        source = store_beside(master) if master else (config.store if config else None)
        if source is None or not Path(source).exists():
            raise OfficeError(both("error.no-store", option="--master"))
        with Store(source) as db:  # the office named (or found) says the zone its clerk reads times in
            ids = recipients_matching(db, recipient) if recipient is not None else []
            if len(ids) > 1:  # ids that differ only in case, none of them as typed: say whose these are
                echo(f"sheetsync: {both('history.recipients', typed=recipient, ids=', '.join(ids))}", err=True)
            # Each line as its version is read: an office of any size is listed in the same memory.
            for line in history_lines(db, recipient=recipient, key=project, zone=config.zone if config else None,
                                      forms_dirs=config.forms_dirs if config else ()):
                if not echo_read(line):
                    break  # its reader has gone (| head): the rest of the store is not read for no one
        return 0

    guarded(ctx, run)


def backup_command(
    ctx: typer.Context,
    target: Annotated[Optional[Path], typer.Argument(
        metavar="FILE", help="Where to write the copy: a file (name.sqlite) or a folder, where it is named "
        "sheetsync-<date>-<time>.sqlite (default: the office's backups/ folder).")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", metavar="FILE", help="The store to copy "
                                                  "(default: the office's).")] = None,
    office: OfficeOpt = None,
) -> None:
    """Copy the store of record to a file that can be trusted, even while a sync is running.

    The copy holds every submission, outcome, e-mail and the roster; sheetsync reads it as a store
    (sheetsync master --store FILE). The office key is not in it: keep a copy of office.key once.

    \b
    Example:
      sheetsync backup
      sheetsync backup E:/sheetsync-backups/
    """
    import datetime as dt

    from ..errors import OfficeError
    from ..messages import both
    from ..office.backup import BACKUPS, back_up, backup_name
    from ..office.config import office_of

    def run() -> int:
        config = office_of(office, with_store=True) if store is None else None
        source = store or (config.store if config else None)
        if source is None or not Path(source).exists():
            raise OfficeError(both("error.no-store", option="--store"))
        if target is None or target.is_dir() or not target.suffix:  # a folder, made if need be
            folder = target or (config.root / BACKUPS if config else Path(source).parent / BACKUPS)
            path = folder / backup_name(Path(source), dt.datetime.now(dt.timezone.utc),
                                                config.zone if config else None)
        else:
            path = target
        made = back_up(source, path)
        echo(both("backup.done", store=Path(source).name, path=made.path, submissions=made.submissions,
                  outcomes=made.outcomes))
        return 0

    guarded(ctx, run)
