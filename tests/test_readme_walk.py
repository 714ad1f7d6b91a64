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


def test_restore_outside_an_office_says_what_to_do_once(tmp_path: Path) -> None:
    """`restore` outside an office said "give --office or --office"; the README's step 2 is `init` first."""
    ran = run("restore", tmp_path / "sheetsync-20261130-171500.sqlite", cwd=tmp_path)
    assert ran.returncode == 2
    assert "--office or --office" not in ran.stderr and "หรือใส่ --office หรือ --office" not in ran.stderr
    assert "sheetsync init" in ran.stderr and "--office DIR" in ran.stderr


@pytest.mark.parametrize("command", ["read", "validate"])
def test_a_mistyped_file_name_is_said_in_thai_as_not_found(tmp_path: Path, command: str) -> None:
    """`read` said a missing file in English alone; `validate` told the clerk, in Thai, it was damaged."""
    ran = run(command, "school-1.xlsx", cwd=tmp_path)
    assert ran.returncode == 2
    line = ran.stderr.strip()
    assert line.startswith("sheetsync: school-1.xlsx: ไม่พบไฟล์") and "เสียหาย" not in line
    assert " / " in line and line.count("\n") == 0


def test_template_data_that_cannot_be_read_is_said_in_thai_first(tmp_path: Path) -> None:
    """`template --data project.json`: a missing or broken JSON file was said in English alone."""
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    for name in ("project.json", "broken.json", "list.json"):
        ran = run("template", "--data", name, "-o", "school-01.xlsx", cwd=tmp_path)
        assert ran.returncode == 2 and ran.stderr.startswith(f"sheetsync: {name}: อ่าน"), ran.stderr
        assert " / " in ran.stderr and not (tmp_path / "school-01.xlsx").exists()


def test_read_says_a_file_it_cannot_read_thai_first(tmp_path: Path) -> None:
    """`read junk.xlsx` said it in English alone, where `validate junk.xlsx` says it Thai first."""
    (tmp_path / "junk.xlsx").write_text("junk\n", encoding="utf-8")
    said = {command: run(command, "junk.xlsx", cwd=tmp_path) for command in ("read", "validate")}
    assert said["read"].returncode == said["validate"].returncode == 2
    assert said["read"].stderr == said["validate"].stderr
    assert said["read"].stderr.startswith("sheetsync: junk.xlsx: ไฟล์เสียหาย") and " / junk.xlsx: not a spreadsheet" in said["read"].stderr
