"""Found by a clerk following the README's "For the office" part with files named as the office names
them: by the school, in Thai (`n73-03 โรงเรียนวัดยายร่ม.xlsx`, step 5), and a wrong file a school named
in Thai (`รายงานโครงการ วัดหนองแขม.xlsx`).

A stored detail is the Thai, `` / ``, then the English; the English names the file, so it holds Thai
too. Split where the English first holds no Thai, such a detail was not split at all: the line of a
file read again after a restore said each language twice (the master's ledger, the run's table), and
the note beside a file set aside repeated its Thai in the line meant for the technical English. The
batch summary (reports/summary.xlsx), all in Thai, said why a file was set aside in English only.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from sheetsync.office.details import joined, pair, split
from tests.cli import new_office, run

THAI = re.compile("[\u0e00-\u0e7f]")
SCHOOL = "n73-03 โรงเรียนวัดยายร่ม 50360000-3603.xlsx"  # as `sheetsync template` names a school's file
WRONG = "รายงานโครงการ วัดหนองแขม.xlsx"  # a workbook of the school's own: not the template
ROSTER = "recipient_id,school_name,email,project_code\nn73-04,โรงเรียนวัดหนองแขม,a@s4.example,P\n"


def test_a_detail_naming_a_thai_file_splits_into_its_thai_and_its_english() -> None:
    th, en = split(f"แทนที่ไฟล์ {SCHOOL} (เพิ่มแถว ครั้งที่ 3, 4) / replaces {SCHOOL}; added rows 3, 4")
    assert th == f"แทนที่ไฟล์ {SCHOOL} (เพิ่มแถว ครั้งที่ 3, 4)" and en == f"replaces {SCHOOL}; added rows 3, 4"
    assert split(f"{th} / {en}") == (th, en)


def test_a_thai_label_holding_the_separator_stays_in_the_thai() -> None:
    # The catalogue's labels may hold " / " ("ชื่อ / สกุล"): the Thai after it is not the English.
    assert split("ช่อง ชื่อ / สกุล ว่าง / cell ชื่อ / สกุล empty") == ("ช่อง ชื่อ / สกุล ว่าง", "cell ชื่อ / สกุล empty")
    assert split("ช่อง ชื่อ / สกุล ว่าง / cell B4 empty") == ("ช่อง ชื่อ / สกุล ว่าง", "cell B4 empty")


def test_a_file_read_again_after_a_restore_says_each_language_once() -> None:
    stored = f"แทนที่ไฟล์ {SCHOOL} (เพิ่มแถว ครั้งที่ 3, 4) / replaces {SCHOOL}; added rows 3, 4"
    detail = joined(pair("reread", backup="sheetsync-20261202-032325.sqlite"), split(stored))  # as record.py
    assert detail.count("แทนที่ไฟล์") == 1 and detail.count("replaces") == 1, detail
    th, en = split(detail)
    assert th.startswith("อ่านใหม่หลังกู้คืน") and en.startswith("read again after the restore"), detail


def _wrong_file_synced(tmp_path: Path) -> Path:
    office = new_office(tmp_path, ROSTER)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ชื่อโครงการ", "รหัส", "ร้อยละ"])
    sheet.append(["โครงการพัฒนา", "50360000-3604", "40%"])
    book.save(office / "inbox" / WRONG)
    assert run("sync", cwd=office).returncode == 1
    return office


def test_the_note_beside_a_thai_named_file_set_aside_says_its_thai_once(tmp_path: Path) -> None:
    office = _wrong_file_synced(tmp_path)
    lines = (office / "quarantine" / f"{WRONG}.txt").read_text(encoding="utf-8").splitlines()
    thai, english, technical = lines
    assert THAI.search(thai) and not THAI.search(english)
    assert technical.startswith(f"{WRONG}: ") and not THAI.search(technical.removeprefix(f"{WRONG}: ")), lines


def test_the_summary_says_in_thai_why_a_file_was_set_aside(tmp_path: Path) -> None:
    office = _wrong_file_synced(tmp_path)
    rows = CalamineWorkbook.from_path(str(office / "reports" / "summary.xlsx")).get_sheet_by_index(0).to_python()
    header, [row] = rows[0], [r for r in rows if r and r[0] == WRONG]
    problem = str(row[header.index("ปัญหาของไฟล์")])
    why = problem.removeprefix(f"{WRONG}: ")
    assert THAI.match(why), problem  # Thai first, in plain words, as the run's table says it
    assert "not a sheetsync form" in problem  # and the reader's own English for whoever helps
