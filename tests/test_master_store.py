"""The master's own data: the JSON split over cells, damaged masters, what changed."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from sheetsync.spec.form import Form
from sheetsync.master import MasterFormatError, merge, read_master
from sheetsync.master.changes import changed_pointers
from sheetsync.master.store import CELL_LIMIT, DATA_SHEET, split_cells
from tests.test_master_support import seed_data, submit


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("text", ["", "สั้น", "ก" * 70_000, "😀" * 20_000, ("ข" * 31_999) + "😀" + "x" * 10])
def test_split_cells_fits_every_piece_in_a_cell(text: str) -> None:
    pieces = split_cells(text)
    assert "".join(pieces) == text
    assert all(utf16_units(p) <= CELL_LIMIT for p in pieces)
    assert len(pieces) == max(1, -(-utf16_units(text) // CELL_LIMIT))  # no more cells than needed


def test_long_submissions_round_trip_through_several_cells(progress_form: Form, tmp_path: Path) -> None:
    data = seed_data()
    data["rationale"] = "ก" * 9_000  # the form allows long texts; together they overflow one cell
    data["objectives"] = ["ข" * 900] * 5
    for report in data["reports"]:
        report["stage"] = "ค" * 4_000
    master = tmp_path / "master.xlsx"
    result = merge([submit(progress_form, tmp_path, data, "s1")], master)
    assert result.outcomes[0].result == "merged", result.outcomes[0].detail
    (record,) = read_master(master).records.values()
    assert record.data == data
    assert len(json.dumps(data, ensure_ascii=False)) > CELL_LIMIT
    ws = openpyxl.load_workbook(master)[DATA_SHEET]
    assert ws.max_column > 11  # the JSON took more than one cell


def test_not_a_master_is_refused_with_its_name(progress_form: Form, tmp_path: Path) -> None:
    other = submit(progress_form, tmp_path, seed_data(), "s1", name="not-a-master.xlsx")
    with pytest.raises(MasterFormatError, match="not-a-master.xlsx: not a sheetsync master"):
        merge([], other)
    text = tmp_path / "text.xlsx"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(MasterFormatError, match="text.xlsx: cannot be read as a master"):
        read_master(text)


def test_a_damaged_data_sheet_is_named(progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    merge([submit(progress_form, tmp_path, seed_data(), "s1")], master)
    wb = openpyxl.load_workbook(master)
    wb[DATA_SHEET]["K2"] = '{"cut'
    wb.save(master)
    with pytest.raises(MasterFormatError, match="row 2 of the '_data' sheet is damaged"):
        read_master(master)


def test_changed_pointers() -> None:
    old = {"a": [1, 2], "b": {"c": True}, "x/y": 1, "same": 1}
    new = {"a": [1, 3, 4], "b": {"c": 1}, "x/y": 2, "same": 1.0, "added": None}
    assert changed_pointers(old, new) == ["/a/1", "/a/2", "/added", "/b/c", "/x~1y"]
    assert changed_pointers(old, old) == []
    assert changed_pointers(1, 2) == ["/"]
