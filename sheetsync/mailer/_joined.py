"""One e-mail answering the several files of one message: each file's result (Thai, then English) and
every file's attachments, under a heading that says how many files came and how many must be corrected.

A teacher who sends her two projects (or a .zip of three months) in one e-mail expects one answer to
it. Each file's answer is still composed on its own (:func:`~._compose.compose`, or the reply on a file
that cannot be read): :func:`compose_joined` makes the one e-mail from those answers and from each
file's :class:`Part` (its section of the joined e-mail), so it can be made again whenever another
answer joins them (``sheetsync.office.joining``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from html import escape
from typing import Mapping, Sequence

from ..check.report import Report
from ..limits import MAX_ANSWER_SIZE
from ..messages import LANGS
from ..render.html import FONT
from ..render import findings_line, to_fix
from ._compose import NAME_HEADER, READY_HEADER, attachment_name, marked_note, not_read_of, report_status
from ._headers import OUTGOING, one_line, wire_bytes
from ._reply import AGAIN
from ._texts import say

#: The headers a joined e-mail takes from its first file's answer: all of them answer one message,
#: to the same people (``sheetsync.office.joining`` joins only those).
_COPIED = ("From", "To", "Cc", "Reply-To", "Subject", "In-Reply-To", "References", "Date", "Auto-Submitted",
           "X-Auto-Response-Suppress")
_STYLE = f"font-family:{FONT};font-size:16px;color:#111;margin:0 0 12px 0"


@dataclass(frozen=True)
class Part:
    """A file's section of a joined e-mail: its name as the school sent it, its status (``valid``,
    ``warnings``, ``fix``, ``put-right`` (its marked-up copy, attached, put right all it had wrong: to check
    and send back), ``as-issued`` (the template sent back with nothing typed), ``unreadable``, or
    ``again`` / ``again-fix`` for a file the office already had: what became of it then, to be corrected or
    not), how many errors and warnings, and what to do about
    them as text and as an HTML fragment (Thai, then English); ``listed_text`` and ``listed_html`` say
    it as for a file whose marked-up copy is not attached ("": the same), for a joined e-mail that
    leaves the copy out."""

    file: str
    status: str
    errors: int = 0
    warnings: int = 0
    text: str = ""
    html: str = ""
    listed_text: str = ""
    listed_html: str = ""
    #: How many errors are to fix where the copy is left out (what it put right included); None: ``errors``.
    listed_errors: int | None = None

    def dumps(self) -> str:
        """The part as JSON (as the office's store keeps it)."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def loads(cls, data: str) -> Part:
        """The part :meth:`dumps` wrote."""
        return cls(**json.loads(data))


def report_part(report: Report, text: str, html: str, listed: tuple[str, str] | None = None, *,
                ready: bool = False) -> Part:
    """``report``'s part: the intro of its e-mail in both languages, then ``text`` (the findings as a
    school reads them, :func:`sheetsync.render.render_for_school`) and ``html`` (:func:`render_html`).

    :param listed: the text and HTML as rendered for no marked-up copy attached, when ``text`` and
        ``html`` were rendered for the copy (``marked=True``): said instead where the copy is left out.
    :param ready: its marked-up copy is ready to be sent back as it is (``put-right``: :func:`report_status`).
    """
    status = report_status(report, ready=ready)
    # Rendered for the copy (``listed`` given), what it put right is not counted to fix; left out, it is.
    counts = {"errors": to_fix(report, listed is not None), "warnings": len(report.warnings)}
    own_counts = {"errors": len(report.errors), "warnings": len(report.warnings)}

    def framed(text: str, html: str, status: str, counts: dict[str, int]) -> tuple[str, str]:
        intros = [say(f"mail.intro.{status}", lang, file=report.path.name, **counts) for lang in LANGS]
        inner = html.split("<body>", 1)[-1].rsplit("</body>", 1)[0]  # the findings' page, without its frame
        return ("\n\n".join([*intros, text.strip("\n")]),
                "".join(f'<p style="{_STYLE}">{escape(p)}</p>' for p in intros) + inner)
    # Left out, the copy is not there to send back: said as for her own file, cells to fix
    own = framed(text, html, status, counts)
    alone = framed(*listed, report_status(report), own_counts) if listed else ("", "")
    return Part(report.path.name, status, counts["errors"], counts["warnings"], *own, *alone,
                listed_errors=own_counts["errors"] if listed else None)


def unreadable_part(file: str, reason: str, why: Mapping[str, str]) -> Part:
    """The part of a file that cannot be read as a report: why (``why`` in plain words per language,
    ``reason`` the reader's line), and what to send instead."""
    said = [p for lang in LANGS for p in (
        say("unreadable.intro", lang, file=one_line(file), reason=one_line(reason, 300),
            why=one_line(why.get(lang, ""), 600) or say("joined.result.unreadable", lang)),
        say("unreadable.what_to_send", lang))]
    return Part(file, "unreadable", text="\n\n".join(said),
                html="".join(f'<p style="{_STYLE}">{escape(p)}</p>' for p in said))


def again_part(file: str, when: str, result: str) -> Part:
    """The part of a file the office already had, byte for byte (:func:`compose_again_reply`): when it
    came and what became of it (``result``, the earlier outcome); ``again-fix`` when it is still to be
    corrected (or could not be read)."""
    key = AGAIN.get(result, "again.unreadable")
    said = [say("again.intro", lang, file=one_line(file), when=one_line(when), result=say(key, lang)) for lang in LANGS]
    status = "again-fix" if key in ("again.refused", "again.unreadable") else "again"
    return Part(file, status, text="\n\n".join(said), html="".join(f'<p style="{_STYLE}">{escape(p)}</p>' for p in said))


def compose_joined(answers: Sequence[tuple[bytes, Part]], name: str = "", max_size: int | None = None) -> EmailMessage:
    """One e-mail carrying ``answers`` (each file's own e-mail, as composed, and its part), in order:
    the first one's addresses, thread and subject; a greeting and a heading (how many files, how many
    to correct), each file's result and section, every file's attachments, the first one's signature.

    Attachments are taken while the e-mail stays within ``max_size`` bytes as sent (default
    :data:`~sheetsync.limits.MAX_ANSWER_SIZE`; the office's is its ``[imap] max_message_mb``): a bigger
    one is refused by the school's mail server, and she gets nothing. The copies of files still to be
    corrected come first (she corrects in them), then the others, each in the files' order. Each copy left
    out is named, in its file's section and at the end (how to get it); every file's findings are in the
    text all the same.

    :param name: its name (``X-Sheetsync-Name``, its outbox file's); default: the first report's, and
        how many more files.
    """
    mails = [_parse(data) for data, _ in answers]
    parts = [part for _, part in answers]
    cap = MAX_ANSWER_SIZE if max_size is None else max_size
    files = [(n, a) for n, m in enumerate(mails) for a in m.iter_attachments()]
    # stable: each kind in the files' order; a copy put right is to be sent back, as a copy to correct is
    files.sort(key=lambda file: parts[file[0]].status not in (*_TO_FIX, "put-right"))
    kept = _fitting(files, cap - _body_estimate(parts))
    while True:  # the estimate is generous; what is sent is measured, and a copy more left out if need be
        msg = _joined(mails, parts, name, files, kept)
        if kept == 0 or len(wire_bytes(msg)) <= cap:
            return msg
        kept -= 1


def _joined(mails: Sequence[EmailMessage], parts: Sequence[Part], name: str,
            files: Sequence[tuple[int, EmailMessage]], kept: int) -> EmailMessage:
    """The joined e-mail with the first ``kept`` of ``files`` (each with the number of the answer it
    comes from) attached, and the others named as left out."""
    # A report's answer gives the e-mail its headers and frame (greeting, signature): "already received"
    # is a polite reply's, to anyone
    first = next((m for m, p in zip(mails, parts) if p.status in _REPORTS), mails[0])
    attached, left = sorted(files[:kept], key=_number), sorted(files[kept:], key=_number)  # shown in the files' order
    # A copy left out: its section says its findings as for her own file (listed, not "in the attached file")
    parts = [_unmarked(part) if any(i == n for i, _ in left) else part for n, part in enumerate(parts)]
    msg = EmailMessage(policy=OUTGOING)
    for header in _COPIED:
        if first[header] is not None:
            msg[header] = str(first[header])
    if not str(first["Subject"] or "").startswith("Re: "):  # the message had none: this e-mail's own says it
        del msg["Subject"]
        msg["Subject"] = _subject(parts)
    domain = parseaddr(str(first["From"] or ""))[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(domain=domain)
    msg[NAME_HEADER] = one_line(name) if name else _name(mails, parts)
    ready = _ready(mails, [a for _, a in attached])
    if ready:
        msg[READY_HEADER] = " ".join(ready)
    greeting, signature = _frame(first)
    closing = _closing([a for _, a in attached], [a for _, a in left])
    # The message's files that are no spreadsheets, said once (each file's answer says them)
    closing[-len(LANGS):-len(LANGS)] = [note for note in dict.fromkeys(map(not_read_of, mails)) if note][:1]
    heading = _heading(parts)
    sections = [(_lines(n, part), part) for n, part in enumerate(parts, start=1)]
    # Each file's text says what its HTML says of its marked-up copy, when one is attached; a copy
    # left out is said to be so in its file's section.
    # A copy put right has no red cell to correct: its intro says what to do with it
    notes = [([] if part.status == "put-right" else
              marked_note(part.errors, part.warnings, [str(a.get_filename() or "") for i, a in attached if i == n]))
             + ([say("joined.file_not_attached", lang) for lang in LANGS] if any(i == n for i, _ in left) else [])
             for n, part in enumerate(parts)]
    text = [greeting, *heading, *("\n\n".join(["\n".join([*lines, "", part.text]), *note])
                                  for (lines, part), note in zip(sections, notes)), *closing]
    msg.set_content("\n\n".join(text) + f"\n\n-- \n{signature}\n", charset="utf-8")
    left_notes = [[p for p in note if p in _LEFT_NOTES] for note in notes]
    msg.add_alternative(_html(greeting, heading, sections, left_notes, closing, signature), subtype="html",
                        charset="utf-8")
    for _, attachment in attached:
        msg.add_attachment(attachment.get_payload(decode=True), maintype=attachment.get_content_maintype(),
                           subtype=attachment.get_content_subtype(), filename=attachment.get_filename())
    return msg


#: The statuses of a file's report (the others: a file that cannot be read, a file the office already had).
_REPORTS = ("valid", "warnings", "fix", "put-right", "as-issued")
#: The statuses of a file still to be corrected (counted in the heading and subject).
_TO_FIX = ("fix", "unreadable", "again-fix")
#: What the heading counts each status as (:func:`_heading`), in the order it says them.
_KINDS = {"valid": "passed", "warnings": "passed", "fix": "fix", "unreadable": "fix", "again-fix": "fix",
          "put-right": "put-right", "as-issued": "as-issued", "again": "again"}
#: A file's note that its copy is left out, in each language (put in its HTML section too).
_LEFT_NOTES = frozenset(say("joined.file_not_attached", lang) for lang in LANGS)


def _ready(mails: Sequence[EmailMessage], attached: Sequence[EmailMessage]) -> list[str]:
    """The SHA-256 of each copy among ``attached`` that its own answer (one of ``mails``) lists as ready to
    be sent back as it is (:data:`~._compose.READY_HEADER`): the joined e-mail lists it too."""
    listed = {digest for m in mails for digest in str(m[READY_HEADER] or "").split()}
    payloads = [a.get_payload(decode=True) for a in attached]
    digests = [hashlib.sha256(p).hexdigest() for p in payloads if isinstance(p, bytes)]
    return [d for d in digests if d in listed]


def _number(file: tuple[int, EmailMessage]) -> int:
    return file[0]


def _unmarked(part: Part) -> Part:
    """``part`` said as for a file whose marked-up copy is not attached: its findings as listed, with her
    own file's advice (:attr:`Part.listed_text`); a part stored before it had those has its HTML's line
    on the copy (its red cells "in the attached file") said so."""
    status = "fix" if part.status == "put-right" else part.status  # no copy to send back: cells to fix
    if part.listed_text or part.listed_html:
        errors = part.errors if part.listed_errors is None else part.listed_errors
        return replace(part, status=status, errors=errors, text=part.listed_text or part.text,
                       html=part.listed_html or part.html)
    html = part.html
    for lang in LANGS:
        marked, listed = (escape(findings_line(part.errors, part.warnings, lang, marked=m)) for m in (True, False))
        html = html.replace(marked, listed)
    return replace(part, status=status, html=html)


def _closing(attached: Sequence[EmailMessage], left: Sequence[EmailMessage]) -> list[str]:
    """The paragraphs after the files' sections: what is attached, which copies are not and how to get
    them, and what to do next (Thai, then English)."""
    def names(files: Sequence[EmailMessage]) -> str:
        return ", ".join(attachment_name(str(a.get_filename() or "")) for a in files)
    closing = [say("mail.attachments", lang, names=names(attached)) for lang in LANGS] if attached else []
    closing += [say("joined.not_attached", lang, names=names(left)) for lang in LANGS] if left else []
    return closing + [say("mail.outro", lang) for lang in LANGS]


def _fitting(files: Sequence[tuple[int, EmailMessage]], room: int) -> int:
    """How many of ``files``, from the first, fit in ``room`` bytes as sent (base64: 4 bytes for 3, lines
    of 76 and their CRLF, and a part's own header)."""
    used = 0
    for count, (_, attachment) in enumerate(files):
        size = len(attachment.get_payload(decode=True) or b"")
        used += (size + 2) // 3 * 4 * 78 // 76 + _PART_HEADER
        if used > room:
            return count
    return len(files)


#: Bytes a generous guess gives an attachment's MIME header (its name encoded twice, RFC 2047 and 2231).
_PART_HEADER = 2048


def _body_estimate(parts: Sequence[Part]) -> int:
    """A generous guess at the bytes of the joined e-mail without its attachments: each part's text and
    HTML (UTF-8, encoded base64 as Thai text is), the headings, notes and headers."""
    said = sum(len(p.text.encode()) + len(p.html.encode()) for p in parts)
    return said * 3 // 2 + 4096 * (len(parts) + 4)


def _name(mails: Sequence[EmailMessage], parts: Sequence[Part]) -> str:
    """The joined e-mail's name (its outbox file's): its first report's and how many more files —
    never a polite reply's (``reply <sender>``: "already received" too, which the office counts and adopts as such)."""
    named = [str(m[NAME_HEADER] or "") for m, p in zip(mails, parts) if p.status in _REPORTS]
    sender = parseaddr(str(mails[0]["To"] or ""))[1]
    return one_line(f"{next((n for n in named if n), f'files {sender}')} +{len(parts) - 1}")


def _parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, _class=EmailMessage, policy=OUTGOING)
    assert isinstance(message, EmailMessage)
    return message


def _frame(message: EmailMessage) -> tuple[str, str]:
    """The greeting (its first paragraph) and the signature (below ``-- ``) of a file's own e-mail."""
    body = message.get_body(("plain",))
    text = str(body.get_content()).replace("\r\n", "\n") if isinstance(body, EmailMessage) else ""
    above, _, signature = text.rpartition("\n-- \n")
    return above.split("\n\n", 1)[0].strip() or say("mail.greeting.anyone", "th"), signature.strip()


def _heading(parts: Sequence[Part]) -> list[str]:
    """How many files came, what became of them (passed, to correct, sent blank, received before: only the
    kinds there are) and what to do (Thai, then English). A file the office already had is counted as
    received before, not as checked."""
    kinds = {kind: sum(1 for p in parts if _KINDS.get(p.status, "fix") == kind)
             for kind in ("passed", "fix", "put-right", "as-issued", "again")}
    todo = [kind for kind in ("fix", "put-right", "as-issued") if kinds[kind]] or ["valid"]
    said = []
    for lang in LANGS:
        counts = (" " if lang == "th" else ", ").join(say(f"joined.count.{kind}", lang, count=count)
                                                      for kind, count in kinds.items() if count)
        said.append(" ".join([say("joined.heading", lang, count=len(parts), counts=counts),
                              *(say(f"joined.todo.{kind}", lang) for kind in todo)]))
    return said


def _subject(parts: Sequence[Part]) -> str:
    """"ผลการตรวจสอบแบบรายงาน 3 ไฟล์ — ต้องแก้ไข 1 ไฟล์" (or blank templates to fill in, both when both came,
    or "— ผ่านทุกไฟล์"): a blank template said beside the files to correct is not missed."""
    fix = sum(1 for p in parts if p.status in _TO_FIX)
    blank = sum(1 for p in parts if p.status == "as-issued")
    ready = sum(1 for p in parts if p.status == "put-right")
    todo = [kind for kind, n in (("fix", fix), ("put-right", ready), ("as-issued", blank)) if n]
    code = f"joined.subject.{'-and-'.join(todo) or 'valid'}"
    return one_line(say(code, "th", count=len(parts), fix=fix, ready=ready, blank=blank), limit=200)


def _lines(number: int, part: Part) -> list[str]:
    """The file's line, Thai then English: its number, its name, its result."""
    return [say("joined.file", lang, number=number, file=one_line(part.file),
                result=say(f"joined.result.{part.status}", lang, errors=part.errors, warnings=part.warnings))
            for lang in LANGS]


def _html(greeting: str, heading: list[str], sections: list[tuple[list[str], Part]], notes: list[list[str]],
          closing: list[str], signature: str) -> str:
    top = "".join(f'<p style="{_STYLE}">{escape(p)}</p>' for p in (greeting, *heading))
    files = "".join('<hr style="border:0;border-top:1px solid #ccc">'
                    f'<h3 style="{_STYLE}">{"<br>".join(escape(line) for line in lines)}</h3>{part.html}'
                    + "".join(f'<p style="{_STYLE}">{escape(p)}</p>' for p in note)
                    for (lines, part), note in zip(sections, notes))
    bottom = "".join(f'<p style="{_STYLE}">{escape(p)}</p>' for p in closing)
    signed = f'<p style="{_STYLE};color:#666;font-size:13px">{escape(signature).replace(chr(10), "<br>")}</p>'
    return f'<!DOCTYPE html>\n<html lang="th"><head><meta charset="utf-8"></head><body>{top}{files}' \
           f'<hr style="border:0;border-top:1px solid #ccc">{bottom}{signed}</body></html>'
