"""An .ods master: the same sheets and records as an .xlsx one, read with calamine and LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.spec.form import Form
from sheetsync.master import merge, read_master, templates_from_master
from sheetsync.master.fulltext import TEXT_SHEET
from sheetsync.office.summary import CHARTS, CUMULATIVE, SUMMARY
from sheetsync.office.sheets import LEDGER as LEDGER_SHEET
from sheetsync.check.reader import read_filled
from tests.libreoffice import LibreOffice
from tests.test_master_support import CODES, at, seed_data, submit, unsigned, variant, without_total

TODAY = dt.date(2020, 5, 10)
REPORTS = "รายงาน"  # the progress report names its table sheet (master: sheets: table)
FORMULA = '=HYPERLINK("http://example.invalid","click")'
ALL_SHEETS = [SUMMARY, CUMULATIVE, CHARTS, "โครงการ", REPORTS, TEXT_SHEET, LEDGER_SHEET]
TOTAL = "งบประมาณที่เบิกใช้ สะสม (บาท)"  # the form's amount column, cumulated


def batch(form: Form, folder: Path) -> list[Path]:
    """The seed (with formula-looking text) for one project, and 5 of its reports for another."""
    folder.mkdir(exist_ok=True)
    data = seed_data()
    data["reports"][2]["stage"] = FORMULA
    return [submit(form, folder, data, "school-73-01", issued=at(40)),
            submit(form, folder, variant(seed_data(), code=CODES[1], reports=5), "school-74-02", issued=at(40))]


@pytest.fixture
def files(progress_form: Form, tmp_path: Path) -> list[Path]:
    """The files of :func:`batch`, made once per test (a file written again has other bytes)."""
    return batch(progress_form, tmp_path / "in")


@pytest.fixture
def master(files: list[Path], tmp_path: Path) -> Path:
    """An .ods master made from :func:`batch`."""
    path = tmp_path / "master.ods"
    result = merge(files, path, today=TODAY)
    assert [o.result for o in result.outcomes] == ["merged", "merged"] and result.written
    return path


def calamine_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    """The rows of a sheet as dicts keyed by the Thai headers (read with python-calamine)."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    if rows and str(rows[0][0]).startswith("สร้างโดย sheetsync"):
        rows = rows[1:]  # the generated-at line above the header
    return without_total(sheet, [dict(zip(rows[0], row)) for row in rows[1:]])


def test_reads_back_like_an_xlsx_master(files: list[Path], master: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "master.xlsx"
    merge(files, xlsx, today=TODAY)
    ods, other = read_master(master), read_master(xlsx)
    assert ods.records == other.records and len(ods.records) == 2
    assert [(e.file, e.result) for e in ods.ledger] == [(e.file, e.result) for e in other.ledger]
    # Every sheet holds the very same values, sheet by sheet and cell by cell.
    a, b = CalamineWorkbook.from_path(str(master)), CalamineWorkbook.from_path(str(xlsx))
    assert a.sheet_names == b.sheet_names == ALL_SHEETS
    for name in ALL_SHEETS:
        assert (_days(a.get_sheet_by_name(name).to_python())
                == _days(b.get_sheet_by_name(name).to_python())), name


def _days(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows with a date-time at midnight as its day: calamine reads such a cell of an .xlsx as a date
    (a whole serial number) and of an .ods as a date-time, though both hold the same moment."""
    return [[v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v for v in row]
            for row in rows]


def test_seed_cumulative_values_with_calamine(master: Path) -> None:
    rows = [r for r in calamine_rows(master, CUMULATIVE) if r["รหัส"] == CODES[0]]
    assert [r[TOTAL] for r in rows] == [0, 0, 0, 0, 0, 10_000, 180_000]
    assert rows[-1]["ความก้าวหน้า (%)"] == 100
    assert rows[0]["วันที่"] == dt.date(2019, 10, 31)  # a date cell, not text
    summary = {r["รหัสโครงการ"]: r for r in calamine_rows(master, SUMMARY)}
    assert summary[CODES[0]]["สถานะ"] == "เสร็จสิ้น"


def test_merging_again_changes_nothing(files: list[Path], master: Path, tmp_path: Path) -> None:
    before = master.read_bytes(), master.stat().st_mtime_ns
    again = merge(files, master, today=TODAY)
    assert [o.result for o in again.outcomes] == ["unchanged", "unchanged"] and not again.written
    assert (master.read_bytes(), master.stat().st_mtime_ns) == before
    assert not (tmp_path / "master.ods.bak").exists()


def test_a_second_batch_replaces_with_a_backup(progress_form: Form, master: Path, tmp_path: Path) -> None:
    newer = variant(seed_data(), code=CODES[1])  # all 7 reports now
    result = merge([submit(progress_form, tmp_path, newer, "school-74-02", name="later.xlsx", issued=at(80))],
                   master, today=TODAY)
    assert [o.result for o in result.outcomes] == ["replaced"]
    assert result.backup == tmp_path / "master.ods.bak"
    assert len(calamine_rows(result.backup, LEDGER_SHEET)) == 2  # the backup is the previous view
    record = read_master(master).records[_key(master, CODES[1])]
    assert record.file == "later.xlsx" and len(record.data["reports"]) == 7
    assert [r["ผล"] for r in calamine_rows(master, LEDGER_SHEET)] == ["รวมแล้ว", "รวมแล้ว", "แทนที่ฉบับเดิม"]
    assert not list(tmp_path.glob(".master.ods.*"))  # no temporary file left behind


def _key(master: Path, code: str) -> Any:
    (key,) = [k for k in read_master(master).records if k.project_code == code]
    return key


def test_formula_looking_text_is_a_string_cell(master: Path) -> None:
    with zipfile.ZipFile(master) as archive:
        content = archive.read("content.xml").decode("utf-8")
    assert "table:formula" not in content
    cells = re.findall(r"<table:table-cell[^>]*><text:p>" + re.escape(FORMULA) + "</text:p>", content)
    # on its table's sheet and, longer than its cell there, on the sheet of long texts
    assert len(cells) == 2 and all('office:value-type="string"' in c.split(">")[0] for c in cells)
    assert [r for r in calamine_rows(master, REPORTS) if FORMULA in r.values()]


def test_templates_from_an_ods_master(master: Path, tmp_path: Path) -> None:
    (path,) = templates_from_master(master, tmp_path / "next", project=CODES[1])
    record = read_master(master).records[_key(master, CODES[1])]
    assert read_filled(path).data == unsigned(record.data)


@pytest.mark.libreoffice
def test_cumulative_values_in_libreoffice(libreoffice: LibreOffice, master: Path, tmp_path: Path) -> None:
    out = libreoffice.convert(master, tmp_path / "cumulative.csv", sheet=CUMULATIVE)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]  # below the generated-at line
    header, body = rows[0], [r for r in rows[1:] if r and r[1] == CODES[0]]
    total, progress = header.index(TOTAL), header.index("ความก้าวหน้า (%)")
    assert [float(r[total].replace(",", "")) for r in body] == [0, 0, 0, 0, 0, 10_000, 180_000]
    assert float(body[-1][progress]) == 100
    assert body[0][header.index("วันที่")] == "31/10/2562"  # Buddhist-Era dates


@pytest.mark.libreoffice
def test_opens_in_libreoffice_with_its_charts(libreoffice: LibreOffice, master: Path) -> None:
    sheets = {s["name"]: s for s in libreoffice.inspect(master)["sheets"]}
    assert list(sheets) == ALL_SHEETS
    assert sheets[CHARTS]["charts"] == 2  # one per project, not per school
    assert sheets[SUMMARY]["visible"] and sheets[SUMMARY]["cells"]["C3"]["value"] == CODES[0]  # (no network column)
    cells = libreoffice.cells(master, REPORTS, ["E5"])
    assert cells["E5"]["type"] == "text" and cells["E5"]["string"] == FORMULA


@pytest.mark.libreoffice
def test_a_master_saved_by_libreoffice_is_kept_aside_and_nothing_is_lost(
        libreoffice: LibreOffice, master: Path, tmp_path: Path, progress_form: Form) -> None:
    before = read_master(master).records
    resaved = libreoffice.convert(master, tmp_path / "resaved" / "master.ods")
    resaved.replace(master)  # the clerk saved the view in Calc
    result = merge([submit(progress_form, tmp_path, variant(seed_data(), code=CODES[2]), "s3")], master)
    assert result.written and result.kept_aside is not None and result.kept_aside.exists()
    assert result.kept_aside.name.startswith("master.edited-") and result.kept_aside.suffix == ".ods"
    after = read_master(master).records
    assert len(after) == 3 and all(after[k] == r for k, r in before.items())


def _label_cells(master: Path) -> list[list[str]]:
    """The cell each chart's series takes its name from (``'sheet'.$D$2``), chart by chart."""
    with zipfile.ZipFile(master) as archive:
        charts = sorted(n for n in archive.namelist() if re.fullmatch(r"Object \d+/content\.xml", n))
        return [re.findall(r'chart:label-cell-address="([^"]+)"', archive.read(n).decode("utf-8")) for n in charts]


def test_each_chart_series_is_named_by_its_column_heading(master: Path) -> None:
    # Calc's legend said "Column D" and "Column G": the series took their names from row 1, which became
    # the generated-at line (text in A1 only) when the view got one; the headings are on row 2.
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(CHARTS).to_python()
    labels = _label_cells(master)
    assert len(labels) == 2
    for chart in labels:
        assert len(chart) == 2
        for address in chart:
            found = re.fullmatch(r"'(.+)'\.\$([A-Z]+)\$(\d+)", address)
            assert found is not None and found.group(1) == CHARTS, address
            column, row = ord(found.group(2)) - ord("A"), int(found.group(3)) - 1
            assert rows[row][column] == rows[1][column] != "", (address, rows[row][column])
    assert [rows[1][ord(re.findall(r"\$([A-Z]+)\$", a)[0]) - ord("A")] for a in labels[0]] == [
        "ความก้าวหน้าเฉลี่ย (%)", "งบประมาณที่เบิกใช้ สะสม (บาท) รวม"]


@pytest.mark.libreoffice
def test_calc_names_each_chart_series_by_its_heading(libreoffice: LibreOffice, master: Path) -> None:
    sheets = {s["name"]: s for s in libreoffice.inspect(master)["sheets"]}
    assert sheets[CHARTS]["chart_series"] == [["ความก้าวหน้าเฉลี่ย (%)", "งบประมาณที่เบิกใช้ สะสม (บาท) รวม"]] * 2
