"""Every version received per key, and what changed between them (``sheetsync history``).

The listing is read from the store as it is written (:func:`history_lines`): one version's data and
the one before it (what its changes are against) are held at a time, whatever the store's size.
"""

from __future__ import annotations

import os.path
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..check.coerce import ascii_digits
from ..clock import Zone, clock_time
from ..master.changes import changed_pointers
from ..master.model import result_words
from ..messages import both
from ..spec.form import Form
from ..spec.pointers import lookup
from .mailbox import senders
from .said_change import change_label, change_value, form_or_none
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
    #: The roster school whose address mailed a file that names no school (not the office's form)
    sent_by: str = ""


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
    The whole list is in memory: :func:`history_lines` lists a store of any size.

    Example::

        for item in history(store, recipient="school-01"):
            for version in item.versions:
                print(version.received_at, version.file, [c.pointer for c in version.changes])
    """
    items: list[KeyHistory] = []
    for k, version in versions(store, recipient=recipient, key=key):
        if not items or (items[-1].form_id, items[-1].key, items[-1].recipient) != k:
            items.append(KeyHistory(*k))
        items[-1].versions.append(version)
    return items


def versions(store: Store, *, recipient: str | None = None, key: str | None = None
             ) -> Iterator[tuple[tuple[str, str, str], Version]]:
    """Each version :func:`history` lists, with its key ``(form_id, key, recipient)``, in the same
    order (keys sorted, each key's versions oldest first), read from the store as it goes: only the
    version being read and the data of the one before it (what its changes are against) are held.

    Example::

        for (form_id, code, who), version in versions(store, key="50360000-3553"):
            print(who, version.file, len(version.changes))
    """
    return _versions(store, *_where(store, recipient, key))


def _versions(store: Store, where: str, params: tuple[str, ...]) -> Iterator[tuple[tuple[str, str, str], Version]]:
    """:func:`versions` of the outcomes matching ``where``."""
    # Keys are ordered as Python orders them: no key or recipient (NULL) is the same as an empty one,
    # and SQLite's byte order of UTF-8 text is the order of its code points.
    # A version's data is the submission its key stored with its file's bytes, never another key's: sync
    # stores a file's bytes once, under one key, but the listing does not rest on that. Found by
    # the key's own index (submissions_by_key), among that key's versions alone: an index by sha256 was
    # measured and not added (docs/development.md, history).
    rows = store.query_streamed(
        "SELECT o.sha256, o.file, o.received_at, o.result, o.detail, COALESCE(o.form_id, ''), "
        "COALESCE(o.key, ''), COALESCE(o.recipient, ''), (SELECT MAX(s.id) FROM submissions s "
        "WHERE s.form_id = COALESCE(o.form_id, '') AND s.key = COALESCE(o.key, '') "
        "AND s.recipient = COALESCE(o.recipient, '') AND s.sha256 = o.sha256), o.sent_by "
        f"FROM outcomes o WHERE {where} ORDER BY 6, 7, 8, o.id", params)
    k_before: tuple[str, str, str] | None = None
    before: dict[str, Any] | None = None
    for sha, file, received_at, result, detail, form_id, code, who, sub_id, sent_by in rows:
        k = (form_id, code, who)
        if k != k_before:
            k_before, before = k, None
        stored = store.submission(sub_id) if sub_id is not None else None
        changes: tuple[Change, ...] = ()
        if stored is not None:
            if before is not None:
                changes = tuple(Change(p, lookup(before, p), lookup(stored.data, p))
                                for p in changed_pointers(before, stored.data))
            before = stored.data
        sender = senders(store, [sha]).get(sha, ("", ""))[0] if sha else ""
        yield k, Version(received_at, file, sha or "", result, detail, stored.issued_at if stored else "", changes,
                         sender, sent_by or "")


def _where(store: Store, recipient: str | None, key: str | None) -> tuple[str, tuple[str, ...]]:
    """The condition on ``outcomes`` (and its parameters) of the versions asked for."""
    where, params = ["form_id != ''"], []
    if recipient is not None:
        ids = recipients_matching(store, recipient) or [recipient.strip()]
        marks = ", ".join("?" * len(ids))
        # Also the files its address mailed that name no school (not the office's form): the office knows
        # who sent them, never whose they say they are
        # (sent_by != '' said, or SQLite does not use the index of those files alone: outcomes_by_sender)
        where.append(f"(recipient IN ({marks}) OR (sent_by IN ({marks}) AND sent_by != '' "
                     "AND COALESCE(recipient, '') = ''))")
        params += ids + ids
    if key is not None:
        # As typed, and with its digits in ASCII (a code in Thai digits is stored so, read from any file);
        # a school's code also names each of its periods (a monthly form's key is "code · year · month").
        asked = list(dict.fromkeys([key.strip(), ascii_digits(key.strip())]))
        where.append("(" + " OR ".join(["(key = ? OR substr(key, 1, length(?) + 3) = ? || ' · ')"] * len(asked)) + ")")
        params += [k for k in asked for _ in range(3)]
    return " AND ".join(where), tuple(params)


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
    if store.query("SELECT 1 FROM outcomes WHERE recipient = ? OR (sent_by = ? AND sent_by != '') LIMIT 1",
                   (typed, typed)):
        return [typed]
    folded = typed.casefold()  # a school whose only files named none is known by the address that sent them
    known = store.query("SELECT recipient FROM outcomes WHERE recipient != '' "
                        "UNION SELECT sent_by FROM outcomes WHERE sent_by != ''")
    return sorted(r for (r,) in known if r.casefold() == folded)


def render_history(items: list[KeyHistory], zone: Zone = None, forms_dirs: Iterable[Path] = ()) -> str:
    """The history as text: a heading per key, a line per version (when, in ``zone`` — None: this
    computer's —, its result Thai then English), why a file was not taken, and an indented line per change
    (in the words of its form, found also in ``forms_dirs``).

    The text of :func:`history_lines`, of versions already in memory."""
    if not items:
        return both("history.none")
    width = max((_width(result_words(v.result)) for item in items for v in item.versions), default=0)
    lines = []
    for item in items:
        lines.append(_heading((item.form_id, item.key, item.recipient)))
        form = form_or_none(item.form_id, forms_dirs)
        for v in item.versions:
            lines += _version_lines(v, width, zone, form)
    return "\n".join(lines)


def history_lines(store: Store, *, recipient: str | None = None, key: str | None = None,
                  zone: Zone = None, forms_dirs: Iterable[Path] = ()) -> Iterator[str]:
    """The lines of :func:`render_history` for the versions :func:`history` finds, each as soon as
    its version is read: the memory it takes does not grow with the store. ``forms_dirs``: where the
    office keeps forms of its own (their changes are said in their words).

    Example::

        for line in history_lines(store, recipient="school-01"):
            print(line)
    """
    where, params = _where(store, recipient, key)
    # The results' column is as wide as the widest result listed: the few results there are say it first.
    results = store.query(f"SELECT DISTINCT result FROM outcomes WHERE {where}", params)
    width = max((_width(result_words(r)) for (r,) in results), default=0)
    k_before: tuple[str, str, str] | None = None
    form = None
    from .waivers import school_names  # (its module reads the master's headings)

    names = school_names(store)  # the roster's, and of those taken off it: the clerk knows schools by name
    for k, version in _versions(store, where, params):
        if k != k_before:
            yield _heading(k, names.get(k[2], ""))
            form = form_or_none(k[0], forms_dirs) if k_before is None or k[0] != k_before[0] else form
        yield from _version_lines(version, width, zone, form)
        k_before = k
    if k_before is None:
        yield both("history.none")
    yield from _waiver_lines(store, recipient, key, zone)


def _waiver_lines(store: Store, recipient: str | None, key: str | None, zone: Zone) -> Iterator[str]:
    """The waivers (``sheetsync waive``) of the schools and project asked for, undone ones too: what made
    a line of theirs say ยกเว้น, who decided it, when and why."""
    from .waivers import code_of, school_names, waiver_line, waivers  # (its module reads the master's headings)

    made, code = waivers(store), code_of(key) if key is not None else None
    # The ids whose files the listing shows (found as :func:`recipients_matching` finds them: two ids that
    # differ only in case are two schools), else, for a school that never sent a file, its waivers' ids so found
    ids = set(recipients_matching(store, recipient) or _matching({w.recipient for w in made}, recipient)) \
        if recipient is not None else None
    shown = [w for w in made if (ids is None or w.recipient in ids) and (code is None or w.code == code)]
    if shown:
        yield both("history.waivers")
    names = school_names(store) if shown else {}
    for waiver in shown:
        yield f"  {waiver_line(waiver, names.get(waiver.recipient, ''), zone)}"


def _matching(known: set[str], typed: str) -> list[str]:
    """Those of ``known`` ids that ``typed`` names, as :func:`recipients_matching` finds them."""
    typed = typed.strip()
    return [typed] if typed in known else sorted(r for r in known if r.casefold() == typed.casefold())


def _heading(k: tuple[str, str, str], school: str = "") -> str:
    """A key's heading: its form, key and recipient (``-`` for none), and the recipient's ``school``."""
    form_id, code, recipient = k
    return f"{form_id} · {code or '-'} · {' '.join(filter(None, [recipient or '-', _shown(school) if school else '']))}"


def _version_lines(v: Version, width: int, zone: Zone, form: Form | None = None) -> Iterator[str]:
    """A version's line (its result padded to ``width`` columns), why it was not taken, its changes
    (each named and shown as ``form`` prints it; by pointer when the form is not known here)."""
    sender = f"  {both('history.from', sender=_shown(v.sender))}" if v.sender else ""
    sender += f"  {both('history.sent-by', school=_shown(v.sent_by))}" if v.sent_by else ""
    shown = result_words(v.result)
    shown += " " * (width - _width(shown))
    yield f"  {clock_time(v.received_at, zone)}  {shown} {v.file}  (sha256 {v.sha256[:12]}){sender}"
    if v.result in NOT_TAKEN and v.detail:
        yield f"      {both('history.why')}: {v.detail}"
    for c in v.changes:
        before, after = _shown_change(change_value(form, c.pointer, c.before), change_value(form, c.pointer, c.after))
        yield f"      {change_label(form, c.pointer)}: {before} → {after}"


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
