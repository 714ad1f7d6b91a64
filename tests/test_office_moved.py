"""An office folder moved, renamed or copied to another computer, and what its scheduler is told.

README says the office's paths are relative "so the folder can be moved whole". The store kept two
absolute paths all the same: the view last rendered (so the first run after a move took the clerk's
untouched master for an edited one and moved it aside as ``master.edited-….xlsx``, saying nothing when
the run had no new file) and each e-mail written into the outbox (so an e-mail queued before the move
was looked for in the old folder and never sent from the new one).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run
from tests.test_mail_smtp import Server
from tests.test_master_support import at, seed_data, variant

ROSTER = ("recipient_id,school_name,email,project_code,network\n"
          "s1,โรงเรียนวัดไทร,head@s1.example,50360000-3553,73\n"
          "s2,โรงเรียนวัดยายร่ม,head@s2.example,50360000-3554,74\n")


def make_office(tmp_path: Path, smtp: Server | None = None) -> Path:
    """An office made by `sheetsync init`, mailing through ``smtp`` when given."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    made = run("init", tmp_path / "district", "--roster", tmp_path / "schools.csv")
    assert made.returncode == 0, made.stderr
    config = tmp_path / "district" / "sheetsync.toml"
    mail = 'from = "office@bma.example"'
    if smtp is not None:
        mail += f'\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\nsmtp_security = "none"'
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', mail, 1)
                      .replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    return tmp_path / "district"


def send_file(office: Path, form: Form, name: str, who: str, code: str, reports: int) -> None:
    write_template(form, office / "inbox" / name, data=variant(seed_data(), code=code, reports=reports),
                   recipient=who, issued=at(40 + reports))


def test_a_moved_office_keeps_its_master_where_it_is(tmp_path: Path, progress_form: Form) -> None:
    office = make_office(tmp_path / "old")
    send_file(office, progress_form, "s1.xlsx", "s1", "50360000-3553", 5)
    assert run("sync", cwd=office).returncode == 0
    moved = tmp_path / "new-computer" / "district-73"
    moved.parent.mkdir()
    shutil.move(office, moved)
    quiet = run("sync", cwd=moved)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert list(moved.glob("master.edited-*")) == [] and "master.edited-" not in quiet.stderr  # nobody edited it
    # A view the clerk did edit in the moved office is still kept aside, and the run says so.
    with (moved / "master.xlsx").open("ab") as handle:
        handle.write(b"\0")
    send_file(moved, progress_form, "s2.xlsx", "s2", "50360000-3554", 5)
    edited = run("sync", cwd=moved)
    assert edited.returncode == 0, edited.stdout + edited.stderr
    assert len(list(moved.glob("master.edited-*.xlsx"))) == 1 and "master.edited-" in edited.stderr


def test_a_view_kept_aside_by_a_run_with_nothing_new_is_said(tmp_path: Path, progress_form: Form) -> None:
    office = make_office(tmp_path)
    send_file(office, progress_form, "s1.xlsx", "s1", "50360000-3553", 5)
    assert run("sync", cwd=office).returncode == 0
    # The last rendering failed (the master was open in Excel, where the clerk typed a note and saved).
    with Store(office / "sheetsync.sqlite") as store:
        store.mark_view_stale(office / "master.xlsx")
    with (office / "master.xlsx").open("ab") as handle:
        handle.write(b"\0")
    quiet = run("sync", cwd=office)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    (kept,) = office.glob("master.edited-*.xlsx")
    assert kept.name in quiet.stderr


def test_mail_queued_before_a_move_is_sent_from_the_new_folder(tmp_path: Path, progress_form: Form,
                                                               smtp: Server) -> None:
    office = make_office(tmp_path / "old", smtp)
    send_file(office, progress_form, "s1.xlsx", "s1", "50360000-3553", 5)
    assert run("sync", cwd=office).returncode == 0  # written into outbox/, not sent (no --send)
    written = sorted(p.name for p in (office / "outbox").glob("*.eml"))
    assert len(written) == 2  # the school's report and the digest
    moved = tmp_path / "district-73"
    shutil.move(office, moved)
    sent = run("sync", "--send", cwd=moved)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert len(smtp.messages()) == 2
    assert sorted(p.name for p in (moved / "outbox" / "sent").glob("*.eml")) == written
    assert list((moved / "outbox").glob("*.eml")) == []


def test_a_copy_left_behind_keeps_its_own_outbox(tmp_path: Path, progress_form: Form, smtp: Server) -> None:
    office = make_office(tmp_path, smtp)
    send_file(office, progress_form, "s1.xlsx", "s1", "50360000-3553", 5)
    assert run("sync", cwd=office).returncode == 0
    copy = tmp_path / "copy"
    shutil.copytree(office, copy)
    assert run("sync", "--send", cwd=copy).returncode == 0
    assert len(smtp.messages()) == 2
    assert len(list((office / "outbox").glob("*.eml"))) == 2  # the original's outbox is the original's
    assert len(list((copy / "outbox" / "sent").glob("*.eml"))) == 2
