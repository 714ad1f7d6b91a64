"""A new fiscal year in the office: the clerk gives every school its new project code on the roster.

Played through a year (August to January, across October's new fiscal year): in October the roster
named each school's project of the new year, and a school that had not sent its new project yet had
no line for it at all — the summary showed only its old project, set apart as off the roster, the
office's total said "4 of 4 sent" for a roster of five, and the digest did not list it as not sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.office.store import Store
from sheetsync.check.reader import read_filled
from sheetsync.master import merge, templates_from_master
from sheetsync.master.model import Key
from sheetsync.office.owing import nothing_received
from sheetsync.office.summary import LEFT, NOTHING
from sheetsync.spec.form import Form
from tests.cli import new_office, run
from tests.test_master_support import CODES, seed_data, submit, variant
from tests.test_office_roster_left import summary_with_totals

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
          f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[1]}\n")
#: The roster of the new fiscal year: each school's project of that year.
NEW_YEAR = ROSTER.replace(CODES[0], CODES[2]).replace(CODES[1], CODES[3])


def _new_year_office(tmp_path: Path, form: Form) -> Path:
    """Both schools reported last year's project; then the roster names the new year's projects and
    only s1 has sent its new one."""
    folder = new_office(tmp_path, ROSTER)
    for who, code in (("s1", CODES[0]), ("s2", CODES[1])):
        submit(form, folder / "inbox", variant(seed_data(), code=code, reports=3), who)
    assert run("sync", cwd=folder).returncode == 0
    (folder / "roster.csv").write_text(NEW_YEAR, encoding="utf-8")
    submit(form, folder / "inbox", variant(seed_data(), code=CODES[2], reports=3), "s1")
    synced = run("sync", "--period", "2020-02", cwd=folder)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    return folder


def test_a_school_yet_to_send_its_new_project_has_a_line_saying_so(tmp_path: Path, progress_form: Form) -> None:
    folder = _new_year_office(tmp_path, progress_form)
    rows = summary_with_totals(folder / "master.xlsx")
    code = "รหัสโครงการ"
    lines: dict[tuple[Any, Any], dict[str, Any]] = {(r["ผู้รายงาน"], r[code]): r for r in rows
                                                   if r["ผู้รายงาน"] in ("s1", "s2")}
    assert lines[("s2", CODES[1])]["สถานะ"] == LEFT  # last year's project: kept, set apart
    assert lines[("s2", CODES[3])]["สถานะ"] == NOTHING  # was: no line at all for the new project
    total = next(r for r in rows if r["ผู้รายงาน"] == "รวมทั้งหมด")
    assert total["ชื่อผู้รายงาน"] == "ส่งรายงานแล้ว 1 จาก 2 รายการ"  # was: 1 of 1


def test_the_digest_lists_a_school_yet_to_send_its_new_project(tmp_path: Path, progress_form: Form) -> None:
    folder = _new_year_office(tmp_path, progress_form)
    with Store(folder / "sheetsync.sqlite") as store:
        keys = [Key(*map(str, row)) for row in store.query("SELECT form_id, key, recipient FROM current")]
        listed = nothing_received(store.roster(), keys, store.outcomes())
    assert [r.id for r in listed] == ["s2"]  # the digest's "not sent", as the summary says


def _twelve(code: str) -> dict[str, Any]:
    """The seed's project with all twelve report rows filled (its last months: nothing more spent)."""
    data = variant(seed_data(), code=code)
    for no, day in zip(range(8, 13), ("2020-05-29", "2020-06-30", "2020-07-31", "2020-08-31", "2020-09-30")):
        data["reports"].append(dict(data["reports"][-1], no=no, date=day, disbursed=0))
    return data


def test_a_project_whose_twelve_rows_are_filled_gets_no_next_template(tmp_path: Path, progress_form: Form) -> None:
    """In October every report row of last year's project is filled: its "next" template had every row
    locked and none open — nothing the school could send back — and was written and e-mailed all the same."""
    master = tmp_path / "master.xlsx"
    merged = merge([submit(progress_form, tmp_path, _twelve(CODES[0]), "s1"),
                    submit(progress_form, tmp_path, variant(seed_data(), code=CODES[1], reports=5), "s2")], master)
    assert [o.result for o in merged.outcomes] == ["merged", "merged"]
    said: list[str] = []
    written = templates_from_master(master, tmp_path / "next", say=said.append)
    assert [read_filled(p).metadata["recipient"] for p in written] == ["s2"]
    [line] = [s for s in said if ".xlsx" not in s]  # besides the line of who gets which format
    assert "s1" in line and CODES[0] in line and line.index("ครบ") < line.index(" / ")  # Thai first


def test_a_schools_new_project_template_keeps_who_it_is(tmp_path: Path, progress_form: Form) -> None:
    """The new year's template carried only the new code: the school typed its unit, the person
    responsible, the coordinator and the signer's position again, all as they were last year."""
    from openpyxl import load_workbook

    folder = _new_year_office(tmp_path, progress_form)
    last = variant(seed_data(), code=CODES[1], reports=3)["unit"]
    written = templates_from_master(folder / "master.xlsx", tmp_path / "next", roster=folder / "roster.csv")
    [new] = [p for p in written if read_filled(p).metadata["recipient"] == "s2"]
    data = read_filled(new).data
    assert data["project"] == {"code": CODES[3]}  # the new project's own data: the school types it
    assert data["unit"] == last
    sheet = load_workbook(new)[progress_form.sheet]
    for pointer in ("/unit/agency", "/unit/responsible_person", "/unit/coordinator"):
        cell = sheet[progress_form.field_at(pointer).place.ref]  # type: ignore[union-attr]
        assert cell.value and cell.protection.locked is False, pointer  # what changed, the school corrects
    assert sheet[progress_form.field_at("/project/code").place.ref].protection.locked  # type: ignore[union-attr]
