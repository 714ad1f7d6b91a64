"""``sheetsync sync``: the whole monthly loop over an inbox folder (an office's, or one given)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .app import SendOpt, TodayOpt, echo, forms_dirs_given, guarded, period_option
from .master import exit_code, render_table
from .office import OfficeOpt
from .output import Wrapped, progress, show

if TYPE_CHECKING:
    from contextlib import ExitStack

    from rich.table import Table

    from ..fetch_step import FetchStep
    from ..mailer import MailConfig
    from ..office.config import OfficeConfig
    from ..roster import Recipient
    from ..sync import SyncOptions, SyncResult


def register(app: typer.Typer) -> None:
    """Add the ``sync`` command to ``app``."""
    app.command("sync")(sync_command)


def sync_command(
    ctx: typer.Context,
    inbox: Annotated[Optional[Path], typer.Argument(metavar="[INBOX]", help="Folder where returned files are "
                                                    "dropped (default: the office's inbox/).")] = None,
    master: Annotated[Optional[Path], typer.Option("--master", metavar="FILE", help="The master view (.xlsx or "
                                                   ".ods); its store is beside it (default: the office's).")] = None,
    outbox: Annotated[Optional[Path], typer.Option("--outbox", metavar="DIR", help="Folder for .eml files (needs "
                                                   "SHEETSYNC_MAIL_FROM); without it no e-mail is written.")] = None,
    send: SendOpt = False,
    report_dir: Annotated[Optional[Path], typer.Option("--report-dir", metavar="DIR",
                                                       help="Default: reports/ beside the master.")] = None,
    roster: Annotated[Optional[Path], typer.Option("--roster", metavar="FILE",
                                                   help="CSV of schools (for addresses and the digest).")] = None,
    today: TodayOpt = None,
    period: Annotated[Optional[str], typer.Option("--period", metavar="YYYY-MM", callback=period_option, help="The reporting period for "
                                                  "the summary's statuses and the view's figures (each school's "
                                                  "version reporting up to it; default: the office's).")] = None,
    settle: Annotated[Optional[float], typer.Option("--settle", metavar="SECONDS", help="Seconds a file must be "
                                                    "left alone before it is read (default 2).")] = None,
    mark_valid: Annotated[bool, typer.Option("--mark-valid", help="Also write a marked-up workbook for files "
                                             "without errors.")] = False,
    wait: Annotated[Optional[float], typer.Option("--wait", metavar="SECONDS", help="Seconds to wait for another "
                                                  "run on the same office (default 5).")] = None,
    view: Annotated[Optional[str], typer.Option("--view", metavar="auto|always|never", help="Render the master "
                                                "view after the run (auto: up to 5,000 keys; default: the "
                                                "office's, else auto).")] = None,
    office: OfficeOpt = None,
) -> None:
    """Check every new file in INBOX once, write its reports (and e-mails), record it in the store
    (merging the valid ones), move it to processed/ (or quarantine/ when it cannot be read), and
    render the master view. Running it again does nothing new. Inside an office folder (see
    sheetsync init) every argument comes from its sheetsync.toml; options override it.

    When the office's sheetsync.toml has an [imap] host (or SHEETSYNC_IMAP_HOST is set), new files
    are first fetched from the office's mailbox (see `sheetsync fetch`), and each report answers
    the message that brought its file. A mailbox
    that cannot be read is one line on stderr and exit code 3; the inbox is processed anyway.

    \b
    Example:
      sheetsync sync
      sheetsync sync inbox --master master.xlsx --outbox outbox --roster schools.csv
    """
    def run() -> int:
        from contextlib import ExitStack

        from ..crashpoint import crash_point
        from ..messages import both
        from ..office.config import office_of
        from ..sync import sync

        forms_dirs_given(None)  # $SHEETSYNC_FORMS naming no folder: said once, not as every file's unknown form
        config = office_of(office, with_store=True)
        plan = _plan(config, inbox, master, outbox, report_dir, roster, period, settle, mark_valid, wait, view)
        with ExitStack() as stack:
            step = _fetch(stack, config, plan)  # the mailbox first, when [imap] or SHEETSYNC_IMAP_HOST names one
            crash_point("fetched")
            if step.error:
                echo(f"sheetsync: {both('sync.mailbox-not-read', why=step.error, why_th=step.error_th or step.error)}",
                     err=True)
            with progress("ตรวจไฟล์ / checking") as bar:
                result = sync(plan.inbox, plan.master, report_dir=plan.reports, config=plan.mail, send=send,
                              roster=plan.roster, today=today.date() if today else None, forms_dirs=plan.forms_dirs,
                              progress=lambda _: bar.advance(bar.task_ids[0]), options=plan.options, origins=step.origin,
                              undelivered=step.result.undelivered if step.result else ())
        for line in step.result.problems if step.result else []:
            echo(f"{both('mailbox.note')}: {line}", err=True)
        if not result.new and not result.waiting and not result.zips_refused and (
                step.result is None or not step.result.messages):  # (a refused zip is something new, set aside)
            echo(f"sheetsync sync: {_both('sync.nothing')}" + (f" ({step.result.summary()})" if step.result else ""))
            _say_already(result)
            for problem in result.problems:
                echo(f"sheetsync: {problem}", err=True)
            _say_kept_aside(result, plan.master)  # a view due from before (it failed then) may find it edited
            _say_earlier(result)
            code = max(_sent(result), 1 if result.zips_refused else 0, _earlier_code(result))  # a refused zip: a file not taken
            return 3 if step.error or result.stuck or result.unfinished else code
        if step.result is not None:
            echo(step.result.summary())
        code = _report(result, plan.master)
        return 3 if step.error or result.stuck or result.unfinished else code

    guarded(ctx, run)


def _fetch(stack: ExitStack, config: OfficeConfig | None, plan: _Plan) -> FetchStep:
    """Fetch from the mailbox: in an office with its ``[imap]`` (the environment over it) and the
    store as the ledger (open for the whole run, so reports find who sent each file); without an
    office from ``SHEETSYNC_IMAP_*`` with ``INBOX/.fetched.jsonl``."""
    from ..fetch_step import fetch_step
    from ..mailer import JsonlLedger
    from ..office.config import with_imap_env
    from ..office.lock import run_lock
    from ..office.mailbox import StoreLedger
    from ..office.store import Store
    from ..office.view import store_beside

    if config is None:
        return fetch_step(plan.inbox, plan.mail, keep_going=True)
    store = stack.enter_context(Store(plan.options.store or store_beside(plan.master)))
    ledger = StoreLedger(store, answers_per_day=(plan.mail or config.mail).answers_per_day)
    imap = with_imap_env(config)
    # one fetch at a time per office; a second run says since when the first holds it, in the office's time
    with run_lock(store, "fetch", plan.options.wait, plan.options.zone) as run_id:
        ledger.run_id = run_id
        ledger.adopt(JsonlLedger.in_inbox(plan.inbox))
        return fetch_step(plan.inbox, plan.mail, imap=imap, ledger=ledger, keep_going=True)


@dataclass(frozen=True)
class _Plan:
    inbox: Path
    master: Path
    reports: Path
    mail: MailConfig | None
    roster: list[Recipient] | None
    forms_dirs: tuple[Path, ...]
    options: SyncOptions


def _plan(config: OfficeConfig | None, inbox: Path | None, master: Path | None, outbox: Path | None,
          report_dir: Path | None, roster: Path | None, period: str | None, settle: float | None,
          mark_valid: bool, wait: float | None, view: str | None) -> _Plan:
    """The office's configuration with the command's options over it."""
    from ..errors import OfficeError
    from ..mailer import MailConfig
    from ..messages import both
    from ..office.config import CONFIG_NAME, with_mail_env
    from ..roster import read_roster, require_schools
    from ..sync import SyncOptions

    if config is None and (inbox is None or master is None):
        raise OfficeError(both("error.no-office-sync"))
    master = master or (config.master if config else None)
    assert master is not None
    mail = with_mail_env(config) if config is not None and (config.mail.from_addr or outbox) else None
    if outbox is not None:
        mail = replace(mail or MailConfig.from_env(), outbox=outbox)
        if not mail.from_addr:  # asked for e-mails: taking the files without them would never answer the schools
            from ..errors import MailError

            raise MailError(both("error.no-sender"))
    if mail is not None and mail.from_addr:
        mail.check_sender()  # a mistyped address of the office's stops the run before any file is taken
    roster_file = roster or (config.roster if config else None)
    # A roster emptied by mistake would mark every school as left: refused before any file is taken.
    people = require_schools(read_roster(roster_file), roster_file) if roster_file else None
    mine = config is not None and inbox is None
    options = SyncOptions(
        settle=settle if settle is not None else (config.settle if config else 2.0),
        mark_valid=mark_valid or bool(config and config.mark_valid), period=period or (config.period if config else None),
        processed=config.processed if mine and config else None, quarantine=config.quarantine if mine and config else None,
        wait=wait if wait is not None else (config.wait if config else 5.0),
        log=(config.root / "sheetsync.log") if config else None,
        store=config.store if config is not None and master == config.master else None,
        view=view or (config.view if config else "auto"), school_charts=config.school_charts if config else (),
        zone=config.zone if config else None, office=config.name if config else "",
        zips=config.imap.zip_limits if config else SyncOptions().zips,  # an inbox .zip: the mailbox's limits
        settings=config.root / CONFIG_NAME if config else None,
        # The one answer to a message's files: no bigger than the office accepts (its mail server's limit)
        answer_size=config.imap.max_message if config else SyncOptions().answer_size)
    if options.view not in ("auto", "always", "never"):
        from ..messages import both

        raise OfficeError(both("error.view-choice", view=repr(options.view)))
    return _Plan(inbox or (config.inbox if config else Path("inbox")), master,
                 report_dir or (config.reports if config else master.parent / "reports"), mail,
                 people, config.forms_dirs if config else (), options)


def _both(code: str) -> str:
    """A line of the catalogue (not the office's texts) in Thai, then English."""
    from ..messages import both

    return both(code, source="catalogue.yaml")


def _sent(result: SyncResult) -> int:
    """Say what was sent and what could not be; exit code 1 when anything failed."""
    from ..messages import both

    if result.sent is not None and result.sent.sent and not result.new:  # (the table says it otherwise)
        echo(both("sync.sent", count=len(result.sent.sent)))
    if result.sent is not None:
        for line in result.sent.lines():
            echo(f"{both('sync.not-sent')}: {line}", err=True)
    return 0 if result.sent is None or result.sent.ok else 1


def _report(result: SyncResult, master: Path) -> int:
    show(summary_table(result))
    if result.merge is not None and result.merge.outcomes:
        show(render_table(result.merge))
    _say_already(result)  # beside new files too: the table only counts them, the ledger has no line for them
    for problem in result.problems:
        echo(f"sheetsync: {problem}", err=True)
    _say_kept_aside(result, master)
    _say_earlier(result)
    code = exit_code(result.merge, unreadable=1) if result.merge is not None else 0
    return max(code, 1 if result.zips_refused else 0, _sent(result), _earlier_code(result))  # a refused zip: a file not taken


def _say_already(result: SyncResult) -> None:
    """A line per file dropped again (its bytes already received): the clerk is told it is known, not silence."""
    for path in result.already_seen:
        echo(f"  {path.name}: {_both('sync.already')}")


def _say_earlier(result: SyncResult) -> None:
    """One line when the digest lists files an earlier run recorded but never digested (it was killed)."""
    if result.earlier:
        from ..messages import both

        echo(f"sheetsync: {both('sync.earlier', count=len(result.earlier))}", err=True)


def _earlier_code(result: SyncResult) -> int:
    """1 when the digest lists a file of an earlier run that was refused or set aside in quarantine
    (as for a file of this run: a school's file not taken)."""
    return 1 if any(e.result in ("quarantined", "refused") for e in result.earlier) else 0


def _say_kept_aside(result: SyncResult, master: Path) -> None:
    """One line when the run moved an edited view aside before rendering the new one."""
    if result.merge is not None and result.merge.kept_aside is not None:
        from ..messages import both

        echo(f"sheetsync: {both('sync.kept-aside', master=master.name, kept=result.merge.kept_aside.name)}",
             err=True)


def summary_table(result: SyncResult) -> Table:
    """One line per count: what the sync found and did (Thai / English)."""
    from rich.table import Table

    from ..render.summary import new_and_reread

    table = Table(title="sheetsync sync")
    table.add_column("")
    table.add_column(_both("sync.files"), justify="right")
    valid = sum(1 for c in result.checked if c.report is not None and c.report.valid)
    sent = len(result.sent.sent) if result.sent is not None else 0
    # A file a restore put back was received before: read again, not new from its school (said apart).
    rows = [*new_and_reread(len(result.new), len(result.reread)), ("sync.already", len(result.already_seen)),
            ("sync.waiting", len(result.waiting)), ("sync.valid", valid),
            ("sync.invalid", sum(1 for c in result.checked if c.report is not None and not c.report.valid)),
            ("sync.unreadable", sum(1 for c in result.checked if c.error)),
            ("sync.queued", len(result.queued)), ("sync.sent", sent), ("sync.moved", len(result.moved)),
            *([("sync.zips-refused", len(result.zips_refused))] if result.zips_refused else [])]
    for code, count in rows:
        table.add_row(Wrapped(_both(code)), str(count))
    if not result.new and not result.zips_refused and not result.waiting:  # files still arriving are not "nothing"
        table.caption = _both("sync.nothing")
    return table
