"""A teacher presses Alt+Enter inside a name or an objective (a line break in the cell, as pasting from
Word gives too): every line shows and prints; the objective reads back with its break, a name (a one-line
field: see ``sheetsync.check.parsing.one_line``) with a space where she broke it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_print import letters, printed
from tests.test_reopened_ods import lines_lost

pytestmark = pytest.mark.libreoffice

BROKEN = {"C10": "นางสาวจุไรรัตน์\nชุมสุวรรณ", "F10": "นางสาววรางคณา\nศิริวัฒน์",
          "B17": "เพื่อพัฒนาคุณภาพการศึกษา\nของเครือข่ายโรงเรียน", "C50": "นายสมชาย\nใจดี"}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_line_break_typed_in_a_name_or_an_objective_reads_and_prints(libreoffice: Any, progress_form: Form,
                                                                        tmp_path: Path, fmt: str) -> None:
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, BROKEN, sheet=progress_form.sheet)
    data = read_filled(typed).data
    got = [data["unit"]["responsible_person"], data["unit"]["coordinator"], data["objectives"][0],
           data["certification"]["signer"]]
    one_line = {ref: text.replace("\n", " ") for ref, text in BROKEN.items() if ref != "B17"}
    assert got == [one_line["C10"], one_line["F10"], BROKEN["B17"], one_line["C50"]]
    assert lines_lost(libreoffice, typed, progress_form.sheet, [10, 17, 50]) == {10: 0, 17: 0, 50: 0}
    stream = letters(printed(libreoffice, typed)[0])
    for line in (line for text in BROKEN.values() for line in text.split("\n")):
        assert letters(line) in stream, line
