"""Proves the LibreOffice harness (tests/libreoffice) against a real Calc.

The workbook is built here with openpyxl so the test depends on nothing else:
a protected "Form" sheet with a Thai label, an unlocked whole-number input
cell, an unlocked date cell, a list-validated cell and an A4 page setup.
"""
from __future__ import annotations

import datetime
import os
import signal
import time
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from tests.libreoffice import LibreOffice, LibreOfficeError, pdf_page_sizes, require_libreoffice

# The session fixture ``libreoffice`` comes from tests/conftest.py.

THAI_LABEL = "จำนวนนักเรียน"
UNLOCKED, DATE_CELL, LIST_CELL, LOCKED = "B2", "B3", "B4", "A2"


def make_form(path: Path) -> Path:
    """Small protected form: what sheetsync's templates look like, in miniature."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Form"
    ws["A1"] = "แบบฟอร์มทดสอบ"
    ws["A1"].font = Font(name="TH Sarabun New", size=16)
    ws[LOCKED] = THAI_LABEL
    ws[UNLOCKED].protection = Protection(locked=False)
    whole = DataValidation(type="whole", operator="between", formula1="0", formula2="1000",
                           allow_blank=True, showErrorMessage=True, error="0-1000")
    ws.add_data_validation(whole)
    whole.add(UNLOCKED)
    ws["A3"] = "วันที่"
    ws[DATE_CELL].protection = Protection(locked=False)
    ws[DATE_CELL].number_format = "DD/MM/YYYY"
    ws["A4"] = "ชั้น"
    ws[LIST_CELL].protection = Protection(locked=False)
    choices = DataValidation(type="list", formula1='"ป.1,ป.2,ป.3"')
    ws.add_data_validation(choices)
    choices.add(LIST_CELL)
    ws["A5"] = "รวม"
    ws["B5"] = f"={UNLOCKED}*2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.protection.sheet = True
    wb.save(path)
    return path


@pytest.fixture
def form(tmp_path: Path) -> Path:
    return make_form(tmp_path / "form.xlsx")


def form_sheet(report: dict) -> dict:
    return next(s for s in report["sheets"] if s["name"] == "Form")


@pytest.mark.libreoffice
def test_roundtrip_keeps_values_locks_and_validation(libreoffice, form, tmp_path):
    # A Thai file name exercises the worker's ASCII staging (see Worker.stage).
    ods = libreoffice.convert(form, tmp_path / "แบบฟอร์ม.ods")
    back = libreoffice.convert(ods, tmp_path / "back.xlsx")
    assert ods.stat().st_size > 0 and back.stat().st_size > 0
    for path in (form, ods, back):
        sheet = form_sheet(libreoffice.inspect(path))
        cells = sheet["cells"]
        assert sheet["protected"] is True, path.name  # protection survives both ways
        assert cells[LOCKED]["value"] == THAI_LABEL
        assert cells[LOCKED]["locked"] is True
        # Unlocked, empty input cells are listed (found via attribute runs).
        assert cells[UNLOCKED]["locked"] is False, path.name
        assert cells[UNLOCKED]["type"] == "empty"
        v = cells[UNLOCKED]["validation"]
        assert (v["type"], v["formula1"], v["formula2"]) == ("WHOLE", "0", "1000"), path.name
        assert v["show_error"] is True and v["error_message"] == "0-1000"
        # A list comes back as ValidationType LIST with ';'-separated quoted items.
        lst = cells[LIST_CELL]["validation"]
        assert lst["type"] == "LIST" and '"ป.2"' in lst["formula1"], lst
        assert cells[DATE_CELL]["number_format"].upper() == "DD/MM/YYYY"
        assert cells["B5"]["type"] == "formula" and cells["B5"]["formula"] == "=B2*2"
        assert cells["A1"]["fonts"]["western"] == "TH Sarabun New"
        assert sheet["page"]["width_mm"] == pytest.approx(210, abs=1)
        assert sheet["page"]["landscape"] is False


@pytest.mark.libreoffice
def test_inspect_in_bulk_matches_cell_by_cell(libreoffice, form, tmp_path):
    """inspect() reads attributes per uniform range and content per rectangle;
    cells() asks each cell.  Both must describe every cell identically."""
    wb = load_workbook(form)
    ws = wb["Form"]
    ws["C1"], ws["C2"], ws["C3"] = "=1/0", '="ก"&"ข"', datetime.date(2024, 5, 6)
    ws["C4"], ws["C4"].number_format = 3.14159, "0.00"
    ws["C5"], ws["C5"].number_format = "=C3+1", "DD/MM/YYYY"
    ws["C6"], ws["C6"].hyperlink = "ลิงก์", "https://example.org/"
    ws["F20"].comment = Comment("โน้ตไกล ๆ", "test")  # a note outside the content
    ws.merge_cells("D1:E2")
    wb.save(tmp_path / "rich.xlsx")
    report = form_sheet(libreoffice.inspect(tmp_path / "rich.xlsx"))
    bulk = report["cells"]
    assert bulk == libreoffice.cells(tmp_path / "rich.xlsx", "Form", list(bulk))
    assert bulk["C1"]["error"] is True and bulk["C1"]["string"] == "#DIV/0!"
    assert bulk["C2"]["value"] == "กข" and bulk["C4"]["string"] == "3.14"
    assert bulk["C5"]["date"] == "2024-05-07" and bulk["C5"]["string"] == "07/05/2024"
    assert bulk["C6"]["hyperlinks"] == [{"url": "https://example.org/", "text": "ลิงก์"}]
    assert bulk["F20"]["annotation"] == "โน้ตไกล ๆ"
    assert report["merged"] == ["D1:E2"]


@pytest.mark.libreoffice
def test_pdf_export_is_a4(libreoffice, form, tmp_path):
    pdf = libreoffice.convert(form, tmp_path / "form.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    sizes = libreoffice.pdf_page_sizes(pdf)
    assert len(sizes) >= 1
    for width, height in sizes:
        assert width == pytest.approx(210, abs=1) and height == pytest.approx(297, abs=1)


@pytest.mark.libreoffice
def test_csv_of_a_named_sheet(libreoffice, tmp_path):
    wb = Workbook()
    wb.active.title = "First"
    wb.active["A1"] = "first"
    other = wb.create_sheet("อื่น ๆ")
    other["A1"], other["B1"] = "ไทย", "a,b"
    wb.save(tmp_path / "two.xlsx")
    out = libreoffice.convert(tmp_path / "two.xlsx", tmp_path / "other.csv", sheet="อื่น ๆ")
    assert out.read_text(encoding="utf-8").splitlines() == ['ไทย,"a,b"']
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == ["other.csv"]
    first = libreoffice.convert(tmp_path / "two.xlsx", tmp_path / "first.csv")
    assert first.read_text(encoding="utf-8").strip() == "first"


@pytest.mark.libreoffice
def test_typing_respects_sheet_protection(libreoffice, form, tmp_path):
    typed = tmp_path / "typed.xlsx"
    result = libreoffice.type_into(form, typed, {UNLOCKED: "42", LOCKED: "x"}, sheet="Form")
    assert result[UNLOCKED]["type"] == "value" and result[UNLOCKED]["value"] == 42
    assert result[LOCKED]["value"] == THAI_LABEL  # the locked cell refused the typing
    # ...and the saved file agrees, including the recalculated formula.
    saved = libreoffice.cells(typed, "Form", [UNLOCKED, LOCKED, "B5"])
    assert saved[UNLOCKED]["value"] == 42 and saved[UNLOCKED]["locked"] is False
    assert saved[LOCKED]["value"] == THAI_LABEL
    assert saved["B5"]["value"] == 84


@pytest.mark.libreoffice
def test_typing_into_two_locked_cells_leaves_soffice_alive(libreoffice, form, tmp_path):
    """The dispatcher path opened a "protected cell" box per locked cell and the second one
    segfaulted soffice; FormulaLocal refuses silently."""
    result = libreoffice.type_into(form, tmp_path / "typed.ods",
                                   {LOCKED: "x", "A3": "y", UNLOCKED: "7"}, sheet="Form")
    assert result[LOCKED]["value"] == THAI_LABEL and result["A3"]["value"] == "วันที่"
    assert result[UNLOCKED]["value"] == 7
    time.sleep(1)  # a crash in an idle task shows up after the call returned
    assert libreoffice.running()
    assert libreoffice.request("ping") == "pong"


@pytest.mark.libreoffice
def test_multi_line_text_into_a_locked_cell_does_not_stick(libreoffice, form, tmp_path):
    result = libreoffice.type_into(form, None, {LOCKED: "a\nb", "C2": "a\nb"}, sheet="Form")
    assert result[LOCKED]["value"] == THAI_LABEL


@pytest.mark.libreoffice
def test_the_shared_instance_restarts_after_a_crash(libreoffice, form, tmp_path):
    """One crash fails one test: the next request starts a fresh soffice, and the error of the
    crashed one carries soffice's exit status and log."""
    before = libreoffice.restarts
    victim = libreoffice.live()
    os.killpg(victim._soffice.pid, signal.SIGABRT)
    victim._soffice.wait()
    with pytest.raises(LibreOfficeError, match=r"signal 6 \(SIGABRT\)"):
        victim.inspect(form)
    assert libreoffice.request("ping") == "pong"
    assert libreoffice.restarts == before + 1 and libreoffice.live() is not victim
    assert libreoffice.type_into(form, None, {UNLOCKED: "5"}, sheet="Form")[UNLOCKED]["value"] == 5


@pytest.mark.libreoffice
def test_typing_a_buddhist_era_date(libreoffice, form, tmp_path, record_property):
    result = libreoffice.type_into(form, tmp_path / "date.ods", {DATE_CELL: "31/10/2562"})
    cell = result[DATE_CELL]
    record_property("lo_stored", repr(cell))
    print(f"LibreOffice stored {DATE_CELL} as {cell['value']!r} -> {cell.get('date')} "
          f"shown {cell['string']!r}")
    # th_TH parses D/M/Y but keeps 2562 as a Gregorian year: no BE -> CE shift.
    assert cell["type"] == "value"
    assert cell["date"] == "2562-10-31"
    assert cell["string"] == "31/10/2562"


@pytest.mark.libreoffice
def test_typing_bypasses_validation(libreoffice, form, tmp_path):
    """FormulaLocal, like a paste, skips validity checks: tests must not rely on them."""
    result = libreoffice.type_into(form, None, {UNLOCKED: "abc"})
    assert result[UNLOCKED]["type"] == "text" and result[UNLOCKED]["value"] == "abc"


@pytest.mark.libreoffice
def test_dead_soffice_gives_a_clear_error(form):
    """A private instance (not the shared one) is killed mid-session."""
    require_libreoffice()
    with LibreOffice() as lo:
        assert lo.request("ping") == "pong"
        os.killpg(lo._soffice.pid, signal.SIGKILL)  # its own session, see client._start
        lo._soffice.wait()
        with pytest.raises(LibreOfficeError, match="not running|died"):
            lo.inspect(form)
        with pytest.raises(LibreOfficeError, match="closed"):
            lo.inspect(form)
        assert not lo.profile.exists()


def test_missing_libreoffice_skips_or_fails(monkeypatch):
    import tests.libreoffice as harness

    monkeypatch.setattr(harness, "libreoffice_missing", lambda: "soffice not found")
    monkeypatch.delenv(harness.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="soffice not found"):
        harness.require_libreoffice()
    monkeypatch.setenv(harness.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="soffice not found"):
        harness.require_libreoffice()


def test_pdf_page_sizes_parser(tmp_path):
    """Pure-Python parser: inherited MediaBox, rotation, compressed object streams."""
    # Object stream: header "5 0 " (4 bytes, hence /First 4), then object 5.
    packed = zlib.compress(b"5 0 << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>")
    pdf = b"".join([
        b"%PDF-1.5\n",
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
        b"2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 "
        b"/MediaBox [0 0 595.28 841.89] >> endobj\n",
        b"3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n",
        b"4 0 obj << /Type /Page /Parent 2 0 R /Rotate 90 >> endobj\n",
        b"6 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\n"
        % len(packed),
        b"stream\n" + packed + b"\nendstream\nendobj\n",
        b"%%EOF\n",
    ])
    path = tmp_path / "hand.pdf"
    path.write_bytes(pdf)
    sizes = pdf_page_sizes(path)
    assert [(round(w), round(h)) for w, h in sizes] == [(210, 297), (297, 210), (216, 279)]
