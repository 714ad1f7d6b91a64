"""Delivering messages: the Mailer protocol, an outbox folder, SMTP, and sending an outbox.

State of an outbox: every ``*.eml`` directly in the folder is waiting to be sent; once the SMTP
server has accepted it, it is moved into ``sent/`` beside it. A failed message stays where it is,
so sending the folder again after a fix sends exactly what was not sent. (A crash between the
server's acceptance and the move would send that one message twice: at-least-once, never lost.)
"""

from __future__ import annotations

import base64
import email
import smtplib
import ssl
from itertools import count
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Iterable, Protocol, Sequence

from ..address import shown_address
from ._headers import OUTGOING, needs_utf8, wire_bytes
from ._intl import send_utf8, smtputf8_needed_by
from ..messages import LANGS, Lang, both, render
from ..check.report import Report
from ..files import FolderNames, replace, save_bytes
from ..roster import safe_filename
from ._compose import NAME_HEADER, Attachment, compose
from ._config import MailConfig
from ..errors import MailError, SendError

SENT_DIR = "sent"


class Mailer(Protocol):
    """Something that takes a finished message: a folder (:class:`OutboxMailer`), an SMTP server
    (:class:`SmtpMailer`), or a fake in tests.

    ``send`` raises :class:`SendError` (with a one-line ``reason``) when the message was not taken.
    """

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` or raise :class:`SendError`."""


class OutboxMailer:
    """Writes each message as ``<name>.eml`` into a folder: the default, and ``--dry-run``.

    The name comes from the message's ``X-Sheetsync-Name`` header (school id and file), made safe
    for every OS; an existing file is never overwritten (``name-2.eml`` …).
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._names = FolderNames(self.folder)  # listed once, at the first message written

    def send(self, message: EmailMessage) -> None:
        """Write ``message`` atomically (temporary file, then rename) into the folder."""
        self.write(message)

    def write(self, message: EmailMessage) -> Path:
        """Like :meth:`send`, returning the path written."""
        data = wire_bytes(message)
        name = str(message.get(NAME_HEADER) or "message")
        try:
            # A dot name that is not *.eml until complete: a half-written file is never taken for a message.
            return save_bytes(self.folder, data, lambda: free_path(self._names, name, ".eml"))
        except OSError as exc:
            raise _refusal("outbox.cannot-write", folder=self.folder, why=exc.strerror or exc, fatal=True) from exc


class SmtpMailer:
    """Sends over SMTP as configured: plain, STARTTLS or SSL, logging in only when a user is set.

    Used as a context manager, one connection (and one login) serves every message; outside a
    ``with`` block each :meth:`send` connects and disconnects.

    Example::

        with SmtpMailer(MailConfig.from_env()) as mailer:
            result = send_outbox("outbox", mailer)
    """

    def __init__(self, config: MailConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None
        self._session = False

    def __enter__(self) -> SmtpMailer:
        self._session = True
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._session = False
        self.close()

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` to every address in To, Cc and Bcc (Bcc itself is not transmitted).

        :raises SendError: the server refused the message or a recipient (``fatal`` when the
            server cannot be reached or the login failed).
        """
        smtp = self._connection()
        try:
            refused = send_utf8(smtp, message, wire_bytes) if needs_utf8(message) else smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refusal("smtp.refused-recipient", addresses=", ".join(map(shown_address, exc.recipients)),
                           refusals=_refusals(exc.recipients)) from exc
        except smtplib.SMTPNotSupportedError as exc:  # a Thai local part, and the server offers no SMTPUTF8
            code, address, school = smtputf8_needed_by(message)
            # The office's own address: every message would fail alike (stop, count the rest).
            raise _refusal(code, fatal=code.endswith("-sender"), address=address, school=school) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise _refusal("smtp.refused-sender", sender=repr(exc.sender), reply=_reply(exc)) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing this connection; the next message reconnects
                self.close()
            raise _refusal("smtp.refused-message", reply=_reply(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # the connection is in an unknown state; the next message reconnects
            raise _refusal("smtp.failed", why=_short(exc)) from exc
        finally:
            if not self._session:
                self.close()
        if refused:
            # Some recipients have it: sending it again would give them a second copy.
            raise _refusal("smtp.partly-refused", addresses=", ".join(map(shown_address, refused)),
                           refusals=_refusals(refused), delivered=True)

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _connect(self) -> smtplib.SMTP:
        cfg, where = self.config, f"{self.config.host}:{self.config.smtp_port}"
        context = _tls_context(cfg.cafile) if cfg.security != "none" else None
        smtp: smtplib.SMTP | None = None
        connected = False
        try:
            if cfg.security == "ssl":
                smtp = smtplib.SMTP_SSL(cfg.host, cfg.smtp_port, timeout=cfg.timeout, context=context)
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.smtp_port, timeout=cfg.timeout)
            if cfg.security == "starttls":
                smtp.starttls(context=context)
            if cfg.user:
                _login(smtp, cfg.user, cfg.password())
            connected = True
            return smtp
        except smtplib.SMTPAuthenticationError as exc:
            raise _refusal("smtp.login", "office.yaml", user=repr(cfg.user), reply=_reply(exc), fatal=True) from exc
        except MailError as exc:  # no password, or one that would travel in clear: Thai first, as every reason
            raise SendError(f"{exc.th} / {exc}" if exc.th else str(exc), fatal=True, th=exc.th, en=str(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise _refusal(_why_not_connected(exc), "office.yaml", where=where, why=_short(exc),
                           seconds=f"{cfg.timeout:g}", fatal=True) from exc
        finally:
            if not connected and smtp is not None:
                smtp.close()


def _tls_context(cafile: str | None) -> ssl.SSLContext:
    """Verifying TLS context: the system's CAs, plus ``cafile`` (an organisation's own CA)."""
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as exc:
        raise _refusal("smtp.cafile", cafile=cafile, why=_short(exc), fatal=True) from exc


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in once, with AUTH PLAIN (RFC 4616, UTF-8) when the server offers it.

    ``smtplib.login`` encodes credentials as ASCII, so it cannot send a Thai password, and after a
    refusal it retries with every other mechanism: several failed logins per attempt.
    """
    smtp.ehlo_or_helo_if_needed()
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        if not (user.isascii() and password.isascii()):
            raise smtplib.SMTPException("the server offers no AUTH PLAIN, needed for a non-ASCII user or password")
        smtp.login(user, password)
        return
    token = base64.b64encode(f"\0{user}\0{password}".encode("utf-8")).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def send_report(report: Report, *, config: MailConfig, to: str | Sequence[str], html: str, text: str,
                attachments: Iterable[Path | Attachment] = (), mailer: Mailer | None = None, lang: Lang = "th",
                school: str | None = None) -> EmailMessage:
    """Compose the message about ``report`` (see :func:`compose`) and hand it to ``mailer``.

    :param mailer: by default an :class:`OutboxMailer` on ``config.outbox``: nothing leaves the
        machine until the outbox is sent (``sheetsync mail OUTBOX --send``).
    :raises MailError: the message cannot be composed; :class:`SendError` when it is not taken.

    Example::

        send_report(report, config=config, to=r.email, school=r.school, html=render_html(report, marked=True),
                    text=render_for_school(report, marked=True), attachments=[marked_up_path])
    """
    message = compose(report, to=to, config=config, html=html, text=text, attachments=attachments, lang=lang,
                      school=school)
    (mailer or OutboxMailer(config.outbox)).send(message)
    return message


@dataclass
class SendResult:
    """What :func:`send_outbox` did: the messages sent (their paths now, in ``sent/``) and those
    that failed, each with a one-line reason."""

    sent: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    #: Messages left waiting, not tried, once the server could not be used (said in one line).
    not_tried: int = 0
    #: The server could not be used (unreachable, login refused): nothing more is tried this run.
    stopped: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def lines(self) -> list[str]:
        """One line per failure: ``"school-01.eml: SMTP server refused: 550 …"``, then how many were not
        tried after the server could not be used."""
        rest = [both("smtp.rest-not-tried", source="mailbox.yaml", count=self.not_tried)] if self.not_tried else []
        return [f"{path.name}: {reason}" for path, reason in self.failed] + rest

    def add(self, other: SendResult) -> None:
        """Take in what ``other`` did (a second pass over the same server)."""
        self.sent += other.sent
        self.failed += other.failed
        self.not_tried += other.not_tried
        self.stopped = self.stopped or other.stopped


def pending(folder: str | Path) -> list[Path]:
    """The messages of an outbox not sent yet (``*.eml`` directly in it), by name.

    :raises MailError: ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise mailbox_error("outbox.missing", folder=folder)
    return sorted(p for p in folder.glob("*.eml") if p.is_file())


def read_message(path: Path) -> EmailMessage:
    """Parse one ``.eml`` file.

    :raises MailError: it cannot be read, or it has no sender or no recipient.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise mailbox_error("outbox.unreadable", name=path.name, why=exc.strerror or exc) from exc
    message = email.message_from_bytes(data, _class=EmailMessage, policy=OUTGOING)
    # smtplib would otherwise invent an envelope ("None") from a hand-edited file.
    if not message["From"] or not any(message[h] for h in ("To", "Cc", "Bcc")):
        raise mailbox_error("outbox.not-a-message", name=path.name)
    return message


def send_outbox(folder: str | Path, mailer: Mailer) -> SendResult:
    """Send every message waiting in ``folder``; move each one sent into ``folder/sent/``.

    A refused message stays in the outbox and its reason is collected; the others are still tried.
    When the server cannot be reached or the login fails, the remaining messages are not tried
    (hundreds of failed logins can lock an account) and are reported with the same reason.
    Sending the folder again sends only what is still there.

    :raises MailError: ``folder`` is not a folder.

    Example::

        with SmtpMailer(MailConfig.from_env()) as mailer:
            result = send_outbox("outbox", mailer)
        print(*result.lines(), sep="\n")
    """
    folder = Path(folder)
    result = SendResult()
    stopped: str | None = None
    sent = FolderNames(folder / SENT_DIR)  # listed once, however many are sent
    for path in pending(folder):
        if stopped is not None:
            result.failed.append((path, stopped))
            continue
        try:
            mailer.send(read_message(path))
        except SendError as exc:
            if exc.delivered:
                result.sent.append(_archive(path, sent))
            result.failed.append((path, exc.reason))
            stopped = _not_tried(exc) if exc.fatal else None
        except MailError as exc:  # a file that is no message: SendResult.lines() adds the name itself
            result.failed.append((path, without_name(exc, path.name)))
        else:
            result.sent.append(_archive(path, sent))
    return result


def free_path(folder: Path | FolderNames, name: str, suffix: str) -> Path:
    """``folder/<safe name><suffix>``, or ``<name>-2<suffix>`` … when that is taken in any case (Windows
    sees ``A.eml`` and ``a.eml`` as one file). Give a :class:`FolderNames` to take several names in one
    folder: it is listed once."""
    names = folder if isinstance(folder, FolderNames) else FolderNames(folder)
    return names.take(safe_filename(name, f"-{n}{suffix}" if n > 1 else suffix) for n in count(1))


def _archive(path: Path, sent: FolderNames) -> Path:
    try:
        sent.folder.mkdir(exist_ok=True)
        target = free_path(sent, path.stem, path.suffix)
        replace(path, target)
    except OSError as exc:
        # Already delivered: say so loudly, since a resend would send it again.
        raise mailbox_error("outbox.not-moved", name=path.name, sent=sent.folder, why=exc.strerror or exc) from exc
    return target


def _refusal(code: str, source: str = "mailbox.yaml", *, fatal: bool = False, delivered: bool = False,
             **params: object) -> SendError:
    """The :class:`SendError` whose reason is ``code`` of ``source``, Thai first then English (the
    clerk reads it in the list of what was not sent)."""
    th, en = (render(code, lang, source=source, **params) for lang in LANGS)
    return SendError(f"{th} / {en}", fatal=fatal, delivered=delivered, th=th, en=en)


def _not_tried(exc: SendError) -> str:
    """The reason of a message not tried after ``exc`` stopped the batch: "not sent" in each half."""
    th, en = (render("smtp.not-tried", lang, source="mailbox.yaml") for lang in LANGS)
    return f"{th}: {exc.th} / {en}: {exc.en}" if exc.th and exc.en else f"{th} / {en}: {exc.reason}"


def mailbox_error(code: str, **params: object) -> MailError:
    """The :class:`MailError` ``code`` of ``mailbox.yaml``, Thai and English (an outbox, its files, a ledger)."""
    return MailError(render(code, "en", source="mailbox.yaml", **params),
                     th=render(code, "th", source="mailbox.yaml", **params))


def without_name(exc: MailError, name: str) -> str:
    """``exc`` said Thai first, without the file ``name`` that starts each half (the line names it once)."""
    en = str(exc).removeprefix(f"{name}: ")
    return f"{exc.th.removeprefix(f'{name}: ')} / {en}" if exc.th else en


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(text.split())}"


def _refusals(recipients: dict[str, tuple[int, bytes]]) -> str:
    # Each address as the clerk finds it in roster.csv: a .ไทย domain in Thai (the server's reply keeps its xn--).
    return "; ".join(f"{shown_address(addr)}: {code} {' '.join(msg.decode('utf-8', 'replace').split())}"
                     for addr, (code, msg) in recipients.items())


def _why_not_connected(exc: BaseException) -> str:
    """The message for a connection that failed: refused, timed out (smtplib reports a greeting
    that never came as "Connection unexpectedly closed: timed out"), or any other reason."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "smtp.refused"
        if isinstance(seen, TimeoutError):
            return "smtp.timeout"
        seen = seen.__cause__ or seen.__context__
    return "smtp.unreachable"


def _short(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror  # "Connection refused", without errno noise
    return " ".join(str(exc).split()) or type(exc).__name__
