"""``sheetsync template``: a locked fill-in template, one per school of a roster, or next period's from the master."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from .app import Fmt, FormsDirOpt, RosterOpt, echo, forms_dirs_given, guarded

if TYPE_CHECKING:
    from ..mailer import MailConfig
    from ..office.config import OfficeConfig
    from ..roster import Recipient


def register(app: typer.Typer) -> None:
    """Add the ``template`` command to ``app``."""
    app.command("template")(template)


def template(
    ctx: typer.Context,
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", metavar="PATH", help="File to write (.xlsx or .ods); a folder with --roster or "
        "--from-master (default there, inside an office: its templates folder, [paths] templates).")] = None,
    form: Annotated[Optional[str], typer.Option(
        "--form", metavar="ID", help="Form id, or the path of a layout .yaml (default: the office's form, else "
        "progress-report; with --from-master, the form of a school new to every key: the office's form, else the "
        "one form the master holds).")] = None,
    fmt: Annotated[Optional[Fmt], typer.Option("--format", help="Defaults to the output's extension (.xlsx "
        "for a folder); with --from-master, each school's the format of its last accepted file, else .xlsx.")] = None,
    data: Annotated[Optional[Path], typer.Option("--data", metavar="FILE",
                                                 help="JSON prefill in the form's shape.")] = None,
    recipient: Annotated[Optional[str], typer.Option("--recipient", metavar="ID", help="Who the template is "
                                                     "for; with --roster or --from-master, only this one.")] = None,
    roster: RosterOpt = None,
    from_master: Annotated[Optional[Path], typer.Option(
        "--from-master", metavar="MASTER", help="Next period's templates, prefilled from this master, into the "
        "-o folder; the earlier templates there move into its old/ (only the schools' asked for with --recipient "
        "or --project).")] = None,
    project: Annotated[Optional[str], typer.Option("--project", metavar="CODE",
                                                   help="With --from-master: only this project.")] = None,
    password: Annotated[Optional[str], typer.Option(
        "--password", metavar="TEXT", envvar="SHEETSYNC_PASSWORD",
        help="Sheet-protection password (a guard rail; the fingerprint is the real check).")] = None,
    forms_dir: FormsDirOpt = None,
    email: Annotated[bool, typer.Option(
        "--email", help="With --roster or --from-master: also queue one e-mail per template, to its school's "
        "roster address, in the outbox (sent by sheetsync mail --send, or the office's next sync --send).")] = False,
    outbox: Annotated[Optional[Path], typer.Option(
        "--outbox", metavar="DIR", help="With --email: the outbox folder (default: the office's, or "
        "$SHEETSYNC_MAIL_OUTBOX).")] = None,
    again: Annotated[bool, typer.Option(
        "--again", help="With --email: queue a school's invitation even when the same one (same template name, "
        "subject and addresses) is waiting in the outbox, which it then replaces, or was queued there in the last "
        "24 hours; without it those schools are skipped.")] = False,
) -> None:
    """Write a locked fill-in template (or, with --roster or --from-master, several into the -o folder).

    \b
    Examples:
      sheetsync template --data project.json --recipient school-01 -o school-01.xlsx
      sheetsync template --roster schools.csv -o templates/
      sheetsync template --roster roster.csv      (inside an office: into its templates folder)
      sheetsync template --from-master master.xlsx --project 50360000-3553 -o next-month/
      sheetsync template --from-master master.xlsx --roster roster.csv -o next-month/ --email
    """
    def run() -> int:
        from ..master import templates_from_master
        from ..office.waivers import waived_projects
        from ..messages import both
        from ..roster import templates_for_roster
        from ..spec.registry import find_form
        from ..template.write import write_template

        chosen_fmt = fmt.value if fmt else None
        if email and roster is None and from_master is None:
            raise typer.BadParameter(both("template.email-needs-list", source="cli.yaml"))
        if again and not email:
            raise typer.BadParameter(both("template.again-needs-email", source="cli.yaml"))
        office = office_for(output, roster, from_master)  # its key signs the templates, its [mail] sends them
        target = output_for(output, office, many=roster is not None or from_master is not None)
        # Next period's templates go to every school the office expects, also to one whose file was
        # refused (nothing of it is in the master): inside an office, its roster, as its other commands.
        expected = roster or (office.roster if office is not None and from_master is not None else None)
        dirs = (*forms_dirs_given(forms_dir), *(office.forms_dirs if office else ()))
        # Everything the e-mail needs is checked before any template is written.
        mail = mail_plan(office, outbox, expected, from_master) if email else None
        if from_master is not None:
            listed = office_roster(expected, office, say=True) if expected is not None else None
            paths = templates_from_master(from_master, target, project=project, recipient=recipient, roster=listed,
                                          fmt=chosen_fmt, forms_dirs=dirs,
                                          form=form or (office.form if office else None), say=echo,
                                          waived=waived_projects(office.store) if office else (),
                                          zone=office.zone if office else None)
            echo(both("template.wrote-many", count=len(paths), folder=target))
            return mail_templates(paths, mail, again=again, forms_dirs=dirs) if mail else 0
        prefill = load_json(data) if data else None
        chosen = find_form(form or (office.form if office else "progress-report"), dirs)
        if roster is not None:
            people = [r for r in office_roster(roster, office, say=True) if recipient is None or r.id == recipient]
            if not people:
                raise typer.BadParameter(both("template.not-on-roster", source="cli.yaml", recipient=recipient,
                                              roster=roster.name), param_hint="--recipient")
            paths = templates_for_roster(chosen, people, target, fmt=chosen_fmt or "xlsx", data=prefill, say=echo,
                                         waived=waived_projects(office.store) if office else (),
                                         everyone=recipient is None, zone=office.zone if office else None)
            echo(both("template.wrote-many", count=len(paths), folder=target))
            # A form given as a layout's path is found again, when the e-mail reads each template back, beside it.
            return mail_templates(paths, mail, again=again, forms_dirs=(*dirs, chosen.source.parent)) if mail else 0
        write_template(chosen, target, fmt=chosen_fmt, data=prefill, recipient=recipient, password=password)
        echo(both("template.wrote", path=target))
        return 0

    guarded(ctx, run)


@dataclass(frozen=True)
class MailPlan:
    """Who the templates go to and how: the mail settings and the roster."""

    config: MailConfig
    people: list[Recipient]


def output_for(output: Path | None, office: OfficeConfig | None, *, many: bool) -> Path:
    """Where the templates go: ``output`` as given, else (several, inside an office) the office's templates
    folder, which the commands it suggests name (:mod:`sheetsync.office.held`).

    :raises typer.BadParameter: neither (one template, or no office): where to write is the clerk's to say.
    """
    if output is not None:
        return output
    if many and office is not None:
        return office.templates
    from ..messages import both

    raise typer.BadParameter(both("template.output-needed", source="cli.yaml"), param_hint="-o")


def office_for(*paths: Path | None) -> OfficeConfig | None:
    """The office a template command works for: the one the current folder is in, else the one
    holding the first of ``paths`` (output folder, roster, master) that lies inside an office.

    So ``sheetsync template --roster district/roster.csv -o district/templates/`` run beside the
    office still signs with the office's key: templates signed with another key would have every
    school's file refused by the office's ``sync`` (identity not verified).
    """
    from ..office.config import office_of

    found = office_of(None)
    for path in paths:
        if found is None and path is not None:
            found = office_of(None, path)
    return found


def mail_plan(office: OfficeConfig | None, outbox: Path | None, roster: Path | None, master: Path | None) -> MailPlan:
    """The office's mail settings (else the environment's, ``outbox`` over them) and the roster
    (``roster``, else the master's), refused now when they cannot serve.

    :raises MailError: no sender, or one that is no address; the office must not mail data.
    :raises OutputError: the outbox cannot be made.
    :raises RosterError: the roster cannot be read, or (from the master) there is none.
    """
    from dataclasses import replace

    from ..errors import MailError, OutputError, RosterError
    from ..files import why_not_replaced
    from ..mailer import MailConfig
    from ..master import read_master
    from ..messages import both, render
    from ..office.config import with_mail_env

    config = with_mail_env(office) if office is not None else MailConfig.from_env()
    config = replace(config, outbox=outbox) if outbox else config
    config.check_sender()
    if config.summary_only:
        raise MailError(both("error.summary-only"))
    try:
        config.outbox.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        said = {lang: render("error.outbox-not-made", lang, source="office.yaml", outbox=config.outbox,
                             why=why_not_replaced(exc, lang)) for lang in ("th", "en")}
        raise OutputError(said["en"], th=said["th"]) from exc
    people = office_roster(roster, office) if roster is not None else read_master(master).roster if master else []
    if not people:
        raise RosterError(both("error.no-roster-in-master", master=master.name if master else "master"))
    if office is not None and office.imap.configured:
        _say_where_answers_go(config, office.imap.user)
    return MailPlan(config, people)


def office_roster(path: Path, office: OfficeConfig | None, *, say: bool = False) -> list[Recipient]:
    """The roster at ``path``; inside an office, each id whose leading zeros Excel cut is the office's
    own again (:func:`sheetsync.roster.with_zeros_kept`), said on stderr when ``say``: a template
    issued to ``101`` instead of ``0101`` would come back as another school.

    :raises RosterError: the roster cannot be used, or names no school (its headings only)."""
    from ..office.store import Store
    from ..roster import read_roster, require_schools, with_zeros_kept, zeros_note

    people = require_schools(read_roster(path), path)
    if office is None or not office.store.exists():
        return people
    with Store(office.store) as store:
        people, restored = with_zeros_kept(people, store.known_recipients())
    for written, kept in restored if say else ():
        echo(f"sheetsync: {zeros_note(written, kept)}", err=True)
    return people


def _say_where_answers_go(config: MailConfig, mailbox: str) -> None:
    """A note when schools' answers would not reach the mailbox the office fetches."""
    from email.utils import parseaddr

    from ..address import same_address

    answers = parseaddr(config.reply_to or config.from_addr)[1].lower()
    # A .ไทย mailbox is the same whether its domain is written in Thai or as it travels (xn--).
    if "@" in mailbox and not same_address(answers, mailbox):
        from ..messages import lines

        for line in lines("template.answers-elsewhere", source="cli.yaml", answers=answers, mailbox=mailbox):
            echo(line, err=True)


def mail_templates(paths: list[Path], plan: MailPlan, *, again: bool = False,
                   forms_dirs: tuple[Path, ...] = ()) -> int:
    """Queue each template to its school; 1 if one was left unsent (each named on stderr). Schools
    whose same invitation is waiting or was just sent are skipped (``again``: queued all the same).
    ``forms_dirs``: where the templates' form is found (``--forms-dir`` and the office's)."""
    from ..batch import queue_templates

    done = queue_templates(paths, plan.people, plan.config, again=again, forms_dirs=forms_dirs)
    from ..messages import both, render
    from .shell import shell_arg

    for line in done.already:
        echo(f"{both('invite.already', source='catalogue.yaml')}: {line}")
    if done.already:
        for lang in ("th", "en"):
            echo(render("invite.skipped", lang, count=len(done.already)))
    for line in done.unsent:
        echo(f"sheetsync: {both('sync.not-sent')}: {line}", err=True)
    # Nothing queued: no count of zero, and no "sync --send sends them" for e-mails that are not there.
    echo(both("template.queued", count=len(done.queued), outbox=plan.config.outbox,
              outbox_arg=shell_arg(plan.config.outbox)) if done.queued else both("template.queued-none"))
    if done.unsent:
        echo(f"sheetsync: {both('template.one-later')}", err=True)
    return 1 if done.unsent else 0


def load_json(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; :class:`DataError` naming the file if it is not one."""
    from ..errors import DataError
    from ..messages import render

    def refused(code: str, **params: Any) -> DataError:  # Thai first: the clerk typed this name
        said = {lang: render(code, lang, source="cli.yaml", file=path.name, **params) for lang in ("th", "en")}
        return DataError(said["en"], th=said["th"])

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise refused("template.data-unreadable", why=exc) from exc
    if not isinstance(data, dict):
        raise refused("template.data-not-object")
    return data
