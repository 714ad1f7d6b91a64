"""A workbook a teacher opens in Calc and saves unchanged still prints as sheetsync wrote it.

An .ods whose page style left the header and footer out printed right, but Calc read them as on
and as high as the page, and its next save wrote them for real: every page printed blank. Each
workbook here is printed to PDF by Calc, saved by Calc in its own format (open + Save), printed
again, and the second printout must hold the form's title and headings on the same pages.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.master import merge
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template
from tests.test_master_support import submit
from tests.test_print import assert_form_printed_right, letters, printed

pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(shutil.which("pdftotext") is None,
                                                          reason="poppler-utils not installed")]


def printed_before_and_after_saving(libreoffice: Any, path: Path) -> tuple[tuple[str, int], tuple[str, int]]:
    """(text, pages) of ``path`` printed by Calc, and of the same file once Calc has saved it."""
    before = printed(libreoffice, path)
    resaved = libreoffice.convert(path, path.parent / "resaved" / path.name)
    return before, printed(libreoffice, resaved)


def page_headings(text: str) -> list[str]:
    """The first printed line of every page (the form's title, a repeated header, a sheet's header)."""
    return [letters(page.strip().splitlines()[0]) if page.strip() else "" for page in text.split("\f")]


def assert_saving_kept_the_print(libreoffice: Any, path: Path) -> tuple[str, str]:
    """Calc's save of ``path`` prints as many pages, each headed as before; returns both texts."""
    (text, pages), (again, pages_again) = printed_before_and_after_saving(libreoffice, path)
    assert letters(again), f"{path.name} prints blank pages once Calc has saved it"
    assert pages_again == pages
    assert page_headings(again) == page_headings(text)
    return text, again


def write_school_file(form: Form, seed: dict[str, Any], path: Path, kind: str) -> Path:
    """The workbook a school gets (empty, filled) or gets back (marked up with findings)."""
    if kind == "empty":
        write_template(form, path)
        return path
    if kind == "filled":
        write_template(form, path, data=seed, lock_rows=True)
        return path
    seed["reports"][5]["disbursed"] = 100000  # a finding or two for the findings sheet
    write_template(form, path.with_stem("school"), data=seed)
    filled = read_filled(path.with_stem("school"))
    write_marked_up(filled, validate(filled), path)
    return path


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
@pytest.mark.parametrize("kind", ["empty", "filled", "marked"])
def test_school_file_saved_by_calc_prints_the_same(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                   tmp_path: Path, kind: str, fmt: str) -> None:
    path = write_school_file(progress_form, seed, tmp_path / f"{kind}.{fmt}", kind)
    before, after = assert_saving_kept_the_print(libreoffice, path)
    assert letters(progress_form.title) in letters(after)
    assert_form_printed_right(progress_form, after)  # every label and heading, each line whole
    assert letters(after) == letters(before)  # and the school's texts, all of them


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_master_saved_by_calc_prints_the_same(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                              tmp_path: Path, fmt: str) -> None:
    master = tmp_path / f"master.{fmt}"
    merge([submit(progress_form, tmp_path, seed, "s1")], master)
    # Not compared in full: Calc's save of an .xlsx master shows a multi-line cell's text
    # (a project's objectives, in a row one line high) from another of its lines.
    assert_saving_kept_the_print(libreoffice, master)
