"""The master as the people up the line receive it: printed, every page says which sheet and which
page it is; the first line says which month the statuses are for; the totals agree with the store.

Found by printing a 60-school master (3 monthly syncs) in Calc: 171 A4 pages, none numbered, and
no line said for which month "ล่าช้า" (late) was computed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from sheetsync.master import merge
from sheetsync.office.store import Store
from sheetsync.office.summary import SUMMARY
from sheetsync.office.view import render_view
from sheetsync.spec.form import Form
from tests.test_master_support import seed_data, submit, variant
from tests.test_print import letters

BUDGETS = (50000, 999999.5, 1500000)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Path:
    """Three schools of different budgets and progress, merged into one store (no roster)."""
    folder = tmp_path_factory.mktemp("upline")
    paths = []
    for n, (budget, reports) in enumerate(zip(BUDGETS, (4, 6, 7)), start=1):
        data = variant(seed_data(), code=f"50360000-40{n:02d}", reports=reports)
        data["project"]["budget_received"] = budget
        data["targets"]["networks"][0]["budget"] = budget / 2
        data["targets"]["networks"][1]["budget"] = budget / 2
        if reports == 7:
            data["reports"][-1]["disbursed"] = budget - 10000
            data["project"]["budget_used"] = budget
        paths.append(submit(progress_form, folder, data, f"s{n}"))
    result = merge(paths, folder / "master.xlsx", period="2020-03")
    assert [o.result for o in result.outcomes] == ["merged"] * 3, result.outcomes
    return folder


def view(office: Path, tmp_path: Path, fmt: str, period: str | None = "2020-04") -> Path:
    """The office's view of ``period`` (default: April, the month of the latest report, so that every
    school's figures are in it; March's leaves out the April report: tests/test_office_asof.py)."""
    path = tmp_path / f"view.{fmt}"
    with Store(office / "master.sqlite") as store:
        render_view(store, path, period=period)
    return path


@pytest.mark.parametrize("period, month", [("2020-03", "มีนาคม 2563"), ("2020-05", "พฤษภาคม 2563"),
                                           (None, "เมษายน 2563")])  # None: the latest report's month
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_first_line_says_which_month_the_statuses_are_for(office: Path, tmp_path: Path, fmt: str,
                                                              period: str | None, month: str) -> None:
    book = CalamineWorkbook.from_path(str(view(office, tmp_path, fmt, period)))
    for name in book.sheet_names:
        first = str(book.get_sheet_by_name(name).to_python()[0][0])
        assert first.startswith("สร้างโดย sheetsync"), (name, first)
        assert f"สถานะ ณ เดือน{month}" in first, (name, first)
        # March's view leaves April's report out (tests/test_office_asof.py): it says its figures are
        # those reported up to March; May's and the latest's hold every report and say nothing of it
        assert ("(ตัวเลขเป็นฉบับที่รายงานถึงเดือนมีนาคม 2563)" in first) == (period == "2020-03"), (name, first)
        assert "ตัวเลขเป็นข้อมูลล่าสุด" not in first


def test_every_visible_sheet_prints_its_name_and_page_number_xlsx(office: Path, tmp_path: Path) -> None:
    book = load_workbook(view(office, tmp_path, "xlsx"))
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        footer = ws.oddFooter.center.text or ""
        assert "&A" in footer and "&P" in footer and "&N" in footer, (ws.title, footer)


def test_the_summary_total_agrees_with_the_store(office: Path, tmp_path: Path) -> None:
    assert_total_agrees(office, view(office, tmp_path, "xlsx"), 3)


def test_the_total_still_agrees_after_a_newer_file_replaces_one(office: Path, tmp_path: Path,
                                                                progress_form: Form) -> None:
    copy = tmp_path / "office"
    shutil.copytree(office, copy)
    data = variant(seed_data(), code="50360000-4001", reports=6)
    data["project"]["budget_received"] = BUDGETS[0]
    for network in data["targets"]["networks"]:
        network["budget"] = BUDGETS[0] / 2
    data["reports"][5]["disbursed"] = 12345.67
    data["project"]["budget_used"] = 12345.67
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)  # issued after the first files
    newer = submit(progress_form, tmp_path, data, "s1", issued=later)
    assert [o.result for o in merge([newer], copy / "master.xlsx", period="2020-04").outcomes] == ["replaced"]
    assert_total_agrees(copy, copy / "master.xlsx", 3)


def assert_total_agrees(office: Path, path: Path, schools: int) -> None:
    """The summary's total line is the store's current data added up, recomputed here."""
    with Store(office / "master.sqlite") as store:
        data = [json.loads(row[0]) for row in store.query(
            "SELECT s.data FROM current c JOIN submissions s ON s.id = c.submission_id")]
    spent = round(sum(r["disbursed"] for d in data for r in d["reports"]), 2)
    budget = round(sum(d["project"]["budget_received"] for d in data), 2)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SUMMARY).to_python()
    heads, total = rows[1], dict(zip(rows[1], rows[-1]))
    assert total[heads[0]] == "รวมทั้งหมด"
    assert total["งบประมาณที่เบิกใช้ สะสม (บาท)"] == pytest.approx(spent, abs=0.005)
    assert total["งบประมาณที่ได้รับ (บาท)"] == pytest.approx(budget, abs=0.005)
    assert total["% ของงบประมาณ"] == pytest.approx(round(spent / budget * 100, 2), abs=0.005)
    assert f"{schools} จาก {schools}" in str(total[heads[1]])
    lines = {row[0]: dict(zip(heads, row)) for row in rows[2:-2]}
    for d, who in ((d, w) for d in data for w, line in lines.items() if line["รหัสโครงการ"] == d["project"]["code"]):
        assert lines[who]["รายงานล่าสุด (ครั้งที่)"] == d["reports"][-1]["no"]
        assert lines[who]["งบประมาณที่เบิกใช้ สะสม (บาท)"] == pytest.approx(sum(r["disbursed"] for r in d["reports"]))


def _printed_pages(libreoffice: Any, path: Path) -> list[str]:
    """``path`` printed by Calc (its PDF read back by pdftotext), page by page."""
    pdf = libreoffice.convert(path, path.with_suffix(".pdf"))
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_every_printed_page_says_its_sheet_and_number(libreoffice: Any, office: Path, tmp_path: Path,
                                                      fmt: str) -> None:
    path = view(office, tmp_path, fmt)
    pages = _printed_pages(libreoffice, path)
    pages = [page for page in pages if page.strip()]
    names = [m.name for m in CalamineWorkbook.from_path(str(path)).sheets_metadata
             if str(m.visible) == str(type(m.visible).Visible)]
    assert len(pages) >= len(names)
    seen = []
    for n, page in enumerate(pages, start=1):
        footers = [line for line in page.splitlines() if re.search(r"หน้า\s*\d+\s*/\s*\d+", line)]
        assert len(footers) == 1, f"page {n} has no page number: {page[-300:]!r}"
        here, count = (int(x) for x in re.findall(r"หน้า\s*(\d+)\s*/\s*(\d+)", footers[0])[0])
        assert (here, count) == (n, len(pages)), footers[0]
        sheet = max((name for name in names if letters(name) in letters(footers[0])), key=len, default=None)
        assert sheet, f"page {n} does not name its sheet: {footers[0]!r}"
        seen.append(sheet)
    assert set(seen) == set(names)


def printed_pages(pdf: Path) -> list[tuple[str, float]]:
    """Each printed page's text and the median height of its words (points): how large it prints."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in xml.split("<page ")[1:]:
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)
        heights = sorted(float(bottom) - float(top) for top, bottom, _ in words)
        pages.append((" ".join(w for *_, w in words), heights[len(heights) // 2] if heights else 0.0))
    return pages


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_wide_data_sheet_prints_readable_with_its_key_on_every_page(libreoffice: Any, office: Path,
                                                                         tmp_path: Path, fmt: str) -> None:
    # The project sheet (25 columns) printed one page wide at about a fifth of its size: 14 pt text
    # came out under 3 pt high, against 12 pt on the cumulative sheet, which prints at full size.
    path = view(office, tmp_path, fmt)
    pages = printed_pages(libreoffice.convert(path, path.with_suffix(".pdf")))

    def of(sheet: str) -> list[tuple[str, float]]:
        return [(text, h) for text, h in pages if re.search(rf"(?<![ก-๛]){sheet}\s+—\s+หน้า", text)]

    full = max(h for _, h in of("ความก้าวหน้าสะสม"))
    data = of("โครงการ")
    assert len(data) >= 2
    for text, height in data:
        assert height >= 0.5 * full, f"the project sheet prints at {height / full:.0%} of full size"
        for n in (1, 2, 3):  # the recipient and key columns repeat on every page across
            assert f"50360000-40{n:02d}" in text


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_cumulative_sheet_names_each_school(progress_form: Form, tmp_path: Path, fmt: str) -> None:
    # Printed, the 331 rows of a 60-school cumulative sheet said only "n70-01", the roster's id:
    # nothing a reader up the line knows a school by.
    roster = tmp_path / "roster.csv"
    roster.write_text("recipient_id,school_name,email,project_code\n"
                      "n73-01,โรงเรียนวัดโพธิ์ทอง,a@example.org,50360000-4001\n"
                      "n73-02,โรงเรียนวัดยายร่ม,b@example.org,50360000-4002\n", encoding="utf-8")
    paths = [submit(progress_form, tmp_path, variant(seed_data(), code=f"50360000-400{n}", reports=3), f"n73-0{n}")
             for n in (1, 2)]
    master = tmp_path / f"master.{fmt}"
    merge(paths, master, roster=roster, period="2020-01")
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name("ความก้าวหน้าสะสม").to_python()
    heads = rows[1]
    assert heads[:3] == ["ผู้รายงาน", "ชื่อผู้รายงาน", "รหัส"]
    names = {"n73-01": "โรงเรียนวัดโพธิ์ทอง", "n73-02": "โรงเรียนวัดยายร่ม"}
    assert [(r[0], r[1]) for r in rows[2:]] == [(who, names[who]) for who in ("n73-01",) * 3 + ("n73-02",) * 3]


@pytest.fixture(scope="module")
def refused_office(tmp_path_factory: pytest.TempPathFactory, office: Path, progress_form: Form) -> Path:
    """The three schools, then a file refused for four findings: a ledger detail of ~220 characters."""
    folder = tmp_path_factory.mktemp("refused")
    shutil.copytree(office, folder, dirs_exist_ok=True)
    data = variant(seed_data(), code="50360000-4004", reports=6)
    data["reports"][2]["progress_percent"] = 1.0
    data["reports"][4]["date"] = "2019-01-01"
    data["project"]["budget_used"] = 99999999
    # (report 5's date, a year early, is one finding, outside the period, no longer also "not in order")
    data["targets"]["networks"][1]["budget"] = 80000
    [outcome] = merge([submit(progress_form, folder, data, "s4")], folder / "master.xlsx", period="2020-03").outcomes
    assert outcome.result == "refused" and len(outcome.detail) > 200, outcome
    return folder


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_printed_ledger_shows_each_detail_whole(libreoffice: Any, refused_office: Path, tmp_path: Path,
                                                     fmt: str) -> None:
    # Printed, the ledger's "รายละเอียด" column showed what fit one line of its cell: "ข้อผิดพลาด 4 รายการ:
    # B41 (ไม่เรียงตามลำดับ), B41 (อยู่นอก" and nothing of which cells, nor the codes for whoever helps.
    from sheetsync.office.sheets import LEDGER

    path = view(refused_office, tmp_path, fmt)
    pages = _printed_pages(libreoffice, path)
    ledger = [page for page in pages if re.search(rf"{LEDGER}\s+—\s+หน้า", page)]
    assert ledger, "no page of the ledger printed"
    printed = letters("".join(ledger))
    # Its end, in Thai and in English (pieces no hyphen splits: Calc may break a line after "-").
    for piece in ("F7", "(เกินงบประมาณที่ได้รับ)", "decreased@D39", "received@F7", "period@B41"):
        assert letters(piece) in printed, f"{piece!r} is not printed:\n{''.join(ledger)[:3000]}"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_summary_prints_large_enough_to_read(libreoffice: Any, progress_form: Form, tmp_path: Path,
                                                 fmt: str) -> None:
    # With a roster (a network column) the summary's 15 columns, every text on one line, were 273
    # width units: fitted to one A4 page across it printed at 57 % (14 pt as 8), 0.64 of the
    # cumulative sheet's size. Its long texts now wrap, its widths are its headings' longest words,
    # and the latest file's name (the clerk's, to open it) is not printed.
    schools = ("โรงเรียนวัดบางขุนเทียนนอก", "โรงเรียนวัดบางปรุหนองโรง", "โรงเรียนวัดมงคลวราราม")
    roster = tmp_path / "roster.csv"
    roster.write_text("recipient_id,school_name,email,project_code,network\n" + "".join(
        f"n73-0{n},{school},s{n}@example.org,50360000-400{n},73\n" for n, school in enumerate(schools, start=1)),
        encoding="utf-8")
    paths = [submit(progress_form, tmp_path, variant(seed_data(), code=f"50360000-400{n}", reports=3 + n), f"n73-0{n}")
             for n in (1, 2)]
    master = tmp_path / f"master.{fmt}"
    merge(paths, master, roster=roster, period="2020-03")
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(SUMMARY).to_python()
    assert rows[1][2] == "เครือข่าย" and rows[1][-1] == "ไฟล์ล่าสุด"  # the widest summary there is
    assert str(rows[2][-1]).endswith(f".{fmt}") or rows[2][-1]  # the file's name is in the workbook

    pages = printed_pages(libreoffice.convert(master, master.with_suffix(".pdf")))

    def of(sheet: str) -> list[tuple[str, float]]:
        return [(text, h) for text, h in pages if re.search(rf"(?<![ก-๛]){sheet}\s+—\s+หน้า", text)]

    [(summary, height)] = of(SUMMARY)
    full = max(h for _, h in of("ความก้าวหน้าสะสม"))
    assert height >= 0.75 * full, f"the summary prints at {height / full:.0%} of the cumulative sheet's size"
    printed, words = letters(summary), [letters(w) for w in summary.split()]
    for school in schools + ("ยังไม่ได้รับรายงาน",):  # wrapped (on two lines at most), each prints whole
        assert letters(school) in words or any(letters(school) == a + b for a in words for b in words), school
    assert letters("ไฟล์ล่าสุด") not in printed and ".xlsx" not in summary
