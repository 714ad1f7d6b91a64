"""The inbox as the file system gives it: files that vanish or are locked while a run reads them,
and links, loops and other entries that are not plain files."""

from __future__ import annotations

import email
import os
import pathlib
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import typer

import sheetsync.office.inbox
import sheetsync.pipeline
import sheetsync.sync
from sheetsync.errors import KeyFileError
from sheetsync.mailer import MailConfig
from sheetsync.check.reader import read_filled
from sheetsync.office.store import Store
from sheetsync.office.stuck import STUCK_RUNS
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, SyncResult, sync
from sheetsync.template.write import write_template
from tests.test_office import app, in_office, office  # noqa: F401 - fixtures

NOW = SyncOptions(settle=0, view="never")


def run(inbox: Path) -> SyncResult:
    return sync(inbox, inbox.parent / "master.xlsx", report_dir=inbox.parent / "reports", options=NOW)


def outcomes(inbox: Path) -> list[tuple[str, str]]:
    with Store(inbox.parent / "master.sqlite") as store:
        return [(o.file, o.result) for o in store.outcomes()]


def digests(folder: Path) -> list[EmailMessage]:
    """The digests the office's store has queued, oldest first."""
    with Store(folder / "master.sqlite") as store:
        rows = store.query("SELECT message FROM outbox WHERE name = 'digest' ORDER BY id")
    return [email.message_from_bytes(bytes(r[0]), policy=default) for r in rows]  # type: ignore[misc]


def school_file(form: Form, seed: dict[str, Any], path: Path) -> Path:
    write_template(form, path, data=seed, recipient="s1")
    return path


def test_a_file_renamed_while_it_is_read_is_read_next_run(progress_form: Form, seed: dict[str, Any],
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    school_file(progress_form, seed, inbox / "ร.ร.วัดไทร.xlsx")
    real = sheetsync.sync.check_file

    def renaming(path: Path, **kwargs: Any) -> Any:  # a clerk renames the file as the run reads it
        path.rename(path.with_name("วัดไทร-final.xlsx"))
        return real(path, **kwargs)

    monkeypatch.setattr(sheetsync.sync, "check_file", renaming)
    first = run(inbox)
    assert first.outcomes() == [] and first.new == [] and outcomes(inbox) == []
    assert [p for p in first.problems if "ร.ร.วัดไทร.xlsx" in p and "next run" in p] == first.problems[:1]
    assert not (inbox / "quarantine").exists()
    monkeypatch.setattr(sheetsync.sync, "check_file", real)
    second = run(inbox)
    assert [(o.path.name, o.result) for o in second.outcomes()] == [("วัดไทร-final.xlsx", "merged")]
    assert (inbox / "processed" / "วัดไทร-final.xlsx").exists()


@pytest.mark.parametrize("when", ["hashed", "read"])
def test_a_file_locked_while_it_is_read_is_read_next_run(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """A sharing lock (Excel, an antivirus scan) refuses the file for a while: not its content's fault."""
    inbox = tmp_path / "inbox"
    locked = school_file(progress_form, seed, inbox / "s1.xlsx")
    real_open, real_check = pathlib.Path.open, sheetsync.sync.check_file
    lock = {"on": when == "hashed"}

    def refusing(self: Path, *args: Any, **kwargs: Any) -> Any:
        if lock["on"] and self.name == locked.name:
            raise PermissionError(13, "The process cannot access the file", str(self))
        return real_open(self, *args, **kwargs)

    def locking(path: Path, **kwargs: Any) -> Any:
        lock["on"] = True
        return real_check(path, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", refusing)
    monkeypatch.setattr(sheetsync.sync, "check_file", locking)
    first = run(inbox)
    assert first.outcomes() == [] and outcomes(inbox) == [] and locked.exists()
    assert [p for p in first.problems if "s1.xlsx" in p and "next run" in p] == first.problems[:1]
    monkeypatch.setattr(sheetsync.sync, "check_file", real_check)
    lock["on"] = False
    assert [o.result for o in run(inbox).outcomes()] == ["merged"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="links need a POSIX file system here")
def test_links_in_the_inbox_are_passed_over_and_never_followed(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    good = school_file(progress_form, seed, inbox / "good.xlsx")
    outside = school_file(progress_form, seed, tmp_path / "elsewhere" / "other.xlsx")
    links = {"loop1.xlsx": "loop2.xlsx", "loop2.xlsx": "loop1.xlsx", "dangling.xlsx": str(tmp_path / "nothing"),
             "outside.xlsx": str(outside), "good-link.xlsx": str(good), "folder.xlsx": str(tmp_path / "elsewhere")}
    for name, target in links.items():
        os.symlink(target, inbox / name)
    if hasattr(os, "mkfifo"):
        os.mkfifo(inbox / "fifo.xlsx")  # not a file: never opened (it would block the run)
    first = run(inbox)
    assert [(o.path.name, o.result) for o in first.outcomes()] == [("good.xlsx", "merged")]
    for name in links:
        assert [p for p in first.problems if name in p and "link" in p], (name, first.problems)
    assert (inbox / "processed" / "good.xlsx").is_file() and not (inbox / "processed" / "good.xlsx").is_symlink()
    assert {name: os.readlink(inbox / name) for name in links} == links  # the links stay as they were
    assert outside.is_file() and not list((inbox / "processed").glob("*link*"))
    assert run(inbox).outcomes() == []


def test_an_entry_gone_between_listing_and_look_stops_nothing(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    school_file(progress_form, seed, inbox / "good.xlsx")
    real = os.scandir

    class Gone:
        name, path = "gone.xlsx", str(inbox / "gone.xlsx")

        def is_symlink(self) -> bool:
            return False

        def is_file(self, follow_symlinks: bool = True) -> bool:
            raise FileNotFoundError(2, "No such file or directory", self.path)

        def stat(self, follow_symlinks: bool = True) -> os.stat_result:
            raise FileNotFoundError(2, "No such file or directory", self.path)

    class Listing(list[Any]):  # what os.scandir gives: iterable, and closed by a with
        def __enter__(self) -> Listing:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def listing(path: Any = ".") -> Listing:
        with real(path) as entries:
            return Listing([Gone(), *entries] if Path(path) == inbox else entries)

    monkeypatch.setattr(os, "scandir", listing)
    result = run(inbox)
    assert [(o.path.name, o.result) for o in result.outcomes()] == [("good.xlsx", "merged")]
    assert [p for p in result.problems if "gone.xlsx" in p]


def test_merge_records_nothing_for_a_file_it_could_not_read_and_merges_it_later(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # merge recorded a locked file as quarantined under its hash: the same bytes were then never merged.
    from sheetsync.master import merge

    locked = school_file(progress_form, seed, tmp_path / "s1.xlsx")
    real_read = sheetsync.pipeline.read_filled

    def refusing(path: Path, **kwargs: Any) -> Any:
        raise PermissionError(13, "The process cannot access the file", str(path))

    monkeypatch.setattr(sheetsync.pipeline, "read_filled", refusing)
    first = merge([locked], tmp_path / "master.xlsx")
    assert first.outcomes == [] and first.not_read and "s1.xlsx: not read" in first.not_read[0]
    monkeypatch.setattr(sheetsync.pipeline, "read_filled", real_read)
    assert [o.result for o in merge([locked], tmp_path / "master.xlsx").outcomes] == ["merged"]


def test_an_office_key_that_cannot_be_used_stops_the_run_and_blames_no_school(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A key file readable by others quarantined every school's file as "damaged" and told the school so.
    inbox = tmp_path / "inbox"
    school_file(progress_form, seed, inbox / "s1.xlsx")
    key = tmp_path / "office.key"
    key.write_bytes(os.urandom(32))
    key.chmod(0o644)
    monkeypatch.setenv("SHEETSYNC_KEY_FILE", str(key))
    with pytest.raises(KeyFileError, match="office.key"):
        run(inbox)
    assert (inbox / "s1.xlsx").exists() and not (inbox / "quarantine").exists()


def test_a_file_this_computer_cannot_read_run_after_run_is_the_clerk_s_to_see(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file copied in by another account that the office's may not read was "read next run" for
    ever: every run exited 0, no digest named it, the school never heard. After STUCK_RUNS runs in a
    row the digest lists it (once), each run says since when, and the command exits 3."""
    inbox = tmp_path / "inbox"
    locked = school_file(progress_form, seed, inbox / "s1.xlsx")
    real_open = pathlib.Path.open

    def refusing(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", refusing)
    config = MailConfig(from_addr="office@example.org", outbox=tmp_path / "outbox")

    def runs(n: int) -> list[SyncResult]:
        return [sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports", config=config, options=NOW)
                for _ in range(n)]

    early = runs(STUCK_RUNS - 1)
    assert [r.stuck for r in early] == [[]] * (STUCK_RUNS - 1) and digests(tmp_path) == []
    assert all([p for p in r.problems if p.startswith("s1.xlsx")] == [
        "s1.xlsx: รอบนี้อ่านไฟล์ไม่ได้ ยังไม่บันทึกอะไรของไฟล์นี้ จะอ่านใหม่รอบหน้าถ้าไฟล์ยังอยู่ใน inbox / "
        "s1.xlsx: not read this time (Permission denied); nothing is recorded for it: "
        "it is read on the next run if it is in the inbox"] for r in early)
    stuck, again = runs(2)
    assert [(s.name, s.runs, s.reason) for s in stuck.stuck] == [("s1.xlsx", STUCK_RUNS, "Permission denied")]
    thai, english = [p for p in stuck.problems if p.startswith("s1.xlsx")]
    assert thai.startswith("s1.xlsx: เครื่องนี้อ่านไฟล์ไม่ได้ตั้งแต่ ") and "(4 รอบ)" in thai
    assert "has not been able to read it since" in english and "may read it" in english
    [digest] = digests(tmp_path)  # listed once: the next run says it again, but mails nothing
    assert digest["Subject"] == "ไฟล์ในกล่องรับ 1 ไฟล์ที่เครื่องนี้อ่านไม่ได้ — กรุณาตรวจสอบ"
    body = digest.get_body(("plain",))
    assert body is not None and "s1.xlsx — " in body.get_content() and "Permission denied" in body.get_content()
    assert again.stuck[0].runs == STUCK_RUNS + 1 and again.stuck[0].listed
    assert outcomes(inbox) == [] and locked.exists()
    monkeypatch.setattr(pathlib.Path, "open", real_open)  # the clerk gives the office's account the file
    read = runs(1)[0]
    assert [o.result for o in read.outcomes()] == ["merged"] and read.stuck == []
    with Store(tmp_path / "master.sqlite") as store:
        assert store.query("SELECT * FROM stuck_files") == []


def test_sync_exits_3_while_a_file_cannot_be_read_run_after_run(app: typer.Typer, office: Path,
                                                                 progress_form: Form, seed: dict[str, Any],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (office / "sheetsync.toml").write_text((office / "sheetsync.toml").read_text(encoding="utf-8").replace(
        "settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    locked = school_file(progress_form, seed, office / "inbox" / "s1.xlsx")
    real_open = pathlib.Path.open
    monkeypatch.setattr(pathlib.Path, "open", lambda self, *a, **k: (_ for _ in ()).throw(
        PermissionError(13, "Permission denied", str(self))) if self.name == locked.name else real_open(self, *a, **k))
    codes = [in_office(app, office, "sync").exit_code for _ in range(STUCK_RUNS + 1)]
    assert codes == [0] * (STUCK_RUNS - 1) + [3, 3]


def test_the_store_names_each_file_as_it_is_kept_when_a_school_reuses_a_name(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """A school sends "s1.xlsx" every month: processed/ keeps the second as "s1-2.xlsx", and the
    ledger, the history and the summary's latest file must name that one, not last month's."""
    inbox = tmp_path / "inbox"
    school_file(progress_form, seed, inbox / "s1.xlsx")
    run(inbox)
    later = dict(seed)
    later["reports"] = [dict(r, stage=r["stage"] + " (แก้ไข)") if r["no"] == 7 else r for r in seed["reports"]]
    school_file(progress_form, later, inbox / "s1.xlsx")
    run(inbox)
    kept = sorted(p.name for p in (inbox / "processed").iterdir())
    assert kept == ["s1-2.xlsx", "s1.xlsx"]
    assert outcomes(inbox) == [("s1.xlsx", "merged"), ("s1-2.xlsx", "replaced")]
    with Store(inbox.parent / "master.sqlite") as store:
        current = store.current_of("progress-report", seed["project"]["code"], "s1")
    assert current is not None and current.file == "s1-2.xlsx"
    assert read_filled(inbox / "processed" / current.file).data == later


class _Entry:
    """A directory entry whose stat fails (a failing disk, a file the office's account may not look at)."""

    def __init__(self, entry: os.DirEntry[str]) -> None:
        self._entry, self.name, self.path = entry, entry.name, entry.path

    def is_symlink(self) -> bool:
        return self._entry.is_symlink()

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return self._entry.is_file(follow_symlinks=follow_symlinks)

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        raise OSError(5, "Input/output error", self.path)


@pytest.mark.parametrize("where", ["listing", "settling"])
def test_a_file_whose_stat_fails_run_after_run_is_stuck_like_one_that_cannot_be_read(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        where: str) -> None:
    """Its stat failing (in the folder's listing, or, as Windows answers a listing from the folder
    itself, only when the file is looked at) it was "passed over this time" or "still being written"
    every run, for ever: never counted, never in a digest, every run exit 0."""
    inbox = tmp_path / "inbox"
    locked = school_file(progress_form, seed, inbox / "s1.xlsx")
    if where == "listing":
        real_scandir = os.scandir

        class Listing:
            def __init__(self, path: Any) -> None:
                self._it = real_scandir(path)

            def __enter__(self) -> Any:
                return (_Entry(e) if e.name == locked.name else e for e in self._it.__enter__())

            def __exit__(self, *exc: Any) -> None:
                self._it.__exit__(*exc)
        monkeypatch.setattr(sheetsync.office.inbox.os, "scandir", Listing)
    else:
        real_stat = pathlib.Path.stat

        def failing(self: Path, **kwargs: Any) -> os.stat_result:
            if self.name == locked.name:
                raise OSError(5, "Input/output error", str(self))
            return real_stat(self, **kwargs)
        monkeypatch.setattr(pathlib.Path, "stat", failing)
    config = MailConfig(from_addr="office@example.org", outbox=tmp_path / "outbox")
    results = [sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports", config=config,
                    options=SyncOptions(settle=1, view="never")) for _ in range(STUCK_RUNS + 1)]
    assert [len(r.stuck) for r in results] == [0] * (STUCK_RUNS - 1) + [1, 1]
    assert results[-2].stuck[0].name == "s1.xlsx" and "Input/output error" in results[-2].stuck[0].reason
    assert all(r.waiting == [] for r in results)  # not "still being written"
    [digest] = digests(tmp_path)
    assert "s1.xlsx" in digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
