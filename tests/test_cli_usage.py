"""A command typed wrong is said in Thai first, above click's English usage lines (they were English
only: "Error: No such option: --bogus"). These run the installed entry point (``python -m sheetsync``
goes through ``sheetsync.cli.main``, as the console script does): the Thai line is main's, not the app's."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

THAI = re.compile("[\u0e00-\u0e7f]")
PROG = "python -m sheetsync"  # how click names the program run so (the console script: "sheetsync")


def sheetsync(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sheetsync", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=120)


@pytest.mark.parametrize("args, thai, english", [
    (["sync", "--vieww", "x"], f"คำสั่ง {PROG} sync ไม่มีตัวเลือก --vieww (หรือหมายถึง --view)",
     "Error: No such option: --vieww"),
    (["validate"], f"คำสั่ง {PROG} validate ต้องมี FILE... แต่ยังไม่ได้ใส่", "Error: Missing argument 'FILE...'."),
    (["template", "--format", "pdf"], "ค่าที่ใส่ให้ --format ใช้ไม่ได้", "Error: Invalid value for '--format'"),
    (["master", "--period"], "--period ต้องตามด้วยค่า", "Error: Option '--period' requires an argument."),
    (["bogus"], f"พิมพ์คำสั่ง {PROG} ไม่ถูกต้อง", "Error: No such command 'bogus'."),
])
def test_a_command_typed_wrong_is_said_in_thai_first(tmp_path: Path, args: list[str], thai: str, english: str) -> None:
    ran = sheetsync(*args, cwd=tmp_path)
    assert ran.returncode == 2 and "Traceback" not in ran.stderr, ran.stderr
    first, *rest = ran.stderr.splitlines()
    assert first.startswith(f"sheetsync: {thai}") and "--help" in first, first
    assert any(line.startswith(english) for line in rest), ran.stderr
    assert not THAI.search("\n".join(rest))  # click's lines as they always were


def test_version_help_and_a_bare_command(tmp_path: Path) -> None:
    from sheetsync import __version__

    version = sheetsync("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout == f"sheetsync {__version__}\n"
    helped = sheetsync("--help", cwd=tmp_path)
    assert helped.returncode == 0 and "Commands" in helped.stdout and helped.stderr == ""
    bare = sheetsync(cwd=tmp_path)  # the help, as asked: no line saying it was typed wrong
    assert "Commands" in bare.stdout + bare.stderr and not THAI.search(bare.stderr)


def test_a_command_that_fails_keeps_its_own_exit_code(tmp_path: Path) -> None:
    ran = sheetsync("validate", "missing.xlsx", cwd=tmp_path)
    assert ran.returncode == 2 and ran.stderr.startswith("sheetsync: missing.xlsx: ")
    (tmp_path / "empty").mkdir()
    assert sheetsync("forms", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("args, thai", [
    (["--email"], "--email ต้องใช้คู่กับ --roster หรือ --from-master"),
    (["--again"], "--again ใช้คู่กับ --email เท่านั้น"),
])
def test_options_that_go_together_are_said_thai_first(tmp_path: Path, args: list[str], thai: str) -> None:
    """These were English only, under a Thai line with a hole where an option's name belonged."""
    done = sheetsync("template", *args, "-o", "school.xlsx", cwd=tmp_path)
    assert done.returncode == 2 and not (tmp_path / "school.xlsx").exists()
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"sheetsync: {thai}") and "  " not in first, done.stderr


def test_a_school_not_on_the_roster_is_said_thai_first(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_text("recipient_id,school_name,email\nn73-01,โรงเรียนวัดโพธิ์ทอง,a@example.org\n", encoding="utf-8")
    done = sheetsync("template", "--roster", "roster.csv", "-o", "templates/", "--recipient", "n99-99", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0].startswith("sheetsync: ค่าที่ใส่ให้ --recipient ใช้ไม่ได้"), done.stderr
    assert "ไม่มี n99-99 ในรายชื่อโรงเรียน roster.csv" in done.stderr
