"""The master's chart sheet breaks its pages between blocks, never through a chart.

Found printing a 9-project master (7 months each) through Calc: the charts of 5004 and 5007 were
cut by page breaks (.xlsx), the axis title of 5007 cut at the bottom of a page (.ods).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from odf.opendocument import load
from odf.table import Table, TableRow
from openpyxl import load_workbook

from sheetsync.master import merge
from sheetsync.master.workbook import CHART_ROWS
from sheetsync.office.store import Store
from sheetsync.office.summary import CHARTS
from sheetsync.office.view import render_view
from sheetsync.spec.form import Form
from tests.test_master_support import seed_data, submit, variant

PROJECTS = 9


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Path:
    """Nine projects, seven monthly reports each, merged into one store."""
    folder = tmp_path_factory.mktemp("chartbreaks")
    paths = [submit(progress_form, folder, variant(seed_data(), code=f"50360000-{5000 + n}"), f"s{n}")
             for n in range(1, PROJECTS + 1)]
    merge(paths, folder / "master.xlsx", period="2020-05")
    return folder


def view(office: Path, tmp_path: Path, fmt: str) -> Path:
    path = tmp_path / f"view.{fmt}"
    with Store(office / "master.sqlite") as store:
        render_view(store, path, period="2020-05")
    return path


def block_starts() -> list[int]:
    """The 1-based rows each project's block starts at: below the banner and header, each block as
    tall as its chart (seven rows of reports, then blank rows)."""
    return [3 + n * max(7, CHART_ROWS) for n in range(PROJECTS)]


def ods_breaks(path: Path) -> list[int]:
    """The 1-based rows of the chart sheet whose style starts a printed page."""
    doc = load(str(path))
    paged = {s.getAttribute("name") for s in doc.automaticstyles.childNodes
             if any(p.attributes.get(("urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
                                      "break-before")) == "page" for p in s.childNodes)}
    table = next(t for t in doc.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == CHARTS)
    return [n for n, row in enumerate(table.getElementsByType(TableRow), start=1)
            if row.getAttribute("stylename") in paged]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_pages_break_only_where_a_block_starts(office: Path, tmp_path: Path, fmt: str) -> None:
    path = view(office, tmp_path, fmt)
    if fmt == "xlsx":
        breaks = [b.id + 1 for b in load_workbook(path)[CHARTS].row_breaks.brk]
    else:
        breaks = ods_breaks(path)
    starts = block_starts()
    # Two blocks of 12 rows to an A4 landscape page at the sheet's print scale: the third starts the next.
    assert breaks == starts[2::2]
