"""Two sheets of one name (cases of tests/data/hostile/names.py): Calc and Excel refuse a second
sheet of a name (compared in capitals), so a file holding one was made by hand; a second metadata
sheet once gave the file the identity written in it. Refused as changed, naming the file and sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.check.opener import one_name_each
from sheetsync.check.reader import read_filled
from sheetsync.errors import SheetTwiceError
from sheetsync.messages import render
from sheetsync.pipeline import check_file

CASES = {"meta-sheet-twice-ods": ("_sheetsync", "_sheetsync"), "form-sheet-twice-ods": ("แบบรายงาน", "แบบรายงาน"),
         "meta-sheet-twice-xlsx": ("_sheetsync", "_sheetsync"),
         "meta-sheet-twice-by-case-xlsx": ("_SheetSync", "_sheetsync"),
         "meta-sheet-twice-xls": ("_sheetsync", "_sheetsync")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_sheets_of_one_name_are_refused_naming_the_sheet(corpus: dict[str, Path], case: str) -> None:
    with pytest.raises(SheetTwiceError) as caught:
        read_filled(corpus[case])
    sheet, first = CASES[case]
    assert (caught.value.sheet, caught.value.first) == (sheet, first)
    line = str(caught.value)
    assert line.startswith(f"{corpus[case].name}: two sheets named {sheet!r}") and "\n" not in line


@pytest.mark.parametrize("case", ["meta-sheet-twice-ods", "meta-sheet-twice-by-case-xlsx"])
def test_the_school_is_told_in_thai_to_send_the_file_as_filled(corpus: dict[str, Path], case: str) -> None:
    result = check_file(corpus[case])
    assert result.report is None and result.failure is not None
    sheet = CASES[case][0]
    assert result.why == {lang: render("why.sheet-twice", lang, sheet=sheet) for lang in ("th", "en")}
    assert f"'{sheet}'" in result.why["th"] and result.why["th"] in result.failure.message_th


def test_names_told_apart_otherwise_are_kept() -> None:
    one_name_each(Path("x.xlsx"), ["แบบรายงาน", "_sheetsync", "Sheet1", "Sheet2", "straße", "strasse"])
    one_name_each(Path("x.ods"), [f"S{n}" for n in range(60_000)])
    with pytest.raises(SheetTwiceError, match=r"x.ods: two sheets named 'SHEET1' \(as 'Sheet1' is"):
        one_name_each(Path("x.ods"), ["Sheet1", "a", "SHEET1"])
