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
    from sheetsync.formats import _clip

    monkeypatch.setattr(limits, "MAX_ELEMENTS", 50)  # the scan leaves the sheets to the clipping walk
    monkeypatch.setattr(_clip.Clip, "limit", property(lambda clip: 50))  # which stops there
    with pytest.raises(LimitError) as caught:
        read_filled(path)
    assert caught.value.code == "limit.elements"
    assert "แผ่นงาน" in caught.value.message("th") and caught.value.message("th").startswith("t.xlsx: ")


def test_a_form_larger_than_the_element_limit_is_still_read(tmp_path: Path) -> None:
    """A form whose own rows and cells outnumber MAX_ELEMENTS (a table of 60,000 rows) would have every
    honest return refused: its sheet may write twice what its rectangle holds; past that it is refused."""
    from sheetsync.formats._clip import Clip

    small, large = Clip("S", 40, 8, tmp_path / "f.xlsx"), Clip("S", 60_000, 3, tmp_path / "f.xlsx")
    assert small.limit == limits.MAX_ELEMENTS and large.limit == 2 * 60_000 * 4 > limits.MAX_ELEMENTS
    large.count(60_000 * 4)  # every row and cell of the form, written once
    with pytest.raises(LimitError, match="480,000"):
        large.count(60_000 * 4 + 1)


def _walked(path: Path, fmt: str, bounds: dict[str, Bounds], monkeypatch: pytest.MonkeyPatch,
            walked: dict[str, int] | None = None) -> dict[str, int]:
    """Row and cell elements the clipping copy walks in each sheet of ``bounds`` (each costs ~5 us),
    counted into ``walked`` (also when the copy is refused)."""
    from sheetsync.formats import _clip

    walked = {} if walked is None else walked
    real = _clip.Clip.count

    def count(clip: _clip.Clip, n: int = 1) -> None:
        walked[clip.sheet] = walked.get(clip.sheet, 0) + n
        real(clip, n)
    monkeypatch.setattr(_clip.Clip, "count", count)
    bounded_copy(path, fmt, bounds)
    return walked


def _read_bounds(form: Form) -> dict[str, Bounds]:
    return {form.sheet: form_area(form), "_sheetsync": Bounds(limits.META_ROWS, limits.META_COLUMNS)}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_element_limit_is_far_above_an_honest_form(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                       fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """~400 elements in each sheet read; a metadata sheet filled to its bounds could hold 20,000."""
    path = tmp_path / f"t.{fmt}"
    write_template(progress_form, path, data=seed)
    walked = _walked(path, fmt, _read_bounds(progress_form), monkeypatch)
    assert set(walked) == {progress_form.sheet, "_sheetsync"}
    assert max(walked.values()) * 100 < limits.MAX_ELEMENTS
    assert limits.META_ROWS * (limits.META_COLUMNS + 1) * 5 <= limits.MAX_ELEMENTS


@pytest.mark.libreoffice
@pytest.mark.parametrize(("src", "dest"), [("xlsx", "xlsx"), ("xlsx", "ods")])
def test_the_element_limit_is_far_above_a_form_calc_saved(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                          libreoffice: Any, monkeypatch: pytest.MonkeyPatch,
                                                          src: str, dest: str) -> None:
    """Calc writes its own rows and cells (trailing empty cells as one repeated element)."""
    path = tmp_path / f"t.{src}"
    write_template(progress_form, path, data=seed)
    saved = libreoffice.convert(path, tmp_path / f"saved.{dest}")
    walked = _walked(saved, dest, _read_bounds(progress_form), monkeypatch)
    assert set(walked) == {progress_form.sheet, "_sheetsync"}
    assert max(walked.values()) * 100 < limits.MAX_ELEMENTS


def test_the_largest_sheet_is_refused_after_walking_the_limit(tmp_path: Path, progress_form: Form,
                                                              seed: dict[str, Any],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A form sheet at the member cap (1.9 million cells written at places inside the form, one without
    r=) took ~10 s to clip whole before it was refused (limit 3,000,000); the walk now stops at the
    limit, and the scan counts its tags at C speed instead of measuring every cell (~1.5 us each)."""
    from sheetsync.formats import extent
    from tests.data.hostile.build import XLSX_SHEETS, _cells_in_form

    path = tmp_path / "t.xlsx"
    write_template(progress_form, path, data=seed)
    big = rewrite(path, tmp_path / "big.xlsx", {XLSX_SHEETS[progress_form.sheet]: _cells_in_form(1_900_000, b"<c/>")})
    measured: list[int] = []
    real = extent._refs

    def refs(pattern: "re.Pattern[bytes]", xml: bytes) -> Any:
        measured.append(len(xml))
        return real(pattern, xml)
    monkeypatch.setattr(extent, "_refs", refs)
    scanned = extent.scan(big, "xlsx")
    assert scanned.extents[progress_form.sheet] is None  # not measured: too many tags
    assert max(measured) < 1024 * 1024  # only the metadata sheet was measured cell by cell
    walked: dict[str, int] = {}
    with pytest.raises(LimitError) as caught:
        _walked(big, "xlsx", _read_bounds(progress_form), monkeypatch, walked)
    assert caught.value.code == "limit.elements" and walked[progress_form.sheet] == limits.MAX_ELEMENTS + 1
    assert str(caught.value).startswith("big.xlsx: ") and progress_form.sheet in str(caught.value)


def _two_big_parts(tmp_path: Path, form: Form, seed: dict[str, Any]) -> Path:
    """A form whose sheet and styles each inflate to 20 MB (each within the member cap, 40 MB together)."""
    import random

    letters = bytes(range(97, 107)) * 25 + b"abcdef"  # 256 bytes, each a letter
    pad = b"<!--" + random.Random(5).randbytes(20 * limits.MB).translate(letters) + b"-->"
    path = tmp_path / "t.xlsx"
    write_template(form, path, data=seed)
    return rewrite(path, tmp_path / "two.xlsx", {
        "xl/worksheets/sheet1.xml": lambda xml: xml.replace(b"</worksheet>", pad + b"</worksheet>"),
        "xl/styles.xml": lambda xml: xml + pad})


def test_a_refusal_for_the_total_inflates_no_more_than_it(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The second 20 MB part was inflated whole before the total was checked (peak 152 MB): each
    read is now capped at what the total still allows, and a part declaring more is not read."""
    from sheetsync.formats.extent import scan

    path = _two_big_parts(tmp_path, progress_form, seed)
    inflated: list[int] = []
    real = zipfile.ZipExtFile.read

    def read(member: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = real(member, n)
        inflated.append(len(data))
        return data
    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    for copy in (lambda: scan(path, "xlsx"), lambda: bounded_copy(path, "xlsx", _read_bounds(progress_form))):
        inflated.clear()
        with pytest.raises(LimitError) as caught:
            copy()
        assert caught.value.code == "limit.total-inflated"
        assert limits.MAX_TOTAL_INFLATED - 4 * limits.MB < sum(inflated) <= limits.MAX_TOTAL_INFLATED + 1
