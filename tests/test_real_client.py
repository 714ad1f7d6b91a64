"""Real client: every template opens in LibreOffice Calc, survives its conversions, prints on A4."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.plan import build_plan
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template

from tests.conftest import FORMS_DIR

pytestmark = pytest.mark.libreoffice

# (source format, format LibreOffice saves it as)
CONVERSIONS = [("xlsx", "xlsx"), ("xlsx", "ods"), ("ods", "xlsx"), ("ods", "ods")]


def _sheet(info: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in info["sheets"] if s["name"] == name)


def _input_and_label_cells(form: Form) -> tuple[list[str], list[str]]:
    inputs = [f.place.ref for f in form.all_fields() if f.kind != "auto"]
    labels = [lab.place.ref for lab in form.labels]
    return inputs, labels


def _assert_locked_form(info: dict[str, Any], form: Form, prefilled: set[str] = frozenset()) -> None:
    sheet = _sheet(info, form.sheet)
    assert sheet["protected"] is True
    inputs, labels = _input_and_label_cells(form)
    cells = sheet["cells"]
    for ref in labels:
        assert cells[ref]["locked"] is True, ref
        assert cells[ref]["fonts"]["complex"] == "TH Sarabun New", ref
    for ref in inputs:
        if ref in prefilled:
            continue
        assert cells[ref]["locked"] is False, ref
        assert cells[ref]["validation"] is not None, ref
        assert cells[ref]["validation"]["allow_blank"] is True, ref
        assert cells[ref]["validation"]["input_message"], ref


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_every_template_opens_locked_with_validations(any_form: tuple[Form, dict[str, Any]], fmt: str,
                                                      tmp_path: Path, libreoffice: Any) -> None:
    form, _ = any_form
    path = tmp_path / f"blank.{fmt}"
    write_template(form, path)
    info = libreoffice.inspect(path)
    _assert_locked_form(info, form)
    meta = next(s for s in info["sheets"] if s["name"] == "_sheetsync")
    assert meta["visible"] is False
    assert info["user_properties"]["form_id"] == form.id


@pytest.mark.parametrize(("src", "dest"), CONVERSIONS, ids=[f"{a}-to-{b}" for a, b in CONVERSIONS])
def test_conversion_keeps_data_locks_and_validations(any_form: tuple[Form, dict[str, Any]], src: str, dest: str,
                                                     tmp_path: Path, libreoffice: Any) -> None:
    form, data = any_form
    original = tmp_path / f"filled.{src}"
    write_template(form, original, data=data)
    converted = libreoffice.convert(original, tmp_path / f"saved-by-calc.{dest}")
    filled = read_filled(converted, forms_dirs=[FORMS_DIR])
    assert filled.problems == []
    assert filled.data == data
    info = libreoffice.inspect(converted)
    sheet = _sheet(info, form.sheet)
    assert sheet["protected"] is True
    prefilled = {c.place.ref for c in build_plan(form, data).cells if c.role == "prefill"}  # locked on purpose
    _assert_locked_form(info, form, prefilled)
    report_cells = [c for c in sheet["cells"].values() if c.get("validation") and c["validation"]["type"] == "LIST"]
    assert report_cells or form.id != "progress-report"


def test_converted_template_still_validates_clean(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                  libreoffice: Any) -> None:
    from sheetsync.check.validate import validate

    original = tmp_path / "filled.xlsx"
    write_template(progress_form, original, data=seed)
    converted = libreoffice.convert(original, tmp_path / "calc.ods")
    assert validate(read_filled(converted)).findings == []


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_pdf_is_one_or_two_a4_pages(progress_form: Form, seed: dict[str, Any], fmt: str, tmp_path: Path,
                                   libreoffice: Any) -> None:
    path = tmp_path / f"filled.{fmt}"
    write_template(progress_form, path, data=seed)
    pdf = libreoffice.convert(path, tmp_path / "print.pdf")
    pages = libreoffice.pdf_page_sizes(pdf)
    assert 1 <= len(pages) <= 2
    for width, height in pages:
        assert abs(width - 210) < 2 and abs(height - 297) < 2


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_dates_show_in_the_buddhist_era(progress_form: Form, seed: dict[str, Any], fmt: str, tmp_path: Path,
                                        libreoffice: Any) -> None:
    path = tmp_path / f"filled.{fmt}"
    write_template(progress_form, path, data=seed)
    cells = libreoffice.cells(path, progress_form.sheet, ["B37", "B41", "C6"])
    assert cells["B37"]["string"] == "31/10/2562"
    assert cells["B41"]["string"] == "28/2/2563"
    assert cells["C6"]["string"] == "1/10/2562"


def test_legacy_xls_saved_by_calc_reads_back_equal(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                   libreoffice: Any) -> None:
    """Some schools still save as Excel 97–2003 (.xls): the reader takes it too."""
    original = tmp_path / "filled.xlsx"
    write_template(progress_form, original, data=seed)
    legacy = libreoffice.convert(original, tmp_path / "saved-as.xls")
    filled = read_filled(legacy)
    assert filled.fmt == "xls"
    assert filled.problems == [] and filled.data == seed
