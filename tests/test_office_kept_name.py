"""What ``sheetsync sync`` says on screen and in each report's .json names a file as it is kept.

A school that sends "report.xlsx" two months running has the second kept as processed/report-2.xlsx
(and a "report.ods" beside a "report.xlsx" as report-2.ods); the digest, reports/summary.xlsx, the
ledger of the store and ``history`` name it so. But the table ``sync`` prints and the report's .json
named the file as it arrived ("report.xlsx"): the clerk could not tell which of processed/report.xlsx,
report-2.xlsx … it was. The reply to the school still names the file the school sent, as it sent it.
"""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import CODES, at, seed_data, variant

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
          f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[1]}\n")


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office whose runs write the schools' e-mails into outbox/."""
    folder = new_office(tmp_path, ROSTER)
    config = folder / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"', 1),
                      encoding="utf-8")
    return folder


def drop(office: Path, form: Form, name: str, data: dict[str, Any], who: str, day: int) -> None:
    """A school's file saved into the inbox."""
    write_template(form, office / "inbox" / name, data=data, recipient=who, issued=at(day))


def sync(office: Path) -> str:
    """``sheetsync sync`` in the office; what it printed."""
    synced = run("sync", cwd=office)
    assert synced.returncode in (0, 1), synced.stdout + synced.stderr
    return synced.stdout


def named_on_screen(stdout: str) -> set[str]:
    """The names in the file column of the run's table (its first; a detail may name an earlier file)."""
    return set(re.findall(r"^│ ([^\s│]+\.(?:xlsx|ods)) +│", stdout, flags=re.M))


def kept_file(office: Path, stem: str) -> tuple[Path, dict[str, Any]]:
    """The file reports/<stem>.json names, and that .json."""
    report: dict[str, Any] = json.loads((office / "reports" / f"{stem}.json").read_text(encoding="utf-8"))
    return Path(report["file"]), report


def mails(office: Path) -> list[EmailMessage]:
    """The e-mails to schools in outbox/ (not the office's digest)."""
    found = []
    for path in sorted((office / "outbox").glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        if not any(p.get_filename() == "digest.json" for p in message.walk()):
            found.append(message)
    return found


def body(message: EmailMessage) -> str:
    """The plain text of ``message``."""
    part = message.get_body(preferencelist=("plain",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


def test_the_second_months_report_xlsx_is_named_as_kept_on_screen_and_in_its_json(office: Path,
                                                                                 progress_form: Form) -> None:
    drop(office, progress_form, "report.xlsx", variant(seed_data(), code=CODES[0], reports=4), "s1", 0)
    assert named_on_screen(sync(office)) == {"report.xlsx"}
    first, report = kept_file(office, "report")
    assert first.name == "report.xlsx" and first.parent.name == "processed" and "received_as" not in report
    drop(office, progress_form, "report.xlsx", variant(seed_data(), code=CODES[0], reports=5), "s1", 30)
    shown = sync(office)
    assert (office / "processed" / "report-2.xlsx").is_file()
    assert named_on_screen(shown) == {"report-2.xlsx"}, shown  # not "report.xlsx", last month's file
    file, report = kept_file(office, "report-2")
    assert file.name == "report-2.xlsx" and file.parent.name == "processed"
    assert report["received_as"] == "report.xlsx" and report["valid"] is True


def test_two_schools_report_files_of_one_run_are_named_as_kept(office: Path, progress_form: Form) -> None:
    drop(office, progress_form, "report.xlsx", variant(seed_data(), code=CODES[0], reports=4), "s1", 0)
    drop(office, progress_form, "report.ods", variant(seed_data(), code=CODES[1], reports=4), "s2", 0)
    shown = sync(office)
    kept = {p.name for p in (office / "processed").iterdir()}
    assert len(kept) == 2 and named_on_screen(shown) == kept, shown
    for name in kept:
        file, report = kept_file(office, Path(name).stem)
        assert file.name == name and file.parent.name == "processed"


def test_the_reply_to_the_school_names_the_file_as_the_school_sent_it(office: Path, progress_form: Form) -> None:
    drop(office, progress_form, "report.xlsx", variant(seed_data(), code=CODES[0], reports=4), "s1", 0)
    sync(office)
    drop(office, progress_form, "report.xlsx", variant(seed_data(), code=CODES[0], reports=5), "s1", 30)
    sync(office)
    assert (office / "processed" / "report-2.xlsx").is_file()
    first, second = mails(office)
    for message in (first, second):
        text = body(message)
        assert "report.xlsx" in text and "report-2" not in text, text
        assert "report-2" not in str(message["Subject"])
    html = (office / "reports" / "report-2.html").read_text(encoding="utf-8")  # the e-mail's text, kept
    assert "report.xlsx" in html and "report-2.xlsx" not in html


def test_an_unreadable_file_is_named_as_kept_on_screen_in_its_detail_and_its_note(office: Path) -> None:
    # The second unreadable s1.xlsx is kept as quarantine/s1-2.xlsx: the table named it "s1.xlsx", its
    # detail and the note beside it said "s1.xlsx: …" — the first file, quarantined a week before.
    for text in (b"not a spreadsheet", b"still not a spreadsheet"):
        (office / "inbox" / "s1.xlsx").write_bytes(text)
        shown = sync(office)
    assert named_on_screen(shown) == {"s1-2.xlsx"}, shown
    assert "s1.xlsx" not in shown, shown
    note = (office / "quarantine" / "s1-2.xlsx.txt").read_text(encoding="utf-8")
    assert "s1-2.xlsx" in note and "s1.xlsx" not in note, note
