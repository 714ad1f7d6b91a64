"""A part cut short inside a whole zip: a program that died while writing the sheet, then closed the
zip (or a repair tool that re-zipped what it could read). The XML simply stops.

calamine reads up to the cut without a word when it falls between two tags: the rows after it, and
every cell the school typed there, were silently missing and the file was "valid". Measured before
the fix: the form sheet of an .xlsx cut at 60 %, 90 % or 99 % of its length read as valid with no
finding; an .ods cut before its first table was "not a sheetsync form".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.errors import UnreadableFileError
from sheetsync.formats._pieces import cut_short
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.data.hostile.build import FORM_SHEET, SEED, XLSX_SHEETS, rewrite

CUTS = [0.3, 0.6, 0.9, 0.99]


@pytest.fixture(scope="module", params=["xlsx", "ods"])
def whole(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Path:
    path = tmp_path_factory.mktemp("whole") / f"school-01.{request.param}"
    write_template(progress_form, path, data=json.loads(SEED.read_text(encoding="utf-8")), recipient="school-01")
    return path


def _cut(whole: Path, tmp_path: Path, member: str, fraction: float) -> Path:
    return rewrite(whole, tmp_path / f"cut-{int(fraction * 100)}{whole.suffix}",
                   {member: lambda xml: xml[:int(len(xml) * fraction)]})


def _sheet_member(whole: Path) -> str:
    return "content.xml" if whole.suffix == ".ods" else XLSX_SHEETS[FORM_SHEET]


def test_the_whole_file_reads(whole: Path) -> None:
    assert validate(read_filled(whole), key=None).findings == []


@pytest.mark.parametrize("fraction", CUTS)
def test_a_sheet_cut_short_is_a_damaged_file_naming_it(whole: Path, tmp_path: Path, fraction: float) -> None:
    path = _cut(whole, tmp_path, _sheet_member(whole), fraction)
    with pytest.raises(UnreadableFileError) as refused:
        read_filled(path)
    assert path.name in str(refused.value) and "damaged" in str(refused.value)


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/styles.xml", XLSX_SHEETS["_sheetsync"]])
def test_any_xlsx_part_cut_short_is_damaged(tmp_path: Path, progress_form: Form, member: str) -> None:
    whole = tmp_path / "school-01.xlsx"
    write_template(progress_form, whole, data=json.loads(SEED.read_text(encoding="utf-8")), recipient="school-01")
    with pytest.raises(UnreadableFileError):
        read_filled(_cut(whole, tmp_path, member, 0.8))


@pytest.mark.parametrize(("xml", "short"), [
    (b'<?xml version="1.0"?>\n<worksheet xmlns="x"><sheetData/></worksheet>\n', False),
    (b'\xef\xbb\xbf<?xml version="1.0"?><!-- <made by="a"> --><x:worksheet><a/></x:worksheet >\r\n', False),
    (b'<?xml version="1.0"?><worksheet xmlns="x"/>', False),
    (b'<?xml version="1.0"?><worksheet xmlns="x"><sheetData><row r="1"/>', True),
    (b'<?xml version="1.0"?><worksheet xmlns="x"><sheetData/></sheetData>', True),
    (b'<?xml version="1.0"?><worksheet xmlns="x"><sheetData/></works', True),
    (b"", False),  # not judged here: the parser says what it is
    (b"not xml at all", False),
    ('<?xml version="1.0" encoding="UTF-16"?><w></w>'.encode("utf-16"), False),  # not judged either
])
def test_cut_short_judges_the_root_element(xml: bytes, short: bool) -> None:
    assert cut_short(xml) is short


def test_a_long_tail_of_white_space_is_still_whole() -> None:
    assert cut_short(b"<worksheet><a/></worksheet>" + b" \n" * 100_000) is False


@pytest.mark.parametrize(("xml", "short"), [
    (b"<styleSheet><a/></styleSheet><!-- written by a tool -->\n<?pi x?>", False),
    (b"<styleSheet><a/></styleSheet><!-- cut", True),
    (b"<styleSheet><a/><!-- a comment --> ", True),
    (b"<styleSheet><a/></styleSheet>" + b"<!---->" * 50, False),  # too many to look past: not judged
])
def test_comments_after_the_root_are_looked_past(xml: bytes, short: bool) -> None:
    assert cut_short(xml) is short
