"""The ``sheetsync`` command line: a thin layer of typer commands over the library.

Exit codes: 0 success / all valid, 1 some file invalid, 2 unreadable input or bad usage,
3 any other sheetsync error (a form that does not load, an output that cannot be written).
"""

from __future__ import annotations

import json
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from .batch import check_files, queue_emails, write_reports
from .demo import run_demo
from .errors import DataError, NotOurFormError, SheetsyncError, UnknownFormError, UnreadableFileError
from .master import templates_from_master
from .office.config import OfficeError
from .mailer import MailConfig, OutboxMailer, SmtpMailer, compose_digest, send_outbox
from .reader import read_filled
from .registry import find_form, list_forms
from .render import render_json, render_text
from .roster import RosterError, read_roster, templates_for_roster
from .template import write_template

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Run an official paper form as locked spreadsheets: templates, read-back, validation.")
BAD_INPUT = (UnreadableFileError, NotOurFormError, UnknownFormError, DataError, RosterError, OfficeError)


class Fmt(str, Enum):
    """Template file formats."""

    xlsx = "xlsx"
    ods = "ods"


class OutFmt(str, Enum):
    """Report output formats."""

    text = "text"
    json = "json"


class Lang(str, Enum):
    """Message languages."""

    th = "th"
    en = "en"


FormOpt = Annotated[str, typer.Option("--form", metavar="ID", help="Form id, or the path of a layout .yaml.")]
FormsDirOpt = Annotated[Optional[list[Path]], typer.Option("--forms-dir", metavar="DIR", help="Extra folder of forms (repeatable).")]
RosterOpt = Annotated[Optional[Path], typer.Option("--roster", metavar="FILE", help="CSV: recipient id, school name, email, project code.")]
_state: dict[str, bool] = {"debug": False}


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False) -> None:
    _state["debug"] = debug


def _guard(action: Callable[[], int]) -> None:
    """Run ``action``; a sheetsync error becomes one line on stderr and an exit code."""
    try:
        code = action()
    except SheetsyncError as exc:
        if _state["debug"]:
            raise
        typer.echo(f"sheetsync: {exc}", err=True)
        code = 2 if isinstance(exc, BAD_INPUT) else 3
    raise typer.Exit(code)


@app.command()
def template(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="PATH", help="File to write (.xlsx or .ods); a folder with --roster.")],
    form: FormOpt = "progress-report",
    fmt: Annotated[Optional[Fmt], typer.Option("--format", help="Defaults to the output's extension.")] = None,
    data: Annotated[Optional[Path], typer.Option("--data", metavar="FILE", help="JSON prefill in the form's shape.")] = None,
    recipient: Annotated[Optional[str], typer.Option("--recipient", metavar="ID", help="Who the template is for.")] = None,
    roster: RosterOpt = None,
    from_master: Annotated[Optional[Path], typer.Option("--from-master", metavar="MASTER", help="Next period's templates, prefilled "
                                                        "from this master, into the -o folder.")] = None,
    project: Annotated[Optional[str], typer.Option("--project", metavar="CODE", help="With --from-master: only this project.")]
    = None,
    password: Annotated[Optional[str], typer.Option(
        "--password", metavar="TEXT", envvar="SHEETSYNC_PASSWORD",
        help="Sheet-protection password (a guard rail; the fingerprint is the real check).")] = None,
    forms_dir: FormsDirOpt = None,
) -> None:
    """Write a locked fill-in template (or, with --roster or --from-master, several into the -o folder).

    \b
    Examples:
      sheetsync template --data project.json --recipient school-01 -o school-01.xlsx
      sheetsync template --roster schools.csv -o templates/
      sheetsync template --from-master master.xlsx --project 50360000-3553 -o next-month/
    """
    def run() -> int:
        if from_master is not None:
            paths = templates_from_master(from_master, output, project=project, recipient=recipient, roster=roster,
                                          fmt=fmt.value if fmt else "xlsx", forms_dirs=forms_dir or ())
            typer.echo(f"wrote {len(paths)} templates in {output}")
            return 0
        prefill = _load_json(data) if data else None
        chosen = find_form(form, forms_dir or ())
        if roster is not None:
            paths = templates_for_roster(chosen, read_roster(roster), output, fmt=fmt.value if fmt else "xlsx",
                                         data=prefill)
            typer.echo(f"wrote {len(paths)} templates in {output}")
            return 0
        write_template(chosen, output, fmt=fmt.value if fmt else None, data=prefill, recipient=recipient,
                       password=password)
        typer.echo(f"wrote {output}")
        return 0
    _guard(run)


@app.command()
def read(
    file: Annotated[Path, typer.Argument(help="A filled template.")],
    source_map: Annotated[bool, typer.Option("--source-map", help="Also print where each value came from.")] = False,
    forms_dir: FormsDirOpt = None,
) -> None:
    """Print the data of a filled template as JSON.

    \b
    Example:
      sheetsync read returned/school-01.xlsx --source-map
    """
    def run() -> int:
        filled = read_filled(file, forms_dirs=forms_dir or ())
        out: Any = filled.data
        if source_map:
            out = {"data": filled.data, "metadata": filled.metadata,
                   "source_map": {p: {"sheet": c.sheet, "cell": c.cell} for p, c in filled.source_map.items()}}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        for problem in filled.problems:
            typer.echo(f"{file.name}: {problem.cell}: {problem.code} ({problem.value!r})", err=True)
        return 0
    _guard(run)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Filled templates.")],
    output: Annotated[OutFmt, typer.Option("--format", help="text or json.")] = OutFmt.text,
    lang: Annotated[Lang, typer.Option("--lang", help="Message language.")] = Lang.th,
    form: Annotated[Optional[str], typer.Option("--form", metavar="ID", help="Refuse files of any other form.")] = None,
    report_dir: Annotated[Optional[Path], typer.Option("--report-dir", metavar="DIR", help="Write text, HTML, JSON and the "
                                                       "marked-up file per submission, plus the batch summary.")] = None,
    email: Annotated[bool, typer.Option("--email", help="Also write one .eml per submission (and a digest).")] = False,
    send: Annotated[bool, typer.Option("--send", help="Deliver the outbox over SMTP afterwards.")] = False,
    to: Annotated[Optional[str], typer.Option("--to", metavar="ADDRESS", help="Send every report to this address.")] = None,
    roster: RosterOpt = None,
    outbox: Annotated[Optional[Path], typer.Option("--outbox", metavar="DIR", help="Folder of .eml files [env SHEETSYNC_MAIL_OUTBOX].")]
    = None,
    forms_dir: FormsDirOpt = None,
) -> None:
    """Validate filled templates; exit 0 if all are valid, 1 if any is not, 2 if one cannot be read.

    \b
    Examples:
      sheetsync validate inbox/*.xlsx --format json --lang en
      sheetsync validate inbox/* --report-dir reports --email --roster schools.csv
    """
    def run() -> int:
        expected = find_form(form, forms_dir or ()) if form else None
        checked = check_files(files, form=expected, forms_dirs=forms_dir or ())
        for item in checked:
            if item.error:
                typer.echo(f"sheetsync: {item.error}", err=True)
        results = [c.result for c in checked]
        if output is OutFmt.json:
            typer.echo(render_json(results, lang.value))
        else:
            for item in checked:
                if item.report is not None:  # unreadable files were already named on stderr
                    typer.echo(render_text(item.report, lang.value))
        if report_dir is not None or email:
            _deliver(checked, report_dir or Path("reports"), email, send, to, roster, outbox, lang.value)
        if any(c.error for c in checked):
            return 2
        return 0 if all(c.report is not None and c.report.valid for c in checked) else 1
    _guard(run)


def _deliver(checked: list[Any], report_dir: Path, email: bool, send: bool, to: str | None, roster: Path | None,
             outbox: Path | None, lang: Any) -> None:
    """Reports into ``report_dir``; with ``email``, messages and a digest into the outbox (and sent)."""
    written = write_reports(checked, report_dir, lang)
    typer.echo(f"wrote {len(written)} report files in {report_dir}", err=True)
    if not email:
        return
    config = MailConfig.from_env()
    config = replace(config, outbox=outbox) if outbox else config
    recipients = read_roster(roster) if roster else []
    queued = queue_emails(checked, config, roster=recipients, to=to, lang=lang)
    if config.from_addr:
        queued.append(OutboxMailer(config.outbox).write(compose_digest([c.result for c in checked], recipients,
                                                                       config, lang)))
    typer.echo(f"queued {len(queued)} message(s) in {config.outbox}", err=True)
    if send:
        with SmtpMailer(config) as mailer:
            result = send_outbox(config.outbox, mailer)
        for line in result.lines():
            typer.echo(f"not sent {line}", err=True)
        if not result.ok:
            raise typer.Exit(1)


@app.command()
def forms(forms_dir: FormsDirOpt = None) -> None:
    """List the forms this installation knows.

    \b
    Example:
      sheetsync forms
    """
    def run() -> int:
        for f in list_forms(forms_dir or ()):
            typer.echo(f"{f.id}\t{f.version}\t{f.title}")
        return 0
    _guard(run)


@app.command()
def demo(out: Annotated[Path, typer.Argument(help="Folder for the demo's files.")] = Path("sheetsync-demo")) -> None:
    """Run the whole loop on the sample: templates for 11 schools, fills, sync, master, next month.

    \b
    Example:
      sheetsync demo /tmp/demo
    """
    def run() -> int:
        result = run_demo(out, say=typer.echo)
        typer.echo(f"done: see {out}/master.xlsx, {out}/reports/ and {out}/outbox/")
        return 0 if all(result.round_trip_equal.values()) else 1
    _guard(run)


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path.name}: cannot read JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise DataError(f"{path.name}: expected a JSON object")
    return data


def _register_commands() -> None:
    # Commands kept in their own modules (mail, merge); imported late: they import _guard from here.
    from .commands import mail as mail_commands
    from .commands import master as master_commands
    from .commands import office as office_commands
    from .commands import sync as sync_commands

    mail_commands.register(app)
    master_commands.register(app)
    sync_commands.register(app)
    office_commands.register(app)


_register_commands()


def main() -> None:
    """Entry point of the ``sheetsync`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
