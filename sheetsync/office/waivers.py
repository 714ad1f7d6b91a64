"""A project's remaining months waived by the clerk (``sheetsync waive``): nothing more is due from it.

A project cancelled or closed early by the BMA owes no more reports, yet its line stayed "late" or,
once its fiscal year was over, orange (``ยังไม่ส่ง กันยายน 2563 (ปีงบประมาณ 2563)``, :mod:`.yearend`) and
in every digest; taking its school off the roster also dropped the school's other projects. A waiver
names the project's code. It is kept in the store of record (the ``waivers`` table), one row per
school whose reports of that code the office holds or whose roster row lists it, with who waived it,
when and why; undoing it keeps the row and adds who undid it and when, so the record shows both.

While a waiver holds, the project's summary lines say ``ยกเว้น: <why>`` (:func:`waived_status`; a code
that never reported has one line saying so), it owes nothing (not orange, not in the digest's list of
year-end months owed; of a form with a period, no "not sent" line of the period due, nor a place in the
digest's list of those), and it is not counted as due in the total; its data stays in the master, and a
report that still arrives is taken and merged as any other. The school's other projects are not touched.

A waiver holds in the view of every period, a past month's (``sheetsync master --period``) too: it
says the project owes nothing more, none of its months not sent (the progress report's year-end month
is one before the waiver, the case it was made for), and a past month's view already shows what is
known now (a month's report that came late is in it). Compared with the day it was made, it would also
turn on the office's ``period`` setting, which a clerk re-running an old month or catching up sets to
a month before today. The record of when it was made is :func:`waivers`'; undoing it holds everywhere too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from ..check.coerce import ascii_digits
from ..clock import Zone, said_time
from ..errors import OfficeError
from ..messages import LANGS, Lang, both, render
from ..spec.master import SEP
from .headings import word
from .store import Store, now

if TYPE_CHECKING:
    from .summary import Digest, Line


@dataclass(frozen=True)
class Waiver:
    """One waiver of a school's project, as the store keeps it (times stored UTC)."""

    id: int
    recipient: str
    code: str
    reason: str
    waived_by: str
    waived_at: str
    undone_by: str | None = None
    undone_at: str | None = None


def code_of(key: str) -> str:
    """The project code of a stored key as waivers compare it: its first value, in ASCII digits
    (a key of a form with a period is ``code · period``; a clerk may type ๕๐๓๖…)."""
    return ascii_digits(key.split(SEP)[0].strip())


def waive(store: Store, code: str, reason: str, by: str) -> list[Waiver]:
    """Waive the remaining months of project ``code`` for every school whose reports of it the store
    holds, and every school whose roster row lists it (a project cancelled before it ever reported:
    taking its code off the row would keep no record of why, and leave a school of that one code owing
    a report of none); return the new waivers. A waiver the project already had is undone by the new
    one (the latest reason holds; both stay in the record).

    :raises OfficeError: neither a report the store holds nor the roster names ``code``.

    Example::

        waive(store, "50360000-4001", "กทม. ยกเลิกโครงการ", "somsri")
    """
    wanted = code_of(code)
    sent = {str(r[0]) for r in store.query("SELECT recipient, key FROM current") if code_of(str(r[1])) == wanted}
    listed = {r.id for r in store.roster() if wanted in (ascii_digits(c) for c in r.codes)}
    schools = sorted(sent | listed)
    if not schools:
        raise OfficeError(both("error.waive-unknown", project=code))
    at = now()
    with store.transaction() as db:
        db.executemany("UPDATE waivers SET undone_by = ?, undone_at = ? WHERE code = ? AND recipient = ? "
                       "AND undone_at IS NULL", [(by, at, wanted, who) for who in schools])
        db.executemany("INSERT INTO waivers (recipient, code, reason, waived_by, waived_at) VALUES (?, ?, ?, ?, ?)",
                       [(who, wanted, reason.strip(), by, at) for who in schools])
    return [w for w in waivers(store) if w.code == wanted and w.waived_at == at]


def undo(store: Store, code: str, by: str) -> list[Waiver]:
    """Undo the waivers of project ``code`` that hold; return them as undone.

    :raises OfficeError: no waiver of ``code`` holds.
    """
    wanted = code_of(code)
    held = [w for w in waivers(store) if w.code == wanted and w.undone_at is None]
    if not held:
        raise OfficeError(both("error.waive-not-waived", project=code))
    at = now()
    with store.transaction() as db:
        db.executemany("UPDATE waivers SET undone_by = ?, undone_at = ? WHERE id = ?", [(by, at, w.id) for w in held])
    return [replace(w, undone_by=by, undone_at=at) for w in held]


def waivers(store: Store) -> list[Waiver]:
    """Every waiver ever made, those undone included, oldest first."""
    rows = store.query("SELECT id, recipient, code, reason, waived_by, waived_at, undone_by, undone_at "
                       "FROM waivers ORDER BY id")
    return [Waiver(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), r[6], r[7]) for r in rows]


def holding(store: Store) -> dict[tuple[str, str], str]:
    """(recipient, code) → the reason ('' for none) of every waiver that holds."""
    return {(w.recipient, w.code): w.reason for w in waivers(store) if w.undone_at is None}


def waived_projects(path: Path) -> set[tuple[str, str]]:
    """(recipient, code) of every project waived in the store at ``path`` (none while there is no store)."""
    if not path.exists():
        return set()
    with Store(path) as store:
        return set(holding(store))


def school_names(store: Store) -> dict[str, str]:
    """Recipient id → school name, of the roster and of those taken off it (a waiver's line names it)."""
    return {**{who: r.school for who, r in store.roster_left_people().items()}, **{r.id: r.school for r in store.roster()}}


def with_waivers(digests: Iterable[Digest], held: Mapping[tuple[str, str], str]) -> list[Digest]:
    """``digests``, each of a project waived (:func:`holding`) marked with its reason."""
    found = []
    for d in digests:
        reason = held.get((d.key.recipient, code_of(d.key.project_code)))
        found.append(d if reason is None else replace(d, waived=reason))
    return found


def marked(digests: Iterable[Digest]) -> dict[tuple[str, str], str]:
    """(recipient, code) → reason of each of ``digests`` marked waived (:func:`with_waivers`)."""
    return {(d.key.recipient, code_of(d.key.project_code)): d.waived for d in digests if d.waived is not None}


def of_recipient(held: Mapping[tuple[str, str], str], recipient: str) -> dict[str, str]:
    """Code → reason of the waivers ``held`` (:func:`holding`) of ``recipient``'s projects."""
    return {code: reason for (who, code), reason in held.items() if who == recipient}


def waived_reason(line: Line) -> str | None:
    """The reason ('' for none) the summary's ``line`` is of a waived project, else None: its report's
    mark, or, for a line without one (a code that never reported), its own."""
    return line.record.waived if line.record is not None else line.waived


def waived_line(line: Line) -> bool:
    """Whether the summary's ``line`` is of a project whose remaining months the clerk waived."""
    return waived_reason(line) is not None


def waived_status(reason: str) -> str:
    """The summary status of a waived project: ``ยกเว้น: <reason>``, or ``ยกเว้น`` alone."""
    return word("status.waived", reason=reason) if reason else word("status.waived-bare")


def waiver_line(waiver: Waiver, school: str, zone: Zone = None) -> str:
    """One waiver as ``sheetsync waive`` lists it, Thai then English: the code, the school, when, by
    whom and why it was waived, and when and by whom it was undone (times in the office's ``zone``)."""
    def said(lang: Lang) -> str:
        text = render("waive.line", lang, source="office.yaml", project=waiver.code, recipient=waiver.recipient,
                      school=school, at=said_time(waiver.waived_at, zone, lang), by=waiver.waived_by or "-",
                      reason=waiver.reason or "-")
        if waiver.undone_at is not None:
            text += render("waive.line-undone", lang, source="office.yaml", at=said_time(waiver.undone_at, zone, lang),
                           by=waiver.undone_by or "-")
        return text

    return " / ".join(said(lang) for lang in LANGS)
