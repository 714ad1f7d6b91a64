"""Found by a clerk who pressed Ctrl+C during a long ``sync`` (a morning's files, a slow disk): the
command stopped without a word (typer turns the interrupt into exit code 130, silently), and she
could not tell whether the files were lost, half taken, or the office damaged."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import sheetsync.sync
from sheetsync.cli import app
from sheetsync.cli.usage import run
from tests.cli import new_office

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,50360000-3600\n"


def test_a_command_stopped_with_ctrl_c_says_so_thai_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    office = new_office(tmp_path, ROSTER)
    capsys.readouterr()

    def pressed(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(sheetsync.sync, "sync", pressed)
    monkeypatch.chdir(office)
    monkeypatch.setattr(sys, "argv", ["sheetsync", "sync"])
    assert run(app) == 130  # as a shell says of a command stopped by Ctrl+C
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "Ctrl+C" in said[0], said
    thai, english = said[0].split(" / ", 1)
    assert "หยุด" in thai and "พิมพ์คำสั่งเดิมอีกครั้ง" in thai and "stopped" in english
