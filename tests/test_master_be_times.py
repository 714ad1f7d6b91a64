"""The master's file log and data sheets show when each file came in the Buddhist Era, and still sort
as time does.

It printed ``2026-12-02 00:29:05`` (C.E. text, so that it sorted). A Thai reader reads the year in
B.E.: the cell is now a real date and time with a B.E. number format (``1/12/2569 06:30:00`` in Calc
and Excel alike), which sorts correctly in both, in .xlsx and .ods masters. The data sheets' ``รับเมื่อ``
and ``ออกแม่แบบเมื่อ`` columns still showed C.E. text (``2026-12-01 06:30:00``) beside it: they are real
times in the same format too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from sheetsync.master import merge
from sheetsync.master.derive import ISSUED_AT, RECEIVED_AT
from sheetsync.office.sheets import LEDGER
from sheetsync.office.spec import master_spec
from sheetsync.office.store import Store
from sheetsync.office.view import render_view
from sheetsync.spec.form import Form
from tests.test_master_support import CODES, at, seed_data, submit, variant

GENERATED = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.timezone.utc)
BANGKOK = dt.timezone(dt.timedelta(hours=7))


def _view(form: Form, tmp_path: Path, fmt: str) -> Path:
    """A master of two files, received at 06:30:05 and 07:45:00 Bangkok time on 1 December 2026."""
    files = [submit(form, tmp_path, variant(seed_data(), code=CODES[n], reports=3), f"s{n + 1}", issued=at(n))
             for n in range(2)]
    for path, moment in zip(files, ["2026-11-30T23:30:05.000000+00:00", "2026-12-01T00:45:00.000000+00:00"]):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("sheetsync.office.record.now", lambda: moment)
            merge([path], tmp_path / "master.xlsx")
    view = tmp_path / f"view.{fmt}"
    with Store(tmp_path / "master.sqlite") as store:
        render_view(store, view, generated=GENERATED, zone=BANGKOK)
    return view


def _received(view: Path) -> list[Any]:
    rows = CalamineWorkbook.from_path(str(view)).get_sheet_by_name(LEDGER).to_python()
    return [row[0] for row in rows[2:] if row and row[0] != ""]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_file_log_holds_real_times(progress_form: Form, tmp_path: Path, fmt: str) -> None:
    received = _received(_view(progress_form, tmp_path, fmt))
    assert received == [dt.datetime(2026, 12, 1, 6, 30, 5), dt.datetime(2026, 12, 1, 7, 45)]


def test_the_xlsx_file_log_is_formatted_in_the_buddhist_era(progress_form: Form, tmp_path: Path) -> None:
    view = _view(progress_form, tmp_path, "xlsx")
    book = openpyxl.load_workbook(view)
    cell = book[LEDGER]["A3"]
    assert cell.is_date and "107041E" in cell.number_format and "hh:mm:ss" in cell.number_format


def _data_times(view: Path, sheet: str) -> list[tuple[Any, Any]]:
    rows = CalamineWorkbook.from_path(str(view)).get_sheet_by_name(sheet).to_python()
    header = rows[1]
    issued, received = header.index(ISSUED_AT), header.index(RECEIVED_AT)
    return [(row[issued], row[received]) for row in rows[2:] if row and row[0] != ""]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_data_sheet_holds_real_times(progress_form: Form, tmp_path: Path, fmt: str) -> None:
    """รับเมื่อ and ออกแม่แบบเมื่อ on the data sheet: times in the office's zone, not C.E. text."""
    view = _view(progress_form, tmp_path, fmt)
    times = _data_times(view, master_spec(progress_form).data_sheet)
    issued = [at(n).astimezone(BANGKOK).replace(tzinfo=None, microsecond=0) for n in range(2)]
    assert times == [(issued[0], dt.datetime(2026, 12, 1, 6, 30, 5)), (issued[1], dt.datetime(2026, 12, 1, 7, 45))]


def test_the_xlsx_data_sheet_is_formatted_in_the_buddhist_era(progress_form: Form, tmp_path: Path) -> None:
    view = _view(progress_form, tmp_path, "xlsx")
    sheet = openpyxl.load_workbook(view)[master_spec(progress_form).data_sheet]
    header = [c.value for c in sheet[2]]
    for title in (ISSUED_AT, RECEIVED_AT):
        cell = sheet.cell(3, header.index(title) + 1)
        assert cell.is_date and "107041E" in cell.number_format and "hh:mm:ss" in cell.number_format


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_calc_shows_the_buddhist_year(libreoffice: Any, progress_form: Form, tmp_path: Path, fmt: str) -> None:
    view = _view(progress_form, tmp_path, fmt)
    cells = libreoffice.cells(view, LEDGER, ["A3", "A4"])
    assert [cells[r]["string"] for r in ("A3", "A4")] == ["1/12/2569 06:30:05", "1/12/2569 07:45:00"]
    assert cells["A3"]["value"] < cells["A4"]["value"]  # a number: Calc sorts it as time


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_issue_time_before_spreadsheet_dates_shows_as_text(progress_form: Form, tmp_path: Path, fmt: str) -> None:
    """An issue time is the file's own metadata (unsigned where the office has no key): one before
    1 March 1900 is a negative or ambiguous serial (Excel shows ####, its 1900 is a leap year), so the
    cell holds the time as text in the office's zone instead, as it did before."""
    path = submit(progress_form, tmp_path, variant(seed_data(), code=CODES[0], reports=3), "s1",
                  issued=dt.datetime(1899, 12, 31, 20, 0, tzinfo=dt.timezone.utc))
    merge([path], tmp_path / "master.xlsx")
    view = tmp_path / f"view.{fmt}"
    with Store(tmp_path / "master.sqlite") as store:
        render_view(store, view, generated=GENERATED, zone=BANGKOK)
    ((issued, received),) = _data_times(view, master_spec(progress_form).data_sheet)
    assert issued == "1900-01-01 03:00:00" and isinstance(received, dt.datetime)
