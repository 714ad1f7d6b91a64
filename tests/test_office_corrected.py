"""The summary's การแก้ไข flag (แก้ไขรายงานก่อนหน้า) says the latest news of a key is a correction.

It is for the office's attention to data it had already accepted being changed, this period. For
the progress report it never cleared: a school that fixed a typo in December was still flagged in
January and ever after. A file made from a later template (next month's, from ``template
--from-master``) is the new period's news: it clears the flag, and a correction sent after it sets it again.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheetsync.check.reader import read_filled
from sheetsync.office.summary import CORRECTED, SUMMARY
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import CODES, at, seed_data, submit, variant
from tests.test_office_view import rows_of

ROSTER = f"recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
FLAG = "การแก้ไข"


def corrected(office: Path) -> object:
    """The การแก้ไข cell of s1's line in the master."""
    (row,) = [r for r in rows_of(office / "master.xlsx", SUMMARY) if r["ผู้รายงาน"] == "s1"]
    return row[FLAG]


def retype(path: Path, changes: dict[str, object]) -> None:
    """Type new values into the cells of ``path`` holding the given fields (JSON pointers), as in Excel."""
    cells = read_filled(path).source_map
    book = openpyxl.load_workbook(path)
    for pointer, value in changes.items():
        book[cells[pointer].sheet][cells[pointer].cell] = value
    book.save(path)


def sync(office: Path) -> None:
    synced = run("sync", cwd=office)
    assert synced.returncode in (0, 1), synced.stdout + synced.stderr


@pytest.fixture
def office(tmp_path: Path) -> Path:
    return new_office(tmp_path, ROSTER)


def test_a_correction_is_news_until_next_months_file(office: Path, progress_form: Form, tmp_path: Path) -> None:
    december = submit(progress_form, tmp_path, variant(seed_data(), reports=3), "s1", issued=at(0))
    (office / "inbox" / "dec.xlsx").write_bytes(december.read_bytes())
    sync(office)
    assert not corrected(office)
    retype(december, {"/reports/1/stage": "จัดสรรงบประมาณแล้ว (แก้ไขคำผิด)"})  # a typo fixed mid-month
    (office / "inbox" / "dec-fixed.xlsx").write_bytes(december.read_bytes())
    sync(office)
    assert corrected(office) == CORRECTED

    made = run("template", "--from-master", office / "master.xlsx", "--recipient", "s1", "-o", tmp_path / "next",
               cwd=office)
    assert made.returncode == 0, made.stdout + made.stderr
    (january,) = (tmp_path / "next").iterdir()
    typed = tmp_path / "typed.xlsx"  # what the school types into January's open row, as a full file holds it
    write_template(progress_form, typed, data=variant(seed_data(), reports=4), recipient="s1")
    want = read_filled(typed).source_map
    source = openpyxl.load_workbook(typed)
    values = {p: source[r.sheet][r.cell].value for p, r in want.items()
              if p.startswith("/reports/3/") or p == "/project/budget_used"}
    book = openpyxl.load_workbook(january)
    for pointer, value in values.items():
        book[want[pointer].sheet][want[pointer].cell] = value
    book.save(january)
    (office / "inbox" / "jan.xlsx").write_bytes(january.read_bytes())
    sync(office)
    with_january = [r for r in rows_of(office / "master.xlsx", SUMMARY) if r["ผู้รายงาน"] == "s1"]
    assert with_january[0]["รายงานล่าสุด (ครั้งที่)"] == 4  # January's file was taken
    assert not corrected(office)  # December's typo is not January's news

    retype(january, {"/reports/3/stage": "ดำเนินการตามแผน (แก้ไข)"})  # January's own report corrected
    (office / "inbox" / "jan-fixed.xlsx").write_bytes(january.read_bytes())
    sync(office)
    assert corrected(office) == CORRECTED


def test_a_finished_projects_correction_is_news_only_in_its_own_period(office: Path, progress_form: Form,
                                                                        tmp_path: Path) -> None:
    """A finished project gets no later template to clear its flag: last year's line stayed pink for ever."""
    import datetime as dt

    done = submit(progress_form, tmp_path, variant(seed_data(), reports=7), "s1", issued=at(0))
    (office / "inbox" / "done.xlsx").write_bytes(done.read_bytes())
    sync(office)
    retype(done, {"/reports/1/stage": "จัดสรรงบประมาณแล้ว (แก้ไขคำผิด)"})
    (office / "inbox" / "done-fixed.xlsx").write_bytes(done.read_bytes())
    sync(office)
    (row,) = [r for r in rows_of(office / "master.xlsx", SUMMARY) if r["ผู้รายงาน"] == "s1"]
    assert row["สถานะ"] == "เสร็จสิ้น" and row[FLAG] == CORRECTED
    this_month = dt.datetime.now(dt.timezone.utc)
    later = f"{this_month.year + 1}-01"
    for period, flagged in ((f"{this_month:%Y-%m}", True), (later, False)):
        shown = run("master", "--period", period, "-o", f"view-{period}.xlsx", cwd=office)
        assert shown.returncode == 0, shown.stdout + shown.stderr
        (row,) = [r for r in rows_of(office / f"view-{period}.xlsx", SUMMARY) if r["ผู้รายงาน"] == "s1"]
        assert (row[FLAG] == CORRECTED) is flagged, (period, row)
