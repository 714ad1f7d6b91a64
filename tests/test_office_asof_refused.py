"""A past month's master dates a refused file as it dates an accepted one: by the report it brings.

Found by a clerk sending December 2562's master up the line (``sheetsync master --period 2562-12``,
rendered in February): a school whose only accepted file ran to January showed as having sent
nothing (ยังไม่ได้รับรายงาน, as documented: January's report is not December's figures), while a
school whose refused file ran to January still showed ส่งไฟล์ที่ต้องแก้ไข. A refused file kept no data
to date it, so it counted in every past month's view: December's master said what came of January's
file when it was refused, and nothing when it was accepted — and once the school sent January again,
fixed, December's master said "to fix" for good (the fix was January's, the refused file stayed).
Every file is now dated by one rule (:mod:`sheetsync.office.asof`): the month its period names, else
its report's latest date (kept for a refused file too), else the month it came.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sheetsync.office.store import Store
from sheetsync.office.summary import MUST_FIX, NOTHING, SUMMARY, UNREADABLE, UP_TO_DATE
from sheetsync.spec.form import Form
from tests.cli import new_office, run
from tests.test_master_support import CODES, at, seed_data, submit, variant
from tests.test_office_view import rows_of

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[1]}\n"
          f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[2]}\n"
          f"s3,โรงเรียนวัดหนัง,head@s3.example,{CODES[3]}\n")


def reports(n: int, to: int, *, broken: bool = False) -> dict[str, Any]:
    """School ``n``'s file with its first ``to`` reports (3: to 29 December 2019, 4: to 29 January
    2020); ``broken``: its last report's progress goes back (an error: the file is refused)."""
    data = variant(seed_data(), code=CODES[n], reports=to)
    if broken:
        data["reports"][-1]["progress_percent"] = 1.0
    return data


@pytest.fixture
def office(tmp_path: Path) -> Path:
    return new_office(tmp_path, ROSTER)


def arrive(office: Path, form: Form, monkeypatch: pytest.MonkeyPatch, name: str, data: dict[str, Any],
           who: str, received: dt.datetime, issued: int) -> None:
    """``name`` dropped in the inbox and synced, recorded as received at ``received`` (Bangkok)."""
    stamp = received.replace(tzinfo=dt.timezone(dt.timedelta(hours=7))).astimezone(dt.timezone.utc).isoformat()
    monkeypatch.setattr("sheetsync.office.record.now", lambda: stamp)
    submit(form, office / "inbox", data, who, name=name, issued=at(issued))
    synced = run("sync", cwd=office)
    assert synced.returncode in (0, 1), synced.stdout + synced.stderr


def statuses(office: Path, period: str) -> dict[str, tuple[Any, str, Any]]:
    """Recipient → (latest report number, status, file) of its line in ``period``'s master."""
    path = office / f"master-{period}.xlsx"
    done = run("master", "-o", path, "--period", period, cwd=office)
    assert done.returncode == 0, done.stdout + done.stderr
    return {r["ผู้รายงาน"]: (r["รายงานล่าสุด (ครั้งที่)"] or None, r["สถานะ"], r["ไฟล์ล่าสุด"] or None)
            for r in rows_of(path, SUMMARY)}


def test_a_refused_file_of_a_later_month_is_left_out_as_an_accepted_one_is(
        office: Path, progress_form: Form, monkeypatch: pytest.MonkeyPatch) -> None:
    """s1's only file runs to January, accepted; s3's only file runs to January, refused; s2 sent
    December (accepted), then January (refused). December's master: s1 and s3 alike sent nothing of
    December or before, and s2's December stands as if its January file had been accepted."""
    arrive(office, progress_form, monkeypatch, "s2-dec.xlsx", reports(2, 3), "s2", dt.datetime(2019, 12, 30, 9), 0)
    arrive(office, progress_form, monkeypatch, "s1-jan.xlsx", reports(1, 4), "s1", dt.datetime(2020, 1, 30, 9), 30)
    arrive(office, progress_form, monkeypatch, "s2-jan.xlsx", reports(2, 4, broken=True), "s2",
           dt.datetime(2020, 1, 30, 10), 30)
    arrive(office, progress_form, monkeypatch, "s3-jan.xlsx", reports(3, 4, broken=True), "s3",
           dt.datetime(2020, 1, 30, 11), 30)
    assert statuses(office, "2562-12") == {"s1": (None, NOTHING, None),
                                           "s2": (3, UP_TO_DATE, "s2-dec.xlsx"),
                                           "s3": (None, NOTHING, None)}
    january = statuses(office, "2563-01")  # January's master: each file as it came
    assert {who: line[1] for who, line in january.items()} == {"s1": UP_TO_DATE, "s2": MUST_FIX, "s3": MUST_FIX}
    with Store(office / "sheetsync.sqlite") as store:  # the refused files' report month, as they were read
        assert {(o.file, o.result, o.month) for o in store.outcomes()} == {
            ("s2-dec.xlsx", "merged", "2019-12"), ("s1-jan.xlsx", "merged", "2020-01"),
            ("s2-jan.xlsx", "refused", "2020-01"), ("s3-jan.xlsx", "refused", "2020-01")}


def test_a_file_refused_before_its_month_was_kept_is_dated_by_when_it_came(
        office: Path, progress_form: Form, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store of an older sheetsync kept no month with its outcomes: December's report refused in January
    is dated January (when it came), as a file that dates nothing is."""
    arrive(office, progress_form, monkeypatch, "s2-nov.xlsx", reports(2, 2), "s2", dt.datetime(2019, 12, 2, 9), 0)
    arrive(office, progress_form, monkeypatch, "s2-dec.xlsx", reports(2, 3, broken=True), "s2",
           dt.datetime(2020, 1, 3, 10), 30)
    with Store(office / "sheetsync.sqlite") as store, store.transaction():
        store.db.execute("UPDATE outcomes SET month = ''")
    assert statuses(office, "2562-12")["s2"] == (2, UP_TO_DATE, "s2-nov.xlsx")
    assert statuses(office, "2563-01")["s2"][1] == MUST_FIX


def test_a_fix_sent_after_the_month_does_not_leave_it_to_fix(office: Path, progress_form: Form,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """s2's January was refused, then sent again fixed: December's master said ส่งไฟล์ที่ต้องแก้ไข ever
    after (the fix, January's, was left out; the refused file, undated, stayed)."""
    arrive(office, progress_form, monkeypatch, "s2-dec.xlsx", reports(2, 3), "s2", dt.datetime(2019, 12, 30, 9), 0)
    arrive(office, progress_form, monkeypatch, "s2-jan.xlsx", reports(2, 4, broken=True), "s2",
           dt.datetime(2020, 1, 30, 10), 30)
    arrive(office, progress_form, monkeypatch, "s2-jan-fixed.xlsx", reports(2, 4), "s2",
           dt.datetime(2020, 2, 3, 10), 30)
    assert statuses(office, "2562-12")["s2"] == (3, UP_TO_DATE, "s2-dec.xlsx")
    assert statuses(office, "2563-01")["s2"] == (4, UP_TO_DATE, "s2-jan-fixed.xlsx")


def test_a_refused_file_of_the_month_still_says_to_fix(office: Path, progress_form: Form,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """December's own report, refused in January when it came: December's master says to fix it,
    as it would show December's figures had it been accepted."""
    arrive(office, progress_form, monkeypatch, "s2-nov.xlsx", reports(2, 2), "s2", dt.datetime(2019, 12, 2, 9), 0)
    arrive(office, progress_form, monkeypatch, "s2-dec.xlsx", reports(2, 3, broken=True), "s2",
           dt.datetime(2020, 1, 3, 10), 30)
    assert statuses(office, "2562-12")["s2"][1] == MUST_FIX
    assert statuses(office, "2562-11")["s2"] == (2, UP_TO_DATE, "s2-nov.xlsx")


def test_an_unreadable_file_is_dated_by_the_month_it_came(office: Path, progress_form: Form,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that could not be read brings no report to date it: the month it came stands, as for a
    version that dates nothing (a February PDF is not December's news)."""
    arrive(office, progress_form, monkeypatch, "s2-dec.xlsx", reports(2, 3), "s2", dt.datetime(2019, 12, 30, 9), 0)
    stamp = dt.datetime(2020, 2, 3, 3, tzinfo=dt.timezone.utc).isoformat()
    monkeypatch.setattr("sheetsync.office.record.now", lambda: stamp)
    (office / "inbox" / "s2-scan.pdf").write_bytes(b"%PDF-1.4 not a spreadsheet")
    assert run("sync", cwd=office).returncode in (0, 1)
    assert statuses(office, "2562-12")["s2"] == (3, UP_TO_DATE, "s2-dec.xlsx")
    assert statuses(office, "2563-02")["s2"][1] == UNREADABLE


def test_a_file_refused_for_a_date_typed_a_year_on_still_says_to_fix(office: Path, progress_form: Form,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """s2's January report dated 29/1/2564 for 2563 (the year typed one on): refused, the date outside
    the project. Dated by that date, the file was of January 2021, later than every month the office
    looks at: January's master and digest said s2 sent nothing, while s2 had been told to fix it. A
    file is never dated later than the month it came: a report is made before it is sent."""
    arrive(office, progress_form, monkeypatch, "s2-dec.xlsx", reports(2, 3), "s2", dt.datetime(2019, 12, 30, 9), 0)
    typo = reports(2, 4)
    typo["reports"][-1]["date"] = "2021-01-29"
    arrive(office, progress_form, monkeypatch, "s2-jan.xlsx", typo, "s2", dt.datetime(2020, 1, 30, 10), 30)
    with Store(office / "sheetsync.sqlite") as store:
        assert [o.result for o in store.outcomes("file = 's2-jan.xlsx'")] == ["refused"]
    assert statuses(office, "2563-01")["s2"][1] == MUST_FIX
    assert statuses(office, "2562-12")["s2"] == (3, UP_TO_DATE, "s2-dec.xlsx")
