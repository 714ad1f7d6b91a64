"""Found by a clerk who, between two months, took a closed school off ``roster.csv`` and added a new one:
the run said ``จากเดิม 3 โรงเรียน เหลือ 3 โรงเรียน`` — "of 3 before, 3 remain" — when one had gone and
one come. The count after is what the roster now lists, new schools included: said so."""

from __future__ import annotations

from pathlib import Path

from tests.cli import new_office, run

BEFORE = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,a@s1.example,50360000-3553\n"
          "s2,โรงเรียนบ้านนา,b@s2.example,50360000-4001\n")
AFTER = ("recipient_id,school_name,email,project_code\n"
         "s1,โรงเรียนวัดไทร,a@s1.example,50360000-3553\n"
         "s3,โรงเรียนใหม่,c@s3.example,50360000-4002\n")


def test_a_school_gone_and_one_come_is_not_said_as_all_remaining(tmp_path: Path) -> None:
    office = new_office(tmp_path, BEFORE)
    assert run("sync", cwd=office).returncode == 0
    (office / "roster.csv").write_text(AFTER, encoding="utf-8")
    done = run("sync", cwd=office)
    line = next(line for line in done.stderr.splitlines() if "โรงเรียนบ้านนา" in line)
    thai = line.split(" / ")[0]
    assert "เหลือ" not in thai and "ตอนนี้มี 2 โรงเรียน" in thai, line
