"""Every path sheetsync makes in an office folder could be made on Windows too (tests/windows_names.py).

Nothing has ever run on Windows, and the central office runs there as often as on Linux. Linux takes
``:``, ``?``, a trailing dot or ``CON`` in a name without a word; Windows refuses them (or drops the dot,
and two files become one). So a whole office cycle runs here with a hostile roster and hostile file
names, by the inbox and by real mail (Dovecot, SMTP on 127.0.0.1), and the office is walked after each
step: templates, templates/old/<day>/, reports and reports/old/<day>/, outbox/*.eml and outbox/held/,
processed/, quarantine/, the master, the store, its backups, the log."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from sheetsync.roster import read_roster
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from, zipped
from tests.test_mail_office import mail_office, sheetsync
from tests.test_mail_smtp import Server
from tests.test_master_support import seed_data, variant
from tests.windows_names import OFFICE_ROOT, invalid_under, path_problem, valid_on_windows

LONG_THAI = "โรงเรียนบ้านหนองบัวแดง" * 9  # 207 characters, 621 bytes of UTF-8
#: (recipient id, school name, address): what a roster typed in Excel by hand can hold.
HOSTILE = [
    ("s1", 'โรงเรียน:วัด?ไทร*"ใหม่"|<ก>', "a@s1.example"),
    ("CON", "aux.txt", "b@s2.example"),
    ("ร.ร.3.", LONG_THAI[:200], "c@s3.example"),
    ("Abc", "โรงเรียนวัดสี่สุก. ", "d@s4.example"),
    ("abc", "โรงเรียนวัดสี่สุก.", "e@s5.example"),
    ("COM1", "LPT¹.xlsx", "f@s6.example"),
    ("s7/8", "โรงเรียน\\วัด 12:30", "g@s7.example"),
]


def _roster() -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["recipient_id", "school_name", "email", "project_code"])
    for index, (rid, school, email) in enumerate(HOSTILE):
        writer.writerow([rid, school, email, f"50360000-{1000 + index}"])
    return text.getvalue()


def _filled(form: Form, folder: Path, rid: str, index: int, reports: int = 3) -> bytes:
    path = folder / f"made-{index}-{reports}.xlsx"
    write_template(form, path, data=variant(seed_data(), code=f"50360000-{1000 + index}", reports=reports),
                   recipient=rid)
    return path.read_bytes()


def _wrong(form: Form, folder: Path, rid: str, index: int) -> bytes:
    """A file with a mistake (progress going backwards): its reports include a marked-up copy."""
    data = variant(seed_data(), code=f"50360000-{1000 + index}", reports=3)
    data["reports"][2]["progress_percent"] = 1.0
    path = folder / f"wrong-{index}.xlsx"
    write_template(form, path, data=data, recipient=rid)
    return path.read_bytes()


def _walked(office: Path) -> None:
    found = invalid_under(office)
    assert found == {}, "\n".join(f"{p}: {why}" for p, why in found.items())


def test_the_rule_itself(tmp_path: Path) -> None:
    for good in ("reports/old/2026-03-02/โรงเรียนวัดไทร.txt", "ร.ร.วัด.xlsx", "CONSOLE.txt", "COM10", "a.b.c"):
        assert valid_on_windows(good), good
    for bad in ("a:b", "x/รายงาน?.xlsx", "CON", "con.txt", "Aux.tar.gz", "COM1", "lpt¹.xlsx", "NUL ", "ลา.",
                "ลา ", "a\tb", "ก" * 256, "ok/" + "ก" * 250):
        assert not valid_on_windows(bad), bad
    assert "whole path" in str(path_problem("ก" * 200 + "/" + "ข" * 60))
    assert 40 <= len(OFFICE_ROOT) <= 50  # about what the brief measured (45)
    (tmp_path / "r").mkdir()
    for name in ("r/A.xlsx", "r/a.xlsx", "r/b:c", "r/ok.txt"):
        (tmp_path / name).write_bytes(b"")
    assert sorted(invalid_under(tmp_path)) == ["r/a.xlsx", "r/b:c"]


@pytest.fixture
def district(tmp_path: Path, mailbox: Mailbox, smtp: Server, office_key: Path, progress_form: Form) -> Path:
    _filled(progress_form, tmp_path / "made", "s1", 0)  # the session's key exists once a template is signed
    (tmp_path / "schools.csv").write_text(_roster(), encoding="utf-8")
    assert [r.id for r in read_roster(tmp_path / "schools.csv")] == [h[0] for h in HOSTILE]
    folder = mail_office(tmp_path, mailbox, smtp, office_key)
    config = folder / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                      encoding="utf-8")
    return folder


def _ok(run: Any, *codes: int) -> None:
    assert run.returncode in (codes or (0,)), run.stdout + run.stderr
    assert "Traceback" not in run.stderr, run.stderr


def test_a_whole_office_cycle_with_hostile_names_makes_only_windows_names(district: Path, mailbox: Mailbox,
                                                                           smtp: Server, progress_form: Form,
                                                                           tmp_path: Path) -> None:
    made = tmp_path / "made"
    _ok(sheetsync(district, "template", "--roster", "roster.csv", "-o", "templates", "--email"))
    _walked(district)
    roster = district / "roster.csv"  # COM1's address put right after its invitation was queued: held
    roster.write_text(roster.read_text(encoding="utf-8").replace("f@s6.example", "new@s6.example"), encoding="utf-8")
    _ok(sheetsync(district, "mail", "outbox", "--send", "--host", "127.0.0.1", "--port", str(smtp.port),
                  "--security", "none"))
    _walked(district)
    # Returned files by hand into inbox/ (Linux's 255 bytes allow ~80 Thai characters), and by mail.
    inbox = district / "inbox"
    (inbox / 'ส่ง:งาน*?"วัดไทร".xlsx').write_bytes(_filled(progress_form, made, "s1", 0))
    (inbox / "PRN.xlsx").write_bytes(_filled(progress_form, made, "CON", 1))
    (inbox / (LONG_THAI[:80] + ".xlsx")).write_bytes(_filled(progress_form, made, "ร.ร.3.", 2))
    (inbox / "Abc.xlsx").write_bytes(_filled(progress_form, made, "Abc", 3))
    (inbox / "abc.xlsx").write_bytes(_filled(progress_form, made, "abc", 4))
    (inbox / "nul.xlsx. ").write_bytes(b"not a spreadsheet")
    (inbox / ("ผิด:" + LONG_THAI[:75] + ".xlsx")).write_bytes(_wrong(progress_form, made, "ร.ร.3.", 2))
    (inbox / "รายงาน 09:15.pdf").write_bytes(b"%PDF-1.4")
    mailbox.deliver(mail_from("f@s6.example", "ส่ง: รายงาน?", [("COM1.xlsx", _filled(progress_form, made, "COM1", 5),
                                                                   XLSX)], "<a@s6.example>"))
    mailbox.deliver(mail_from("g@s7.example", "ส่งรายงาน", [(LONG_THAI + ".xlsx",
                                                              _filled(progress_form, made, "s7/8", 6), XLSX)],
                              "<b@s7.example>"))
    mailbox.deliver(mail_from("b@s2.example", "zip", [("aux:ไฟล์?.zip", zipped(
        ("CON .xlsx", _filled(progress_form, made, "CON", 1, reports=4)),
        ("ก:ข/LPT2.xlsx", b"broken"), ("x|y.xlsx. ", b"also broken")), "application/zip")], "<c@s2.example>"))
    mailbox.deliver(mail_from("e@s5.example", "แก้", [('"แก้ไข" <2>.xlsx', _filled(progress_form, made, "abc", 4, 5),
                                                         XLSX), ("CLOCK$.txt", b"hi", "text/plain")], "<d@s5.example>"))
    _ok(sheetsync(district, "sync", "--send"), 0, 1)
    _walked(district)
    # The next period: new templates (the earlier ones to templates/old/<day>/), corrected files
    # (the earlier reports to reports/old/<day>/), the history, a backup and a restore.
    _ok(sheetsync(district, "template", "--roster", "roster.csv", "-o", "templates"))
    (inbox / 'ส่ง:งาน*?"วัดไทร".xlsx').write_bytes(_filled(progress_form, made, "s1", 0, reports=6))
    (inbox / "PRN.xlsx").write_bytes(_filled(progress_form, made, "CON", 1, reports=6))
    _ok(sheetsync(district, "sync", "--send"), 0, 1)
    _walked(district)
    for rid, _, _ in HOSTILE:
        _ok(sheetsync(district, "history", "--recipient", rid))
    _ok(sheetsync(district, "backup"))
    _walked(district)
    backups = sorted(district.rglob("sheetsync-2*.sqlite"))  # sheetsync-20261130-171500.sqlite
    assert backups
    _ok(sheetsync(district, "restore", str(backups[0]), "--force"))
    _ok(sheetsync(district, "master"))
    _walked(district)
    names = {p.relative_to(district).as_posix() for p in district.rglob("*")}
    assert any(n.startswith("templates/old/") for n in names) and any(n.startswith("reports/old/") for n in names)
    assert any(n.startswith("reports/") and "ตรวจแล้ว" in n for n in names), sorted(names)  # a marked-up copy
    assert any(n.startswith("outbox/held/") for n in names), sorted(names)
    assert any(n.startswith("quarantine/") or "/quarantine/" in n for n in names), sorted(names)
