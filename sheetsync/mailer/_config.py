"""Mail configuration and the exceptions of the mail package."""

from __future__ import annotations

import ipaddress
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Mapping, cast

from ..errors import MailError
from ..messages import render

Security = Literal["starttls", "ssl", "none"]
SECURITIES: tuple[Security, ...] = ("starttls", "ssl", "none")
DEFAULT_PORTS: dict[Security, int] = {"starttls": 587, "ssl": 465, "none": 25}
SOURCE = "mailbox.yaml"  # what the clerk is told when the mail settings or servers cannot be used
#: Automatic answers to one address within 24 hours, by default (``[mail] answers_per_day``).
ANSWERS_PER_DAY = 10


@dataclass(frozen=True)
class MailConfig:
    """Who mail comes from and how it is delivered.

    The SMTP password is never stored here: it is read, only when logging in, from the environment
    variable named by ``password_env``. ``port`` defaults to 587 (starttls), 465 (ssl) or 25 (none).
    ``cafile`` adds a certificate authority to trust (an organisation's own CA).
    ``summary_only`` (privacy) keeps the marked-up file and the values read out of every mail:
    the school is told how many items to fix and in which cells.
    ``office_name`` (an office's ``name``) signs every mail and names the sender when ``from_addr``
    has no name of its own.
    ``answers_per_day`` bounds the automatic answers to one address within 24 hours (RFC 3834 §2:
    a robot that mails back what it gets, saying nothing of being one, must not be answered for
    ever); 0 sets no bound. The office's store keeps the count (:mod:`sheetsync.office.answered`).
    """

    from_addr: str = ""
    reply_to: str | None = None
    host: str = "localhost"
    port: int | None = None
    security: Security = "starttls"
    user: str | None = None
    password_env: str = "SHEETSYNC_SMTP_PASSWORD"
    timeout: float = 30.0
    cafile: str | None = None
    digest_to: str | None = None
    outbox: Path = Path("outbox")
    summary_only: bool = False
    office_name: str = ""
    answers_per_day: int = ANSWERS_PER_DAY

    def __post_init__(self) -> None:
        if self.security not in SECURITIES:
            raise _service_error("mail.security", "SMTP", value=repr(self.security), choices=", ".join(SECURITIES))
        if self.port is not None and not 0 < self.port < 65536:
            raise _service_error("mail.port", "SMTP", port=self.port)
        if isinstance(self.answers_per_day, bool) or not isinstance(self.answers_per_day, int) \
                or self.answers_per_day < 0:
            raise mail_error("mail.answers-per-day", value=repr(self.answers_per_day))

    @property
    def smtp_port(self) -> int:
        """The port to connect to: ``port``, or the usual one for ``security``."""
        return self.port if self.port is not None else DEFAULT_PORTS[self.security]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MailConfig:
        """The configuration from environment variables.

        ``SHEETSYNC_MAIL_FROM`` (needed to compose, not to send an outbox), ``SHEETSYNC_MAIL_REPLY_TO``,
        ``SHEETSYNC_MAIL_DIGEST_TO``,
        ``SHEETSYNC_MAIL_OUTBOX``, ``SHEETSYNC_SMTP_HOST``, ``SHEETSYNC_SMTP_PORT``,
        ``SHEETSYNC_SMTP_SECURITY`` (starttls, ssl or none), ``SHEETSYNC_SMTP_USER``,
        ``SHEETSYNC_SMTP_TIMEOUT``, ``SHEETSYNC_SMTP_CAFILE``, ``SHEETSYNC_MAIL_SUMMARY_ONLY``
        (1/yes/true: no attachment, no data in the body), ``SHEETSYNC_MAIL_ANSWERS_PER_DAY`` (automatic
        answers to one address within 24 hours; 0: no bound); the password is read later from
        ``SHEETSYNC_SMTP_PASSWORD``.

        :raises MailError: a number or the security value is wrong.

        Example::

            config = MailConfig.from_env()
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(name, "").strip() or None

        return cls(from_addr=get("SHEETSYNC_MAIL_FROM") or "", reply_to=get("SHEETSYNC_MAIL_REPLY_TO"),
                   host=get("SHEETSYNC_SMTP_HOST") or "localhost",
                   port=env_port("SHEETSYNC_SMTP_PORT", get("SHEETSYNC_SMTP_PORT"), example=587),
                   security=cast(Security, env_choice("SHEETSYNC_SMTP_SECURITY", get("SHEETSYNC_SMTP_SECURITY"),
                                                      SECURITIES, "SMTP")),
                   user=get("SHEETSYNC_SMTP_USER"),
                   timeout=env_number("SHEETSYNC_SMTP_TIMEOUT", get("SHEETSYNC_SMTP_TIMEOUT"), example=30) or 30.0,
                   cafile=get("SHEETSYNC_SMTP_CAFILE"), digest_to=get("SHEETSYNC_MAIL_DIGEST_TO"),
                   outbox=Path(get("SHEETSYNC_MAIL_OUTBOX") or "outbox"),
                   summary_only=_flag("SHEETSYNC_MAIL_SUMMARY_ONLY", get("SHEETSYNC_MAIL_SUMMARY_ONLY")),
                   answers_per_day=_count("SHEETSYNC_MAIL_ANSWERS_PER_DAY", get("SHEETSYNC_MAIL_ANSWERS_PER_DAY")))

    def updated(self, *, host: str | None = None, port: int | None = None, security: str | None = None,
                user: str | None = None) -> MailConfig:
        """A copy with these settings changed; ``None`` keeps the current one (command-line options
        over the environment).

        :raises MailError: ``security`` or ``port`` is not valid.
        """
        return replace(self, host=host or self.host, port=self.port if port is None else port,
                       security=cast(Security, security or self.security), user=user or self.user)

    def check_sender(self) -> None:
        """Check there is a sender, and that each of the office's addresses is one, before anything is
        written for the mail (a typo found at the first e-mail stopped a run that had taken files).

        :raises MailError: no sender (``[mail] from``, ``SHEETSYNC_MAIL_FROM``), or one that is no
            address (a Thai name and the address without ``<>``: the clerk's first try), or a
            ``reply_to`` / ``digest_to`` that is none, Thai first, naming the setting.
        """
        from ..messages import both
        from ._headers import one_line, parse_addresses

        if not self.from_addr:
            raise MailError(both("error.no-sender"))
        try:
            parse_addresses(self.from_addr, what="sender-settings")
        except MailError as exc:
            raise MailError(both("error.bad-sender", sender=one_line(self.from_addr, 60), why=exc,
                                 why_th=exc.th or exc)) from exc
        for key, value in (("reply_to", self.reply_to), ("digest_to", self.digest_to)):
            try:
                if value:
                    parse_addresses(value, what=key)
            except MailError as exc:
                raise MailError(both("error.bad-office-address", key=key, value=repr(one_line(value or "", 60)),
                                     env=f"SHEETSYNC_MAIL_{key.upper()}")) from exc

    def password(self, environ: Mapping[str, str] | None = None) -> str:
        """The SMTP password, from the environment variable ``password_env``.

        :raises MailError: the variable is not set, or it would travel unencrypted to another host.
        """
        return password_from_env("SMTP", self.host, self.security, self.user, self.password_env, environ)


def env_number(name: str, text: str | None, *, example: object) -> float | None:
    """The number the environment variable ``name`` holds (``text``), None when it is not set (0, as
    it always was, also means "the usual value").

    :raises MailError: it is not a number, or is below 0 or endless (a time, a size): Thai first,
        naming the variable, its value and ``example``."""
    if text is None:
        return None
    number = _env_float(name, text, example)
    if not (math.isfinite(number) and number >= 0):  # -1 or "nan" stopped a send with a traceback
        raise mail_error("env.positive", name=name, value=repr(text), example=example)
    return number or None


def env_port(name: str, text: str | None, *, example: int) -> int | None:
    """The port the environment variable ``name`` holds (``text``), None when it is not set.

    :raises MailError: it is not a whole number from 1 to 65535 (naming the variable)."""
    if text is None:
        return None
    number = _env_float(name, text, example)
    if not number.is_integer():
        raise mail_error("env.whole", name=name, value=repr(text), example=example)
    if not 0 < number < 65536:
        raise mail_error("env.port", name=name, value=repr(text), example=example)
    return int(number)


def _env_float(name: str, text: str, example: object) -> float:
    """``text``, the value of the environment variable ``name``, as a number (refused naming both)."""
    try:
        return float(text)
    except ValueError as exc:
        raise mail_error("env.number", name=name, value=repr(text), example=example) from exc


def env_choice(name: str, text: str | None, choices: tuple[str, ...], service: str) -> str:
    """The value of the environment variable ``name`` (``text``), lower-cased, one of ``choices``
    (the first when it is not set).

    :raises MailError: it is none of them (naming the variable and the choices)."""
    value = (text or choices[0]).lower()
    if value not in choices:
        raise mail_error("env.choice", name=name, value=repr(text), choices=", ".join(choices), service=service)
    return value


def _flag(name: str, text: str | None) -> bool:
    if text is None:
        return False
    if text.lower() in ("1", "yes", "true", "on"):
        return True
    if text.lower() in ("0", "no", "false", "off"):
        return False
    raise mail_error("env.flag", name=name, value=repr(text))


def _count(name: str, text: str | None) -> int:
    if text is None:
        return ANSWERS_PER_DAY
    try:
        number = float(text)
    except ValueError as exc:
        raise mail_error("env.number", name=name, value=repr(text), example=ANSWERS_PER_DAY) from exc
    if not number.is_integer() or number < 0:
        raise mail_error("env.count", name=name, value=repr(text), example=ANSWERS_PER_DAY)
    return int(number)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def password_from_env(service: str, host: str, security: str, user: str | None, variable: str,
                      environ: Mapping[str, str] | None = None) -> str:
    """A mail server's password, only ever from the environment variable ``variable`` (never a
    flag, never a file), and never sent unencrypted to another machine.

    :param service: ``"SMTP"`` or ``"IMAP"``, as the messages name it.
    :raises MailError: the variable is not set, or ``security`` is ``none`` towards another host.
    """
    service_th = render(f"mail.service.{service}", "th", source=SOURCE)
    if security == "none" and not _is_loopback(host):
        raise mail_error("mail.cleartext", service=service, service_th=service_th, host=host)
    value = (os.environ if environ is None else environ).get(variable)
    if not value:
        raise mail_error("mail.no-password", service=service, service_th=service_th, user=repr(user), variable=variable)
    return value


def _service_error(code: str, service: str, **params: object) -> MailError:
    """As :func:`mail_error`, for a message naming the mail server ``service`` ("SMTP", "IMAP")."""
    return mail_error(code, service=service, service_th=render(f"mail.service.{service}", "th", source=SOURCE),
                      **params)


def mail_error(code: str, **params: object) -> MailError:
    """The :class:`MailError` ``code`` of ``mailbox.yaml``: English as its text, Thai as its ``th``."""
    return MailError(render(code, "en", source=SOURCE, **params), th=render(code, "th", source=SOURCE, **params))
