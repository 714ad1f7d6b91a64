"""A waived code of a form sent anew each month (``master: period``, the school-lunch report).

``sheetsync waive`` worked for the progress report (tests/test_office_waive.py), but for the lunch
report a waived code's lines said ยกเว้น while its "ยังไม่ส่ง <month>" line of the month due still
showed, the month's total still counted it as due, and the digest still listed it as not sent. And a
code that never reported could not be waived at all: the clerk was told to take it off roster.csv,
which for a school of one code left the school owing a report with no code.

A waiver holds in every view, a past month's (``master --period``) too: see :mod:`sheetsync.office.waivers`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.office.due import Due
from sheetsync.office.rows import OutcomeRow
from sheetsync.office.spec import master_spec
from sheetsync.office.summary import SUMMARY, UP_TO_DATE, summary_lines
from sheetsync.office.total import total_rows
from sheetsync.office.waivers import waived_line
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from tests.cli import run
from tests.conftest import FORMS_DIR
from tests.test_office_monthly import DEC, NOV, OCT, ROSTER, month, send
from tests.test_office_monthly import lunch_office, send_months
from tests.test_office_period_codes import SECOND, TWO_CODES, last_digest, lines, of_code
from tests.test_office_period_codes import send_two_codes
from tests.test_office_period_view import total_of, view
from tests.test_office_view import rows_of

REASON = "กทม. ยกเลิกโครงการ"
WAIVED = f"ยกเว้น: {REASON}"


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office of the lunch form (see :func:`tests.test_office_monthly.lunch_office`)."""
    return lunch_office(tmp_path)


@pytest.fixture
def months(office: Path, lunch_form: Form, lunch_sample: dict[str, Any]) -> Path:
    """The office after three months of reports (see :func:`tests.test_office_monthly.send_months`)."""
    return send_months(office, lunch_form, lunch_sample)


@pytest.fixture
def two_codes(office: Path, lunch_form: Form, lunch_sample: dict[str, Any]) -> Path:
    """The office after the reports of two codes (see :func:`tests.test_office_period_codes.send_two_codes`)."""
    return send_two_codes(office, lunch_form, lunch_sample)


def waive(office: Path, *args: str) -> str:
    """``sheetsync waive ARGS`` in the office, which must succeed; what it printed."""
    done = run("waive", *args, cwd=office, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def said_total(office: Path) -> str:
    """What the summary's รวมทั้งหมด line of the office's master says of who reported."""
    return str(total_of(office / "master.xlsx")["ชื่อผู้รายงาน"])


def test_a_waived_code_is_no_longer_asked_for_the_month_due(two_codes: Path) -> None:
    assert said_total(two_codes) == f"{DEC}: ส่งรายงานแล้ว 1 จาก 4 ราย"
    waive(two_codes, SECOND, "--reason", REASON)
    assert lines(two_codes) == [("s2", "10360002", OCT, UP_TO_DATE), ("s2", "10360002", DEC, f"ยังไม่ส่ง {DEC}"),
                                ("s2", SECOND, OCT, WAIVED),  # was: and ยังไม่ส่ง ธันวาคม
                                ("s3", "10360003", DEC, "ยังไม่ได้รับรายงาน")]
    assert said_total(two_codes) == f"{DEC}: ส่งรายงานแล้ว 1 จาก 3 ราย (ยกเว้น 1)"


def test_a_waived_code_is_not_in_the_digests_not_sent_list(two_codes: Path, lunch_form: Form,
                                                           lunch_sample: dict[str, Any]) -> None:
    waive(two_codes, SECOND, "--reason", REASON)
    send(two_codes, lunch_form, "s1-dec-2.xlsx", month(lunch_sample, "ธันวาคม", 19), "s1", "ธันวาคม")
    digest, text, _ = last_digest(two_codes)
    assert [(r["id"], r["project_code"]) for r in digest["missing"]] == [("s2", "10360002"), ("s3", "10360003")]
    assert f"ยังไม่ได้ส่ง {DEC} (2)" in text and SECOND not in text


def test_a_report_of_a_waived_code_is_merged_and_not_counted_as_due(two_codes: Path, lunch_form: Form,
                                                                    lunch_sample: dict[str, Any]) -> None:
    waive(two_codes, SECOND, "--reason", REASON)
    second = of_code(month(lunch_sample, "ธันวาคม", 10, school="s2"), SECOND)
    send(two_codes, lunch_form, "s2-dec-2.xlsx", second, "s2", "ธันวาคม")
    assert ("s2", SECOND, DEC, WAIVED) in lines(two_codes)
    total = total_of(two_codes / "master.xlsx")  # its money is spent all the same: added
    assert total["ชื่อผู้รายงาน"] == f"{DEC}: ส่งรายงานแล้ว 1 จาก 3 ราย (ยกเว้น 1)"
    assert total["จำนวนเงิน (บาท)"] == 55_440 + sum(g["amount"] for g in second["grades"])


def next_templates(office: Path) -> list[tuple[str, str]]:
    """(recipient, code) of each of next month's templates made from the office's master and roster."""
    done = run("template", "--from-master", "master.xlsx", "--roster", "roster.csv", "-o", "next",
               cwd=office, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stderr
    return sorted((f.metadata["recipient"], f.data["school"]["smis"])
                  for f in (read_filled(p, forms_dirs=[FORMS_DIR]) for p in (office / "next").iterdir()))


def test_no_next_template_is_made_for_a_waived_code(two_codes: Path) -> None:
    waive(two_codes, SECOND, "--reason", REASON)
    assert next_templates(two_codes) == [("s1", "10360001"), ("s2", "10360002"), ("s3", "10360003")]


def test_a_school_of_one_waived_code_is_not_due(months: Path) -> None:
    waive(months, "10360002", "--reason", REASON)
    summary = [(r["ผู้รายงาน"], r["สถานะ"]) for r in rows_of(months / "master.xlsx", SUMMARY)]
    assert [status for who, status in summary if who == "s2"] == [WAIVED]  # no ยังไม่ส่ง ธันวาคม line
    assert said_total(months) == f"{DEC}: ส่งรายงานแล้ว 1 จาก 2 ราย (ยกเว้น 1)"
    waive(months, "10360002", "--undo")
    assert said_total(months) == f"{DEC}: ส่งรายงานแล้ว 1 จาก 3 ราย"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_waiver_holds_in_a_past_months_view(months: Path, fmt: str) -> None:
    """The waiver says the code owes nothing more, none of its months not sent: a view of a month before
    it was made (November due) shows it waived too, as the progress report's view of any month does."""
    path = view(months, fmt, "--period", "2566-12")
    assert f"ยังไม่ส่ง {NOV}" in [r["สถานะ"] for r in rows_of(path, SUMMARY) if r["ผู้รายงาน"] == "s2"]
    waive(months, "10360002", "--reason", REASON)
    path = view(months, fmt, "--period", "2566-12")
    assert [r["สถานะ"] for r in rows_of(path, SUMMARY) if r["ผู้รายงาน"] == "s2"] == [WAIVED]
    assert str(total_of(path)["ชื่อผู้รายงาน"]) == f"{NOV}: ส่งรายงานแล้ว 1 จาก 2 ราย (ยกเว้น 1)"


def test_a_code_that_never_reported_can_be_waived(two_codes: Path) -> None:
    """A third code of s2's row, cancelled before it ever reported: taking it off the cell drops the
    record of why; a school of that one code would still owe a report with no code at all."""
    third = "10360005"
    (two_codes / "roster.csv").write_text(TWO_CODES.replace(f"{SECOND}\"", f"{SECOND}; {third}\""), encoding="utf-8")
    assert ("s2", third, DEC, f"ยังไม่ส่ง {DEC}") in lines(view_of(two_codes))
    said = waive(two_codes, third, "--reason", REASON)
    assert third in said and "โรงเรียนวัดยายร่ม" in said
    assert ("s2", third, DEC, WAIVED) in lines(two_codes)  # one line saying so, never "not sent"
    assert said_total(two_codes) == f"{DEC}: ส่งรายงานแล้ว 1 จาก 4 ราย (ยกเว้น 1)"
    assert third in waive(two_codes)  # listed with the others
    assert {smis for who, smis in next_templates(two_codes) if who == "s2"} == {"10360002", SECOND}


def test_a_school_whose_one_code_never_reported_can_be_waived(months: Path) -> None:
    waive(months, "10360003", "--reason", REASON)
    assert [(r["ผู้รายงาน"], r["สถานะ"]) for r in rows_of(months / "master.xlsx", SUMMARY)
            if r["ผู้รายงาน"] == "s3"] == [("s3", WAIVED)]  # was: ยังไม่ได้รับรายงาน
    assert said_total(months) == f"{DEC}: ส่งรายงานแล้ว 1 จาก 2 ราย (ยกเว้น 1)"
    assert (months / "roster.csv").read_text(encoding="utf-8") == ROSTER  # the roster is left as it is


def view_of(office: Path) -> Path:
    """The office's master made again (the roster read anew by a sync), returned as its folder for :func:`lines`."""
    done = run("sync", cwd=office, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    return office


def test_a_code_waived_without_a_reason_is_not_asked_for_either(two_codes: Path) -> None:
    waive(two_codes, SECOND)
    assert [line for line in lines(two_codes) if line[1] == SECOND] == [("s2", SECOND, OCT, "ยกเว้น")]


def _refused(who: str, key: str, form_id: str) -> OutcomeRow:
    """A file of ``who`` for ``key`` refused (errors to fix)."""
    return OutcomeRow(1, "x", "s2-dec.xlsx", "2025-01-03", "refused", "", "", form_id, "1", "", who, key, None, (), 1)


@pytest.mark.parametrize("waived, due_codes", [("10360002", 1), (SECOND, 1)])
def test_a_waiver_is_of_its_own_codes_line(lunch_form: Form, waived: str, due_codes: int) -> None:
    """s2 (two codes) sent nothing but a refused December of its second code: its first line is that file's.
    That line took the first code's waiver (the total counted the code to fix as waived: 0 of 0), and a
    waiver of the second code was lost (its file to fix counted as due, the first code's too: 0 of 2)."""
    spec = master_spec(lunch_form)
    due = Due(lunch_form.id, spec, DEC)
    roster = [Recipient("s2", "โรงเรียนวัดยายร่ม", "b@x.example", f"10360002; {SECOND}")]
    found = summary_lines([], roster, [_refused("s2", f"{SECOND} · {DEC}", lunch_form.id)], {lunch_form.id: spec},
                          due, {("s2", waived): REASON})
    assert {due.code_of(line.key): line.waived for line in found} == {
        code: REASON if code == waived else None for code in ("10360002", SECOND)}
    [total] = total_rows(found, ["recipient", "school"], lunch_form, due, waived=waived_line)[:1]
    assert total[1] == f"{DEC}: ส่งรายงานแล้ว 0 จาก {due_codes} ราย (ยกเว้น 1)"
