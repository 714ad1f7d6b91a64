"""The errors a clerk meets in the office's own files (roster.csv, sheetsync.toml) and its mail are
Thai first, English after, and name the file and its line or key (a clerk editing roster.csv in Excel
was told "roster.csv: line 2: 'not-an-email' is not an e-mail address" in English only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheetsync.spec.form import Form
from tests.cli import Ran, run

THAI = re.compile("[\u0e00-\u0e7f]")
HEADER = "recipient_id,school_name,email,project_code\n"


@pytest.fixture
def office(tmp_path: Path) -> Path:
    folder = tmp_path / "off1"
    assert run("init", folder).returncode == 0
    return folder


def thai_first(ran: Ran, *names: str) -> tuple[str, str]:
    """The error's one line, split into its Thai and its English; the Thai comes first and names ``names``."""
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    line = lines[0].removeprefix("sheetsync: ")
    th, _, en = line.partition(" / ")
    assert THAI.search(th) and en, line  # (the English may quote Thai data: a school name, a header)
    for name in names:
        assert name in th, (name, th)
    return th, en


def issue(office: Path, roster: str, encoding: str = "utf-8") -> Ran:
    (office / "roster.csv").write_text(roster, encoding=encoding)
    return run("template", "--roster", "roster.csv", "-o", "templates", cwd=office)


@pytest.mark.parametrize("rows, names, english", [
    ("s1,โรงเรียนวัดไทร,not-an-email,P\n", ["roster.csv", "บรรทัด 2", "โรงเรียนวัดไทร", "school@example.org"],
     "line 2: 'not-an-email' is not an e-mail address"),
    ("s1,โรงเรียนวัดไทร,a@s1.example,P\ns1,โรงเรียนวัดโพธิ์,b@s1.example,P\n",
     ["roster.csv", "บรรทัด 3", "'s1'", "บรรทัด 2", "โรงเรียนวัดโพธิ์"], "line 3: duplicate recipient id 's1' (first on line 2)"),
    ("s1,โรงเรียนวัดไทร,,P\n", ["roster.csv", "บรรทัด 2", "โรงเรียนวัดไทร", "email"],
     "line 2: the e-mail address of 's1' is empty"),
    (",โรงเรียนวัดไทร,a@s1.example,P\n", ["roster.csv", "บรรทัด 2", "โรงเรียนวัดไทร", "recipient_id"],
     "line 2: the recipient id is empty"),
    (",,a@s1.example,P\n", ["roster.csv", "บรรทัด 2", "ของ โรงเรียนในบรรทัดนี้ ว่าง", "recipient_id"],  # not "ของ ''"
     "line 2: the recipient id is empty"),
    ("s1,,a@s1.example,P\n", ["roster.csv", "บรรทัด 2", "'s1'", "school_name"], "line 2: the school name of 's1' is empty"),
])
def test_a_bad_roster_line_is_named_in_thai_with_what_to_do(office: Path, rows: str, names: list[str],
                                                              english: str) -> None:
    ran = issue(office, HEADER + rows)
    assert ran.returncode == 2
    th, en = thai_first(ran, *names)
    assert en == f"roster.csv: {english}" or en.startswith(f"roster.csv: {english}"), en


def test_a_roster_without_a_column_or_without_anything_says_which_in_thai(office: Path) -> None:
    th, en = thai_first(issue(office, "recipient_id,school_name,project_code\ns1,A,P\n"),
                        "roster.csv", "บรรทัด 1", "email", "อีเมล")
    assert en.startswith("roster.csv: line 1: missing column 'email'")
    th, en = thai_first(issue(office, ""), "roster.csv", "recipient_id, school_name, email")
    assert en.startswith("roster.csv: the roster is empty")


def test_a_roster_in_another_encoding_is_still_thai_first(office: Path) -> None:
    thai_first(issue(office, HEADER + "s1,Ecole,é@x.example,P\n", encoding="latin-1"), "roster.csv", "UTF-8")


def edit(office: Path, old: str, new: str) -> None:
    config = office / "sheetsync.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("old, new, names, english", [
    ("# port = 993", 'port = "x"', ["sheetsync.toml", "[imap] port"], "[imap] port must be a positive number"),
    ("[run]", "[run]\nsettle_seconds = 1\n[mail]", ["sheetsync.toml", "บรรทัด 44", "ตัวอักษรที่ 6"], "Cannot declare ('mail',) twice"),
    ("settle_seconds = 2.0", 'settle_seconds = "fast"', ["sheetsync.toml", "[run] settle_seconds", "'fast'"],
     "[run] settle_seconds must be a number"),
    ("wait_seconds = 5.0", "wait_seconds = -1", ["[run] wait_seconds"], "[run] wait_seconds must be a number"),
    ("# smtp_port = 587", 'smtp_port = "x"', ["sheetsync.toml", "[mail] smtp_port"], "[mail] smtp_port must be"),
    ('# smtp_security = "starttls"', 'smtp_security = "tls"', ["sheetsync.toml", "[mail] smtp_security", "ssl"],
     "[mail] smtp_security must be one of starttls, ssl, none"),
    ('render_view = "auto"', 'render_view = "sometimes"', ["sheetsync.toml", "render_view", "always"],
     "render_view must be auto, always or never"),
    ('period = ""', 'period = "March"', ["sheetsync.toml", "period", "2569-03"], "period 'March' must be YYYY-MM"),
    ("summary_only = false", 'summary_only = "yes"', ["sheetsync.toml", "[mail] summary_only", "true"],
     "[mail] summary_only must be true or false"),
    ("settle_seconds = 2.0", "settle_second = 2.0", ["sheetsync.toml", "[run]", "settle_second", "settle_seconds"],
     "[run] has an unknown key settle_second"),
    ('form = "progress-report"', 'form = "progress-report"\nrostr = "roster.csv"', ["sheetsync.toml", "rostr"],
     "has an unknown key rostr"),
    ("school_charts = []", 'school_charts = "n73-01"', ["sheetsync.toml", "school_charts", '["n73-01"]'],
     "school_charts must be a list of recipient ids"),
    ("[paths]", "inbox = 3\n[paths]", ["sheetsync.toml", "inbox"], "inbox"),
])
def test_a_wrong_setting_is_named_in_thai_with_what_to_do(office: Path, old: str, new: str, names: list[str],
                                                            english: str) -> None:
    edit(office, old, new)
    ran = run("sync", cwd=office)
    assert ran.returncode == 2, ran.stderr
    th, en = thai_first(ran, *names)
    assert en.startswith(str(office / "sheetsync.toml")) and english in en, en


@pytest.mark.parametrize("wrong", ['forms = "forms"', "forms = [3]"])
def test_forms_not_a_list_of_names_is_shown_the_toml_that_works(office: Path, wrong: str) -> None:
    edit(office, '# forms = ["forms"]', wrong)
    ran = run("sync", cwd=office)
    assert ran.returncode == 2, ran.stderr
    th, en = thai_first(ran, "sheetsync.toml", 'forms = ["forms"]')
    assert 'forms = ["forms"]' in en and '"["' not in th + en, th + en  # what it shows is valid TOML to copy


def mailbox(office: Path, port: int, *, user: str = 'user = "reports@bma.example"') -> None:
    edit(office, '# host = "mail.bma.example"', 'host = "127.0.0.1"')
    edit(office, "# port = 993", f"port = {port}")
    edit(office, '# security = "ssl"', 'security = "none"')
    edit(office, '# user = "reports@bma.example"', user)


def no_imap_env() -> dict[str, str]:
    import os

    return {k: "" for k in os.environ if k.startswith("SHEETSYNC_IMAP_")}


def test_a_mailbox_that_cannot_be_reached_says_why_in_thai(office: Path) -> None:
    from tests.imap_server import free_port

    port = free_port()
    mailbox(office, port)
    env = {**no_imap_env(), "SHEETSYNC_IMAP_PASSWORD": "Pw-never-shown-42"}
    ran = run("fetch", cwd=office, env=env)
    assert ran.returncode == 3
    th, en = thai_first(ran, f"127.0.0.1:{port}", "[imap]")
    assert en.startswith(f"cannot reach the IMAP server 127.0.0.1:{port}")
    synced = run("sync", cwd=office, env=env)  # sync goes on with the inbox, and says why in Thai too
    first = synced.stderr.splitlines()[0]
    assert first.index(f"127.0.0.1:{port}") < first.index(" / mailbox not read: cannot reach the IMAP server")


def test_a_mailbox_without_its_password_or_user_says_what_to_set_in_thai(office: Path) -> None:
    mailbox(office, 993)
    th, en = thai_first(run("fetch", cwd=office, env=no_imap_env()), "SHEETSYNC_IMAP_PASSWORD", "reports@bma.example")
    assert "is set but SHEETSYNC_IMAP_PASSWORD is not" in en
    edit(office, 'user = "reports@bma.example"', "")
    th, en = thai_first(run("fetch", cwd=office, env={**no_imap_env(), "SHEETSYNC_IMAP_PASSWORD": "x"}),
                        "[imap]", "user")
    assert "SHEETSYNC_IMAP_USER is not set" in en


def test_a_backup_that_cannot_be_made_says_why_in_thai(office: Path) -> None:
    th, en = thai_first(run("backup", "sheetsync.sqlite", cwd=office), "sheetsync.sqlite")
    assert en.endswith("that is the store itself; give another file or a folder for the copy")
    (office / "not-a-store").mkdir()
    ran = run("backup", "--store", "not-a-store", "copy.sqlite", cwd=office)
    assert ran.returncode == 3
    th, en = thai_first(ran, "not-a-store")
    assert "cannot open the office's store" in en


def test_next_months_templates_from_a_master_without_the_project_say_so_in_thai(progress_form: Form,
                                                                                tmp_path: Path) -> None:
    from sheetsync.master import merge
    from tests.test_master_support import seed_data, submit

    merge([submit(progress_form, tmp_path, seed_data(), "s1")], tmp_path / "master.xlsx")
    ran = run("template", "--from-master", "master.xlsx", "--project", "9", "-o", "next-month", cwd=tmp_path)
    assert ran.returncode == 3
    th, en = thai_first(ran, "master.xlsx", "9")
    assert en == "master.xlsx: no submission in the master for project 9"


@pytest.mark.parametrize("damage, english", [
    ("damaged", "the office key is damaged"),
    ("shared", "the office key is readable by other users"),
])
def test_an_office_key_that_cannot_be_used_says_so_in_thai(office: Path, tmp_path: Path, damage: str,
                                                          english: str) -> None:
    """The office's own trouble stops the run in the clerk's language too (it was English only). A
    process of its own: the office's key is taken from the environment the tests share otherwise."""
    from tests.test_office_key import sheetsync

    home = tmp_path / "home"
    home.mkdir()
    assert sheetsync(office, home, "template", "-o", "inbox/s1.xlsx").returncode == 0
    edit(office, "settle_seconds = 2.0", "settle_seconds = 0")
    key = office / "office.key"
    if damage == "damaged":
        key.write_bytes(b"not a key")
    else:
        key.chmod(0o644)
    done = sheetsync(office, home, "sync")
    assert done.returncode == 3, done.stderr
    th, en = thai_first(Ran(done.returncode, done.stdout, done.stderr), "office.key")
    assert english in en


def test_a_store_that_cannot_be_opened_says_so_in_thai(office: Path) -> None:
    store = office / "sheetsync.sqlite"
    store.unlink()
    store.mkdir()  # what a store the office's account may not open looks like to SQLite
    ran = run("sync", cwd=office)
    assert ran.returncode == 3
    th, en = thai_first(ran, "sheetsync.sqlite")
    assert "cannot open the office's store" in en


def test_an_inbox_that_is_gone_says_so_in_thai(office: Path) -> None:
    (office / "inbox").rmdir()  # a clerk tidying the office folder deleted it
    ran = run("sync", cwd=office)
    assert ran.returncode == 3
    th, en = thai_first(ran, "inbox")
    assert "sheetsync init" not in en and "inbox" in en


def test_a_master_of_another_file_type_says_so_in_thai(office: Path) -> None:
    ran = run("master", "-o", "master.pdf", cwd=office)  # a clerk asking for something to print
    assert ran.returncode in (2, 3)
    th, en = thai_first(ran, "master.pdf", ".xlsx", ".ods")
    assert en == "master.pdf: a master must be an .xlsx or .ods file"
    assert not (office / "master.pdf").exists()


def test_a_period_typed_wrong_says_so_in_thai_and_thai_digits_are_a_period(office: Path) -> None:
    ran = run("master", "--period", "มี.ค. 2563", cwd=office)
    assert ran.returncode == 2 and THAI.search(ran.stderr.split("must be YYYY-MM")[0].replace("มี.ค. 2563", "")), \
        ran.stderr
    assert "2563-03" in ran.stderr
    done = run("master", "--period", "๒๕๖๓-๐๓", cwd=office)  # the B.E. year in Thai digits, as official text writes it
    assert done.returncode == 0, done.stderr


def test_a_view_choice_typed_wrong_says_so_in_thai(office: Path) -> None:
    ran = run("sync", "--view", "sometimes", cwd=office)
    assert ran.returncode == 2
    th, en = thai_first(ran, "--view", "auto", "always", "never")
    assert en == "--view must be auto, always or never (not 'sometimes')"


def test_an_outbox_that_cannot_be_made_says_so_in_thai(office: Path) -> None:
    (office / "taken").write_text("a file where the outbox folder should be", encoding="utf-8")
    (office / "roster.csv").write_text(HEADER + "n1,โรงเรียนวัดไทร,a@school01.example,\n", encoding="utf-8")
    ran = run("template", "--roster", "roster.csv", "-o", "templates", "--email", "--outbox", "taken/outbox",
              cwd=office, env={"SHEETSYNC_MAIL_FROM": "office@bma.example"})
    assert ran.returncode == 3
    th, en = thai_first(ran, "taken/outbox", "กล่องขาออก")
    assert en.startswith("taken/outbox: cannot make the outbox (")
    assert not (office / "templates").exists()


def test_a_master_folder_that_cannot_be_written_says_so_in_thai(tmp_path: Path) -> None:
    from sheetsync.errors import MasterWriteError
    from sheetsync.master.atomic import replace_with_backup

    with pytest.raises(MasterWriteError) as caught:
        replace_with_backup(tmp_path / "gone" / "master.xlsx", lambda tmp: None)
    assert caught.value.th.startswith(f"master.xlsx: บันทึกไฟล์ใน {tmp_path / 'gone'} ไม่ได้")
    assert str(caught.value).startswith(f"master.xlsx: cannot write in {tmp_path / 'gone'} (")
