"""``template --from-master`` gives each school the format of its last accepted file.

A school using LibreOffice returned .ods, yet next month's template made for everyone in one command
was an .xlsx unless the clerk said ``--format ods`` (which then gave every school .ods). Now each
school gets the format of the last file the office accepted from it; one that never sent a file gets
the office's default (.xlsx); an explicit ``--format`` still wins for everyone. The run says which
schools get which format, Thai first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from sheetsync.master.formats_kept import formats_said
from tests.cli import new_office, run
from tests.test_master_support import CODES, at, seed_data, variant

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
          f"s2,โรงเรียนวัดโพธิ์,head@s2.example,{CODES[1]}\n"
          f"s3,โรงเรียนวัดใหม่,head@s3.example,{CODES[2]}\n")


@pytest.fixture
def office(tmp_path: Path, progress_form: Form) -> Path:
    """An office holding s1's report sent as .xlsx and s2's sent as .ods; s3 has sent nothing."""
    folder = new_office(tmp_path, ROSTER)
    for who, code, suffix in (("s1", CODES[0], "xlsx"), ("s2", CODES[1], "ods")):
        write_template(progress_form, folder / "inbox" / f"{who}.{suffix}",
                       data=variant(seed_data(), code=code, reports=3), recipient=who, issued=at(0))
    assert run("sync", cwd=folder).returncode == 0
    return folder


def _made(folder: Path) -> dict[str, str]:
    """Each template in ``folder``: its recipient (the name's first word) → its extension."""
    return {p.name.split()[0]: p.suffix for p in folder.iterdir() if p.is_file()}


def test_each_school_gets_the_format_it_last_sent(office: Path) -> None:
    made = run("template", "--from-master", "master.xlsx", "-o", "next/", cwd=office)
    assert made.returncode == 0, made.stdout + made.stderr
    assert _made(office / "next") == {"s1": ".xlsx", "s2": ".ods", "s3": ".xlsx"}
    ods = office / "next" / "s2 โรงเรียนวัดโพธิ์.ods"
    assert read_filled(ods).metadata["recipient"] == "s2"
    said = [line for line in made.stdout.splitlines() if ".ods" in line]
    assert len(said) == 1 and "s2" in said[0] and "s1" not in said[0], made.stdout
    assert said[0].index("รูปแบบ") < said[0].index("format"), said[0]  # Thai first
    default = [line for line in made.stdout.splitlines() if "ค่าเริ่มต้น" in line or "เริ่มต้น" in line]
    assert len(default) == 1 and ".xlsx" in default[0] and "s3" in default[0] and "s1" not in default[0], made.stdout


def test_an_explicit_format_wins_for_everyone(office: Path) -> None:
    made = run("template", "--from-master", "master.xlsx", "-o", "next/", "--format", "xlsx", cwd=office)
    assert made.returncode == 0, made.stdout + made.stderr
    assert _made(office / "next") == {"s1": ".xlsx", "s2": ".xlsx", "s3": ".xlsx"}
    made = run("template", "--from-master", "master.xlsx", "-o", "next/", "--format", "ods", cwd=office)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "--format" in made.stdout and ".ods" in made.stdout
    assert _made(office / "next") == {"s1": ".ods", "s2": ".ods", "s3": ".ods"}


def test_the_latest_accepted_file_decides(office: Path, progress_form: Form) -> None:
    """s2 moved to Excel: her next report, an .xlsx, is the last accepted, so she gets .xlsx."""
    write_template(progress_form, office / "inbox" / "s2-next.xlsx",
                   data=variant(seed_data(), code=CODES[1], reports=4), recipient="s2", issued=at(1))
    assert run("sync", cwd=office).returncode == 0
    assert run("template", "--from-master", "master.xlsx", "-o", "next/", cwd=office).returncode == 0
    assert _made(office / "next")["s2"] == ".xlsx"


def test_a_districts_line_names_a_few_schools_and_counts_them_all() -> None:
    """300 schools on .xlsx: the line names the first few and counts all 300, not 300 codes on one line."""
    chosen = {f"s{n:03}": "xlsx" for n in range(300)} | {"s900": "ods"}
    lines = formats_said(chosen, kept=dict(chosen), asked=None)
    xlsx = next(line for line in lines if ".xlsx" in line)
    assert "300" in xlsx and "s000" in xlsx and "s299" not in xlsx and "…" in xlsx, xlsx
    assert len(xlsx) < 400, xlsx
    assert any("s900" in line for line in lines if ".ods" in line)
