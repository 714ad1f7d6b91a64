"""The master survives: a merge killed at any moment, two merges at once, a failing write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

from sheetsync.spec.form import Form
from sheetsync.master import MasterLockedError, MasterWriteError, merge, read_master
from sheetsync.master import merging
from sheetsync.master.lock import master_lock
from sheetsync.spec.registry import find_form
from tests.test_master_support import CODES, seed_data, submit, variant

ROOT = Path(__file__).parent.parent
MANY = 320
MERGE_SCRIPT = "import json, sys; from sheetsync.master import merge; merge(json.load(open(sys.argv[1])), sys.argv[2])"


def _submit_school(folder: Path, n: int) -> Path:
    return submit(find_form("progress-report"), folder, seed_data(), f"school-{n:03d}")


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Enough distinct submissions that merging them takes a good second (written on every core)."""
    folder = tmp_path_factory.mktemp("many")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(_submit_school, [folder] * MANY, range(MANY), chunksize=16))


def old_master(form: Form, folder: Path) -> Path:
    master = folder / "master.xlsx"
    merge([submit(form, folder, variant(seed_data(), code=code), "old") for code in CODES[:3]], master)
    return master


def temp_files(master: Path) -> list[Path]:
    return sorted(master.parent.glob(f".{master.name}.*.tmp"))


def start_merge(files: list[Path], master: Path, folder: Path) -> subprocess.Popen[bytes]:
    listing = folder / "files.json"
    listing.write_text(json.dumps([str(p) for p in files]), encoding="utf-8")
    return subprocess.Popen([sys.executable, "-c", MERGE_SCRIPT, str(listing), str(master)], cwd=ROOT)


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, "the merge finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.0005)


def has_temp(master: Path) -> Callable[[], bool]:
    return lambda: bool(temp_files(master))


def temp_has_bytes(master: Path) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return any(p.stat().st_size > 0 for p in temp_files(master))
        except FileNotFoundError:
            return False
    return check


def after(seconds: float) -> Callable[[], bool]:
    deadline = time.monotonic() + seconds
    return lambda: time.monotonic() >= deadline


@pytest.mark.parametrize("moment", ["reading", "writing-starts", "zip-being-written"])
def test_killed_merge_leaves_the_old_master(moment: str, many: list[Path], progress_form: Form,
                                            tmp_path: Path) -> None:
    master = old_master(progress_form, tmp_path)
    old = read_master(master)
    proc = start_merge(many, master, tmp_path)
    try:
        condition = {"reading": after(0.6), "writing-starts": has_temp(master),
                     "zip-being-written": temp_has_bytes(master)}[moment]
        wait_for(condition, proc)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    openpyxl.load_workbook(master).close()
    assert read_master(master) == old
    # The next merge is not blocked by the dead one's lock, and it tidies up what it left.
    result = merge(many[:2], master)
    assert result.written and [o.result for o in result.outcomes] == ["merged", "merged"]
    assert temp_files(master) == []
    assert not master.with_name("master.xlsx.lock").exists()
    assert len(read_master(master).records) == len(old.records) + 2


def test_a_merge_while_another_holds_the_lock_is_refused(progress_form: Form, tmp_path: Path) -> None:
    master = old_master(progress_form, tmp_path)
    before = read_master(master)
    with master_lock(master):
        with pytest.raises(MasterLockedError, match=r"master\.xlsx: another merge is running"):
            merge([submit(progress_form, tmp_path, seed_data(), "new")], master)
    assert read_master(master) == before


def test_a_merge_in_another_process_is_refused_until_it_dies(progress_form: Form, tmp_path: Path) -> None:
    master = old_master(progress_form, tmp_path)
    hold = ("import sys, time; from sheetsync.master.lock import master_lock\n"
            "with master_lock(sys.argv[1]):\n    print('locked', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", hold, str(master)], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"locked"
        new = submit(progress_form, tmp_path, seed_data(), "new")
        with pytest.raises(MasterLockedError) as caught:
            merge([new], master)
        assert f"pid {proc.pid}" in str(caught.value)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert merge([new], master).written  # a dead holder's lock file does not block
    finally:
        proc.kill()
        proc.wait()
        if proc.stdout:
            proc.stdout.close()


def test_a_failing_write_leaves_the_old_master(progress_form: Form, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    master = old_master(progress_form, tmp_path)
    old = read_master(master)

    def broken_writer(sheets: object, path: Path) -> None:
        path.write_bytes(b"PK half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(merging.WRITERS, ".xlsx", broken_writer)
    with pytest.raises(MasterWriteError, match="the old one is unchanged"):
        merge([submit(progress_form, tmp_path, seed_data(), "new")], master)
    assert read_master(master) == old and temp_files(master) == []


def test_new_master_keeps_usual_permissions(progress_form: Form, tmp_path: Path) -> None:
    master = old_master(progress_form, tmp_path)
    os.chmod(master, 0o640)
    merge([submit(progress_form, tmp_path, seed_data(), "new")], master)
    assert master.stat().st_mode & 0o777 == 0o640
