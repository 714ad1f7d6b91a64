"""The wide projects sheet printed: every page across reads the whole banner (when made, from what, for
which month, that edits are not kept).

Printed from an .xlsx master in Calc, the 2nd and 3rd pages across of the projects sheet (โครงการ)
showed only ``สร้างโดย sheetsync (generated) 2/12/2569 01:35``: the banner is one cell's text running
to the right from A1, and those pages print only the repeated columns (A:B) of it. A sheet printed on
several pages across now prints the banner as each page's header, and its banner row only on screen.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.master import merge
from sheetsync.spec.form import Form
from tests.test_master_support import seed_data, submit, variant
from tests.test_master_upline import view
from tests.test_print import letters

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

PROJECTS = "โครงการ"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Path:
    """Three schools' projects merged into one store."""
    folder = tmp_path_factory.mktemp("banner")
    paths = [submit(progress_form, folder, variant(seed_data(), code=f"50360000-40{n:02d}", reports=3 + n), f"s{n}")
             for n in (1, 2, 3)]
    merge(paths, folder / "master.xlsx", period="2020-03")
    return folder


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_every_page_across_prints_the_whole_banner(libreoffice: Any, office: Path, tmp_path: Path, fmt: str) -> None:
    path = view(office, tmp_path, fmt)
    banner = str(CalamineWorkbook.from_path(str(path)).get_sheet_by_name(PROJECTS).to_python()[0][0])
    assert banner.startswith("สร้างโดย sheetsync")  # the screen keeps its banner row
    pdf = libreoffice.convert(path, path.with_suffix(".pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [page for page in text.split("\f") if re.search(rf"(?<![ก-๛]){PROJECTS}\s+—\s+หน้า", page)]
    assert len(pages) >= 3, "the projects sheet no longer prints on several pages across"
    for n, page in enumerate(pages, start=1):
        assert letters(page).count(letters(banner)) == 1, f"page {n} of {PROJECTS}:\n{page[:600]}"
        assert "ผู้รายงาน" in page  # the header row still repeats
