"""A file recorded in the store but not moved out of the inbox (the move refused, or the process
killed between the two) is set aside by the next run as it was recorded: under the name the store
gives it, with its quarantine reason, read once, recorded once, its e-mail queued once."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sheetsync.office.inbox
from sheetsync.crashpoint import CRASH_ENV
from sheetsync.mailer import MailConfig
from sheetsync.office.store import Store
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template

ROOT = Path(__file__).parent.parent
NOW = SyncOptions(settle=0)
PEOPLE = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example"), Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example")]
RUN = ("import sys; from pathlib import Path; from sheetsync.sync import sync, SyncOptions\n"
       "from sheetsync.mailer import MailConfig\n"
       "o = Path(sys.argv[1])\n"
       "sync(o / 'inbox', o / 'master.xlsx', report_dir=o / 'reports', options=SyncOptions(settle=0),\n"
       "     config=MailConfig(from_addr='office@bma.example', outbox=o / 'outbox'))\n")


def _killed_at(point: str, office: Path) -> "subprocess.CompletedProcess[str]":
    """A sync of ``office`` run in a child process that is killed at the crash point ``point``."""
    env = {**os.environ, CRASH_ENV: point}
    return subprocess.run([sys.executable, "-c", RUN, str(office)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def _run(office: Path) -> Any:
    return sync(office / "inbox", office / "master.xlsx", report_dir=office / "reports", roster=PEOPLE,
                config=MailConfig(from_addr="office@bma.example", outbox=office / "outbox"), options=NOW)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refuse_moves(monkeypatch: pytest.MonkeyPatch, until: list[bool]) -> None:
    """Every move out of the inbox fails (a file held open, an antivirus) while ``until[0]``."""
    real = sheetsync.office.inbox.replace

    def held(src: str | Path, dst: str | Path) -> None:
        if until[0]:
            raise PermissionError(13, "Permission denied")
        real(src, dst)
    monkeypatch.setattr(sheetsync.office.inbox, "replace", held)


def _check_each_recorded_file_exists(office: Path) -> None:
    """The store names, for every file it holds, a file of those bytes in processed/ or quarantine/."""
    with Store(office / "master.sqlite") as store:
        rows = store.query("SELECT sha256, name, disposition FROM files")
        outcome_names = {r[0]: r[1] for r in store.query("SELECT sha256, file FROM outcomes")}
    for sha, name, disposition in rows:
        kept = office / "inbox" / disposition / name
        assert kept.is_file() and _sha(kept) == sha, (name, disposition)
        assert outcome_names[sha] == name
        if disposition == "quarantine":
            assert kept.with_name(kept.name + ".txt").read_text(encoding="utf-8").startswith("ไฟล์")


def _once_each(office: Path) -> None:
    with Store(office / "master.sqlite") as store:
        shas = [r[0] for r in store.query("SELECT sha256 FROM outcomes")]
        mails = [r[0] for r in store.query("SELECT sha256 FROM outbox WHERE sha256 IS NOT NULL")]
    assert len(shas) == len(set(shas)) and len(mails) == len(set(mails))
    assert not [p for p in (office / "inbox").iterdir() if p.is_file()]
    assert not [p for d in ("processed", "quarantine") for p in (office / "inbox" / d).glob("*.txt")
                if not p.with_suffix("").exists()]  # no reason left without its file


def test_a_refused_move_leaves_a_file_the_next_run_sets_aside_under_its_recorded_name(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Last month school s1 sent report.xlsx; this month s2 sends a report.xlsx too, and an
    # unreadable report.ods: the moves are refused (the files were open), then allowed.
    office, inbox = tmp_path / "office", tmp_path / "office" / "inbox"
    write_template(progress_form, inbox / "report.xlsx", data=seed, recipient="s1")
    _run(office)
    (inbox / "report.ods").write_text("not a spreadsheet", encoding="utf-8")  # first in: the first move refused
    os.utime(inbox / "report.ods", (1, 1))
    write_template(progress_form, inbox / "report.xlsx", data=seed, recipient="s2")
    refusing = [True]
    _refuse_moves(monkeypatch, refusing)
    blocked = _run(office)
    assert len(blocked.new) == 2 and (inbox / "report.xlsx").exists()
    refusing[0] = False
    later = _run(office)
    assert later.new == [] and len(later.moved) == 2
    _check_each_recorded_file_exists(office)
    _once_each(office)


def test_a_quarantined_file_whose_move_failed_keeps_its_reason(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    office, inbox = tmp_path / "office", tmp_path / "office" / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "scan-s1.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    refusing = [True]
    _refuse_moves(monkeypatch, refusing)
    _run(office)
    refusing[0] = False
    _run(office)
    _check_each_recorded_file_exists(office)
    _once_each(office)
    note = (inbox / "quarantine" / "scan-s1.xlsx.txt").read_text(encoding="utf-8")
    assert "already received" not in note


@pytest.mark.parametrize("point", ["file-recorded", "reason-written"])
def test_killed_between_recording_and_moving_the_next_run_repairs(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, point: str) -> None:
    office, inbox = tmp_path / "office", tmp_path / "office" / "inbox"
    write_template(progress_form, inbox / "a.xlsx", data=seed, recipient="s1")
    (inbox / "b.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    files = sorted(_sha(p) for p in inbox.iterdir())
    # b.xlsx is the quarantined one: kill at the point when it is reached (a.xlsx may come first).
    done = _killed_at(point + (":2" if point == "file-recorded" else ""), office)
    assert done.returncode != 0  # killed
    assert (inbox / "b.xlsx").exists()
    _run(office)
    _check_each_recorded_file_exists(office)
    _once_each(office)
    kept = [p for d in ("processed", "quarantine") for p in (inbox / d).iterdir() if p.suffix != ".txt"]
    assert sorted(_sha(p) for p in kept) == files


def test_killed_after_the_move_a_copy_sent_again_is_already_received(progress_form: Form, seed: dict[str, Any],
                                                                      tmp_path: Path) -> None:
    office, inbox = tmp_path / "office", tmp_path / "office" / "inbox"
    write_template(progress_form, inbox / "a.xlsx", data=seed, recipient="s1")
    done = _killed_at("file-set-aside", office)
    assert done.returncode != 0 and (inbox / "processed" / "a.xlsx").exists()
    (inbox / "a.xlsx").write_bytes((inbox / "processed" / "a.xlsx").read_bytes())  # the school sends it again
    again = _run(office)
    assert [p.name for p in again.already_seen] == ["a.xlsx"] and again.new == []
    assert (inbox / "processed" / "a-2.xlsx").exists()
    _check_each_recorded_file_exists(office)
    _once_each(office)
    with Store(office / "master.sqlite") as store:
        assert store.not_set_aside(_sha(inbox / "processed" / "a.xlsx")) is None
