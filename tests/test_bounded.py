"""The bounded copy (sheetsync.formats.bounded): what is inside the form reads exactly as before."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from sheetsync import limits
from sheetsync.errors import LimitError
from sheetsync.spec.form import Form
from sheetsync.formats.bounded import Bounds, bounded_copy
from sheetsync.check.reader import form_area, read_filled
from sheetsync.template.write import write_template
from sheetsync.check.validate import validate
from tests.data.hostile.build import rewrite


def test_form_area_is_the_templates_used_range(progress_form: Form) -> None:
    assert form_area(progress_form) == Bounds(51, 7)


def test_cells_without_references_keep_their_places(progress_form: Form, seed: dict[str, Any],
                                                     tmp_path: Path) -> None:
    # r= is optional in .xlsx: a row or cell without it follows the previous one.
    original = tmp_path / "t.xlsx"
    write_template(progress_form, original, data=seed)
    bare = rewrite(original, tmp_path / "bare.xlsx",
                   {"xl/worksheets/sheet1.xml": lambda xml: re.sub(rb' r="[A-Z]+\d+"', b"", xml)})
    assert b' r="A1"' not in zipfile.ZipFile(bare).read("xl/worksheets/sheet1.xml")
    filled = read_filled(bare)
    assert filled.data == read_filled(original).data
    assert validate(filled).valid


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_clipping_keeps_the_rectangle_and_names_the_first_cell_beyond(tmp_path: Path, progress_form: Form,
                                                                       seed: dict[str, Any], fmt: str) -> None:
    path = tmp_path / f"t.{fmt}"
    write_template(progress_form, path, data=seed)
    data, outside = bounded_copy(path, fmt, {"แบบรายงาน": Bounds(2, 3)})
    assert [(o.sheet, o.cell) for o in outside] == [("แบบรายงาน", "A3")]
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name("แบบรายงาน").to_python(skip_empty_area=False)
    assert len(rows) == 2 and all(len(r) <= 3 for r in rows)
    assert str(rows[1][0]).startswith("1.")
    assert book.get_sheet_by_name("_sheetsync").to_python() in ([], [[""]])  # not named: emptied


def test_element_limit(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.xlsx"
    write_template(progress_form, path, data=seed)
    monkeypatch.setattr(limits, "MAX_ELEMENTS", 50)
    with pytest.raises(LimitError) as caught:
        read_filled(path)
    assert caught.value.code == "limit.elements"
    assert "ชีต" in caught.value.message("th") and caught.value.message("th").startswith("t.xlsx: ")
