"""Found by a clerk whose office disk filled up (a tmpfs of 600 KB here, by hand): the run that met the
full disk said so (``… กรุณาตรวจพื้นที่ว่างของดิสก์``), now said by this one too (``ดิสก์เต็ม``), but the next scheduled run waited five seconds and
said ``sheetsync อีกรอบหนึ่ง กำลังทำงานกับสำนักงานนี้อยู่`` — another run is working on the office —
when none was: SQLite could not write the lock file's journal (``SQLITE_FULL``), and every refusal to
take the lock was read as a busy office. She would have waited for a run that did not exist.

A test cannot fill a disk without root: SQLite's own refusal is given to the lock here, as the full
disk gave it (``OperationalError('database or disk is full')``, code 13).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sheetsync.office import lock
from tests.cli import new_office, run

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,50360000-3553\n"


class _Full:
    """A lock connection on a full disk: opened, but no transaction can begin."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("BEGIN"):
            exc = sqlite3.OperationalError("database or disk is full")
            exc.sqlite_errorcode = sqlite3.SQLITE_FULL
            raise exc
        return self.real.execute(sql, *args)

    def close(self) -> None:
        self.real.close()


def test_a_full_disk_is_not_taken_for_another_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = new_office(tmp_path, ROSTER)
    connect = sqlite3.connect
    monkeypatch.setattr(lock.sqlite3, "connect", lambda *a, **k: _Full(connect(*a, **k)))
    done = run("sync", "--wait", "0", cwd=office)
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    thai = lines[0].split(" / ")[0]
    assert "อีกรอบหนึ่ง" not in thai and "ดิสก์เต็ม" in thai, done.stderr
    assert "another sheetsync run" not in lines[0] and "disk is full" in lines[0], done.stderr
