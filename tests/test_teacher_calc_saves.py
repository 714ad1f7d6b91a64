"""A teacher's Calc "Save As" into the other formats Calc offers: what the office reads back, and what the
teacher is told when a format cannot be read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.errors import SavedAsOtherTypeError, UnreadableFileError
from sheetsync.formats.guard import check_spreadsheet
from sheetsync.pipeline import why_not_read
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run

TYPED = {"E42": "๑๐,๐๐๐ บาท", "D43": "100%", "B43": "29 เม.ย. 2563", "F43": "เป็นไปตามแผน "}


def _typed(libreoffice: Any, form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> Path:
    template, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(form, template, data=seed, recipient="school-01")
    libreoffice.type_into(template, typed, TYPED, sheet=form.sheet)
    return typed


@pytest.mark.libreoffice
@pytest.mark.parametrize(("fmt", "saved_as"), [("ods", "xlsx"), ("xlsx", "ods"), ("ods", "xls"), ("xlsx", "xls")])
def test_saved_as_the_other_format_reads_back_as_typed(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                       tmp_path: Path, fmt: str, saved_as: str) -> None:
    typed = _typed(libreoffice, progress_form, seed, tmp_path, fmt)
    saved = libreoffice.convert(typed, tmp_path / f"saved.{saved_as}")
    filled = read_filled(saved)
    assert filled.problems == [] and filled.data == seed
    assert validate(filled).findings == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_saved_as_flat_ods_says_so_and_how_to_save_it_again(libreoffice: Any, progress_form: Form,
                                                            seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """Calc's "Save As" offers "Flat XML ODF Spreadsheet (.fods)" next to .ods: one XML file, no zip. It was
    refused as "the file is damaged, or is not a report file" (in English "a text file"): the teacher would
    fill the form again, or send the same file again. It is told which type it was saved as, that nothing
    typed is lost, and to save it as .ods or .xlsx; the file Calc saves from it then reads back whole."""
    flat = libreoffice.convert(_typed(libreoffice, progress_form, seed, tmp_path, fmt), tmp_path / "saved.fods")
    with pytest.raises(SavedAsOtherTypeError) as caught:
        check_spreadsheet(flat)
    why = why_not_read(caught.value)
    assert ".fods" in why["th"] and ".ods" in why["th"] and "บันทึกเป็น" in why["th"] and "เสียหาย" not in why["th"]
    assert ".fods" in why["en"] and "Save As" in why["en"]
    done = run("validate", flat)
    assert done.returncode == 2
    first = done.stderr.strip().splitlines()[0]
    assert first.index("บันทึกเป็น") < first.index("Save As") and "เสียหาย" not in first
    again = libreoffice.convert(flat, tmp_path / "saved-again.ods")
    assert read_filled(again).data == seed and validate(read_filled(again)).findings == []


@pytest.mark.parametrize(("head", "kind"), [
    (b'<?xml version="1.0"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
     + b" " * 3000 + b'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">', ".fods"),
    (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook>', "Excel 2003 XML"),
])
def test_a_spreadsheet_saved_as_one_xml_file_is_named(tmp_path: Path, head: bytes, kind: str) -> None:
    path = tmp_path / "school.xlsx"  # the name a school gives it says nothing: the bytes do
    path.write_bytes(head + b"</office:document>")
    with pytest.raises(SavedAsOtherTypeError) as caught:
        check_spreadsheet(path)
    assert kind in caught.value.kind and kind in why_not_read(caught.value)["th"]


def test_other_xml_is_still_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "school.ods"
    path.write_bytes(b'<?xml version="1.0"?>\n<office:document office:mimetype="application/vnd.oasis.opendocument.text">')
    with pytest.raises(UnreadableFileError) as caught:
        check_spreadsheet(path)
    assert not isinstance(caught.value, SavedAsOtherTypeError) and "a text file" in str(caught.value)
