"""The master's chart sheet breaks its pages between blocks, never through a chart.

Found printing a 9-project master (7 months each) through Calc: the charts of 5004 and 5007 were
cut by page breaks (.xlsx), the axis title of 5007 cut at the bottom of a page (.ods).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

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
from tests.test_print import letters

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


Word = tuple[float, float, float, str]  # x left, y top, y bottom, text


def pdf_words(pdf: Path) -> list[list[Word]]:
    """Each printed page's words with their boxes (points, y down), read back by ``pdftotext -bbox``."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[(float(x), float(top), float(bottom), html.unescape(text)) for x, top, bottom, text in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)]
        for page in xml.split("<page ")[1:]]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_calc_prints_each_project_and_its_chart_whole_on_one_page(libreoffice: Any, office: Path, tmp_path: Path,
                                                                 fmt: str) -> None:
    path = view(office, tmp_path, fmt)
    pages = [words for words in pdf_words(libreoffice.convert(path, path.with_suffix(".pdf")))
             if letters(CHARTS) in letters(" ".join(w[3] for w in words if w[1] > 500))]  # the footer names it
    codes = [f"50360000-{5000 + n}" for n in range(1, PROJECTS + 1)]
    table_right = 150.0  # the key column; chart titles print far right of it
    for code in codes:
        on = [n for n, words in enumerate(pages) if any(w[3] == code and w[0] < table_right for w in words)]
        assert len(on) == 1, f"{fmt}: the rows of {code} print on pages {on} of the chart sheet"
        words = pages[on[0]]
        top, bottom = (f(w[i] for w in words if w[3] == code and w[0] < table_right) for f, i in ((min, 1), (max, 2)))
        titles = [w for w in words if w[3] == code and w[0] > table_right and top - 5 <= w[1] <= bottom]
        assert titles, f"{fmt}: the chart of {code} is not beside its rows"
        footer = max(w[1] for w in words if "หน้า" in w[3])  # the page's number, at its foot
        # The x axis's title is the chart's lowest line: it prints on the page, above the footer.
        axis = max((w[2] for w in words if letters(w[3]).startswith(letters("รายงานคร"))
                    and titles[0][2] < w[1] < titles[0][1] + 200), default=None)
        assert axis is not None and axis < footer, f"{fmt}: the chart of {code} is cut at the foot of its page"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_each_chart_prints_its_axis_title_once(libreoffice: Any, office: Path, tmp_path: Path, fmt: str) -> None:
    """Found printing an 80-school master's .xlsx through Calc: the baht line's own category axis
    (the same one, shared) came back as a second x axis, its title printed again above the plot."""
    path = view(office, tmp_path, fmt)
    pages = [words for words in pdf_words(libreoffice.convert(path, path.with_suffix(".pdf")))
             if letters(CHARTS) in letters(" ".join(w[3] for w in words if w[1] > 500))]
    table_right = 150.0
    for n, words in enumerate(pages):
        # Calc's PDF holds the clipped text of a chart running off the page too: count per chart band.
        tops = sorted({round(w[1]) for w in words if re.fullmatch(r"50360000-50\d\d", w[3]) and w[0] > table_right})
        axes = [w[1] for w in words if letters(w[3]).startswith(letters("รายงานคร")) and w[0] > table_right]
        for top, below in zip(tops, [*tops[1:], 10_000]):
            count = sum(1 for y in axes if top <= y < below)
            assert count == 1, f"{fmt}: the chart at {top} pt on page {n + 1} prints {count} axis titles"
