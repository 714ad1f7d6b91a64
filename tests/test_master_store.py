"""The master's own data: the JSON split over cells, damaged masters, what changed."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from sheetsync.spec.form import Form
from sheetsync.master import MasterFormatError, merge, read_master
from sheetsync.master.changes import changed_pointers
from sheetsync.master import Key, LedgerEntry, Recency, Record
from sheetsync.master.store import CELL_LIMIT, DATA_SHEET, data_sheet, ledger_sheet, roster_sheet, split_cells
from sheetsync.master.workbook import write_workbook
from sheetsync.roster import Recipient
from tests.test_master_support import seed_data, submit


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("text", ["", "สั้น", "ก" * 70_000, "😀" * 20_000, ("ข" * 31_999) + "😀" + "x" * 10])
def test_split_cells_fits_every_piece_in_a_cell(text: str) -> None:
    pieces = split_cells(text)
    assert "".join(pieces) == text
    assert all(utf16_units(p) <= CELL_LIMIT for p in pieces)
    assert len(pieces) == max(1, -(-utf16_units(text) // CELL_LIMIT))  # no more cells than needed


def test_long_submissions_round_trip_through_the_store(progress_form: Form, tmp_path: Path) -> None:
    data = seed_data()
    data["rationale"] = "ก" * 6_000  # the form allows long texts; together they overflow one cell
    data["objectives"] = ["ข" * 900] * 5
    for report in data["reports"]:
        report["stage"] = "ค" * 4_000
    master = tmp_path / "master.xlsx"
    result = merge([submit(progress_form, tmp_path, data, "s1")], master)
    assert result.outcomes[0].result == "merged", result.outcomes[0].detail
    (record,) = read_master(master).records.values()
    assert record.data == data and len(json.dumps(data, ensure_ascii=False)) > CELL_LIMIT


def old_style_master(path: Path, records: list[Record], ledger: list[LedgerEntry]) -> None:
    """A master as sheetsync wrote it before the store: the data in hidden sheets of the workbook."""
    write_workbook([ledger_sheet(ledger), data_sheet(records), roster_sheet([Recipient("s1", "วัดไทร", "a@x.example")])],
                   path)


def test_an_old_master_is_imported_once_and_kept_aside(progress_form: Form, tmp_path: Path) -> None:
    data = seed_data()
    data["rationale"] = "ก" * 40_000  # split over two cells of the old _data sheet
    record = Record(Key("progress-report", data["project"]["code"], "s1"), "1.0.0", "t1",
                    Recency("2020-01-01T00:00:00+00:00", ""), "old.xlsx", "ab" * 32, "2020-02-01T00:00:00", data)
    entry = LedgerEntry("2020-02-01T00:00:00", "old.xlsx", "ab" * 32, "progress-report", "1.0.0", "t1", "s1",
                        data["project"]["code"], "merged", "new")
    master = tmp_path / "master.xlsx"
    old_style_master(master, [record], [entry])
    result = merge([], master)
    assert result.written and result.kept_aside is not None  # the old workbook is never destroyed
    stored = read_master(master)
    assert [r.data for r in stored.records.values()] == [data] and [r.id for r in stored.roster] == ["s1"]
    assert [(e.file, e.result) for e in stored.ledger] == [("old.xlsx", "merged")]
    assert merge([], master).written is False  # imported once


def test_not_a_master_is_refused_with_its_name(progress_form: Form, tmp_path: Path) -> None:
    other = submit(progress_form, tmp_path, seed_data(), "s1", name="not-a-master.xlsx")
    with pytest.raises(MasterFormatError, match="not-a-master.xlsx: not a sheetsync master"):
        merge([], other)
    text = tmp_path / "text.xlsx"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(MasterFormatError, match="text.xlsx: cannot be read as a master"):
        read_master(text)


def test_a_damaged_data_sheet_of_an_old_master_is_named(tmp_path: Path) -> None:
    data = seed_data()
    record = Record(Key("progress-report", "c", "s1"), "1.0.0", "t", Recency("", ""), "f.xlsx", "s", "m", data)
    master = tmp_path / "master.xlsx"
    old_style_master(master, [record], [])
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


def test_a_master_calamine_panics_on_is_one_clear_error(tmp_path: Path) -> None:
    """A master named by the clerk (template --from-master, history --master) is read by calamine unchecked:
    a damaged .xls made it panic (pyo3's PanicException, no Exception), a traceback; now one clear error."""
    from tests.data.hostile.xls import number, shared_strings, xls

    damaged = tmp_path / "master.xls"
    damaged.write_bytes(xls([("S", number(0, 0))], shared_strings(["x"]), [10 ** 6]))  # a sheet past the stream
    with pytest.raises(MasterFormatError, match="master.xls.*damaged"):
        read_master(damaged)
