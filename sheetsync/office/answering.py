"""A returned file's answer: its reports written in the office's folder and its e-mail composed
(:func:`sheetsync.sync.sync` records both with the file's outcome, in one transaction)."""

from __future__ import annotations

import logging
from functools import partial
from email.message import EmailMessage
from pathlib import Path
from typing import Callable, Collection, Iterator, Mapping

from ..batch import MARKED_SUFFIX, message_for, write_report
from ..errors import OutputError
from ..files import unique_name
from ..limits import MAX_ANSWER_SIZE
from ..mailer import (MailConfig, MailError, Part, Thread, carries_marked, carries_ready, report_part,
                      unreadable_part, wire_bytes)
from ..messages import both
from ..pipeline import INTERNAL, FileResult, failure
from ..check.issued import told_as_issued
from ..check.report import Result
from ..render import render_for_school
from ..render.html import render_html
from ..render.summary import write_summary_csv, write_summary_xlsx
from ..roster import Recipient
from .answered import Answer
from .joining import Joining, join_key
from .outbox import FILE_HEADER

LOG = logging.getLogger("sheetsync")


def report_names(stem: str, taken: set[str], report_dir: Path) -> Iterator[str]:
    """The name for a file's reports (its own, unless another file of this run has it), then, should
    an earlier report of that name be held open, one that no report in ``report_dir`` has."""
    yield unique_name(stem, taken)
    fresh = unique_name(stem, taken | {p.stem.removesuffix(MARKED_SUFFIX) for p in report_dir.iterdir()})
    taken.add(fresh)
    yield fresh


def reports_and_mail(item: FileResult, report_dir: Path, stems: Iterator[str], config: MailConfig | None,
                     roster: list[Recipient], mark_valid: bool, problems: list[str],
                     origin: Thread | None, kept: Path | None = None, *, answer_size: int = MAX_ANSWER_SIZE
                     ) -> tuple[list[tuple[str, bytes]], Answer | None, Joining | None]:
    """The file's reports and its e-mail, what that e-mail is as an answer to the message that
    brought the file (None when none did), and what joins it to the answers on that message's other
    files (:mod:`sheetsync.office.joining`); whatever this file makes go wrong is this file's outcome.

    A report that cannot be written for lack of room or rights (:class:`OutputError`) is the
    office's own state failing, and stops the run; anything else the file causes here (a bug of
    ours on odd content) quarantines the file with the reason, and the run goes on.

    :param stems: names for the reports (:func:`report_names`).
    :param problems: where a mail that cannot be composed is said (one line, Thai first).
    :param kept: where the office keeps the file, as its ``.json`` report names it (the e-mail, to the
        school, names it as the school sent it: "report.xlsx", not the "report-2.xlsx" kept beside last month's).
    :param answer_size: the most bytes of the one e-mail answering the files of its message (:class:`Joining`).
    """
    try:
        if item.readable:
            report_dir.mkdir(parents=True, exist_ok=True)
            # A template sent back as issued has no cell to mark: nothing to correct in it, it is to be filled in
            mark = (mark_valid or not item.valid) and not (item.report is not None and told_as_issued(item.report))
            item.outputs = _write_report(item, report_dir, stems, mark, kept)
        if config is None or not config.from_addr:
            return [], None, None
        try:
            message = message_for(item, config, roster, origin=origin)
        except MailError as exc:
            problems.append(both("sync.no-mail", file=item.path.name, why=exc))
            return [], None, None
        if message is None:
            return [], None, None
        if item.sha256:
            message[FILE_HEADER] = item.sha256
        # The file's hash too: a second message with these bytes is then told "already received"
        # (office/again.py), and the message answered here is not
        answer = None if origin is None else Answer.to(message, origin.message_id, "report", item.sha256,
                                                       per_day=config.answers_per_day)
        joining = _joining(item, message, answer_size) if answer is not None and not config.summary_only else None
        return [(str(message.get("X-Sheetsync-Name") or item.path.stem), _bytes(message))], answer, joining
    except OutputError:
        raise
    except Exception as exc:  # noqa: BLE001 - one file must never stop the office's run
        LOG.exception("internal error while reporting on %s", item.path)
        item.filled, item.report, item.outputs = None, None, []
        item.failure = failure(item.path, INTERNAL, f"{item.path.name}: internal error while writing its report "
                                                    f"({type(exc).__name__}: {exc})"[:300])
        return [], None, None


def _joining(item: FileResult, message: EmailMessage, answer_size: int) -> Joining | None:
    """What joins the answer ``message`` on ``item`` to the answers on the other files of its message,
    and the file's section of the e-mail that carries them (None: an answer in no thread)."""
    key = join_key(message)
    if not key:
        return None
    part: Part
    if item.error is not None:  # the reply on a file that cannot be read (batch.message_for)
        part = unreadable_part(item.path.name, item.error.removeprefix(f"{item.path.name}: "), item.why)
    elif item.report is not None and item.filled is not None:
        report, form, marked = item.report, item.filled.form, carries_marked(message)
        # With the copy attached, what a joined e-mail that leaves it out says instead: her own file's advice.
        listed = (render_for_school(report), render_html(report, form=form)) if marked else None
        ready = carries_ready(message)
        part = report_part(report, render_for_school(report, marked=marked),
                           render_html(report, form=form, marked=marked, ready=ready), listed, ready=ready)
    else:
        return None
    return Joining(key, part, answer_size)


def _write_report(item: FileResult, report_dir: Path, stems: Iterator[str], mark: bool,
                  kept: Path | None) -> list[Path]:
    """The file's reports; when an earlier report of the same name cannot be replaced because the
    clerk has it open (Excel locks it on Windows), under a name no report has yet."""
    try:
        return write_report(item, report_dir, next(stems), mark=mark, kept=kept)
    except OutputError as exc:
        if not isinstance(exc.__cause__, PermissionError):
            raise
        return write_report(item, report_dir, next(stems), mark=mark, kept=kept)


def _bytes(message: EmailMessage) -> bytes:
    return wire_bytes(message)


#: Writes a run's summary (:mod:`sheetsync.render.summary`): results, path, files read again.
SummaryWriter = Callable[..., None]


def write_summaries(results: list[Result], report_dir: Path, reread: Collection[Path] = (),
                    names: Mapping[str, str] | None = None) -> list[str]:
    """The run's ``summary.xlsx`` and ``summary.csv`` in ``report_dir``; returns a line (Thai first)
    for each that could not be written there. ``names`` (recipient id → school name) name each file's
    school beside its id (:func:`sheetsync.render.summary.summary_rows`).

    One the clerk holds open (Excel locks it on Windows) is written beside it under a free name
    (``summary-2.xlsx``), and the line names that file: left as it was, the summary would show the
    last check's files as this one's, and running again (nothing new) would not write it.
    """
    problems = []
    for name, writer in (("summary.xlsx", write_summary_xlsx), ("summary.csv", write_summary_csv)):
        path, write = report_dir / name, partial(writer, names=names)
        try:
            write(results, path, reread=reread)
        except OutputError as exc:
            problems.append(_beside(results, path, write, reread, exc))
    return problems


def _beside(results: list[Result], path: Path, write: SummaryWriter, reread: Collection[Path],
            exc: OutputError) -> str:
    """The summary written under a free name when ``path`` is held open, and the line saying where."""
    if isinstance(exc.__cause__, PermissionError):
        stem = unique_name(path.stem, {path.stem, *(p.stem for p in path.parent.glob(f"{path.stem}-*{path.suffix}"))})
        kept = path.with_name(stem + path.suffix)
        try:
            write(results, kept, reread=reread)
            return both("sync.summary-beside", file=path, name=path.name, kept=kept.name)
        except OutputError:
            pass  # the folder itself refuses: said as any summary not written
    return both("sync.summary-not-written", file=path, why=exc)
