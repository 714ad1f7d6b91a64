"""The office's store of record: one SQLite file (standard library ``sqlite3``, WAL mode).

It keeps what a workbook cannot: every submission ever accepted with its full data (never
overwritten), every outcome (merged, replaced, unchanged, superseded, refused, quarantined, and
why), the files already seen (by SHA-256), the roster (and, as last listed, whoever was taken off
it), the outbox of e-mails, the clerk's waivers (:mod:`.waivers`), and the hash of the last master view rendered. One transaction per file (:meth:`Store.transaction`): a process killed
at any moment leaves the store as it was before or after that file, never between.

The schema is created and upgraded by :data:`sheetsync.office.schema.MIGRATIONS`, one step per
``PRAGMA user_version``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..files import file_identity
from ..mailer import attached_spreadsheets
from ..roster import Recipient
from .rows import OutcomeRow as OutcomeRow, Stored as Stored, now as now  # where they were always imported from
from .schema import MIGRATIONS
from .sqlite_faults import store_error, store_said

#: Seconds a writer waits for another one's transaction before giving up.
BUSY_TIMEOUT = 30.0


class Store:
    """An open store; use as a context manager, or call :meth:`close`.

    Example::

        with Store("office/sheetsync.sqlite") as store:
            for sub in store.current():
                print(sub.recipient, sub.key, len(sub.data.get("reports", [])))
    """

    def __init__(self, path: str | Path, *, timeout: float = BUSY_TIMEOUT) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self._use_wal(timeout)
            self.db.execute("PRAGMA synchronous=FULL")  # committed means on disk, before a file moves
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self.file_id = file_identity(self.path)  # what a run waiting for the office checks it still names
        except (sqlite3.Error, OSError) as exc:
            raise store_error(self.path, exc, "store.cannot-open") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _use_wal(self, timeout: float) -> None:
        """Switch the store to WAL, waiting up to ``timeout`` for another run opening it too.

        SQLite answers a switch that meets another connection's lock with "locked" at once, without
        its busy handler: two runs starting together on a new office would otherwise stop there.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if int(self.db.execute("PRAGMA user_version").fetchone()[0]) < number:
                    for statement in filter(str.strip, script.split(";")):
                        self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version={number}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception); waits for other writers.

        :raises StoreError: SQLite failed inside the block (a damaged page, a full disk), after the rollback.
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise store_said("store.busy", self.path, exc) from exc
        try:
            yield self.db
        except BaseException as exc:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                if not isinstance(exc, sqlite3.Error):  # else the first error says more than the rollback's
                    raise
            if isinstance(exc, sqlite3.Error):  # a damaged page met mid-way: one line, not a traceback
                raise store_error(self.path, exc, "store.cannot-write") from exc
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise store_said("store.cannot-commit", self.path, exc) from exc

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """Rows of a read-only query (wrapped so that a store failure is a :class:`StoreError`)."""
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise store_error(self.path, exc, "store.cannot-read") from exc

    # Files and outcomes --------------------------------------------------------------------------

    def seen(self, sha256: str) -> str | None:
        """Where a file with these bytes was set aside (``processed`` / ``quarantine``), if seen."""
        rows = self.query("SELECT disposition FROM files WHERE sha256 = ?", (sha256,))
        return str(rows[0][0]) if rows else None

    def add_file(self, sha256: str, name: str, size: int, run_id: int | None, outcome_id: int,
                 disposition: str, *, reason: str = "", set_aside: bool = False) -> None:
        """Remember a file's bytes (inside the file's transaction), to be set aside under ``name``
        (with ``reason`` beside it in quarantine) unless ``set_aside`` says it is already."""
        self.db.execute("INSERT OR IGNORE INTO files (sha256, name, size, received_at, run_id, outcome_id, "
                        "disposition, reason, set_aside_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (sha256, name, size, now(), run_id, outcome_id, disposition, reason,
                         now() if set_aside else None))

    def not_set_aside(self, sha256: str) -> tuple[str, str, str] | None:
        """``(name, disposition, reason)`` of a recorded file not yet moved out of the inbox."""
        rows = self.query("SELECT name, disposition, reason FROM files WHERE sha256 = ? AND set_aside_at IS NULL",
                          (sha256,))
        return (str(rows[0][0]), str(rows[0][1]), str(rows[0][2])) if rows else None

    def names_not_set_aside(self) -> set[tuple[str, str]]:
        """``(disposition, name)`` of each recorded file still waiting to be moved out of the inbox:
        names given, that no other file may take."""
        return {(str(d), str(n)) for n, d in self.query("SELECT name, disposition FROM files WHERE set_aside_at IS NULL")}

    def mark_set_aside(self, sha256: str, name: str) -> None:
        """Record that a file was moved out of the inbox, as ``name`` (the store's name follows it
        when it had to differ from the one recorded, and the view shows it at its next rendering)."""
        with self.transaction() as db:
            old = db.execute("SELECT name FROM files WHERE sha256 = ?", (sha256,)).fetchone()
            db.execute("UPDATE files SET set_aside_at = ?, name = ? WHERE sha256 = ?", (now(), name, sha256))
            if old is not None and old[0] != name:
                for table in ("outcomes", "submissions"):
                    db.execute(f"UPDATE {table} SET file = ? WHERE sha256 = ? AND file = ?", (name, sha256, old[0]))
                # Every view names the old one: each is stale (kept, with its hash, so that a view no
                # one touched is not taken for one a clerk edited when it is rendered again).
                db.execute("UPDATE views SET outcome_id = -1")

    def add_outcome(self, row: dict[str, Any]) -> int:
        """Insert an outcome (keys as the table's columns, ``changes`` a list); returns its id."""
        values = {**row, "changes": json.dumps(list(row.get("changes", ())), ensure_ascii=False)}
        names = ", ".join(values)
        cursor = self.db.execute(f"INSERT INTO outcomes ({names}) VALUES ({', '.join('?' * len(values))})",
                                 tuple(values.values()))
        return int(cursor.lastrowid or 0)

    def outcomes(self, where: str = "1", params: tuple[Any, ...] = ()) -> list[OutcomeRow]:
        """Outcomes matching an SQL condition, oldest first."""
        rows = self.query(f"SELECT id, sha256, file, received_at, result, code, detail, form_id, form_version, "
                          f"template_id, recipient, key, submission_id, changes, errors, month FROM outcomes "
                          f"WHERE {where} ORDER BY id", params)
        return [OutcomeRow(int(r[0]), r[1] or "", r[2], r[3], r[4], r[5], r[6], r[7] or "", r[8] or "", r[9] or "",
                           r[10] or "", r[11] or "", r[12], tuple(json.loads(r[13] or "[]")), int(r[14] or 0),
                           r[15] or "")
                for r in rows]

    # Submissions ---------------------------------------------------------------------------------

    def add_submission(self, sub: Stored) -> int:
        """Insert an accepted submission (its ``id`` is ignored); returns the new id."""
        cursor = self.db.execute(
            "INSERT INTO submissions (sha256, form_id, form_version, template_id, recipient, key, issued_at, "
            "received_at, file, data, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sub.sha256, sub.form_id, sub.form_version, sub.template_id, sub.recipient, sub.key, sub.issued_at,
             sub.received_at, sub.file, json.dumps(sub.data, ensure_ascii=False, sort_keys=True),
             json.dumps(list(sub.warnings), ensure_ascii=False)))
        return int(cursor.lastrowid or 0)

    def set_current(self, sub_id: int, form_id: str, key: str, recipient: str) -> None:
        """Make a submission the one the master shows for its key."""
        self.db.execute("INSERT OR REPLACE INTO current VALUES (?, ?, ?, ?)", (form_id, key, recipient, sub_id))

    def current_of(self, form_id: str, key: str, recipient: str) -> Stored | None:
        """The submission the master shows for a key, if any."""
        rows = self.query(f"{_SELECT_SUB} JOIN current c ON c.submission_id = s.id "
                          "WHERE c.form_id = ? AND c.key = ? AND c.recipient = ?", (form_id, key, recipient))
        return _stored(rows[0]) if rows else None

    def current(self) -> Iterator[Stored]:
        """Every key's current submission, ordered by form, key and recipient (streamed)."""
        return self._streamed(f"{_SELECT_SUB} JOIN current c ON c.submission_id = s.id "
                              "ORDER BY c.form_id, c.key, c.recipient")

    def versions_by_key(self) -> Iterator[Stored]:
        """Every stored submission ordered by form, key, recipient and arrival (streamed): each key's
        versions together, oldest first, the keys as :meth:`current` orders them."""
        return self._streamed(f"{_SELECT_SUB} ORDER BY s.form_id, s.key, s.recipient, s.id")

    def chosen(self, ids: Iterable[int]) -> Iterator[Stored]:
        """The submissions of ``ids``, one a key, ordered as :meth:`current` orders its keys
        (streamed): only those are read, however many versions the store keeps beside them."""
        # One parameter whatever the count (SQLite bounds a statement's parameters).
        return self._streamed(f"{_SELECT_SUB} WHERE s.id IN (SELECT value FROM json_each(?)) "
                              "ORDER BY s.form_id, s.key, s.recipient, s.id", (json.dumps(sorted(ids)),))

    def submission(self, sub_id: int) -> Stored | None:
        """The stored submission of id ``sub_id``, if any."""
        rows = self.query(f"{_SELECT_SUB} WHERE s.id = ?", (sub_id,))
        return _stored(rows[0]) if rows else None

    def query_streamed(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[Any]:
        """Rows of a read-only query one at a time, as SQLite finds them (:meth:`query` holds them all);
        a failure, met at any row, is a :class:`StoreError` as :meth:`query` raises it."""
        try:
            yield from self.db.execute(sql, params)
        except sqlite3.Error as exc:
            raise store_error(self.path, exc, "store.cannot-read") from exc

    def _streamed(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[Stored]:
        try:
            for row in self.db.execute(sql, params):
                yield _stored(row)
        except sqlite3.Error as exc:
            raise store_said("store.cannot-read", self.path, exc) from exc

    def versions(self, where: str = "1", params: tuple[Any, ...] = ()) -> list[Stored]:
        """Every stored submission matching an SQL condition on ``s``, oldest first."""
        return [_stored(r) for r in self.query(f"{_SELECT_SUB} WHERE {where} ORDER BY s.id", params)]

    # Roster, outbox, views, runs -----------------------------------------------------------------

    def roster(self) -> list[Recipient]:
        """The roster last given, in its order."""
        rows = self.query("SELECT recipient_id, school, email, project_code, extra FROM roster ORDER BY position")
        return [Recipient(r[0], r[1] or "", r[2] or "", r[3] or "", json.loads(r[4] or "{}")) for r in rows]

    def set_roster(self, roster: list[Recipient]) -> bool:
        """Replace the roster (its own transaction); True when it changed. Whoever it no longer lists is
        kept in ``roster_left`` as last listed (:meth:`roster_left`)."""
        if roster == self.roster() and [r.extra for r in roster] == [r.extra for r in self.roster()]:
            return False
        before, kept = self.roster(), {r.id for r in roster}
        with self.transaction() as db:
            # Who leaves is remembered as last listed (its name names its data); who comes back is listed again.
            db.executemany("INSERT OR REPLACE INTO roster_left VALUES (?, ?, ?, ?, ?, ?)",
                           [(r.id, r.school, r.email, r.project_code, json.dumps(r.extra, ensure_ascii=False), now())
                            for r in before if r.id not in kept])
            db.executemany("DELETE FROM roster_left WHERE recipient_id = ?", [(r.id,) for r in roster])
            db.execute("DELETE FROM roster")
            db.executemany("INSERT INTO roster VALUES (?, ?, ?, ?, ?, ?)",
                           [(n, r.id, r.school, r.email, r.project_code, json.dumps(r.extra, ensure_ascii=False))
                            for n, r in enumerate(roster)])
        return True

    def roster_left(self) -> dict[str, str]:
        """Recipient id → school name of everyone taken off the roster, as the roster last listed it
        ('' for a name it did not give)."""
        return {who: r.school for who, r in self.roster_left_people().items()}

    def roster_left_people(self) -> dict[str, Recipient]:
        """Recipient id → everyone taken off the roster, as the roster last listed them (name, network …)."""
        rows = self.query("SELECT recipient_id, school, email, project_code, extra FROM roster_left")
        return {str(r[0]): Recipient(r[0], r[1] or "", r[2] or "", r[3] or "", json.loads(r[4] or "{}")) for r in rows}

    def known_recipients(self) -> set[str]:
        """Every recipient id the office has known: listed on a roster, or named by a file it took (a
        refused file's is left out: nothing vouches for what it claims)."""
        rows = self.query("SELECT recipient_id FROM roster UNION SELECT recipient_id FROM roster_left "
                          "UNION SELECT recipient FROM submissions")
        return {str(r[0]) for r in rows if r[0]}

    def queue_mail(self, sha256: str | None, run_id: int | None, name: str, message: bytes) -> int:
        """Queue one e-mail (inside the transaction of the file it is about)."""
        cursor = self.db.execute("INSERT INTO outbox (sha256, run_id, name, message, queued_at) VALUES (?, ?, ?, ?, ?)",
                                 (sha256, run_id, name, message, now()))
        self.db.executemany("INSERT OR IGNORE INTO sent_files (sha256, name, at) VALUES (?, ?, ?)",
                            [(digest, file, now()) for digest, file in attached_spreadsheets(message).items()])
        return int(cursor.lastrowid or 0)

    def mails(self, state: str) -> list[tuple[int, str, bytes, str | None]]:
        """``(id, name, message, written path)`` of mails not yet ``written`` or not yet ``sent`` (an
        answer another e-mail carries is that e-mail's: office/joining.py)."""
        column = {"written": "written_at", "sent": "sent_at"}[state]
        return [(int(r[0]), str(r[1]), bytes(r[2]), r[3]) for r in
                self.query(f"SELECT id, name, message, written_path FROM outbox WHERE {column} IS NULL "
                           "AND carried_by IS NULL ORDER BY id")]

    def written_names(self) -> set[str]:
        """The file names of every mail written to the outbox folder from the store."""
        return {Path(str(r[0])).name for r in self.query("SELECT written_path FROM outbox WHERE written_path IS NOT NULL")}

    def mark_mail(self, mail_id: int, state: str, path: str | None = None) -> None:
        """Record that a mail was written to the outbox folder (with its path) or sent — and so each
        answer it carries (office/joining.py)."""
        with self.transaction() as db:
            if state == "written":
                db.execute("UPDATE outbox SET written_at = ?, written_path = ? WHERE id = ? OR carried_by = ?",
                           (now(), path, mail_id, mail_id))
            else:
                db.execute("UPDATE outbox SET sent_at = ? WHERE id = ? OR carried_by = ?", (now(), mail_id, mail_id))

    def view_hash(self, path: Path) -> str | None:
        """The SHA-256 of the view last rendered at ``path`` — or, where none ever was, at the latest
        path of the same name: the views are kept by absolute path, and an office folder moved or
        copied whole (another computer, a new drive) still holds the view it had, untouched."""
        rows = self.query("SELECT sha256 FROM views WHERE path = ?", (str(path.resolve()),))
        if not rows:
            rows = [r for r in self.query("SELECT path, sha256 FROM views ORDER BY rendered_at DESC")
                    if Path(str(r[0])).name == path.name][:1]
            return str(rows[0][1]) if rows else None
        return str(rows[0][0])

    def set_view_hash(self, path: Path, sha256: str, outcome_id: int) -> None:
        """Remember what was rendered at ``path``, from the outcomes up to ``outcome_id``."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO views VALUES (?, ?, ?, ?)",
                       (str(path.resolve()), sha256, now(), outcome_id))

    def last_outcome_id(self) -> int:
        """The id of the latest outcome (0 when there is none)."""
        return int(self.query("SELECT COALESCE(MAX(id), 0) FROM outcomes")[0][0])

    def mark_view_stale(self, path: Path) -> None:
        """Make the view at ``path`` due at the next run (kept, with its hash: the view no one
        touched must not be taken for one a clerk edited): a rendering was due and failed."""
        with self.transaction() as db:
            db.execute("UPDATE views SET outcome_id = -1 WHERE path = ?", (str(path.resolve()),))

    def view_is_stale(self, path: Path) -> bool:
        """True when ``path`` was never rendered from this store or outcomes were recorded since."""
        rows = self.query("SELECT outcome_id FROM views WHERE path = ?", (str(path.resolve()),))
        return not rows or int(rows[0][0]) < self.last_outcome_id()

    def start_run(self, command: str, pid: int, host: str) -> int:
        """Record the start of a run; returns its id."""
        with self.transaction() as db:
            # Called holding the office's lock: an unfinished run before it was killed.
            db.execute("UPDATE runs SET finished_at = 'interrupted' WHERE finished_at IS NULL")
            cursor = db.execute("INSERT INTO runs (command, pid, host, started_at) VALUES (?, ?, ?, ?)",
                                (command, pid, host, now()))
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int) -> None:
        """Record the end of a run."""
        with self.transaction() as db:
            db.execute("UPDATE runs SET finished_at = ? WHERE id = ?", (now(), run_id))

    def last_run(self) -> tuple[str, int, str, str] | None:
        """``(command, pid, host, started_at)`` of the latest unfinished run, if any."""
        rows = self.query("SELECT command, pid, host, started_at FROM runs WHERE finished_at IS NULL "
                          "ORDER BY id DESC LIMIT 1")
        return (str(rows[0][0]), int(rows[0][1] or 0), str(rows[0][2]), str(rows[0][3])) if rows else None


_SELECT_SUB = ("SELECT s.id, s.sha256, s.form_id, s.form_version, s.template_id, s.recipient, s.key, s.issued_at, "
               "s.received_at, s.file, s.data, s.warnings FROM submissions s")


def _stored(row: Any) -> Stored:
    return Stored(int(row[0]), row[1], row[2], row[3] or "", row[4] or "", row[5], row[6], row[7] or "", row[8],
                  row[9], json.loads(row[10]), tuple(json.loads(row[11] or "[]")))


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds a lock (worth waiting for)."""
    # SQLITE_BUSY and SQLITE_LOCKED, extended codes included (the low byte is the primary code).
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
