"""The master's summary and cumulative sheets on paper, as the office prints them for the line above.

Calc prints the master to PDF; the pages of each sheet are told by their footer ("สรุป — หน้า 3 / 9").
On every page of the summary (สรุป) and of the cumulative progress sheet: the header printed again
(each of its words, as Calc may wrap a heading between words), the last printed column there too and
no text past the page's right edge (fitted to the page's width, nothing cut off), and the Thai of the
projects' names with every mark (``pdftotext -raw``, spaces and line breaks left out).
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
from sheetsync.office.summary import CUMULATIVE, SUMMARY
from sheetsync.spec.form import Form
from tests.test_master_support import submit, variant
from tests.test_print_thai_text import shaped

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

SCHOOLS = 14
#: The summary's screen-only column (which file to open): not printed, by design.
SCREEN_ONLY = "ไฟล์ล่าสุด"


def _master(form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> Path:
    """A master of ``SCHOOLS`` projects (1 to 7 reports each, long Thai names): several pages a sheet."""
    paths = []
    for i in range(SCHOOLS):
        data = variant(seed, code=f"5036{i:04d}-{1000 + i}", reports=1 + i % 7)
        data["project"]["name"] += f" ที่ {i + 1} ของเครือข่ายโรงเรียนในสังกัดสำนักงานเขตจอมทอง ปีที่สำคัญยิ่ง"
        paths.append(submit(form, tmp_path / "in", data, f"school-{i:02d}"))
    master = tmp_path / f"master.{fmt}"
    merge(paths, master)
    return master


def _pages(pdf: Path) -> list[tuple[str, float, list[float]]]:
    """Per page: its ``-raw`` text, its width and the right edge of each of its words (points)."""
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    boxes = re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', bbox, re.S)
    texts = raw.split("\f")
    assert len(texts) >= len(boxes)
    return [(text, float(width), [float(x) for x in re.findall(r'xMax="([\d.]+)"', body)])
            for text, (width, body) in zip(texts, boxes)]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_summary_and_cumulative_print_with_their_header_on_every_page(libreoffice: Any, progress_form: Form,
                                                                     seed: dict[str, Any], tmp_path: Path,
                                                                     fmt: str) -> None:
    (tmp_path / "in").mkdir()
    master = _master(progress_form, seed, tmp_path, fmt)
    pages = _pages(libreoffice.convert(master, tmp_path / "master.pdf"))
    book = CalamineWorkbook.from_path(str(master))
    for name in (SUMMARY, CUMULATIVE):
        rows = book.get_sheet_by_name(name).to_python()
        header = [cell for cell in rows[1] if isinstance(cell, str) and cell and cell != SCREEN_ONLY]
        own = [(text, width, edges) for text, width, edges in pages if f"{name} — หน้า" in text]
        assert len(own) >= 2, f"{name}: {len(own)} page(s); the test wants several"
        for number, (text, width, edges) in enumerate(own, start=1):
            stream = shaped(text)
            missing = [word for cell in header for word in cell.split() if shaped(word) not in stream]
            assert not missing, f"{name}, page {number}: header words {missing} not printed"
            assert max(edges) <= width, f"{name}, page {number}: text past the right edge"
        if name == SUMMARY:
            assert SCREEN_ONLY not in "".join(text for text, _, _ in own)
            stream = "".join(shaped(text) for text, _, _ in own)
            names = [row[3] for row in rows[2:] if isinstance(row[3], str) and row[3].startswith("โครงการ")]
            assert len(names) == SCHOOLS
            assert all(shaped(title) in stream for title in names)  # Thai with its marks, whole
