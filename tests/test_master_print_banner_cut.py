"""The banner a wide sheet prints as each page's header in an .xlsx master is cut to the 255 characters
Excel reads of a header: a long office name is what is cut (each page's footer names the office too),
never what the banner says of the file (when it was made, that edits in it are not kept)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from sheetsync.master import merge
from sheetsync.master.workbook import XLSX_FOOTER_MAX
from sheetsync.office.store import Store
from sheetsync.office.view import render_view
from sheetsync.spec.form import Form
from tests.test_master_support import seed_data, submit, variant

#: A real office's name of 90 characters.
OFFICE = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพระนครศรีอยุธยา เขต 2 (กลุ่มส่งเสริม & พัฒนาการจัดการศึกษา)"


def _headers(form: Form, tmp_path: Path, office: str) -> list[str]:
    """The printed headers of the .xlsx view's sheets that print one, as Excel's codes."""
    paths = [submit(form, tmp_path, variant(seed_data(), code=f"50360000-40{n:02d}", reports=3 + n), f"s{n}")
             for n in (1, 2, 3)]
    merge(paths, tmp_path / "master.xlsx", period="2020-03")
    with Store(tmp_path / "master.sqlite") as store:
        render_view(store, tmp_path / "view.xlsx", period="2020-03", office=office,
                    generated=dt.datetime(2026, 12, 2, 1, 35, tzinfo=dt.timezone.utc))
    book = openpyxl.load_workbook(tmp_path / "view.xlsx")
    return [str(ws.oddHeader.left.text) for ws in book.worksheets if ws.oddHeader.left.text]


def test_a_long_office_name_is_cut_in_the_header_not_the_warning(progress_form: Form, tmp_path: Path) -> None:
    headers = _headers(progress_form, tmp_path, OFFICE)
    assert headers, "no sheet prints its banner as its header"
    for header in headers:
        assert len(header) <= XLSX_FOOTER_MAX - len('&L&"TH Sarabun New,Italic"&12 ')
        assert "สร้างโดย sheetsync" in header and "2/12/2569" in header, header
        assert header.endswith("(a report: edits here are not kept)"), header
        assert "สิ่งที่แก้ไขจะไม่ถูกบันทึก" in header, header


def test_a_short_office_name_is_printed_whole(progress_form: Form, tmp_path: Path) -> None:
    for header in _headers(progress_form, tmp_path, "สพป.อยุธยา & อ่างทอง"):
        assert header.startswith("สพป.อยุธยา && อ่างทอง — สร้างโดย sheetsync"), header  # "&&": Excel prints "&"
