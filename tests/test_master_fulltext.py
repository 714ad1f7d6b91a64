"""Long texts in the master: whole in the data sheets' cells (they were cut at 300 characters),
and whole, wrapped, on the sheet ข้อความเต็ม, in rows a page can hold — in both writers."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from sheetsync.master.fulltext import ROW_LINES, TEXT_SHEET, TEXT_WIDTH, chunks
from sheetsync.office.store import Store
from sheetsync.office.view import render_view
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.metrics import PT_PER_UNIT, wrapped_lines
from sheetsync.template.write import write_template
from tests.libreoffice import LibreOffice

PARAGRAPH = "โครงการนี้มุ่งพัฒนาคุณภาพการศึกษาของนักเรียนในสังกัดกรุงเทพมหานคร โดยเน้นการอ่านออกเขียนได้และการคิดวิเคราะห์ "
RATIONALE = "\n".join((PARAGRAPH * 12).strip() for _ in range(5))[:5900]  # five long paragraphs
OBJECTIVE = (PARAGRAPH * 9)[:990].strip()
STAGE = ("ดำเนินการจัดอบรมครูแกนนำ" * 200)[:4900]  # a run of Thai with no space at all


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Path:
    from tests.test_master_support import seed_data
    folder = tmp_path_factory.mktemp("long")
    data = seed_data()
    data["rationale"], data["objectives"][0], data["reports"][6]["stage"] = RATIONALE, OBJECTIVE, STAGE
    write_template(progress_form, folder / "inbox" / "s1.xlsx", data=data, recipient="s1")
    result = sync(folder / "inbox", folder / "master.xlsx", report_dir=folder / "reports",
                  options=SyncOptions(settle=0))
    assert [o.result for o in result.outcomes()] == ["merged"]
    return folder


def view(office: Path, fmt: str) -> Path:
    path = office / f"view.{fmt}"
    with Store(office / "master.sqlite") as store:
        render_view(store, path, period="2020-04")  # the month of its latest report: its figures
    return path


def sheet_rows(path: Path, name: str) -> list[dict[str, Any]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    return [dict(zip(rows[1], row)) for row in rows[2:]]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_data_sheets_hold_each_text_whole(office: Path, fmt: str) -> None:
    path = view(office, fmt)
    [data] = sheet_rows(path, "โครงการ")
    assert data["หลักการและเหตุผล"] == RATIONALE  # was its first 299 characters and "…"
    assert str(data["วัตถุประสงค์"]).startswith(f"1. {OBJECTIVE}")
    stages = [r["อยู่ระหว่างขั้นตอน"] for r in sheet_rows(path, "รายงาน")]
    assert STAGE in stages


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_every_long_text_is_whole_on_the_text_sheet_in_rows_a_page_holds(office: Path, fmt: str) -> None:
    path = view(office, fmt)
    rows = sheet_rows(path, TEXT_SHEET)
    texts: dict[str, str] = {}
    for row in rows:
        assert row["ผู้รายงาน"] == "s1"
        title = re.sub(r" \(\d+/\d+\)$", "", str(row["หัวข้อ"]))
        texts[title] = texts.get(title, "") + str(row["ข้อความ"])
        assert wrapped_lines(str(row["ข้อความ"]), TEXT_WIDTH * PT_PER_UNIT, 14) <= ROW_LINES
    assert squeezed(texts["หลักการและเหตุผล"]) == squeezed(RATIONALE)
    assert squeezed(texts["อยู่ระหว่างขั้นตอน (รายงานครั้งที่ 7)"]) == squeezed(STAGE)
    assert squeezed(OBJECTIVE) in squeezed(texts["วัตถุประสงค์"])
    assert "ชื่อโครงการ/กิจกรรม" not in texts  # a short text stays on its data sheet only
    parts = [r["หัวข้อ"] for r in rows if str(r["หัวข้อ"]).startswith("หลักการและเหตุผล")]
    assert len(parts) > 1 and parts[0] == f"หลักการและเหตุผล (1/{len(parts)})"


def test_the_xlsx_text_sheet_wraps_in_rows_sized_to_their_text(office: Path) -> None:
    ws = load_workbook(view(office, "xlsx"))[TEXT_SHEET]
    tall = [ws.row_dimensions[r].height for r in range(3, ws.max_row + 1)]
    assert all(ws.cell(r, 4).alignment.wrap_text and ws.cell(r, 4).alignment.vertical == "top"
               for r in range(3, ws.max_row + 1))
    assert all(h is not None and 21 <= h <= 409 for h in tall) and max(tall) > 200  # type: ignore[operator]
    assert ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$1:$2"


def test_a_text_is_cut_between_paragraphs_then_words_then_letters() -> None:
    width = TEXT_WIDTH * PT_PER_UNIT
    assert chunks("short", width, ROW_LINES) == ["short"]
    parts = chunks(RATIONALE, width, ROW_LINES)
    assert "\n".join(parts) == RATIONALE or squeezed("".join(parts)) == squeezed(RATIONALE)
    letters = chunks(STAGE, width, 3)
    assert "".join(letters) == STAGE and all(wrapped_lines(p, width, 14) <= 3 for p in letters)


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_long_text_prints_whole(libreoffice: LibreOffice, tmp_path: Path, progress_form: Form, fmt: str) -> None:
    """Printed, the master carries every word of a long rationale (words a PDF gives back as
    they are: Latin ones, numbered)."""
    from tests.test_master_support import seed_data
    words = [f"word{n:04d}" for n in range(600)]  # 5,400 characters (at most 6,000)
    data = seed_data()
    data["rationale"] = " ".join(words)
    write_template(progress_form, tmp_path / "inbox" / "s1.xlsx", data=data, recipient="s1")
    sync(tmp_path / "inbox", tmp_path / f"master.{fmt}", report_dir=tmp_path / "reports",
         options=SyncOptions(settle=0))
    pdf = libreoffice.convert(tmp_path / f"master.{fmt}", tmp_path / "print.pdf")
    printed = squeezed(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout)  # a page printed small comes back spaced out
    assert [w for w in words if w not in printed] == []
