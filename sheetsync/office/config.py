"""The office folder: ``sheetsync.toml`` and the folders and files beside it.

``sheetsync init DIR`` makes::

    DIR/sheetsync.toml    the configuration (commented; read with the standard library's tomllib)
    DIR/inbox/            returned files are dropped here
    DIR/processed/        files whose outcome is recorded
    DIR/quarantine/       files that could not be read, each with a .txt saying why
    DIR/reports/          reports per file and per run
    DIR/outbox/           e-mails (.eml) waiting to be sent; sent ones move to outbox/sent/
    DIR/sheetsync.sqlite  the store of record
    DIR/office.key        the office's secret key (32 random bytes, readable by the owner only)
    DIR/master.xlsx       the master view, rendered after each run

Commands run inside DIR (or with ``--office DIR``) use it; their flags still override it.
"""

from __future__ import annotations

import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from ..check.coerce import ascii_digits
from ..clock import Zone, zone_named
from ..errors import MailError, OfficeError
from ..mailer import ANSWERS_PER_DAY, SECURITIES, ImapConfig, MailConfig, Security
from ..messages import both
from . import settings
from .settings import choice, flag, number, read_settings, shown, table, text, whole
from .store import Store

CONFIG_NAME = "sheetsync.toml"
STORE_NAME = "sheetsync.sqlite"
KEY_NAME = "office.key"
FOLDERS = ("inbox", "processed", "quarantine", "reports", "outbox")


@dataclass(frozen=True)
class OfficeConfig:
    """An office's configuration, every path absolute."""

    root: Path
    #: The office's own name (``name``), heading its master and signing its e-mails; "" for none.
    name: str = ""
    form: str = "progress-report"
    roster: Path | None = None
    period: str | None = None
    master: Path = Path("master.xlsx")
    inbox: Path = Path("inbox")
    processed: Path = Path("processed")
    quarantine: Path = Path("quarantine")
    reports: Path = Path("reports")
    outbox: Path = Path("outbox")
    #: Where the clerk writes the schools' templates (``[paths] templates``): the commands the office suggests name it.
    templates: Path = Path("templates")
    store: Path = Path(STORE_NAME)
    key_file: Path = Path(KEY_NAME)
    settle: float = 2.0
    wait: float = 5.0
    mark_valid: bool = False
    view: str = "auto"
    school_charts: tuple[str, ...] = ()
    forms_dirs: tuple[Path, ...] = ()
    #: The office's time zone (``timezone``); None: this computer's own. Every time shown is in it.
    zone: Zone = None
    mail: MailConfig = field(default_factory=MailConfig)
    #: The office's mailbox (``[imap]``); ``imap.configured`` is False when the section names no host.
    imap: ImapConfig = field(default_factory=ImapConfig)


def use_office_key(config: OfficeConfig) -> None:
    """Make the office's key the one this process signs templates and verifies files with.

    The key's location is configuration of the whole run (templates issued, files checked,
    marked-up copies re-signed), so it is set once, for the process, rather than passed through
    every call; an explicit ``$SHEETSYNC_KEY_FILE`` (or an office found earlier in the same
    process) still wins.
    """
    from ..identity import KEY_ENV

    os.environ.setdefault(KEY_ENV, str(config.key_file))


def find_office(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding a ``sheetsync.toml``."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def office_of(folder: Path | None, start: Path | None = None, *, with_store: bool = False) -> OfficeConfig | None:
    """The office named by ``--office`` (``folder``), else the one at or above ``start`` (default: the
    current folder), else None.

    :param with_store: the command works on the office's store: one lost (deleted, not restored) stops it.
    :raises OfficeError: ``folder`` is given but holds no valid ``sheetsync.toml``.
    :raises StoreError: ``with_store``, and the store is gone though the office has worked.
    """
    found = folder if folder is not None else find_office(start or Path.cwd())
    if found is None:
        return None
    config = load_office(found)
    use_office_key(config)
    if with_store:
        from .legacy import check_store_kept

        check_store_kept(config.store, config.master, (config.processed, config.quarantine))
    return config


def load_office(root: str | Path) -> OfficeConfig:
    """Read ``root/sheetsync.toml``.

    :raises OfficeError: the file is missing, not valid TOML (with its line), or a value is wrong.
    """
    root = Path(root).resolve()
    path = root / CONFIG_NAME
    data = read_settings(path)
    paths, run = settings.paths(table(data, "paths", path), path), table(data, "run", path)

    def at(value: Any, default: str, key: str) -> Path:
        return (root / settings.path_value(str(value or default), key, path)).resolve()

    def place(key: str, default: str) -> Path:  # a [paths] entry
        return at(paths.get(key), default, f"[paths] {key}")

    zone = _zone(data.get("timezone"), path)  # before the rest: its error is whole already
    name = _name(data.get("name", ""), path)
    roster = text(data, "roster", path, example="roster.csv")
    view = text(run, "render_view", path, "[run]", "auto") or "auto"
    if view not in ("auto", "always", "never"):
        raise settings.wrong("settings.render-view", path, value=shown(view))
    try:
        config = OfficeConfig(
            root=root, name=name, form=text(data, "form", path, example="progress-report") or "progress-report",
            roster=at(roster, "", "roster") if roster else None,
            period=text(data, "period", path, example="2569-03") or None,
            master=place("master", "master.xlsx"), inbox=place("inbox", "inbox"),
            processed=place("processed", "processed"), quarantine=place("quarantine", "quarantine"),
            reports=place("reports", "reports"), outbox=place("outbox", "outbox"), templates=place("templates", "templates"),
            store=place("store", STORE_NAME), key_file=place("key", KEY_NAME),
            settle=number(run, "settle_seconds", 2.0, path, "[run]"), wait=number(run, "wait_seconds", 5.0, path, "[run]"),
            mark_valid=flag(run, "mark_valid_files", path, "[run]"), view=view,
            school_charts=_ids(run.get("school_charts", []), path),
            forms_dirs=tuple(at(p, "", "[paths] forms") for p in paths.get("forms", [])), zone=zone,
            mail=_mail(table(data, "mail", path), path, place("outbox", "outbox"), name),
            imap=_imap(table(data, "imap", path), path, root))
    except MailError as exc:
        raise OfficeError(f"{exc.th} / {exc}" if exc.th else str(exc)) from exc
    if config.period:
        try:
            config = replace(config, period=normalize_period(config.period))
        except ValueError as exc:
            raise settings.wrong("settings.period", path, value=shown(config.period), why=exc) from exc
    return config


def init_office(root: str | Path, *, form: str = "progress-report", roster: Path | None = None,
                forms_dirs: tuple[Path, ...] = ()) -> OfficeConfig:
    """Make an office folder (see the module docstring); an existing configuration is never overwritten.

    :param forms_dirs: folders of forms (a form kept outside sheetsync), written as ``[paths] forms``
        so that every command run in the office finds the office's form.

    :raises OfficeError: ``root`` already holds a ``sheetsync.toml``, or cannot be written.
    """
    root = Path(root)
    if (root / CONFIG_NAME).exists():
        raise OfficeError(both("error.already-office", config=root / CONFIG_NAME, roster=root / "roster.csv"))
    try:
        for name in FOLDERS:
            (root / name).mkdir(parents=True, exist_ok=True)
        roster_name = ""
        if roster is not None:
            roster_name = "roster.csv"
            (root / roster_name).write_bytes(roster.read_bytes())
        _write_key(root / KEY_NAME)
        text = TEMPLATE.format(form=form, roster=roster_name, forms_line=FORMS_LINE)
        if forms_dirs:  # TOML basic strings take JSON's escapes
            listed = ", ".join(json.dumps(config_path(Path(d), root), ensure_ascii=False) for d in forms_dirs)
            text = text.replace(FORMS_LINE, f"forms = [{listed}]      # extra folders of forms")
        (root / CONFIG_NAME).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OfficeError(both("settings.cannot-make", source=settings.SOURCE, folder=root, why=exc.strerror or exc)) from exc
    config = load_office(root)
    Store(config.store).close()
    return config


def with_mail_env(config: OfficeConfig) -> MailConfig:
    """The office's mail settings over the environment's (``SHEETSYNC_MAIL_*``, ``SHEETSYNC_SMTP_*``)."""
    env = MailConfig.from_env()
    own = config.mail
    return replace(env, from_addr=own.from_addr or env.from_addr, reply_to=own.reply_to or env.reply_to,
                   digest_to=own.digest_to or env.digest_to, outbox=own.outbox,
                   host=own.host if own.host != "localhost" else env.host, port=own.port or env.port,
                   security=own.security if own.security != "starttls" else env.security,
                   user=own.user or env.user, summary_only=own.summary_only or env.summary_only,
                   office_name=own.office_name,
                   answers_per_day=own.answers_per_day if own.answers_per_day != ANSWERS_PER_DAY
                   else env.answers_per_day)


def with_imap_env(config: OfficeConfig) -> ImapConfig:
    """The office's ``[imap]`` section with the environment's ``SHEETSYNC_IMAP_*`` over it.

    :raises MailError: a variable's value is wrong.
    """
    return ImapConfig.from_env(base=config.imap)


def _imap(table: dict[str, Any], path: Path, root: Path) -> ImapConfig:
    imap = ImapConfig.from_table(table, str(path))
    if imap.cafile:  # relative to the office, like every path of the file
        imap = replace(imap, cafile=str((root / settings.path_value(imap.cafile, "[imap] cafile", path)).resolve()))
    return imap


def _write_key(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_bytes(32))


def _mail(mail: dict[str, Any], path: Path, outbox: Path, office: str) -> MailConfig:
    where = "[mail]"
    return MailConfig(from_addr=text(mail, "from", path, where, "office@bma.example"), office_name=office,
                      reply_to=text(mail, "reply_to", path, where, "office@bma.example") or None,
                      digest_to=text(mail, "digest_to", path, where, "clerk@bma.example") or None,
                      host=text(mail, "smtp_host", path, where, "localhost") or "localhost",
                      port=whole(mail, "smtp_port", path, where, example=587, port=True),
                      security=cast(Security, choice(mail, "smtp_security", SECURITIES, path, where)),
                      user=text(mail, "smtp_user", path, where, "office@bma.example") or None, outbox=outbox,
                      summary_only=flag(mail, "summary_only", path, where),
                      answers_per_day=_or(whole(mail, "answers_per_day", path, where, example=ANSWERS_PER_DAY),
                                          ANSWERS_PER_DAY))


def _or(value: int | None, default: int) -> int:
    return default if value is None else value  # 0 is a value (no bound), not "not given"


def _zone(value: Any, path: Path) -> Zone:
    """The ``timezone`` setting's zone (None when empty: this computer's own).

    :raises OfficeError: one line naming the setting, saying to write an offset such as "+07:00"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if not isinstance(value, str):
            raise ValueError("it must be text in quotes")
        return zone_named(value)
    except ValueError as exc:
        raise OfficeError(both("error.timezone", config=path, setting=repr(value), why=exc)) from exc


#: The longest office name taken: it heads every sheet and prints in every page's footer (an .xlsx
#: footer holds 255 characters in all), and becomes the e-mails' sender name.
NAME_LIMIT = 120


def _name(value: Any, path: Path) -> str:
    """The ``name`` setting, trimmed ("" when empty).

    :raises OfficeError: one line naming the file: the value is not text, holds a line break or
        another control character, or is longer than :data:`NAME_LIMIT` characters."""
    if isinstance(value, str):
        text = value.strip()
        hidden = next((i for i, ch in enumerate(text) if unicodedata.category(ch) in ("Cc", "Zl", "Zp")), None)
        if hidden is not None:  # a tab pasted from a cell: Notepad shows a space, so say where it is
            raise OfficeError(both("error.office-name-hidden", config=path, before=text[:hidden].strip()))
        if len(text) <= NAME_LIMIT:
            return text
    raise OfficeError(both("error.office-name", config=path, setting=shown(value), limit=NAME_LIMIT))


def _ids(value: Any, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise settings.wrong("settings.school-charts", path, value=shown(value))
    return tuple(value)


def normalize_period(text: str) -> str:
    """A reporting period as ``YYYY-MM`` of the Christian era: ``2563-03`` (a year above 2400 is B.E.,
    as everywhere in the form) becomes ``2020-03``; ``2020-3`` becomes ``2020-03``.

    :raises ValueError: ``text`` is no such period (the message says what is expected).
    """
    parts = ascii_digits(text.strip()).split("-")  # ๒๕๖๓-๐๓: the B.E. year as official text writes it
    if len(parts) == 2 and len(parts[0]) == 4 and all(p.isdigit() and p.isascii() for p in parts) \
            and 1 <= int(parts[1]) <= 12:
        year = int(parts[0]) - (543 if int(parts[0]) > 2400 else 0)
        return f"{year:04d}-{int(parts[1]):02d}"
    raise ValueError(f"period {text!r} must be YYYY-MM, e.g. 2020-03 (or 2563-03 in B.E.)")


def config_path(path: Path, root: Path) -> str:
    """``path`` as ``sheetsync.toml`` keeps it: relative to the office when inside it (the folder
    may be moved or copied to another computer whole), else absolute. Written with "/" on every OS."""
    full, base = path.resolve(), root.resolve()
    return full.relative_to(base).as_posix() if full.is_relative_to(base) else full.as_posix()


#: The commented ``forms`` line of :data:`TEMPLATE`, replaced when the office is made with folders of forms.
FORMS_LINE = '# forms = ["forms"]        # extra folders of forms'

TEMPLATE = """\
# sheetsync office configuration (TOML). Paths are relative to this folder.
# Commands run inside this folder (or with --office) use it; their options override it.

# The office's name, e.g. "สำนักงานเขตบางรัก": heads every sheet of the master and signs its e-mails.
name = ""

# The form schools fill in (see `sheetsync forms`).
form = "{form}"

# Who must report: a CSV with recipient_id, school_name, email, project_code
# (an optional `network` column shows in the master's summary).
roster = "{roster}"

# The reporting period (YYYY-MM) the master's statuses are computed for ("late for the period").
# Leave empty to use the month of the latest report received; never today's date.
period = ""

# The time zone every time shown is in (the master, the ledger, history, e-mails); the store keeps UTC.
# Empty: this computer's own zone. A name such as "Asia/Bangkok" (on Windows it needs the tzdata
# package), or an offset, which always works: "+07:00".
timezone = ""

[paths]
inbox = "inbox"            # returned files are dropped here
processed = "processed"    # files whose outcome is recorded
quarantine = "quarantine"  # files that could not be read, each with a .txt saying why
reports = "reports"
outbox = "outbox"          # e-mails waiting to be sent
templates = "templates"    # the schools' templates (named in the commands sheetsync suggests)
master = "master.xlsx"     # the master view (.xlsx or .ods), rendered after every run
store = "sheetsync.sqlite" # the store of record: back this file up
key = "office.key"         # the office's secret key: never share it, never put it in a template
{forms_line}

[run]
settle_seconds = 2.0       # a file changed more recently than this is left for the next run
wait_seconds = 5.0         # how long a second run waits for the first before giving up
mark_valid_files = false   # also write a marked-up workbook for files without errors
render_view = "auto"       # render master.xlsx after each run: auto (up to 5,000 keys), always, never
school_charts = []         # recipient ids that get a chart of their own, e.g. ["n73-01"] (else one per project)

[mail]
from = ""                  # e.g. "office@bma.example"; empty: no e-mail is written
# reply_to = ""
# digest_to = ""           # who gets the run's digest (default: reply_to, then from)
# smtp_host = "localhost"
# smtp_port = 587
# smtp_security = "starttls"   # starttls, ssl or none
# smtp_user = ""           # the password only ever comes from SHEETSYNC_SMTP_PASSWORD
summary_only = false       # true: e-mails carry only the summary (no marked-up file, no values read)
answers_per_day = 10       # automatic answers to one address within 24 hours (0: no bound); see README

# The mailbox schools send their files to. With a host here, `sheetsync sync` first fetches new
# messages from it (and `sheetsync fetch` does only that). The password is NEVER written here:
# set the environment variable SHEETSYNC_IMAP_PASSWORD. SHEETSYNC_IMAP_* variables override these.
[imap]
# host = "mail.bma.example"
# user = "reports@bma.example"
# security = "ssl"         # ssl (port 993), starttls (port 143), or none (only towards this machine)
# port = 993
# folder = "INBOX"         # the folder read
# done_folder = ""         # move fetched messages here (empty: leave them, marked as fetched)
# cafile = ""              # an organisation's own certificate authority (a .pem file)
# since = 2026-03-01       # only messages received on or after this day
# max_attachment_mb = 10   # a bigger file is refused (the sender is told)
# max_message_mb = 25      # a bigger message is not downloaded (the sender is told)
# max_zip_members = 20
"""
