"""``sheetsync validate``: findings on cells for each file, and optionally reports and e-mails for the batch."""

from __future__ import annotations

import json
import os
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .app import (EXIT_BAD_INPUT, EXIT_INVALID, EXIT_OK, FormsDirOpt, Lang, LangOpt, RosterOpt, SendOpt, echo, echo_error,
                  guarded, office_forms)
from .office import OfficeOpt

if TYPE_CHECKING:
    from ..batch import Checked
    from ..mailer import MailConfig
    from ..office.config import OfficeConfig
    from ..messages import Lang as Language


class OutFmt(str, Enum):
    """Report output formats."""

    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add the ``validate`` command to ``app``."""
    app.command("validate")(validate)


def validate(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Filled templates.")],
    output: Annotated[OutFmt, typer.Option("--format", help="text or json.")] = OutFmt.text,
    lang: LangOpt = Lang.th,
    form: Annotated[Optional[str], typer.Option("--form", metavar="ID", help="Refuse files of any other form.")] = None,
    report_dir: Annotated[Optional[Path], typer.Option(
        "--report-dir", metavar="DIR", help="Write text, HTML, JSON and the marked-up file per submission, "
        "plus the batch summary.")] = None,
    email: Annotated[bool, typer.Option("--email", help="Also write one .eml per submission (and a digest).")] = False,
    send: SendOpt = False,
    to: Annotated[Optional[str], typer.Option("--to", metavar="ADDRESS",
                                              help="Send every report to this address.")] = None,
    roster: RosterOpt = None,
    outbox: Annotated[Optional[Path], typer.Option(
        "--outbox", metavar="DIR", help="Folder of .eml files [env SHEETSYNC_MAIL_OUTBOX].")] = None,
    forms_dir: FormsDirOpt = None,
    office: OfficeOpt = None,
) -> None:
    """Validate filled templates; exit 0 if all are valid, 1 if any is not, 2 if one cannot be read.

    Each file's result is printed as soon as it is checked, so any number of files fits in memory.
    A template's identity is checked with the office's key: run it inside the office folder (or
    with --office DIR); elsewhere the key of this user is used, which did not sign the office's.

    \b
    Examples:
      sheetsync validate inbox/*.xlsx --format json --lang en
      sheetsync validate inbox/* --report-dir reports --email --roster schools.csv
    """
    def run() -> int:
        from ..batch import check_files
        from ..render import render_text, report_dict
        from ..identity import KEY_ENV
        from ..office.config import office_of
        from ..spec.registry import find_form

        config = office_of(office)  # the office's key verifies the templates it issued
        own_key = config is None and not os.environ.get(KEY_ENV)
        dirs = office_forms(forms_dir, config.root if config else None)
        expected = find_form(form, dirs) if form else None
        if email:  # no sender: said before any report is written (as sync and template --email do)
            mail_config(config, outbox).check_sender()
        keep = report_dir is not None or email  # the batch's reports need every result at the end
        kept: list[Checked] = []
        unreadable = invalid = 0
        unverified = False
        if output is OutFmt.json:
            echo("[")
        for n, path in enumerate(files):
            [item] = check_files([path], form=expected, forms_dirs=dirs)
            unreadable += item.error is not None
            invalid += item.report is not None and not item.report.valid
            unverified = unverified or (item.report is not None and any(
                f.code == "identity-not-verified" for f in item.report.findings))
            if item.error:
                echo_error(unread_line(item, lang.value))
            if output is OutFmt.json:
                entry = report_dict(item.report, lang.value) if item.report is not None else {
                    "file": str(item.path), "valid": False, "findings": [], "error": item.error}
                text = json.dumps(entry, ensure_ascii=False, indent=2, default=str, allow_nan=False)
                echo(("  " if n == 0 else ", ") + text.replace("\n", "\n  "))
            elif item.report is not None:  # unreadable files were already named on stderr
                echo(render_text(item.report, lang.value))
            if keep:
                kept.append(item)
        if output is OutFmt.json:
            echo("]")
        if unverified and own_key:
            _say_which_key(lang.value)
        if keep:
            deliver(kept, report_dir or Path("reports"), email, send, to, roster, outbox, lang.value, config)
        return EXIT_BAD_INPUT if unreadable else EXIT_INVALID if invalid else EXIT_OK
    guarded(ctx, run)


def _say_which_key(lang: Language) -> None:
    """A file "not issued by this office" was checked with this user's key, outside any office:
    the clerk took a template the office had issued for a forged one. (The finding itself stays as
    it is: schools read it.)"""
    from ..identity import key_path
    from ..messages import said

    echo(f"sheetsync: {said('validate.key-outside-office', lang, key=key_path())}", err=True)


def deliver(checked: list[Checked], report_dir: Path, email: bool, send: bool, to: str | None,
            roster: Path | None, outbox: Path | None, lang: Language, office: OfficeConfig | None = None) -> None:
    """Reports into ``report_dir``; with ``email``, messages and a digest into the outbox (and sent).

    Inside an office, its ``[mail]`` settings (its sender, name, server, outbox) and its roster are
    the defaults, as for ``sync`` and ``template --email``; elsewhere the environment's.
    """
    from ..batch import queue_emails, write_reports
    from ..mailer import OutboxMailer, SmtpMailer, compose_digest, send_outbox
    from ..messages import said
    from ..roster import read_roster, require_schools

    roster = roster or (office.roster if office is not None and email else None)
    # the summary names their schools too; one with its headings only is refused, as every command refuses it
    recipients = require_schools(read_roster(roster), roster) if roster else []
    written = write_reports(checked, report_dir, lang, names={r.id: r.school for r in recipients})
    echo(said("validate.reports-written", lang, count=len(written), folder=report_dir), err=True)
    if not email:
        return
    config = mail_config(office, outbox)
    queued = queue_emails(checked, config, roster=recipients, to=to, lang=lang)
    if config.from_addr:
        queued.append(OutboxMailer(config.outbox).write(compose_digest([c.result for c in checked], recipients,
                                                                       config, lang)))
    echo(said("validate.queued", lang, count=len(queued), outbox=config.outbox), err=True)
    if send:
        with SmtpMailer(config) as mailer:
            result = send_outbox(config.outbox, mailer)
        for line in result.lines():
            echo(f"{said('sync.not-sent', lang, source='office.yaml')} {line}", err=True)
        if not result.ok:
            raise typer.Exit(EXIT_INVALID)


def mail_config(office: OfficeConfig | None, outbox: Path | None) -> MailConfig:
    """The mail settings: the office's ``[mail]`` (else the environment's), ``outbox`` over its outbox."""
    from dataclasses import replace

    from ..mailer import MailConfig
    from ..office.config import with_mail_env

    config = with_mail_env(office) if office is not None else MailConfig.from_env()
    return replace(config, outbox=outbox) if outbox else config


def unread_line(item: Checked, lang: str) -> str:
    """Why ``item`` could not be read, naming it: Thai first (in plain words), then the reader's own
    English; English only with ``--lang en``."""
    thai = item.why.get("th", "") if lang == "th" else ""
    return f"{item.path.name}: {thai} / {item.error}" if thai else str(item.error)
