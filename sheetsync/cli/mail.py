"""``sheetsync mail OUTBOX``: list, or with ``--send`` deliver, the messages waiting in an outbox."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import echo, guarded


class Security(str, Enum):
    """How the SMTP connection is encrypted."""

    starttls = "starttls"
    ssl = "ssl"
    none = "none"


def register(app: typer.Typer) -> None:
    """Add the ``mail`` command to ``app``."""
    app.command("mail")(mail)


def mail(
    ctx: typer.Context,
    outbox: Annotated[Path, typer.Argument(metavar="OUTBOX", help="Outbox folder of .eml files.")],
    send: Annotated[bool, typer.Option("--send", help="Deliver over SMTP (otherwise only list).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what --send would deliver; send nothing.")] = False,
    host: Annotated[Optional[str], typer.Option(metavar="HOST", help="SMTP host [env SHEETSYNC_SMTP_HOST].")] = None,
    port: Annotated[Optional[int], typer.Option(metavar="PORT", help="SMTP port [env SHEETSYNC_SMTP_PORT].")] = None,
    security: Annotated[Optional[Security], typer.Option(help="Encryption [env SHEETSYNC_SMTP_SECURITY].")] = None,
    user: Annotated[Optional[str], typer.Option(metavar="NAME", help="SMTP login; the password only from $SHEETSYNC_SMTP_PASSWORD.")]
    = None,
) -> None:
    """List the messages waiting in OUTBOX; with --send, deliver them over SMTP.

    Each delivered message moves into OUTBOX/sent/; a failed one stays, with the reason on stderr,
    and the exit code is 1. Running it again sends only what is still waiting.

    \b
    Example:
      SHEETSYNC_SMTP_HOST=smtp.example.org SHEETSYNC_SMTP_USER=office sheetsync mail outbox --send
    """

    def run() -> int:
        from ..mailer import MailConfig, SmtpMailer, send_outbox
        from ..messages import both

        if not send or dry_run:
            return _list(outbox)
        from ..office.held import hold_for_outbox

        config = MailConfig.from_env().updated(host=host, port=port, user=user,
                                               security=security.value if security else None)
        for line in hold_for_outbox(outbox):  # an office's: what its roster no longer agrees with stays
            echo(line, err=True)
        with SmtpMailer(config) as mailer:
            result = send_outbox(outbox, mailer)
        for path in result.sent:
            echo(f"{both('mail.sent')}: {path.name}")
        for line in result.lines():
            echo(f"{both('sync.not-sent')}: {line}", err=True)
        return 0 if result.ok else 1

    guarded(ctx, run)


def _list(outbox: Path) -> int:
    """List each waiting message; one that cannot be read gets its line on stderr (as ``--send`` would
    say it) and the others are still listed. Exit 1 when any could not be read."""
    from ..address import shown_addresses
    from ..errors import MailError
    from ..mailer import header_text, one_line, pending, read_message, without_name
    from ..messages import both, render

    waiting, bad = pending(outbox), 0
    for path in waiting:
        try:
            message = read_message(path)
        except MailError as exc:
            bad += 1
            echo(f"{both('sync.not-sent')}: {path.name}: {without_name(exc, path.name)}", err=True)
            continue
        to = shown_addresses(header_text(message, "To"))  # a .ไทย domain in Thai, not as it travels (xn--)
        echo(f"{path.name}: {one_line(to)} — {one_line(header_text(message, 'Subject'))}")
    said = [render("mail.waiting", lang, source="office.yaml", count=len(waiting), outbox=outbox)
            + (render("mail.how-to-send", lang, source="office.yaml") if waiting else "") for lang in ("th", "en")]
    echo(" / ".join(said))
    return 1 if bad else 0
