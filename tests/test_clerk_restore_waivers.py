"""Found by a clerk who waived a project (``sheetsync waive``: the school merged into another), then lost
the office's store and restored last week's backup: ``restore`` listed what it put back and what to do
next, and said nothing of the waiver, which the backup did not hold. The next run showed the project late
again and the digest chased the school. ``restore`` now says, Thai first, that waivers made after the
backup are not in it, and how to list and make them again."""

from __future__ import annotations

from pathlib import Path

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant

ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,a@s1.example,50360000-3553\n"
          "s2,โรงเรียนใหม่,b@s2.example,50360000-4001\n")


def test_restore_says_waivers_made_after_the_backup_are_to_be_made_again(tmp_path: Path,
                                                                         progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), code="50360000-3553",
                                                                             reports=3), recipient="s1")
    assert run("sync", cwd=office).returncode == 0
    backup = tmp_path / "usb" / "b.sqlite"
    assert run("backup", backup, cwd=office).returncode == 0
    assert run("waive", "50360000-4001", "--reason", "ควบรวมกับโรงเรียนวัดไทร", cwd=office).returncode == 0
    (office / "sheetsync.sqlite").unlink()
    done = run("restore", backup, cwd=office)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stdout.splitlines() if "sheetsync waive" in line]
    assert len(said) == 1 and said[0].index("ยกเว้น") < said[0].index(" / "), done.stdout
