"""Every version received per key, and what changed between them (``sheetsync history``)."""

from __future__ import annotations

import os.path
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..check.coerce import ascii_digits
from ..clock import Zone, clock_time
from ..master.changes import changed_pointers
from ..master.model import result_words
from ..messages import both
from ..spec.pointers import lookup
from .mailbox import senders
from .store import Store

#: Values longer than this are cut in the listing.
SHOWN = 60
#: Results whose detail (why) the listing shows: the file's data was not taken.
NOT_TAKEN = ("refused", "quarantined", "superseded")
#: Characters shown before the first difference of two long texts that begin alike.
CONTEXT = 20


@dataclass(frozen=True)
class Change:
    """One changed value: its JSON pointer, before and after (None when absent)."""

    pointer: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Version:
    """One file received for a key: when, which file, its outcome, and what it changed."""

    received_at: str
    file: str
    sha256: str
    result: str
    detail: str
    issued_at: str = ""
    changes: tuple[Change, ...] = ()
    sender: str = ""  # who mailed the file (when it was fetched from the office's mailbox)


@dataclass
class KeyHistory:
    """The versions of one key (form, key values, recipient), oldest first."""

    form_id: str
    key: str
    recipient: str
    versions: list[Version] = field(default_factory=list)


def history(store: Store, *, recipient: str | None = None, key: str | None = None) -> list[KeyHistory]:
    """Every key's versions (narrowed by ``recipient`` and ``key``), with the values each one changed.

    ``recipient`` is found as :func:`recipients_matching` finds it (upper or lower case alike when no
    id is exactly as typed). ``key`` also takes the code of a form with a period (``master: period``)
    and gives each of its periods.

    Changes are against the version received before it for the same key, whatever became of it.

    Example::

        for item in history(store, recipient="school-01"):
            for version in item.versions:
                print(version.received_at, version.file, [c.pointer for c in version.changes])
    """
    where, params = ["form_id != ''"], []
    if recipient is not None:
        ids = recipients_matching(store, recipient) or [recipient.strip()]
        where.append(f"recipient IN ({', '.join('?' * len(ids))})")
        params += ids
    if key is not None:
        # As typed, and with its digits in ASCII (a code in Thai digits is stored so, read from any file);
        # a school's code also names each of its periods (a monthly form's key is "code · year · month").
        asked = list(dict.fromkeys([key.strip(), ascii_digits(key.strip())]))
        where.append("(" + " OR ".join(["(key = ? OR substr(key, 1, length(?) + 3) = ? || ' · ')"] * len(asked)) + ")")
        params += [k for k in asked for _ in range(3)]
    outcomes = store.outcomes(" AND ".join(where), tuple(params))
    data = {s.sha256: s for s in store.versions("s.sha256 IN (SELECT sha256 FROM outcomes WHERE "
                                                + " AND ".join(where) + ")", tuple(params))}
    mailed = senders(store, [o.sha256 for o in outcomes if o.sha256])
    keys: dict[tuple[str, str, str], KeyHistory] = {}
    previous: dict[tuple[str, str, str], dict[str, Any]] = {}
    for o in outcomes:
        k = (o.form_id, o.key, o.recipient)
        item = keys.setdefault(k, KeyHistory(*k))
        stored = data.get(o.sha256)
        changes: tuple[Change, ...] = ()
        if stored is not None:
            before = previous.get(k)
            if before is not None:
                changes = tuple(Change(p, lookup(before, p), lookup(stored.data, p))
                                for p in changed_pointers(before, stored.data))
            previous[k] = stored.data
        item.versions.append(Version(o.received_at, o.file, o.sha256, o.result, o.detail,
                                     stored.issued_at if stored else "", changes,
                                     mailed.get(o.sha256, ("", ""))[0]))
    return sorted(keys.values(), key=lambda h: (h.form_id, h.key, h.recipient))


def recipients_matching(store: Store, typed: str) -> list[str]:
    """The recipient ids of the store that ``typed`` names: itself alone when the store knows it as
    typed; else every id that differs from it only in upper and lower case (a clerk types
    ``School-01`` for ``school-01``), sorted; none when nothing matches.

    Two ids that differ only in case are two schools to the store: typed exactly, one is found; typed
    as neither, both are (and the command says which).

    Example::

        recipients_matching(store, " SCHOOL-01 ") == ["school-01"]
    """
    typed = typed.strip()  # pasted with a space around it
    if store.query("SELECT 1 FROM outcomes WHERE recipient = ? LIMIT 1", (typed,)):
        return [typed]
    folded = typed.casefold()
    known = store.query("SELECT DISTINCT recipient FROM outcomes WHERE recipient != ''")
    return sorted(r for (r,) in known if r.casefold() == folded)


def render_history(items: list[KeyHistory], zone: Zone = None) -> str:
    """The history as text: a heading per key, a line per version (when, in ``zone`` — None: this
    computer's —, its result Thai then English), why a file was not taken, and an indented line per change."""
    if not items:
        return both("history.none")
    width = max((_width(result_words(v.result)) for item in items for v in item.versions), default=0)
    lines = []
    for item in items:
        lines.append(f"{item.form_id} · {item.key or '-'} · {item.recipient or '-'}")
        for v in item.versions:
            sender = f"  {both('history.from', sender=_shown(v.sender))}" if v.sender else ""
            shown = result_words(v.result)
            shown += " " * (width - _width(shown))
            lines.append(f"  {clock_time(v.received_at, zone)}  {shown} {v.file}  (sha256 {v.sha256[:12]}){sender}")
            if v.result in NOT_TAKEN and v.detail:
                lines.append(f"      {both('history.why')}: {v.detail}")
            for c in v.changes:
                before, after = _shown_change(c.before, c.after)
                lines.append(f"      {c.pointer}: {before} → {after}")
    return "\n".join(lines)


def _shown_change(before: Any, after: Any) -> tuple[str, str]:
    """Both sides of a change as shown; two texts that begin alike for longer than the listing shows
    are shown from a little before their first difference, or they would look the same."""
    if not (isinstance(before, str) and isinstance(after, str)):
        return _shown(before), _shown(after)
    start = len(os.path.commonprefix([before, after]))
    if start < SHOWN - CONTEXT:
        return _shown(before), _shown(after)
    cut = start - CONTEXT
    while cut > 0 and unicodedata.category(before[cut]) == "Mn":  # never begin on a Thai vowel or tone mark
        cut -= 1
    return _shown("…" + before[cut:]), _shown("…" + after[cut:])


def _width(text: str) -> int:
    """The columns ``text`` takes on a terminal: a Thai vowel or tone mark above or below its letter takes none."""
    return sum(1 for ch in text if unicodedata.category(ch) != "Mn")


def _shown(value: Any) -> str:
    if value is None:
        return f"({both('history.none-value')})"
    if isinstance(value, dict):  # a table row: its values by name, not Python's notation
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    text = repr(value) if not isinstance(value, str) else value
    text = text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"  # cut first: one character for one
    return "".join(ch if ch.isprintable() else " " for ch in text)
