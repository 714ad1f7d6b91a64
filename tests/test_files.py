"""The shared file utilities on Windows' terms: a rename refused for a moment, then allowed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sheetsync.errors import OutputError
from sheetsync.files import replace, write_atomically


def refused(times: int, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Make ``os.replace`` fail ``times`` times with PermissionError (an antivirus holding the new
    file, as Windows does), then work; returns the calls made."""
    calls: list[Any] = []
    real = os.replace

    def held(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) <= times:
            raise PermissionError(13, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(os, "replace", held)
    return calls


def test_a_rename_refused_for_a_moment_is_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = refused(2, monkeypatch)
    write_atomically(tmp_path / "summary.csv", lambda tmp: tmp.write_text("ok", encoding="utf-8"))
    assert (tmp_path / "summary.csv").read_text(encoding="utf-8") == "ok" and len(calls) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]  # no temporary file left


def test_a_file_held_open_fails_after_the_last_try_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "summary.csv").write_text("old", encoding="utf-8")
    calls = refused(100, monkeypatch)
    with pytest.raises(OutputError, match="summary.csv: cannot write .it is open in another program"):
        write_atomically(tmp_path / "summary.csv", lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert (tmp_path / "summary.csv").read_text(encoding="utf-8") == "old" and 2 < len(calls) < 10
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]


def test_other_errors_are_not_tried_again(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        replace(tmp_path / "missing", tmp_path / "there")
