"""Why a file got its outcome, in words a clerk reads: Thai, then `` / `` and the English.

The detail is written once, when the outcome is recorded: the store keeps it, and the master's
ledger sheet, ``sheetsync history`` and the run's table show it as kept. The Thai names cells with
short titles of what was found (``B40 (ลำดับที่ขาดหาย)``); the English keeps the finding codes
(``report-gap@B40``) for whoever helps. The texts are ``detail.*`` of ``messages/office.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from ..check.report import Finding
from ..clock import said_time
from ..messages import LANGS, Lang, catalogue, render
from ..render import ordered
from ..spec.form import Form
from ..spec.pointers import lookup
from .headings import headings
from .spec import master_spec

#: Between the Thai and the English of a detail (the Thai never holds it: the catalogue's rule).
SEP = " / "
#: How many findings a detail names by cell (the count is always complete).
LISTED = 5
_THAI = re.compile("[\u0e00-\u0e7f]")
_THAI_WORD = re.compile("[\u0e00-\u0e7f]+")
#: What a file's name in a detail's English never crosses, and how it ends (its extension).
_BREAKS = re.compile(r"[:;()/]")
_EXTENSION = re.compile(r"\.[A-Za-z]{2,6}\b")


def split(text: str) -> tuple[str, str]:
    """A stored detail's Thai and English; a detail stored before it had Thai is both.

    The English may hold Thai: a file's name (as `sheetsync template` names a school's file,
    "replaces n73-03 โรงเรียนวัดยายร่ม.xlsx") or words the Thai says too. The Thai may hold the separator
    itself (a layout's label such as "ชื่อ / สกุล"). The split is at the first separator after which
    the only Thai is in a file's name or said before it."""
    at = text.find(SEP)
    while at >= 0:
        th, en = text[:at], text[at + len(SEP):]
        if _THAI.search(th) and all(word in th for word in _THAI_WORD.findall(_without_file_names(en))):
            return th, en
        at = text.find(SEP, at + 1)
    return text, text


def _without_file_names(en: str) -> str:
    """``en`` without the file names it quotes: in each stretch between ":", ";", "(", ")" and "/",
    whatever comes up to its last extension (found in one pass: the school names the file, and a
    pattern reaching lazily for an extension took seconds on a long name with none)."""
    kept = []
    for stretch in _BREAKS.split(en):
        ends = [m.end() for m in _EXTENSION.finditer(stretch)]
        kept.append(stretch[ends[-1]:] if ends else stretch)
    return " ".join(kept)


def findings_detail(code: str, findings: Sequence[Finding], **params: Any) -> tuple[str, str]:
    """``detail.<code>`` (``invalid``, ``warned``) listing ``findings``: Thai by cell and title,
    English by ``code@cell``; the first :data:`LISTED` as the form reads (top to bottom)."""
    more = ", …" if len(findings) > LISTED else ""
    shown = ordered(findings)[:LISTED]  # the top of the school's own report, not the order the checks ran
    th = ", ".join(_titled(f) for f in shown) + more
    en = ", ".join(f"{f.code}@{f.cell}" for f in shown) + more
    return (render(f"detail.{code}", "th", source="office.yaml", count=len(findings), listed=th, **params),
            render(f"detail.{code}", "en", source="office.yaml", count=len(findings), listed=en, **params))


def joined(*parts: tuple[str, str]) -> str:
    """Details given as (Thai, English) pairs, each language run together: ``"th th / en en"``."""
    return "".join(p[0] for p in parts) + SEP + "".join(p[1] for p in parts)


def pair(code: str, **params: Any) -> tuple[str, str]:
    """``detail.<code>`` as (Thai, English). A time given as an aware datetime (in the office's zone:
    :func:`sheetsync.clock.local`) is written as each language writes it (:func:`sheetsync.clock.said_time`).

    Example::

        joined(pair("same-data", file="s1.xlsx", when=local("2026-11-30T23:30:00+00:00", zone)))
    """
    return (render(f"detail.{code}", "th", source="office.yaml", **_said(params, "th")),
            render(f"detail.{code}", "en", source="office.yaml", **_said(params, "en")))


def again(file: str, when: str | dt.datetime, earlier: str) -> str:
    """The detail of a file whose bytes the store has seen: when (a time as :func:`pair` takes it), as
    which file, and the earlier detail."""
    th, en = split(earlier)
    return (render("detail.same-file", "th", source="office.yaml", **_said({"when": when}, "th"), file=file,
                   detail=th) + SEP
            + render("detail.same-file", "en", source="office.yaml", **_said({"when": when}, "en"), file=file,
                     detail=en))


def replaced(file: str, old: dict[str, Any], new: dict[str, Any], changes: Sequence[str],
             form: Form) -> tuple[str, str]:
    """``detail.newer`` of a file replacing ``file``: the rows of the form's table (``master: table``)
    it adds or no longer holds, each by its number as the school sees it (``ครั้งที่ 12``; the row's
    place from 1 without a number field), then how many other values changed (``changes``: pointers).

    Example::

        replaced("s1.xlsx", march, april, ["/reports/11"], form)  # th: "… (เพิ่มแถว ครั้งที่ 12)"
    """
    spec = master_spec(form)
    table = spec.table or ""
    whole = {c: _row_of(c, table) for c in changes}
    rows = {"added": [c for c, at in whole.items() if at is not None and at >= _count(old, table)],
            "removed": [c for c, at in whole.items() if at is not None and at >= _count(new, table)]}
    changed = [c for c in changes if c not in rows["added"] + rows["removed"]]
    heading = headings(form, spec)["number"]
    said: dict[Lang, list[str]] = {lang: [] for lang in LANGS}
    for kind, data in (("added", new), ("removed", old)):
        numbers = ", ".join(_row_number(data, c, table, spec.number) for c in rows[kind])
        for lang in LANGS if rows[kind] else ():
            word = render("detail.rows" if len(rows[kind]) > 1 else "detail.row", lang, source="office.yaml")
            said[lang].append(render(f"detail.rows-{kind}", lang, source="office.yaml", heading=heading,
                                     rows=word, numbers=numbers, pointers=", ".join(rows[kind])))
    for lang in LANGS if changed else ():
        said[lang].append(render("detail.values-changed", lang, source="office.yaml", count=len(changed),
                                 changes=", ".join(changed)))
    return (render("detail.newer", "th", source="office.yaml", file=file, what="; ".join(said["th"])),
            render("detail.newer", "en", source="office.yaml", file=file, what="; ".join(said["en"])))


def _row_of(pointer: str, table: str) -> int | None:
    """The index of the whole row ``pointer`` names in ``table`` (``/reports/11`` → 11), else None."""
    rest = pointer[len(table) + 1:] if table and pointer.startswith(f"{table}/") else ""
    return int(rest) if rest.isdigit() else None


def _count(data: dict[str, Any], table: str) -> int:
    rows = lookup(data, table) if table else None
    return len(rows) if isinstance(rows, list) else 0


def _row_number(data: dict[str, Any], pointer: str, table: str, number: str | None) -> str:
    """The number a school sees on the row ``pointer`` names: its number field, else its place from 1."""
    row = lookup(data, pointer)
    value = row.get(number) if isinstance(row, dict) and number else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if value not in (None, "") else str((_row_of(pointer, table) or 0) + 1)


def _said(params: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """``params`` with every aware datetime written in ``lang``, in its own zone."""
    return {k: said_time(v, v.tzinfo, lang) if isinstance(v, dt.datetime) and v.tzinfo else v
            for k, v in params.items()}


def _titled(finding: Finding) -> str:
    """``B40 (ลำดับที่ขาดหาย)``: the cell and what was found there (the cell alone for a code
    without a short title, such as a layout's own)."""
    title = catalogue().get(f"title.{finding.code}", {}).get("th", "")
    if not finding.cell:
        return title or finding.code
    return f"{finding.cell} ({title})" if title else finding.cell
