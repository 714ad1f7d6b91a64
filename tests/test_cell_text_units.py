"""A cell's text is cut at 32,767 UTF-16 code units, as Excel counts, not at 32,767 characters.

Found by attack7: the reader cut a cell at 32,767 characters, but a character outside the Basic
Multilingual Plane (an emoji) takes two of Excel's units, so a cell of 20,000 emoji (40,000 units,
which Calc writes and keeps) went whole into the marked-up copy, a cell longer than Excel holds in
the file the school is to open. The master already cut its text by units (``split_cells``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.limits import MAX_CELL_TEXT
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template
from sheetsync.text import safe_value

EMOJI = "\U0001f600"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_safe_value_cuts_at_excels_units() -> None:
    cut = safe_value(EMOJI * 20_000)
    assert _units(cut) <= MAX_CELL_TEXT and cut.endswith("…") and cut.startswith(EMOJI * 16_000)
    assert safe_value("ก" * MAX_CELL_TEXT) == "ก" * MAX_CELL_TEXT  # a whole cell of Thai is Excel's limit, kept
    mixed = "ก" * 30_000 + EMOJI * 2_000  # 32,000 characters, 34,000 units
    assert _units(safe_value(mixed)) <= MAX_CELL_TEXT


def test_the_marked_up_copy_holds_no_cell_longer_than_excel_does(tmp_path: Path, progress_form: Form,
                                                                  seed: dict[str, Any]) -> None:
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    wb.worksheets[0]["C4"].value = EMOJI * 20_000  # the project's name, as Calc keeps it
    wb.save(path)
    filled = read_filled(path)
    report = validate(filled)
    assert any(f.cell == "C4" for f in report.findings)
    write_marked_up(filled, report, tmp_path / "copy.xlsx")
    copy = load_workbook(tmp_path / "copy.xlsx")
    longest = max(_units(c.value) for ws in copy.worksheets for row in ws.iter_rows() for c in row
                  if isinstance(c.value, str))
    assert longest <= MAX_CELL_TEXT
