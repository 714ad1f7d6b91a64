"""The seed's long Thai texts on paper: the official layout kept, every word printed, Thai shaped.

The rationale (1,517 characters), the objectives and the reports' stages (one of 790), filled in
through the library (``write_template(data=...)``) or typed into a blank template in Calc (one-line
texts through the cell's ``FormulaLocal``, as Calc's own input does; the rationale's lines pasted):
printed to PDF by Calc, the form keeps its A4 pages and their count, every row opens as tall as
Calc fits its text (so nothing is clipped at a cell's edge, which ``pdftotext`` would not show),
and ``pdftotext`` gives back each text with its marks (tone marks, sara am) in the typed order.

Measured here, and why the comparison is as it is: ``pdftotext -bbox`` (and ``-layout``) split
words where a mark is placed apart from its letter ("สูงขึ้น" comes out as "ูงขึ" plus "้"), and
``-layout`` interleaves a wrapped cell's lines with its neighbours'; the page itself shows the
marks stacked right. ``-raw`` keeps Calc's drawing order, so each text is found in it with its
spaces and line breaks left out and nothing else changed (sara am stays U+0E33).
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_print import A4
from tests.libreoffice import pdf_page_sizes
from tests.test_reopened_ods import lines_lost

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

SARA_AM, NIKHAHIT = "\u0e33", "\u0e4d"


def shaped(text: str) -> str:
    """``text`` as compared with the print: spaces and line breaks out, every mark kept."""
    return "".join(ch for ch in text if not ch.isspace())


def by_cell(seed: dict[str, Any]) -> dict[str, str]:
    """The seed's free texts by the cell they are typed in (rationale, objectives, stages)."""
    texts = {"A12": seed["rationale"]}
    texts.update({f"B{17 + i}": objective for i, objective in enumerate(seed["objectives"])})
    texts.update({f"C{37 + i}": report["stage"] for i, report in enumerate(seed["reports"])})
    return texts


def printout(libreoffice: Any, path: Path) -> tuple[str, list[tuple[float, float]], str]:
    """Calc's PDF of ``path``: its ``-raw`` text, its page sizes (mm) and its ``-bbox`` XHTML."""
    pdf = libreoffice.convert(path, path.with_suffix(".pdf"))
    raw, bbox = (subprocess.run(["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True,
                                check=True).stdout for mode in ("-raw", "-bbox"))
    return raw, pdf_page_sizes(pdf), bbox


def assert_printed_whole(libreoffice: Any, form: Form, path: Path, texts: dict[str, str], pages: int,
                         reopened_fits: bool = True) -> None:
    raw, sizes, bbox = printout(libreoffice, path)
    assert len(sizes) == pages and all(sorted(s) == pytest.approx(sorted(A4), abs=1.0) for s in sizes), sizes
    stream = shaped(raw)
    assert NIKHAHIT not in stream  # sara am printed as itself, not split into its two parts
    for ref, text in texts.items():
        assert unicodedata.is_normalized("NFC", text)
        assert shaped(text) in stream, f"{ref}: not printed as typed"
    # Nothing beyond the page's right (or lower) edge: the layout is the form's, fitted to A4.
    for width, height, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S):
        for x_max, y_max in re.findall(r'xMax="([\d.]+)" yMax="([\d.]+)"', body):
            assert float(x_max) <= float(width) and float(y_max) <= float(height)
    if reopened_fits:
        rows = sorted({int(ref[1:]) for ref in texts} - {12})  # the rationale's four-row block: test_teacher_calc
        assert lines_lost(libreoffice, path, form.sheet, rows) == {row: 0 for row in rows}


def longer(seed: dict[str, Any]) -> dict[str, Any]:
    """The seed with every objective and short stage four times over (several hundred characters)."""
    data = copy.deepcopy(seed)
    data["objectives"] = [" ".join([objective] * 4) for objective in data["objectives"]]
    for report in data["reports"]:
        report["stage"] = report["stage"] if len(report["stage"]) > 300 else " ".join([report["stage"]] * 4)
    return data


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("size", ["seed", "longer"])
def test_long_thai_texts_filled_by_the_library_print_whole(libreoffice: Any, progress_form: Form,
                                                           seed: dict[str, Any], tmp_path: Path, fmt: str,
                                                           size: str) -> None:
    data = seed if size == "seed" else longer(seed)
    blank, path = tmp_path / f"blank.{fmt}", tmp_path / f"filled.{fmt}"
    write_template(progress_form, blank)
    write_template(progress_form, path, data=data)
    pages = len(printout(libreoffice, blank)[1])
    assert_printed_whole(libreoffice, progress_form, path, by_cell(data), pages)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_long_thai_texts_typed_in_calc_print_whole(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                   tmp_path: Path, fmt: str) -> None:
    texts = by_cell(seed)
    assert any(SARA_AM in text for text in texts.values()) and max(map(len, texts.values())) > 700
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    cells = libreoffice.type_into(blank, typed, texts, sheet=progress_form.sheet)
    assert {ref: cell["string"] for ref, cell in cells.items()} == texts  # Calc kept what was typed
    # As typed, before any save, no row is shorter than Calc's own fit of its text.
    rows = sorted({int(ref[1:]) for ref in texts} - {12})
    on_screen = libreoffice.geometry(blank, progress_form.sheet, columns=7, rows=50, entries=texts)["rows_mm"]
    fitted = libreoffice.fitted_heights(typed, progress_form.sheet, rows)
    short = {row: (on_screen[row - 1], fit) for row, (_, fit) in fitted.items() if on_screen[row - 1] < fit - 0.3}
    assert not short, short
    # Known, not ours (tests/test_reopened_ods.py, xfail): an .ods Calc saved opens with some Thai rows a
    # line short (the seed's report 7, C43, prints its last word over report 8); the .xlsx keeps them.
    assert_printed_whole(libreoffice, progress_form, typed, texts, len(printout(libreoffice, blank)[1]),
                         reopened_fits=fmt == "xlsx")
