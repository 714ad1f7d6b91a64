"""reports/ shows each school's current state for a report: an earlier file's reports move to reports/old/.

A school sent a file with mistakes (its marked-up copy ``…-ตรวจแล้ว.xlsx`` in reports/), then the corrected
file. Reports are named by the returned file's stem and a valid file writes no marked-up copy, so the old
copy stayed beside the new "passed" report (and, the corrected file sent under another name, every old
report stayed): a clerk opening reports/ saw red marks for a school that was done. The earlier file's
reports now move into reports/old/ (never deleted) once a newer file of the same school and key is
checked; those of another school, or of another month of a monthly form, stay.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.conftest import FORMS_DIR
from tests.test_master_support import CODES, at, seed_data, variant
from tests.test_office_monthly import ISSUED, month
from tests.test_office_year_end import last_digest

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
          f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[1]}\n")
MARKED = "-ตรวจแล้ว"


def wrong(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with a mistake: the third report's progress goes back."""
    out = copy.deepcopy(data)
    out["reports"][2]["progress_percent"] = 5.0
    return out


def send(office: Path, form: Form, name: str, data: dict[str, Any], who: str, day: int) -> None:
    """A school's file saved into the inbox, then ``sheetsync sync`` in the office."""
    write_template(form, office / "inbox" / name, data=data, recipient=who, issued=at(day))
    synced = run("sync", cwd=office)
    assert synced.returncode in (0, 1), synced.stdout + synced.stderr


def names(folder: Path) -> set[str]:
    """The files of ``folder`` (not its subfolders)."""
    return {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()


@pytest.fixture
def office(tmp_path: Path) -> Path:
    return new_office(tmp_path, ROSTER)


def test_the_corrected_file_under_the_same_name_moves_the_old_marked_copy(office: Path, progress_form: Form) -> None:
    reports = office / "reports"
    send(office, progress_form, "s1.xlsx", wrong(variant(seed_data(), code=CODES[0], reports=5)), "s1", 0)
    assert f"s1{MARKED}.xlsx" in names(reports)
    send(office, progress_form, "s1.xlsx", variant(seed_data(), code=CODES[0], reports=5), "s1", 1)
    assert f"s1{MARKED}.xlsx" not in names(reports)  # the school is done: no red marks left for it
    # The passed report, named as processed/ keeps the file (s1-2.xlsx: the first s1.xlsx is there)
    assert {"s1-2.txt", "s1-2.html", "s1-2.json"} <= names(reports)
    assert {f"s1{MARKED}.xlsx", "s1.txt", "s1.json"} <= names(reports / "old")  # kept, out of the way
    assert json.loads((reports / "s1-2.json").read_text(encoding="utf-8"))["valid"] is True


def test_the_digest_and_summary_name_a_file_as_it_is_kept(office: Path, progress_form: Form) -> None:
    # The corrected s1.xlsx is kept as s1-2.xlsx (processed/, its reports, the master, history), but the
    # digest and reports/summary.xlsx named it "s1.xlsx": the clerk looking for its report found the
    # refused file's, in reports/old/ (a digest of a run stopped before its digest named it s1-2.xlsx).
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"', 1),
                      encoding="utf-8")
    send(office, progress_form, "s1.xlsx", wrong(variant(seed_data(), code=CODES[0], reports=5)), "s1", 0)
    send(office, progress_form, "s1.xlsx", variant(seed_data(), code=CODES[0], reports=5), "s1", 1)
    [passed] = last_digest(office)["passed"]
    assert passed["file"] == "s1-2.xlsx" and "s1-2.txt" in names(office / "reports")
    summary = (office / "reports" / "summary.csv").read_text(encoding="utf-8-sig")
    assert "s1-2.xlsx" in summary and "s1.xlsx" not in summary


def test_the_corrected_file_under_another_name_moves_every_old_report(office: Path, progress_form: Form) -> None:
    reports = office / "reports"
    send(office, progress_form, "s2-draft.xlsx", wrong(variant(seed_data(), code=CODES[1], reports=4)), "s2", 0)
    send(office, progress_form, "s1-first.xlsx", wrong(variant(seed_data(), code=CODES[0], reports=5)), "s1", 0)
    old_s1 = {"s1-first.txt", "s1-first.html", "s1-first.json", f"s1-first{MARKED}.xlsx"}
    assert old_s1 <= names(reports)
    send(office, progress_form, "s1-final.xlsx", variant(seed_data(), code=CODES[0], reports=5), "s1", 1)
    assert not old_s1 & names(reports)
    assert old_s1 <= names(reports / "old")
    assert {"s1-final.txt", "s1-final.html", "s1-final.json"} <= names(reports)
    # another school's reports stay, marks and all
    assert {"s2-draft.txt", f"s2-draft{MARKED}.xlsx"} <= names(reports)


def test_a_newer_file_with_mistakes_leaves_the_passed_one(office: Path, progress_form: Form) -> None:
    """The office still holds the passed file: its report stays beside the newer one to fix; a third,
    corrected, file then moves both."""
    reports = office / "reports"
    send(office, progress_form, "s1-nov.xlsx", variant(seed_data(), code=CODES[0], reports=5), "s1", 0)
    send(office, progress_form, "s1-dec.xlsx", wrong(variant(seed_data(), code=CODES[0], reports=6)), "s1", 30)
    assert {"s1-nov.txt", "s1-dec.txt", f"s1-dec{MARKED}.xlsx"} <= names(reports)
    send(office, progress_form, "s1-dec2.xlsx", variant(seed_data(), code=CODES[0], reports=6), "s1", 31)
    assert not {"s1-nov.txt", "s1-dec.txt", f"s1-dec{MARKED}.xlsx"} & names(reports)
    assert "s1-dec2.txt" in names(reports)


def test_a_marked_copy_held_open_stays_and_moves_next_run(office: Path, progress_form: Form,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows a workbook open in Excel cannot be moved: it stays, nothing alarming is said, and
    the next run moves it once it is closed."""
    reports = office / "reports"
    send(office, progress_form, "s1-a.xlsx", wrong(variant(seed_data(), code=CODES[0], reports=5)), "s1", 0)
    held = os.path.normcase(os.path.abspath(reports / f"s1-a{MARKED}.xlsx"))
    replace = os.replace

    def refusing(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if os.path.normcase(os.path.abspath(os.fspath(src))) == held:
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", os.fspath(src))
        replace(src, dst, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", refusing)
        write_template(progress_form, office / "inbox" / "s1-b.xlsx", data=variant(seed_data(), code=CODES[0],
                                                                                   reports=5), recipient="s1",
                       issued=at(1))
        synced = run("sync", cwd=office)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert f"s1-a{MARKED}" not in synced.stdout + synced.stderr and "sheetsync:" not in synced.stderr  # nothing said
    assert f"s1-a{MARKED}.xlsx" in names(reports)  # held open: left where it is
    assert "s1-a.txt" not in names(reports)  # the others moved
    again = run("sync", cwd=office)  # the clerk closed it
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"s1-a{MARKED}.xlsx" not in names(reports)
    assert f"s1-a{MARKED}.xlsx" in names(reports / "old")


def test_another_month_of_a_monthly_form_keeps_its_reports(tmp_path: Path, lunch_form: Form,
                                                           lunch_sample: dict[str, Any]) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,head@s1.example,10360001\n",
                      encoding="utf-8")
    office = tmp_path / "district"
    assert run("init", office, "--form", "school-lunch", "--forms-dir", FORMS_DIR, "--roster", roster).returncode == 0
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                      encoding="utf-8")
    october = month(lunch_sample, "ตุลาคม", 15)
    october["budget"]["spent"] += 1_000  # not the sum of the grades' amounts: a mistake to fix
    for name, data, issued in (("s1-oct.xlsx", october, "ตุลาคม"),
                               ("s1-nov.xlsx", month(lunch_sample, "พฤศจิกายน", 20), "พฤศจิกายน")):
        write_template(lunch_form, office / "inbox" / name, data=data, recipient="s1", issued=ISSUED[issued])
        synced = run("sync", cwd=office, env={"SHEETSYNC_FORMS": ""})
        assert synced.returncode in (0, 1), synced.stdout + synced.stderr
    reports = office / "reports"
    assert f"s1-oct{MARKED}.xlsx" in names(reports), names(reports)  # October still has to be fixed
    assert "s1-nov.txt" in names(reports)


def test_another_schools_file_of_the_same_name_in_another_format_keeps_both_reports(office: Path,
                                                                                     progress_form: Form) -> None:
    """Reports are named as processed/ keeps the file: "แบบรายงาน.xlsx" kept last month and
    "แบบรายงาน.ods" now (another school, or the office's other template format) must not share the
    reports' name, or the second writes over the first's check (another school's, or one not moved aside)."""
    reports = office / "reports"
    send(office, progress_form, "แบบรายงาน.xlsx", wrong(variant(seed_data(), code=CODES[0], reports=5)), "s1", 0)
    send(office, progress_form, "แบบรายงาน.ods", wrong(variant(seed_data(), code=CODES[1], reports=4)), "s2", 0)
    assert len(list(reports.glob("*.txt"))) == 2 and len(list(reports.glob("*.json"))) == 2, names(reports)
    assert f"แบบรายงาน{MARKED}.xlsx" in names(reports)  # s1's marked copy still beside its own check
    kept = sorted(p.stem for p in (office / "processed").iterdir())
    assert kept == sorted(p.stem for p in reports.glob("*.json"))  # each named as its file is kept


def test_the_digest_names_an_unreadable_file_as_it_is_kept_in_its_reason_too(office: Path) -> None:
    # The second unreadable s1.xlsx is kept as quarantine/s1-2.xlsx: the digest's row and the summary named
    # it so, but the reason beside it still said "s1.xlsx: …" — the first file, refused a week before.
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"', 1),
                      encoding="utf-8")
    for text in (b"not a spreadsheet", b"still not a spreadsheet"):
        (office / "inbox" / "s1.xlsx").write_bytes(text)
        assert run("sync", cwd=office).returncode in (0, 1)
    assert "s1-2.xlsx" in names(office / "quarantine")
    [unread] = last_digest(office)["unreadable"]
    assert unread["file"] == "s1-2.xlsx"
    assert "s1-2.xlsx" in unread["problem"] and "s1.xlsx" not in unread["problem"]
    summary = (office / "reports" / "summary.csv").read_text(encoding="utf-8-sig")
    assert "s1-2.xlsx" in summary and "s1.xlsx" not in summary
