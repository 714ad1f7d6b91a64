"""A text longer than its cell prints gets the warning ``text-cut-in-print`` (sheetsync/check/printfit.py).

The office files the printed form as the paper record; a merged or fixed-height cell does not grow,
so the end of a long text is simply not on paper. Proved with Calc: the text typed in, the file
printed to PDF, the PDF's text read back with ``pdftotext``.
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.check.printfit import _surely_fits, boxes
from sheetsync.check.reader import read_filled
from sheetsync.check.report import Report
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.spec.registry import find_earlier_version
from sheetsync.template.markup import write_marked_up
from sheetsync.template.metrics import wrapped_lines
from sheetsync.template.write import write_template
from tests.test_print import letters, printed
from tests.test_reopened_ods import lines_lost

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
CODE = "text-cut-in-print"


def points(seed: dict[str, Any], count: int) -> list[str]:
    """The sample's rationale written as ``count`` numbered points of about 70 characters each."""
    text = seed["rationale"].replace("\n", "")
    size = len(text) // 22 + 1
    pieces = [text[i:i + size].strip() for i in range(0, len(text), size)]
    return [f"{n}. {piece}" for n, piece in enumerate(pieces[:count], start=1)]


def cut(report: Report) -> list[tuple[str, str, str]]:
    return [(f.cell, f.severity, f.path) for f in report.findings if f.code == CODE]


def issued(form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str, *, blank: tuple[str, ...] = ()) -> Path:
    """A school's template prefilled from the sample (the reports stay open); the rationale (and ``blank``)
    left to type."""
    path = tmp_path / f"issued.{fmt}"
    left = ("rationale", *blank)
    write_template(form, path, data={k: v for k, v in seed.items() if k not in left},
                   recipient="school-07")
    return path


def typed_with_openpyxl(form: Form, source: Path, tmp_path: Path, entries: dict[str, str]) -> Path:
    book = load_workbook(source)
    for ref, text in entries.items():
        book[form.sheet][ref] = text
    path = tmp_path / "returned.xlsx"
    book.save(path)
    return path


def test_the_rationales_box_and_the_rows_that_grow(progress_form: Form) -> None:
    """The rationale's block A12:G15 (4 × 100 pt) prints about 15 lines; cells whose rows the programs
    grow to what is typed (a report's stage, a network's schools: fit rows) have no box at all."""
    found = boxes(progress_form)
    assert found["A12"].lines == 15
    assert found["C23"].lines == 1 and not found["C23"].grows_in_calc  # row 23 has the layout's 48 pt
    assert found["B17"].grows_in_calc  # an objective's row: Calc fits it
    assert not {"C25", "C37", "C48"} & set(found)


def test_a_long_rationale_is_a_warning_and_the_file_is_still_taken(progress_form: Form, seed: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    long_stage = " ".join(seed["rationale"].split())[:1500]  # a report's row grows: no warning there
    path = typed_with_openpyxl(progress_form, issued(progress_form, seed, tmp_path, "xlsx"), tmp_path,
                               {"A12": "\n".join(points(seed, 22)), "C37": long_stage})
    report = validate(read_filled(path))
    assert report.valid, [(f.code, f.cell) for f in report.errors]
    assert cut(report) == [("A12", "warning", "/rationale")]
    (warning,) = (f for f in report.findings if f.code == CODE)
    assert "15 บรรทัด จาก 22 บรรทัด" in warning.message_th
    assert "15 of its 22 lines" in warning.message_en


def test_a_text_that_fits_and_a_cell_already_in_error_get_no_warning(progress_form: Form, seed: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    source = issued(progress_form, seed, tmp_path, "xlsx", blank=("plan_alignment",))
    path = typed_with_openpyxl(progress_form, source, tmp_path,
                               {"A12": "\n".join(points(seed, 8)), "C31": "ก" * 600})  # over maxLength 500
    report = validate(read_filled(path))
    assert cut(report) == []
    assert ("too-long", "C31") in [(f.code, f.cell) for f in report.errors]


@pytest.mark.parametrize("version", [2, 3])
def test_three_schools_of_a_network_are_cut_in_a_version_2_file_only(progress_form: Form, tmp_path: Path,
                                                                     version: int) -> None:
    """Layout version 2 merged a network's schools over C:E at 36 pt, a line and a bit: the second
    school was cut and the third not printed (tests/test_teacher_calc.py). Version 3's plain cell C
    grows with what is typed: no warning there."""
    form = find_earlier_version("progress-report", 2) if version == 2 else progress_form
    assert form is not None
    blank = tmp_path / "blank.xlsx"
    write_template(form, blank)
    path = typed_with_openpyxl(form, blank, tmp_path, {"C25": "โรงเรียนวัดโพธิ์ทอง\nโรงเรียนวัดยายร่ม\nโรงเรียนวัดสี่สุก"})
    report = validate(read_filled(path))
    assert cut(report) == ([("C25", "warning", "/targets/networks/0/schools")] if version == 2 else [])


def test_the_quick_test_never_passes_a_text_that_the_measure_finds_too_long(progress_form: Form,
                                                                             seed: dict[str, Any]) -> None:
    """Texts are measured (wrapped) only when one sum of advances cannot tell that they fit: on texts of
    the sample's words, runs of Thai, spaces and line ends, the quick test never says "fits" where
    the measure says otherwise."""
    rnd = random.Random(7)
    words = seed["rationale"].split() + ["ก" * 120, "a", "โรงเรียน/เครือข่าย", "-"]
    for _ in range(3000):
        box = rnd.choice(list(boxes(progress_form).values()))
        text = "".join(rnd.choice(words) + rnd.choice(["", " ", " ", "\n", "\u200b"]) for _ in range(rnd.randint(1, 40)))
        if _surely_fits(text, box):
            assert wrapped_lines(text, box.width_pt, box.size, box.font) <= box.lines, (text, box)


def test_the_new_finding_code_is_documented() -> None:
    assert f"`{CODE}`" in README


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_rationale_typed_in_calc_is_cut_in_print_as_the_warning_says(libreoffice: Any, progress_form: Form,
                                                                       seed: dict[str, Any], tmp_path: Path,
                                                                       fmt: str) -> None:
    """22 points (about 1,500 Thai characters) typed into A12 of a template in Calc: the warning names
    A12 and says about 15 of 22 lines print; Calc's PDF holds the first points, not the last ones.
    The marked-up copy colours A12 as a warning and explains it."""
    rationale = points(seed, 22)
    assert 1400 <= len("\n".join(rationale)) <= 1700
    typed = tmp_path / f"typed.{fmt}"
    libreoffice.type_into(issued(progress_form, seed, tmp_path, fmt), typed, {"A12": "\n".join(rationale)},
                          sheet=progress_form.sheet)
    filled = read_filled(typed)
    report = validate(filled)
    assert report.valid, [(f.code, f.cell) for f in report.errors]
    assert cut(report) == [("A12", "warning", "/rationale")]
    (warning,) = (f for f in report.findings if f.code == CODE)
    assert "15 บรรทัด จาก 22 บรรทัด" in warning.message_th

    stream = letters(printed(libreoffice, typed)[0])
    shown = [letters(point) in stream for point in rationale]
    assert shown[0] and not shown[-1]
    assert 15 <= sum(shown) < 22, shown  # Calc prints 15 whole lines of the 400 pt (16 with one clipped)
    assert shown == sorted(shown, reverse=True)  # the first points, then nothing

    marked = tmp_path / f"marked.{fmt}"
    write_marked_up(filled, report, marked)
    cell = libreoffice.cells(marked, progress_form.sheet, ["A12"])["A12"]
    assert "พิมพ์ได้ประมาณ 15 บรรทัด" in cell["annotation"]
    if fmt == "xlsx":
        # Yellow while the text is as typed (a conditional format: tests/test_marks.py).
        sheet = load_workbook(marked)[progress_form.sheet]
        (mark,) = (rule for cf in sheet.conditional_formatting if "A12" in cf.sqref for rule in cf.rules)
        assert mark.dxf.fill.bgColor.rgb.endswith("FFEB9C") and "$A$12" in mark.formula[0]


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_rationale_that_fits_gets_no_warning_and_prints_whole(libreoffice: Any, progress_form: Form,
                                                                seed: dict[str, Any], tmp_path: Path,
                                                                fmt: str) -> None:
    rationale = points(seed, 10)
    typed = tmp_path / f"typed.{fmt}"
    libreoffice.type_into(issued(progress_form, seed, tmp_path, fmt), typed, {"A12": "\n".join(rationale)},
                          sheet=progress_form.sheet)
    assert cut(validate(read_filled(typed))) == []
    stream = letters(printed(libreoffice, typed)[0])
    assert all(letters(point) in stream for point in rationale)


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_long_objective_grows_its_row_in_calc(libreoffice: Any, progress_form: Form,
                                                seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """An objective (B17:G17, one line) of three lines: Calc fits the row as it is typed, in an .ods and
    in an .xlsx: nothing is lost in print (the .xlsx kept the row's height, and Calc's printout was clipped
    after the first line). No warning in either: the .xlsx names Calc as the program that saved it (one
    that Excel saved last still warns: tests/test_printfit_saved_by.py)."""
    objective = " ".join(points(seed, 3))
    typed = tmp_path / f"typed.{fmt}"
    libreoffice.type_into(issued(progress_form, seed, tmp_path, fmt, blank=("objectives",)), typed, {"B17": objective},
                          sheet=progress_form.sheet)
    report = validate(read_filled(typed))
    lost = lines_lost(libreoffice, typed, progress_form.sheet, [17])[17]
    assert cut(report) == []
    assert lost == 0


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_samples_texts_typed_into_a_blank_template_get_no_warning(libreoffice: Any, progress_form: Form,
                                                                      seed: dict[str, Any], tmp_path: Path,
                                                                      fmt: str) -> None:
    """Every text of the sample (its 1,517-character rationale, objectives, targets, the two-line
    indicator in row 34's 56 pt …) typed into a blank template: the layout has room for each, so no
    warning; and Calc loses no line of any of them."""
    texts = {f.place.ref: value for f in progress_form.fields if f.kind == "text"
             and isinstance(value := _at(seed, f.pointer), str)}
    texts.update({f"B{17 + i}": objective for i, objective in enumerate(seed["objectives"])})
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, texts, sheet=progress_form.sheet)
    assert cut(validate(read_filled(typed))) == []
    rows = sorted({int(ref[1:]) for ref in texts} - {12})  # the rationale's block: test_teacher_calc
    assert lines_lost(libreoffice, typed, progress_form.sheet, rows) == {row: 0 for row in rows}


def _at(data: dict[str, Any], pointer: str) -> Any:
    for key in pointer.strip("/").split("/"):
        data = data.get(key, {}) if isinstance(data, dict) else {}
    return data


def whole_lines(pdf: Path, word: str) -> int:
    """How many times ``word`` (a line of its own, repeated) is printed whole on page 1 of ``pdf``.

    ``pdftotext`` lists text Calc clipped at a cell's edge too, so each occurrence's box is looked at
    in the rendered page: its ink (border rows left out) against the first one's; a line whose marks
    below (ู) or lower half are clipped has less."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    found = re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                        + re.escape(word) + "</word>", xml)
    boxes = sorted((tuple(float(v) for v in m.groups()) for m in found), key=lambda box: box[1])
    dpi = 150
    raw = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray", str(pdf)], capture_output=True,
                         check=True).stdout
    head = re.match(rb"P5\s+(\d+)\s+(\d+)\s+\d+\s", raw)
    assert head is not None
    width, pixels = int(head.group(1)), raw[head.end():]
    scale = dpi / 72
    inks = []
    for x0, y0, x1, y1 in boxes:
        pad = (y1 - y0) * 0.3  # Thai marks above and below reach out of the word's box
        left, right = int(x0 * scale), int(x1 * scale) + 1
        rows = (pixels[y * width + left: y * width + right] for y in range(int((y0 - pad) * scale), int((y1 + pad) * scale)))
        dark = [sum(1 for value in row if value < 128) for row in rows]
        inks.append(sum(n for n in dark if n < 0.9 * (right - left)))  # a border is a row full of ink
    return sum(1 for amount in inks if inks and amount >= 0.97 * inks[0])


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize(("ref", "typed"), [("A12", 22), ("C23", 4)])
def test_the_warning_says_how_many_lines_calc_prints_whole(libreoffice: Any, progress_form: Form, tmp_path: Path,
                                                           fmt: str, ref: str, typed: int) -> None:
    """Lines typed into a fixed box: the warning's "about N lines print" is the number Calc prints
    whole. It said 14 where the rationale's 4 × 100 pt printed 15: Calc's line pitch has no line gap."""
    line = "ครูผู้สอนสอง"  # (pdftotext splits some Thai words, not this one)
    blank, path = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, path, {ref: "\n".join([line] * typed)}, sheet=progress_form.sheet)
    (warning,) = (f for f in validate(read_filled(path)).findings if f.code == CODE)
    pdf = libreoffice.convert(path, path.with_suffix(".pdf"))
    shown = whole_lines(pdf, line)
    assert f"about {shown} of its {typed} lines" in warning.message_en


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_line_break_pasted_after_a_text_is_no_warning(libreoffice: Any, progress_form: Form, tmp_path: Path,
                                                        fmt: str) -> None:
    """An objective pasted from Word ends with its paragraph's line break: nothing more prints than
    the one line, which is whole on paper; it was warned as "1 of its 2 lines"."""
    objective, name = "เพื่อพัฒนาคุณภาพการศึกษา\n", "โครงการพัฒนาคุณภาพการศึกษา\n\n"
    blank, path = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, path, {"B17": objective, "C4": name}, sheet=progress_form.sheet)
    assert cut(validate(read_filled(path))) == []
    stream = letters(printed(libreoffice, path)[0])
    assert letters(objective) in stream and letters(name) in stream
