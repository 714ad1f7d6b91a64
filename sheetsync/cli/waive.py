"""``sheetsync waive``: a project's remaining months not due (cancelled or closed early), or the waivers listed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .app import echo, guarded
from .office import OfficeOpt

if TYPE_CHECKING:
    from ..office.config import OfficeConfig
    from ..office.store import Store


def register(app: typer.Typer) -> None:
    """Add ``waive`` to ``app``."""
    app.command("waive")(waive_command)


def waive_command(
    ctx: typer.Context,
    code: Annotated[Optional[str], typer.Argument(metavar="CODE", help="The project's code, as the master's "
                                                  "summary or roster.csv shows it (none: list every waiver).")] = None,
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why nothing more is due (shown in "
                                        "the summary and kept in the office's record).")] = "",
    undo: Annotated[bool, typer.Option("--undo", help="Undo the project's waiver: its months not sent are "
                                       "due again (the record keeps both).")] = False,
    office: OfficeOpt = None,
) -> None:
    """Waive a project's remaining months (cancelled or closed early): no longer owed nor counted as due.

    Recorded in the office's store with who, when and why; the master is made again at once. Its
    data stays, and a report that still arrives is merged as usual. A code on the roster that never
    reported may be waived too. Without CODE, every waiver made (and undone) is listed.

    \b
    Example:
      sheetsync waive 50360000-4001 --reason "กทม. ยกเลิกโครงการ"
      sheetsync waive 50360000-4001 --undo
      sheetsync waive
    """
    from ..errors import OfficeError
    from ..messages import both
    from ..office.config import office_of
    from ..office.lock import run_lock
    from ..office.store import Store

    def run() -> int:
        config = office_of(office, with_store=True)
        if config is None or not config.store.exists():
            raise OfficeError(both("error.no-office-waive"))
        if code is None and (undo or reason):
            raise OfficeError(both("error.waive-code"))
        if undo and reason:  # an undo keeps the waiver's own reason: one given here would be lost
            raise OfficeError(both("error.waive-undo-reason", project=_quoted((code or "").strip())))
        with Store(config.store) as db:
            if code is None:
                list_waivers(db, config)
                return 0
            # Held as a run holds it: a sync draws the master too, and a restore may move this store aside.
            with run_lock(db, "waive", config.wait, config.zone):
                change(db, config, code.strip(), reason, undo)
        return 0

    guarded(ctx, run)


def _quoted(code: str) -> str:
    """``code`` as the clerk can type it back: in quotes when it holds a space or is empty."""
    return f'"{code}"' if not code or any(c.isspace() for c in code) else code


def list_waivers(db: Store, config: OfficeConfig) -> None:
    """Print every waiver of store ``db``, oldest first, or a line saying there is none."""
    from ..messages import both
    from ..office.waivers import school_names, waiver_line, waivers

    made, names = waivers(db), school_names(db)
    for waiver in made:
        echo(waiver_line(waiver, names.get(waiver.recipient, ""), config.zone))
    if not made:
        echo(both("waive.none"))


def change(db: Store, config: OfficeConfig, code: str, reason: str, undo: bool) -> None:
    """Waive (or undo) ``code`` in store ``db``, say so for each school, and make the master again."""
    from ..errors import MasterWriteError, OfficeError
    from ..messages import both
    from ..office.view import not_refreshed, render_view
    from ..office.waivers import school_names, undo as undone, waive

    if not undo and complete(db, config, code):
        raise OfficeError(both("error.waive-complete", project=code))
    made = undone(db, code, clerk()) if undo else waive(db, code, reason, clerk())
    names = school_names(db)
    for waiver in made:
        echo(both("waive.undone" if undo else "waive.done", project=waiver.code, recipient=waiver.recipient,
                  school=names.get(waiver.recipient, "")))
    db.mark_view_stale(config.master)  # the next sync makes it, should it not be made now
    try:
        view = render_view(db, config.master, period=config.period, forms_dirs=config.forms_dirs,
                           school_charts=config.school_charts, zone=config.zone, office=config.name)
    except MasterWriteError as exc:  # open in Excel, say: recorded all the same
        echo(not_refreshed(config.master, exc), err=True)
        return
    if view.kept_aside is not None:  # the clerk typed into it: told where it went, as a run tells it
        echo(both("sync.kept-aside", master=config.master.name, kept=view.kept_aside.name), err=True)
    echo(both("master.wrote", path=view.path))


def complete(db: Store, config: OfficeConfig, code: str) -> bool:
    """Whether every school of project ``code`` sent a report of it whose latest row says 100 %: nothing
    remains to waive (waived, it would only leave the total's count of reports sent)."""
    from ..check.coerce import ascii_digits
    from ..master.derive import number
    from ..office.sheets import forms_of, record_of
    from ..office.spec import master_spec
    from ..office.summary import Digest
    from ..office.waivers import code_of

    wanted = code_of(code)
    held = [s for s in db.current() if code_of(s.key) == wanted]
    listed = {r.id for r in db.roster() if wanted in (ascii_digits(c) for c in r.codes)}
    if not held or listed - {s.recipient for s in held}:  # a school of it sent nothing yet: it may be waived
        return False
    forms = forms_of([s.form_id for s in held], tuple(config.forms_dirs))
    for sub in held:
        form = forms.get(sub.form_id)
        spec = master_spec(form) if form is not None else None
        if spec is None or not spec.progress:
            return False
        latest = Digest.of(record_of(sub), spec, form).latest
        if number(latest.get(spec.progress)) < 100:
            return False
    return True


def clerk() -> str:
    """Who is waiving: this computer's account name ('' when it cannot say)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment nor the password database
        return ""
