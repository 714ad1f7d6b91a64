"""Found by a clerk who, with next term's list of schools in ``schools.csv``, typed the ``init`` line of
step 3 again to give the office its new roster: she was told ``โฟลเดอร์นี้เป็นสำนักงานอยู่แล้ว`` (this folder is
already an office) and nothing else — not that the office keeps its own copy, ``roster.csv``, to change."""

from __future__ import annotations

from pathlib import Path

from tests.cli import new_office, run

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,50360000-3553\n"


def test_init_again_says_which_roster_to_change(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    again = run("init", office, "--roster", tmp_path / "schools.csv")
    assert again.returncode == 2
    line = again.stderr.strip()
    assert len(line.splitlines()) == 1 and "already an office" in line, line
    thai = line.split(" / ")[0]
    assert str(office / "roster.csv") in thai and "ไม่ต้อง" in thai, line
