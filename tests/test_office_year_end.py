"""A project whose fiscal year ended unfinished: its last month's report never came.

Played over the turn of a fiscal year (as tests/test_office_new_year.py plays it): s1 sent all twelve
reports of its project of fiscal year 2563, s2 eleven — August's was its last, September's never came.
In October the clerk put each school's project of the new year on the roster. s2's old project was
then set apart as "no longer on the roster" (never late, never in the digest), and before that change
it was merely "late", which the digest does not list: the office lost sight of a missing final report.
Now it owes September, in the summary and in the digest, until it is sent or its school is taken off
the roster; s1's finished project stays quiet.
"""

from __future__ import annotations

import json
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.office.owing import owing
from sheetsync.office.spec import master_spec
from sheetsync.office.store import Store
from sheetsync.office.summary import COMPLETE, LEFT, NOTHING, SUMMARY, Digest, Line, expected_since, status_of
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from tests.cli import new_office, run
from tests.test_master_support import CODES, seed_data, submit, variant
from tests.test_office_roster_left import summary_with_totals
from tests.test_office_summary import record
from tests.test_office_view import rows_of
from tests.test_docs_thai import GUIDE, README

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
          f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[1]}\n")
NEW_YEAR = ROSTER.replace(CODES[0], CODES[2]).replace(CODES[1], CODES[3])
OWING = "ยังไม่ส่ง กันยายน 2563 (ปีงบประมาณ 2563)"
#: The months after the seed's sixth report: the project goes on, never reaching 100 %.
LATER = (("2020-04-29", 75.0), ("2020-05-29", 80.0), ("2020-06-30", 85.0), ("2020-07-31", 90.0),
         ("2020-08-31", 95.0), ("2020-09-30", 100.0))


def months(code: str, count: int) -> dict[str, Any]:
    """The seed's project with its first ``count`` monthly reports (October on), complete at the twelfth."""
    data = variant(seed_data(), code=code, reports=min(count, 6))
    for no, (day, progress) in enumerate(LATER[:max(count - 6, 0)], 7):
        last = no == 12
        data["reports"].append(dict(data["reports"][-1], no=no, date=day, progress_percent=progress,
                                    disbursed=170000 if last else 0))
    data["project"]["budget_used"] = sum(r["disbursed"] for r in data["reports"])
    return data


def next_year(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` a year later: a project of fiscal year 2564, its reports from October 2020."""
    def later(day: str) -> str:
        return f"{int(day[:4]) + 1}{day[4:]}"

    project = data["project"]
    project |= {"fiscal_year": 2564, "start_date": later(project["start_date"]), "end_date": later(project["end_date"])}
    data["reports"] = [dict(r, date=later(r["date"])) for r in data["reports"]]
    return data


def mailing(folder: Path) -> Path:
    """``folder`` with the office's address set: every run that receives something queues a digest."""
    config = folder / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"', 1),
                      encoding="utf-8")
    return folder


def sync(folder: Path, *args: str) -> None:
    """One ``sheetsync sync`` in the office, which must succeed."""
    done = run("sync", *args, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr


def statuses(folder: Path) -> dict[tuple[Any, Any], Any]:
    """The summary's status of each (recipient, code) line."""
    return {(r["ผู้รายงาน"], r["รหัสโครงการ"]): r["สถานะ"] for r in rows_of(folder / "master.xlsx", SUMMARY)
            if r["ผู้รายงาน"] in ("s1", "s2")}


def last_message(folder: Path) -> EmailMessage:
    """The last digest the office queued."""
    with Store(folder / "sheetsync.sqlite") as store:
        [(raw,)] = store.query("SELECT message FROM outbox WHERE name = 'digest' ORDER BY id DESC LIMIT 1")
    message = message_from_bytes(bytes(raw), policy=default)
    assert isinstance(message, EmailMessage)
    return message


def last_digest(folder: Path) -> dict[str, Any]:
    """The digest.json of the last digest the office queued."""
    part = next(p for p in last_message(folder).walk() if p.get_filename() == "digest.json")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    data: dict[str, Any] = json.loads(payload)
    return data


def turn_of_the_year(tmp_path: Path, form: Form, october_roster: str) -> Path:
    """Last year's projects sent (s1 twelve reports, s2 eleven); then ``october_roster``, and s1's
    first report of the new year."""
    folder = mailing(new_office(tmp_path, ROSTER))
    submit(form, folder / "inbox", months(CODES[0], 12), "s1")
    submit(form, folder / "inbox", months(CODES[1], 11), "s2")
    sync(folder, "--period", "2020-09")
    (folder / "roster.csv").write_text(october_roster, encoding="utf-8")
    submit(form, folder / "inbox", next_year(months(CODES[2], 1)), "s1")  # a file this run: a digest
    sync(folder, "--period", "2020-10")
    return folder


@pytest.fixture
def year_ended(tmp_path: Path, progress_form: Form) -> Path:
    """:func:`turn_of_the_year` with October's roster of the new year."""
    return turn_of_the_year(tmp_path, progress_form, NEW_YEAR)


def test_an_unfinished_year_owes_its_last_month_after_the_roster_names_the_new_project(year_ended: Path) -> None:
    lines = statuses(year_ended)
    assert lines[("s2", CODES[1])] == OWING  # was: ไม่อยู่ในรายชื่อแล้ว, never late
    assert lines[("s1", CODES[0])] == LEFT  # twelve of twelve: finished, quiet as before
    assert lines[("s2", CODES[3])] == NOTHING  # the new year's project is due as well


def test_the_digest_lists_the_month_an_unfinished_year_owes(year_ended: Path) -> None:
    owing = last_digest(year_ended)["owing"]
    assert [(o["recipient"], o["key"], o["months"]) for o in owing] == [("s2", CODES[1], "กันยายน 2563")]
    message = last_message(year_ended)
    assert "ค้างรายงานท้ายปีงบประมาณ 1 รายการ" in str(message["Subject"])
    text = message.get_body(("plain",))
    assert text is not None and "ยังไม่ได้ส่งรายงานเดือนท้ายของปีงบประมาณที่สิ้นสุดแล้ว (1)" in text.get_content()
    assert f"s2 — โรงเรียนวัดยายร่ม — {CODES[1]} — กันยายน 2563" in text.get_content()


def test_an_unfinished_year_owes_before_the_roster_changes(tmp_path: Path, progress_form: Form) -> None:
    """Still on the roster, the project was only "late", which the digest never lists."""
    folder = mailing(new_office(tmp_path, ROSTER))
    submit(progress_form, folder / "inbox", months(CODES[0], 12), "s1")
    submit(progress_form, folder / "inbox", months(CODES[1], 11), "s2")
    sync(folder, "--period", "2020-09")
    assert statuses(folder)[("s2", CODES[1])] != OWING  # September: August's report is the one due
    assert last_digest(folder)["owing"] == []
    submit(progress_form, folder / "inbox", months(CODES[0], 12), "s1", name="again.xlsx")
    sync(folder, "--period", "2020-10")
    assert statuses(folder)[("s2", CODES[1])] == OWING
    assert [o["key"] for o in last_digest(folder)["owing"]] == [CODES[1]]


def test_the_last_month_sent_ends_what_is_owed(year_ended: Path, progress_form: Form) -> None:
    submit(progress_form, year_ended / "inbox", months(CODES[1], 12), "s2", name="september.xlsx")
    sync(year_ended, "--period", "2020-10")
    assert statuses(year_ended)[("s2", CODES[1])] == LEFT
    assert last_digest(year_ended)["owing"] == []


def test_a_school_taken_off_the_roster_owes_nothing(year_ended: Path, progress_form: Form) -> None:
    (year_ended / "roster.csv").write_text(NEW_YEAR.replace(NEW_YEAR.splitlines(keepends=True)[2], ""),
                                           encoding="utf-8")
    submit(progress_form, year_ended / "inbox", next_year(months(CODES[2], 2)), "s1", name="november.xlsx")
    sync(year_ended, "--period", "2020-11")
    assert statuses(year_ended)[("s2", CODES[1])] == LEFT
    assert last_digest(year_ended)["owing"] == []


def test_a_year_ended_with_two_months_unsent_owes_both(tmp_path: Path, progress_form: Form) -> None:
    folder = mailing(new_office(tmp_path, ROSTER))
    submit(progress_form, folder / "inbox", months(CODES[1], 10), "s2")
    sync(folder, "--period", "2020-10")
    assert statuses(folder)[("s2", CODES[1])] == "ยังไม่ส่ง สิงหาคม – กันยายน 2563 (ปีงบประมาณ 2563)"
    [owed] = last_digest(folder)["owing"]
    assert owed["months"] == "สิงหาคม – กันยายน 2563"


@pytest.mark.parametrize("reports, period, expected", [
    (11, "2020-10", OWING),  # September never came
    (11, "2021-03", OWING),  # still owed months later
    (11, "2020-09", None),  # September's report is not due before October
    (12, "2020-10", None),  # twelve of twelve: finished
    (10, "2020-10", "ยังไม่ส่ง สิงหาคม – กันยายน 2563 (ปีงบประมาณ 2563)"),
    (0, "2020-10", "ยังไม่ส่ง ตุลาคม 2562 – กันยายน 2563 (ปีงบประมาณ 2563)"),  # a year of nothing
])
def test_what_an_ended_year_owes(progress_form: Form, reports: int, period: str, expected: str | None) -> None:
    data = months(CODES[1], reports)
    spec = master_spec(progress_form)
    digest = Digest.of(record(data), spec, progress_form)
    status = status_of(Line("s2", CODES[1], digest, None), spec, expected_since(period))
    assert status == expected if expected else not status.startswith("ยังไม่ส่ง")


def test_a_project_complete_before_september_owes_nothing(progress_form: Form) -> None:
    """The seed's project reached 100 % in April: complete, never late, never owing."""
    spec = master_spec(progress_form)
    digest = Digest.of(record(seed_data()), spec, progress_form)
    assert status_of(Line("s1", CODES[0], digest, None), spec, expected_since("2020-10")) == COMPLETE


#: October's roster listing both of s2's projects: last year's, still owing September, and the new one.
BOTH = NEW_YEAR.replace(CODES[3], f'"{CODES[1]}, {CODES[3]}"')


@pytest.fixture
def both_listed(tmp_path: Path, progress_form: Form) -> Path:
    """:func:`year_ended`, the roster naming both of s2's codes."""
    return turn_of_the_year(tmp_path, progress_form, BOTH)


def test_a_school_listed_with_both_years_codes_owes_both(both_listed: Path) -> None:
    lines = statuses(both_listed)
    assert lines[("s2", CODES[1])] == OWING and lines[("s2", CODES[3])] == NOTHING
    assert lines[("s1", CODES[0])] == LEFT  # finished, and no longer listed
    total = next(r for r in summary_with_totals(both_listed / "master.xlsx") if r["ผู้รายงาน"] == "รวมทั้งหมด")
    # s1's new project alone: s2's old one is "ยังไม่ส่ง กันยายน" on its line (it read "2 of 3", its line
    # saying not sent under a total saying sent: found walking the Thai guide), s2's new one sent nothing.
    assert total["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 1 จาก 3 รายการ"
    assert [o["key"] for o in last_digest(both_listed)["owing"]] == [CODES[1]]
    assert [r["id"] for r in last_digest(both_listed)["missing"]] == ["s2"]  # its new project: nothing yet


def test_next_months_templates_follow_every_code_listed(both_listed: Path) -> None:
    written = run("template", "--from-master", "master.xlsx", "-o", "next", cwd=both_listed)
    assert written.returncode == 0, written.stdout + written.stderr
    filled = {(f.metadata["recipient"], f.data["project"]["code"]): f.data
              for f in map(read_filled, sorted((both_listed / "next").iterdir()))}
    assert sorted(filled) == [("s1", CODES[2]), ("s2", CODES[1]), ("s2", CODES[3])]
    assert len(filled[("s2", CODES[1])]["reports"]) == 11  # September's row open
    assert "reports" not in filled[("s2", CODES[3])] and filled[("s2", CODES[3])]["unit"]  # who it is, kept


def test_a_code_taken_off_the_roster_once_sent_is_set_apart(both_listed: Path, progress_form: Form) -> None:
    submit(progress_form, both_listed / "inbox", months(CODES[1], 12), "s2", name="september.xlsx")
    sync(both_listed, "--period", "2020-10")
    assert statuses(both_listed)[("s2", CODES[1])] == COMPLETE  # still listed: its line as any other
    (both_listed / "roster.csv").write_text(NEW_YEAR, encoding="utf-8")
    submit(progress_form, both_listed / "inbox", next_year(months(CODES[3], 1)), "s2", name="october.xlsx")
    sync(both_listed, "--period", "2020-10")
    assert statuses(both_listed)[("s2", CODES[1])] == LEFT


def test_a_project_renumbered_within_its_year_owes_only_under_its_new_code(progress_form: Form) -> None:
    """5006's October to February went on as 5010 (the roster's code changed in March): once the year
    is over, 5006 owes no March to September, and 5010 owes the September it did not send."""
    spec = master_spec(progress_form)
    old, new = (Digest.of(record(months(code, count), "s2"), spec, progress_form)
                for code, count in ((CODES[1], 5), (CODES[3], 11)))
    roster = [Recipient("s2", "โรงเรียนวัดยายร่ม", "b@x.example", CODES[3])]
    found = owing([old, new], roster, [], {progress_form.id: spec}, "2020-10")
    assert [(o.key, o.months) for o in found] == [(CODES[3], "กันยายน 2563")]


def test_two_projects_of_one_year_both_listed_each_owe_what_they_did_not_send(progress_form: Form) -> None:
    """s2 runs two projects in one fiscal year, both on its roster row: 5007 stopped in February,
    5010 in August. Neither went on as the other (the roster still lists both), so each owes its own
    months; before, 5007 was taken for 5010's old code and owed nothing (found by a review)."""
    spec = master_spec(progress_form)
    short, long = (Digest.of(record(months(code, count), "s2"), spec, progress_form)
                   for code, count in ((CODES[1], 5), (CODES[3], 11)))
    roster = [Recipient("s2", "โรงเรียนวัดยายร่ม", "b@x.example", f"{CODES[1]}; {CODES[3]}")]
    found = owing([short, long], roster, [], {progress_form.id: spec}, "2020-10")
    assert [(o.key, o.months) for o in found] == [(CODES[1], "มีนาคม – กันยายน 2563"), (CODES[3], "กันยายน 2563")]


def test_last_years_code_left_listed_once_sent_is_added_to_the_new_years_total(both_listed: Path,
                                                                              progress_form: Form) -> None:
    """What the guide tells the clerk: take last year's code off the roster once its September is in,
    or the total sent up the line adds last year's project to this year's."""
    submit(progress_form, both_listed / "inbox", months(CODES[1], 12), "s2", name="september.xlsx")
    sync(both_listed, "--period", "2020-10")
    budget = "งบประมาณที่ได้รับ (บาท)"

    def total() -> Any:
        rows = summary_with_totals(both_listed / "master.xlsx")
        return next(r for r in rows if r["ผู้รายงาน"] == "รวมทั้งหมด")[budget]

    listed = total()
    (both_listed / "roster.csv").write_text(NEW_YEAR, encoding="utf-8")
    sync(both_listed, "--period", "2020-10")
    assert statuses(both_listed)[("s2", CODES[1])] == LEFT
    assert listed - total() == months(CODES[1], 12)["project"]["budget_received"]
    assert "take last year's code off" in README and "ลบรหัสของปีที่แล้วออก" in GUIDE  # the clerk is told so
