"""The monthly loop end to end, as the office and two teachers do it in Calc: ``init``, first templates
from the roster (one school's .xlsx, the other's .ods), each teacher types reports 1–2 and saves in her
format, ``sync``; next month's templates from the master, each teacher adds report 3 and updates the
budget used, ``sync``; the month after, one sends a report whose progress went down, fixes the marked-up
copy in Calc and sends it again. Asserted on what people see: cells read back, the master's rows, the
reports' messages and the store's history (never bytes).

Walked and found right (2026-12): nothing lost or doubled between months (the master's cumulative
sheet holds each report once, the ledger each file once); prefilled dates, percents, satang and Thai
text with line breaks read back as typed in both formats, after Calc saves them; earlier reports are
locked and typing over them does not stick; the open prefilled fields (budget used, the unit) are open;
messages name the teacher's own cell. Found wrong and fixed: a school's next template made alone in the
other format (``--recipient s2 --format ods``) left last month's .xlsx beside it in next/
(see tests/test_template_next_folder.py); next month's templates made for everyone were all .xlsx, so the
school on Calc got an .xlsx (see tests/test_template_format_kept.py).
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.check.reader import read_filled
from sheetsync.spec.form import Form
from tests.cli import new_office, run
from tests.typing import typed_entries

pytestmark = pytest.mark.libreoffice

ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,a@s1.example,50360000-0001\n"
          "s2,โรงเรียนวัดโพธิ์,b@s2.example,50360000-0002\n")
FILES = {"s1": "s1 โรงเรียนวัดไทร.xlsx", "s2": "s2 โรงเรียนวัดโพธิ์.ods"}
CODES = {"s1": "50360000-0001", "s2": "50360000-0002"}


def _month_one(seed: dict[str, Any], who: str) -> dict[str, Any]:
    """What a teacher types the first month: the project, reports 1–2 (a two-line stage, satang)."""
    data = copy.deepcopy(seed)
    data["project"]["code"] = CODES[who]
    data["project"]["budget_used"] = 12345.5
    data["reports"] = data["reports"][:2]
    data["reports"][1].update(stage="จัดสรรงบประมาณแล้ว\nประชุมครูเครือข่าย", disbursed=1500.25)
    return data


def _report(row: int, date: str, percent: str, amount: str) -> dict[str, str]:
    """A report typed into its row."""
    return {f"B{row}": date, f"C{row}": "จัดกิจกรรม\nแลกเปลี่ยนเรียนรู้", f"D{row}": percent, f"E{row}": amount,
            f"F{row}": "เป็นไปตามแผน", f"G{row}": "เป็นไปตามเป้าหมาย"}


def _sheet(master: Path, name: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(master)).get_sheet_by_name(name).to_python()


def _cumulative(office: Path) -> list[tuple[str, float, float, float]]:
    """The master's running totals: (school, report no, progress, disbursed so far) per row."""
    rows = _sheet(office / "master.xlsx", "ความก้าวหน้าสะสม")[2:]
    return [(r[0], r[3], r[5], r[7]) for r in rows if r and r[0]]


def _deliver(office: Path, path: Path, name: str) -> None:
    shutil.copy(path, office / "inbox" / name)


def test_three_months_in_calc(libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    sheet = progress_form.sheet
    # Month 1: first templates from the roster, s1's .xlsx and s2's .ods.
    for who, fmt in (("s1", "xlsx"), ("s2", "ods")):
        made = run("template", "--roster", "roster.csv", "-o", "templates/", "--recipient", who, "--format", fmt,
                   cwd=office)
        assert made.returncode == 0, made.stderr
    for who, name in FILES.items():
        typed = tmp_path / f"{who}-1{Path(name).suffix}"
        data = _month_one(seed, who)
        libreoffice.type_into(office / "templates" / name, typed, typed_entries(progress_form, data), sheet=sheet)
        assert read_filled(typed).data["reports"] == data["reports"]
        _deliver(office, typed, name)
    assert run("sync", cwd=office).returncode == 0
    for name in FILES.values():
        assert "ถูกต้องครบถ้วน" in (office / "reports" / name).with_suffix(".txt").read_text(encoding="utf-8")
    assert _cumulative(office) == [("s1", 1, 10, 0), ("s1", 2, 20, 1500.25), ("s2", 1, 10, 0), ("s2", 2, 20, 1500.25)]

    # Month 2: next templates from the master, each in the format its school sent (s2's .ods again);
    # earlier reports locked, budget used open.
    assert run("template", "--from-master", "master.xlsx", "-o", "next/", cwd=office).returncode == 0
    assert sorted(p.name for p in (office / "next").iterdir() if p.is_file()) == sorted(FILES.values())
    s1_next = office / "next" / FILES["s1"]
    cells = libreoffice.cells(s1_next, sheet, ["B38", "C38", "D38", "E38", "F7", "B39"])
    assert {r: c["locked"] for r, c in cells.items()} == {"B38": True, "C38": True, "D38": True, "E38": True,
                                                           "F7": False, "B39": False}
    assert (cells["B38"]["string"], cells["D38"]["string"]) == ("29/11/2562", "20.00 %")
    assert cells["C38"]["string"] == "จัดสรรงบประมาณแล้ว\nประชุมครูเครือข่าย" and cells["E38"]["value"] == 1500.25
    for who, name in FILES.items():
        typed = tmp_path / f"{who}-2{Path(name).suffix}"
        entries = {**_report(39, "29/12/2562", "25%", "2,000.75"), "F7": "15,000.50", "D38": "99"}
        libreoffice.type_into(office / "next" / name, typed, entries, sheet=sheet)
        _deliver(office, typed, typed.name)
    assert run("sync", cwd=office).returncode == 0
    three = [(w, n, p, d) for w in ("s1", "s2") for n, p, d in ((1, 10, 0), (2, 20, 1500.25), (3, 25, 3501.0))]
    assert _cumulative(office) == three
    history = run("history", "--recipient", "s1", cwd=office).stdout
    assert FILES["s1"] in history and "s1-2.xlsx" in history and "12,345.50 → 15,000.50" in history

    # Month 3: every school's next template, then s2's made alone with --format ods; s1's progress
    # goes down, she fixes the marked-up copy in Calc and sends it again.
    assert run("template", "--from-master", "master.xlsx", "-o", "next/", cwd=office).returncode == 0
    assert run("template", "--from-master", "master.xlsx", "-o", "next/", "--recipient", "s2", "--format", "ods",
               cwd=office).returncode == 0
    assert sorted(p.name for p in (office / "next").iterdir() if p.is_file()) == sorted(
        [FILES["s1"], FILES["s2"]])
    for who, name, percent in (("s1", FILES["s1"], "15"), ("s2", FILES["s2"], "35 %")):
        typed = tmp_path / f"{who}-3{Path(name).suffix}"
        libreoffice.type_into(office / "next" / name, typed, _report(40, "31/1/2563", percent, "3,000.10"),
                              sheet=sheet)
        _deliver(office, typed, typed.name)
    assert run("sync", cwd=office).returncode == 1
    said = (office / "reports" / "s1-3.txt").read_text(encoding="utf-8")
    assert "ช่อง D40" in said and "D39" not in said and "D38" not in said, said
    marked = office / "reports" / "s1-3-ตรวจแล้ว.xlsx"
    fixed = tmp_path / "s1-3-fixed.xlsx"
    libreoffice.type_into(marked, fixed, {"D40": "35"}, sheet=sheet)
    _deliver(office, fixed, fixed.name)
    assert run("sync", cwd=office).returncode == 0
    four = [(w, n, p, d) for w in ("s1", "s2") for n, p, d in
            ((1, 10, 0), (2, 20, 1500.25), (3, 25, 3501.0), (4, 35, 6501.1))]
    assert _cumulative(office) == four
    ledger = [r[1] for r in _sheet(office / "master.xlsx", "บันทึกการรับไฟล์")[2:] if r and r[1]]
    assert len(ledger) == len(set(ledger)) == 7
