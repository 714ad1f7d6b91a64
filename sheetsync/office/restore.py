"""Putting a backup back as the office's store (``sheetsync restore``), for a clerk whose store was lost.

Copying a backup over ``sheetsync.sqlite`` by hand goes wrong in quiet ways: a ``-wal`` file left by the
damaged store is replayed into the copy (SQLite cannot tell it belongs to another file), a sound store is
overwritten by an older one, and the files that arrived after the backup sit in ``processed/`` unknown to
the store, so the next run says "nothing new" and they are lost from the master. Here the backup is
checked first (``PRAGMA integrity_check`` and the tables of a sheetsync store), the old store and its
``-wal``/``-shm`` are moved aside (never deleted, but for one that holds nothing), the backup is copied in
with SQLite's backup API, and every set-aside file the backup does not know goes back into the inbox, to
be read again by the next run.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..clock import Zone
from ..errors import BadInputError, OfficeBusyError, OfficeError, OutputError
from ..files import open_regular, unique_name, why_not_replaced
from ..messages import both, render
from ..pipeline import sha256_from, sha256_of
from .backup import back_up
from .lock import lock_path
from .outbox import adopt_from_disk
from .schema import MIGRATIONS
from .sqlite_faults import verdict_line
from .store import Store, now
from .unzipping import ZIP

#: The tables every version of the store has had since its first (a file without them is no store of ours).
TABLES = frozenset({"runs", "files", "submissions", "current", "outcomes", "roster", "outbox", "views"})

#: The files SQLite keeps beside a store, moved aside with it (a store's -wal belongs to it alone).
BESIDE = ("-wal", "-shm", "-journal")

#: Tables whose rows a store holding nothing may have: the runs' own log, the roster as read from
#: roster.csv, the hash of the master drawn, files still settling in the inbox. All are there again
#: on disk or remade by the next run: a new ``init`` and a check run before the restore leave only these.
BOOKKEEPING = frozenset({"runs", "roster", "views", "arriving_files"})


@dataclass(frozen=True)
class Restored:
    """What ``restore`` did: the old store's files kept aside, the counts restored, the files put back."""

    #: The old store's files kept aside, the store first; none when it held nothing (removed instead).
    kept: tuple[Path, ...]
    submissions: int
    outcomes: int
    put_back: tuple[Path, ...]
    #: Mails of the outbox folder written after the backup, taken back into the store: sent, waiting.
    mails: tuple[int, int] = (0, 0)


def _a_folder(folder: Path) -> BadInputError:
    """The error for a folder given as the backup (the one the README says to keep them in), naming
    the newest backup in it: their names (``sheetsync-<date>-<time>.sqlite``) sort by time. A name
    starting with a dot is the hidden temporary of a backup cut short (``files.temp_affixes``): never one."""
    found = sorted((p for p in folder.glob("*.sqlite") if not p.name.startswith(".") and p.is_file()),
                   key=lambda p: p.name)
    if not found:
        return BadInputError(both("restore.empty-folder", backup=folder))
    return BadInputError(both("restore.folder", backup=folder, newest=found[-1]))


def check_backup(backup: Path) -> int:
    """The schema version of a backup that is whole and a sheetsync store.

    :raises BadInputError: it is missing, a folder (the newest backup in it is named), damaged, not a
        sheetsync store, or made by a newer sheetsync (naming it, Thai first).
    """
    if backup.is_dir():
        raise _a_folder(backup)
    if not backup.is_file():
        raise BadInputError(both("restore.missing", backup=backup))
    try:
        with sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True) as db:
            verdict = [str(r[0]) for r in db.execute("PRAGMA integrity_check").fetchall()]
            tables = {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as exc:
        raise BadInputError(both("restore.damaged", backup=backup, why=exc)) from exc
    if verdict != ["ok"]:
        raise BadInputError(both("restore.damaged", backup=backup, why=verdict_line(verdict)))
    if not TABLES <= tables or version < 1:
        raise BadInputError(both("restore.not-a-store", backup=backup))
    if version > len(MIGRATIONS):
        raise BadInputError(both("restore.newer", backup=backup))
    return version


def restore(backup: Path, store: Path, *, set_aside: tuple[Path, ...], inbox: Path, force: bool = False,
            zone: Zone = None, view: Path | None = None, outbox: Path | None = None) -> Restored:
    """Make the backup at ``backup`` the store at ``store``; put back into ``inbox`` each file of the
    ``set_aside`` folders (processed, quarantine) that the backup does not know.

    A sound store that holds anything is replaced only with ``force``; whatever was there is moved
    aside as ``<name>.damaged-<date>-<time>.sqlite`` (``.replaced-`` when it was sound), never deleted,
    but for a sound store holding nothing a clerk could want back (the one a new ``init`` made: no file
    recorded, no waiver, no e-mail; :data:`BOOKKEEPING` aside), which is removed.

    :param view: the office's master; rendered from the lost store after the backup was made, it is
        still the office's own view (rendered again by the next run), not one a clerk edited.
    :param outbox: the office's outbox folder: its mails written after the backup are taken back into the
        store (:func:`~sheetsync.office.outbox.adopt_from_disk`), so that none is sent twice or overwritten.

    :raises BadInputError: the backup cannot be used (:func:`check_backup`).
    :raises OfficeError: the store is sound and ``force`` is not given; the backup is the store itself.
    :raises OfficeBusyError: a run holds the office.

    Example::

        restore(Path("E:/sheetsync-20261130-171500.sqlite"), Path("district/sheetsync.sqlite"),
                set_aside=(Path("district/processed"), Path("district/quarantine")), inbox=Path("district/inbox"))
    """
    if backup.resolve() in {store.resolve(), *(Path(f"{store}{end}").resolve() for end in BESIDE)}:
        raise OfficeError(both("restore.is-the-store", backup=backup))
    check_backup(backup)
    lock = sqlite3.connect(lock_path(store), timeout=5.0, isolation_level=None)
    try:
        try:
            lock.execute("BEGIN EXCLUSIVE")  # no run may write the store while it is swapped
        except sqlite3.OperationalError as exc:
            raise OfficeBusyError(both("restore.busy", store=store)) from exc
        sound = _holds_something(store)
        if sound and not force:
            raise OfficeError(both("restore.sound", store=store))
        empty = sound is False and _holds_nothing(store)
        kept = _move_aside(store, "replaced" if sound is not None else "damaged", zone)
        made = back_up(backup, store)
        with Store(store) as db:  # brought up to this sheetsync's schema here, once
            with db.transaction() as tx:
                tx.execute("UPDATE views SET outcome_id = -1")  # the view shows the lost store: render it again
            if view is not None and view.is_file():
                db.set_view_hash(view, sha256_of(view), -1)
            mails = adopt_from_disk(db, outbox) if outbox is not None else (0, 0)
            put_back = tuple(_put_back(db, folder, inbox, backup.name) for folder in set_aside)
    finally:
        lock.close()
    if empty:  # moved aside first all the same: had the restore failed, it would be where it was
        kept = _removed(kept)
    return Restored(kept, made.submissions, made.outcomes, tuple(p for paths in put_back for p in paths), mails)


def _holds_something(store: Path) -> bool | None:
    """True for a sound store holding anything, False for a sound empty one (a new ``init``), None for
    none at all or a damaged one."""
    if not store.exists():
        return None
    try:
        with sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True) as db:
            if [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()] != ["ok"]:
                return None
            return any(db.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in ("outcomes", "submissions"))
    except sqlite3.Error:
        return None


def _holds_nothing(store: Path) -> bool:
    """Whether the sound store at ``store`` holds no row but in :data:`BOOKKEEPING` tables (checked table
    by table, so a table a later schema adds counts too); False when it cannot be read."""
    try:
        with closing(sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)) as db:
            tables = [str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                    "AND name NOT LIKE 'sqlite_%'")]
            return not any(db.execute('SELECT 1 FROM "{}" LIMIT 1'.format(t.replace('"', '""'))).fetchone()
                           for t in tables if t not in BOOKKEEPING)
    except sqlite3.Error:
        return False


def _removed(kept: tuple[Path, ...]) -> tuple[Path, ...]:
    """Delete the files of a store moved aside that held nothing; return those still there. The store
    itself goes last, so that whatever is left (a file held open) is named by it, and holds together."""
    for n in range(len(kept) - 1, -1, -1):
        try:
            kept[n].unlink()
        except OSError:
            return kept[: n + 1]
    return ()


def _move_aside(store: Path, label: str, zone: Zone) -> tuple[Path, ...]:
    """Rename the store and the files SQLite keeps beside it to one dated name, kept together."""
    if not store.exists():
        return ()
    stamp = dt.datetime.now(dt.timezone.utc).astimezone(zone).strftime("%Y%m%d-%H%M%S")
    taken = {p.name for p in store.parent.iterdir()}
    name = unique_name(f"{store.stem}.{label}-{stamp}", {n.removesuffix(store.suffix) for n in taken})
    moved: list[tuple[Path, Path]] = []
    try:
        for end in ("", *BESIDE):
            old = Path(f"{store}{end}")
            if old.exists():
                new = store.with_name(f"{name}{store.suffix}{end}")
                os.rename(old, new)  # never replaces: the name is free (checked above)
                moved.append((old, new))
    except OSError as exc:
        # Windows refuses to rename a store another program has open (its -wal too). All or nothing:
        # a backup copied in beside the old -wal would have it replayed into it, and the office left
        # with no store at all would start an empty one at the next run.
        stuck = _moved_back(moved)
        raise (_left_aside(store, exc, stuck) if stuck else _not_moved_aside(store, exc)) from exc
    return tuple(new for _, new in moved)


def _moved_back(moved: list[tuple[Path, Path]]) -> list[tuple[Path, Path]]:
    """Rename each of ``moved`` (old name, new name) back, every one tried; those that could not be."""
    stuck = []
    for old, new in reversed(moved):
        try:
            os.rename(new, old)
        except OSError:  # held again: the clerk is told where it lies (the next run must not find no store)
            stuck.append((old, new))
    return stuck


def _left_aside(store: Path, exc: OSError, stuck: list[tuple[Path, Path]]) -> OutputError:
    """The one line (Thai first) for a store moved aside in part that could not be put back: where each lies."""
    file = exc.filename or store
    moved = ", ".join(new.name for _, new in stuck)
    back = ", ".join(f"{new.name} → {old.name}" for old, new in stuck)
    th, en = (render("restore.left-aside", lang, source="office.yaml", file=file, why=why_not_replaced(exc, lang),
                     moved=moved, back=back) for lang in ("th", "en"))
    return OutputError(en, th=th)


def _not_moved_aside(store: Path, exc: OSError) -> OutputError:
    """The one line (Thai first) for a store whose files could not be moved aside: nothing was changed."""
    file = exc.filename or store
    th, en = (render("restore.not-moved-aside", lang, source="office.yaml", file=file, why=why_not_replaced(exc, lang))
              for lang in ("th", "en"))
    return OutputError(en, th=th)


def _put_back(store: Store, folder: Path, inbox: Path, backup: str) -> list[Path]:
    """Move each file of ``folder`` the store does not know (by SHA-256) into ``inbox``; a quarantine
    note (``<name>.txt`` beside its file) stays, and so does every file the store knows, and every kept
    .zip (its spreadsheets were set aside, and are put back, each on its own).

    Each is recorded as put back (table ``put_back``) before it moves: the run that reads it again
    says so, and a school is not counted as having sent it twice."""
    if not folder.is_dir():
        return []
    # Case-folded: Windows sees "S2.xlsx" and "s2.xlsx" as one file, and a rename onto it fails there.
    taken = {p.name.casefold() for p in inbox.iterdir()} if inbox.is_dir() else set()
    moved = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_symlink() or not path.is_file():
            continue
        if path.suffix == ".txt" and path.with_suffix("").is_file():
            continue  # what the run that set it aside said of it
        if path.suffix.lower() == ZIP:
            continue  # a zip dropped into the inbox, kept: never recorded, its spreadsheets were, each on its own
        with open_regular(path, follow_links=False) as handle:
            sha = sha256_from(handle)
        if store.seen(sha):
            continue
        inbox.mkdir(parents=True, exist_ok=True)
        name, n = path.name, 2
        while name.casefold() in taken:  # s2.xlsx → s2-2.xlsx: the extension says what it is
            name, n = f"{path.stem}-{n}{path.suffix}", n + 1
        taken.add(name.casefold())
        target = inbox / name
        with store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO put_back (sha256, name, backup, at) VALUES (?, ?, ?, ?)",
                       (sha, name, backup, now()))
        os.rename(path, target)
        moved.append(target)
    return moved
