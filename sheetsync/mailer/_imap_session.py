"""The IMAP conversation itself, for :mod:`._imap`: connect and log in, select the folder, mark a
message done, close; and an error said in one line that never shows the password."""

from __future__ import annotations

import imaplib
import re
import ssl
from typing import Any

from imapclient import IMAPClient

from ..errors import MailError
from ._config import mail_error
from ._headers import one_line
from ._imap_config import ImapConfig

IMAP_ERRORS = (OSError, ssl.SSLError, imaplib.IMAP4.error)

__all__ = ["IMAP_ERRORS", "clean", "close", "connect", "mark_done", "select"]


def connect(config: ImapConfig, password: str) -> IMAPClient:
    context = config.ssl_context() if config.security != "none" else None
    where = f"{config.host}:{config.imap_port}"
    try:
        client = IMAPClient(config.host, port=config.imap_port, ssl=config.security == "ssl", ssl_context=context,
                            timeout=config.timeout)
    except IMAP_ERRORS as exc:
        raise mail_error("imap.unreachable", where=where, why=clean(exc, password)) from exc
    try:
        if config.security == "starttls":
            if not client.has_capability("STARTTLS"):
                raise mail_error("imap.no-starttls", where=where)
            client.starttls(context)
        client.login(config.user, password)
    except IMAP_ERRORS as exc:
        close(client)
        raise mail_error("imap.login", user=repr(config.user), where=where, why=clean(exc, password)) from exc
    except MailError:
        close(client)
        raise
    return client


def select(client: IMAPClient, folder: str) -> tuple[bytes, ...]:
    try:
        info: dict[bytes, Any] = client.select_folder(folder)
    except imaplib.IMAP4.error as exc:
        raise mail_error("imap.folder", folder=repr(folder), why=one_line(str(exc))) from exc
    return tuple(info.get(b"PERMANENTFLAGS", ()))


def mark_done(client: IMAPClient, uid: int, mark: str | None, done_folder: str | None) -> None:
    if mark:
        client.add_flags([uid], [mark], silent=True)
    if not done_folder:
        return
    if not client.folder_exists(done_folder):
        client.create_folder(done_folder)
    if client.has_capability("MOVE"):
        client.move([uid], done_folder)
    else:
        client.copy([uid], done_folder)
        client.delete_messages([uid], silent=True)
        client.uid_expunge([uid])


def clean(exc: BaseException, password: str) -> str:
    """One line about ``exc`` that can never show the password."""
    text = one_line(said(exc))
    return text.replace(password, "***") if password else text


def said(exc: BaseException) -> str:
    """What ``exc`` says: a server's reply as its text, not as Python spells bytes (IMAPClient's
    ``LoginError`` carries ``str(b'[AUTHENTICATIONFAILED] …')``, which the clerk would read)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc) or type(exc).__name__
    if re.fullmatch(r"b'[^'\\]*'|b\"[^\"\\]*\"", text):  # a plain bytes literal, nothing escaped inside
        return text[2:-1]
    return text


def close(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except IMAP_ERRORS:
        pass
