"""What a teacher meets in the marked-up copy where the office's copy has already put her file right.

A school whose sheet lost its protection inserted a row in the reports, or typed over a label of the
form. The marked-up copy is a fresh form holding her values where they belong: the inserted row is
gone, the label is the form's own again (tests/test_validate.py). Yet the cell the finding names (the
report number of the inserted row, the label) was painted red, in a cell she cannot type into: no fix
could clear it, so it stayed red on screen and on the paper she prints to sign, and its note told her
to delete a row the copy does not have. The copy marks nothing there; the note says it is already
done, so she knows there is nothing to do in that cell.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.messages import render
from sheetsync.spec.form import Form
from sheetsync.template.markup import FILLS, marked_up_plan, write_marked_up
from sheetsync.template.write import write_template
from tests.test_marks import red_share
from tests.test_print import letters, printed


def _school(form: Form, seed: dict[str, Any], tmp_path: Path, edit: str) -> Path:
    """The school's file with a row inserted above report 5 (row 41), or the label of A4 typed over."""
    path = tmp_path / "school.xlsx"
    write_template(form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    ws = wb[form.sheet]
    if edit == "insert":
        ws.insert_rows(41)
    else:
        ws["A4"] = "ชื่อโครงการ"
    wb.save(path)
    return path


@pytest.mark.parametrize(("edit", "code", "ref"), [("insert", "rows-inserted", "A41"),
                                                    ("label", "locked-cell-changed", "A4")])
def test_a_finding_the_copy_already_put_right_is_not_painted(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path, edit: str, code: str, ref: str) -> None:
    filled = read_filled(_school(progress_form, seed, tmp_path, edit))
    report = validate(filled)
    assert [(f.code, f.cell) for f in report.errors] == [(code, ref)]
    cell = next(c for c in marked_up_plan(filled, report).cells if c.place.ref == ref)
    assert cell.locked and cell.style.fill != FILLS["error"] and cell.mark is None
    assert cell.note is not None and render("markup.put_right", "th") in cell.note
    assert cell.note.index(render("markup.put_right", "th")) < cell.note.index(render("markup.put_right", "en"))


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_inserted_row_s_number_is_not_red_on_paper(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                       tmp_path: Path, fmt: str) -> None:
    filled = read_filled(_school(progress_form, seed, tmp_path, "insert"))
    marked = tmp_path / f"marked.{fmt}"
    write_marked_up(filled, validate(filled), marked)
    [cell] = libreoffice.cells(marked, progress_form.sheet, ["A41"]).values()
    assert cell["string"] == "5" and cell["back_color"] != int(FILLS["error"], 16)
    assert cell["annotation"].startswith(render("rows-inserted", "th", row=41, count=1))
    assert render("markup.put_right", "th") in cell["annotation"]
    pdf = libreoffice.convert(marked, tmp_path / "marked.pdf")
    assert red_share(pdf, "5", row="28/2/2563") == 0  # report 5's number, on its date's line
    # On paper it is the form, as a clean copy of the same data prints it (its notes are not printed).
    clean = tmp_path / "clean" / f"clean.{fmt}"
    clean.parent.mkdir()
    write_template(progress_form, clean, data=seed)
    (text, pages), (clean_text, clean_pages) = printed(libreoffice, marked), printed(libreoffice, clean)
    assert pages == clean_pages and letters(text) == letters(clean_text)


def test_data_outside_the_form_is_said_to_be_left_out_of_the_copy(progress_form: Form, seed: dict[str, Any],
                                                                  tmp_path: Path) -> None:
    """A note typed beside the reports (H40) is told "please delete it"; the copy holds no H40 to delete
    (a fresh form): its line on the findings sheet says so, and the copy holds nothing there."""
    path = tmp_path / "school.xlsx"
    write_template(progress_form, path, data=seed, recipient="school-07")
    wb = load_workbook(path)
    wb[progress_form.sheet]["H40"] = "หมายเหตุ"
    wb.save(path)
    filled = read_filled(path)
    report = validate(filled)
    assert [(f.code, f.cell) for f in report.errors] == [("outside-form-area", "H40")]
    marked = tmp_path / "marked.xlsx"
    plan = write_marked_up(filled, report, marked)
    [row] = plan.summary.rows
    assert row[0].split("\n")[0] == "H40" and render("markup.put_right", "th") in row[-1]
    assert load_workbook(marked)[progress_form.sheet]["H40"].value is None


def test_a_cell_put_right_and_wrong_too_stays_red_and_its_note_does_not_say_there_is_nothing_to_do(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """validate() leaves no other finding on a row it inserted (:func:`_above_moved_rows`), but a finding
    on the same cell, whoever makes it, is still to be fixed there: the cell stays red, and the note of the
    one put right says it alone is done, not "nothing to change in this cell"."""
    filled = read_filled(_school(progress_form, seed, tmp_path, "insert"))
    report = validate(filled)
    [moved] = report.errors
    report.findings.append(replace(moved, code="invalid", message_th="ช่อง A41 ผิด", message_en="A41 is wrong"))
    plan = marked_up_plan(filled, report)
    cell = next(c for c in plan.cells if c.place.ref == "A41")
    assert cell.style.fill == FILLS["error"] or (cell.mark is not None and cell.mark.fill == FILLS["error"])
    assert cell.note is not None and "A41 is wrong" in cell.note
    for lang in ("th", "en"):
        assert render("markup.put_right", lang) not in cell.note
        assert render("markup.put_right.one", lang) in cell.note
    said = [row[-1] for row in plan.summary.rows]
    assert not any(render("markup.put_right", "en") in line for line in said)
    assert any(render("markup.put_right.one", "en") in line for line in said)
