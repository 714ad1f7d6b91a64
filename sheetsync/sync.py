"""The monthly loop in one call: inbox → validate → reports (and e-mails) → merge → files set aside.

A file is new when its SHA-256 is not in the master's ledger (every file merged or refused is
recorded there), so running sync twice does nothing the second time, and a school that sends
the same file again is told nothing twice. Processed files move to ``INBOX/processed/``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .batch import Checked, Origins, check_files, note_senders, queue_emails, write_reports
from .mailer import MailConfig, OutboxMailer, SendResult, SmtpMailer, compose_digest, pending, send_outbox
from .master import MergeResult, merge, read_master
from .roster import Recipient

PROCESSED = "processed"


@dataclass
class SyncResult:
    """What one sync did."""

    new: list[Path] = field(default_factory=list)
    already_seen: list[Path] = field(default_factory=list)
    checked: list[Checked] = field(default_factory=list)
    merge: MergeResult | None = None
    queued: list[Path] = field(default_factory=list)
    sent: SendResult | None = None
    moved: list[Path] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes (how the ledger knows a file)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inbox_files(inbox: Path) -> list[Path]:
    """Files waiting in ``inbox`` (not hidden, not in ``processed/``), oldest first."""
    files = [p for p in inbox.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def sync(inbox: Path, master: Path, *, report_dir: Path, config: MailConfig | None = None,
         roster: Iterable[Recipient] = (), send: bool = False, today: dt.date | None = None,
         forms_dirs: Iterable[Path] = (), progress: Callable[[Path], None] | None = None,
         origins: Origins | None = None) -> SyncResult:
    """Process every new file of ``inbox`` into ``master``.

    :param config: when given (and it has a From address), one e-mail per submission plus a
        digest go to its outbox; with ``send`` the outbox is then delivered over SMTP.
    :param progress: called once per file checked (a progress bar).
    :param origins: the message that brought a file, for files fetched from the mailbox
        (:class:`sheetsync.fetch_step.FetchStep`): its report then answers that message's sender
        in the thread, and a sender who is not the school's roster address is a warning.

    Example::

        sync(Path("inbox"), Path("master.xlsx"), report_dir=Path("reports"), config=MailConfig.from_env())
    """
    result = SyncResult()
    seen = {entry.sha256 for entry in read_master(master).ledger} if master.exists() else set()
    for path in inbox_files(inbox):
        (result.already_seen if sha256_of(path) in seen else result.new).append(path)
    if not result.new:
        result.moved = _set_aside(inbox, result.already_seen)
        result.sent = _send(config) if send else None  # replies queued by the fetch, say
        return result
    for path in result.new:
        result.checked += check_files([path], forms_dirs=forms_dirs)
        if progress is not None:
            progress(path)
    recipients = list(roster)
    strangers = note_senders(result.checked, recipients, origins) if origins is not None else []
    write_reports(result.checked, report_dir)
    if config is not None and config.from_addr:
        result.queued = queue_emails(result.checked, config, roster=recipients, origins=origins)
        digest = compose_digest([c.result for c in result.checked], recipients, config, strangers=strangers)
        result.queued.append(OutboxMailer(config.outbox).write(digest))
    result.merge = merge(result.new, master, today=today, forms_dirs=tuple(forms_dirs))
    result.moved = _set_aside(inbox, result.new + result.already_seen)
    result.sent = _send(config) if send else None
    return result


def _send(config: MailConfig | None) -> SendResult | None:
    """Deliver the outbox, when it holds anything."""
    if config is None or not config.outbox.is_dir() or not pending(config.outbox):
        return None
    with SmtpMailer(config) as mailer:
        return send_outbox(config.outbox, mailer)


def _set_aside(inbox: Path, paths: list[Path]) -> list[Path]:
    """Move processed files into ``inbox/processed/`` without overwriting an earlier one."""
    target = inbox / PROCESSED
    target.mkdir(exist_ok=True)
    moved = []
    for path in paths:
        dest, n = target / path.name, 2
        while dest.exists():
            dest, n = target / f"{path.stem}-{n}{path.suffix}", n + 1
        os.replace(path, dest)
        moved.append(dest)
    return moved
