"""The master as LibreOffice Calc sees it: values, charts, text that looks like a formula."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from sheetsync.master.fulltext import TEXT_SHEET
from sheetsync.spec.form import Form
from sheetsync.master import merge, read_master, templates_from_master
from sheetsync.office.summary import CHARTS, CUMULATIVE, SUMMARY
from sheetsync.office.sheets import LEDGER as LEDGER_SHEET
from sheetsync.check.reader import read_filled
from tests.libreoffice import LibreOffice
from tests.test_master_support import CODES, seed_data, submit, variant, unsigned

pytestmark = pytest.mark.libreoffice

REPORTS = "รายงาน"  # the progress report names its table sheet (master: sheets: table)
TOTAL = "งบประมาณที่เบิกใช้ สะสม (บาท)"  # the form's amount column, cumulated


def number(text: str) -> float:
    """A number as Calc's csv shows it (thousands separators included)."""
    return float(text.replace(",", ""))


@pytest.fixture
def master(progress_form: Form, tmp_path: Path) -> Path:
    """The seed (with formula-looking text) for one project, and 5 of its reports for another."""
    data = seed_data()
    data["reports"][2]["stage"] = '=HYPERLINK("http://example.invalid","click")'
    path = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, data, "school-73-01"),
           submit(progress_form, tmp_path, variant(seed_data(), code=CODES[1], reports=5), "school-74-02")],
          path, today=dt.date(2020, 5, 10))
    return path


def test_seed_cumulative_values_in_libreoffice(libreoffice: LibreOffice, master: Path, tmp_path: Path) -> None:
    out = libreoffice.convert(master, tmp_path / "cumulative.csv", sheet=CUMULATIVE)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]  # below the generated-at line
    header, body = rows[0], [r for r in rows[1:] if r and r[1] == CODES[0]]
    total, progress = header.index(TOTAL), header.index("ความก้าวหน้า (%)")
    assert [number(r[total]) for r in body] == [0, 0, 0, 0, 0, 10_000, 180_000]
    assert number(body[-1][progress]) == 100
    assert body[0][header.index("วันที่")] == "31/10/2562"  # Buddhist-Era dates


def test_master_opens_with_its_charts(libreoffice: LibreOffice, master: Path) -> None:
    info = libreoffice.inspect(master)
    sheets = {s["name"]: s for s in info["sheets"]}
    assert list(sheets) == [SUMMARY, CUMULATIVE, CHARTS, "โครงการ", REPORTS, TEXT_SHEET, LEDGER_SHEET]
    assert sheets[CHARTS]["charts"] == 2  # one per project, not per school
    assert sheets[SUMMARY]["visible"]
    assert sheets[SUMMARY]["cells"]["C3"]["value"] == CODES[0]  # the key (this roster has no network column)


def test_formula_looking_text_is_text_in_libreoffice(libreoffice: LibreOffice, master: Path) -> None:
    cells = libreoffice.cells(master, REPORTS, ["E5"])
    assert cells["E5"]["type"] == "text"
    assert cells["E5"]["string"] == '=HYPERLINK("http://example.invalid","click")'


def test_a_master_saved_by_libreoffice_is_kept_aside(libreoffice: LibreOffice, master: Path, tmp_path: Path,
                                                     progress_form: Form) -> None:
    before = read_master(master).records
    libreoffice.convert(master, tmp_path / "resaved" / "master.xlsx").replace(master)  # a clerk saved it
    result = merge([submit(progress_form, tmp_path, variant(seed_data(), code=CODES[2]), "s3")], master)
    assert result.written and result.kept_aside is not None and result.kept_aside.exists()
    after = read_master(master).records
    assert len(after) == 3 and all(after[k] == r for k, r in before.items())


def test_template_from_master_reads_back_in_libreoffice(libreoffice: LibreOffice, master: Path,
                                                         tmp_path: Path) -> None:
    (path,) = templates_from_master(master, tmp_path / "next", project=CODES[1])
    resaved = libreoffice.convert(path, tmp_path / "resaved.xlsx")
    (record,) = [r for r in read_master(master).records.values() if r.key.project_code == CODES[1]]
    assert read_filled(resaved).data == unsigned(record.data)
