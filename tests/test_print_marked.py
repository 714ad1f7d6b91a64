"""What a teacher gets on paper from a marked-up copy: the official form, nothing else.

The marked-up copy (``…-ตรวจแล้ว.xlsx`` / ``.ods``) opens on its findings sheet, and the teacher fixes
the form and prints it to sign. Calc prints every sheet of a workbook by default (Excel does with
"Print Entire Workbook"), so the findings list used to come out first, in landscape, before the
form. The findings are for the screen: printed whole, the marked-up workbook gives the form's pages
only, the same pages as a clean copy of the same data, and so does Calc's own save of it.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.identity import FINDINGS_SHEET
from sheetsync.messages import render
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template
from tests.libreoffice import pdf_page_sizes
from tests.test_print import letters, printed

HEADERS = ("report.col.cell", "report.col.severity", "report.col.todo")


def _with_mistakes(seed: dict[str, Any]) -> dict[str, Any]:
    seed["reports"][5]["disbursed"] = 100000  # the running total passes the budget: an error
    seed["reports"][2]["progress_percent"] = 15  # progress went down: another
    return seed


def _marked(form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> tuple[Path, Path]:
    """A clean copy of the school's data and the marked-up copy of the same data, in ``fmt``."""
    clean, school, marked = (tmp_path / f"{name}.{fmt}" for name in ("clean", "school", "marked"))
    write_template(form, clean, data=seed)
    write_template(form, school, data=seed)
    filled = read_filled(school)
    report = validate(filled)
    assert report.errors  # there is something to list
    write_marked_up(filled, report, marked)
    return clean, marked


def test_the_findings_sheet_is_for_the_screen(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """The .xlsx findings sheet prints only an empty cell (Excel and Calc skip it); the .ods one says
    ``table:print="false"`` (ODF 1.2, Calc's "Print range: none"); the form keeps its print area."""
    _, xlsx = _marked(progress_form, _with_mistakes(seed), tmp_path, "xlsx")
    book = load_workbook(xlsx)
    findings = book[FINDINGS_SHEET]
    area = findings.print_area.split("!")[-1].replace("$", "")
    assert ":" not in area and findings[area].value is None
    assert book[progress_form.sheet].print_area
    _, ods = _marked(progress_form, seed, tmp_path, "ods")
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    head = content.split(f'table:name="{FINDINGS_SHEET}"')[1].split(">")[0]
    assert 'table:print="false"' in head and "print-ranges" not in head


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_printing_the_whole_marked_up_workbook_gives_the_form_only(libreoffice: Any, progress_form: Form,
                                                                  seed: dict[str, Any], tmp_path: Path,
                                                                  fmt: str) -> None:
    clean, marked = _marked(progress_form, _with_mistakes(seed), tmp_path, fmt)
    clean_text, clean_pages = printed(libreoffice, clean)
    resaved = libreoffice.convert(marked, tmp_path / "resaved" / marked.name)  # the teacher's save in Calc
    for path in (marked, resaved):
        text, pages = printed(libreoffice, path)
        assert pages == clean_pages, path
        assert all(width < height for width, height in pdf_page_sizes(path.with_suffix(".pdf"))), path
        for code in HEADERS:
            assert letters(render(code, "th") + render(code, "en")) not in letters(text), (path, code)
        # Nor are the findings printed on the form (its notes stay on the screen): the paper is the form.
        assert letters(text) == letters(clean_text), path
