"""A file refused as not the office's form (its identity not signed by the office's key), mailed from a
roster school's address, is that school's to the office: `history --recipient` lists it, and its red
copy leaves reports/ once that school's file passes. The school is the one whose address sent it,
never the one the file names (anyone can write any id into a workbook); a file dropped into the
inbox, with no sender, stays nobody's. Real Dovecot, real SMTP."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from sheetsync.office.history import _where, versions
from sheetsync.office.schema import MIGRATIONS
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_loop import ROSTER
from tests.test_mail_office import mail_office, sheetsync
from tests.test_mail_smtp import Server

MARKED = "-ตรวจแล้ว.xlsx"


def made(tmp_path: Path, form: Form, seed: dict[str, Any], name: str, recipient: str, signed: bool) -> bytes:
    """A filled progress report naming ``recipient``, signed by the office's key or not signed at all."""
    data = json.loads(json.dumps(seed))
    data["project"]["code"] = "50360000-0001"
    path = tmp_path / "made" / name
    if signed:
        write_template(form, path, data=data, recipient=recipient)
    else:
        write_template(form, path, data=data, recipient=recipient, key=None)
    return path.read_bytes()


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()


@pytest.fixture
def district(tmp_path: Path, progress_form: Form, seed: dict[str, Any], mailbox: Mailbox, smtp: Server,
             office_key: Path) -> Path:
    """An office after one `sync` of three files not signed by its key: "ทำเอง.xlsx" mailed by s1's
    address but naming s2, "ปลอม.xlsx" naming s1 mailed by a stranger, "วางเอง.xlsx" naming s1 dropped
    into the inbox by hand; then s1's file made from the office's template waits in the mailbox."""
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    good = made(tmp_path, progress_form, seed, "good.xlsx", "s1", signed=True)  # makes the office's key
    own = made(tmp_path, progress_form, seed, "own.xlsx", "s2", signed=False)
    mailbox.deliver(mail_from("a@s1.example", "รายงาน", [("ทำเอง.xlsx", own, XLSX)], "<own@s1.example>"))
    forged = made(tmp_path, progress_form, seed, "forged.xlsx", "s1", signed=False)
    mailbox.deliver(mail_from("x@home.example", "รายงาน", [("ปลอม.xlsx", forged, XLSX)], "<forged@home.example>"))
    folder = mail_office(tmp_path, mailbox, smtp, office_key)
    dropped = folder / "inbox" / "วางเอง.xlsx"
    dropped.write_bytes(made(tmp_path, progress_form, seed, "dropped.xlsx", "s1", signed=False))
    os.utime(dropped, (time.time() - 60, time.time() - 60))  # written whole a minute ago: not still arriving
    first = sheetsync(folder, "sync", "--send")
    assert first.returncode == 1, first.stdout + first.stderr
    assert {f"ทำเอง{MARKED}", f"ปลอม{MARKED}", f"วางเอง{MARKED}"} <= files_in(folder / "reports")
    mailbox.deliver(mail_from("a@s1.example", "รายงาน", [("วัดไทร.xlsx", good, XLSX)], "<good@s1.example>"))
    return folder


def test_history_lists_an_unsigned_file_under_the_school_that_mailed_it(district: Path) -> None:
    listed = sheetsync(district, "history", "--recipient", "s1")
    assert listed.returncode == 0, listed.stderr
    assert "ทำเอง.xlsx" in listed.stdout  # sent by s1's address
    assert "ปลอม.xlsx" not in listed.stdout and "วางเอง.xlsx" not in listed.stdout  # they claim s1: nobody's
    assert "ทำเอง.xlsx" not in sheetsync(district, "history", "--recipient", "s2").stdout  # claims s2: not s2's
    assert "ทำเอง.xlsx" in sheetsync(district, "history", "--recipient", "S1").stdout  # typed in capitals


def test_an_unsigned_files_red_copy_leaves_reports_once_its_sender_passes(district: Path) -> None:
    reports = district / "reports"
    second = sheetsync(district, "sync", "--send")  # s1's file made from the office's template: it passes
    assert second.returncode == 0, second.stdout + second.stderr
    now = files_in(reports)
    assert f"ทำเอง{MARKED}" not in now and "ทำเอง.txt" not in now
    assert {f"ทำเอง{MARKED}", "ทำเอง.txt"} <= files_in(reports / "old")  # kept, out of the way
    assert {f"ปลอม{MARKED}", f"วางเอง{MARKED}"} <= now  # no school's: nothing of s1's moves them


def test_history_says_whose_address_sent_it_and_keeps_the_file_nobodys(district: Path) -> None:
    with Store(district / "sheetsync.sqlite") as store:
        found = {v.file: (k, v.sent_by) for k, v in versions(store, recipient="s1")}
        assert found == {"ทำเอง.xlsx": (("progress-report", "50360000-0001", ""), "s1")}  # its data is no school's
        assert not store.query("SELECT 1 FROM current WHERE recipient IN ('s1', 's2')")


def test_a_store_from_before_is_upgraded_with_every_file_nobodys(tmp_path: Path) -> None:
    path = tmp_path / "sheetsync.sqlite"
    Store(path).close()
    with sqlite3.connect(path) as db:  # as a sheetsync of schema version 17 left it, one refused file in it
        db.execute("DROP INDEX outcomes_by_sender")
        db.execute("ALTER TABLE outcomes DROP COLUMN sent_by")
        db.execute("PRAGMA user_version=17")
        db.execute("INSERT INTO outcomes (file, received_at, result, code, detail, form_id, recipient, key) "
                   "VALUES ('x.xlsx', '2026-03-02T09:15:00', 'refused', 'invalid', '', 'progress-report', '', '')")
    with Store(path) as store:
        assert store.query("SELECT file, sent_by FROM outcomes") == [("x.xlsx", "")]
        assert store.query("PRAGMA user_version") == [(len(MIGRATIONS),)]
        assert not list(versions(store, recipient="s1"))


def test_one_schools_history_is_found_by_index_not_by_reading_every_file(tmp_path: Path) -> None:
    # The files its address sent are asked for beside its own: an office's store grows by thousands a month
    with Store(tmp_path / "sheetsync.sqlite") as store:
        where, params = _where(store, "s1", None)
        plan = " / ".join(str(r[3]) for r in store.query(f"EXPLAIN QUERY PLAN SELECT id FROM outcomes WHERE {where}",
                                                          params))
    assert "outcomes_by_recipient" in plan and "outcomes_by_sender" in plan and "SCAN" not in plan, plan
