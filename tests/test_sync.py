"""sheetsync sync: new files only (by hash), reports, e-mails, merge, files set aside."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sheetsync.spec.form import Form
from sheetsync.master import read_master
from sheetsync.sync import sync
from sheetsync.mailer import MailConfig
from sheetsync.roster import Recipient
from sheetsync.template.write import write_template


def _inbox(form: Form, seed: dict[str, Any], tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    write_template(form, inbox / "s1.xlsx", data=seed, recipient="s1")
    seed["reports"][2]["progress_percent"] = 5.0
    write_template(form, inbox / "s2.ods", data=seed, recipient="s2")
    (inbox / "notes.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    return inbox


def test_sync_twice_does_nothing_the_second_time(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example"), Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example"),
              Recipient("s3", "โรงเรียนวัดสี่สุก", "c@s3.example")]
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    first = sync(inbox, master, report_dir=tmp_path / "reports", config=config, roster=roster)
    assert len(first.new) == 3 and first.merge is not None
    assert first.merge.counts()["merged"] == 1 and first.merge.counts()["refused"] == 2
    assert {p.name for p in (inbox / "processed").iterdir()} == {"s1.xlsx", "s2.ods", "notes.xlsx"}
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3  # two schools + the digest
    assert (tmp_path / "reports" / "s2-ตรวจแล้ว.ods").exists()
    ledger = read_master(master).ledger
    before = master.stat().st_mtime_ns
    second = sync(inbox, master, report_dir=tmp_path / "reports", config=config, roster=roster)
    assert second.new == [] and second.merge is None and master.stat().st_mtime_ns == before
    assert read_master(master).ledger == ledger


def test_the_same_file_sent_again_is_already_seen(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    sync(inbox, master, report_dir=tmp_path / "reports")
    again = inbox / "s1-again.xlsx"
    again.write_bytes((inbox / "processed" / "s1.xlsx").read_bytes())
    result = sync(inbox, master, report_dir=tmp_path / "reports")
    assert result.new == [] and [p.name for p in result.already_seen] == ["s1-again.xlsx"]
    assert (inbox / "processed" / "s1-again.xlsx").exists()


def test_sync_cli_and_next_month_from_master(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                              timeout=120, env={**os.environ, "COLUMNS": "120"})
    done = run("sync", inbox, "--master", master)
    assert done.returncode == 0, done.stderr
    assert "merged" in done.stdout and "refused" in done.stdout
    assert "nothing new" in run("sync", inbox, "--master", master).stdout
    out = run("template", "--from-master", master, "-o", tmp_path / "next", "--format", "ods")
    assert out.returncode == 0, out.stderr
    assert [p.name for p in (tmp_path / "next").iterdir()] == ["50360000-3553_s1.ods"]
