"""The inbox as the file system gives it: files that vanish or are locked while a run reads them,
and links, loops and other entries that are not plain files."""

from __future__ import annotations

import email
import os
import re
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
from tests.test_office import in_office

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


def refuse_open(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The office's account may not read the file ``name`` (the file is opened with os.open, once)."""
    real_open = os.open

    def refusing(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.path.basename(os.fspath(path)) == name:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", refusing)


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
    real_open, real_check = os.open, sheetsync.sync.check_file
    lock = {"on": when == "hashed"}

    # The file is opened once, then hashed and read through that open file: a lock taken before
    # the open refuses the open; one taken after (Windows' byte-range locks) refuses the reads.
    def refusing(path: Any, *args: Any, **kwargs: Any) -> Any:
        if lock["on"] and os.path.basename(os.fspath(path)) == locked.name:
            raise PermissionError(13, "The process cannot access the file", str(path))
        return real_open(path, *args, **kwargs)

    class Locked:
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def __getattr__(self, name: str) -> Any:
            return getattr(self.stream, name)

        def read(self, *args: Any) -> bytes:
            raise PermissionError(13, "The process cannot access the file because another process has locked "
                                      "a portion of the file")

    def locking(path: Path, **kwargs: Any) -> Any:
        lock["on"] = True
        return real_check(path, **{**kwargs, "stream": Locked(kwargs["stream"])})

    monkeypatch.setattr(os, "open", refusing)
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
    real_open = os.open
    refuse_open(monkeypatch, locked.name)
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
    # Thai dates are Buddhist Era, as in every other Thai sentence (it said "ตั้งแต่ 2026-12-01 …")
    assert re.search(r"ตั้งแต่ \d{1,2}/\d{1,2}/25\d\d \d\d:\d\d น\. \(", thai), thai
    assert "has not been able to read it since" in english and "may read it" in english
    [digest] = digests(tmp_path)  # listed once: the next run says it again, but mails nothing
    assert digest["Subject"] == "ไฟล์ในกล่องรับ 1 ไฟล์ที่เครื่องนี้อ่านไม่ได้ — กรุณาตรวจสอบ"
    body = digest.get_body(("plain",))
    assert body is not None and "s1.xlsx — " in body.get_content() and "Permission denied" in body.get_content()
    assert again.stuck[0].runs == STUCK_RUNS + 1 and again.stuck[0].listed
    assert outcomes(inbox) == [] and locked.exists()
    monkeypatch.setattr(os, "open", real_open)  # the clerk gives the office's account the file
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
    refuse_open(monkeypatch, locked.name)
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
        for name in ("stat", "lstat"):  # the file is looked at without following a link
            def failing(self: Path, real: Any = getattr(pathlib.Path, name), **kwargs: Any) -> os.stat_result:
                if self.name == locked.name:
                    raise OSError(5, "Input/output error", str(self))
                return real(self, **kwargs)  # type: ignore[no-any-return]
            monkeypatch.setattr(pathlib.Path, name, failing)
    config = MailConfig(from_addr="office@example.org", outbox=tmp_path / "outbox")
    results = [sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports", config=config,
                    options=SyncOptions(settle=1, view="never")) for _ in range(STUCK_RUNS + 1)]
    assert [len(r.stuck) for r in results] == [0] * (STUCK_RUNS - 1) + [1, 1]
    assert results[-2].stuck[0].name == "s1.xlsx" and "Input/output error" in results[-2].stuck[0].reason
    assert all(r.waiting == [] for r in results)  # not "still being written"
    [digest] = digests(tmp_path)
    assert "s1.xlsx" in digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def _swap_after_listing(monkeypatch: pytest.MonkeyPatch, inbox: Path, name: str, target: Path,
                        when: str = "listed") -> None:
    """A local user who may write the inbox puts a link to ``target`` under ``name`` after the
    listing: before the file is opened (``listed``), or after it is read, before it is set aside
    (``checked``)."""
    import sheetsync.office.inbox as inbox_module

    def swap() -> None:
        (inbox / name).unlink()
        os.symlink(target, inbox / name)

    if when == "listed":
        real_list = sheetsync.sync.inbox_files

        def listing(folder: Path, notes: list[str] | None = None, failing: dict[str, str] | None = None) -> list[Path]:
            found = real_list(folder, notes, failing)
            swap()
            return found
        monkeypatch.setattr(sheetsync.sync, "inbox_files", listing)
    else:
        real_name_for = inbox_module.SetAside.name_for

        def name_for(self: Any, path: Path, disposition: str) -> str:
            if path.name == name and not path.is_symlink():
                swap()
            return real_name_for(self, path, disposition)
        monkeypatch.setattr(inbox_module.SetAside, "name_for", name_for)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="links need a POSIX file system here")
@pytest.mark.parametrize("target", ["key", "store", "school-file"])
def test_a_file_swapped_for_a_link_after_the_listing_is_never_read_through_it(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        office_key: Path, target: str) -> None:
    """The inbox was listed, then each file opened by its name: a link put in a file's place in
    between made the office hash, check, quarantine (and name in its answers) the office's own key,
    its store, or any file the office may read. Now the listed name is opened without following
    links, and checked to be a regular file on the open file."""
    inbox = tmp_path / "inbox"
    school_file(progress_form, seed, inbox / "good.xlsx")
    school_file(progress_form, seed, inbox / "victim.xlsx")
    run(inbox)  # the store exists
    other = school_file(progress_form, dict(seed, project=dict(seed["project"], code="P-OTHER")),
                        tmp_path / "elsewhere" / "other.xlsx")
    aims = {"key": office_key, "store": tmp_path / "master.sqlite", "school-file": other}
    aim = aims[target]
    before = aim.read_bytes()
    school_file(progress_form, dict(seed, project=dict(seed["project"], code="P-NEW")), inbox / "victim.xlsx")
    _swap_after_listing(monkeypatch, inbox, "victim.xlsx", aim)
    result = run(inbox)
    assert result.outcomes() == [] and result.new == []
    assert [p for p in result.problems if p.startswith("victim.xlsx: ") and "not a file (it is a link" in p], result.problems
    assert (inbox / "victim.xlsx").is_symlink() and aim.is_file()
    assert target == "store" or aim.read_bytes() == before  # (the store has this run in it)
    assert not [p for p in (inbox / "processed").iterdir() if p.is_symlink()]
    assert not (inbox / "quarantine").exists()
    assert len([o for o in outcomes(inbox) if o[0].startswith("victim")]) == 1  # the first run's only


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="links need a POSIX file system here")
def test_a_file_swapped_for_a_link_while_it_is_checked_is_not_set_aside_through_it(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        office_key: Path) -> None:
    """Swapped after it was read, while its reports are written: the office recorded the file
    and then moved the link into processed/ (a clerk opening it there opens the office's key).
    The entry moved is compared with the file read; a stranger goes back into the inbox."""
    inbox = tmp_path / "inbox"
    school_file(progress_form, seed, inbox / "victim.xlsx")
    _swap_after_listing(monkeypatch, inbox, "victim.xlsx", office_key, when="checked")
    result = run(inbox)
    assert [o.result for o in result.outcomes()] == ["merged"]  # what was read: the school's file
    assert [p for p in result.problems if p.startswith("victim.xlsx: ") and "replaced by another entry" in p], result.problems
    assert (inbox / "victim.xlsx").is_symlink()  # left where it was put (never moved), and never followed
    assert not (inbox / "processed").exists() or list((inbox / "processed").iterdir()) == []
    again = run(inbox)
    assert again.outcomes() == [] and [p for p in again.problems if "victim.xlsx" in p and "link" in p]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pipes need a POSIX file system here")
def test_a_file_swapped_for_a_pipe_after_the_listing_does_not_block_the_run(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a pipe waits for a writer: the run hung for ever."""
    inbox = tmp_path / "inbox"
    school_file(progress_form, seed, inbox / "good.xlsx")
    school_file(progress_form, seed, inbox / "victim.xlsx")
    real_list = sheetsync.sync.inbox_files

    def listing(folder: Path, notes: list[str] | None = None, failing: dict[str, str] | None = None) -> list[Path]:
        found = real_list(folder, notes, failing)
        (inbox / "victim.xlsx").unlink()
        os.mkfifo(inbox / "victim.xlsx")
        return found
    monkeypatch.setattr(sheetsync.sync, "inbox_files", listing)
    result = run(inbox)
    assert [(o.path.name, o.result) for o in result.outcomes()] == [("good.xlsx", "merged")]
    assert [p for p in result.problems if p.startswith("victim.xlsx: ") and "not a file (it is a pipe)" in p]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="links need a POSIX file system here")
def test_links_planted_in_quarantine_are_never_written_through(progress_form: Form, tmp_path: Path) -> None:
    """quarantine/ sits in the inbox, where anyone who sends files may make it first: a link named
    like the reason file of the next quarantined file, pointing at a file that does not exist yet,
    made the office create that file (anywhere it may write) with the reason's text."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bad.xlsx").write_bytes(b"not a spreadsheet")
    (inbox / "quarantine").mkdir()
    aim = tmp_path / "elsewhere" / "planted.txt"
    aim.parent.mkdir()
    os.symlink(aim, inbox / "quarantine" / "bad.xlsx.txt")
    os.symlink(aim, inbox / "quarantine" / "bad.xlsx")
    result = run(inbox)
    assert [o.result for o in result.outcomes()] == ["quarantined"]
    assert not aim.exists()
    assert (inbox / "quarantine" / "bad-2.xlsx").is_file() and (inbox / "quarantine" / "bad-2.xlsx.txt").is_file()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="links need a POSIX file system here")
def test_a_processed_folder_that_is_a_link_moves_nothing_through_it(progress_form: Form, seed: dict[str, Any],
                                                                   tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    school_file(progress_form, seed, inbox / "s1.xlsx")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, inbox / "processed")
    result = run(inbox)
    assert [o.result for o in result.outcomes()] == ["merged"]
    assert list(elsewhere.iterdir()) == [] and (inbox / "s1.xlsx").is_file()
    assert [p for p in result.problems if "processed is a link" in p]


def test_a_file_open_in_libreoffice_waits_until_it_is_closed(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path) -> None:
    """A clerk looking at a school's file in Calc from the inbox: it is not read and moved from under
    Calc (saving would put the clerk's edits back as the school's); a lock a crash left is passed over."""
    inbox = tmp_path / "inbox"
    shown = school_file(progress_form, seed, inbox / "s1.xlsx")
    lock = inbox / ".~lock.s1.xlsx#"
    lock.write_text(",clerk,office-pc,01.12.2026 09:00,file:///home/clerk/.config/libreoffice/4;", encoding="utf-8")
    first = run(inbox)
    assert first.waiting == [shown] and first.outcomes() == [] and outcomes(inbox) == []
    assert [p for p in first.problems if "s1.xlsx" in p] == [
        "s1.xlsx: ไฟล์นี้เปิดค้างอยู่ในโปรแกรม LibreOffice จะตรวจเมื่อปิดไฟล์แล้ว (ในการตรวจครั้งถัดไป) / "
        "s1.xlsx: open in LibreOffice; it is read once it is closed (at a later run)"]
    assert shown.exists() and not (inbox / "processed" / "s1.xlsx").exists()
    old = os.stat(lock).st_mtime - sheetsync.office.inbox.OPEN_LOCK_SECONDS - 60  # left by a Calc that crashed
    os.utime(lock, (old, old))
    second = run(inbox)
    assert [(o.path.name, o.result) for o in second.outcomes()] == [("s1.xlsx", "merged")] and second.waiting == []
    assert lock.exists()  # Calc's file: never ours to remove
