"""What a clerk reads when a school's file replaces its last one: the month's new report, named.

Played through a year, every school's monthly file (one report row more than last month's) was recorded
as "แทนที่ไฟล์ s1.xlsx (เปลี่ยน 1 ค่า) / replaces s1.xlsx; changed: /reports/11": a value "changed",
and report 12 named as /reports/11 (the row's index from 0), which a clerk reads as report 11. A row
added is said as added, by the number the school sees (ครั้งที่ 12); values changed keep their count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheetsync.master import merge
from sheetsync.office.details import split
from sheetsync.spec.form import Form
from tests.test_master_support import at, seed_data, submit, variant

TODAY = dt.date(2020, 5, 10)


def test_a_report_added_is_said_as_added_with_its_number(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, variant(seed_data(), reports=5), "s1", name="feb.xlsx", issued=at(40))],
          master, today=TODAY)
    march = variant(seed_data(), reports=6)
    outcome = merge([submit(progress_form, tmp_path, march, "s1", name="mar.xlsx", issued=at(70))], master,
                    today=TODAY).outcomes[0]
    assert outcome.result == "replaced" and "/reports/5" in outcome.changes  # the store's record is unchanged
    th, en = split(outcome.detail)
    assert "เพิ่มแถว ครั้งที่ 6" in th and "เปลี่ยน 1 ค่า" in th  # and the budget used, updated
    assert "/reports/5" not in th and "added row 6" in en


def test_a_report_corrected_beside_one_added_says_both(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, variant(seed_data(), reports=5), "s1", name="feb.xlsx", issued=at(40))],
          master, today=TODAY)
    march = variant(seed_data(), reports=7)
    march["reports"][0]["stage"] = "แก้ไขแล้ว"
    outcome = merge([submit(progress_form, tmp_path, march, "s1", name="mar.xlsx", issued=at(70))], master,
                    today=TODAY).outcomes[0]
    th, en = split(outcome.detail)
    assert "เพิ่มแถว ครั้งที่ 6, 7" in th and "เปลี่ยน 2 ค่า" in th  # the stage and the budget used
    assert "added rows 6, 7" in en and "/reports/0/stage" in en
