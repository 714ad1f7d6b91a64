"""Where returned files are fetched from: the IMAP configuration, read from the environment."""

from __future__ import annotations

import datetime as dt
import os
import ssl
from dataclasses import dataclass
from typing import Literal, Mapping, cast

from ..errors import MailError
from ..limits import MAX_RETURN_SIZE, MAX_RETURNS_SIZE, MAX_ZIP_MEMBERS
from ..messages import both, render
from ..thaidates import settings_day
from ..zipped import ZipLimits
from ._config import _service_error, env_choice, env_number, env_port, mail_error, password_from_env

ImapSecurity = Literal["ssl", "starttls", "none"]
IMAP_SECURITIES: tuple[ImapSecurity, ...] = ("ssl", "starttls", "none")
IMAP_PORTS: dict[ImapSecurity, int] = {"ssl": 993, "starttls": 143, "none": 143}
MB = 1024 * 1024
_TABLE_KEYS = frozenset({"host", "port", "user", "security", "folder", "done_folder", "cafile", "since", "timeout",
                         "max_attachment_mb", "max_message_mb", "max_zip_members"})
#: What each key of ``[imap]`` looks like, for the message saying a value is wrong.
_EXAMPLES = {"host": "mail.bma.example", "user": "reports@bma.example", "folder": "INBOX", "done_folder": "Done",
             "cafile": "ca.pem", "security": "ssl", "port": "993", "timeout": "60", "max_attachment_mb": "10",
             "max_message_mb": "25", "max_zip_members": "20"}


@dataclass(frozen=True)
class ImapConfig:
    """The mailbox schools send their files to, and the limits on what is taken from it.

    The password is never stored here: it is read, only when logging in, from the environment
    variable named by ``password_env`` (``SHEETSYNC_IMAP_PASSWORD``). TLS is the default
    (``ssl``: IMAPS on 993); ``starttls`` upgrades port 143; ``none`` sends everything in clear
    and is only accepted towards this machine (127.0.0.1 / localhost).

    :param folder: the folder read (``INBOX``).
    :param done_folder: when set, each fetched message is moved there; otherwise it stays and is
        marked with the keyword ``$SheetsyncFetched``.
    :param max_attachment: bytes one spreadsheet (or one member of a .zip) may have.
    :param max_message: bytes one whole message may have; a bigger one is not downloaded.
    :param max_zip_members: entries a .zip may hold; a zip with more is refused whole.
    :param since: only messages the server received on or after this day are looked at (so a
        mailbox with years of mail is not answered the day sheetsync starts reading it).
    """

    host: str = ""
    port: int | None = None
    security: ImapSecurity = "ssl"
    user: str = ""
    password_env: str = "SHEETSYNC_IMAP_PASSWORD"
    folder: str = "INBOX"
    done_folder: str | None = None
    timeout: float = 60.0
    cafile: str | None = None
    max_attachment: int = MAX_RETURN_SIZE
    max_message: int = MAX_RETURNS_SIZE
    max_zip_members: int = MAX_ZIP_MEMBERS
    since: dt.date | None = None

    def __post_init__(self) -> None:
        if self.security not in IMAP_SECURITIES:
            raise _service_error("mail.security", "IMAP", value=repr(self.security),
                                 choices=", ".join(IMAP_SECURITIES))
        if self.port is not None and not 0 < self.port < 65536:
            raise _service_error("mail.port", "IMAP", port=self.port)
        if min(self.max_attachment, self.max_message, self.max_zip_members) <= 0:
            raise mail_error("mail.limits")

    @property
    def zip_limits(self) -> ZipLimits:
        """What one attached .zip may bring (its members, each spreadsheet, all of them)."""
        return ZipLimits(self.max_zip_members, self.max_attachment, self.max_message)

    @property
    def configured(self) -> bool:
        """True when a mailbox is named (``SHEETSYNC_IMAP_HOST`` is set)."""
        return bool(self.host)

    @property
    def imap_port(self) -> int:
        """The port to connect to: ``port``, or the usual one for ``security``."""
        return self.port if self.port is not None else IMAP_PORTS[self.security]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, base: ImapConfig | None = None) -> ImapConfig:
        """The configuration from ``SHEETSYNC_IMAP_HOST``, ``_PORT``, ``_USER``, ``_SECURITY``
        (ssl, starttls or none), ``_FOLDER``, ``_DONE_FOLDER``, ``_CAFILE``, ``_TIMEOUT``,
        ``_MAX_ATTACHMENT_MB`` (10), ``_MAX_MESSAGE_MB`` (25), ``_SINCE`` (a day, 2026-03-01);
        the password is read later from
        ``SHEETSYNC_IMAP_PASSWORD``.

        :param base: the values a variable that is not set leaves as they are (the office's
            ``[imap]`` section); default: the built-in ones.

        :raises MailError: a number or the security value is wrong.

        Example::

            imap = ImapConfig.from_env()
            if imap.configured:
                fetch(imap, Path("inbox"), JsonlLedger(Path("inbox")))
        """
        env = os.environ if environ is None else environ
        base = base or cls()

        def get(name: str) -> str | None:
            return env.get(f"SHEETSYNC_IMAP_{name}", "").strip() or None

        port = env_port("SHEETSYNC_IMAP_PORT", get("PORT"), example=993)
        since = get("SINCE")
        try:
            day = settings_day(since) if since else base.since  # 2569-12-01 (B.E.) as well
        except ValueError as exc:
            raise mail_error("env.date", name="SHEETSYNC_IMAP_SINCE", value=repr(since)) from exc
        attachment = env_number("SHEETSYNC_IMAP_MAX_ATTACHMENT_MB", get("MAX_ATTACHMENT_MB"), example=10)
        message = env_number("SHEETSYNC_IMAP_MAX_MESSAGE_MB", get("MAX_MESSAGE_MB"), example=25)
        security = env_choice("SHEETSYNC_IMAP_SECURITY", get("SECURITY"), IMAP_SECURITIES, "IMAP") \
            if get("SECURITY") else base.security
        return cls(host=get("HOST") or base.host, port=port if port is not None else base.port,
                   security=cast(ImapSecurity, security),
                   user=get("USER") or base.user, password_env=base.password_env,
                   folder=get("FOLDER") or base.folder, done_folder=get("DONE_FOLDER") or base.done_folder,
                   cafile=get("CAFILE") or base.cafile,
                   timeout=env_number("SHEETSYNC_IMAP_TIMEOUT", get("TIMEOUT"), example=60) or base.timeout,
                   max_attachment=int(attachment * MB) if attachment else base.max_attachment,
                   max_message=int(message * MB) if message else base.max_message,
                   max_zip_members=base.max_zip_members, since=day)

    @classmethod
    def from_table(cls, table: Mapping[str, object], where: str) -> ImapConfig:
        """The configuration from the office's ``[imap]`` section (``host``, ``port``, ``user``,
        ``security``, ``folder``, ``done_folder``, ``cafile``, ``since``, ``timeout``,
        ``max_attachment_mb``, ``max_message_mb``, ``max_zip_members``).

        :param where: the file, named in every message.
        :raises MailError: an unknown key, a wrong value, or a password (it never belongs in a file).
        """
        def wrong(code: str, key: str = "", **params: object) -> MailError:
            shown = repr(table.get(key))
            return MailError(both(code, source="settings.yaml", config=where, key=f"[imap] {key}", name=key,
                                  value=shown if len(shown) <= 60 else shown[:59] + "…", **params))

        secret = next((str(key) for key in table if "password" in str(key).lower()), None)
        if secret is not None:
            raise wrong("settings.imap-password", secret)
        unknown = sorted(set(table) - _TABLE_KEYS)
        if unknown:
            known = ", ".join(sorted(_TABLE_KEYS))
            raise MailError(f"{render('settings.unknown', 'th', source='settings.yaml', config=where, key=unknown[0], section='หัวข้อ [imap]', known=known)}"
                            f" / {render('settings.unknown', 'en', source='settings.yaml', config=where, key=unknown[0], where='[imap]', known=known)}")

        def text(key: str) -> str | None:
            value = table.get(key)
            if value is None or value == "":
                return None
            if not isinstance(value, str):
                raise wrong("settings.text", key, example=_EXAMPLES.get(key, ""))
            return value.strip() or None

        def number(key: str) -> float | None:
            value = table.get(key)
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise wrong("settings.positive", key, example=_EXAMPLES.get(key, ""))
            return float(value)

        since = table.get("since")
        if since in ("", None) or (isinstance(since, str) and not since.strip()):
            since = None
        elif isinstance(since, str) or (isinstance(since, dt.date) and not isinstance(since, dt.datetime)):
            try:  # a Thai office writes the day it set up in B.E. (2569-12-01): read as 2569 C.E., no mail was ever new enough
                since = settings_day(since)
            except ValueError as exc:
                raise wrong("settings.since", "since") from exc
        else:
            raise wrong("settings.since", "since")
        port, timeout = number("port"), number("timeout")
        if port is not None and not (port.is_integer() and port < 65536):
            raise wrong("settings.port", "port", example=993)
        security = (text("security") or "ssl").lower()
        if security not in IMAP_SECURITIES:
            raise wrong("settings.choice", "security", choices=", ".join(IMAP_SECURITIES))
        attachment, message, members = number("max_attachment_mb"), number("max_message_mb"), number("max_zip_members")
        return cls(host=text("host") or "", port=int(port) if port is not None else None,
                   security=security, user=text("user") or "",
                   folder=text("folder") or "INBOX", done_folder=text("done_folder"), cafile=text("cafile"),
                   timeout=timeout or 60.0,
                   max_attachment=int(attachment * MB) if attachment else MAX_RETURN_SIZE,
                   max_message=int(message * MB) if message else MAX_RETURNS_SIZE,
                   max_zip_members=int(members) if members else MAX_ZIP_MEMBERS, since=since)

    def password(self, environ: Mapping[str, str] | None = None) -> str:
        """The IMAP password, from the environment variable ``password_env``.

        :raises MailError: no user, the variable is not set, or it would travel unencrypted to
            another machine.
        """
        if not self.user:
            raise mail_error("imap.no-user")
        return password_from_env("IMAP", self.host, self.security, self.user, self.password_env, environ)

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying TLS context (the system's authorities, plus ``cafile`` when given).

        :raises MailError: ``cafile`` cannot be read.
        """
        try:
            return ssl.create_default_context(cafile=self.cafile)
        except (OSError, ssl.SSLError) as exc:
            raise mail_error("imap.cafile", cafile=self.cafile, why=exc) from exc
