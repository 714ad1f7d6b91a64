"""A school taken off the roster (closed, merged into another) between months.

The office's store kept only the current roster: a school removed from it lost its name in the
summary and the cumulative sheet, and its line stayed late (ล่าช้า, orange) month after month. Its
data is the record and stays; its line now shows its last known name and says it is no longer on
the roster, neither late nor a problem, and it is never "not sent" nor given next month's template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.office.store import Store
from sheetsync.office.owing import nothing_received
from sheetsync.office.summary import LATE, LEFT, SUMMARY
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from tests.cli import new_office, run
from tests.test_master_support import CODES, seed_data, submit, variant
from tests.test_office_view import rows_of

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
          f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[1]}\n")
CLOSED = "s2"


@pytest.fixture
def office(tmp_path: Path, progress_form: Form) -> Path:
    """A progress-report office whose two schools sent three reports each; then s2 closed and the
    clerk took it off the roster, and the next run rendered the master for June 2020."""
    folder = new_office(tmp_path, ROSTER)
    for who, code in (("s1", CODES[0]), ("s2", CODES[1])):
        submit(progress_form, folder / "inbox", variant(seed_data(), code=code, reports=3), who)
    assert run("sync", cwd=folder).returncode == 0
    (folder / "roster.csv").write_text(ROSTER.splitlines(keepends=True)[0] + ROSTER.splitlines(keepends=True)[1],
                                       encoding="utf-8")
    synced = run("sync", "--period", "2020-06", cwd=folder)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    return folder


def test_a_school_off_the_roster_keeps_its_data_and_name_and_is_not_late(office: Path) -> None:
    rows = {r["ผู้รายงาน"]: r for r in rows_of(office / "master.xlsx", SUMMARY)}
    assert rows["s1"]["สถานะ"] == LATE  # still on the roster: its reports are late for June
    left = rows[CLOSED]
    assert left["สถานะ"] == LEFT and left["ชื่อผู้รายงาน"] == "โรงเรียนวัดยายร่ม"
    assert left["รหัสโครงการ"] == CODES[1] and left["รายงานล่าสุด (ครั้งที่)"] == 3  # the record is kept
    cumulative = [r for r in rows_of(office / "master.xlsx", "ความก้าวหน้าสะสม") if r["ผู้รายงาน"] == CLOSED]
    assert len(cumulative) == 3 and {r["ชื่อผู้รายงาน"] for r in cumulative} == {"โรงเรียนวัดยายร่ม"}


def test_a_school_off_the_roster_is_never_due(office: Path, tmp_path: Path) -> None:
    with Store(office / "sheetsync.sqlite") as store:
        keys = [k for k, in store.query("SELECT recipient FROM current")]
        assert CLOSED in keys
        assert nothing_received(store.roster(), [], store.outcomes()) == [Recipient(
            "s1", "โรงเรียนวัดไทร", "head@s1.example", CODES[0])]
    made = run("template", "--from-master", office / "master.xlsx", "-o", tmp_path / "next", cwd=office)
    assert made.returncode == 0, made.stdout + made.stderr
    assert [p.name for p in (tmp_path / "next").iterdir() if CLOSED in p.name] == []
    assert any("s1" in p.name for p in (tmp_path / "next").iterdir())


def test_the_store_remembers_who_left_until_they_come_back(tmp_path: Path) -> None:
    first = [Recipient("s1", "โรงเรียนวัดไทร", "a@x.example"), Recipient("s2", "โรงเรียนวัดยายร่ม", "b@x.example")]
    with Store(tmp_path / "store.sqlite") as store:
        store.set_roster(first)
        assert store.roster_left() == {}
        store.set_roster(first[:1])
        assert store.roster_left() == {"s2": "โรงเรียนวัดยายร่ม"}
        store.set_roster([first[0], Recipient("s2", "โรงเรียนวัดยายร่มวิทยา", "b@x.example")])
        assert store.roster_left() == {} and [r.school for r in store.roster()][1] == "โรงเรียนวัดยายร่มวิทยา"


def test_a_school_taken_off_before_the_store_kept_who_left_is_named_once_listed_and_taken_off_again(
        office: Path) -> None:
    """A store upgraded after the school was taken off holds no record of it: it shows as any sender
    not on the roster does, until the clerk lists it for one run and takes it off again."""
    with Store(office / "sheetsync.sqlite") as store:
        store.db.execute("DELETE FROM roster_left")
    assert run("master", "--period", "2020-06", cwd=office).returncode == 0
    rows = {r["ผู้รายงาน"]: r for r in rows_of(office / "master.xlsx", SUMMARY)}
    assert rows[CLOSED]["สถานะ"] == LATE and not rows[CLOSED]["ชื่อผู้รายงาน"]
    roster = office / "roster.csv"
    one = roster.read_text(encoding="utf-8")
    roster.write_text(ROSTER, encoding="utf-8")
    assert run("sync", cwd=office).returncode == 0
    roster.write_text(one, encoding="utf-8")
    assert run("sync", "--period", "2020-06", cwd=office).returncode == 0
    rows = {r["ผู้รายงาน"]: r for r in rows_of(office / "master.xlsx", SUMMARY)}
    assert rows[CLOSED]["สถานะ"] == LEFT and rows[CLOSED]["ชื่อผู้รายงาน"] == "โรงเรียนวัดยายร่ม"


def summary_with_totals(master: Path) -> list[dict[str, Any]]:
    """Every row of the summary below its headings, the blank row and the office's totals included."""
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(SUMMARY).to_python()
    return [dict(zip(rows[1], row)) for row in rows[2:]]


def test_the_total_sent_up_the_line_counts_the_roster_alone_and_shows_the_school_that_left_apart(
        office: Path) -> None:
    rows = summary_with_totals(office / "master.xlsx")
    budget = "งบประมาณที่ได้รับ (บาท)"
    by = {r["ผู้รายงาน"]: r for r in rows if r["ผู้รายงาน"]}
    s1, left, total = by["s1"], by[CLOSED], by["รวมทั้งหมด"]
    assert left["สถานะ"] == LEFT and left[budget] > 0  # its line and its money stay in view
    assert total["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 1 จาก 1 รายการ"  # was: 2 of 2, the closed school counted
    assert total[budget] == s1[budget]  # was: s1's and s2's added
    [apart] = [r for r in rows if r["ผู้รายงาน"] == "ไม่อยู่ในรายชื่อแล้ว"]
    assert rows.index(apart) == rows.index(total) + 1 and apart["ชื่อผู้รายงาน"] == "1 ราย ไม่รวมในยอดข้างบน"
    assert apart[budget] == left[budget]


def test_a_form_with_a_period_counts_the_roster_alone_in_its_period_total(lunch_form: Form,
                                                                          lunch_sample: dict[str, Any]) -> None:
    """The school-lunch report (``master: period``): "of every recipient" was every recipient with a line,
    a school taken off the roster included."""
    from sheetsync.office.spec import master_spec
    from sheetsync.office.summary import Digest
    from sheetsync.office.summary_sheet import summary_sheet
    from tests.test_office_summary import record

    spec = master_spec(lunch_form)
    key = spec.key_of(lunch_sample)
    digests = [Digest.of(record(lunch_sample, who, lunch_form.id, key=key), spec) for who in ("s1", "s2")]
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "head@s1.example")]
    sheet = summary_sheet(digests, {lunch_form.id: lunch_form}, roster, [], None,
                          {"s2": Recipient("s2", "โรงเรียนวัดยายร่ม", "")})
    headers = [c.header for c in sheet.columns]
    _, total, apart = (dict(zip(headers, row)) for row in sheet.footer)
    period = spec.split(key)[1]
    assert total["ชื่อผู้รายงาน"] == f"{period}: ส่งรายงานแล้ว 1 จาก 1 ราย"  # was: 2 of 2
    amount = "จำนวนเงิน (บาท)"
    assert digests[0].total and total[amount] == apart[amount] == digests[0].total  # was: both schools' added
    assert apart["ผู้รายงาน"] == "ไม่อยู่ในรายชื่อแล้ว" and apart["ชื่อผู้รายงาน"] == "1 ราย ไม่รวมในยอดข้างบน"


def test_a_school_off_the_roster_keeps_its_network(tmp_path: Path, progress_form: Form) -> None:
    # Its name was kept as the roster last listed it, its network (the roster's network column) was not:
    # up the line, a summary sorted or added up by network lost the school's line from its network.
    roster = ("recipient_id,school_name,email,project_code,network\n"
              f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]},73\n"
              f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[1]},74\n")
    folder = new_office(tmp_path, roster)
    for who, code in (("s1", CODES[0]), ("s2", CODES[1])):
        submit(progress_form, folder / "inbox", variant(seed_data(), code=code, reports=3), who)
    assert run("sync", cwd=folder).returncode == 0
    (folder / "roster.csv").write_text("".join(roster.splitlines(keepends=True)[:2]), encoding="utf-8")
    synced = run("sync", "--period", "2020-06", cwd=folder)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    rows = {r["ผู้รายงาน"]: r for r in rows_of(folder / "master.xlsx", SUMMARY)}
    assert rows[CLOSED]["สถานะ"] == LEFT and rows[CLOSED]["ชื่อผู้รายงาน"] == "โรงเรียนวัดยายร่ม"
    assert (rows["s1"]["เครือข่าย"], rows[CLOSED]["เครือข่าย"]) == ("73", "74")


def test_a_project_renumbered_on_the_roster_leaves_its_old_code_apart(tmp_path: Path, progress_form: Form) -> None:
    """The clerk changes s2's project code on the roster (4001 → 4002) and s2 sends the new project: the
    old code's line is no longer one of the office's to count — it was late for ever, and its budget
    was added into the total beside the new one's (counted twice, sent up the line)."""
    folder = new_office(tmp_path, ROSTER)
    for who, code in (("s1", CODES[0]), ("s2", CODES[1])):
        submit(progress_form, folder / "inbox", variant(seed_data(), code=code, reports=3), who)
    assert run("sync", cwd=folder).returncode == 0
    renumbered = ROSTER.replace(f"head@s2.example,{CODES[1]}", f"head@s2.example,{CODES[2]}")
    (folder / "roster.csv").write_text(renumbered, encoding="utf-8")
    submit(progress_form, folder / "inbox", variant(seed_data(), code=CODES[2], reports=3), "s2")
    synced = run("sync", "--period", "2020-06", cwd=folder)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    rows = summary_with_totals(folder / "master.xlsx")
    budget, code = "งบประมาณที่ได้รับ (บาท)", "รหัสโครงการ"
    lines = {(r["ผู้รายงาน"], r[code]): r for r in rows if r["ผู้รายงาน"] in ("s1", "s2")}
    old, new = lines[("s2", CODES[1])], lines[("s2", CODES[2])]
    assert old["สถานะ"] == LEFT and new["สถานะ"] == LATE == lines[("s1", CODES[0])]["สถานะ"]
    total = next(r for r in rows if r["ผู้รายงาน"] == "รวมทั้งหมด")
    assert total["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 2 จาก 2 รายการ"  # was: 3 of 3, the old code counted
    assert total[budget] == lines[("s1", CODES[0])][budget] + new[budget]  # was: the old code's added too
    [apart] = [r for r in rows if r["ผู้รายงาน"] == "ไม่อยู่ในรายชื่อแล้ว"]
    assert apart[budget] == old[budget] and apart["ชื่อผู้รายงาน"] == "1 ราย ไม่รวมในยอดข้างบน"
