"""Last month's file dropped again beside this month's new files: which one was already seen.

Played through a year, a school sent its August file again in October, in the same run as other
schools' new files: the run's table counted "already seen 1" and named no file, the ledger holds no
line for it (its bytes were recorded in August), and the file went to processed/ under a new name
(s3-2.xlsx) — the clerk could not tell which school's file it was. Alone in a run it was named.
"""

from __future__ import annotations

from pathlib import Path

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import CODES, seed_data, variant

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
          f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[1]}\n")


def test_a_file_dropped_again_beside_new_files_is_named(tmp_path: Path, progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), reports=5), recipient="s1")
    assert run("sync", cwd=office).returncode == 0
    (office / "inbox" / "august.xlsx").write_bytes((office / "processed" / "s1.xlsx").read_bytes())
    write_template(progress_form, office / "inbox" / "s2.xlsx", data=variant(seed_data(), code=CODES[1], reports=5),
                   recipient="s2")
    mixed = run("sync", cwd=office, env={"COLUMNS": "200"})  # the table whole, on a line each
    assert mixed.returncode == 0 and "s2.xlsx" in mixed.stdout  # the new file, in the table
    assert "  august.xlsx: เคยได้รับแล้ว / already seen" in mixed.stdout.splitlines()
