"""What a teacher reads in the office's answer to a file with mistakes, its marked-up copy attached.

Read as she would (the e-mail composed through sheetsync's own functions, as the pipeline does): every
finding names its cell, Thai comes first, and a Thai sentence holds no placeholder left unfilled and no
English word (cell names, file names and the values she typed aside). A file with errors and no notes
was told "พบรายการที่ต้องแก้ไข 2 รายการ และข้อสังเกต 0 รายการ … ช่องสีเหลืองคือข้อสังเกต" ("… and 0 notes
… yellow cells are notes"): nothing in her copy is yellow, and "0 notes" is a count of nothing.
"""

from __future__ import annotations

import re
from html import escape
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.mailer import MailConfig, compose
from sheetsync.messages import render
from sheetsync.render import findings_line, render_for_school
from sheetsync.render.html import render_html
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template

CONFIG = MailConfig(from_addr="สำนักงานเขตจอมทอง <office@example.org>", reply_to="help@example.org")


def _answer(form: Form, seed: dict[str, Any], tmp_path: Path) -> tuple[EmailMessage, list[str]]:
    """The e-mail about a file whose report 3 went down to 15 % and report 6 went over the budget
    (two errors, no note), and the cells its findings name."""
    seed["reports"][2]["progress_percent"] = 15
    seed["reports"][5]["disbursed"] = 100000
    school, marked = tmp_path / "school.xlsx", tmp_path / "school-ตรวจแล้ว.xlsx"
    write_template(form, school, data=seed, recipient="school-07")
    filled = read_filled(school)
    report = validate(filled)
    assert report.errors and not report.warnings
    write_marked_up(filled, report, marked)
    message = compose(report, to="head@school.example", config=CONFIG, school="โรงเรียนวัดไทร",
                      html=render_html(report, langs=("th", "en"), form=form, marked=True),
                      text=render_for_school(report), attachments=[marked])
    return message, [f.cell for f in report.findings]


def _part(message: EmailMessage, kind: str) -> str:
    body = message.get_body((kind,))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


def test_a_file_with_errors_only_is_not_told_of_0_notes(progress_form: Form, seed: dict[str, Any],
                                                        tmp_path: Path) -> None:
    message, _ = _answer(progress_form, seed, tmp_path)
    for kind in ("plain", "html"):
        body = _part(message, kind)
        assert "ข้อสังเกต 0" not in body and "0 note" not in body, kind
        assert "ช่องสีเหลือง" not in body and "yellow" not in body, kind  # nothing in the copy is yellow
        assert findings_line(2, 0, "th", marked=True) in body, kind
    assert "ช่องสีเหลือง" in findings_line(2, 1, "th", marked=True)  # with a note, its colour is said


def test_the_thai_part_names_each_cell_and_has_no_english_or_placeholder(progress_form: Form, seed: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    message, cells = _answer(progress_form, seed, tmp_path)
    text = _part(message, "plain")
    thai, english = text.split("\n\n" + render("report.on_sheet", "en", sheet=progress_form.sheet))
    for cell in cells:
        assert f"ช่อง {cell}" in thai and f"Cell {cell}" in english
    assert not re.search(r"[{}]", text)
    for line in thai.splitlines():
        # What is not Thai to read: cell names, the files' names, the sender's signature line.
        words = re.sub(r"\b[A-Z]{1,3}[0-9]{1,5}\b|[\w-]+\.xlsx|^-- $|sheetsync", "", line)
        assert not re.search(r"[A-Za-z]", words), line


def test_the_answer_says_which_sheet_the_cells_are_on(progress_form: Form, seed: dict[str, Any],
                                                      tmp_path: Path) -> None:
    """The marked-up copy opens on its findings sheet ("ผลการตรวจสอบ"), where "D39" typed into Calc's Name
    Box is a cell of the list, with red rows of its own: the e-mail named cells and never the sheet they
    are on. It says so now, Thai first, before the first cell it names, in the text and in the HTML."""
    message, cells = _answer(progress_form, seed, tmp_path)
    for kind in ("plain", "html"):
        body = _part(message, kind)
        said = [render("report.on_sheet", lang, sheet=progress_form.sheet) for lang in ("th", "en")]
        if kind == "html":
            said = [escape(s) for s in said]
        assert said[0] in body and said[1] in body, kind
        first = min(body.index(f"ช่อง {cell}") for cell in cells)
        assert body.index(said[0]) < first and body.index(said[0]) < body.index(said[1]), kind
