"""Files written as on Windows, where a file opened in text mode turns each ``\\n`` into ``\\r\\n``.

What already holds ``\\r\\n`` then holds ``\\r\\r\\n``: the summary CSV's rows (``csv`` ends each with
``\\r\\n``), which Excel showed with an empty row between every two; a master value pasted from a
Windows program, which an XML reader takes as two line breaks. Both are written untranslated, as on Linux."""

from __future__ import annotations

import io
import pathlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.master.layout import Column, Sheet
from sheetsync.master.workbook import write_workbook
from sheetsync.pipeline import UNREADABLE, failure
from sheetsync.check.report import Unread
from sheetsync.render.summary import write_summary_csv


def _as_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Path.open`` in text mode translating newlines as Windows does (``newline=None`` → ``\\r\\n``)."""
    real = pathlib.Path.open

    def windows_open(self: Path, mode: str = "r", buffering: int = -1, encoding: str | None = None,
                     errors: str | None = None, newline: str | None = None) -> Any:
        if "b" not in mode and "w" in mode and newline is None:
            return io.TextIOWrapper(real(self, mode.replace("w", "wb"), buffering), encoding=encoding, errors=errors,
                                    newline="\r\n")
        return real(self, mode, buffering, encoding, errors, newline)
    monkeypatch.setattr(pathlib.Path, "open", windows_open)


def _write_text_as_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Path.write_text`` translating newlines as Windows does when ``newline`` is not given."""
    real = pathlib.Path.write_text

    def windows_write_text(self: Path, data: str, encoding: str | None = None, errors: str | None = None,
                           newline: str | None = None) -> int:
        return real(self, data, encoding, errors, "\r\n" if newline is None else newline)
    monkeypatch.setattr(pathlib.Path, "write_text", windows_write_text)


def test_the_summary_csv_has_no_empty_rows_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_text_as_on_windows(monkeypatch)
    _as_on_windows(monkeypatch)
    bad = [Path(f"inbox/โรงเรียน{n}.pdf") for n in range(2)]
    write_summary_csv([Unread(p, failure(p, UNREADABLE, "not a spreadsheet")) for p in bad], tmp_path / "summary.csv")
    raw = (tmp_path / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\r" not in raw
    assert raw.count(b"\r\n") == 3  # the header and two rows, each ended as Excel writes a CSV


def test_a_line_break_in_a_value_stays_one_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _as_on_windows(monkeypatch)
    sheet = Sheet(name="ข้อมูล", columns=(Column("หมายเหตุ", 30), Column("อื่น", 10)),
                  rows=[["บรรทัดหนึ่ง\r\nบรรทัดสอง", "ก\nข"]], row_count=1)
    write_workbook([sheet], tmp_path / "master.xlsx")
    monkeypatch.undo()
    book = openpyxl.load_workbook(tmp_path / "master.xlsx", read_only=True)
    try:
        [row] = [r for r in book["ข้อมูล"].iter_rows(min_row=2, values_only=True)]
    finally:
        book.close()
    assert row[0].count("\n") == 1 and row[1] == "ก\nข", row
