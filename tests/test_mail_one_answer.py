"""One e-mail from a school bringing several files (its two projects, a .zip of three months) gets one
answer, not one per file: a teacher expects her one message answered once, each file's result in it
(Thai first) and each file's marked-up copy attached. A real Dovecot and a real SMTP server, in an
office folder, as tests/test_mail_office.py."""

from __future__ import annotations

import email
import json
import os
import sqlite3
import subprocess
import sys
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_echo_robot import answering_office, to
from tests.test_mail_fetch import XLSX, mail_from, zipped
from tests.test_mail_office import sheetsync
from tests.test_mail_smtp import Server


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path, office_key: Path) -> Path:
    """An empty office answering at most twice a day (see :func:`tests.test_mail_echo_robot.answering_office`)."""
    return answering_office(mailbox, smtp, tmp_path, office_key)


def project_file(tmp_path: Path, form: Form, seed: dict[str, Any], name: str, code: str,
                 mistake: bool = False) -> bytes:
    """s1's file for project ``code``; with ``mistake``, progress going backwards (an error to fix)."""
    data = json.loads(json.dumps(seed))
    data["project"]["code"] = code
    if mistake:
        data["reports"][2]["progress_percent"] = 5.0
    write_template(form, tmp_path / "made" / name, data=data, recipient="s1")
    return (tmp_path / "made" / name).read_bytes()


def answers_to(smtp: Server, message_id: str) -> list[EmailMessage]:
    found = [email.message_from_bytes(raw, policy=default) for raw in to(smtp, "a@s1.example")]
    return [m for m in found if isinstance(m, EmailMessage) and str(m["In-Reply-To"]) == message_id]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def test_one_message_with_two_files_gets_one_answer(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    good = project_file(tmp_path, progress_form, seed, "good.xlsx", "50360000-0001")
    wrong = project_file(tmp_path, progress_form, seed, "wrong.xlsx", "50360000-0002", mistake=True)
    mailbox.deliver(mail_from("ครูสมศรี <a@s1.example>", "ส่งรายงานสองโครงการ",
                              [("โครงการหนึ่ง.xlsx", good, XLSX), ("โครงการสอง.xlsx", wrong, XLSX)],
                              "<two@s1.example>"))
    first = sheetsync(district, "sync", "--send")
    assert first.returncode == 1, first.stderr  # a file refused (progress going backwards)
    got = answers_to(smtp, "<two@s1.example>")
    assert len(got) == 1  # one answer to her one e-mail (it was two, one per file)
    answer = got[0]
    assert str(answer["Subject"]) == "Re: ส่งรายงานสองโครงการ"  # in her thread
    text = text_of(answer)
    for name in ("โครงการหนึ่ง.xlsx", "โครงการสอง.xlsx"):
        assert name in text
    assert "2 ไฟล์" in text and "2 file" in text  # how many files it answers, Thai first
    assert text.index("2 ไฟล์") < text.index("2 file")
    assert "ต้องแก้ไข" in text  # the second file's result says what to fix
    names = [p.get_filename() or "" for p in answer.iter_attachments()]
    assert any("โครงการสอง" in n for n in names)  # the wrong file's marked-up copy
    with sqlite3.connect(district / "sheetsync.sqlite") as db:
        answered = db.execute("SELECT COUNT(DISTINCT sha256) FROM answers WHERE kind = 'report' "
                              "AND message_id = '<two@s1.example>' AND withheld = 0").fetchone()[0]
        unsent = db.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
    assert answered == 2 and unsent == 0  # each file's answer recorded, all sent
    again = sheetsync(district, "sync", "--send")
    assert again.returncode == 0, again.stderr  # nothing new
    assert len(answers_to(smtp, "<two@s1.example>")) == 1  # nothing sent twice
    fixed = project_file(tmp_path, progress_form, seed, "fixed.xlsx", "50360000-0002")
    mailbox.deliver(mail_from("a@s1.example", "แก้แล้ว", [("โครงการสอง.xlsx", fixed, XLSX)], "<fixed@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 0
    later = answers_to(smtp, "<fixed@s1.example>")
    assert len(later) == 1 and "2 ไฟล์" not in text_of(later[0])  # the file sent again: answered on its own
    assert str(later[0]["X-Sheetsync-Name"]) == "s1 โครงการสอง"


def test_a_zip_of_three_months_gets_one_answer(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    files = [(f"{m}.xlsx", project_file(tmp_path, progress_form, seed, f"{m}.xlsx", f"50360000-000{n}"))
             for n, m in enumerate(("ตุลาคม", "พฤศจิกายน", "ธันวาคม"), start=1)]
    mailbox.deliver(mail_from("a@s1.example", "สามเดือน", [("สามเดือน.zip", zipped(*files), "application/zip")],
                              "<zip@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 0
    got = answers_to(smtp, "<zip@s1.example>")
    assert len(got) == 1  # one answer, not three
    text = text_of(got[0])
    assert all(name in text for name, _ in files) and "3 ไฟล์" in text


def test_a_run_killed_between_the_files_of_one_message_still_sends_one_answer(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    files = [(f"{code}.xlsx", project_file(tmp_path, progress_form, seed, f"{code}.xlsx", f"50360000-000{code}"))
             for code in (1, 2)]
    mailbox.deliver(mail_from("a@s1.example", "สองโครงการ", [(n, d, XLSX) for n, d in files], "<kill@s1.example>"))
    killed = sheetsync(district, "sync", "--send", crash="file-recorded:1")  # the first file's answer queued, alone
    assert killed.returncode == -9, killed.stderr
    assert smtp.messages() == []
    assert sheetsync(district, "sync", "--send").returncode == 0
    assert sheetsync(district, "sync", "--send").returncode == 0
    got = answers_to(smtp, "<kill@s1.example>")
    assert len(got) == 1  # the second file's answer joined the first's, queued by the run that died
    assert all(name in text_of(got[0]) for name, _ in files)
    with sqlite3.connect(district / "sheetsync.sqlite") as db:
        rows = db.execute("SELECT sha256 IS NOT NULL, carried_by IS NOT NULL, sent_at IS NOT NULL FROM outbox "
                          "WHERE name NOT LIKE 'digest%' ORDER BY id").fetchall()
    assert sorted(rows) == [(0, 0, 1), (1, 1, 1), (1, 1, 1)]  # each file's answer, carried by one e-mail, sent


def test_two_zip_members_of_one_name_are_told_apart_in_the_one_answer(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    # One school's two projects, each in its folder under the same name: the one answer gave both files the
    # same heading ("รายงาน.xlsx") and both marked-up copies the same name, so the teacher could not tell
    # which red cells were in which file.
    one = project_file(tmp_path, progress_form, seed, "one.xlsx", "50360000-0001", mistake=True)
    two = project_file(tmp_path, progress_form, seed, "two.xlsx", "50360000-0002", mistake=True)
    members = (("โครงการหนึ่ง/รายงาน.xlsx", one), ("โครงการสอง/รายงาน.xlsx", two))
    mailbox.deliver(mail_from("a@s1.example", "สองโครงการ", [("ทั้งหมด.zip", zipped(*members), "application/zip")],
                              "<same-name@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 1  # both have a mistake
    [answer] = answers_to(smtp, "<same-name@s1.example>")
    text = text_of(answer)
    headings = [line for line in text.splitlines() if line.startswith("ไฟล์ที่ ")]
    assert len(headings) == 2 and len(set(h.split(" — ")[0].split(": ", 1)[1] for h in headings)) == 2, headings
    names = [p.get_filename() or "" for p in answer.iter_attachments()]
    assert len(names) == 2 and len(set(names)) == 2, names  # each file's marked-up copy, told apart
    assert all(name.endswith("-ตรวจแล้ว.xlsx") for name in names)
    # Told apart by the folder each lay in, which the teacher knows them by.
    assert "“รายงาน (โครงการหนึ่ง).xlsx”" in headings[0] and "“รายงาน (โครงการสอง).xlsx”" in headings[1]
    assert sorted(names) == sorted(["รายงาน (โครงการหนึ่ง)-ตรวจแล้ว.xlsx", "รายงาน (โครงการสอง)-ตรวจแล้ว.xlsx"])


def test_a_file_already_received_sent_with_new_files_is_told_in_the_one_answer(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    # She sends project one; later project one again with two new ones in one e-mail. She got two e-mails
    # back for that one: "already received" on the first file, and the answer on the new ones.
    one = project_file(tmp_path, progress_form, seed, "one.xlsx", "50360000-0001")
    mailbox.deliver(mail_from("a@s1.example", "โครงการหนึ่ง", [("โครงการหนึ่ง.xlsx", one, XLSX)], "<first@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 0
    two = project_file(tmp_path, progress_form, seed, "two.xlsx", "50360000-0002")
    three = project_file(tmp_path, progress_form, seed, "three.xlsx", "50360000-0003", mistake=True)
    mailbox.deliver(mail_from("a@s1.example", "ครบทุกโครงการ", [("โครงการหนึ่ง.xlsx", one, XLSX),
                                                              ("โครงการสอง.xlsx", two, XLSX),
                                                              ("โครงการสาม.xlsx", three, XLSX)], "<all@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 1  # project three has a mistake
    got = answers_to(smtp, "<all@s1.example>")
    assert len(got) == 1, [str(m["Subject"]) for m in got]  # one answer to her one e-mail
    text = text_of(got[0])
    assert all(name in text for name in ("โครงการหนึ่ง.xlsx", "โครงการสอง.xlsx", "โครงการสาม.xlsx"))
    assert "ได้รับไฟล์นี้ (“โครงการหนึ่ง.xlsx”) ไว้แล้วเมื่อ " in text  # the already-received note, in it
    assert text.index("ได้รับไฟล์นี้") < text.index("The office already received this file")
    assert "ต้องแก้ไข 1 ไฟล์" in text  # project three; project one was accepted before
    assert any("โครงการสาม" in (p.get_filename() or "") for p in got[0].iter_attachments())
    assert sheetsync(district, "sync", "--send").returncode == 0
    assert len(answers_to(smtp, "<all@s1.example>")) == 1  # nothing sent twice


def test_an_answer_sent_by_hand_after_a_killed_run_is_not_sent_again_joined(
        district: Path, mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form,
        seed: dict[str, Any]) -> None:
    # A run writes the one answer into outbox/ and is killed before marking it written; the clerk sends the
    # outbox by hand (`sheetsync mail outbox --send`). The next sync wrote it again (or joined it to the answer
    # on another file of the message) and sent it a second time.
    files = [(f"{code}.xlsx", project_file(tmp_path, progress_form, seed, f"{code}.xlsx", f"50360000-000{code}"))
             for code in (1, 2)]
    mailbox.deliver(mail_from("a@s1.example", "สองโครงการ", [(n, d, XLSX) for n, d in files], "<hand@s1.example>"))
    assert sheetsync(district, "sync", "--send", crash="mail-written:1").returncode == -9  # the answer written
    assert smtp.messages() == [] and len(list((district / "outbox").glob("*.eml"))) == 1
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env.update(SHEETSYNC_SMTP_HOST="127.0.0.1", SHEETSYNC_SMTP_PORT=str(smtp.port), SHEETSYNC_SMTP_SECURITY="none")
    by_hand = subprocess.run([sys.executable, "-m", "sheetsync", "mail", "outbox", "--send"], capture_output=True,
                             text=True, timeout=120, env=env, cwd=district)
    assert by_hand.returncode == 0, by_hand.stderr
    assert len(answers_to(smtp, "<hand@s1.example>")) == 1
    for _ in range(2):
        assert sheetsync(district, "sync", "--send").returncode == 0
    assert len(answers_to(smtp, "<hand@s1.example>")) == 1  # sent once, by the clerk
    with sqlite3.connect(district / "sheetsync.sqlite") as db:
        unsent = db.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND name NOT LIKE 'digest%'").fetchone()
    assert unsent[0] == 0  # the store knows it was sent
