"""The office's own files held open on Windows while the scheduled ``sync`` runs.

Excel keeps the workbook it shows locked: Windows then refuses to replace or delete it
(``PermissionError`` from ``os.replace``). Linux cannot lock a file that way, so these tests make
the one OS call refuse for the one path a clerk has open (``os.replace`` patched for that path
only); everything else runs as it would.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import typer


from sheetsync.office.sheets import LEDGER as LEDGER_SHEET
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_master_support import at, seed_data, variant
from tests.test_office import in_office


def _ready(office: Path, form: Form) -> None:
    """The office sends mail and reads a file as soon as it is there (no settling time in a test),
    and school s1's filled file waits in its inbox."""
    config = (office / "sheetsync.toml").read_text(encoding="utf-8")
    (office / "sheetsync.toml").write_text(config.replace('from = ""', 'from = "office@bma.example"')
                                           .replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    write_template(form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), reports=5), recipient="s1",
                   issued=at(40))


def _recipients(master: Path) -> list[str]:
    """The schools the view's ledger sheet shows as merged (read from the workbook, not the store)."""
    book = openpyxl.load_workbook(master, read_only=True)
    try:
        rows = list(book[LEDGER_SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    return sorted({str(v) for row in rows for v in row if v in ("s1", "s2")})


def _held_open(monkeypatch: pytest.MonkeyPatch, *held: Path) -> None:
    """Windows' refusal to replace a file Excel has open, for ``held`` only (see the module's docstring)."""
    replace = os.replace
    names = {os.path.normcase(os.path.abspath(p)) for p in held}

    def refusing(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if os.path.normcase(os.path.abspath(os.fspath(dst))) in names:
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", os.fspath(src), None, os.fspath(dst))
        replace(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", refusing)


def test_a_master_open_in_excel_is_refreshed_by_the_next_run(office: Path, app: typer.Typer,
                                                             progress_form: Form,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _ready(office, progress_form)
    assert in_office(app, office, "sync").exit_code == 0
    master = office / "master.xlsx"
    assert _recipients(master) == ["s1"]
    # The clerk opens master.xlsx in Excel and leaves it open; s2's file comes in meanwhile.
    write_template(progress_form, office / "inbox" / "s2.xlsx", data=variant(seed_data(), reports=5), recipient="s2",
                   issued=at(41))
    _held_open(monkeypatch, master)
    held = in_office(app, office, "sync")
    assert held.exit_code == 3  # honest: the master the clerk reads is not up to date
    with Store(office / "sheetsync.sqlite") as store:  # the store of record has s2 all the same,
        assert sorted(o.file for o in store.outcomes() if o.result == "merged") == ["s1.xlsx", "s2.xlsx"]
    assert (office / "processed" / "s2.xlsx").exists() and (office / "reports" / "s2.txt").exists()
    assert len(list((office / "outbox").glob("*s2*.eml"))) == 1  # and s2's answer is queued
    assert "s2.xlsx" in held.stdout  # the run's table still says what came in
    [line] = [x for x in held.stderr.splitlines() if "master.xlsx" in x]
    thai, english = line.removeprefix("sheetsync: ").split(" / ", 1)
    assert "แฟ้มหลัก" in thai and "รอบถัดไป" in thai  # Thai first: why, and that the next run does it
    assert "open in another program" in english and "next run" in english
    assert _recipients(master) == ["s1"]  # the open file is untouched
    # Excel closed: the next scheduled run, with nothing new, refreshes it.
    monkeypatch.undo()
    again = in_office(app, office, "sync")
    assert again.exit_code == 0, again.output
    assert _recipients(master) == ["s1", "s2"]


def test_a_master_open_when_nothing_new_came_still_says_so(office: Path, app: typer.Typer,
                                                           progress_form: Form,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _ready(office, progress_form)
    _held_open(monkeypatch, office / "master.xlsx")
    assert in_office(app, office, "sync").exit_code == 3
    later = in_office(app, office, "sync")  # still open: the next run has nothing new, and must say so again
    assert later.exit_code == 3
    assert "รอบถัดไป" in later.stderr and "next run" in later.stderr


def test_the_master_command_on_an_open_master_is_one_thai_first_line(office: Path, app: typer.Typer,
                                                                      progress_form: Form,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _ready(office, progress_form)
    assert in_office(app, office, "sync").exit_code == 0
    _held_open(monkeypatch, office / "master.xlsx")
    shown = in_office(app, office, "master")
    assert shown.exit_code == 3
    [line] = shown.stderr.splitlines()
    thai, english = line.removeprefix("sheetsync: ").split(" / ", 1)
    assert "แฟ้มหลัก" in thai and "Excel" in thai
    assert "open in another program" in english


def test_an_outbox_that_cannot_be_written_is_said_and_written_next_run(office: Path, app: typer.Typer,
                                                                       progress_form: Form,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The outbox folder refuses new files (made read-only, a full disk): the e-mails stay queued in
    # the store. The clerk is told so in Thai, naming the folder (not a hidden temporary file), and
    # still sees what came in; the master is rendered; the next run writes the e-mails.
    _ready(office, progress_form)
    outbox = os.path.normcase(os.path.abspath(office / "outbox"))
    replace = os.replace

    def refusing(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if os.path.dirname(os.path.normcase(os.path.abspath(os.fspath(dst)))) == outbox:
            raise PermissionError(13, "Permission denied", os.fspath(src), None, os.fspath(dst))
        replace(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", refusing)
    held = in_office(app, office, "sync")
    assert held.exit_code == 3
    assert "s1.xlsx" in held.stdout and (office / "master.xlsx").exists()
    [line] = [x for x in held.stderr.splitlines() if "outbox" in x]
    thai, english = line.removeprefix("sheetsync: ").split(" / ", 1)
    assert "อีเมล" in thai and "รอบถัดไป" in thai and ".tmp" not in line
    assert "next run" in english
    assert list((office / "outbox").glob("*.eml")) == []
    monkeypatch.undo()
    assert in_office(app, office, "sync").exit_code == 0
    assert len(list((office / "outbox").glob("*.eml"))) == 2  # s1's answer and the digest


def _shown(master: Path, text: str) -> bool:
    """Whether any cell of the view (read from the workbook) holds ``text``."""
    book = openpyxl.load_workbook(master, read_only=True)
    try:
        return any(text in str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    finally:
        book.close()


def test_a_roster_change_the_open_master_missed_reaches_it_at_the_next_run(office: Path, app: typer.Typer,
                                                                          progress_form: Form,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only new files make the view due: a new roster does too. When the master was open then,
    the next run (nothing new in the inbox) must still render it, as the run said it would."""
    _ready(office, progress_form)
    assert in_office(app, office, "sync").exit_code == 0
    roster = office / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8") + "s9,โรงเรียนบ้านใหม่,head@s9.example,50360000-3553,75\n",
                      encoding="utf-8")
    with monkeypatch.context() as held:
        _held_open(held, office / "master.xlsx")
        missed = in_office(app, office, "sync")
    assert missed.exit_code == 3 and "รอบถัดไป" in missed.stderr
    assert not _shown(office / "master.xlsx", "โรงเรียนบ้านใหม่")
    later = in_office(app, office, "sync")  # Excel closed: nothing new in the inbox
    assert later.exit_code == 0
    assert _shown(office / "master.xlsx", "โรงเรียนบ้านใหม่")
