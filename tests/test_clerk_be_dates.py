"""Found by a clerk reading, in Thai, when things happened: every Thai sentence sheetsync writes dates
a day in the Buddhist Era (``ได้รับเมื่อ 1/12/2569 06:30 น.``), but ``sheetsync waive`` listed
``ยกเว้นเมื่อ 2026-12-01 06:30:00 +0700`` — a Christian year, with an offset, in a Thai sentence."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli import new_office, run

CODE = "50360000-3600"
ROSTER = f"recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,{CODE}\n"
THAI_TIME = re.compile(r"\d{1,2}/\d{1,2}/25\d\d \d\d:\d\d น\.")
ENGLISH_TIME = re.compile(r"20\d\d-\d\d-\d\d \d\d:\d\d \+07:00")


def test_waive_lists_when_in_the_buddhist_era_in_thai(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('timezone = ""', 'timezone = "+07:00"'),
                      encoding="utf-8")
    assert run("sync", cwd=office).returncode == 0  # the store learns the roster's codes
    assert run("waive", CODE, "--reason", "กทม. ยกเลิกโครงการ", cwd=office).returncode == 0
    assert run("waive", CODE, "--undo", cwd=office).returncode == 0
    listed = run("waive", cwd=office)
    assert listed.returncode == 0
    thai, english = listed.stdout.strip().split(" / ")
    assert len(re.findall(r"ยกเว้นเมื่อ " + THAI_TIME.pattern, thai)) == 2, thai  # waived, and undone
    assert "2026-" not in thai and "+07" not in thai
    assert len(ENGLISH_TIME.findall(english)) == 2, english
    shown = run("history", "--recipient", "s1", cwd=office)
    assert THAI_TIME.search(shown.stdout.split("ยกเว้นเมื่อ ", 1)[1]), shown.stdout
