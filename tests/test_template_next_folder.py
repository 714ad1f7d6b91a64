"""``template --from-master -o next/`` leaves only this run's templates in next/: earlier ones move to next/old/.

Next month's templates were written into next/, where last month's still lay (a school taken off the
roster, a project whose every row is filled: no new template, and the old one stayed), so a clerk
printing or forwarding from next/ could take last month's. A run for every school now moves the
earlier templates into ``next/old/<date they were made>/`` (never deleted; one the run writes again
under its name too), leaves whatever else the clerk put there, and the e-mails it queues attach this
run's files.
"""

from __future__ import annotations

import email
import email.policy
import os
import time
from pathlib import Path
from typing import Any, Iterator

import openpyxl
import pytest

from sheetsync.check.reader import read_filled
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import CODES, at, seed_data, variant

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
          f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[1]}\n")
S1, S2 = "s1 โรงเรียนวัดไทร.xlsx", "s2 โรงเรียนวัดยายร่ม.xlsx"


@pytest.fixture
def office(tmp_path: Path, progress_form: Form) -> Path:
    """An office that mails, holding a report of s1 and one of s2."""
    folder = new_office(tmp_path, ROSTER)
    config = folder / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"', 1),
                      encoding="utf-8")
    for who, code in (("s1", CODES[0]), ("s2", CODES[1])):
        write_template(progress_form, folder / "inbox" / f"{who}.xlsx", data=variant(seed_data(), code=code, reports=5),
                       recipient=who, issued=at(0))
    assert run("sync", cwd=folder).returncode == 0
    return folder


def templates(office: Path, *more: str) -> None:
    made = run("template", "--from-master", "master.xlsx", "-o", "next", "--email", *more, cwd=office)
    assert made.returncode == 0, made.stdout + made.stderr


def files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file()}


def attached(outbox: Path, name: str) -> list[bytes]:
    """The template ``name`` as attached to each e-mail waiting in ``outbox``."""
    found = []
    for eml in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        found += [part.get_content() for part in message.iter_attachments() if part.get_filename() == name]
    return found


def test_next_holds_only_this_runs_templates(office: Path) -> None:
    templates(office)
    nxt = office / "next"
    assert files(nxt) == {S1, S2}
    (nxt / "จดหมายถึงโรงเรียน.docx").write_bytes(b"the clerk's own letter")  # put there by hand
    notes = openpyxl.Workbook()
    notes.active["A1"] = "โทรหาโรงเรียนวัดไทร"
    notes.save(nxt / "บันทึก.xlsx")
    roster = office / "roster.csv"  # s2 closed: taken off the list
    roster.write_text("".join(roster.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    templates(office, "--again")
    assert files(nxt) == {S1, "จดหมายถึงโรงเรียน.docx", "บันทึก.xlsx"}  # no last month's template left
    old = {p.name for p in (nxt / "old").rglob("*") if p.is_file()}
    assert old == {S1, S2}  # kept, out of the way
    assert read_filled(next((nxt / "old").rglob(S2))).metadata["recipient"] == "s2"
    assert attached(office / "outbox", S1) == [(nxt / S1).read_bytes()]  # the e-mail carries this run's


def test_a_run_for_one_school_moves_only_its_own(office: Path) -> None:
    templates(office)
    nxt = office / "next"
    s2_before = (nxt / S2).read_bytes()
    templates(office, "--recipient", "s1", "--again")
    assert files(nxt) == {S1, S2} and (nxt / S2).read_bytes() == s2_before  # s2's is still this month's
    assert [p.name for p in (nxt / "old").rglob("*") if p.is_file()] == [S1]


def test_a_run_for_one_school_in_the_other_format_moves_its_earlier_template(office: Path) -> None:
    """A school that fills in Calc asked for .ods: the office made hers alone, ``--recipient s2 --format ods``.
    Last month's ``s2 ….xlsx`` stayed in next/ beside the new ``s2 ….ods`` (only a file of the very name
    written moved), so next/ held two templates for her and the clerk could forward last month's."""
    templates(office)
    nxt = office / "next"
    templates(office, "--recipient", "s2", "--format", "ods", "--again")
    assert files(nxt) == {S1, S2.replace(".xlsx", ".ods")}
    assert [p.name for p in (nxt / "old").rglob("*") if p.is_file()] == [S2]


def test_an_earlier_template_held_open_stays_and_is_named(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows a workbook open in Excel cannot be moved: it stays, and the clerk is told which."""
    templates(office)
    nxt = office / "next"
    roster = office / "roster.csv"
    roster.write_text("".join(roster.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    held, replace = nxt / S2, os.replace

    def refusing(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(os.path.abspath(src)) == held:
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", os.fspath(src))
        replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refusing)
    made = run("template", "--from-master", "master.xlsx", "-o", "next", cwd=office)
    assert made.returncode == 0, made.stdout + made.stderr
    assert held.exists() and S2 in made.stdout
    assert [p.name for p in (nxt / "old").rglob("*") if p.is_file()] == [S1]


@pytest.fixture
def machine_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's own time zone set to UTC (``TZ``, as a PC's setting is)."""
    if not hasattr(time, "tzset"):
        pytest.skip("the machine's zone is set through TZ only where time.tzset exists")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_old_folder_is_named_by_the_offices_date(office: Path, machine_in_utc: None) -> None:
    """Last month's templates, made at 03:00 on 1 December in Bangkok (20:00 on 30 November UTC), went
    into next/old/2026-11-30/ on a computer whose clock is set to UTC: every other date the office shows
    (the master, the ledger, a backup's name) is in its ``timezone``, so old/ is named by that too."""
    templates(office)
    nxt = office / "next"
    made = 1796068800  # 2026-11-30T20:00:00Z
    for name in (S1, S2):
        os.utime(nxt / name, (made, made))
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('timezone = ""', 'timezone = "Asia/Bangkok"', 1),
                      encoding="utf-8")
    templates(office, "--again")
    assert sorted(p.relative_to(nxt / "old").as_posix() for p in (nxt / "old").rglob("*") if p.is_file()) == [
        f"2026-12-01/{S1}", f"2026-12-01/{S2}"]
