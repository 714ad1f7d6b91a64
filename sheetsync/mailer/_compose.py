"""Composing one school's message: subject, text and HTML bodies, attachments."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape
from pathlib import Path
from typing import Iterable, Sequence

from ..messages import LANGS, Lang, first
from ..render import findings_line, report_dict, to_fix
from ..render.html import FONT
from ..check.issued import told_as_issued
from ..check.report import Report
from ..roster import Recipient, safe_filename
from ._config import MailConfig, mail_error
from ._headers import OUTGOING, Thread, one_line, parse_addresses
from ._thread import reply_subject, thread_headers
from ._texts import say

NAME_HEADER = "X-Sheetsync-Name"  # the outbox file name of a message (see OutboxMailer)
#: The SHA-256 of each marked-up copy attached that is ready to be sent back as it is (:attr:`Attachment.ready`):
#: mailed back unchanged, such a copy is the school's return, not the office's own file (:mod:`._sent`).
READY_HEADER = "X-Sheetsync-Ready"
#: The attachments beside the file that were not checked (:attr:`Thread.others`, at most :data:`NOT_READ_SHOWN`
#: names and how many more, as JSON): a joined answer (:mod:`._joined`) says them as the file's own answer does.
NOT_READ_HEADER = "X-Sheetsync-Not-Read"
#: The most names of files not checked that an answer lists (a teacher may attach 30 scanned pages).
NOT_READ_SHOWN = 5
MIME_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".xls": "application/vnd.ms-excel",
    ".json": "application/json",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".html": "text/html",
}
#: The workbooks attached to a report's e-mail: its marked-up copy (an .xls is marked up as .xlsx).
WORKBOOKS = (".xlsx", ".ods")
#: A subject's room for the name and for the key after it: with the words around them, within 200.
SUBJECT_NAME, SUBJECT_KEY = 80, 60
_SUFFIX = re.compile(r"[A-Za-z0-9]{1,8}")  # an extension kept whole in attachment names
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)
_PARAGRAPH = f"font-family:{FONT};font-size:16px;color:#111;margin:0 0 12px 0"


@dataclass(frozen=True)
class Attachment:
    """A file to attach, already in memory; ``ready`` for a marked-up copy that, read again, has no error
    left (the copy put right all its file had wrong: an inserted row, a label typed over): the school may
    send it back as it is."""

    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"
    ready: bool = False

    @classmethod
    def from_path(cls, path: str | Path) -> Attachment:
        """Read ``path``; its MIME type comes from the extension.

        :raises MailError: the file cannot be read.
        """
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise mail_error("mail.cannot-attach", path=path, file=path.name, why=exc.strerror or exc) from exc
        return cls(path.name, data, mime_type_of(path.name))


def mime_type_of(filename: str) -> str:
    """The MIME type of a file name: spreadsheet types exactly, others by guess, else octet-stream."""
    suffix = Path(filename).suffix.lower()
    return MIME_TYPES.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def compose(report: Report, *, to: str | Sequence[str], config: MailConfig, html: str, text: str,
            attachments: Iterable[Path | Attachment] = (), lang: Lang = "th", school: str | None = None,
            attach_report: bool = False, thread: Thread | None = None, cc: Sequence[str] = (),
            key: str = "") -> EmailMessage:
    """One message about ``report``: text and HTML alternatives plus attachments.

    The subject says the school (or file) and how many items to fix, in ``lang``. The bodies are
    ``text`` and ``html`` (e.g. ``render_for_school(report)`` and ``render_html(report)``) framed by a
    greeting and a closing; every header value made from user text is reduced to one line.

    :param to: addresses, e.g. ``"head@school.example"`` or ``["A <a@x.org>", "b@y.org"]``.
    :param attachments: files (the marked-up workbook …); Thai names are sent RFC 2231-encoded.
    :param school: the school's name, for the subject, greeting and To display name.
    :param attach_report: also attach the JSON report as ``<file stem>.report.json`` (for a program;
        a school is sent only its marked-up file, which it can open).
    :param thread: the message that brought the file: the mail then answers it (``Re:`` subject,
        ``In-Reply-To`` and ``References``), so it lands in the sender's conversation; its attachments that
        are no spreadsheets (:attr:`Thread.others`) are named as not checked (:func:`not_read_note`).
    :param cc: addresses copied (the roster's address when someone else sent the file).
    :param key: what the report is keyed by, in words ("รหัสโครงการ 50360000-3600"): a new message's
        subject names it after the school, so a school's results on two projects are told apart (a
        reply keeps the subject of the school's own thread).
    :raises MailError: an address is not valid, or an attachment cannot be read.

    With ``config.summary_only`` (the office must not mail data) nothing is attached and the body
    says only how many items to fix and in which cells, without the values read from the file.

    Example::

        msg = compose(report, to="head@school01.example", config=MailConfig.from_env(),
                      html=render_html(report, marked=True), text=render_for_school(report, marked=True),
                      attachments=[marked])
    """
    files = [a if isinstance(a, Attachment) else Attachment.from_path(a) for a in attachments]
    if attach_report:
        files.append(report_attachment(report, lang))
    if config.summary_only:
        files = []
        text = say("mail.summary_only", lang, cells=_cells(report) or "-")
        html = f'<p style="{_PARAGRAPH}">{escape(text)}</p>'  # it names sheets, the school's own text
    name = one_line(school or "") or one_line(report.path.name)
    msg = new_message(config, to, school or "", cc=cc)
    ready = [hashlib.sha256(f.data).hexdigest() for f in files if f.ready]
    if ready:
        msg[READY_HEADER] = " ".join(ready)
    status = report_status(report, ready=bool(ready))
    # With the copy attached, what it put right is not counted to fix: subject, intro and heading agree.
    errors = to_fix(report, any(_is_marked_copy(f.filename) for f in files))
    subject = subject_for(report, name, lang, key=key, ready=bool(ready), errors=errors)
    msg["Subject"] = reply_subject(thread.subject, subject) if thread else subject
    for header, value in (thread_headers(thread) if thread else {}).items():
        msg[header] = value
    msg[NAME_HEADER] = one_line(" ".join(filter(None, [report.recipient, report.path.stem])))
    greeting = say("mail.greeting", lang, name=one_line(school)) if school else say("mail.greeting.anyone", lang)
    intro = say(f"mail.intro.{status}", lang, file=report.path.name, errors=errors,
                warnings=len(report.warnings))
    names = ", ".join(attachment_name(f.filename) for f in files)
    closing = [say("mail.attachments", lang, names=names)] if files else []
    # A copy put right has no red cell to correct: its intro says what to do with it
    explained = [] if status == "put-right" else marked_note(errors, len(report.warnings),
                                                              [f.filename for f in files], first(lang))
    if thread is not None and thread.others:
        shown, more = not_read_shown(thread.others)
        write_not_read(msg, shown, more)
        closing.append(not_read_note(shown, more, lang))
    closing += [say("mail.outro", lang)]
    msg.set_content(_text_body(greeting, intro, text, [*explained, *closing], signature(config, lang)), charset="utf-8")
    msg.add_alternative(_html_body(html, greeting, intro, closing, signature(config, lang)), subtype="html",
                        charset="utf-8")
    for f in files:
        add_attachment(msg, f)
    return msg


def marked_note(errors: int, warnings: int, attached: Iterable[str], langs: Sequence[Lang] = LANGS) -> list[str]:
    """What the HTML report says of the marked-up copy (its red and yellow cells, to be corrected in it and
    sent back, or its notes looked at: :func:`~sheetsync.render.findings_line`), a paragraph in each of
    ``langs``, for an e-mail's text part;
    nothing when nothing was found or no copy is among the ``attached`` file names (a workbook attached to
    a report's e-mail is its marked-up copy: sheetsync attaches no other).

    Example::

        marked_note(2, 0, ["report-ตรวจแล้ว.xlsx"])  # ["พบรายการที่ต้องแก้ไข 2 รายการ …", "2 item(s) to fix …"]
    """
    if not (errors or warnings) or not any(map(_is_marked_copy, attached)):
        return []
    return [findings_line(errors, warnings, lang, marked=True) for lang in langs]


def not_read_shown(others: Sequence[str]) -> tuple[list[str], int]:
    """The names of ``others`` (attachments not checked) an answer shows, at most :data:`NOT_READ_SHOWN`
    and each on one line, and how many more there are."""
    shown = [one_line(name, 80) for name in others[:NOT_READ_SHOWN]]
    return shown, len(others) - len(shown)


def write_not_read(msg: EmailMessage, names: Sequence[str], more: int) -> None:
    """Give the answer ``msg`` its :data:`NOT_READ_HEADER`, which a joined answer reads the files not
    checked from (:func:`not_read_of`): each file's answer names them, the joined one once."""
    noted = json.dumps({"names": list(names), "more": more}, ensure_ascii=False)
    # "=" escaped (JSON has it in its strings only): a name holding "=?utf-8?q?…?=" is read back as written,
    # not decoded as an encoded word when a joined answer reads the header (not_read_of)
    msg[NOT_READ_HEADER] = noted.replace("=", "\\u003d")


def not_read_note(names: Sequence[str], more: int, lang: Lang = "th") -> str:
    """One line naming the attachments beside the school's files that were not checked (a PDF, a photo):
    ``names`` and how many ``more`` there were, in both languages, ``lang`` first. Without it the teacher who
    sent her signed scan beside the workbook never learns it was passed over."""
    return " / ".join(not_read_line(names, more, language) for language in first(lang))


def not_read_line(names: Sequence[str], more: int, lang: Lang) -> str:
    """:func:`not_read_note` in ``lang`` alone (for a reply written a section per language)."""
    listed = ", ".join(f"“{name}”" for name in names)
    if more > 0:
        listed = say("mail.not_read.more", lang, names=listed, count=more)
    return say("mail.not_read", lang, names=listed)


def not_read_of(message: EmailMessage) -> str:
    """The line :func:`not_read_note` wrote in the answer ``message`` (its :data:`NOT_READ_HEADER`), "" for none."""
    try:
        noted = json.loads(str(message[NOT_READ_HEADER] or "{}"))
        names, more = [str(n) for n in noted.get("names", [])][:NOT_READ_SHOWN], int(noted.get("more", 0))
    except (ValueError, TypeError, AttributeError):  # written by us; a header mangled on the way is no note
        return ""
    return not_read_note(names, more) if names else ""


def carries_marked(message: EmailMessage) -> bool:
    """Whether ``message`` (a report's e-mail) has its marked-up copy attached: a workbook among its
    attachments (sheetsync attaches no other to a report's e-mail)."""
    return any(_is_marked_copy(str(a.get_filename() or "")) for a in message.iter_attachments())


def carries_ready(message: EmailMessage) -> bool:
    """Whether ``message`` (a report's e-mail) carries a marked-up copy ready to be sent back as it is
    (:attr:`Attachment.ready`)."""
    return bool(str(message[READY_HEADER] or "").strip())


def _is_marked_copy(filename: str) -> bool:
    """Whether an attachment of a report's e-mail named ``filename`` is its marked-up copy (a workbook:
    sheetsync attaches no other to it)."""
    return Path(filename).suffix.lower() in WORKBOOKS


def new_message(config: MailConfig, to: str | Sequence[str], display_name: str = "",
                cc: Sequence[str] = (), idstring: str | None = None) -> EmailMessage:
    """An empty message with From, Reply-To, To (and Cc), Date, Message-ID, ``Auto-Submitted`` and
    ``X-Auto-Response-Suppress`` set.

    :param idstring: ends the left part of the Message-ID (see :data:`~._thread.REPLY_MARK`).

    :raises MailError: the sender, reply-to or a recipient is not a valid address.
    """
    if not config.from_addr:
        raise mail_error("env.no-sender")
    # The office's name is the sender's when the address has none of its own ("Office <a@x>" wins).
    sender = parse_addresses(config.from_addr, display_name=config.office_name, what="sender")
    if len(sender) != 1:
        raise mail_error("env.one-sender", value=repr(config.from_addr))
    recipients: list[Address] = []
    for item in [to] if isinstance(to, str) else to:
        recipients += parse_addresses(item, display_name=display_name, what="recipient")
    if not recipients:
        raise mail_error("address.none")
    msg = EmailMessage(policy=OUTGOING)
    msg["From"] = sender
    msg["To"] = recipients
    copies = [a for item in cc for a in parse_addresses(item, what="copy")]
    if copies:
        msg["Cc"] = copies
    if config.reply_to:
        msg["Reply-To"] = parse_addresses(config.reply_to, what="reply-to")
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(idstring, domain=sender[0].domain)
    # RFC 3834: tells auto-responders (out-of-office replies) not to answer a machine.
    msg["Auto-Submitted"] = "auto-generated"
    # Exchange and Outlook heed only this one: no out-of-office or rule's answer (delivery reports
    # are still wanted: a bounce names a school's address to check).
    msg["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    return msg


def signature(config: MailConfig, lang: Lang) -> str:
    """The closing line of every mail in ``lang``: written by sheetsync, for the office when it has a name."""
    if config.office_name:
        return say("mail.signature.office", lang, office=one_line(config.office_name))
    return say("mail.signature", lang)


def set_bilingual_body(msg: EmailMessage, sections: list[list[str]], config: MailConfig) -> None:
    """Give ``msg`` its text and HTML bodies: each section (Thai, then English) as paragraphs, a
    rule between them, the signature last (in Thai; in English too when it names the office, which
    a reader of the English section must find as well)."""
    signatures = [signature(config, lang) for lang in (LANGS if config.office_name else ("th",))]
    msg.set_content("\n\n".join("\n\n".join(s) for s in sections) + "\n\n-- \n" + "\n".join(signatures) + "\n",
                    charset="utf-8")
    style = f"font-family:{FONT};font-size:16px;color:#111;margin:0 0 12px 0"
    body = '<hr style="border:0;border-top:1px solid #ccc">'.join(
        "".join(f'<p style="{style}">{escape(p)}</p>' for p in section) for section in sections)
    signed = "<br>".join(escape(line) for line in signatures)
    msg.add_alternative(f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>{body}'
                        f'<p style="{style};color:#666;font-size:13px">{signed}</p></body></html>',
                        subtype="html", charset="utf-8")


def subject_for(report: Report, name: str, lang: Lang = "th", *, key: str = "", ready: bool = False,
                errors: int | None = None) -> str:
    """The subject line for ``report``: "ผลการตรวจสอบแบบรายงาน: <name> — ต้องแก้ไข 3 รายการ"; with a
    ``key`` ("รหัสโครงการ 50360000-3600") after the name, which is cut short first so that the key shows.
    ``ready``: its marked-up copy, attached, is ready to be sent back as it is (:func:`report_status`).
    ``errors``: how many she has to fix (:func:`sheetsync.render.to_fix`), by default every error."""
    named = f"{one_line(name, limit=SUBJECT_NAME)} {one_line(key, limit=SUBJECT_KEY)}" if key.strip() else one_line(name)
    return one_line(say(f"mail.subject.{report_status(report, ready=ready)}", lang, name=named,
                        errors=len(report.errors) if errors is None else errors, warnings=len(report.warnings)),
                    limit=200)


def report_attachment(report: Report, lang: Lang = "th") -> Attachment:
    """The JSON report of ``report`` (the shape of ``sheetsync validate --format json``) as an attachment."""
    data = json.dumps(report_dict(report, lang), ensure_ascii=False, indent=2, default=str, allow_nan=False).encode("utf-8")
    return Attachment(f"{report.path.stem}.report.json", data, "application/json")


def add_attachment(msg: EmailMessage, attachment: Attachment) -> None:
    """Attach ``attachment`` base64-encoded; a non-ASCII file name is written RFC 2231-encoded."""
    maintype, _, subtype = attachment.mime_type.partition("/")
    msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype or "octet-stream",
                       filename=attachment_name(attachment.filename))


def attachment_name(filename: str) -> str:
    """``filename`` made safe for every mail program and OS, its extension always kept whole (a long
    Thai name cut at the byte limit lost ".xlsx": the teacher got a file nothing would open)."""
    stem, dot, suffix = filename.rpartition(".")
    if dot and stem and _SUFFIX.fullmatch(suffix):
        return safe_filename(stem, f".{suffix}")
    return safe_filename(filename)


def recipient_for(report: Report, roster: Iterable[Recipient], to: str | None = None) -> Recipient:
    """Who gets the message about ``report``: the roster entry named in the file's metadata, or
    ``to`` (``--to``), which wins over the roster's address.

    :raises MailError: no ``to`` and the file's recipient is not on the roster.
    """
    rid = report.metadata.get("recipient", "")
    known = next((r for r in roster if rid and r.id == rid), None)
    if to:
        return Recipient(id=rid, school=known.school if known else "", email=to,
                         project_code=known.project_code if known else "")
    if known is None:
        raise mail_error("address.not-on-roster" if rid else "address.no-recipient", file=report.path.name, id=repr(rid))
    return known


def _cells(report: Report) -> str:
    """Where the findings are (``sheet!cell``), without what was found there."""
    places = dict.fromkeys(f"{f.sheet}!{f.cell}" if f.sheet and f.cell else f.sheet or f.code for f in report.findings)
    return ", ".join(places)


def report_status(report: Report, *, ready: bool = False) -> str:
    """What ``report``'s e-mail says of its file (its subject, its intro): ``as-issued`` (the template
    sent back with nothing typed: to be filled in and sent again), ``put-right`` (errors, but its marked-up
    copy, attached, has none left — ``ready``: she checks it and sends it back), ``fix``, ``warnings`` or
    ``valid``."""
    if told_as_issued(report):
        return "as-issued"
    if ready and report.errors:
        return "put-right"
    return "fix" if report.errors else "warnings" if report.warnings else "valid"


def _text_body(greeting: str, intro: str, text: str, closing: list[str], signature: str) -> str:
    return "\n\n".join([greeting, intro, text.strip("\n"), *closing]) + f"\n\n-- \n{signature}\n"


def _html_body(html: str, greeting: str, intro: str, closing: list[str], signature: str) -> str:
    style = _PARAGRAPH
    top = "".join(f'<p style="{style}">{escape(p)}</p>' for p in (greeting, intro))
    bottom = "".join(f'<p style="{style}">{escape(p)}</p>' for p in closing)
    bottom += f'<p style="{style};color:#666;font-size:13px">{escape(signature)}</p>'
    opening = _BODY_OPEN.search(html)
    if opening is None:
        return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>{top}{html}{bottom}</body></html>'
    html = html[: opening.end()] + top + html[opening.end():]
    closings = list(_BODY_CLOSE.finditer(html))
    at = closings[-1].start() if closings else len(html)
    return html[:at] + bottom + html[at:]
