"""Found by a clerk following the README's "For the office" part literally on Linux (an office with
a real Dovecot and aiosmtpd on 127.0.0.1): what each command printed against what the README says."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from sheetsync.clock import zone_named
from sheetsync.identity import load_key
from sheetsync.mailer import MailConfig
from sheetsync.office.lock import run_lock
from sheetsync.office.outbox import send_others
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant

THAI = re.compile("[\u0e00-\u0e7f]")
ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,P\n"


def _school_file(office: Path, form: Form, reports: int) -> Path:
    """The roster school's file with ``reports`` rows, in the inbox, signed with the key the office's
    commands use in the tests (the session's, tests/conftest.py: the office's own key file is not read
    while $SHEETSYNC_KEY_FILE is set)."""
    path = office / "inbox" / f"s1-{reports}.xlsx"
    data = variant(seed_data(), reports=reports)
    write_template(form, path, data=data, recipient="s1")
    return path


def test_an_office_whose_store_is_gone_says_so_thai_first_and_makes_no_new_one(tmp_path: Path,
                                                                               progress_form: Form) -> None:
    # The store deleted (or lost with a folder copied without it): sync made a new, empty store and
    # said only "master.xlsx: not a sheetsync master (no '_data' or '_ledger' sheet)", in English;
    # history then answered "no submission matches", as though the office had never received anything.
    office = new_office(tmp_path, ROSTER)
    _school_file(office, progress_form, 2)
    assert run("sync", cwd=office).returncode == 0 and (office / "master.xlsx").exists()
    (office / "sheetsync.sqlite").unlink()
    for command in (["sync"], ["history"], ["backup"]):
        done = run(*command, cwd=office)
        assert done.returncode == 3, (command, done.stderr)
        [line] = done.stderr.strip().splitlines()
        thai, _, english = line.removeprefix("sheetsync: ").partition(" / ")
        assert THAI.search(thai) and not THAI.search(english) and "sheetsync restore" in english, line
        assert not (office / "sheetsync.sqlite").exists()


def test_a_store_gone_is_got_back_with_restore_as_the_readme_says(tmp_path: Path, progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    _school_file(office, progress_form, 2)
    assert run("sync", cwd=office).returncode == 0
    assert run("backup", tmp_path / "usb", cwd=office).returncode == 0
    (office / "sheetsync.sqlite").unlink()
    [backup] = (tmp_path / "usb").iterdir()
    assert run("restore", backup, cwd=office).returncode == 0
    history = run("history", cwd=office)
    assert history.returncode == 0 and "s1-2.xlsx" in history.stdout


def test_a_new_office_that_never_ran_still_starts_without_its_store(tmp_path: Path) -> None:
    # An office made by a sheetsync whose init wrote no store yet: nothing received, nothing lost.
    office = new_office(tmp_path, ROSTER)
    (office / "sheetsync.sqlite").unlink()
    assert run("sync", cwd=office).returncode == 0
    assert (office / "sheetsync.sqlite").exists()


def test_a_busy_office_says_since_when_in_the_offices_zone_while_it_fetches(tmp_path: Path) -> None:
    # With a mailbox, a second sync stopped at the fetch's lock, which was not given the office's
    # zone: "since 2026-12-01 14:01 +00:00" (this computer's UTC) where every other time said +07:00.
    office = new_office(tmp_path, ROSTER)
    config = office / "sheetsync.toml"
    text = config.read_text(encoding="utf-8").replace('timezone = ""', 'timezone = "+05:45"')
    text = text.replace('# host = "mail.bma.example"', 'host = "127.0.0.1"').replace(
        '# user = "reports@bma.example"', 'user = "reports@bma.example"')
    config.write_text(text.replace("# security = \"ssl\"", "security = \"none\"").replace("# port = 993", "port = 9"),
                      encoding="utf-8")
    env = {"SHEETSYNC_IMAP_PASSWORD": "x"}
    with Store(office / "sheetsync.sqlite") as store, run_lock(store, "sync", zone=zone_named("+05:45")):
        for command in (["sync", "--wait", "0"], ["fetch"]):
            done = run(*command, cwd=office, env=env)
            assert done.returncode == 3, done.stderr
            assert "+05:45" in done.stderr and "+00:00" not in done.stderr, done.stderr


def test_an_earlier_months_invitation_in_sent_is_kept(tmp_path: Path) -> None:
    # Next month's templates are mailed as "template s1.eml" again: sending it replaced last month's
    # copy in outbox/sent/, the office's only record of what the school was sent then.
    office = new_office(tmp_path, ROSTER)
    sent = office / "outbox" / "sent"
    sent.mkdir()
    (sent / "template s1.eml").write_bytes(b"From: o@x.example\r\nTo: a@s1.example\r\nSubject: month 1\r\n\r\nm1\r\n")
    (office / "outbox" / "template s1.eml").write_bytes(
        b"From: o@x.example\r\nTo: a@s1.example\r\nSubject: month 2\r\n\r\nm2\r\n")

    with Store(office / "sheetsync.sqlite") as store:
        done = send_others(store, office / "outbox", _Accepting())  # type: ignore[arg-type]
    assert len(done.sent) == 1
    subjects = sorted(p.read_bytes().split(b"Subject: ")[1].split(b"\r\n")[0] for p in sent.iterdir())
    assert subjects == [b"month 1", b"month 2"]


class _Accepting:
    """A mail server that takes every message (what was sent is in ``outbox/sent``)."""

    def send(self, message: object) -> None:
        """Accept ``message``."""


def test_next_months_invitation_sent_twice_in_a_day_is_not_queued_a_third_time(tmp_path: Path,
                                                                              progress_form: Form) -> None:
    # With last month's copy now kept beside this month's in sent/, the newer one must be the one
    # the "already invited" check compares with, whatever the file names sort as.
    from sheetsync.batch import queue_templates
    from sheetsync.roster import read_roster

    office = new_office(tmp_path, ROSTER)
    config = MailConfig(from_addr="office@bma.example", outbox=office / "outbox")
    people = read_roster(office / "roster.csv")
    key = load_key(office / "office.key")
    blank, filled = office / "month1" / "s1.xlsx", office / "month2" / "s1.xlsx"
    for path, reports in ((blank, 1), (filled, 2)):  # next month's rows are locked: another template
        write_template(progress_form, path, data=variant(seed_data(), reports=reports), recipient="s1", key=key,
                       lock_rows=True)
    with Store(office / "sheetsync.sqlite") as store:
        for template in (blank, filled):
            assert len(queue_templates([template], people, config).queued) == 1
            assert len(send_others(store, office / "outbox", _Accepting()).sent) == 1  # type: ignore[arg-type]
    assert len(list((office / "outbox" / "sent").iterdir())) == 2
    again = queue_templates([filled], people, config)
    assert again.queued == [] and len(again.already) == 1


def test_a_period_written_in_the_settings_reaches_the_master_at_the_next_check(tmp_path: Path,
                                                                               progress_form: Form) -> None:
    # README, every month: write period = "2020-03" in sheetsync.toml. The next checks found nothing
    # new and left master.xlsx as it was: the statuses stayed counted for the latest report's month.
    office = new_office(tmp_path, ROSTER)
    _school_file(office, progress_form, 7)
    assert run("sync", cwd=office).returncode == 0
    before = _summary_banner(office / "master.xlsx")
    config = office / "sheetsync.toml"
    time.sleep(0.05)  # the settings are written after the view (file times)
    config.write_text(config.read_text(encoding="utf-8").replace('period = ""', 'period = "2020-01"'),
                      encoding="utf-8")
    stamp = time.time() + 1
    os.utime(config, (stamp, stamp))
    assert run("sync", cwd=office).returncode == 0
    after = _summary_banner(office / "master.xlsx")
    assert "มกราคม 2563" in after and after != before


def _summary_banner(master: Path) -> str:
    from python_calamine import CalamineWorkbook

    return str(CalamineWorkbook.from_path(str(master)).get_sheet_by_name("สรุป").to_python()[0][0])


