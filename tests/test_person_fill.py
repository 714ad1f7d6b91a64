"""Filling an empty template as a person would: only unlocked cells, values typed as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.form import Form
from sheetsync.reader import read_filled
from sheetsync.template import write_template
from sheetsync.validate import validate

from .conftest import FORMS_DIR
from .typing import typed_entries

SITTING = 10  # cells typed before saving and reopening


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
    current = tmp_path / "blank.ods"
    write_template(form, current)
    entries = list(typed_entries(form, data).items())
    # Several sittings (type, save, reopen), as a teacher would: soffice 7.4 aborts when closing
    # a document after ~40 dispatcher edits mixing multi-line text and dropdown cells.
    for sitting, start in enumerate(range(0, len(entries), SITTING)):
        saved = tmp_path / f"typed-{sitting}.ods"
        libreoffice.type_into(current, saved, dict(entries[start:start + SITTING]), sheet=form.sheet)
        current = saved
    filled = read_filled(current, forms_dirs=[FORMS_DIR])
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
