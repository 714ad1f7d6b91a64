"""Getting the office running again from a backup: a damaged store met by a run, and ``sheetsync restore``."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import typer

from sheetsync.messages import render
from sheetsync.office.schema import MIGRATIONS
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_master_support import at, seed_data, variant
from tests.test_office import in_office



def mailing(office: Path) -> Path:
    """The office with a sender address (so reports are e-mailed) and no settling time."""
    toml = office / "sheetsync.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0")
                    .replace('from = ""', 'from = "office@bma.example"'), encoding="utf-8")
    return office


def arrive(form: Form, office: Path, recipient: str, day: int) -> None:
    write_template(form, office / "inbox" / f"{recipient}.xlsx", data=variant(seed_data(), reports=5),
                   recipient=recipient, issued=at(day))


def backed_up_then_more(app: typer.Typer, office: Path, form: Form, usb: Path) -> Path:
    """s1 synced, a backup to ``usb``, then s2 synced after it: the backup's path."""
    mailing(office)
    arrive(form, office, "s1", 40)
    assert in_office(app, office, "sync").exit_code == 0
    assert in_office(app, office, "backup", str(usb)).exit_code == 0
    arrive(form, office, "s2", 41)
    assert in_office(app, office, "sync").exit_code == 0
    return usb


def mails_to(office: Path, recipient: str) -> list[Path]:
    """Every report e-mail to ``recipient`` written into the outbox (waiting or sent)."""
    return [p for p in (office / "outbox").rglob("*.eml") if f"head@{recipient}.example" in p.read_text("utf-8", "replace")]


def recipients(store: Path) -> list[str]:
    with Store(store) as db:
        return sorted(s.recipient for s in db.current())


def test_a_damaged_store_stops_a_run_in_thai_pointing_at_restore(app: typer.Typer, office: Path,
                                                                  progress_form: Form) -> None:
    mailing(office)
    arrive(progress_form, office, "s1", 40)
    assert in_office(app, office, "sync").exit_code == 0
    store = office / "sheetsync.sqlite"
    with sqlite3.connect(store) as db:  # everything in the file itself, then cut in half
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])
    arrive(progress_form, office, "s2", 41)
    before = sorted(p.relative_to(office) for p in office.rglob("*"))
    for command in ("sync", "history", "master"):
        done = in_office(app, office, command)
        assert done.exit_code == 3, (command, done.output)
        line = done.output.strip()
        assert len(line.splitlines()) == 1 and "Traceback" not in line, line
        assert line.startswith("sheetsync: ") and "\u0e00" <= line[len("sheetsync: ")] <= "\u0e7f", line
        assert "sheetsync restore" in line and "sheetsync.sqlite" in line, line
    assert sorted(p.relative_to(office) for p in office.rglob("*")) == before  # nothing moved, nothing written
    assert store.read_bytes() == data[: len(data) // 2]


def test_restore_brings_back_the_office_and_rereads_what_came_after_the_backup(
        app: typer.Typer, office: Path, progress_form: Form, tmp_path: Path) -> None:
    usb = backed_up_then_more(app, office, progress_form, tmp_path / "usb" / "b.sqlite")
    assert len(mails_to(office, "s1")) == 1 and len(mails_to(office, "s2")) == 1
    store = office / "sheetsync.sqlite"
    store.write_bytes(b"\0" * 4096)  # the disk garbled the store; its -wal is left beside it
    done = in_office(app, office, "restore", str(usb))
    assert done.exit_code == 0, done.output
    assert "sheetsync sync" in done.output and "office.key" in done.output
    kept = [p for p in office.iterdir() if p.name.startswith("sheetsync.damaged-")]
    assert kept and any(p.read_bytes() == b"\0" * 4096 for p in kept)  # never deleted
    assert not Path(f"{store}-wal").exists()  # the damaged store's log may not be replayed into the copy
    assert (office / "inbox" / "s2.xlsx").exists() and (office / "processed" / "s1.xlsx").exists()
    again = in_office(app, office, "sync")
    assert again.exit_code == 0, again.output
    assert recipients(store) == ["s1", "s2"]  # nothing lost ...
    with Store(store) as db:
        assert len(db.versions()) == 2 and len(db.outcomes()) == 2  # ... nor doubled
    assert len(mails_to(office, "s1")) == 1  # s1 (in the backup) is not written to again
    assert len(mails_to(office, "s2")) == 1  # s2 was answered once: its re-read is not a second e-mail
    shown = in_office(app, office, "history", "--recipient", "s2")
    assert shown.exit_code == 0 and "s2.xlsx" in shown.output
    from sheetsync.master import read_master
    assert sorted(k.recipient for k in read_master(office / "master.xlsx").records) == ["s1", "s2"]
    # The view rendered after the backup is the office's own, not a clerk's edit: rendered again, not kept aside.
    assert not list(office.glob("master.edited-*.xlsx"))


def test_restore_refuses_a_healthy_store_without_force(app: typer.Typer, office: Path, progress_form: Form,
                                                       tmp_path: Path) -> None:
    usb = backed_up_then_more(app, office, progress_form, tmp_path / "b.sqlite")
    store = office / "sheetsync.sqlite"
    refused = in_office(app, office, "restore", str(usb))
    assert refused.exit_code == 2 and "--force" in refused.output, refused.output
    assert recipients(store) == ["s1", "s2"]
    forced = in_office(app, office, "restore", str(usb), "--force")
    assert forced.exit_code == 0, forced.output
    [kept] = [p for p in office.iterdir() if p.name.startswith("sheetsync.replaced-") and p.suffix == ".sqlite"]
    assert recipients(kept) == ["s1", "s2"] and recipients(store) == ["s1"]


def test_restore_refuses_a_backup_that_is_damaged_or_no_store(app: typer.Typer, office: Path, tmp_path: Path) -> None:
    store = office / "sheetsync.sqlite"
    store.write_bytes(b"garbage")
    (tmp_path / "notes.sqlite").write_text("not a database", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    for bad in (tmp_path / "notes.sqlite", other, tmp_path / "missing.sqlite"):
        done = in_office(app, office, "restore", str(bad))
        assert done.exit_code == 2 and bad.name in done.output, done.output
        assert len(done.output.strip().splitlines()) == 1 and "Traceback" not in done.output
    assert store.read_bytes() == b"garbage"  # left as it was
    assert not [p for p in office.iterdir() if p.name.startswith("sheetsync.damaged-")]  # nothing moved


def test_a_backup_of_an_older_schema_is_restored_and_upgraded(app: typer.Typer, office: Path, progress_form: Form,
                                                              tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as db:  # what sheetsync wrote before the messages table (schema 1)
        db.executescript(MIGRATIONS[0])
        db.execute("PRAGMA user_version=1")
        db.execute("INSERT INTO roster VALUES (0, 's1', 'x', 'head@s1.example', '50360000-3553', '{}')")
    store = office / "sheetsync.sqlite"
    os.remove(store)  # the disk died: only the folder's other files were kept
    done = in_office(app, office, "restore", str(old))
    assert done.exit_code == 0, done.output
    mailing(office)
    arrive(progress_form, office, "s1", 40)
    assert in_office(app, office, "sync").exit_code == 0
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert recipients(store) == ["s1"]
    assert int(sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0]) == 1  # the backup untouched


def test_a_store_with_a_page_overwritten_or_its_wal_deleted_is_met_by_one_line(
        app: typer.Typer, office: Path, progress_form: Form) -> None:
    mailing(office)
    arrive(progress_form, office, "s1", 40)
    assert in_office(app, office, "sync").exit_code == 0
    store = office / "sheetsync.sqlite"
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(store.read_bytes())
    data[4096:8192] = bytes(range(256)) * 16  # one page of the tables garbled
    store.write_bytes(bytes(data))
    arrive(progress_form, office, "s2", 41)
    done = in_office(app, office, "sync")
    assert done.exit_code == 3 and "sheetsync restore" in done.output, (done.exit_code, done.output)
    assert (office / "inbox" / "s2.xlsx").exists() and not (office / "processed" / "s2.xlsx").exists()


def test_the_folder_lost_a_new_init_and_the_kept_key_then_restore(app: typer.Typer, office: Path,
                                                                  progress_form: Form, tmp_path: Path) -> None:
    usb = backed_up_then_more(app, office, progress_form, tmp_path / "b.sqlite")
    kept = {name: (office / name).read_bytes() for name in ("office.key", "sheetsync.toml", "roster.csv")}
    shutil.rmtree(office)  # the disk died
    made = in_office(app, tmp_path, "init", str(office), "--roster", str(tmp_path / "schools.csv"))
    assert made.exit_code == 0, made.output
    for name, data in kept.items():
        (office / name).write_bytes(data)
    done = in_office(app, office, "restore", str(usb))  # the empty store init made needs no --force
    assert done.exit_code == 0, done.output
    assert in_office(app, office, "sync").exit_code == 0
    assert recipients(office / "sheetsync.sqlite") == ["s1"]  # s2 came after the backup: gone with the disk
    shown = in_office(app, office, "history", "--recipient", "s1")
    assert shown.exit_code == 0 and "s1.xlsx" in shown.output


def test_a_backup_sqlite_finds_faults_in_is_refused_in_one_line(app: typer.Typer, office: Path, progress_form: Form,
                                                                tmp_path: Path) -> None:
    usb = tmp_path / "usb.sqlite"
    backed_up_then_more(app, office, progress_form, usb)
    with usb.open("r+b") as handle:  # pages no table owns: the integrity check lists each on a line of its own
        page = int.from_bytes(handle.read(18)[16:18], "big")
        size = int.from_bytes(handle.read(14)[10:14], "big")  # bytes 28-31: the pages in the file
        handle.seek(28)
        handle.write((size + 3).to_bytes(4, "big"))
        handle.seek(size * page)
        handle.write(bytes(3 * page))
    done = in_office(app, office, "restore", "--force", str(usb))
    assert done.exit_code == 2 and "usb.sqlite" in done.output and "never used" in done.output, done.output
    assert len(done.output.strip().splitlines()) == 1 and "Traceback" not in done.output, done.output
    assert recipients(office / "sheetsync.sqlite") == ["s1", "s2"]  # the store is left as it was


def digests(office: Path) -> list[dict[str, Any]]:
    """The digest.json of every digest e-mail in the outbox (waiting or sent), oldest first."""
    found = []
    for path in sorted((office / "outbox").rglob("*-digest.eml"), key=lambda p: p.name):
        message = message_from_bytes(path.read_bytes(), policy=default)
        [part] = [p for p in message.iter_attachments() if p.get_filename() == "digest.json"]
        found.append(json.loads(part.get_content()))
    return found


def test_files_read_again_after_restore_are_said_to_be_not_new_from_their_schools(
        app: typer.Typer, office: Path, progress_form: Form, tmp_path: Path) -> None:
    usb = backed_up_then_more(app, office, progress_form, tmp_path / "b.sqlite")
    assert [d["passed"][0]["recipient"] for d in digests(office)] == ["s1", "s2"]
    (office / "sheetsync.sqlite").write_bytes(b"\0" * 4096)
    assert in_office(app, office, "restore", str(usb)).exit_code == 0
    arrive(progress_form, office, "s3", 42)  # new to the office, beside s2.xlsx put back into the inbox
    done = in_office(app, office, "sync")
    assert done.exit_code == 0, done.output
    table = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in done.output.splitlines()
             if line.count("│") == 3 and line.split("│")[2].strip().isdigit()}
    assert table["ไฟล์ใหม่ / new"] == "1", done.output  # s3 alone (was 2: s2 counted as new again)
    assert any(k.startswith("อ่านใหม่หลังกู้คืน") and v == "1" for k, v in table.items()), done.output
    last = digests(office)[-1]  # the digest of this run: s2 is not a file its school sent again
    assert [e["recipient"] for e in last["passed"]] == ["s3"] and not last["failed"]
    assert [(e["recipient"], e["file"]) for e in last["reread"]] == [("s2", "s2.xlsx")]
    with Store(office / "sheetsync.sqlite") as db:  # the master's ledger says why s2.xlsx came twice
        [s2] = db.outcomes("recipient = ?", ("s2",))
        assert s2.result == "merged" and "read again after the restore from b.sqlite" in s2.detail, s2.detail


def test_a_run_that_only_reads_again_what_restore_put_back_sends_no_digest(
        app: typer.Typer, office: Path, progress_form: Form, tmp_path: Path) -> None:
    usb = backed_up_then_more(app, office, progress_form, tmp_path / "b.sqlite")
    (office / "sheetsync.sqlite").write_bytes(b"\0" * 4096)
    assert in_office(app, office, "restore", str(usb)).exit_code == 0
    assert in_office(app, office, "sync").exit_code == 0
    assert len(digests(office)) == 2  # the lost store's two; s2's re-read is in the second already


def test_restore_given_the_backups_folder_names_the_newest_backup_in_it(app: typer.Typer, office: Path) -> None:
    """``sheetsync restore E:/sheetsync-backups`` (the folder the README says to keep) was told "no such
    backup file": the clerk is shown the file to give instead, and nothing is changed."""
    usb = office.parent / "usb"
    usb.mkdir()
    for name in ("sheetsync-20261130-171500.sqlite", "sheetsync-20261201-090000.sqlite"):
        assert in_office(app, office, "backup", str(usb / name)).exit_code == 0
    before = (office / "sheetsync.sqlite").read_bytes()
    done = in_office(app, office, "restore", str(usb))
    assert done.exit_code == 2 and len(done.output.strip().splitlines()) == 1, done.output
    assert str(usb / "sheetsync-20261201-090000.sqlite") in done.output.split(" / ")[0]  # Thai first, naming it
    assert (office / "sheetsync.sqlite").read_bytes() == before
    (usb / "empty").mkdir()
    done = in_office(app, office, "restore", str(usb / "empty"))
    assert done.exit_code == 2 and "folder" in done.output and "no such backup file" not in done.output


def test_restore_given_the_backups_folder_passes_over_an_interrupted_backups_temporary(app: typer.Typer,
                                                                                       office: Path) -> None:
    """A backup cut short (the USB stick pulled) leaves its hidden temporary in the folder,
    ``.sheetsync-20261202-090000-k3j9.sqlite``. With no whole backup beside it, restore named that
    half-written file as the folder's newest backup, with the command to restore from it."""
    usb = office.parent / "usb"
    usb.mkdir()
    (usb / ".sheetsync-20261202-090000-k3j9.sqlite").write_bytes(b"SQLite format 3\x00")  # what was written
    done = in_office(app, office, "restore", str(usb))
    assert done.exit_code == 2 and "k3j9" not in done.output, done.output
    assert done.output.split(" / ")[0].endswith(render("restore.empty-folder", "th", source="office.yaml", backup=usb))
    assert in_office(app, office, "backup", str(usb / "sheetsync-20261130-171500.sqlite")).exit_code == 0
    done = in_office(app, office, "restore", str(usb))  # a whole one beside it: that one is named
    assert str(usb / "sheetsync-20261130-171500.sqlite") in done.output and "k3j9" not in done.output, done.output


def aside(office: Path) -> list[str]:
    """The names of the stores kept aside in ``office`` (``sheetsync.replaced-…``, ``sheetsync.damaged-…``)."""
    return sorted(p.name for p in office.iterdir() if p.name.startswith(("sheetsync.replaced-", "sheetsync.damaged-")))


def test_a_store_that_holds_nothing_is_removed_not_kept(app: typer.Typer, office: Path, progress_form: Form,
                                                        tmp_path: Path) -> None:
    """Restored into a new folder, the empty store ``init`` made was kept as sheetsync.replaced-….sqlite and
    named on screen, a file that puzzles a clerk and holds nothing to want back. Removed, and not said;
    so is one a check run before the restore wrote to (its runs, the roster read, the master drawn)."""
    usb = backed_up_then_more(app, office, progress_form, tmp_path / "b.sqlite")
    for run_first in (False, True):
        shutil.rmtree(office)  # the folder is gone: a new init, then restore
        assert in_office(app, tmp_path, "init", str(office), "--roster", str(tmp_path / "schools.csv")).exit_code == 0
        if run_first:
            assert in_office(app, office, "sync").exit_code == 0
        done = in_office(app, office, "restore", str(usb))
        assert done.exit_code == 0, done.output
        assert aside(office) == [] and not list(office.glob("sheetsync.sqlite-*")), sorted(os.listdir(office))
        assert "เก็บที่เก็บข้อมูลเดิมไว้เป็น" not in done.output and "kept as" not in done.output, done.output
        assert recipients(office / "sheetsync.sqlite") == ["s1"]


def test_a_store_that_holds_only_a_waiver_is_still_kept(app: typer.Typer, office: Path, tmp_path: Path) -> None:
    """No file recorded, but a waiver the clerk made: something to want back, kept aside as before, and
    the line names the file kept, which is there."""
    usb = tmp_path / "b.sqlite"
    assert in_office(app, office, "backup", str(usb)).exit_code == 0
    with Store(office / "sheetsync.sqlite") as store, store.transaction() as db:
        db.execute("INSERT INTO waivers (recipient, code, reason, waived_by, waived_at) VALUES (?, ?, ?, ?, ?)",
                   ("s1", "50360000-3553", "กทม. ยกเลิกโครงการ", "somsri", "2026-11-30T00:00:00+00:00"))
    done = in_office(app, office, "restore", "--force", str(usb))
    assert done.exit_code == 0, done.output
    [kept] = [name for name in aside(office) if name.endswith(".sqlite")]
    [said] = [line for line in done.output.splitlines() if "kept as" in line]
    assert kept in said.split(" / ")[0]  # Thai first, naming it
    with Store(office / kept) as store:
        assert store.query("SELECT code FROM waivers") == [("50360000-3553",)]
