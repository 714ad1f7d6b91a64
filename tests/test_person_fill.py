"""Filling an empty template as a person would: only unlocked cells, values typed as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.spec.form import Form
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template
from sheetsync.check.validate import validate

from tests.conftest import FORMS_DIR
from tests.typing import typed_entries

def test_typed_text_reads_back_equal_xlsx(any_form: tuple[Form, dict[str, Any]], tmp_path: Path) -> None:
    form, data = any_form
    blank = tmp_path / "blank.xlsx"
    write_template(form, blank)
    wb = load_workbook(blank)
    ws = wb[form.sheet]
    entries = typed_entries(form, data)
    for ref, text in entries.items():
        assert ws[ref].protection.locked is False, f"{ref} should be an input cell"
        ws[ref].value = text
        ws[ref].data_type = "s"  # typed text, exactly as entered
    assert any("บาท" in t for t in entries.values()) or form.id != "progress-report"
    filled_path = tmp_path / "filled.xlsx"
    wb.save(filled_path)
    filled = read_filled(filled_path, forms_dirs=[FORMS_DIR])
    assert filled.problems == []
    assert filled.data == data
    assert validate(filled).valid


@pytest.mark.libreoffice
def test_typed_in_libreoffice_reads_back_equal_ods(any_form: tuple[Form, dict[str, Any]], tmp_path: Path,
                                                   libreoffice: Any) -> None:
    """Real typing in Calc (Thai locale): B.E. dates become dates in 25xx, the reader fixes them."""
    form, data = any_form
    blank, typed = tmp_path / "blank.ods", tmp_path / "typed.ods"
    write_template(form, blank)
    libreoffice.type_into(blank, typed, typed_entries(form, data), sheet=form.sheet)
    filled = read_filled(typed, forms_dirs=[FORMS_DIR])
    assert filled.problems == []
    assert filled.data == data


@pytest.mark.libreoffice
def test_typing_over_a_label_in_libreoffice_does_not_stick(progress_form: Form, tmp_path: Path,
                                                            libreoffice: Any) -> None:
    blank = tmp_path / "blank.xlsx"
    write_template(progress_form, blank)
    out = tmp_path / "typed.xlsx"
    libreoffice.type_into(blank, out, {"A4": "แก้ป้าย", "C4": "ชื่อโครงการ"}, sheet=progress_form.sheet)
    filled = read_filled(out)
    assert filled.data["project"]["name"] == "ชื่อโครงการ"
    assert "locked-cell-changed" not in validate(filled).codes()
