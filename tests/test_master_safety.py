"""The office survives: another run holding it, a failing write of the view."""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sheetsync.files import temp_pattern
from sheetsync.master.atomic import backup_path
from sheetsync.spec.form import Form
from sheetsync.master import MasterWriteError, merge, read_master
from sheetsync.office.sheets import LEDGER as LEDGER_SHEET
from tests.test_master_merge import sheet_rows
from sheetsync.office import view
from sheetsync.office.lock import OfficeBusyError, run_lock
from sheetsync.office.store import Store
from tests.test_master_support import CODES, seed_data, submit, variant

ROOT = Path(__file__).parent.parent


def old_master(form: Form, folder: Path) -> Path:
    master = folder / "master.xlsx"
    merge([submit(form, folder, variant(seed_data(), code=code), "old") for code in CODES[:3]], master)
    return master


def temp_files(master: Path) -> list[Path]:
    return sorted(Path(p) for p in glob.glob(temp_pattern(master)) + glob.glob(temp_pattern(backup_path(master))))


def test_a_merge_while_another_run_holds_the_office_is_refused(progress_form: Form, tmp_path: Path) -> None:
    master = old_master(progress_form, tmp_path)
    before = master.stat().st_mtime_ns
    with Store(master.with_suffix(".sqlite")) as store, run_lock(store, "sync"):
        with pytest.raises(OfficeBusyError, match=r"'sync' \(pid \d+ on .*\) is working on this office"):
            merge([submit(progress_form, tmp_path, seed_data(), "new")], master, wait=0)
    assert master.stat().st_mtime_ns == before


def test_a_merge_in_another_process_is_refused_until_it_dies(progress_form: Form, tmp_path: Path) -> None:
    master = old_master(progress_form, tmp_path)
    hold = ("import sys, time; from sheetsync.office.lock import run_lock; from sheetsync.office.store import Store\n"
            "with Store(sys.argv[1]) as store, run_lock(store, 'sync'):\n    print('locked', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", hold, str(master.with_suffix(".sqlite"))], cwd=ROOT,
                            stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"locked"
        new = submit(progress_form, tmp_path, seed_data(), "new")
        with pytest.raises(OfficeBusyError) as caught:
            merge([new], master, wait=0)
        assert f"pid {proc.pid}" in str(caught.value)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert merge([new], master, wait=0).written  # a dead holder's lock does not block
    finally:
        proc.kill()
        proc.wait()
        if proc.stdout:
            proc.stdout.close()


def test_a_failing_write_leaves_the_old_view_and_the_store_is_up_to_date(
        progress_form: Form, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    master = old_master(progress_form, tmp_path)
    old_view = sheet_rows(master, LEDGER_SHEET)

    def broken_writer(sheets: object, path: Path) -> None:
        path.write_bytes(b"PK half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(view.WRITERS, ".xlsx", broken_writer)
    with pytest.raises(MasterWriteError, match="the old one is unchanged"):
        merge([submit(progress_form, tmp_path, seed_data(), "new")], master)
    assert sheet_rows(master, LEDGER_SHEET) == old_view and temp_files(master) == []
    assert len(read_master(master).records) == 4  # the store has the file; the next run renders it
    monkeypatch.undo()
    assert merge([], master).written  # the view was behind the store: rendered now
    assert len(sheet_rows(master, LEDGER_SHEET)) == 4
    assert merge([], master).written is False  # nothing new since: the view is left alone


def test_new_master_keeps_usual_permissions(progress_form: Form, tmp_path: Path) -> None:
    master = old_master(progress_form, tmp_path)
    os.chmod(master, 0o640)
    merge([submit(progress_form, tmp_path, seed_data(), "new")], master)
    assert master.stat().st_mode & 0o777 == 0o640


def test_the_master_is_flushed_through_a_handle_windows_can_flush(
        progress_form: Form, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows' FlushFileBuffers refuses a handle opened read-only (os.fsync raises OSError there,
    # where POSIX accepts it): a read-only flush made every master write fail on the clerk's PC.
    fsync = os.fsync
    flushed: list[int] = []

    def windows_fsync(fd: int) -> None:
        import fcntl
        if os.path.isfile(f"/proc/self/fd/{fd}") and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(9, "Bad file descriptor")
        flushed.append(fd)
        fsync(fd)

    monkeypatch.setattr(os, "fsync", windows_fsync)
    master = old_master(progress_form, tmp_path)
    merge([submit(progress_form, tmp_path, seed_data(), "new")], master)
    assert flushed and len(sheet_rows(master, LEDGER_SHEET)) == 4 and temp_files(master) == []


def test_a_master_open_in_excel_on_windows_is_named_as_the_reason(
        progress_form: Form, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows a file open in Excel cannot be replaced: os.replace fails with a sharing violation,
    # which Python raises as PermissionError. The clerk must read what to do, not "Permission denied".
    master = old_master(progress_form, tmp_path)
    old_view = sheet_rows(master, LEDGER_SHEET)
    replace = os.replace

    def held_open(src: object, dst: object) -> None:
        if Path(str(dst)) == master:
            raise PermissionError(13, "Permission denied")
        replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held_open)
    with pytest.raises(MasterWriteError) as raised:
        merge([submit(progress_form, tmp_path, seed_data(), "new")], master)
    message = str(raised.value)
    assert message.startswith("master.xlsx: ") and "open in another program" in message and "close it" in message
    assert "the old one is unchanged" in message and "Permission denied" not in message
    assert sheet_rows(master, LEDGER_SHEET) == old_view and temp_files(master) == []
    monkeypatch.undo()
    assert len(read_master(master).records) == 4  # recorded all the same: the next run renders it
    assert merge([], master).written and len(sheet_rows(master, LEDGER_SHEET)) == 4


def test_a_backup_held_open_is_named_not_the_master(progress_form: Form, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    master = old_master(progress_form, tmp_path)
    merge([submit(progress_form, tmp_path, seed_data(), "new")], master)  # now there is a master.xlsx.bak
    replace = os.replace

    def bak_open(src: Any, dst: Any) -> None:
        if str(dst).endswith(".bak"):
            raise PermissionError(13, "Permission denied", str(src), None, str(dst))
        replace(src, dst)

    monkeypatch.setattr(os, "replace", bak_open)
    with pytest.raises(MasterWriteError, match=r"^master.xlsx: cannot write the new master \(master.xlsx.bak: it is "
                                               r"open in another program"):
        merge([submit(progress_form, tmp_path, variant(seed_data(), code=CODES[3]), "newer")], master)
