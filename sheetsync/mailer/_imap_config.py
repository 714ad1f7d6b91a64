"""Where returned files are fetched from: the IMAP configuration, read from the environment."""

from __future__ import annotations

import datetime as dt
import os
import ssl
from dataclasses import dataclass
from typing import Literal, Mapping, cast

from ..errors import MailError
from ._config import _is_loopback, _number

ImapSecurity = Literal["ssl", "starttls", "none"]
IMAP_SECURITIES: tuple[ImapSecurity, ...] = ("ssl", "starttls", "none")
IMAP_PORTS: dict[ImapSecurity, int] = {"ssl": 993, "starttls": 143, "none": 143}
MB = 1024 * 1024


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
    max_attachment: int = 10 * MB
    max_message: int = 25 * MB
    max_zip_members: int = 20
    since: dt.date | None = None

    def __post_init__(self) -> None:
        if self.security not in IMAP_SECURITIES:
            raise MailError(f"unknown IMAP security {self.security!r}: use one of {', '.join(IMAP_SECURITIES)}")
        if self.port is not None and not 0 < self.port < 65536:
            raise MailError(f"IMAP port {self.port} is out of range")
        if min(self.max_attachment, self.max_message, self.max_zip_members) <= 0:
            raise MailError("IMAP size limits must be positive")

    @property
    def configured(self) -> bool:
        """True when a mailbox is named (``SHEETSYNC_IMAP_HOST`` is set)."""
        return bool(self.host)

    @property
    def imap_port(self) -> int:
        """The port to connect to: ``port``, or the usual one for ``security``."""
        return self.port if self.port is not None else IMAP_PORTS[self.security]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ImapConfig:
        """The configuration from ``SHEETSYNC_IMAP_HOST``, ``_PORT``, ``_USER``, ``_SECURITY``
        (ssl, starttls or none), ``_FOLDER``, ``_DONE_FOLDER``, ``_CAFILE``, ``_TIMEOUT``,
        ``_MAX_ATTACHMENT_MB`` (10), ``_MAX_MESSAGE_MB`` (25), ``_SINCE`` (a day, 2026-03-01);
        the password is read later from
        ``SHEETSYNC_IMAP_PASSWORD``.

        :raises MailError: a number or the security value is wrong.

        Example::

            imap = ImapConfig.from_env()
            if imap.configured:
                fetch(imap, Path("inbox"), JsonlLedger(Path("inbox")))
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(f"SHEETSYNC_IMAP_{name}", "").strip() or None

        port = _number("SHEETSYNC_IMAP_PORT", get("PORT"))
        if port is not None and not port.is_integer():
            raise MailError(f"SHEETSYNC_IMAP_PORT={get('PORT')!r} is not a whole number")
        since = get("SINCE")
        try:
            day = dt.date.fromisoformat(since) if since else None
        except ValueError as exc:
            raise MailError(f"SHEETSYNC_IMAP_SINCE={since!r} is not a date such as 2026-03-01") from exc
        attachment = _number("SHEETSYNC_IMAP_MAX_ATTACHMENT_MB", get("MAX_ATTACHMENT_MB")) or 10
        message = _number("SHEETSYNC_IMAP_MAX_MESSAGE_MB", get("MAX_MESSAGE_MB")) or 25
        return cls(host=get("HOST") or "", port=None if port is None else int(port),
                   security=cast(ImapSecurity, (get("SECURITY") or "ssl").lower()), user=get("USER") or "",
                   folder=get("FOLDER") or "INBOX", done_folder=get("DONE_FOLDER"), cafile=get("CAFILE"),
                   timeout=_number("SHEETSYNC_IMAP_TIMEOUT", get("TIMEOUT")) or 60.0,
                   max_attachment=int(attachment * MB), max_message=int(message * MB), since=day)

    def password(self, environ: Mapping[str, str] | None = None) -> str:
        """The IMAP password, from the environment variable ``password_env``.

        :raises MailError: no user, the variable is not set, or it would travel unencrypted to
            another machine.
        """
        if not self.user:
            raise MailError("SHEETSYNC_IMAP_USER is not set: say which mailbox to log in to")
        if self.security == "none" and not _is_loopback(self.host):
            raise MailError(f"refusing to send the IMAP password unencrypted to {self.host}: "
                            "use SHEETSYNC_IMAP_SECURITY=ssl or starttls")
        value = (os.environ if environ is None else environ).get(self.password_env)
        if not value:
            raise MailError(f"IMAP user {self.user!r} is set but {self.password_env} is not: "
                            "put the password in that environment variable")
        return value

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying TLS context (the system's authorities, plus ``cafile`` when given).

        :raises MailError: ``cafile`` cannot be read.
        """
        try:
            return ssl.create_default_context(cafile=self.cafile)
        except (OSError, ssl.SSLError) as exc:
            raise MailError(f"SHEETSYNC_IMAP_CAFILE {self.cafile}: cannot be used ({exc})") from exc
