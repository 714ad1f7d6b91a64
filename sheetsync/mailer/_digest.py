"""The digest for the central office: one message per batch saying who passed, who must fix
their report, whose file could not be read, and who on the roster has sent nothing."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from html import escape
from pathlib import Path
from typing import Collection, Iterable

from ..messages import Lang
from ..render.html import CELL, FONT
from ..check.report import Report, Result, Unread
from ..roster import Recipient
from ._compose import NAME_HEADER, Attachment, add_attachment, new_message, signature
from ._config import MailConfig
from ._headers import one_line
from ._thread import DIGEST_MARK
from ._texts import say

LIMIT = 200  # characters of a name or reason shown; a pasted essay must not bury the digest


@dataclass(frozen=True)
class DigestEntry:
    """One file of the batch, as the digest shows it."""

    recipient: str
    school: str
    file: str
    errors: int = 0
    warnings: int = 0
    problem: str = ""  # why an unreadable file was not read: the reader's own (English) line
    on_roster: bool = True
    problem_th: str = ""  # the same in Thai words, the reader's line after it in brackets


@dataclass(frozen=True)
class OwedEntry:
    """A roster school's project owing the last month(s) of its ended fiscal year, as the digest lists it."""

    recipient: str
    school: str
    key: str
    months: str  # ``กันยายน 2563``, as the master's summary says them


@dataclass
class Digest:
    """A batch summed up; :func:`summarize` builds it, :func:`compose_digest` mails it."""

    passed: list[DigestEntry] = field(default_factory=list)
    failed: list[DigestEntry] = field(default_factory=list)
    unreadable: list[DigestEntry] = field(default_factory=list)
    missing: list[Recipient] = field(default_factory=list)
    missing_period: str = ""  # the period due they have not sent, for a form sent anew each period
    #: A roster row lists several codes: each entry of ``missing`` names its code(s) not sent (one entry
    #: per code of a period due), and the section shows them in a column of their own.
    several_codes: bool = False
    owing: list[OwedEntry] = field(default_factory=list)  # projects whose year ended with months unsent
    roster_size: int = 0
    strangers: list[tuple[str, str]] = field(default_factory=list)
    undelivered: list[str] = field(default_factory=list)  # "b@s2.example (template s2)", from bounces
    stuck: list[tuple[str, str, str]] = field(default_factory=list)  # (file, since, why): this computer cannot read it
    withheld: list[str] = field(default_factory=list)  # addresses answered too often today: their mail was not answered
    #: Files received by a store since lost and read again after a restore: listed apart, counted nowhere else
    #: (their schools did not send them again).
    reread: list[DigestEntry] = field(default_factory=list)

    @property
    def nothing_came(self) -> bool:
        """No file came: the digest is sent only for whom the office's e-mail did not reach, for
        inbox files this computer cannot read, or for senders it did not answer."""
        return not (self.passed or self.failed or self.unreadable)

    def counts(self) -> dict[str, int]:
        """How many passed, failed, were unreadable and are missing."""
        return {"passed": len(self.passed), "failed": len(self.failed), "unreadable": len(self.unreadable),
                "missing": len(self.missing)}


def summarize(results: Iterable[Result], roster: Iterable[Recipient],
              missing: Iterable[Recipient] | None = None, reread: Collection[Path] = ()) -> Digest:
    """Sort a batch's results (reports, or ``(path, error)`` for unreadable files) by outcome.

    A report belongs to the roster entry whose id is its verified ``recipient`` (a file whose
    identity does not verify is nobody's).

    :param missing: the roster entries the office has nothing from, as its store says (a sync passes
        :func:`sheetsync.office.owing.nothing_received`). Without it, *missing* is judged from this
        batch alone: a roster entry with no readable report in it — which is also every school that
        reported in an earlier batch, and the school of an unreadable file (it cannot say whom it is
        from). Only a caller that checks every school's return in one batch should rely on that.
    :param reread: the paths of files read again after a restore (:attr:`Digest.reread`).
    """
    people = {r.id: r for r in roster}
    digest, heard = Digest(roster_size=len(people)), set()
    for result in results:
        again = result.path in reread
        if not isinstance(result, Report):
            (digest.reread if again else digest.unreadable).append(_unreadable_entry(result))
            continue
        rid = result.recipient  # "" when its identity did not verify: a forged file is no school's
        heard.add(rid)
        who = people.get(rid)
        entry = DigestEntry(rid, who.school if who else "", result.path.name, len(result.errors),
                            len(result.warnings), on_roster=who is not None)
        (digest.reread if again else digest.passed if result.valid else digest.failed).append(entry)
    digest.missing = [r for r in people.values() if r.id not in heard] if missing is None else list(missing)
    digest.several_codes = any(len(r.codes) > 1 for r in people.values())
    return digest


def _unreadable_entry(unread: Unread) -> DigestEntry:
    """A file that could not be read, as the digest lists it: why in the clerk's words first."""
    reason, why_th = one_line(unread.reason, LIMIT), one_line(unread.why.get("th", ""), LIMIT)
    return DigestEntry("", "", unread.path.name, problem=reason, problem_th=f"{why_th} ({reason})" if why_th else "")


def compose_digest(results: Iterable[Result], roster: Iterable[Recipient], config: MailConfig, lang: Lang = "th",
                   to: str | None = None, strangers: Iterable[tuple[str, str]] = (),
                   undelivered: Iterable[str] = (), missing: Iterable[Recipient] | None = None,
                   stuck: Iterable[tuple[str, str, str]] = (), missing_period: str = "",
                   withheld: Iterable[str] = (), reread: Collection[Path] = (),
                   owing: Iterable[tuple[str, str, str, str]] = ()) -> EmailMessage:
    """The digest message: text and HTML (every name escaped) plus ``digest.json``.

    :param to: defaults to ``config.digest_to``, then ``reply_to``, then ``from_addr``.
    :param strangers: ``(sender, file)`` of files mailed in by addresses on no roster line (they
        were answered; the office should know who they are).
    :param undelivered: whom the office's own e-mail did not reach (from bounces), to check the roster.
    :param missing: the roster entries the office has nothing from, across every batch (see
        :func:`summarize`); without it, "not sent" counts this batch only.
    :param missing_period: the period ``missing`` have not sent (a form with ``master: period``): the
        section says which (``ยังไม่ได้ส่ง 2567 · ธันวาคม (2)``).
    :param stuck: ``(file, since, why)`` of inbox files the file system has kept from being read for
        runs (:mod:`sheetsync.office.stuck`): the clerk must see to them.
    :param withheld: addresses whose mail was checked and recorded but not answered, the office
        having answered them as often as it may in a day (:mod:`sheetsync.office.answered`): a robot
        mailing back what it gets, or a flood under someone's name. The clerk may answer by hand.
    :param reread: the paths of ``results`` that a restore put back into the inbox (received by the store
        since lost): listed in a section of their own, not counted as received, passed or to fix.
    :param owing: ``(recipient, school, key, months)`` of the roster's projects whose fiscal year ended
        with its last months not reported (``sheetsync.office.owing``): listed beside "not sent" until
        the months are sent or the school is taken off the roster.
    :raises MailError: an address is not valid.

    Example::

        msg = compose_digest(results, read_roster("schools.csv"), MailConfig.from_env())
    """
    roster = list(roster)
    digest = summarize(results, roster, missing, reread)
    digest.missing_period = one_line(missing_period, LIMIT)
    digest.owing = [OwedEntry(*(one_line(part, LIMIT) for part in row)) for row in owing]
    digest.strangers = [(one_line(sender, LIMIT), one_line(file, LIMIT)) for sender, file in strangers]
    digest.undelivered = [one_line(who, LIMIT) for who in undelivered]
    digest.stuck = [(one_line(name, LIMIT), since, one_line(why, LIMIT)) for name, since, why in stuck]
    digest.withheld = list(dict.fromkeys(one_line(who, LIMIT) for who in withheld))
    msg = new_message(config, to or config.digest_to or config.reply_to or config.from_addr,
                      idstring=DIGEST_MARK)  # an answer to it gets no polite reply (answers_our_reply)
    msg["Subject"] = one_line(_subject(digest, lang), limit=200)
    msg[NAME_HEADER] = "digest"
    text, html = digest_text(digest, lang), digest_html(digest, lang)
    if config.office_name:  # a digest sent up the line says whose run it is (unsigned as before otherwise)
        signed = signature(config, lang)
        text += f"\n-- \n{signed}\n"
        html = html.replace("</div></body>", f'<p style="color:#666;font-size:13px">{escape(signed)}</p></div></body>')
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    data = json.dumps(asdict(digest), ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")
    add_attachment(msg, Attachment("digest.json", data, "application/json"))
    return msg


def _subject(digest: Digest, lang: Lang) -> str:
    """The subject: the batch's counts, then everything else the digest asks the clerk to see to
    (the clerk reads subjects in a mailbox); with no file, what the digest was sent for."""
    also = [say(f"digest.subject.also.{code}", lang, count=len(rows))
            for code, rows in (("undelivered", digest.undelivered), ("stuck", digest.stuck),
                               ("withheld", digest.withheld)) if rows]
    if not digest.nothing_came:  # a year's months owed are listed beside "not sent", never a digest's reason
        owed = [say("digest.subject.also.owing", lang, count=len(digest.owing))] * bool(digest.owing)
        return " · ".join([say("digest.subject", lang, **digest.counts()), *owed, *also])
    if len(also) > 1:
        return say("digest.subject.check", lang, items=" · ".join(also))
    if digest.undelivered:
        return say("digest.subject.undelivered", lang, count=len(digest.undelivered))
    if digest.withheld:
        return say("digest.subject.withheld", lang, count=len(digest.withheld))
    return say("digest.subject.stuck", lang, count=len(digest.stuck))


def digest_text(digest: Digest, lang: Lang = "th") -> str:
    """The digest as plain text, one line per file or missing recipient."""
    lines = [say("digest.title", lang), _intro(digest, lang)]
    for code, _, rows in _sections(digest, lang):
        lines += ["", say(code, lang, count=len(rows), period=digest.missing_period)]
        lines += [f"  - {' — '.join(filter(None, row))}" for row in rows] or [f"  ({say('digest.none', lang)})"]
    return "\n".join(lines) + "\n"


def digest_html(digest: Digest, lang: Lang = "th") -> str:
    """The digest as a self-contained HTML page: one table per section, all text escaped."""
    style = "margin:0 0 8px 0"
    parts = [f'<div style="font-family:{FONT};font-size:16px;color:#111">',
             f'<h2 style="{style}">{escape(say("digest.title", lang))}</h2>',
             f'<p style="{style}">{escape(_intro(digest, lang))}</p>']
    for code, columns, rows in _sections(digest, lang):
        parts.append(f'<h3 style="{style}">{escape(say(code, lang, count=len(rows), period=digest.missing_period))}</h3>')
        if not rows:
            parts.append(f'<p style="{style}">{escape(say("digest.none", lang))}</p>')
            continue
        head = "<tr>" + "".join(f'<th style="{CELL};background:#eee">{escape(say(c, lang))}</th>' for c in columns)
        body = head + "</tr>" + "".join("<tr>" + "".join(f'<td style="{CELL}">{escape(c)}</td>' for c in row) + "</tr>"
                                        for row in rows)
        parts.append(f'<table style="border-collapse:collapse;margin:0 0 16px 0">{body}</table>')
    parts.append("</div>")
    return '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>' + "".join(parts) + "</body></html>"


def _intro(digest: Digest, lang: Lang) -> str:
    received = len(digest.passed) + len(digest.failed) + len(digest.unreadable)
    return say("digest.intro", lang, received=received, roster=digest.roster_size)


def _sections(digest: Digest, lang: Lang) -> list[tuple[str, list[str], list[list[str]]]]:
    """Each section's title code, column header codes and rows, every cell already one short line."""
    def file_row(e: DigestEntry) -> list[str]:
        school = e.school if e.on_roster else say("digest.not_on_roster", lang)
        counts = say("digest.counts", lang, errors=e.errors, warnings=e.warnings)
        if e.problem:  # an unreadable file read again
            counts, school = (lang == "th" and e.problem_th) or e.problem, ""
        return [one_line(e.recipient, LIMIT), one_line(school, LIMIT), one_line(e.file, LIMIT), counts]

    files = ["digest.col.recipient", "digest.col.school", "digest.col.file", "digest.col.result"]
    strangers = [("digest.strangers", ["digest.col.email", "digest.col.file"], [list(s) for s in digest.strangers])]
    lost = [("digest.undelivered", ["digest.col.undelivered"], [[who] for who in digest.undelivered])]
    stuck = [("digest.stuck", ["digest.col.file", "digest.col.since", "digest.col.problem"],
              [list(s) for s in digest.stuck])]
    quiet = [("digest.withheld", ["digest.col.email"], [[who] for who in digest.withheld])]
    first = lost * bool(digest.undelivered) + stuck * bool(digest.stuck) + quiet * bool(digest.withheld)
    again = [("digest.reread", files, [file_row(e) for e in digest.reread])] * bool(digest.reread)
    if digest.nothing_came:
        return first + again
    return first + strangers * bool(digest.strangers) + [
        ("digest.failed", files, [file_row(e) for e in digest.failed]),
        ("digest.passed", files, [file_row(e) for e in digest.passed]),
        ("digest.unreadable", ["digest.col.file", "digest.col.problem"],
         [[one_line(e.file, LIMIT), (lang == "th" and e.problem_th) or e.problem] for e in digest.unreadable]),
        ("digest.missing.period" if digest.missing_period else "digest.missing", _missing_columns(digest),
         [_missing_row(r, digest.several_codes) for r in digest.missing]),
        *[("digest.owing", ["digest.col.recipient", "digest.col.school", "digest.col.key", "digest.col.months"],
           [[o.recipient, o.school, o.key, o.months] for o in digest.owing])] * bool(digest.owing),
    ] + again


def _missing_columns(digest: Digest) -> list[str]:
    """The column header codes of the "not sent" section: the code too when a roster row lists several."""
    return ["digest.col.recipient", "digest.col.school", *["digest.col.key"] * digest.several_codes, "digest.col.email"]


def _missing_row(entry: Recipient, several_codes: bool) -> list[str]:
    """A "not sent" row: who, and (``several_codes``) which of its codes, then where to write."""
    return [one_line(entry.id, LIMIT), one_line(entry.school, LIMIT),
            *[one_line(entry.project_code, LIMIT)] * several_codes, entry.email]
