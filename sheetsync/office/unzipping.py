"""A .zip dropped into the inbox (webmail's "download all" gives one) is unpacked before the inbox
is read: its spreadsheets become inbox files, each checked, recorded and answered as any dropped
file, and the zip itself is kept (``processed/``, or ``quarantine/`` with its reason when something
in it was refused). It is opened as a zip attached to an e-mail is, by
:func:`sheetsync.zipped.unzip_spreadsheets`, within the same limits.

Nothing is lost or counted twice, whenever a run stops: each member is written whole (a hidden
temporary name, flushed to disk, then renamed) before the zip leaves the inbox, so a run killed in
between finds the zip again and unpacks it again — a member whose bytes the inbox already holds
under its name (from that run) or the store already knows (read by a later run, or from this very
zip dropped twice) is not written again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..crashpoint import crash_point
from ..errors import NotAFileError
from ..files import open_regular, save_bytes
from ..messages import both, render
from ..roster import safe_filename
from ..zipped import Refusal, ZipLimits, Unzipped, unzip_spreadsheets
from .arriving import Arrivals
from .inbox import SetAside, holds, inbox_files, settled
from .listed import Listed
from .store import Store

ZIP = ".zip"


@dataclass
class Unpacked:
    """What unpacking the inbox's zips did: the zips still being copied, those refused (set aside
    in quarantine), those not read (file name → why), and the lines for the clerk."""

    waiting: list[Path] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)
    not_read: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def unpack_zips(inbox: Path, store: Store, mover: SetAside, *, limits: ZipLimits = ZipLimits(),
                settle: float = 2.0) -> Unpacked:
    """Unpack every settled .zip of ``inbox`` into it, and set each zip aside with ``mover``.

    A zip refused (damaged, too many entries, an encrypted or too big member, no spreadsheet in it)
    goes to quarantine with a Thai-first reason beside it; its other spreadsheets are still taken.
    The files written keep the zip's change time, so they are read in the order the zip arrived.

    Example::

        done = unpack_zips(Path("inbox"), store, SetAside(Path("processed"), Path("quarantine")))
    """
    done = Unpacked()
    arrivals = Arrivals(store)
    for path in inbox_files(inbox, [], {}):  # links and unreadable entries: the listing of the run says so
        if path.suffix.lower() != ZIP:
            continue
        try:
            if not settled(path, settle):
                done.waiting.append(path)
                continue
            opened = open_regular(path, follow_links=False)
        except NotAFileError as exc:
            done.problems.append(both("sync.not-a-file", file=path.name, kind=exc.kind))
            continue
        except OSError as exc:  # gone, or not ours to read: counted as not read, run after run
            done.not_read[path.name] = str(exc.strerror or exc)
            continue
        with opened:  # hashed and unpacked through this one open file
            listed = Listed.of(opened)
            opened.seek(0)
            got = unzip_spreadsheets(path.name, opened, limits)
        if _incomplete(path, got) and arrivals.still_arriving(path.name, listed):
            done.waiting.append(path)
            done.problems.append(both("sync.arriving", file=path.name))
            continue
        _unpack(path, listed, got, inbox, store, mover, done)
    return done


def _incomplete(path: Path, got: Unzipped) -> bool:
    """Whether the zip as a whole could not be opened (it may end early: a copy still running)."""
    return any(r.reason == "zip-broken" and r.name == path.name for r in got.refused)


def _unpack(path: Path, listed: Listed, got: Unzipped, inbox: Path, store: Store, mover: SetAside,
            done: Unpacked) -> None:
    """Write the spreadsheets ``got`` from the zip at ``path`` into the inbox, then set the zip aside."""
    if not got.spreadsheets and not got.refused:
        got.refused.append(Refusal(path.name, "zip-empty"))
    written: list[str] = []
    known: list[str] = []
    shas: set[str] = set()  # two members of the same bytes are one file
    try:
        for name, data in got.spreadsheets:
            placed = _place(inbox, name, data, listed.mtime_ns, store, shas)
            (written if placed is not None else known).append(placed.name if placed is not None else name)
    except OSError as exc:  # the inbox cannot be written: the zip stays, and is unpacked next run
        done.problems.append(both("sync.zip.cannot-unpack", zip=path.name, why=exc.strerror or exc))
        return
    crash_point("zip-unpacked")
    lines = [_line(path.name, r) for r in got.refused]
    if written:
        lines.append(("sync.zip.taken", {"zip": path.name, "count": len(written), "names": ", ".join(written)}))
    if known:
        lines.append(("sync.zip.known", {"zip": path.name, "names": ", ".join(known)}))
    if got.others:
        lines.append(("sync.zip.others", {"zip": path.name, "names": ", ".join(got.others)}))
    disposition = "quarantine" if got.refused else "processed"
    reason = "\n".join(render(code, lang, source="office.yaml", **params)
                       for lang in ("th", "en") for code, params in lines)
    dest = mover.move(path, disposition, reason, listed=listed)
    done.problems += [both(code, **params) for code, params in lines]
    if dest is not None:
        done.problems.append(both(f"sync.zip.{disposition}", zip=path.name, folder=dest.parent.name, name=dest.name))
    if got.refused:
        done.refused.append(path)


def _line(zip_name: str, refusal: Refusal) -> tuple[str, dict[str, Any]]:
    """The clerk's line for one refusal: the message code and its values."""
    return f"sync.zip.{refusal.reason}", {"zip": zip_name, "name": refusal.name, "detail": refusal.detail}


def _place(inbox: Path, name: str, data: bytes, mtime_ns: int, store: Store, shas: set[str]) -> Path | None:
    """Write ``data`` into the inbox under ``name`` made safe (``-2``, ``-3`` … when taken) and
    return where; or where the inbox holds these bytes under that name already (a run stopped
    before it set the zip aside wrote them). None when the store knows them, or ``shas`` has them."""
    sha = hashlib.sha256(data).hexdigest()
    if store.seen(sha) is not None or sha in shas:
        return None
    shas.add(sha)
    pure = PurePosixPath(name)
    stem, suffix, number = pure.stem, pure.suffix.lower(), 1
    dest = inbox / safe_filename(stem, suffix)
    while os.path.lexists(dest):
        if holds(dest, sha):  # written by a run stopped before it set the zip aside
            return dest
        number += 1
        dest = inbox / safe_filename(stem, f"-{number}{suffix}")
    path = save_bytes(inbox, data, lambda: dest, durable=True)
    # The zip's change time, not now: a settled zip's files are read this run, in the zip's turn.
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path
