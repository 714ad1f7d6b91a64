"""A project cancelled or closed early by the BMA: its remaining months are not due (``sheetsync waive``).

Played over the turn of a fiscal year as tests/test_office_year_end.py plays it: s2's project of 2563
sent eleven reports, September's never came, and the line stayed orange (ยังไม่ส่ง กันยายน 2563) and in
every digest. The clerk's only way out was to take the school off the roster, which also dropped its
new project. ``sheetsync waive CODE --reason …`` says that project owes nothing more: recorded in the
store with who, when and why, shown in the summary, undone with ``--undo``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.office.owing import owing
from sheetsync.office.spec import master_spec
from sheetsync.office.lock import run_lock
from sheetsync.office.store import Store
from sheetsync.office.summary import LEFT, NOTHING, Digest, Line, expected_since, status_of
from sheetsync.office.waivers import waived_status
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from tests.cli import run
from tests.test_master_support import CODES, submit
from tests.test_office_roster_left import summary_with_totals
from tests.test_office_summary import record
from tests.test_office_year_end import (BOTH, NEW_YEAR, OWING, last_digest, last_message, months, next_year,
                                        statuses, sync, turn_of_the_year)

REASON = "กทม. ยกเลิกโครงการ"
WAIVED = f"ยกเว้น: {REASON}"


@pytest.fixture
def year_ended(tmp_path: Path, progress_form: Form) -> Path:
    """s2's project of 2563 owes September; October's roster names each school's new project only."""
    return turn_of_the_year(tmp_path, progress_form, NEW_YEAR)


@pytest.fixture
def both_listed(tmp_path: Path, progress_form: Form) -> Path:
    """The same, the roster naming both of s2's codes (last year's owing, and the new one)."""
    return turn_of_the_year(tmp_path, progress_form, BOTH)


def waive(folder: Path, *args: str) -> str:
    """``sheetsync waive ARGS`` in the office, which must succeed; what it printed."""
    done = run("waive", *args, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def total_line(folder: Path) -> dict[str, Any]:
    """The summary's รวมทั้งหมด line."""
    return next(r for r in summary_with_totals(folder / "master.xlsx") if r["ผู้รายงาน"] == "รวมทั้งหมด")


def test_a_waived_project_shows_as_waived_and_the_schools_other_project_as_before(year_ended: Path) -> None:
    assert statuses(year_ended)[("s2", CODES[1])] == OWING
    assert total_line(year_ended)["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 1 จาก 3 รายการ"
    said = waive(year_ended, CODES[1], "--reason", REASON)
    assert CODES[1] in said and "โรงเรียนวัดยายร่ม" in said
    lines = statuses(year_ended)  # the master is made again at once
    assert lines[("s2", CODES[1])] == WAIVED  # was: ยังไม่ส่ง กันยายน 2563 (orange)
    assert lines[("s2", CODES[3])] == NOTHING  # the school's new project is still due
    assert lines[("s1", CODES[0])] == LEFT
    # Its code no longer on the roster, nothing due from it: set apart as a finished project is.
    assert total_line(year_ended)["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 1 จาก 2 รายการ"


def test_a_waived_project_is_not_in_the_digests_owing_list(year_ended: Path, progress_form: Form) -> None:
    waive(year_ended, CODES[1], "--reason", REASON)
    submit(progress_form, year_ended / "inbox", next_year(months(CODES[2], 2)), "s1", name="november.xlsx")
    sync(year_ended, "--period", "2020-11")
    digest = last_digest(year_ended)
    assert digest["owing"] == []
    assert [r["id"] for r in digest["missing"]] == ["s2"]  # its new project: still nothing, still listed
    assert "ค้างรายงานท้ายปีงบประมาณ" not in str(last_message(year_ended)["Subject"])


def test_a_waived_project_is_not_counted_as_due_in_the_total(both_listed: Path) -> None:
    assert total_line(both_listed)["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 1 จาก 3 รายการ"
    waive(both_listed, CODES[1], "--reason", REASON)
    assert statuses(both_listed)[("s2", CODES[1])] == WAIVED
    assert statuses(both_listed)[("s2", CODES[3])] == NOTHING
    assert total_line(both_listed)["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 1 จาก 2 รายการ (ยกเว้น 1)"


def test_a_waiver_is_listed_with_who_when_why_and_undone(year_ended: Path) -> None:
    waive(year_ended, CODES[1], "--reason", REASON)
    listed = waive(year_ended)
    assert CODES[1] in listed and REASON in listed and "ยกเว้นเมื่อ" in listed and "โดย" in listed
    waive(year_ended, CODES[1], "--undo")
    assert statuses(year_ended)[("s2", CODES[1])] == OWING  # owed again, as before the waiver
    listed = waive(year_ended)
    assert REASON in listed and "ยกเลิกการยกเว้นเมื่อ" in listed  # the record keeps both
    with Store(year_ended / "sheetsync.sqlite") as store:
        [(reason, by, undone)] = store.query("SELECT reason, waived_by, undone_at FROM waivers")
    assert reason == REASON and by and undone


def test_a_report_of_a_waived_project_is_still_merged(year_ended: Path, progress_form: Form) -> None:
    waive(year_ended, CODES[1])
    submit(progress_form, year_ended / "inbox", months(CODES[1], 12), "s2", name="september.xlsx")
    sync(year_ended, "--period", "2020-10")
    with Store(year_ended / "sheetsync.sqlite") as store:
        [kept] = [s for s in store.current() if s.key == CODES[1]]
    assert len(kept.data["reports"]) == 12
    assert statuses(year_ended)[("s2", CODES[1])] == "ยกเว้น"  # no reason given: the word alone


def test_a_code_the_office_never_received_is_refused(year_ended: Path) -> None:
    done = run("waive", "50360000-9999", cwd=year_ended)
    assert done.returncode == 2 and "50360000-9999" in done.stderr
    undone = run("waive", CODES[1], "--undo", cwd=year_ended)
    assert undone.returncode == 2 and CODES[1] in undone.stderr  # nothing to undo
    # A reason given with --undo was dropped without a word (review): refused, nothing recorded.
    waive(year_ended, CODES[1], "--reason", REASON)
    both = run("waive", CODES[1], "--undo", "--reason", "ผิด", cwd=year_ended)
    assert both.returncode == 2 and both.stderr.index("--reason") < both.stderr.index(" / "), both.stderr
    assert statuses(year_ended)[("s2", CODES[1])] == WAIVED


def test_undo_with_a_reason_is_told_the_command_for_the_code_typed(year_ended: Path) -> None:
    # The refusal said to type `sheetsync waive 50360000-4001 --undo` whatever code the clerk typed:
    # typed as told, it would undo another project's waiver (CODES[1] is that very example code).
    waive(year_ended, CODES[1], "--reason", REASON)
    refused = run("waive", CODES[2], "--undo", "--reason", "ผิด", cwd=year_ended)
    assert refused.returncode == 2
    thai, _, english = refused.stderr.partition(" / ")
    for said in (thai, english):
        assert f"sheetsync waive {CODES[2]} --undo" in said and CODES[1] not in said, refused.stderr
    assert statuses(year_ended)[("s2", CODES[1])] == WAIVED  # nothing undone


def test_a_waived_digest_owes_nothing(progress_form: Form) -> None:
    spec = master_spec(progress_form)
    digest = Digest.of(record(months(CODES[1], 11), "s2"), spec, progress_form)
    roster = [Recipient("s2", "โรงเรียนวัดยายร่ม", "b@x.example", CODES[1])]
    assert [o.key for o in owing([digest], roster, [], {progress_form.id: spec}, "2020-10")] == [CODES[1]]
    waived = Digest.of(record(months(CODES[1], 11), "s2"), spec, progress_form, waived=REASON)
    assert owing([waived], roster, [], {progress_form.id: spec}, "2020-10") == []
    assert status_of(Line("s2", CODES[1], waived, None), spec, expected_since("2020-10")) == waived_status(REASON)


def test_no_next_template_is_made_for_a_waived_project(both_listed: Path) -> None:
    waive(both_listed, CODES[1], "--reason", REASON)
    written = run("template", "--from-master", "master.xlsx", "-o", "next", cwd=both_listed)
    assert written.returncode == 0, written.stdout + written.stderr
    made = {(f.metadata["recipient"], f.data["project"]["code"]) for f in map(read_filled, (both_listed / "next").iterdir())}
    assert made == {("s1", CODES[2]), ("s2", CODES[3])}  # was: s2's waived project too, its September open
    assert f"s2 {CODES[1]}: ยกเว้นเดือนที่เหลือ" in written.stdout


def test_no_first_template_is_made_for_a_waived_project(both_listed: Path, tmp_path: Path) -> None:
    """``template --roster`` (first templates, not next month's) still made one for a project the office
    had waived: its school would be asked for reports of a cancelled project. Left out, a line naming
    it, as ``--from-master`` does; the school's other project gets its template, named as a school of
    one code's is. With no office around, the roster alone says what to make: every code, as before."""
    waive(both_listed, CODES[1], "--reason", REASON)
    written = run("template", "--roster", "roster.csv", "-o", "templates", cwd=both_listed)
    assert written.returncode == 0, written.stdout + written.stderr
    made = {p.name: (f.metadata["recipient"], f.data["project"]["code"])
            for p, f in ((p, read_filled(p)) for p in (both_listed / "templates").iterdir())}
    assert made == {"s1 โรงเรียนวัดไทร.xlsx": ("s1", CODES[2]), "s2 โรงเรียนวัดยายร่ม.xlsx": ("s2", CODES[3])}
    assert f"s2 {CODES[1]}: ยกเว้นเดือนที่เหลือ" in written.stdout
    assert written.stdout.index("ยกเว้นเดือนที่เหลือ") < written.stdout.index("remaining months are waived")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "roster.csv").write_bytes((both_listed / "roster.csv").read_bytes())
    written = run("template", "--roster", "roster.csv", "-o", "templates", cwd=elsewhere)
    assert written.returncode == 0, written.stdout + written.stderr
    made_there = {(f.metadata["recipient"], f.data["project"]["code"])
                  for f in map(read_filled, (elsewhere / "templates").iterdir())}
    assert made_there == {("s1", CODES[2]), ("s2", CODES[1]), ("s2", CODES[3])}


def test_a_waiver_waits_for_a_run_that_holds_the_office_and_says_so_if_it_goes_on(year_ended: Path) -> None:
    """``sync`` (or a ``restore`` moving the store aside) holds the office: a waiver written meanwhile
    could land in a store being replaced, and its master be drawn under the run's. It waits, then
    says the office is busy, Thai first, and records nothing."""
    with Store(year_ended / "sheetsync.sqlite") as store, run_lock(store, "sync"):
        settings = year_ended / "sheetsync.toml"
        settings.write_text(settings.read_text(encoding="utf-8").replace("wait_seconds = 5.0", "wait_seconds = 0"),
                            encoding="utf-8")
        done = run("waive", CODES[1], "--reason", REASON, cwd=year_ended)
    assert done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1, done.stdout + done.stderr
    assert done.stderr.index("กำลังทำงานกับสำนักงานนี้อยู่") < done.stderr.index("is working on this office")
    with Store(year_ended / "sheetsync.sqlite") as store:
        assert store.query("SELECT COUNT(*) FROM waivers")[0][0] == 0
    assert "ยังไม่มีโครงการที่ยกเว้น" in waive(year_ended)


def test_a_master_edited_by_hand_is_kept_aside_and_the_clerk_told(year_ended: Path) -> None:
    """The master is made again at once: one the clerk typed into is kept aside first (as a run and
    ``sheetsync master`` keep it), and, as they do, the clerk is told where it went."""
    master = year_ended / "master.xlsx"
    master.write_bytes(master.read_bytes() + b"\0")  # stands for a clerk's edit saved over it
    done = run("waive", CODES[1], "--reason", REASON, cwd=year_ended)
    assert done.returncode == 0, done.stdout + done.stderr
    kept = [p.name for p in year_ended.glob("master.edited-*.xlsx")]
    assert len(kept) == 1 and kept[0] in done.stdout + done.stderr, done.stdout + done.stderr


def test_a_project_that_never_reported_can_be_waived(both_listed: Path, progress_form: Form) -> None:
    """s2's new project, cancelled before its first report: refused, the clerk was told to take it off
    roster.csv, which keeps no record of why (and for a school of that one code, left it owing a report
    of no code at all). Its roster row lists it: it is waived, and says so, on a line of its own."""
    said = waive(both_listed, CODES[3], "--reason", REASON)
    assert CODES[3] in said and "โรงเรียนวัดยายร่ม" in said
    assert statuses(both_listed)[("s2", CODES[3])] == WAIVED  # was: ยังไม่ได้รับรายงาน
    assert statuses(both_listed)[("s2", CODES[1])] == OWING  # the school's other project: owed as before
    assert total_line(both_listed)["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 1 จาก 2 รายการ (ยกเว้น 1)"
    submit(progress_form, both_listed / "inbox", next_year(months(CODES[2], 2)), "s1", name="november.xlsx")
    sync(both_listed, "--period", "2020-11")
    assert last_digest(both_listed)["missing"] == []  # was: s2, for its new project


def test_a_complete_project_has_nothing_left_to_waive(year_ended: Path) -> None:
    """s1's project of 2563 reached 100 % in September: waiving it was taken without a word, and took it
    out of the total's "reported" count (2 of 4 became 1 of 3, found by a clerk's walkthrough). Refused,
    Thai first, naming the project; nothing recorded."""
    done = run("waive", CODES[0], "--reason", REASON, cwd=year_ended)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stdout + done.stderr
    assert CODES[0] in done.stderr and done.stderr.index("เสร็จสิ้น") < done.stderr.index("complete")
    with Store(year_ended / "sheetsync.sqlite") as store:
        assert store.query("SELECT COUNT(*) FROM waivers")[0][0] == 0


def test_history_of_a_school_says_its_waivers(year_ended: Path) -> None:
    """``history --recipient s2`` listed s2's files but never the waiver that made its line ยกเว้น: only
    ``sheetsync waive`` said who waived it, when and why (found by a clerk's walkthrough)."""
    waive(year_ended, CODES[1], "--reason", REASON)
    listed = run("history", "--recipient", "S2", cwd=year_ended).stdout.splitlines()
    (heading,) = [i for i, line in enumerate(listed) if line.startswith("การยกเว้น")]
    assert heading > 0 and REASON in listed[heading + 1] and CODES[1] in listed[heading + 1]
    assert not any(line.startswith("การยกเว้น") for line in run("history", "--recipient", "s1", cwd=year_ended).stdout.splitlines())
    assert REASON in run("history", "--project", CODES[1], cwd=year_ended).stdout


def test_history_of_a_school_typed_exactly_gives_its_own_waivers_only(year_ended: Path) -> None:
    """Two ids that differ only in case are two schools (``history --recipient``): typed exactly, one is
    found. Its files were; its waivers were also those of the other id (compared in either case)."""
    waive(year_ended, CODES[1], "--reason", REASON)
    with Store(year_ended / "sheetsync.sqlite") as store, store.transaction() as db:
        db.executemany("INSERT INTO waivers (recipient, code, reason, waived_by, waived_at) VALUES (?, ?, ?, ?, ?)",
                       [(who, CODES[3], why, "somsri", "2020-10-01T00:00:00+00:00")
                        for who, why in (("S2", "ของอีกโรงเรียน"), ("S9", "ไม่เคยส่งไฟล์"))])
    listed = run("history", "--recipient", "s2", cwd=year_ended).stdout
    assert REASON in listed and "ของอีกโรงเรียน" not in listed
    # An id that never sent a file (its waiver is all the store has of it) is found in either case still
    assert "ไม่เคยส่งไฟล์" in run("history", "--recipient", "s9", cwd=year_ended).stdout


@pytest.mark.parametrize("waived", [{}, {("s2", CODES[1]): REASON}])
def test_each_code_of_a_school_whose_only_file_was_refused_has_its_line(progress_form: Form,
                                                                        waived: dict[tuple[str, str], str]) -> None:
    """s2 lists two projects and sent only a file of its second, refused: that file's line was its one
    line, and its first project had none — neither "nothing received" nor, waived, ยกเว้น."""
    from sheetsync.office.store import OutcomeRow
    from sheetsync.office.summary import MUST_FIX, summary_lines
    from sheetsync.office.total import total_rows
    from sheetsync.office.waivers import waived_line

    spec = master_spec(progress_form)
    roster = [Recipient("s2", "โรงเรียนวัดยายร่ม", "b@x.example", f"{CODES[1]}; {CODES[2]}")]
    refused = OutcomeRow(1, "x", "s2.xlsx", "2020-10-05", "refused", "", "", progress_form.id, "1", "", "s2",
                         CODES[2], None, (), 1)
    lines = summary_lines([], roster, [refused], {progress_form.id: spec}, None, waived)
    assert {line.key: status_of(line, spec, expected_since(None)) for line in lines} == {
        CODES[1]: WAIVED if waived else NOTHING, CODES[2]: MUST_FIX}
    [total] = total_rows(lines, ["recipient", "school"], progress_form, waived=waived_line)[:1]
    assert total[1] == ("ส่งรายงานแล้ว 0 จาก 1 รายการ (ยกเว้น 1)" if waived else "ส่งรายงานแล้ว 0 จาก 2 รายการ")
