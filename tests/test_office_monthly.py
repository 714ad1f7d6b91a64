"""A monthly form in an office: one line per school per month (``master: period:``).

The school-lunch report is sent anew every month. Keyed by the school alone, each month's report
replaced the one before in the master: October and November could never be seen side by side and
the running totals only ever showed the latest month. Its layout now declares the period
(``master: period: [/period/fiscal_year, /period/month]``): the store and the view keep one line per
school and month, while the roster, invitations and next month's templates still match the school.
"""

from __future__ import annotations

import copy
import datetime as dt
import email
import email.policy
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.master.model import Key, Recency, Record
from sheetsync.office.owing import nothing_received
from sheetsync.office.spec import master_spec
from sheetsync.office.store import OutcomeRow, Store
from sheetsync.office.summary import (CORRECTED, MUST_FIX, NOTHING, SUMMARY, UNREADABLE, UP_TO_DATE, Digest,
                                      expected_since, status_of, summary_lines)
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run
from tests.conftest import FORMS_DIR
from tests.test_office_view import rows_of

ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,head@s1.example,10360001\n"
          "s2,โรงเรียนวัดยายร่ม,head@s2.example,10360002\n"
          "s3,โรงเรียนวัดหนัง,head@s3.example,10360003\n")
OCT, NOV, DEC = "2567 · ตุลาคม", "2567 · พฤศจิกายน", "2567 · ธันวาคม"  # as text, ธันวาคม sorts before พฤศจิกายน
PERIOD = "ปีงบประมาณ พ.ศ. · เดือน"  # the period column, headed by its fields' titles
ISSUED = {"ตุลาคม": dt.datetime(2023, 10, 1, tzinfo=dt.timezone.utc),
          "พฤศจิกายน": dt.datetime(2023, 11, 1, tzinfo=dt.timezone.utc),
          "ธันวาคม": dt.datetime(2023, 12, 1, tzinfo=dt.timezone.utc)}


def month(sample: dict[str, Any], name: str, days: int, *, school: str = "s1", method: str = "จัดทำเอง") -> dict[str, Any]:
    """A valid lunch report of ``name`` (2567) for s1 or s2, every grade fed ``days`` days at 22 baht."""
    data = copy.deepcopy(sample)
    if school == "s2":
        data["school"] |= {"name": "โรงเรียนวัดยายร่ม", "smis": "10360002"}
    end = {"ตุลาคม": "2023-10-31", "พฤศจิกายน": "2023-11-30", "ธันวาคม": "2023-12-29"}[name]
    data["period"] = {"month": name, "fiscal_year": 2567, "report_date": end}
    for grade in data["grades"]:
        grade |= {"days": days, "amount": grade["pupils"] * 22 * days}
    spent = sum(g["amount"] for g in data["grades"])
    data["budget"] |= {"spent": spent, "spent_percent": round(spent * 100 / data["budget"]["allocated"], 2),
                       "method": method}
    return data


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office of the lunch form (see :func:`lunch_office`)."""
    return lunch_office(tmp_path)


def lunch_office(tmp_path: Path) -> Path:
    """An office of the lunch form (its own folder of forms) with three schools on its roster."""
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    folder = tmp_path / "district"
    made = run("init", folder, "--form", "school-lunch", "--forms-dir", FORMS_DIR, "--roster", roster)
    assert made.returncode == 0, made.stderr
    config = folder / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0")
                      .replace('from = ""', 'from = "office@bma.example"', 1), encoding="utf-8")
    return folder


def send(office: Path, form: Form, name: str, data: dict[str, Any], who: str, issued: str) -> None:
    """A school's file dropped in the inbox, on the template of month ``issued``, then a sync."""
    write_template(form, office / "inbox" / name, data=data, recipient=who, issued=ISSUED[issued])
    synced = run("sync", cwd=office, env={"SHEETSYNC_FORMS": ""})
    assert synced.returncode == 0, synced.stdout + synced.stderr


@pytest.fixture
def months(office: Path, lunch_form: Form, lunch_sample: dict[str, Any]) -> Path:
    """The office after three months of reports (see :func:`send_months`)."""
    return send_months(office, lunch_form, lunch_sample)


def send_months(office: Path, lunch_form: Form, lunch_sample: dict[str, Any]) -> Path:
    """s1 sends October, November and December (and corrects October after November); s2 October
    only; s3 nothing."""
    send(office, lunch_form, "s1-oct.xlsx", month(lunch_sample, "ตุลาคม", 15), "s1", "ตุลาคม")
    send(office, lunch_form, "s2-oct.ods", month(lunch_sample, "ตุลาคม", 15, school="s2"), "s2", "ตุลาคม")
    nov = month(lunch_sample, "พฤศจิกายน", 20, method="จ้างเหมาบุคคลภายนอก")
    send(office, lunch_form, "s1-nov.xlsx", nov, "s1", "พฤศจิกายน")
    send(office, lunch_form, "s1-oct-fixed.xlsx", month(lunch_sample, "ตุลาคม", 16), "s1", "ตุลาคม")
    dec = month(lunch_sample, "ธันวาคม", 18, method="จ้างเหมาปรุงอาหาร")
    send(office, lunch_form, "s1-dec.xlsx", dec, "s1", "ธันวาคม")
    return office


def test_the_store_keeps_one_line_per_school_and_month(months: Path) -> None:
    with Store(months / "sheetsync.sqlite") as store:
        current = sorted((s.recipient, s.key, sum(g["amount"] for g in s.data["grades"])) for s in store.current())
        results = [(o.file, o.result) for o in store.outcomes()]
    assert current == [("s1", f"10360001 · {OCT}", 49_280), ("s1", f"10360001 · {DEC}", 55_440),
                       ("s1", f"10360001 · {NOV}", 61_600), ("s2", f"10360002 · {OCT}", 46_200)]
    assert results == [("s1-oct.xlsx", "merged"), ("s2-oct.ods", "merged"), ("s1-nov.xlsx", "merged"),
                       ("s1-oct-fixed.xlsx", "replaced"), ("s1-dec.xlsx", "merged")]


def test_the_summary_shows_the_months_side_by_side_in_time_order(months: Path) -> None:
    summary = rows_of(months / "master.xlsx", SUMMARY)
    lines = [(r["ผู้รายงาน"], r["รหัสโรงเรียน (SMIS)"], r[PERIOD] or None, r["จำนวนเงิน (บาท)"] or None,
              r["การแก้ไข"] or None, r["สถานะ"]) for r in summary]  # an empty cell reads ''
    assert lines == [("s1", "10360001", OCT, 49_280, CORRECTED, UP_TO_DATE),  # October corrected, in month order
                     ("s1", "10360001", NOV, 61_600, None, UP_TO_DATE),
                     ("s1", "10360001", DEC, 55_440, None, UP_TO_DATE),
                     ("s2", "10360002", OCT, 46_200, None, UP_TO_DATE),
                     ("s2", "10360002", DEC, None, None, f"ยังไม่ส่ง {DEC}"),  # the month due: tests/test_office_period_view.py
                     ("s3", "10360003", DEC, None, None, NOTHING)]
    assert all(r["ชื่อโรงเรียน"] for r in summary[:4])
    data = [(r["ผู้รายงาน"], r["เดือน"]) for r in rows_of(months / "master.xlsx", "โรงเรียน")]
    assert data == [("s1", "ตุลาคม"), ("s1", "พฤศจิกายน"), ("s1", "ธันวาคม"), ("s2", "ตุลาคม")]
    assert len(rows_of(months / "master.xlsx", "รายชั้น")) == 4 * 3  # every month's grades


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_running_totals_add_the_months_of_each_school(months: Path, fmt: str) -> None:
    view = months / f"view.{fmt}"
    done = run("master", "-o", view, cwd=months, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stderr
    totals = rows_of(view, "ยอดสะสม")
    # the roster's school names beside the ids (tests/test_master_upline.py)
    assert list(totals[0]) == ["ผู้รายงาน", "ชื่อผู้รายงาน", "รหัส", PERIOD, "จำนวนเงิน (บาท)", "จำนวนเงิน สะสม (บาท)",
                               "เงินที่ได้รับจัดสรร สะสม (บาท)", "% ของงบประมาณ", "ข้อสังเกต"]
    lines = [(r["ผู้รายงาน"], r["รหัส"], r[PERIOD], r["จำนวนเงิน (บาท)"], r["จำนวนเงิน สะสม (บาท)"],
              r["เงินที่ได้รับจัดสรร สะสม (บาท)"], r["% ของงบประมาณ"]) for r in totals]
    assert lines == [("s1", "10360001", OCT, 49_280, 49_280, 100_000, 49.28),
                     ("s1", "10360001", NOV, 61_600, 110_880, 200_000, 55.44),
                     ("s1", "10360001", DEC, 55_440, 166_320, 300_000, 55.44),
                     ("s2", "10360002", OCT, 46_200, 46_200, 100_000, 46.2)]


def test_the_offices_total_is_of_the_latest_month_only(months: Path) -> None:
    """Added over every line, October to December would make one figure of three months' spending
    against three months' budgets under a heading of one; the total is the latest month's."""
    from openpyxl import load_workbook

    book = load_workbook(months / "master.xlsx", read_only=True)  # holds the file open until closed
    try:
        rows = [list(r) for r in book[SUMMARY].iter_rows(values_only=True)]
    finally:
        book.close()
    headers, total = rows[1], dict(zip(rows[1], rows[-1]))
    assert total["ผู้รายงาน"] == "รวมทั้งหมด"
    assert total["ชื่อผู้รายงาน"] == f"{DEC}: ส่งรายงานแล้ว 1 จาก 3 ราย"
    assert total["จำนวนเงิน (บาท)"] == 55_440 and total["เงินที่ได้รับจัดสรร (บาท)"] == 100_000
    assert total["% ของงบประมาณ"] == 55.44 and PERIOD in headers


def test_who_has_not_sent_matches_schools_not_months(months: Path) -> None:
    with Store(months / "sheetsync.sqlite") as store:
        keys = [Key(s.form_id, s.key, s.recipient) for s in store.current()]
        missing = nothing_received(store.roster(), keys, store.outcomes())
    assert [r.id for r in missing] == ["s3"]


def test_next_months_templates_are_one_per_school_from_its_latest_month(months: Path) -> None:
    done = run("template", "--from-master", "master.xlsx", "--roster", "roster.csv", "-o", "next",
               cwd=months, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stderr
    written = {p.name.split()[0]: p for p in (months / "next").iterdir()}  # "s1 <school>.xlsx", as first issued
    assert sorted(written) == ["s1", "s2", "s3"]
    s1 = read_filled(written["s1"], forms_dirs=[FORMS_DIR]).data
    assert s1["budget"] == {"rate": 22, "method": "จ้างเหมาปรุงอาหาร"}  # December's, the latest (not by name)
    assert "period" not in s1 and "grades" not in s1 and s1["school"]["smis"] == "10360001"
    s3 = read_filled(written["s3"], forms_dirs=[FORMS_DIR]).data
    assert s3 == {"school": {"smis": "10360003"}}


def test_invitations_name_the_school_code(office: Path) -> None:
    done = run("template", "--roster", "roster.csv", "-o", "templates", "--email", cwd=office,
               env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stderr
    subjects = sorted(str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"])
                      for p in (office / "outbox").glob("*.eml"))
    assert sorted(s.rsplit("(", 1)[-1] for s in subjects) == ["10360001)", "10360002)", "10360003)"]


def _outcome(n: int, result: str, key: str) -> OutcomeRow:
    return OutcomeRow(n, f"sha{n}", f"f{n}.xlsx", f"2023-11-0{n}T00:00:00", result, "", "", "school-lunch" if key else "",
                      "1.0.0", "t", "s1", key, None, (), 0)


def _digest(lunch_form: Form, sample: dict[str, Any], name: str) -> Digest:
    key = f"10360001 · 2567 · {name}"
    return Digest.of(Record(Key(lunch_form.id, key, "s1"), "1.0.0", "t", Recency("", ""), "f.xlsx", "", "", sample),
                     master_spec(lunch_form))


def _statuses(lunch_form: Form, digests: list[Digest], outcomes: list[OutcomeRow]) -> list[tuple[str, str]]:
    spec = master_spec(lunch_form)
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@x.example", "10360001")]
    lines = summary_lines(digests, roster, outcomes, {lunch_form.id: spec})
    return [(spec.split(line.key)[1], status_of(line, spec, expected_since(None))) for line in lines]


def test_a_refused_file_of_a_new_month_has_a_line_of_its_own(lunch_form: Form, lunch_sample: dict[str, Any]) -> None:
    """Keyed by its month, November's refused file matched no line: the school showed up to date."""
    october = [_digest(lunch_form, lunch_sample, "ตุลาคม")]
    outcomes = [_outcome(1, "merged", f"10360001 · {OCT}"), _outcome(2, "refused", f"10360001 · {NOV}")]
    assert _statuses(lunch_form, october, outcomes) == [(OCT, UP_TO_DATE), (NOV, MUST_FIX)]


def test_an_unreadable_file_stands_for_the_months_until_a_later_file(lunch_form: Form,
                                                                     lunch_sample: dict[str, Any]) -> None:
    """An unreadable file names no month: it marks every line of the school, but once a later file
    names its month, October's line is October's again (it stayed 'unreadable' for good)."""
    both = [_digest(lunch_form, lunch_sample, "ตุลาคม"), _digest(lunch_form, lunch_sample, "พฤศจิกายน")]
    merged = [_outcome(1, "merged", f"10360001 · {OCT}"), _outcome(3, "merged", f"10360001 · {NOV}")]
    pdf = _outcome(2, "quarantined", "")
    assert _statuses(lunch_form, both, [merged[0], pdf, merged[1]]) == [(OCT, UP_TO_DATE), (NOV, UP_TO_DATE)]
    late_pdf = _outcome(4, "quarantined", "")
    assert _statuses(lunch_form, both, [*merged, late_pdf]) == [(OCT, UNREADABLE), (NOV, UNREADABLE)]


def test_the_history_of_a_school_lists_each_of_its_months(months: Path) -> None:
    from sheetsync.office.history import history

    with Store(months / "sheetsync.sqlite") as store:
        found = [(h.key, [v.result for v in h.versions]) for h in history(store, key="10360001")]
        assert history(store, key="1036000") == []  # a code, not the start of one
    assert found == [(f"10360001 · {OCT}", ["merged", "replaced"]), (f"10360001 · {DEC}", ["merged"]),
                     (f"10360001 · {NOV}", ["merged"])]


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_heading_prints_its_unit_whole(months: Path, fmt: str, libreoffice: Any) -> None:
    """Found printing a lunch office's master: "จำนวนเงิน (บาท)" printed "จำนวนเงิน (บา" over "ท)" —
    the unit did not fit the first line, and Calc breaks a Thai word it has room to start."""
    view = months / f"view.{fmt}"
    done = run("master", "-o", view, cwd=months, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stderr
    pdf = libreoffice.convert(view, view.with_suffix(".pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for unit in ("(บาท)", "(คน)"):  # the summary's and the sheets' amounts, the table's headcount
        cut = [line.strip() for line in text.splitlines() if unit[:2] in line.replace(unit, "")]
        assert not cut, f"{fmt}: a heading's {unit} is cut: {cut}"
