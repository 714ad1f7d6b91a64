"""sheetsync sync: new files only (by hash), reports, e-mails, the store, files set aside."""

from __future__ import annotations

import datetime as dt
import email
import json
import email.policy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.mailer import MailConfig
from sheetsync.master import read_master
from sheetsync.office.inbox import _made_by_a_program
from sheetsync.office.store import Store
from sheetsync.roster import Recipient
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template

NOW = SyncOptions(settle=0)


def _inbox(form: Form, seed: dict[str, Any], tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    write_template(form, inbox / "s1.xlsx", data=seed, recipient="s1")
    seed["reports"][2]["progress_percent"] = 5.0
    write_template(form, inbox / "s2.ods", data=seed, recipient="s2")
    (inbox / "notes-s3.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    return inbox


def test_sync_twice_does_nothing_the_second_time(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example"), Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example"),
              Recipient("s3", "โรงเรียนวัดสี่สุก", "c@s3.example")]
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    first = sync(inbox, master, report_dir=tmp_path / "reports", config=config, roster=roster, options=NOW)
    assert len(first.new) == 3 and first.merge is not None
    counts = first.merge.counts()
    assert (counts["merged"], counts["refused"], counts["quarantined"]) == (1, 1, 1)
    assert {p.name for p in (inbox / "processed").iterdir()} == {"s1.xlsx", "s2.ods"}
    assert {p.name for p in (inbox / "quarantine").iterdir()} == {"notes-s3.xlsx", "notes-s3.xlsx.txt"}
    note = (inbox / "quarantine" / "notes-s3.xlsx.txt").read_text(encoding="utf-8").splitlines()
    assert note[0].startswith("ไฟล์") and note[1].startswith("The file") and note[2].startswith("notes-s3.xlsx: ")
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3  # two schools + the digest
    assert (tmp_path / "reports" / "s2-ตรวจแล้ว.ods").exists()
    assert not (tmp_path / "reports" / "s1-ตรวจแล้ว.xlsx").exists()  # a valid file: no marked-up copy
    ledger = read_master(master).ledger
    assert [e.recipient for e in ledger if e.result == "quarantined"] == ["s3"]  # named by its file name
    before = master.stat().st_mtime_ns
    second = sync(inbox, master, report_dir=tmp_path / "reports", config=config, roster=roster, options=NOW)
    assert second.new == [] and master.stat().st_mtime_ns == before
    assert read_master(master).ledger == ledger
    with Store(master.with_suffix(".sqlite")) as store:
        assert len(store.query("SELECT id FROM outbox")) == 3


def test_the_same_file_sent_again_is_already_seen(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    sync(inbox, master, report_dir=tmp_path / "reports", options=NOW)
    again = inbox / "s1-again.xlsx"
    again.write_bytes((inbox / "processed" / "s1.xlsx").read_bytes())
    result = sync(inbox, master, report_dir=tmp_path / "reports", options=NOW)
    assert result.new == [] and [p.name for p in result.already_seen] == ["s1-again.xlsx"]
    assert (inbox / "processed" / "s1-again.xlsx").exists()


def test_a_file_lacking_reports_the_office_holds_is_merged_with_a_warning_at_their_rows(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    # A school re-sent its February copy after March's: report 7 was dropped from its record silently.
    inbox, master, reports = tmp_path / "inbox", tmp_path / "master.xlsx", tmp_path / "reports"
    write_template(progress_form, inbox / "march.xlsx", data=seed, recipient="s1")
    assert sync(inbox, master, report_dir=reports, options=NOW).merge.counts()["merged"] == 1  # type: ignore[union-attr]
    older = json.loads(json.dumps(seed))
    older["reports"] = older["reports"][:5]
    older["project"]["budget_used"] = sum(r["disbursed"] for r in older["reports"])
    write_template(progress_form, inbox / "february.xlsx", data=older, recipient="s1")
    result = sync(inbox, master, report_dir=reports, options=NOW)
    [item] = result.checked
    assert item.report is not None and item.report.valid
    dropped = [f for f in item.report.findings if f.code == "row-dropped"]
    assert [(f.cell, f.severity, f.value) for f in dropped] == [("A42", "warning", 6), ("A43", "warning", 7)]
    assert "รายงานครั้งที่ 7 (29/4/2563) ที่สำนักงานได้รับไว้แล้ว ไม่มีในไฟล์นี้" in dropped[1].message_th
    assert dropped[1].message_en.startswith("Row 7 (29/4/2563) of reports, which the office already has")
    [outcome] = result.merge.outcomes  # type: ignore[union-attr]
    assert outcome.result == "replaced" and "row-dropped@A42" in outcome.detail
    assert "ที่สำนักงานได้รับไว้แล้ว ไม่มีในไฟล์นี้" in (reports / "february.txt").read_text(encoding="utf-8")


def test_a_file_still_being_written_waits_for_the_next_run(progress_form: Form, seed: dict[str, Any],
                                                           tmp_path: Path) -> None:
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    result = sync(inbox, master, report_dir=tmp_path / "reports", options=SyncOptions(settle=3600))
    assert result.new == [] and len(result.waiting) == 3 and len(list(inbox.iterdir())) == 3
    from sheetsync.cli.sync import summary_table

    assert summary_table(result).caption is None  # files still arriving are not "nothing new"


def test_long_names_and_a_read_only_inbox(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    long = inbox / ("ก" * 80 + ".xlsx")  # 245 bytes of UTF-8
    (inbox / "s1.xlsx").rename(long)
    first = sync(inbox, master, report_dir=tmp_path / "reports", options=NOW)
    assert first.merge is not None and first.merge.counts()["merged"] == 1
    assert all(len(p.name.encode()) <= 100 for p in (inbox / "processed").iterdir())
    write_template(progress_form, inbox / "s4.xlsx", data=seed, recipient="s4")
    (inbox / "processed").chmod(0o500)
    try:
        second = sync(inbox, master, report_dir=tmp_path / "reports", options=NOW)
    finally:
        (inbox / "processed").chmod(0o700)
    if os.geteuid() != 0:  # root writes anywhere
        assert len(second.problems) == 1 and "cannot be moved out of the inbox" in second.problems[0]
        assert (inbox / "s4.xlsx").exists()
    assert second.merge is not None and second.merge.counts()["refused"] == 1  # recorded all the same
    third = sync(inbox, master, report_dir=tmp_path / "reports", options=NOW)
    assert third.new == []


def test_sync_cli_and_next_month_from_master(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                              timeout=120, env={**os.environ, "COLUMNS": "120"})
    done = run("sync", inbox, "--master", master, "--settle", "0")
    assert done.returncode == 1, done.stderr  # a file could not be read: set aside, its school told
    assert "merged" in done.stdout and "refused" in done.stdout and "Traceback" not in done.stderr
    assert "nothing new" in run("sync", inbox, "--master", master, "--settle", "0").stdout
    out = run("template", "--from-master", master, "-o", tmp_path / "next", "--format", "ods")
    assert out.returncode == 0, out.stderr
    assert "--recipient s1" in out.stdout and not list((tmp_path / "next").glob("*.ods"))  # s1's project is complete
    out = run("template", "--from-master", master, "-o", tmp_path / "next", "--format", "ods", "--recipient", "s1")
    assert out.returncode == 0, out.stderr
    assert [p.name for p in (tmp_path / "next").iterdir()] == ["50360000-3553_s1.ods"]


def test_the_view_can_be_left_for_later(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    later = SyncOptions(settle=0, view="never")
    result = sync(inbox, master, report_dir=tmp_path / "reports", options=later)
    assert result.view is None and not master.exists()
    assert any("run sheetsync master" in p for p in result.problems)
    assert len(read_master(master).records) == 1  # recorded all the same
    assert sync(inbox, master, report_dir=tmp_path / "reports", options=NOW).view is not None  # behind: rendered


def test_a_bug_of_ours_on_one_file_quarantines_it_and_the_run_goes_on(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: Any) -> None:
    import sheetsync.office.answering
    import sheetsync.pipeline

    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    real_validate = getattr(sheetsync.pipeline, "validate")
    real_report = getattr(sheetsync.office.answering, "write_report")

    def validate(filled: Any, **kwargs: Any) -> Any:
        if filled.path.name == "s1.xlsx":
            raise KeyError("a bug")
        return real_validate(filled, **kwargs)

    def write_report(item: Any, *args: Any, **kwargs: Any) -> Any:
        if item.path.name == "s2.ods":
            raise ValueError("another bug")
        return real_report(item, *args, **kwargs)

    monkeypatch.setattr(sheetsync.pipeline, "validate", validate)
    monkeypatch.setattr(sheetsync.office.answering, "write_report", write_report)
    result = sync(inbox, master, report_dir=tmp_path / "reports", options=NOW)
    assert result.merge is not None
    assert sorted((o.path.name, o.result, o.code) for o in result.merge.outcomes) == [
        ("notes-s3.xlsx", "quarantined", "unreadable"), ("s1.xlsx", "quarantined", "internal-error"),
        ("s2.ods", "quarantined", "internal-error")]
    reason = (inbox / "quarantine" / "s1.xlsx.txt").read_text(encoding="utf-8")
    assert "internal error" in reason and "KeyError" in reason
    log = (tmp_path / "sheetsync.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "a bug" in log and "another bug" in log
    assert not list(inbox.glob("*.*"))  # nothing jams the inbox: a second run has nothing to do
    assert sync(inbox, master, report_dir=tmp_path / "reports", options=NOW).new == []


def test_mail_is_sent_once_from_the_store(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    from email.message import EmailMessage

    from sheetsync.mailer import SendError
    from sheetsync.office.outbox import flush_outbox, send_from_store

    class Recorder:
        def __init__(self, fail: bool = False) -> None:
            self.sent: list[str] = []
            self.fail = fail

        def send(self, message: EmailMessage) -> None:
            if self.fail:
                raise SendError("server down", fatal=True)
            self.sent.append(str(message["To"]))

    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example"), Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example")]
    outbox = tmp_path / "outbox"
    sync(inbox, master, report_dir=tmp_path / "reports", roster=roster, options=NOW,
         config=MailConfig(from_addr="office@bma.example", outbox=outbox))
    with Store(master.with_suffix(".sqlite")) as store:
        assert flush_outbox(store, outbox) == []  # already written, never twice
        down = send_from_store(store, outbox, Recorder(fail=True))
        assert not down.ok and len(store.mails("sent")) == 3  # nothing marked: all still to send
        first = Recorder()
        assert send_from_store(store, outbox, first).ok and len(first.sent) == 3
        assert sorted(a for a in ("a@s1.example", "b@s2.example", "office@bma.example")
                      if any(a in to for to in first.sent)) == ["a@s1.example", "b@s2.example", "office@bma.example"]
        again = Recorder()
        assert send_from_store(store, outbox, again).sent == [] and again.sent == []
        assert len(list((outbox / "sent").glob("*.eml"))) == 3 and not list(outbox.glob("*.eml"))
        assert store.mails("sent") == []


def test_mail_sent_from_the_folder_is_not_sent_again_from_the_store(progress_form: Form, seed: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    from email.message import EmailMessage

    from sheetsync.mailer import send_outbox
    from sheetsync.office.outbox import send_from_store

    class Recorder:
        def __init__(self) -> None:
            self.sent: list[EmailMessage] = []

        def send(self, message: EmailMessage) -> None:
            self.sent.append(message)

    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    outbox = tmp_path / "outbox"
    sync(inbox, master, report_dir=tmp_path / "reports", options=NOW,
         roster=[Recipient("s1", "วัดไทร", "a@s1.example")], config=MailConfig(from_addr="o@bma.example", outbox=outbox))
    by_folder = Recorder()
    assert len(send_outbox(outbox, by_folder).sent) == 2  # sheetsync mail outbox --send: s1 and the digest
    again = Recorder()
    with Store(master.with_suffix(".sqlite")) as store:
        assert send_from_store(store, outbox, again).sent == [] and again.sent == []
        assert store.mails("sent") == []  # marked as sent: the folder said so


def test_a_school_is_not_told_its_file_is_damaged_when_sheetsync_failed(progress_form: Form, seed: dict[str, Any],
                                                                       tmp_path: Path, monkeypatch: Any) -> None:
    """An error of sheetsync itself is no fault of the school's file: the reply says so, in Thai first."""
    import sheetsync.pipeline
    from sheetsync.batch import message_for
    from sheetsync.mailer import MailConfig
    from sheetsync.mailer._headers import Thread
    from sheetsync.messages import render

    def validate(filled: Any, **kwargs: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr(sheetsync.pipeline, "validate", validate)
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    item = sheetsync.pipeline.check_file(path)
    assert item.failure is not None and item.failure.code == "internal-error"
    origin = Thread("<s1@school.example>", "ส่งรายงาน", sender="teacher@school.example")
    message = message_for(item, MailConfig(from_addr="office@bma.example"), [], origin=origin)
    assert message is not None
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert render("why.internal", "th") in body and render("why.unreadable", "th") not in body


def test_a_broken_layout_of_the_office_is_not_the_schools_fault(progress_form: Form, seed: dict[str, Any],
                                                                tmp_path: Path) -> None:
    """Two layouts of one id in a forms folder (a copy "school-lunch - Copy.yaml") stop list_forms with a
    FormError, met when a file names a form not found by its file name: that file was quarantined as
    damaged ("ไฟล์เสียหาย"), the office's mistake sent to the school. It is the office's program, as a
    bug is: the school is told so, the office's detail names the layout's line."""
    import shutil

    from openpyxl import load_workbook

    from sheetsync.identity import META_SHEET
    from sheetsync.messages import render
    from sheetsync.pipeline import check_file

    forms = tmp_path / "forms"
    forms.mkdir()
    lunch = Path(__file__).parent / "data" / "forms" / "school-lunch"
    for suffix in (".yaml", ".schema.json"):
        shutil.copy(lunch.with_name(lunch.name + suffix), forms)
    shutil.copy(forms / "school-lunch.yaml", forms / "school-lunch - Copy.yaml")
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    book = load_workbook(path)
    for row in book[META_SHEET].iter_rows():
        if row[0].value == "form_id":
            row[1].value = "other-form"
    book.save(path)
    item = check_file(path, forms_dirs=[forms])
    assert item.failure is not None and item.failure.code == "internal-error"
    assert item.why == {lang: render("why.internal", lang) for lang in ("th", "en")}
    assert "give each form its own id" in str(item.error)


def test_a_summary_or_master_left_open_in_excel_does_not_stop_the_mail(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows a workbook open in Excel cannot be replaced (os.replace: PermissionError). A clerk
    # who leaves summary.xlsx open must not stop the next scheduled run before the schools' e-mails.
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    replace = os.replace

    def held_open(src: Any, dst: Any) -> None:
        if Path(dst).name in ("summary.xlsx", "master.xlsx"):
            raise PermissionError(13, "Permission denied")
        replace(src, dst)

    roster = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example"), Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example")]
    monkeypatch.setattr(os, "replace", held_open)
    held = sync(inbox, master, report_dir=tmp_path / "reports", config=config, roster=roster, options=NOW)
    assert held.unfinished and len(held.new) == 3  # the run is done but for the view (the CLI exits 3)
    assert any("master.xlsx: not refreshed: it is open in another program" in p for p in held.problems)
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3  # two schools + the digest: queued all the same
    assert (tmp_path / "reports" / "summary.csv").exists() and not (tmp_path / "reports" / "summary.xlsx").exists()
    monkeypatch.setattr(os, "replace", lambda src, dst: held_open(src, dst) if Path(dst).name == "summary.xlsx"
                        else replace(src, dst))
    # one more, refused (not one cut short: that one may still be arriving, tests/test_office_arriving.py)
    (inbox / "late.xlsx").write_text("late, and not a spreadsheet", encoding="utf-8")
    result = sync(inbox, master, report_dir=tmp_path / "reports", config=config, options=NOW)
    assert master.exists() and len(result.new) == 1  # the view behind the store is rendered now
    [problem] = result.problems
    thai, english = problem.split(" / ", 1)  # one line: Thai, then English
    # this run's summary beside the one held open (the first run's went beside it too: summary-2.xlsx)
    assert thai.startswith(f"{tmp_path / 'reports' / 'summary.xlsx'}: บันทึกทับไม่ได้") and "summary-3.xlsx" in thai
    assert english.startswith(f"{tmp_path / 'reports' / 'summary.xlsx'}: not replaced: it is open in another program")
    assert problem.endswith("the schools' reports and e-mails are not affected")
    assert (tmp_path / "reports" / "summary-3.xlsx").exists()


def test_a_report_left_open_in_excel_gets_its_successor_beside_it(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The clerk has the school's marked-up copy open when the school sends a corrected file of the
    # same name: that copy cannot be replaced on Windows. The run must not stop there.
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    reports = tmp_path / "reports"
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    roster = [Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example")]
    sync(inbox, master, report_dir=reports, config=config, roster=roster, options=NOW)
    opened = reports / "s2-ตรวจแล้ว.ods"
    before, text_before = opened.read_bytes(), (reports / "s2.txt").read_text(encoding="utf-8")
    seed["reports"][2]["progress_percent"] = 6.0  # still wrong, but another file
    write_template(progress_form, inbox / "s2.ods", data=seed, recipient="s2")
    replace = os.replace  # Windows refuses to replace a file open in Excel, and to move it
    monkeypatch.setattr(os, "replace", lambda src, dst: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if opened in (Path(src), Path(dst)) else replace(src, dst))
    result = sync(inbox, master, report_dir=reports, config=config, roster=roster, options=NOW)
    assert len(result.new) == 1 and result.problems == []
    assert opened.read_bytes() == before  # the copy the clerk has open is untouched (moved aside once closed),
    # and the reports beside it are kept, out of the way: the new file's are the school's state now
    assert (reports / "old" / "s2.txt").read_text(encoding="utf-8") == text_before
    [item] = result.checked
    assert [p.name for p in item.outputs] == ["s2-2.txt", "s2-2.html", "s2-2.json", "s2-2-ตรวจแล้ว.ods"]
    assert "6" in (reports / "s2-2.txt").read_text(encoding="utf-8")
    messages = [email.message_from_bytes(m.read_bytes(), policy=email.policy.default)
                for m in sorted((tmp_path / "outbox").glob("*.eml"))]
    to_school = [m for m in messages if [a.addr_spec for a in m["To"].addresses] == ["b@s2.example"]]
    # each reply names the copy after the file the school sent; the second carries the new file's copy
    copies = [next(m.iter_attachments()) for m in to_school]
    assert [a.get_filename() for a in copies] == ["s2-ตรวจแล้ว.ods", "s2-ตรวจแล้ว.ods"]
    assert copies[1].get_payload(decode=True) == (reports / "s2-2-ตรวจแล้ว.ods").read_bytes()


def test_files_that_programs_leave_in_the_inbox_are_not_returns(progress_form: Form, seed: dict[str, Any],
                                                                tmp_path: Path) -> None:
    # Explorer writes desktop.ini / Thumbs.db into a folder it shows; Excel and Calc leave lock files
    # beside a file the clerk opens. None was sent by a school: none is quarantined or answered.
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    made = ["desktop.ini", "Thumbs.db", "~$s1.xlsx", ".~lock.s2.ods#"]
    for name in made:
        (inbox / name).write_bytes(b"[.ShellClassInfo]\r\n")
    result = sync(inbox, master, report_dir=tmp_path / "reports", options=NOW)
    # s2.ods, open in Calc (its lock beside it), waits until it is closed (test_office_inbox.py)
    assert sorted(p.name for p in result.new) == ["notes-s3.xlsx", "s1.xlsx"] and result.waiting == [inbox / "s2.ods"]
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == sorted([*made, "s2.ods"])  # left where they are


def test_a_download_still_running_in_a_browser_is_left_alone(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    # The clerk saves a school's attachment from webmail straight into the inbox while the scheduled run
    # starts: the browser's partial file was quarantined as "an unknown file type", and the browser's
    # rename at the end then failed (the download lost).
    inbox, master = _inbox(progress_form, seed, tmp_path), tmp_path / "master.xlsx"
    partial = ["s4.xlsx.crdownload", "s5.xlsx.part", "Unconfirmed 81234.crdownload", "s6.ods.download"]
    for n, name in enumerate(partial, start=4):  # all written, the browser not yet done (its checks, its rename)
        write_template(progress_form, tmp_path / f"s{n}.xlsx", data=seed, recipient=f"s{n}")
        (tmp_path / f"s{n}.xlsx").rename(inbox / name)
    result = sync(inbox, master, report_dir=tmp_path / "reports", options=NOW)
    assert sorted(p.name for p in result.new) == ["notes-s3.xlsx", "s1.xlsx", "s2.ods"]
    assert sorted(p.name for p in (inbox / "quarantine").iterdir()) == ["notes-s3.xlsx", "notes-s3.xlsx.txt"]
    assert set(partial) <= {p.name for p in inbox.iterdir()}  # left for the browser to finish


def test_on_windows_hidden_files_are_passed_over_but_never_a_hidden_spreadsheet() -> None:
    # st_file_attributes exists on Windows only: a stand-in for os.DirEntry carries it here.
    class Entry:
        def __init__(self, name: str, attributes: int) -> None:
            self.name, self._attributes = name, attributes

        def stat(self) -> Any:
            return type("Stat", (), {"st_file_attributes": self._attributes})()

    hidden, system = 0x2, 0x4
    assert _made_by_a_program(Entry("IndexerVolumeGuid", hidden | system))  # type: ignore[arg-type]
    assert _made_by_a_program(Entry("AutoRun.inf", hidden))  # type: ignore[arg-type]
    # The "shortcut virus" of school USB sticks hides every file: a return stays a return.
    assert not _made_by_a_program(Entry("รายงาน.XLSX", hidden | system))  # type: ignore[arg-type]
    assert not _made_by_a_program(Entry("s2.ods", hidden))  # type: ignore[arg-type]
    assert not _made_by_a_program(Entry("notes.pdf", 0))  # type: ignore[arg-type]


def test_a_forged_file_is_compared_with_nothing_the_office_holds(progress_form: Form, seed: dict[str, Any],
                                                                tmp_path: Path) -> None:
    # Its "" recipient matched the records that have no recipient: an outsider learnt which reports
    # and dates the office holds, from row-dropped warnings in its own report.
    from sheetsync.check.report import Finding
    from sheetsync.office.dropped import dropped_rows
    from sheetsync.pipeline import check_file

    inbox, master = tmp_path / "inbox", tmp_path / "master.xlsx"
    write_template(progress_form, inbox / "full.xlsx", data=seed)  # no recipient
    sync(inbox, master, report_dir=tmp_path / "reports", options=NOW)
    short = json.loads(json.dumps(seed))
    short["reports"] = short["reports"][:1]
    write_template(progress_form, tmp_path / "short.xlsx", data=short)
    item = check_file(tmp_path / "short.xlsx")
    assert item.report is not None
    with Store(master.with_suffix(".sqlite")) as store:
        assert len(dropped_rows(store, item)) == 6  # a genuine file is told what it lacks
        item.report.findings.append(Finding("identity-not-verified", "error", "_sheetsync", "A1", "", None, "x", "x"))
        assert dropped_rows(store, item) == []


def test_a_file_on_an_older_template_is_not_thanked_as_if_it_were_taken(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """A school corrects report 1 in its first month's file after the office took its file of
    next month's template: the file is superseded (its figures are not used), and the school must be
    told so, not "complete and valid, thank you"."""
    inbox, master, reports = tmp_path / "inbox", tmp_path / "master.xlsx", tmp_path / "reports"
    write_template(progress_form, inbox / "march.xlsx", data=seed, recipient="s1",
                   issued=dt.datetime(2020, 3, 1, tzinfo=dt.timezone.utc))
    sync(inbox, master, report_dir=reports, options=NOW)
    corrected = json.loads(json.dumps(seed))
    corrected["reports"][0]["stage"] += " (แก้ไข)"
    write_template(progress_form, inbox / "february-corrected.xlsx", data=corrected, recipient="s1",
                   issued=dt.datetime(2020, 2, 1, tzinfo=dt.timezone.utc))
    result = sync(inbox, master, report_dir=reports, options=NOW)
    [outcome] = result.merge.outcomes  # type: ignore[union-attr]
    assert outcome.result == "superseded"
    [item] = result.checked
    assert item.report is not None and [f.code for f in item.report.findings] == ["older-template"]
    assert item.report.findings[0].severity == "warning"
    told = (reports / "february-corrected.txt").read_text(encoding="utf-8")
    assert "ไม่ถูกนำไปใช้" in told and "not used" in told
