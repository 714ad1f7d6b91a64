"""Found by a clerk who saved ``roster.csv`` with its headings only (every school's line deleted by
mistake): the next ``sync`` took the inbox and marked every school "no longer on the list" in the
store (``roster_left``), where ``init`` and ``template`` refuse such a roster. ``sync`` refuses it too,
Thai first, before any file is taken, and the store's roster stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant

ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดโพธิ์ทอง,a@s1.example,50360000-3600\n"
          "s2,โรงเรียนวัดไทร,b@s2.example,50360000-3601\n")
HEADINGS = "recipient_id,school_name,email,project_code\r\n,,,\r\n"


def _listed(office: Path) -> tuple[list[str], dict[str, str]]:
    with Store(office / "sheetsync.sqlite") as store:
        return [r.id for r in store.roster()], store.roster_left()


def test_sync_refuses_a_roster_emptied_before_taking_any_file(tmp_path: Path, progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    assert run("sync", cwd=office).returncode == 0
    assert _listed(office) == (["s1", "s2"], {})
    (office / "roster.csv").write_text(HEADINGS, encoding="utf-8")
    dropped = office / "inbox" / "s1.xlsx"
    write_template(progress_form, dropped, data=variant(seed_data(), code="50360000-3600", reports=2), recipient="s1")
    done = run("sync", cwd=office)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "roster.csv" in lines[0] and "ไม่มีรายชื่อโรงเรียน" in lines[0], done.stderr
    assert lines[0].index("ไม่มีรายชื่อโรงเรียน") < lines[0].index(" / ")
    assert dropped.exists()  # not taken
    assert _listed(office) == (["s1", "s2"], {})


def test_sync_with_an_emptied_roster_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    assert run("sync", cwd=office).returncode == 0
    empty = tmp_path / "empty.csv"
    empty.write_text(HEADINGS, encoding="utf-8")
    done = run("sync", "--roster", empty, cwd=office)
    assert done.returncode == 2 and "empty.csv" in done.stderr and "ไม่มีรายชื่อโรงเรียน" in done.stderr
    assert _listed(office) == (["s1", "s2"], {})


FOUR = ROSTER + ("s3,โรงเรียนบ้านนา,c@s3.example,50360000-3602\n"
                 "s4,โรงเรียนบ้านดอน,d@s4.example,50360000-3603\n")


def test_a_roster_cut_short_says_how_many_left_and_loses_nothing(tmp_path: Path) -> None:
    office = new_office(tmp_path, FOUR)
    assert run("sync", cwd=office).returncode == 0
    (office / "roster.csv").write_text(FOUR.splitlines(keepends=True)[0] + FOUR.splitlines(keepends=True)[1],
                                       encoding="utf-8")  # half a file pasted: one school of four
    done = run("sync", cwd=office)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if "โรงเรียนวัดไทร" in line]
    assert len(said) == 1 and "3" in said[0] and "4" in said[0], done.stderr
    assert said[0].index("ไม่อยู่ในรายชื่อ") < said[0].index(" / ")
    assert _listed(office) == (["s1"], {"s2": "โรงเรียนวัดไทร", "s3": "โรงเรียนบ้านนา", "s4": "โรงเรียนบ้านดอน"})
    assert "โรงเรียนวัดไทร" not in run("sync", cwd=office).stderr  # said once, when they left
    (office / "roster.csv").write_text(FOUR, encoding="utf-8")  # put back: listed again, as before
    assert run("sync", cwd=office).returncode == 0
    assert _listed(office) == (["s1", "s2", "s3", "s4"], {})


def test_merge_refuses_a_roster_emptied_before_taking_any_file(tmp_path: Path, progress_form: Form) -> None:
    # `merge --roster` set the headings-only roster all the same: every school "no longer on the list".
    office = new_office(tmp_path, ROSTER)
    assert run("sync", cwd=office).returncode == 0
    empty = tmp_path / "empty.csv"
    empty.write_text(HEADINGS, encoding="utf-8")
    dropped = tmp_path / "s1.xlsx"
    write_template(progress_form, dropped, data=variant(seed_data(), code="50360000-3600", reports=2), recipient="s1")
    done = run("merge", dropped, "--roster", empty, cwd=office)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "empty.csv" in done.stderr and done.stderr.index("ไม่มีรายชื่อโรงเรียน") < done.stderr.index(" / ")
    assert _listed(office) == (["s1", "s2"], {})
    with Store(office / "sheetsync.sqlite") as store:
        assert store.current_of("progress-report", "50360000-3600", "s1") is None  # nothing merged


def test_the_librarys_sync_refuses_an_empty_roster(tmp_path: Path) -> None:
    from sheetsync.errors import RosterError
    from sheetsync.sync import sync

    office = new_office(tmp_path, ROSTER)
    assert run("sync", cwd=office).returncode == 0
    with pytest.raises(RosterError) as refused:
        sync(office / "inbox", office / "master.xlsx", report_dir=office / "reports", roster=[])
    said = str(refused.value)
    assert "ไม่มีรายชื่อโรงเรียน" in said and said.index("ไม่มีรายชื่อโรงเรียน") < said.index(" / ")
    assert _listed(office) == (["s1", "s2"], {})
    sync(office / "inbox", office / "master.xlsx", report_dir=office / "reports")  # None: the store's roster stands
    assert _listed(office) == (["s1", "s2"], {})


def test_validate_refuses_a_roster_with_its_headings_only(tmp_path: Path, progress_form: Form) -> None:
    """``validate --roster`` took it (and named no school in its summary) where every other command refuses it."""
    roster, filled = tmp_path / "roster.csv", tmp_path / "s1.xlsx"
    roster.write_text(HEADINGS, encoding="utf-8")
    write_template(progress_form, filled, data=seed_data(), recipient="s1")
    done = run("validate", str(filled), "--roster", str(roster), "--report-dir", str(tmp_path / "reports"), cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "roster.csv" in lines[0] and "ไม่มีรายชื่อโรงเรียน" in lines[0], done.stderr
