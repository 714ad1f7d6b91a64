"""The expansion check against what calamine really builds (found in review): files calamine builds into far more
text than the check counts. Each case is run with a small limit, so calamine builds a few MB at
most: the plain file (its control) is refused, the file written as the attacker writes it must be too.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sheetsync import limits
from sheetsync.check import opener
from sheetsync.check.reader import read_filled
from sheetsync.errors import LimitError
from sheetsync.formats import expansion
from sheetsync.spec.registry import find_form
from sheetsync.template.write import write_template
from tests.data.hostile.build import FORM_SHEET, META, SEED, XLSX_SHEETS, ods_append_rows, rewrite

LIMIT = 200_000
TEXT = b"x" * 20_000  # calamine builds it once per repeat / per cell referring to it


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("review3")
    form = find_form("progress-report")
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    paths = {fmt: out / f"base.{fmt}" for fmt in ("xlsx", "ods")}
    for fmt, path in paths.items():
        write_template(form, path, data=seed, recipient="school-01")
    return paths


BUILT: list[int] = []  # the characters calamine built for each workbook it opened


@pytest.fixture(autouse=True)
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_EXPANDED_TEXT", LIMIT)
    opened = opener.calamine

    def measured(data: bytes) -> Any:
        book = opened(data)
        BUILT.append(sum(len(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
                         for v in row if isinstance(v, str)))
        return book

    BUILT.clear()
    monkeypatch.setattr(opener, "calamine", measured)


def _refused(path: Path) -> None:
    try:
        read_filled(path)
    except LimitError as exc:
        assert exc.code == "limit.expanded-text"
        return
    pytest.fail(f"passed the check, and calamine built {max(BUILT, default=0):,} characters (limit {LIMIT:,})")


# .ods ---------------------------------------------------------------------------------------------
def _cell(attrs: bytes = b"") -> bytes:
    return b'<table:table-cell%s office:value-type="string"><text:p>%s</text:p></table:table-cell>' % (attrs, TEXT)


#: 50 rows (within the metadata sheet's 5,000 x 3) of the text: 1 MB, five times the limit.
ROWS = {
    "plain": b'<table:table-row table:number-rows-repeated="50">' + _cell() + b"</table:table-row>",
    # XML allows a raw ">" in an attribute value; quick-xml (calamine) reads the tag to its real end.
    "gt-in-attribute": b'<table:table-row table:style-name="a>b" table:number-rows-repeated="50">' + _cell()
                       + b"</table:table-row>",
    # calamine unescapes the row repeat (decode_and_unescape_value) before parsing it.
    "character-reference": b'<table:table-row table:number-rows-repeated="&#53;0">' + _cell() + b"</table:table-row>",
}


@pytest.mark.parametrize("case", list(ROWS))
def test_ods_repeated_rows_calamine_builds_are_counted(base: dict[str, Path], tmp_path: Path, case: str) -> None:
    path = rewrite(base["ods"], tmp_path / f"{case}.ods", {"content.xml": ods_append_rows(META, ROWS[case])})
    _refused(path)


SPACES = {
    "plain": b'<text:s text:c="1000000"/>',
    "gt-in-attribute": b'<text:s text:style-name="a>b" text:c="1000000"/>',
}


@pytest.mark.parametrize("case", list(SPACES))
def test_ods_spaces_calamine_builds_are_counted(base: dict[str, Path], tmp_path: Path, case: str) -> None:
    row = (b'<table:table-row><table:table-cell office:value-type="string"><text:p>a%sb</text:p>'
           b"</table:table-cell></table:table-row>" % SPACES[case])
    path = rewrite(base["ods"], tmp_path / f"spaces-{case}.ods", {"content.xml": ods_append_rows(META, row)})
    _refused(path)


class _Counted(bytes):
    """Bytes that count how much of themselves ``find`` and ``rfind`` look through."""

    looked = 0

    def find(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        found = super().find(sub, start, end)
        _Counted.looked += (found + len(sub) if found >= 0 else (end or len(self))) - (start or 0)
        return found

    def rfind(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        found = super().rfind(sub, start, end)
        _Counted.looked += (end or len(self)) - (found if found >= 0 else (start or 0))
        return found


@pytest.mark.parametrize("text", [b"columns-repeated" * 20_000, b"<x columns-repeated " * 20_000])
def test_finding_repeats_from_their_attribute_is_not_quadratic_in_text_naming_it(text: bytes) -> None:
    # Text naming the attribute 20,000 times with no '>' within: _tags_with looked back to the last
    # '>' from each word (1.6 MB took 1.7 s). Counted in bytes looked through, not in seconds.
    content = _Counted(b"<text:p>" + text + b"</text:p>")
    _Counted.looked = 0
    assert list(expansion._tags_with(content, expansion.ODS_REPEATED_CELL, b"columns-repeated")) == []
    assert _Counted.looked <= 4 * len(content), _Counted.looked


# .xlsx --------------------------------------------------------------------------------------------
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>'
ITEMS = {
    "plain": b"<si><t>" + TEXT + b"</t></si>",
    # quick-xml reports comments, CDATA and processing instructions as such: calamine's string 0 is
    # the long one, while XLSX_SI's first "item" (what cells referring to 0 are measured by) is tiny.
    "si-in-comment": b"<!--<si>--><si><t>" + TEXT + b"</t></si>",
    "si-in-cdata": b"<![CDATA[<si>]]><si><t>" + TEXT + b"</t></si>",
    "si-in-processing-instruction": b"<?x <si>?><si><t>" + TEXT + b"</t></si>",
    # A prefix is any XML name; calamine matches the local name "si" (XLSX_SI only [\w.-]+ prefixes).
    "non-ascii-prefix": "<ส:si xmlns:ส='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><ส:t>".encode()
                        + TEXT + "</ส:t></ส:si>".encode(),
}


def _shared_cells(xml: bytes) -> bytes:
    return re.sub(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|></c>)', rb'<c r="\1" t="s"><v>0</v></c>', xml)


@pytest.mark.parametrize("case", list(ITEMS))
def test_xlsx_shared_string_copies_calamine_builds_are_counted(base: dict[str, Path], tmp_path: Path,
                                                              case: str) -> None:
    rel = (b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    path = rewrite(base["xlsx"], tmp_path / f"{case}.xlsx", {
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(b"</Relationships>", rel),
        XLSX_SHEETS[FORM_SHEET]: _shared_cells})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", SST % ITEMS[case])
    _refused(path)


def test_xlsx_strings_calamine_reads_from_its_fixed_part_are_counted(base: dict[str, Path], tmp_path: Path) -> None:
    # calamine reads its shared strings from xl/sharedStrings.xml whatever the relationships say; here
    # that member is the metadata sheet (the relationships name no sharedStrings part to check).
    items = b'<sst><si><t>' + TEXT + b"</t></si></sst>"
    path = tmp_path / "strings-in-a-sheet.xlsx"
    with zipfile.ZipFile(base["xlsx"]) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            name = info.filename
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace(XLSX_SHEETS[META].removeprefix("xl/").encode(), b"sharedStrings.xml")
            elif name == XLSX_SHEETS[FORM_SHEET]:
                data = _shared_cells(data)
            elif name == XLSX_SHEETS[META]:
                name, data = "xl/sharedStrings.xml", data.replace(b"<sheetData", items + b"<sheetData", 1)
            elif name == "[Content_Types].xml":
                data = data.replace(b"/" + XLSX_SHEETS[META].encode(), b"/xl/sharedStrings.xml")
            new.writestr(name, data)
    _refused(path)
