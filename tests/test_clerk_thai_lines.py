"""Lines that reached the clerk in English only, found by review: a file that cannot be attached, a
received message built beyond the limits (too many parts, nested too deep), prefill data that does not
fit one school's template, and a sender in the settings that is no address (its Thai left the reason
out); then, auditing every command: a file given as the master that is not one, prefill data the form
has no field for (``template --data``), and any error whose words are English only, or an OSError, under
any command. Each is now Thai first, then the English, on one line, with no traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from sheetsync.errors import DataError, MailError, SheetsyncError
from sheetsync.limits import MAX_MIME_DEPTH, MAX_MIME_PARTS
from sheetsync.mailer import JsonlLedger, MailConfig, fetch
from sheetsync.mailer._compose import Attachment
from sheetsync.roster import Recipient, templates_for_roster
from sheetsync.spec.form import Form
from tests.cli import run
from tests.imap_server import Mailbox
from tests.test_mail_fetch import OFFICE, env, imap_config
from tests.test_mail_hostile import nested, wide

THAI = re.compile(r"[\u0e00-\u0e7f]")


def _thai_first(line: str, english: str) -> None:
    """``line`` is one line: Thai words, then `` / `` and the ``english``; no traceback."""
    thai, found, rest = line.partition(" / ")
    assert found and THAI.search(thai) and english in rest, line
    assert "\n" not in line and "Traceback" not in line, line


def test_a_file_that_cannot_be_attached_is_said_in_thai_first(tmp_path: Path) -> None:
    gone = tmp_path / "ร.ร.วัดไทร.xlsx"
    try:
        Attachment.from_path(gone)
    except MailError as exc:
        assert exc.th.startswith("แนบไฟล์ ร.ร.วัดไทร.xlsx ") and str(exc).startswith(f"{gone}: cannot attach (")
        _thai_first(f"{exc.th} / {exc}", "cannot attach")
    else:
        raise AssertionError("a missing file was attached")


def test_a_message_too_complex_is_said_in_thai_to_the_clerk(mailbox: Mailbox, tmp_path: Path) -> None:
    mailbox.deliver(wide(MAX_MIME_PARTS + 5))
    mailbox.deliver(nested(MAX_MIME_DEPTH + 5).replace(b"<deep@", b"<deeper@"))
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox),
                   mail=MailConfig(from_addr=OFFICE, outbox=outbox), environ=env())
    wide_line, deep_line = [line for line in result.problems if "อ่านอีเมลไม่ได้" in line]
    assert f"(อีเมลมีส่วนประกอบ (MIME part) เกิน {MAX_MIME_PARTS} ส่วน)" in wide_line.split(" / ")[0]
    _thai_first(wide_line, f"more than {MAX_MIME_PARTS} MIME parts")
    assert f"(อีเมลมีส่วนประกอบซ้อนกันเกิน {MAX_MIME_DEPTH} ชั้น)" in deep_line.split(" / ")[0]
    _thai_first(deep_line, f"MIME parts nested more than {MAX_MIME_DEPTH} deep")


def test_prefill_that_does_not_fit_a_school_is_said_in_thai(tmp_path: Path, progress_form: Form) -> None:
    try:
        templates_for_roster(progress_form, [Recipient("s1", "A", "a@x.example")], tmp_path,
                             data={"no_such_field": 1})
    except DataError as exc:
        assert exc.th.startswith("สร้างแบบรายงานของโรงเรียนรหัส 's1' ไม่ได้") and str(exc).startswith("recipient 's1': ")
    else:
        raise AssertionError("data that does not fit was written")


def test_the_command_says_the_prefill_refused_in_thai_first(tmp_path: Path) -> None:
    roster, data = tmp_path / "schools.csv", tmp_path / "data.json"
    roster.write_text("recipient_id,school_name,email\ns1,โรงเรียนวัดไทร,a@s1.example\n", encoding="utf-8")
    data.write_text(json.dumps({"no_such_field": 1}), encoding="utf-8")
    done = run("template", "--form", "progress-report", "--roster", roster, "--data", data, "-o", tmp_path / "out")
    assert done.returncode == 2
    [line] = [line for line in done.stderr.splitlines() if line.startswith("sheetsync:")]
    assert line.startswith("sheetsync: สร้างแบบรายงานของโรงเรียนรหัส 's1' ไม่ได้"), line
    _thai_first(line, "recipient 's1': ")


def test_a_sender_that_is_no_address_says_why_in_thai() -> None:
    try:
        MailConfig(from_addr="สำนักงาน office@bma.example").check_sender()
    except MailError as exc:
        thai, _, english = str(exc).partition(" / ")
        assert "ไม่ใช่ที่อยู่อีเมลที่ใช้ส่งได้" in thai and "is not a usable e-mail address" in english, str(exc)
        assert "SHEETSYNC_" not in thai and "from ใน [mail] ของ sheetsync.toml" in thai, thai
    else:
        raise AssertionError("a sender that is no address was taken")


def test_a_file_that_is_no_master_is_said_in_thai_first(tmp_path: Path) -> None:
    text, empty = tmp_path / "แฟ้มหลัก.xlsx", tmp_path / "empty.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    Workbook().save(empty)
    for given, english in ((text, "cannot be read as a master ("), (empty, "not a sheetsync master (no '_data'")):
        done = run("template", "--from-master", given, "-o", tmp_path / "next")
        assert done.returncode == 3, done.stderr
        [line] = [line for line in done.stderr.splitlines() if line.startswith("sheetsync:")]
        assert line.startswith(f"sheetsync: {given.name}: ") and "แฟ้มหลัก (master)" in line.split(" / ")[0], line
        _thai_first(line, f"{given.name}: {english}")


def test_prefill_data_the_form_has_no_field_for_is_said_in_thai_first(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    for given, english in (({"nope": 1}, "prefill data /nope: the form has no such field"),
                           ({"reports": {"n": 1}}, "prefill data /reports: expected a list")):
        data.write_text(json.dumps(given), encoding="utf-8")
        done = run("template", "--data", data, "-o", tmp_path / "t.xlsx")
        assert done.returncode == 2, done.stderr
        [line] = [line for line in done.stderr.splitlines() if line.startswith("sheetsync:")]
        assert line.startswith("sheetsync: ข้อมูลที่เติมล่วงหน้า /"), line
        _thai_first(line, english)


def test_an_error_with_english_words_only_still_opens_in_thai(monkeypatch: pytest.MonkeyPatch) -> None:
    # The net under every command: an error no message gives Thai yet (a library's own words).
    def refuse(*_: object) -> None:
        raise SheetsyncError("something went wrong")

    monkeypatch.setattr("sheetsync.spec.registry.list_forms", refuse)
    done = run("forms")
    assert done.returncode == 3
    [line] = done.stderr.splitlines()
    _thai_first(line.removeprefix("sheetsync: "), "something went wrong")


def test_an_error_said_thai_first_already_is_not_framed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise SheetsyncError("ไม่มีแบบรายงาน / no form")

    monkeypatch.setattr("sheetsync.spec.registry.list_forms", refuse)
    assert run("forms").stderr == "sheetsync: ไม่มีแบบรายงาน / no form\n"


def test_a_file_the_computer_would_not_open_is_said_in_thai_first(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise PermissionError(13, "Permission denied", "/office/forms")

    monkeypatch.setattr("sheetsync.spec.registry.list_forms", refuse)
    done = run("forms")
    assert done.returncode == 3
    [line] = done.stderr.splitlines()
    assert line.startswith("sheetsync: /office/forms: เปิดหรือเขียน"), line
    _thai_first(line.removeprefix("sheetsync: "), "/office/forms: Permission denied")


def test_a_move_the_computer_refused_names_both_its_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError of a rename or copy carries two paths (``filename2``: where it was going, often the folder
    at fault); the line named the first only, sending the clerk to a file that was fine."""
    def refuse(*_: object) -> None:
        raise PermissionError(13, "Permission denied", "/office/inbox/a.xlsx", None, "/office/processed/a.xlsx")

    monkeypatch.setattr("sheetsync.spec.registry.list_forms", refuse)
    done = run("forms")
    assert done.returncode == 3
    [line] = done.stderr.splitlines()
    thai, english = line.removeprefix("sheetsync: ").split(" / ", 1)
    for half in (thai, english):
        assert "/office/inbox/a.xlsx" in half and "/office/processed/a.xlsx" in half, half
    assert "Permission denied" in english
