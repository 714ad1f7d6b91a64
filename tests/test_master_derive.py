"""The numbers and statuses of the master's sheets, computed without any workbook."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sheetsync.master import Key, Recency, Record
from sheetsync.master.derive import (COMPLETE, LATE, NO_REPORT, NOT_ON_PLAN, OVER_BUDGET,
                                     UP_TO_DATE, cumulative_rows, cumulative_sheet, status_of, summary_sheet)
from sheetsync.roster import Recipient
from sheetsync.office.sheets import expected_since
from tests.test_master_support import seed_data


def record(data: dict[str, Any], recipient: str = "s1") -> Record:
    key = Key("progress-report", data["project"]["code"], recipient)
    return Record(key, "1.0.0", "t", Recency("2020-01-01T00:00:00+00:00", ""), "f.xlsx", "sha", "now", data)


def test_cumulative_rows_of_the_seed() -> None:
    rows = cumulative_rows(record(seed_data()))
    assert [r[6] for r in rows] == [0, 0, 0, 0, 0, 10_000, 180_000]
    assert [r[7] for r in rows][-2:] == [5.56, 100]
    assert rows[0][3] == dt.date(2019, 10, 31) and rows[-1][4] == 100


def test_flags_not_on_plan_and_over_budget() -> None:
    data = seed_data()
    data["reports"][1]["on_plan"] = False
    data["reports"][6]["disbursed"] = 200_000
    rows = cumulative_rows(record(data))
    assert rows[1][8] == NOT_ON_PLAN and OVER_BUDGET in rows[6][8] and rows[0][8] == ""


def test_reports_are_ordered_by_number_whatever_the_list_order() -> None:
    data = seed_data()
    data["reports"].reverse()
    assert [r[2] for r in cumulative_rows(record(data))] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("period, progress, expected", [
    ("2020-01", 30.0, UP_TO_DATE), ("2020-02", 30.0, UP_TO_DATE), ("2020-03", 30.0, LATE),
    ("2021-05", 100.0, COMPLETE)])
def test_status_rule_is_the_offices_period_not_today(period: str, progress: float, expected: str) -> None:
    report = {"no": 1, "date": "2020-01-31", "progress_percent": progress}
    assert status_of([report], expected_since(period)) == expected
    assert status_of([], expected_since(period)) == NO_REPORT


def test_summary_lists_roster_entries_without_a_submission() -> None:
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@example.invalid"),
              Recipient("s2", "โรงเรียนวัดยายร่ม", "b@example.invalid", "50360000-3553")]
    sheet = summary_sheet([record(seed_data())], dt.date(2020, 5, 1), roster)
    rows = list(sheet.rows)
    assert sheet.row_count == len(rows) == 2
    assert [(r[2], r[3], r[-1]) for r in rows] == [("s1", "โรงเรียนวัดไทร", COMPLETE),
                                                   ("s2", "โรงเรียนวัดยายร่ม", NO_REPORT)]


def test_one_chart_block_per_key_with_reports() -> None:
    other = seed_data()
    other["project"]["code"] = "50360000-4001"
    other["reports"] = other["reports"][:3]
    sheet = cumulative_sheet([record(seed_data()), record(other, "s2")])
    assert sheet.chart is not None
    assert [(b.first, b.last) for b in sheet.chart.blocks] == [(0, 6), (7, 9)]
    assert sheet.row_count == len(list(sheet.rows)) == 10
