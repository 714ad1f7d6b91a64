"""A batch of returned files: check each, write its reports, queue its e-mail.

Per submission, ``write_reports`` writes ``<name>.txt``, ``<name>.html``, ``<name>.json`` and the
marked-up file ``<name>-ตรวจแล้ว.<xlsx|ods>``; per batch, ``summary.xlsx`` and ``summary.csv``.
``queue_emails`` puts one ``.eml`` per readable submission in the outbox (nothing is sent until
the outbox is sent).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import NotOurFormError, UnknownFormError, UnreadableFileError
from .spec.form import Form
from .mailer import MailConfig, OutboxMailer, Thread, compose
from .mailer._answer import address_report, sender_finding
from .mailer._reply import compose_unreadable_reply
from .template.markup import write_marked_up
from .messages import Lang
from .check.reader import Filled, read_filled
from .render import render_text, report_dict
from .render.html import render_html
from .render.summary import write_summary_csv, write_summary_xlsx
from .check.report import Report
from .roster import Recipient, safe_filename
from .template.write import write_atomically
from .check.validate import validate

Origins = Callable[[Path], Thread | None]  # the message that brought a file, if it came by mail
BAD_INPUT = (UnreadableFileError, NotOurFormError, UnknownFormError)
MARKED_SUFFIX = "-ตรวจแล้ว"


@dataclass
class Checked:
    """One file of the batch: its report, or why it could not be read."""

    path: Path
    filled: Filled | None = None
    report: Report | None = None
    error: str | None = None
    outputs: list[Path] = field(default_factory=list)

    @property
    def result(self) -> Report | tuple[str, str]:
        """What renderers take: the report, or ``(file, error)``."""
        return self.report if self.report is not None else (str(self.path), self.error or "")


def check_files(paths: Iterable[Path], *, form: Form | None = None, forms_dirs: Iterable[Path] = ()) -> list[Checked]:
    """Read and validate each file; an unreadable one is kept with its one-line reason."""
    checked = []
    for path in paths:
        try:
            filled = read_filled(path, form=form, forms_dirs=forms_dirs)
        except BAD_INPUT as exc:
            checked.append(Checked(Path(path), error=str(exc)))
            continue
        checked.append(Checked(Path(path), filled, validate(filled)))
    return checked


def write_reports(checked: list[Checked], out_dir: Path, lang: Lang = "th") -> list[Path]:
    """Write every submission's reports and the batch summary into ``out_dir``; return all paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    for item in checked:
        if item.filled is None or item.report is None:
            continue
        stem = _unique(safe_filename(item.path.stem), taken)
        item.outputs = _write_one(item.filled, item.report, out_dir, stem, lang)
        written += item.outputs
    for name, write in (("summary.xlsx", write_summary_xlsx), ("summary.csv", write_summary_csv)):
        write([c.result for c in checked], out_dir / name, lang)
        written.append(out_dir / name)
    return written


def _write_one(filled: Filled, report: Report, out_dir: Path, stem: str, lang: Lang) -> list[Path]:
    text = out_dir / f"{stem}.txt"
    html = out_dir / f"{stem}.html"
    data = out_dir / f"{stem}.json"
    write_atomically(text, lambda tmp: tmp.write_text(render_text(report, lang) + "\n", encoding="utf-8"))
    write_atomically(html, lambda tmp: tmp.write_text(render_html(report, form=filled.form), encoding="utf-8"))
    body = json.dumps(report_dict(report, lang), ensure_ascii=False, indent=2, default=str, allow_nan=False)
    write_atomically(data, lambda tmp: tmp.write_text(body + "\n", encoding="utf-8"))
    fmt = filled.fmt if filled.fmt in ("xlsx", "ods") else "xlsx"
    marked = out_dir / f"{stem}{MARKED_SUFFIX}.{fmt}"
    write_marked_up(filled, report, marked)
    return [text, html, data, marked]


def queue_emails(checked: list[Checked], config: MailConfig, *, roster: Iterable[Recipient] = (),
                 to: str | None = None, lang: Lang = "th", origins: Origins | None = None) -> list[Path]:
    """One message per reported submission into ``config.outbox``; returns the .eml paths.

    The address comes from ``to`` if given; else, for a file that came by mail (``origins``
    knows the message that brought it), the reply goes to its sender in that thread, copied to
    the roster's address; else to the roster entry of the file's recipient. A mailed file that
    cannot be read is answered too, saying why. Submissions with no address are skipped (they
    are named in the batch summary anyway).
    """
    people = list(roster)
    outbox = OutboxMailer(config.outbox)
    queued = []
    for item in checked:
        origin = origins(item.path) if origins else None
        if item.error is not None and origin is not None and origin.sender and not to:
            # A mailed file we cannot read: its sender still hears why, in the thread.
            reason = item.error.removeprefix(f"{item.path.name}: ")
            queued.append(outbox.write(compose_unreadable_reply(origin, item.path.name, reason, config)))
            continue
        if item.report is None or item.filled is None or not item.outputs:
            continue
        plan = address_report(item.report, people, origin, to)
        if plan is None:
            continue
        message = compose(item.report, to=plan.to, config=config, lang=lang,
                          html=render_html(item.report, form=item.filled.form),
                          text=render_text(item.report, lang), attachments=[item.outputs[-1]],
                          school=plan.school, thread=plan.thread, cc=plan.cc)
        queued.append(outbox.write(message))
    return queued


def note_senders(checked: list[Checked], roster: Iterable[Recipient], origins: Origins) -> list[tuple[str, str]]:
    """For files that came by mail: add a warning to each report whose sender is not the roster's
    address for the school the file names; return ``(sender, file)`` for every sender who is on
    no roster line (the digest tells the office)."""
    people = list(roster)
    known = {a.lower() for r in people for a in r.emails}
    strangers = []
    for item in checked:
        origin = origins(item.path)
        if origin is None:
            continue
        if item.report is not None:
            finding = sender_finding(item.report, people, origin)
            if finding is not None:
                item.report.findings.append(finding)
        if origin.sender and origin.sender.lower() not in known:
            strangers.append((origin.sender, item.path.name))
    return strangers


def _unique(stem: str, taken: set[str]) -> str:
    name, n = stem, 2
    while name in taken:
        name, n = f"{stem}-{n}", n + 1
    taken.add(name)
    return name
