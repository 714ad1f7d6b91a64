"""A run that waited for the office while ``sheetsync restore`` held it stops, writing nothing: the
store it opened before waiting was moved aside meanwhile, and what it wrote there would be lost."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path


from sheetsync.errors import OfficeBusyError
from sheetsync.office.lock import lock_path, run_lock
from sheetsync.office.store import Store


def test_a_run_waiting_while_the_store_is_replaced_stops_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sheetsync.sqlite"
    Store(path).close()
    holder = sqlite3.connect(lock_path(path), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # restore holds the office
    outcome: list[BaseException | int] = []
    waiting = Store(path)

    def sync() -> None:
        try:
            with run_lock(waiting, "sync", wait=30) as run_id:
                outcome.append(run_id)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            outcome.append(exc)

    thread = threading.Thread(target=sync)
    thread.start()
    aside = tmp_path / "sheetsync.replaced.sqlite"
    for end in ("", "-wal", "-shm"):  # what restore does: the old store aside, the backup in its place
        if Path(f"{path}{end}").exists():
            os.replace(f"{path}{end}", f"{aside}{end}")
    Store(path).close()
    holder.rollback()
    holder.close()
    thread.join(timeout=60)
    waiting.close()
    assert len(outcome) == 1 and isinstance(outcome[0], OfficeBusyError), outcome
    assert str(outcome[0]).startswith(f"{path}: ที่เก็บข้อมูลถูกกู้คืน")
    with sqlite3.connect(aside) as old:
        assert old.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0  # nothing written to the old file


def test_a_run_that_did_not_wait_is_not_stopped(tmp_path: Path) -> None:
    with Store(tmp_path / "sheetsync.sqlite") as store, run_lock(store, "sync") as run_id:
        assert run_id >= 1
