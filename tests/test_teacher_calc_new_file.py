"""A teacher puts the form into a new workbook of her own in Calc and sends that: she selects the whole
form, copies it and pastes it into File > New (the sheet is "Sheet1"), or copies the sheet to "- new
document -" (Sheet > Move or Copy Sheet: the sheet keeps its name). Neither new workbook has the
template's hidden sheet, and neither is the file the office sent.

She was told, for the pasted one, only that the file is not the office's form (nothing to do), and, for
the copied sheet, that the hidden sheet "was deleted" from it and not to delete it, which she never did.
She is told plainly that this is a new file, not the one the office sent, and to type (or paste her
values) into the file she received, and send that. A hidden sheet truly shown and deleted is still told
so (tests/test_teacher_calc_menus.py): the workbook keeps the template's document properties then."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.check.reader import read_filled
from sheetsync.errors import FormCopiedError, MetadataSheetDeletedError, NotOurFormError
from sheetsync.identity import META_SHEET
from sheetsync.pipeline import why_not_read
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template


@pytest.mark.libreoffice
@pytest.mark.parametrize("how", ["paste", "sheet"])
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_form_put_into_a_new_workbook_is_said_to_be_a_new_file(libreoffice: Any, progress_form: Form,
                                                                    seed: dict[str, Any], tmp_path: Path,
                                                                    fmt: str, how: str) -> None:
    issued, new = tmp_path / f"issued.{fmt}", tmp_path / f"new.{fmt}"
    write_template(progress_form, issued, data=seed)
    sheets = libreoffice.into_new(issued, new, how, sheet=progress_form.sheet)
    assert (progress_form.sheet in sheets) == (how == "sheet"), sheets
    with pytest.raises(NotOurFormError) as caught:
        read_filled(new)
    said = why_not_read(caught.value)
    assert said["th"].startswith("ไฟล์นี้เป็นไฟล์ใหม่"), said["th"]
    assert "ไม่ใช่ไฟล์ที่สำนักงานส่งให้" in said["th"]
    assert "ไฟล์ที่ได้รับ" in said["th"] and "วาง" in said["th"]  # type, or paste her values, there
    assert "ถูกลบ" not in said["th"], said["th"]  # she deleted nothing
    assert "new file" in said["en"] and "deleted" not in said["en"]
    if how == "sheet":  # the form's own sheet, under its name: what she made is known for sure
        assert isinstance(caught.value, FormCopiedError)


def _refused(path: Path) -> NotOurFormError:
    with pytest.raises(NotOurFormError) as caught:
        read_filled(path)
    return caught.value


def test_what_tells_a_new_file_from_a_deleted_hidden_sheet_and_from_another_file(progress_form: Form,
                                                                                  tmp_path: Path) -> None:
    """Without Calc: the template's workbook with its hidden sheet deleted keeps the template's document
    properties (a deleted sheet, said so); the form's title pasted into a new workbook's first cells is
    a new file; a workbook of anything else is still no form of ours."""
    template = tmp_path / "template.xlsx"
    write_template(progress_form, template)
    book = openpyxl.load_workbook(template)
    del book[META_SHEET]
    book.save(deleted := tmp_path / "deleted.xlsx")
    assert type(_refused(deleted)) is MetadataSheetDeletedError
    new = openpyxl.Workbook()
    new.active["A1"] = f"** {progress_form.title} **"
    new.save(pasted := tmp_path / "pasted.xlsx")
    assert type(_refused(pasted)) is FormCopiedError
    new.active["A1"] = "รายชื่อนักเรียน"
    new.save(other := tmp_path / "other.xlsx")
    refused = _refused(other)
    assert type(refused) is NotOurFormError
    assert "ไฟล์ใหม่ที่คัดลอก" not in why_not_read(refused)["th"]
