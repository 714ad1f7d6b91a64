"""The master of a past period shows that period's figures (``sheetsync master --period``).

Found by a clerk: rendering February after March's files had come, the summary gave February's
statuses with March's figures (its first line said so, "figures are the latest received"). The view
of a period now takes, for each key, the latest stored version whose own reporting month is not
later than the period (:mod:`sheetsync.office.asof`); a school with no such version shows as having
sent nothing; the running totals and the charts follow; the period asked that holds every version
is the view it always was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from sheetsync.master import merge
from sheetsync.office.store import Store
from sheetsync.office.summary import CHARTS, LATE, NOTHING, SUMMARY, UP_TO_DATE
from sheetsync.office.view import render_view
from sheetsync.spec.form import Form
from tests.test_master_support import at, seed_data, submit, variant
from tests.test_office_view import rows_of

ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนหนึ่ง,s1@example.org,50360000-4001\n"
          "s2,โรงเรียนสอง,s2@example.org,50360000-4002\n"
          "s3,โรงเรียนสาม,s3@example.org,50360000-4003\n")
LATEST, TOTAL = "รายงานล่าสุด (ครั้งที่)", "งบประมาณที่เบิกใช้ สะสม (บาท)"
CUMULATIVE = "ความก้าวหน้าสะสม"


def reported(n: int, school: int, reports: int) -> dict[str, Any]:
    """School ``n``'s file with its first ``reports`` reports (5: to February 2020, 6: to March),
    each report's disbursement its own (school × 100 + report number, in baht)."""
    data = variant(seed_data(), code=f"50360000-40{n:02d}", reports=reports)
    for row in data["reports"]:
        row["disbursed"] = school * 100 + row["no"]
    data["project"]["budget_used"] = sum(r["disbursed"] for r in data["reports"])
    return data


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Path:
    """s1 and s2 sent February (5 reports), then March (6); s3 sent March only."""
    folder = tmp_path_factory.mktemp("asof")
    roster = folder / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    feb = [submit(progress_form, folder, reported(n, n, 5), f"s{n}", name=f"s{n}-feb.xlsx", issued=at(40))
           for n in (1, 2)]
    assert [o.result for o in merge(feb, folder / "master.xlsx", roster=roster).outcomes] == ["merged"] * 2
    mar = [submit(progress_form, folder, reported(n, n, 6), f"s{n}", name=f"s{n}-mar.xlsx", issued=at(70))
           for n in (1, 2, 3)]
    assert [o.result for o in merge(mar, folder / "master.xlsx").outcomes] == ["replaced", "replaced", "merged"]
    return folder


def view(office: Path, tmp_path: Path, fmt: str, period: str | None) -> Path:
    path = tmp_path / f"view-{period}.{fmt}"
    with Store(office / "master.sqlite") as store:
        render_view(store, path, period=period)
    return path


def summary(path: Path) -> dict[str, tuple[Any, ...]]:
    """Recipient → (latest report number, cumulative amount, status, file) of its summary line."""
    return {r["ผู้รายงาน"]: (r[LATEST] or None, r[TOTAL] if r[TOTAL] != "" else None, r["สถานะ"], r["ไฟล์ล่าสุด"] or None)
            for r in rows_of(path, SUMMARY)}


def spent(school: int, reports: int) -> int:
    return sum(school * 100 + n for n in range(1, reports + 1))


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_past_period_shows_the_figures_sent_for_it(office: Path, tmp_path: Path, fmt: str) -> None:
    path = view(office, tmp_path, fmt, "2020-02")
    assert summary(path) == {"s1": (5, spent(1, 5), UP_TO_DATE, "s1-feb.xlsx"),
                             "s2": (5, spent(2, 5), UP_TO_DATE, "s2-feb.xlsx"),
                             "s3": (None, None, NOTHING, None)}  # its only file reports March
    rows = _summary_rows(path)
    total = dict(zip(rows[1], rows[-1]))
    assert total[TOTAL] == pytest.approx(spent(1, 5) + spent(2, 5))
    cumulative = [(r["ผู้รายงาน"], r["ครั้งที่"], r["งบประมาณที่เบิกใช้ สะสม (บาท)"]) for r in rows_of(path, CUMULATIVE)]
    assert [c[:2] for c in cumulative] == [(s, n) for s in ("s1", "s2") for n in range(1, 6)]
    assert cumulative[4][2] == spent(1, 5) and cumulative[9][2] == spent(2, 5)
    assert len(rows_of(path, "โครงการ")) == 2 and len(rows_of(path, "รายงาน")) == 10


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_first_line_says_the_figures_are_those_reported_to_the_period(office: Path, tmp_path: Path,
                                                                          fmt: str) -> None:
    book = CalamineWorkbook.from_path(str(view(office, tmp_path, fmt, "2020-02")))
    for name in book.sheet_names:
        first = str(book.get_sheet_by_name(name).to_python()[0][0])
        assert "สถานะ ณ เดือนกุมภาพันธ์ 2563" in first and "ตัวเลขเป็นฉบับที่รายงานถึงเดือนกุมภาพันธ์ 2563" in first, first
        assert "ตัวเลขเป็นข้อมูลล่าสุดที่ได้รับ" not in first, first


def test_the_charts_follow_the_period(office: Path, tmp_path: Path) -> None:
    book = load_workbook(view(office, tmp_path, "xlsx", "2020-02"))
    numbers = {row[1] for row in book[CHARTS].iter_rows(min_row=3, values_only=True) if isinstance(row[1], int)}
    assert numbers == {1, 2, 3, 4, 5}  # March's report (6) is not charted for February
    later = load_workbook(view(office, tmp_path, "xlsx", "2020-03"))
    assert 6 in {row[1] for row in later[CHARTS].iter_rows(min_row=3, values_only=True)}


@pytest.mark.parametrize("period, status", [("2020-03", UP_TO_DATE), ("2020-06", LATE)])
def test_the_current_period_is_the_view_it_always_was(office: Path, tmp_path: Path, period: str,
                                                      status: str) -> None:
    path = view(office, tmp_path, "xlsx", period)
    expected = {f"s{n}": (6, spent(n, 6), status, f"s{n}-mar.xlsx") for n in (1, 2, 3)}
    assert summary(path) == expected
    assert len(rows_of(path, CUMULATIVE)) == 18
    first = str(CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SUMMARY).to_python()[0][0])
    assert "ตัวเลขเป็นฉบับ" not in first and "ตัวเลขเป็นข้อมูลล่าสุด" not in first


def test_no_period_is_the_latest_figures(office: Path, tmp_path: Path) -> None:
    assert summary(view(office, tmp_path, "xlsx", None)) == summary(view(office, tmp_path, "xlsx", "2020-03"))


def _summary_rows(path: Path) -> list[list[Any]]:
    """The summary as read: the generated-at line, the headings, the lines, a blank row, the total."""
    rows: list[list[Any]] = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SUMMARY).to_python()
    return rows


def test_no_version_is_dropped_from_the_store(office: Path, tmp_path: Path) -> None:
    """Rendering a past period reads the store; it changes nothing in it."""
    with Store(office / "master.sqlite") as store:
        before = [(s.id, s.key) for s in store.current()]
    view(office, tmp_path, "xlsx", "2020-02")
    with Store(office / "master.sqlite") as store:
        assert [(s.id, s.key) for s in store.current()] == before and len(store.versions()) == 5


def test_the_digest_says_not_sent_of_whom_the_past_view_does(office: Path, progress_form: Form) -> None:
    """The office's digest lists as not sent whom the summary does (sync's ``_nothing_received``)."""
    from sheetsync.office.asof import held
    from sheetsync.office.owing import nothing_received

    with Store(office / "master.sqlite") as store:
        for period, missing in (("2020-02", ["s3"]), ("2020-03", []), (None, [])):
            keys, outcomes = held(store, {progress_form.id: progress_form}, period)
            assert [r.id for r in nothing_received(store.roster(), keys, outcomes)] == missing, period


def test_a_past_view_reads_each_key_s_version_as_of_the_period(office: Path, progress_form: Form) -> None:
    """The view streams a period's versions once a sheet: those chosen are read by id (the store keeps
    a year of versions of each key beside them), in the order of the store's current, whatever the
    number of ids (one statement parameter, never SQLite's bound on their count)."""
    from sheetsync.office.asof import Months, as_of
    from sheetsync.office.spec import master_spec

    forms = {progress_form.id: progress_form}
    with Store(office / "master.sqlite") as store:
        past = as_of(store, Months(forms, {progress_form.id: master_spec(progress_form)}), "2020-02")
        assert past is not None
        every = list(store.versions_by_key())
        february = [(s.id, s.recipient) for s in every if s.id in past.chosen]
        assert [(s.id, s.recipient) for s in past.versions()] == february
        assert [s.recipient for s in past.versions()] == ["s1", "s2"]
        current = [s.id for s in store.current()]
        assert [s.id for s in store.chosen([*reversed(current), *range(10**6, 10**6 + 40_000)])] == current
