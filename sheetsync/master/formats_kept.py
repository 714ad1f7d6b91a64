"""Which file format each school's next template is: the format of its last accepted file.

A school that fills its templates in LibreOffice Calc sends back .ods; made for everyone in one
command, its next template is an .ods again, while a school on Excel gets .xlsx and one that has sent
nothing yet gets the office's default. A format the clerk names (``--format``) is every school's.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Iterable

from ..messages import LANGS, render
from .model import Record

#: What a template is written as for a file sent back as each type (an .xls is an Excel user's).
TEMPLATE_FORMAT = {".ods": "ods", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xlsx"}
#: The office's default: a school with no accepted file yet gets this.
DEFAULT_FORMAT = "xlsx"
#: How many schools a format's line names (the rest are counted): a district's 300 would fill the screen.
NAMES_SHOWN = 10


def last_formats(records: Iterable[Record]) -> dict[str, str]:
    """Each recipient's template format (``"xlsx"`` / ``"ods"``), told by the file type of its latest
    accepted submission on any key (``records``: the master's current ones)."""
    latest: dict[str, Record] = {}
    for record in records:
        held = latest.get(record.key.recipient)
        if held is None or (held.merged_at, held.sha256) < (record.merged_at, record.sha256):
            latest[record.key.recipient] = record
    found = {who: TEMPLATE_FORMAT.get(PurePath(r.file).suffix.lower()) for who, r in latest.items()}
    return {who: fmt for who, fmt in found.items() if fmt}


def formats_said(chosen: dict[str, str], kept: dict[str, str], asked: str | None) -> list[str]:
    """The run's lines (Thai, then English) saying which schools get which format: ``chosen`` maps
    each recipient written to its format, ``kept`` is :func:`last_formats`, ``asked`` the ``--format``."""
    if asked is not None:
        return [_both("roundtrip.format.asked", ext=f".{asked}")]
    groups: dict[tuple[str, str], list[str]] = {}
    for who, fmt in chosen.items():
        groups.setdefault((fmt, "kept" if who in kept else "default"), []).append(who or "-")
    return [_both(f"roundtrip.format.{why}", ext=f".{fmt}", count=len(who), who=_names(sorted(who)))
            for (fmt, why), who in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] != "kept"))]


def _names(who: list[str]) -> str:
    """The first :data:`NAMES_SHOWN` of ``who``, and "…" when there are more (the line counts them all)."""
    return ", ".join(who[:NAMES_SHOWN]) + (" …" if len(who) > NAMES_SHOWN else "")


def _both(code: str, **params: object) -> str:
    return " / ".join(render(code, lang, source="master.yaml", **params) for lang in LANGS)
