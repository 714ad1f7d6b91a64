"""Found by a clerk looking back over a school's second month with ``sheetsync history --recipient``.

Each change read as the program stores it, not as the form prints it::

    /reports/3: (ไม่มี / none) → date: 2020-01-29; disbursed: 0.0; no: 4; on_plan: True; …
    /project/budget_used: 27000.0 → 57000.5

a JSON pointer for "report 4", the field names in English, dates in C.E., ``True`` for the dropdown's
เป็นไปตามแผน and amounts as 57000.5. The run's own table already said the same change as
``เพิ่มแถว ครั้งที่ 4``. Now the line names the form's own titles (รายงานครั้งที่ 4, งบประมาณที่ใช้ไป) and
shows values as the sheet does (29/1/2563, เป็นไปตามแผน, 57,000.50).
"""

from __future__ import annotations

from pathlib import Path

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,50360000-3553\n"


def _month(office: Path, form: Form, reports: int, name: str, budget_used: float | None = None) -> None:
    data = variant(seed_data(), code="50360000-3553", reports=reports)
    if budget_used is not None:
        data["project"]["budget_used"] = budget_used
    write_template(form, office / "inbox" / name, data=data, recipient="s1")
    assert run("sync", cwd=office).returncode == 0


def test_history_says_each_change_in_the_forms_own_words(tmp_path: Path, progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    _month(office, progress_form, 3, "s1.xlsx")
    _month(office, progress_form, 4, "s1-2.xlsx", budget_used=57000.5)
    shown = run("history", "--recipient", "s1", cwd=office)
    assert shown.returncode == 0, shown.stderr
    changes = [line.strip() for line in shown.stdout.splitlines() if "→" in line]
    added = next(line for line in changes if line.startswith("รายงานครั้งที่ 4:"))
    assert "29/1/2563" in added and "วันที่รายงาน" in added and "เป็นไปตามแผน" in added, added
    assert not any(jargon in added for jargon in ("2020-01-29", "True", "on_plan", "/reports/")), added
    budget = next(line for line in changes if line.startswith("งบประมาณที่ใช้ไป:"))
    assert budget.endswith("→ 57,000.50"), budget


def test_each_key_of_history_names_its_school(tmp_path: Path, progress_form: Form) -> None:
    """The heading read ``progress-report · 50360000-3553 · s1``: the clerk knows her schools by name."""
    office = new_office(tmp_path, ROSTER)
    _month(office, progress_form, 3, "s1.xlsx")
    shown = run("history", cwd=office)
    assert shown.stdout.splitlines()[0].endswith("· s1 โรงเรียนวัดไทร"), shown.stdout
