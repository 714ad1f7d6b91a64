"""Found running sync unattended: files recorded by a run that was killed never reached any digest.

Their schools were answered (the e-mails are queued in each file's transaction) and their data merged,
but the clerk's digest of the next run listed only the files that run checked. Each file a sync
records is now listed by exactly one digest: its own run's, or the next run's that queues one."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from email import message_from_bytes
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.crashpoint import CRASH_ENV
from sheetsync.identity import load_key
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

SCHOOLS = [f"s{n}" for n in range(1, 12)]


def sheetsync(cwd: Path, *args: str, crash: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command, run as a scheduled task would (killed for real at ``crash``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env["COLUMNS"] = "120"
    if crash:
        env[CRASH_ENV] = crash
    return subprocess.run([sys.executable, "-m", "sheetsync", *args], capture_output=True, text=True, timeout=300,
                          env=env, cwd=cwd)


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """An office (`sheetsync init`) with eleven schools and [mail] from set (a digest to the clerk)."""
    roster = "recipient_id,school,email\n" + "".join(f"{s},โรงเรียน {s},{s}@school.example\n" for s in SCHOOLS)
    (tmp_path / "schools.csv").write_text(roster, encoding="utf-8")
    made = sheetsync(tmp_path, "init", "district", "--roster", "schools.csv")
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "district"
    config = folder / "sheetsync.toml"
    text = config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"', 1)
    config.write_text(text.replace("settle_seconds = 2.0", "settle_seconds = 0", 1), encoding="utf-8")
    return folder


def fill(inbox: Path, form: Form, seed: dict[str, Any], schools: list[str], pdf: bool = True) -> None:
    """Each school's signed file, then a scanned PDF last (the inbox is read oldest first)."""
    for at, school in enumerate(schools):
        path = inbox / f"{school}.xlsx"
        write_template(form, path, data=seed, recipient=school, key=load_key(inbox.parent / "office.key"))
        os.utime(path, (1_700_000_000 + at, 1_700_000_000 + at))
    if pdf:
        (inbox / "scan.pdf").write_bytes(b"%PDF-1.4 a scan\n")
        os.utime(inbox / "scan.pdf", (1_700_000_100, 1_700_000_100))


def digests(office: Path) -> list[Message]:
    """The digests queued in the office's store, oldest first."""
    return digests_in(office / "sheetsync.sqlite")


def digests_in(store: Path) -> list[Message]:
    """The digests queued in ``store``, oldest first."""
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT message FROM outbox WHERE name = 'digest' ORDER BY id").fetchall()
    return [message_from_bytes(bytes(r[0]), policy=default) for r in rows]


def listed(digest: Message) -> dict[str, list[str]]:
    """The files each section of a digest lists (its digest.json)."""
    data = next(json.loads(p.get_payload(decode=True)) for p in digest.walk() if p.get_filename() == "digest.json")
    return {kind: sorted(e["file"] for e in data[kind]) for kind in ("passed", "failed", "unreadable", "reread")}


ALL = sorted(f"{s}.xlsx" for s in SCHOOLS)


def test_files_recorded_by_a_killed_run_are_in_the_next_digest(district: Path, progress_form: Form,
                                                               seed: dict[str, Any]) -> None:
    fill(district / "inbox", progress_form, seed, SCHOOLS)
    killed = sheetsync(district, "sync", crash="file-recorded:5")
    assert killed.returncode != 0 and digests(district) == []  # five recorded and answered, no digest
    again = sheetsync(district, "sync")
    assert again.returncode == 1, again.stderr  # the PDF, set aside unreadable
    [digest] = digests(district)
    assert listed(digest) == {"passed": ALL, "failed": [], "unreadable": ["scan.pdf"], "reread": []}
    assert "ผ่าน 11 · ต้องแก้ไข 0 · เปิดไม่ได้ 1" in str(digest["Subject"])
    assert "earlier run" in again.stderr


def test_a_file_set_aside_by_a_killed_run_is_in_the_next_digest_and_its_exit_code(
        district: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    fill(district / "inbox", progress_form, seed, SCHOOLS)
    killed = sheetsync(district, "sync", crash="reason-written")  # the PDF, the last file, not yet moved
    assert killed.returncode != 0 and (district / "inbox" / "scan.pdf").exists() and digests(district) == []
    again = sheetsync(district, "sync")  # nothing new to check: it only sets the PDF aside
    assert not (district / "inbox" / "scan.pdf").exists()
    [digest] = digests(district)  # sent for the earlier run's files alone
    assert listed(digest) == {"passed": ALL, "failed": [], "unreadable": ["scan.pdf"], "reread": []}
    assert again.returncode == 1, again.stdout + again.stderr  # as when the run that set it aside is this one


def test_a_normal_run_lists_its_files_once(district: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    """Its own digest lists them; the next, which also lists a killed run's files, does not again."""
    inbox = district / "inbox"
    fill(inbox, progress_form, seed, SCHOOLS[:3])
    first = sheetsync(district, "sync")
    assert first.returncode == 1, first.stderr  # the PDF
    fill(inbox, progress_form, seed, SCHOOLS[3:5], pdf=False)
    assert sheetsync(district, "sync", crash="file-recorded:2").returncode != 0
    fill(inbox, progress_form, seed, SCHOOLS[5:6], pdf=False)
    third = sheetsync(district, "sync")
    assert third.returncode == 0, third.stderr  # the PDF is the first run's, and in the first digest
    assert sheetsync(district, "sync").returncode == 0  # nothing new: no digest
    one, two = digests(district)
    assert listed(one) == {"passed": ["s1.xlsx", "s2.xlsx", "s3.xlsx"], "failed": [], "unreadable": ["scan.pdf"],
                           "reread": []}
    assert listed(two) == {"passed": ["s4.xlsx", "s5.xlsx", "s6.xlsx"], "failed": [], "unreadable": [],
                           "reread": []}


def test_a_store_from_before_lists_no_old_file_again(district: Path, progress_form: Form,
                                                     seed: dict[str, Any]) -> None:
    """Files recorded before the store kept which digest listed them are never listed (they were)."""
    inbox = district / "inbox"
    fill(inbox, progress_form, seed, SCHOOLS[:2], pdf=False)
    assert sheetsync(district, "sync", crash="file-recorded:2").returncode != 0  # two recorded, no digest
    store = district / "sheetsync.sqlite"
    with sqlite3.connect(store) as db:  # as a sheetsync of schema version 11 left it
        columns = [r[1] for r in db.execute("PRAGMA table_info(outcomes)")]
        if "digest_run" in columns:
            db.execute("DROP INDEX outcomes_undigested")
            db.execute("ALTER TABLE outcomes DROP COLUMN digest_run")
            db.execute("ALTER TABLE outcomes DROP COLUMN warnings")
        db.execute("DROP TABLE IF EXISTS sent_files")  # step 13's
        db.execute("DROP TABLE IF EXISTS waivers")  # step 14's
        db.execute("DROP TABLE IF EXISTS report_files")  # step 15's
        db.execute("DROP INDEX IF EXISTS outbox_to_join")  # step 16's
        db.execute("DROP INDEX IF EXISTS outbox_carried")
        for column in ("joins", "part", "carried_by"):
            db.execute(f"ALTER TABLE outbox DROP COLUMN {column}")
        if "month" in columns:  # step 17's
            db.execute("ALTER TABLE outcomes DROP COLUMN month")
        if "sent_by" in columns:  # step 18's
            db.execute("DROP INDEX outcomes_by_sender")
            db.execute("ALTER TABLE outcomes DROP COLUMN sent_by")
        db.execute("PRAGMA user_version=11")
    fill(inbox, progress_form, seed, SCHOOLS[2:3], pdf=False)
    again = sheetsync(district, "sync")
    assert again.returncode == 0, again.stderr
    [digest] = digests(district)
    assert listed(digest)["passed"] == ["s3.xlsx"]  # s1 (and s2, set aside now) were recorded before
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT file, digest_run FROM outcomes ORDER BY id").fetchall()
    assert rows[:2] == [("s1.xlsx", 0), ("s2.xlsx", 0)] and rows[2][0] == "s3.xlsx" and rows[2][1] > 0
    assert sheetsync(district, "sync").returncode == 0 and len(digests(district)) == 1  # never listed again


def test_a_run_stopped_by_a_full_disk_at_its_digest_leaves_its_files_to_the_next(
        tmp_path: Path, progress_form: Form, seed: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from sheetsync.errors import StoreError
    from sheetsync.mailer import MailConfig
    from sheetsync.office.store import Store
    from sheetsync.roster import Recipient
    from sheetsync.sync import SyncOptions, sync

    office, inbox = tmp_path / "office", tmp_path / "office" / "inbox"
    for school in SCHOOLS[:2]:
        write_template(progress_form, inbox / f"{school}.xlsx", data=seed, recipient=school)
    people = [Recipient(s, f"โรงเรียน {s}", f"{s}@school.example") for s in SCHOOLS]
    config = MailConfig(from_addr="office@bma.example", outbox=office / "outbox")

    def run() -> Any:
        return sync(inbox, office / "master.xlsx", report_dir=office / "reports", roster=people, config=config,
                    options=SyncOptions(settle=0, view="never"))
    real = Store.queue_mail

    def full(self: Store, sha256: str | None, run_id: int | None, name: str, message: bytes) -> int:
        if name == "digest":  # SQLite's own error, as a full disk raises it inside the transaction
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, sha256, run_id, name, message)
    monkeypatch.setattr(Store, "queue_mail", full)
    with pytest.raises(StoreError):
        run()  # the schools' e-mails were queued with their files; the digest was not
    monkeypatch.setattr(Store, "queue_mail", real)
    again = run()
    assert again.new == []
    [digest] = digests_in(office / "master.sqlite")
    assert listed(digest)["passed"] == ["s1.xlsx", "s2.xlsx"]
