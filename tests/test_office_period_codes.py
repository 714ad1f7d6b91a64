"""A school listing several codes (``project_code`` "10360002; 10360004") for a form with a period.

The summary and the digest gave the period due's "not sent" line to one code only: the first code of
the school with nothing of the period (or none at all, once one code had sent it), so a second code's
missing month went unseen. Each code listed now has its own line, and its own entry in the digest;
a school of one code is as before (tests/test_office_monthly.py, tests/test_office_period_view.py).
"""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.master.model import Key
from sheetsync.office.due import Due, main_due
from sheetsync.office.owing import nothing_received
from sheetsync.office.sheets import forms_of
from sheetsync.office.spec import master_spec
from sheetsync.office.store import Store
from sheetsync.office.summary import NOTHING, SUMMARY, UP_TO_DATE, expected_since, status_of, summary_lines
from sheetsync.roster import Recipient, read_roster
from sheetsync.spec.form import Form
from tests.cli import run
from tests.conftest import FORMS_DIR
from tests.test_office_monthly import DEC, OCT, PERIOD, ROSTER, month, send
from tests.test_office_monthly import lunch_office
from tests.test_office_period_view import total_of
from tests.test_office_view import rows_of

SECOND = "10360004"  # s2's second code
TWO_CODES = ROSTER.replace("head@s2.example,10360002", f'head@s2.example,"10360002; {SECOND}"')


def of_code(data: dict[str, Any], code: str) -> dict[str, Any]:
    """``data`` reported under ``code``."""
    data["school"]["smis"] = code
    return data


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office of the lunch form (see :func:`tests.test_office_monthly.lunch_office`)."""
    return lunch_office(tmp_path)


@pytest.fixture
def two_codes(office: Path, lunch_form: Form, lunch_sample: dict[str, Any]) -> Path:
    """The office after the reports of two codes (see :func:`send_two_codes`)."""
    return send_two_codes(office, lunch_form, lunch_sample)


def send_two_codes(office: Path, lunch_form: Form, lunch_sample: dict[str, Any]) -> Path:
    """s1 sends October to December; s2, listed with two codes, October of each; s3 nothing.
    December, the latest month sent, is due."""
    (office / "roster.csv").write_text(TWO_CODES, encoding="utf-8")
    for name, days in (("ตุลาคม", 15), ("พฤศจิกายน", 20), ("ธันวาคม", 18)):
        send(office, lunch_form, f"s1-{days}.xlsx", month(lunch_sample, name, days), "s1", name)
    send(office, lunch_form, "s2-oct.xlsx", month(lunch_sample, "ตุลาคม", 15, school="s2"), "s2", "ตุลาคม")
    second = of_code(month(lunch_sample, "ตุลาคม", 12, school="s2"), SECOND)
    send(office, lunch_form, "s2-oct-2.xlsx", second, "s2", "ตุลาคม")
    return office


def lines(office: Path) -> list[tuple[str, str, str | None, str]]:
    """(recipient, code, period, status) of each summary line of s2 and s3."""
    return [(r["ผู้รายงาน"], r["รหัสโรงเรียน (SMIS)"], r[PERIOD] or None, r["สถานะ"])
            for r in rows_of(office / "master.xlsx", SUMMARY) if r["ผู้รายงาน"] in ("s2", "s3")]


def last_digest(office: Path) -> tuple[dict[str, Any], str, str]:
    """The last digest queued: its digest.json, its text and its HTML."""
    with Store(office / "sheetsync.sqlite") as store:
        (raw,) = store.query("SELECT message FROM outbox WHERE name = 'digest' ORDER BY id DESC LIMIT 1")
    msg = email.message_from_bytes(bytes(raw[0]), policy=email.policy.default)
    attached = next(p for p in msg.iter_attachments() if p.get_filename() == "digest.json")
    return (json.loads(attached.get_content()), msg.get_body(("plain",)).get_content(),
            msg.get_body(("html",)).get_content())


def test_each_code_without_the_month_due_has_a_line_saying_so(two_codes: Path) -> None:
    assert lines(two_codes) == [("s2", "10360002", OCT, UP_TO_DATE), ("s2", "10360002", DEC, f"ยังไม่ส่ง {DEC}"),
                                ("s2", SECOND, OCT, UP_TO_DATE), ("s2", SECOND, DEC, f"ยังไม่ส่ง {DEC}"),
                                ("s3", "10360003", DEC, NOTHING)]


def test_one_code_sending_the_month_due_leaves_the_other_not_sent(two_codes: Path, lunch_form: Form,
                                                                  lunch_sample: dict[str, Any]) -> None:
    """December of 10360002 came: the school had a line of the month due, and 10360004 said nothing."""
    send(two_codes, lunch_form, "s2-dec.xlsx", month(lunch_sample, "ธันวาคม", 18, school="s2"), "s2", "ธันวาคม")
    assert lines(two_codes) == [("s2", "10360002", OCT, UP_TO_DATE), ("s2", "10360002", DEC, UP_TO_DATE),
                                ("s2", SECOND, OCT, UP_TO_DATE), ("s2", SECOND, DEC, f"ยังไม่ส่ง {DEC}"),
                                ("s3", "10360003", DEC, NOTHING)]
    digest, text, _ = last_digest(two_codes)
    assert [(r["id"], r["project_code"]) for r in digest["missing"]] == [("s2", SECOND), ("s3", "10360003")]
    assert f"ยังไม่ได้ส่ง {DEC} (2)" in text and SECOND in text


def test_the_digest_lists_each_code_not_sent(two_codes: Path) -> None:
    digest, text, html = last_digest(two_codes)
    assert [(r["id"], r["project_code"]) for r in digest["missing"]] == [
        ("s2", "10360002"), ("s2", SECOND), ("s3", "10360003")]
    assert digest["missing_period"] == DEC and f"ยังไม่ได้ส่ง {DEC} (3)" in text
    assert f"s2 — โรงเรียนวัดยายร่ม — {SECOND} — head@s2.example" in text  # which code is owed
    assert f"ยังไม่ได้ส่ง {DEC} (3)" in html and "รหัสโครงการ" in html.split(f"ยังไม่ได้ส่ง {DEC}")[1]  # its column


def test_the_digest_of_a_school_of_one_code_is_as_before(two_codes: Path) -> None:
    """The roster of one code per school: one entry per school, no code column."""
    (two_codes / "roster.csv").write_text(ROSTER, encoding="utf-8")
    with Store(two_codes / "sheetsync.sqlite") as store:
        keys = [Key(s.form_id, s.key, s.recipient) for s in store.current()]
        due = main_due(forms_of(["school-lunch"], (FORMS_DIR,)), keys, None)
        missing = nothing_received(read_roster(two_codes / "roster.csv"), keys, store.outcomes(), due)
    assert [(r.id, r.project_code) for r in missing] == [("s2", "10360002"), ("s3", "10360003")]


def test_next_months_templates_are_one_per_code(two_codes: Path) -> None:
    done = run("template", "--from-master", "master.xlsx", "--roster", "roster.csv", "-o", "next",
               cwd=two_codes, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stderr
    written = [(read_filled(p, forms_dirs=[FORMS_DIR]), p.name) for p in (two_codes / "next").iterdir()]
    s2 = sorted((f.data["school"]["smis"], name) for f, name in written if f.metadata["recipient"] == "s2")
    assert s2 == [("10360002", "s2 โรงเรียนวัดยายร่ม 10360002.xlsx"), (SECOND, f"s2 โรงเรียนวัดยายร่ม {SECOND}.xlsx")]
    assert len(written) == 4


def test_first_templates_are_one_per_code(office: Path) -> None:
    (office / "roster.csv").write_text(TWO_CODES, encoding="utf-8")
    done = run("template", "--roster", "roster.csv", "-o", "templates", cwd=office, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stderr
    found = sorted((f.metadata["recipient"], f.data["school"]["smis"])
                   for f in (read_filled(p, forms_dirs=[FORMS_DIR]) for p in (office / "templates").iterdir()))
    assert found == [("s1", "10360001"), ("s2", "10360002"), ("s2", SECOND), ("s3", "10360003")]


def test_the_total_counts_each_code_due(two_codes: Path, lunch_form: Form, lunch_sample: dict[str, Any]) -> None:
    """December of both of s2's codes came, and s1's: three reports of the four due (s3's is not)."""
    send(two_codes, lunch_form, "s2-dec.xlsx", month(lunch_sample, "ธันวาคม", 18, school="s2"), "s2", "ธันวาคม")
    second = of_code(month(lunch_sample, "ธันวาคม", 10, school="s2"), SECOND)
    send(two_codes, lunch_form, "s2-dec-2.xlsx", second, "s2", "ธันวาคม")
    total = total_of(two_codes / "master.xlsx")
    assert total["ชื่อผู้รายงาน"] == f"{DEC}: ส่งรายงานแล้ว 3 จาก 4 ราย"


def test_a_school_of_two_codes_that_sent_nothing_is_listed_for_each(lunch_form: Form) -> None:
    spec = master_spec(lunch_form)
    due = Due(lunch_form.id, spec, DEC)
    roster = [Recipient("s2", "โรงเรียนวัดยายร่ม", "b@x.example", f"10360002; {SECOND}")]
    lines = summary_lines([], roster, [], {lunch_form.id: spec}, due)
    assert [(line.key, status_of(line, spec, expected_since(None))) for line in lines] == [
        (f"10360002 · {DEC}", NOTHING), (f"{SECOND} · {DEC}", NOTHING)]
    assert [(r.id, r.project_code) for r in nothing_received(roster, [], [], due)] == [
        ("s2", "10360002"), ("s2", SECOND)]
