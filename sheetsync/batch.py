"""A batch of returned files: check each, write its reports, queue its e-mail.

Per submission, ``write_reports`` writes ``<name>.txt``, ``<name>.html``, ``<name>.json`` and the
marked-up file ``<name>-ตรวจแล้ว.<xlsx|ods>`` (``<name>`` is the file's stem, or its whole name when
another file has that stem: see :func:`report_stem`); per batch, ``summary.xlsx`` and ``summary.csv``.
``queue_emails`` puts one ``.eml`` per readable submission in the outbox (nothing is sent until
the outbox is sent); ``queue_templates`` one per template, to the school it was written for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from .check.findings import labels
from .check.reader import Filled, read_filled
from .check.report import Report, put_right
from .mailer import (Attachment, Earlier, InvitationKey, MailConfig, MailError, OutboxMailer, Thread, address_report,
                     compose, compose_invitation, compose_unreadable_reply, earlier_invitations, invitation_key,
                     sender_finding)
from .messages import Lang, first
from .office.spec import master_spec
from .pipeline import FileResult, check_file
from .pipeline import check_files as check_stream
from .render import render_for_school, report_dict
from .render.html import render_html
from .render.summary import write_summary_csv, write_summary_xlsx
from .roster import Recipient, safe_filename
from .spec.form import Form
from .spec.pointers import lookup
from .text import safe_text
from .template.markup import write_marked_up
from .files import unique_name, write_atomically

Origins = Callable[[Path], Thread | None]  # the message that brought a file, if it came by mail

MARKED_SUFFIX = "-ตรวจแล้ว"
#: What a marked-up copy can be (it keeps the format of the file it marks).
WORKBOOKS = (".xlsx", ".ods")
#: A batch's files are the pipeline's results (the name this module used before the pipeline).
Checked = FileResult


def check_files(paths: Iterable[Path], *, form: Form | None = None, forms_dirs: Iterable[Path] = ()) -> list[FileResult]:
    """Check each file once (:func:`sheetsync.pipeline.check_file`); an unreadable one carries its reason."""
    return list(check_stream(paths, form=form, forms_dirs=forms_dirs))


def write_reports(checked: list[FileResult], out_dir: Path, lang: Lang = "th", *, mark_valid: bool = True,
                  summary: bool = True, names: Mapping[str, str] | None = None) -> list[Path]:
    """Write every submission's reports (and the batch summary) into ``out_dir``; return all paths.

    :param mark_valid: also write the marked-up workbook of a file without errors (the costly
        part of a report: an office that only confirms valid files turns it off).
    :param summary: write ``summary.xlsx`` and ``summary.csv`` for the batch.
    :param names: recipient id → school name (a roster's): the summary names each file's school.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    stems = [item.path.stem for item in checked if item.filled is not None and item.report is not None]
    for item in checked:
        if item.filled is None or item.report is None:
            continue
        stem = unique_name(report_stem(item.path, stems, out_dir), taken)
        item.outputs = write_report(item, out_dir, stem, lang, mark=mark_valid or not item.report.valid)
        written += item.outputs
    if not summary:
        return written
    for name, write in (("summary.xlsx", write_summary_xlsx), ("summary.csv", write_summary_csv)):
        write([c.result for c in checked], out_dir / name, lang, names=names)
        written.append(out_dir / name)
    return written


def report_stem(path: Path, stems: list[str], out_dir: Path) -> str:
    """The name of ``path``'s reports in ``out_dir``: its stem (``x`` for ``x.xlsx``), or its whole
    name (``x.xlsx``) when that stem is another file's: another of the batch's ``stems``, or an
    earlier run's report there (its ``.json`` names a file of another name).

    Both of ``x.xlsx`` and ``x.ods`` take their whole names, whatever order they come in: their
    reports do not overwrite each other, and each is found by its file's name.
    """
    stem = safe_filename(path.stem)
    if stems.count(path.stem) > 1 or _reported_name(out_dir / f"{stem}.json") not in (None, path.name):
        return safe_filename(path.name)
    return stem


def _reported_name(report: Path) -> str | None:
    """The name of the file an earlier ``.json`` report is about (None: no such report, or unreadable)."""
    try:
        told = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Path(told["file"]).name if isinstance(told, dict) and isinstance(told.get("file"), str) else None


def write_report(item: FileResult, out_dir: Path, stem: str, lang: Lang = "th", *, mark: bool = True,
                 kept: Path | None = None) -> list[Path]:
    """One submission's ``<stem>.txt/.html/.json`` (and, with ``mark``, the marked-up file, last).

    :param kept: where the office keeps the file (``processed/report-2.xlsx``), for the ``.json``'s
        ``"file"``; then ``"received_as"`` says the name it came under, when that differs. The
        ``.html`` is what the school is sent, and names its file as the school sent it.
    """
    assert item.filled is not None and item.report is not None, "only a file that was read has reports"
    return _write_one(item.filled, item.report, out_dir, stem, lang, mark, kept)


def _write_lines(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (atomically) with each line end written as the system's own: a
    ``\r\n`` already in it (a school's value typed on Windows) would become ``\r\r\n`` there."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    write_atomically(path, lambda tmp: tmp.write_text(lines, encoding="utf-8"))


def _as_kept(report: Report, lang: Lang, kept: Path | None) -> dict[str, Any]:
    """The ``.json`` report of a file (:func:`sheetsync.render.report_dict`), naming it as ``kept``
    (and, kept under another name, as it was received): the clerk finds the very file it is about."""
    entry = report_dict(report, lang)
    if kept is None:
        return entry
    received = {"received_as": safe_text(report.path.name)} if kept.name != report.path.name else {}
    return {"file": safe_text(str(kept)), **received, **{k: v for k, v in entry.items() if k != "file"}}


def _write_one(filled: Filled, report: Report, out_dir: Path, stem: str, lang: Lang, mark: bool,
               kept: Path | None) -> list[Path]:
    text = out_dir / f"{stem}.txt"
    html = out_dir / f"{stem}.html"
    data = out_dir / f"{stem}.json"
    fmt = filled.fmt if filled.fmt in ("xlsx", "ods") else "xlsx"
    marked = out_dir / f"{stem}{MARKED_SUFFIX}.{fmt}"
    if mark:  # first: the one a clerk may hold open in Excel; refused, it leaves the others as they were
        write_marked_up(filled, report, marked)
    # The reports the office keeps say, as the e-mail does, when the copy may be sent back as it is.
    ready = mark and copy_ready(filled, report, marked)
    # Both languages in every report (the school reads the Thai); --lang en puts the English first.
    _write_lines(text, render_for_school(report, lang, marked=mark, ready=ready) + "\n")
    _write_lines(html, render_html(report, langs=first(lang), form=filled.form, marked=mark, ready=ready))
    _write_lines(data, json.dumps(_as_kept(report, lang, kept), ensure_ascii=False, indent=2, default=str,
                                  allow_nan=False) + "\n")
    return [text, html, data, marked] if mark else [text, html, data]


def queue_emails(checked: list[FileResult], config: MailConfig, *, roster: Iterable[Recipient] = (),
                 to: str | None = None, lang: Lang = "th", origins: Origins | None = None) -> list[Path]:
    """One message per reported submission into ``config.outbox``; returns the .eml paths.

    See :func:`message_for` for who each message goes to.
    """
    people = list(roster)
    outbox = OutboxMailer(config.outbox)
    queued = []
    for item in checked:
        message = message_for(item, config, people, to=to, lang=lang, origin=origins(item.path) if origins else None)
        if message is not None:
            queued.append(outbox.write(message))
    return queued


def message_for(item: FileResult, config: MailConfig, roster: list[Recipient], *, to: str | None = None,
                lang: Lang = "th", origin: Thread | None = None) -> EmailMessage | None:
    """The message about one checked file, or None (no reports, or no address).

    The address comes from ``to`` if given; else, for a file that came by mail (``origin`` is the
    message that brought it), the reply goes to its sender in that thread, copied to the roster's
    address; else to the roster entry of the file's recipient. A mailed file that cannot be read
    is answered too, saying why — unless a robot or a list sent it (``origin.automatic``): no
    machine's mail is answered, and a report goes to the roster's address alone. The marked-up workbook is attached when one was written.
    """
    if item.error is not None and origin is not None and origin.sender and not origin.automatic and not to:
        # A mailed file we cannot read: its sender still hears why, in the thread.
        reason = item.error.removeprefix(f"{item.path.name}: ")
        return compose_unreadable_reply(origin, item.path.name, reason, config, why=item.why)
    if item.report is None or item.filled is None or not item.outputs:
        return None
    plan = address_report(item.report, roster, origin, to)
    if plan is None:
        return None
    # The marked-up copy is the one workbook among the outputs: its name cannot tell it, as a school
    # that fixes the copy sends it back as "…-ตรวจแล้ว.xlsx" and its .json report then ends the same way.
    marked = [_as_sent(item.report.path.name, p, ready=_ready(item, p))
              for p in item.outputs[-1:] if p.suffix.lower() in WORKBOOKS]
    ready = any(copy.ready for copy in marked)
    return compose(item.report, to=plan.to, config=config, lang=lang,
                   html=render_html(item.report, langs=first(lang), form=item.filled.form, marked=bool(marked),
                                    ready=ready),
                   text=render_for_school(item.report, lang, marked=bool(marked)), attachments=marked, school=plan.school, thread=plan.thread,
                   cc=plan.cc, key=_key_words(item.filled, lang))


def _key_words(filled: Filled, lang: Lang = "th") -> str:
    """What ``filled`` is keyed by (the form's ``master: key``), each field's title and value: "รหัสโครงการ
    50360000-3600" ("code 50360000-3600" in English); "" when the form has no key or the file holds none
    (a school's results on two projects are told apart by it).

    :raises FormError: the form's ``master:`` entry is broken.
    """
    words = []
    for pointer in master_spec(filled.form).key:
        value = lookup(filled.data, pointer)
        if value is None or isinstance(value, (dict, list)) or not str(value).strip():
            return ""
        title_th, title_en = labels(filled.form, pointer)
        words.append(f"{title_th if lang == 'th' else title_en} {value}")
    return " ".join(words)


def _ready(item: FileResult, marked: Path) -> bool:
    """Whether the marked-up copy ``marked`` of ``item`` is ready to be sent back as it is (:func:`copy_ready`)."""
    return item.report is not None and item.filled is not None and copy_ready(item.filled, item.report, marked)


def copy_ready(filled: Filled, report: Report, marked: Path) -> bool:
    """Whether the marked-up copy ``marked`` of ``filled`` is ready to be sent back as it is: each error of
    the file is one the copy puts right with nothing left for her to do (:func:`~sheetsync.check.report.put_right`),
    and the copy, read again as a return, has none. Read, not assumed: a deleted report row is put back empty,
    and the copy then still lacks that report; never ready where rows deleted took what was typed in them.

    Example::

        copy_ready(filled, report, Path("reports/s1-ตรวจแล้ว.xlsx"))  # True: an inserted row, taken out
    """
    if not report.errors or not all(put_right(f) for f in report.errors):
        return False
    return check_file(marked, form=filled.form).valid


def _as_sent(sent: str, marked: Path, *, ready: bool = False) -> Attachment:
    """The marked-up copy ``marked`` as the school gets it: named after the file it sent (``sent``),
    marked once — not after the name the office keeps it by ("report-2-ตรวจแล้ว.xlsx" for the second
    month's "report.xlsx"), nor marked again when the school sent back such a copy still to fix;
    ``ready`` when it may be sent back as it is (:func:`_ready`).

    :raises MailError: the copy cannot be read.
    """
    copy = Attachment.from_path(marked)
    return replace(copy, filename=f"{Path(sent).stem.removesuffix(MARKED_SUFFIX)}{MARKED_SUFFIX}{marked.suffix}",
                   ready=ready)


def note_senders(checked: list[FileResult], roster: Iterable[Recipient], origins: Origins) -> list[tuple[str, str]]:
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


@dataclass
class Invited:
    """What :func:`queue_templates` did: the messages queued, the templates left unsent with why, and
    those not queued again because the same invitation is waiting in the outbox or was just sent."""

    queued: list[Path] = field(default_factory=list)
    unsent: list[str] = field(default_factory=list)  # "<template>: <why>", one line each
    already: list[str] = field(default_factory=list)  # "<template> (<earlier .eml>, waiting|sent)"


def queue_templates(templates: Iterable[Path], roster: Iterable[Recipient], config: MailConfig, *,
                    again: bool = False, forms_dirs: Sequence[Path] = ()) -> Invited:
    """One message per template into ``config.outbox``, to the roster's addresses for the recipient
    named in the template itself (so a template can never go to another school).

    A template whose recipient is not on the roster, or whose address mail cannot use, is left
    unsent and said so; the others are queued all the same. The same invitation waiting in the
    outbox, or sent in the last day (:func:`sheetsync.mailer.earlier_invitations`), is not queued
    again; with ``again`` it is, and replaces the one still waiting. A template of other content
    for the same school (next month's) is a new invitation, and replaces one still waiting.
    """
    people = {r.id: r for r in roster}
    outbox = OutboxMailer(config.outbox)
    earlier = earlier_invitations(config.outbox)
    done = Invited()
    for path in templates:
        filled = read_filled(path, forms_dirs=forms_dirs)
        who = people.get(filled.metadata.get("recipient", ""))
        content = str(filled.metadata.get("fingerprint", ""))
        if who is None:
            done.unsent.append(f"{path.name}: not on the roster: {filled.metadata.get('recipient') or 'no recipient'}")
            continue
        try:
            message = compose_invitation(path, who, config, form=filled.form.title, form_en=filled.form.title_en,
                                         key=master_spec(filled.form).code_of(filled.data), content=content)
        except MailError as exc:  # an address the roster let through but mail cannot use
            done.unsent.append(f"{path.name}: {exc}")
            continue
        before = earlier.get(invitation_key(message))
        if before is not None and before.holds(content) and not again:
            done.already.append(f"{path.name} ({before.path.name}, {'sent' if before.sent else 'waiting'})")
            continue
        written = outbox.write(message)
        done.queued.append(written)
        _withdraw_waiting(earlier, invitation_key(message), written)  # replaced: the school gets the new one only
        earlier[invitation_key(message)] = Earlier(written, False, content)  # the same template twice in one run
    return done


def _withdraw_waiting(earlier: dict[InvitationKey, Earlier], key: InvitationKey, written: Path) -> None:
    """Delete the invitations still waiting of the same template and subject as ``key``, to these
    addresses or to others: a corrected roster address makes a new invitation, and the one to the old
    address (which may be why it still waits: refused, or needing SMTPUTF8) would fail at every send."""
    for other, waiting in list(earlier.items()):
        if other[:2] == key[:2] and not waiting.sent and waiting.path != written:
            waiting.path.unlink(missing_ok=True)
            del earlier[other]
