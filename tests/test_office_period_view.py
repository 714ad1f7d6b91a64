"""What a clerk running a monthly form (``master: period``) must see in the master view.

Found in review of the monthly view (tests/test_office_monthly.py): the lunch form declares no date
column, so every month's line said "up to date" and "not sent" meant nothing ever from a school — one
that sent October only looked up to date in March; and the summary's amount of one month was headed
"cumulative". The digest's "not sent" follows the summary.
"""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path
from typing import Any

import pytest

from sheetsync.master import merge
from sheetsync.office.store import Store
from sheetsync.office.summary import NOTHING, SUMMARY, UP_TO_DATE
from sheetsync.spec.form import Form
from tests.cli import run
from tests.test_master_support import seed_data, submit
from tests.test_office_monthly import DEC, NOV, OCT, PERIOD, month, send
from tests.test_office_monthly import lunch_office, send_months
from tests.test_office_view import rows_of

AMOUNT, CUMULATIVE = "จำนวนเงิน (บาท)", "จำนวนเงิน สะสม (บาท)"


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office of the lunch form (see :func:`tests.test_office_monthly.lunch_office`)."""
    return lunch_office(tmp_path)


@pytest.fixture
def months(office: Path, lunch_form: Form, lunch_sample: dict[str, Any]) -> Path:
    """The office after three months of reports (see :func:`tests.test_office_monthly.send_months`)."""
    return send_months(office, lunch_form, lunch_sample)


def view(office: Path, fmt: str, *args: str) -> Path:
    """The office's master rendered again as ``view.<fmt>`` (with ``args``, such as ``--period``)."""
    path = office / f"view.{fmt}"
    done = run("master", "-o", path, *args, cwd=office, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stderr
    return path


def lines(path: Path) -> list[tuple[str, str | None, Any, str]]:
    """(recipient, period, the line's amount, status) of each summary line (an empty cell reads '')."""
    return [(r["ผู้รายงาน"], r[PERIOD] or None, r[AMOUNT] if r[AMOUNT] != "" else None, r["สถานะ"])
            for r in rows_of(path, SUMMARY)]


def total_of(path: Path) -> dict[str, Any]:
    """The summary's รวมทั้งหมด line, by heading."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SUMMARY).to_python()
    return dict(zip(rows[1], rows[-1]))


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_school_that_has_not_sent_the_latest_month_is_said_so(months: Path, fmt: str) -> None:
    """s1 sent December, s2 October only: s2 showed up to date, and only s3 (nothing ever) was missing.
    The latest month any school sent is the one due: s2 gets a line saying it has not sent it."""
    path = view(months, fmt)
    assert lines(path) == [("s1", OCT, 49_280, UP_TO_DATE), ("s1", NOV, 61_600, UP_TO_DATE),
                           ("s1", DEC, 55_440, UP_TO_DATE),
                           ("s2", OCT, 46_200, UP_TO_DATE), ("s2", DEC, None, f"ยังไม่ส่ง {DEC}"),
                           ("s3", DEC, None, NOTHING)]  # nothing ever: December's missing too
    total = total_of(path)
    assert total["ชื่อผู้รายงาน"] == f"{DEC}: ส่งรายงานแล้ว 1 จาก 3 ราย" and total[AMOUNT] == 55_440


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_offices_period_says_which_month_is_due(months: Path, fmt: str) -> None:
    """During December 2023 (``--period 2023-12``, as for "late"), November 2567 is the month due: s1
    has sent it, s2 has not; the total is November's."""
    path = view(months, fmt, "--period", "2566-12")
    assert [line for line in lines(path) if line[0] != "s1"] == [
        ("s2", OCT, 46_200, UP_TO_DATE), ("s2", NOV, None, f"ยังไม่ส่ง {NOV}"), ("s3", NOV, None, NOTHING)]
    total = total_of(path)
    assert total["ชื่อผู้รายงาน"] == f"{NOV}: ส่งรายงานแล้ว 1 จาก 3 ราย" and total[AMOUNT] == 61_600


def test_the_digest_lists_who_has_not_sent_the_month_due(months: Path) -> None:
    """The office's digest of the last run listed s3 only (nothing ever): the summary's lines say s2
    and s3 have not sent December, and so does the digest now."""
    with Store(months / "sheetsync.sqlite") as store:
        (raw,) = store.query("SELECT message FROM outbox WHERE name = 'digest' ORDER BY id DESC LIMIT 1")
    msg = email.message_from_bytes(bytes(raw[0]), policy=email.policy.default)
    attached = next(p for p in msg.iter_attachments() if p.get_filename() == "digest.json")
    digest = json.loads(attached.get_content())
    assert [r["id"] for r in digest["missing"]] == ["s2", "s3"] and digest["missing_period"] == DEC
    text = msg.get_body(("plain",)).get_content()
    assert f"ยังไม่ได้ส่ง {DEC} (2)" in text


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_monthly_lines_amount_is_not_headed_cumulative(months: Path, fmt: str) -> None:
    summary = rows_of(view(months, fmt), SUMMARY)
    assert AMOUNT in summary[0] and CUMULATIVE not in summary[0]
    cumulative = rows_of(view(months, fmt), "ยอดสะสม")  # where the months do add up, it says so
    assert CUMULATIVE in cumulative[0]


def test_a_progress_reports_summary_still_says_cumulative(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, seed_data(), "s1")], master)
    (line,) = rows_of(master, SUMMARY)
    assert "งบประมาณที่เบิกใช้ สะสม (บาท)" in line  # a report that grows: its amount is so far


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_month_not_sent_between_two_sent_is_listed_in_time_order(months: Path, lunch_form: Form,
                                                                   lunch_sample: dict[str, Any], fmt: str) -> None:
    """s2 sent October and December but not November, the month due: its "not sent" line came after
    December (October, December, November), as if added at the end, in a summary whose months are in
    time order everywhere else."""
    send(months, lunch_form, "s2-dec.xlsx", month(lunch_sample, "ธันวาคม", 10, school="s2"), "s2", "ธันวาคม")
    path = view(months, fmt, "--period", "2566-12")
    assert [line for line in lines(path) if line[0] == "s2"] == [
        ("s2", OCT, 46_200, UP_TO_DATE), ("s2", NOV, None, f"ยังไม่ส่ง {NOV}"), ("s2", DEC, 30_800, UP_TO_DATE)]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_past_months_view_leaves_out_the_months_after_it(months: Path, fmt: str) -> None:
    """Rendered for November 2023 once December had come, the view listed December's line and added it
    into s1's running totals (tests/test_office_asof.py): a month's view holds the months up to it.
    October is the version corrected after November came: the latest of October's own."""
    path = view(months, fmt, "--period", "2566-11")
    assert lines(path) == [("s1", OCT, 49_280, UP_TO_DATE), ("s1", NOV, 61_600, UP_TO_DATE),
                           ("s2", OCT, 46_200, UP_TO_DATE), ("s3", OCT, None, NOTHING)]
    totals = [(r["ผู้รายงาน"], r[PERIOD], r[CUMULATIVE]) for r in rows_of(path, "ยอดสะสม")]
    assert totals == [("s1", OCT, 49_280), ("s1", NOV, 110_880), ("s2", OCT, 46_200)]
    assert [r["เดือน"] for r in rows_of(path, "โรงเรียน")] == ["ตุลาคม", "พฤศจิกายน", "ตุลาคม"]
