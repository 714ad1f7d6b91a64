"""Found by a clerk who wrote a heading of ``sheetsync.toml`` with a capital letter (``[Mail]``, as a
title is written): she was told ``ไม่รู้จักชื่อ Mail ในส่วนบนของไฟล์ (ก่อนหัวข้อแรก)``, "unknown name Mail at
the top of the file, before the first heading" — of a line that is a heading, in the middle of the file."""

from __future__ import annotations

from pathlib import Path

from tests.cli import new_office, run

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,P\n"


def test_a_mistyped_heading_is_named_as_a_heading_with_the_right_one(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[mail]", "[Mail]"), encoding="utf-8")
    done = run("sync", cwd=office)
    assert done.returncode == 2
    thai = done.stderr.split(" / ")[0]
    assert "หัวข้อ [Mail]" in thai and "[mail]" in thai and "ส่วนบนของไฟล์" not in thai, done.stderr
