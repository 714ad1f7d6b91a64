"""Found in review of 7fe8764: a reason note alone no longer holds a name in quarantine/, and the note's place
is emptied before it is written. But a quarantined file may itself be named like another's note."""

from __future__ import annotations

from pathlib import Path

from tests.test_office_setaside import _run


def test_a_reason_note_never_replaces_a_quarantined_file_of_that_name(tmp_path: Path) -> None:
    office, inbox = tmp_path / "office", tmp_path / "office" / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "scan-s1.xlsx.txt").write_text("school 1's file", encoding="utf-8")
    _run(office)
    kept = inbox / "quarantine" / "scan-s1.xlsx.txt"
    assert kept.read_text(encoding="utf-8") == "school 1's file"
    (inbox / "scan-s1.xlsx").write_text("not a spreadsheet", encoding="utf-8")  # another school's file
    _run(office)
    [other] = [f for f in (inbox / "quarantine").glob("scan-s1*.xlsx")]  # under another name
    assert other.read_text(encoding="utf-8") == "not a spreadsheet" and other.with_name(other.name + ".txt").is_file()
    assert kept.read_text(encoding="utf-8") == "school 1's file"  # its note took the name of school 1's file
