"""What a clerk meets following the README top to bottom, where it once went wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run


def test_sync_with_an_outbox_and_no_sender_refuses_before_any_file(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`sync INBOX --master M --outbox DIR` without a sender once took every file and wrote no e-mail,
    silently ("e-mails queued 0"): the schools were never answered, not even by a later run."""
    monkeypatch.delenv("SHEETSYNC_MAIL_FROM", raising=False)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert run("template", "-o", inbox / "school-01.xlsx").returncode == 0
    ran = run("sync", inbox, "--master", tmp_path / "master.xlsx", "--outbox", tmp_path / "outbox",
              "--settle", "0")
    assert ran.returncode == 3
    assert "SHEETSYNC_MAIL_FROM" in ran.stderr and ran.stderr.startswith("sheetsync: ยังไม่ได้")
    assert (inbox / "school-01.xlsx").exists() and not (tmp_path / "master.sqlite").exists()
