"""The inbox as the file system gives it: files that vanish or are locked while a run reads them,
and links, loops and other entries that are not plain files."""

from __future__ import annotations

import os
import pathlib
from pathlib import Path
from typing import Any

import pytest

import sheetsync.sync
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, SyncResult, sync
from sheetsync.template.write import write_template

NOW = SyncOptions(settle=0, view="never")


def run(inbox: Path) -> SyncResult:
    return sync(inbox, inbox.parent / "master.xlsx", report_dir=inbox.parent / "reports", options=NOW)


def outcomes(inbox: Path) -> list[tuple[str, str]]:
    with Store(inbox.parent / "master.sqlite") as store:
        return [(o.file, o.result) for o in store.outcomes()]


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

