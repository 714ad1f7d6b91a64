"""A finding's mark on the marked-up copy shows only while the cell still holds what was found wrong.

The colour was painted into the cell's style: a teacher typed the right value over the wrong one,
and the cell stayed red on the screen and on paper, so the fix looked as if it had not taken. Each
mark is now a conditional format on the value found (an empty required cell: while it is empty);
a rule's finding also clears when another cell it was judged by changes (a running total that went
over on E43 because of the amount in E42). On an amount the mark and the satang format are one list
of rules, as Calc applies only the first true one.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from html import escape
from pathlib import Path
from typing import Any

import pytest
from odf.namespaces import STYLENS, TABLENS
from odf.opendocument import load
from odf.style import Map, Style, TableCellProperties
from odf.table import TableRow
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.report import Report
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.markup import FILLS, write_marked_up
from sheetsync.template.marks import MAX_CONDITION, holds, literal, still_holds
from sheetsync.template.write import write_template
from tests.test_markup import _school_file



def _marked(form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str) -> Path:
    """A copy with three errors: report 4's date left out (B40), progress down to 15 % (D39), and
    170,000.50 baht on E43, where the running total goes over the budget because of E42's 100,000."""
    seed["reports"][3].pop("date")
    seed["reports"][2]["progress_percent"] = 15
    seed["reports"][5]["disbursed"] = 100000
    seed["reports"][6]["disbursed"] = 170000.5
    school = tmp_path / f"school.{fmt}"
    write_template(form, school, data=seed)
    filled = read_filled(school)
    report = validate(filled)
    assert {(f.code, f.cell) for f in report.findings} >= {
        ("required-in-row", "B40"), ("progress-decreased", "D39"), ("over-budget-running", "E43")}
    out = tmp_path / f"marked.{fmt}"
    write_marked_up(filled, report, out)
    return out


def test_conditions() -> None:
    assert holds("B38", None) == "LEN(TRIM($B$38))=0"
    assert holds("D38", "5") == 'EXACT($D$38,"5")'
    assert holds("D38", 'a\nb') == 'EXACT(SUBSTITUTE($D$38,CHAR(13),""),"a"&CHAR(10)&"b")'
    assert holds("E43", 0) == "AND(ISNUMBER($E$43),$E$43=0)"
    assert holds("E43", 170000.5) == "$E$43=170000.5" and holds("E43", 10**20) == "$E$43=100000000000000000000"
    assert literal('a"b\r\nc') == '"a""b"&CHAR(13)&CHAR(10)&"c"'
    long = holds("C37", "ก" * 300 + "\r\nข")
    assert "LEN(" in long and "=302" in long and max(len(s) for s in re.findall(r'"[^"]*"', long)) <= 255


def test_xlsx_marks_are_conditional_and_keep_the_satang_rule(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    ws = load_workbook(_marked(progress_form, seed, tmp_path, "xlsx"))[progress_form.sheet]
    rules = {str(cf.sqref): cf.rules for cf in ws.conditional_formatting}
    for ref in ("B40", "D39", "E43"):
        assert ws[ref].fill.fgColor.rgb[-6:] != FILLS["error"], ref  # no longer painted into the style
        assert ws[ref].comment is not None
    (empty,) = rules["B40"]
    assert empty.formula == ["LEN(TRIM($B$40))=0"] and empty.dxf.fill.bgColor.rgb[-6:] == FILLS["error"]
    both, mark, satang = rules["E43"]  # the mark with satang, the mark, the satang
    assert [r.priority for r in (both, mark, satang)] == sorted(r.priority for r in (both, mark, satang))
    assert "$E$42" in mark.formula[0] and "$E$43" in mark.formula[0] and "MOD(" not in mark.formula[0]
    assert both.formula[0] == f"AND({mark.formula[0]},{satang.formula[0]})"
    assert both.dxf.fill.bgColor.rgb[-6:] == mark.dxf.fill.bgColor.rgb[-6:] == FILLS["error"]
    assert both.dxf.numFmt.formatCode == satang.dxf.numFmt.formatCode == '#,##0.00" บาท"'
    assert satang.dxf.fill is None and mark.dxf.numFmt is None
    assert rules["E42"][0].formula == ["MOD(E42,1)<>0"]  # an unmarked amount keeps its own rule


def _ods_maps(path: Path, ref: str) -> list[tuple[str, Style]]:
    """The conditions of the cell ``ref``'s style, each with the style it applies."""
    doc = load(str(path))
    styles = {s.getAttrNS(STYLENS, "name"): s for s in doc.getElementsByType(Style)}
    col, row = ord(ref[0]) - 64, int(ref[1:])
    sheet = doc.spreadsheet.childNodes[-2]  # the form, before the hidden metadata table
    cell = [c for c in sheet.getElementsByType(TableRow)[row - 1].childNodes if c.qname[1].endswith("cell")][col - 1]
    style = styles[cell.getAttrNS(TABLENS, "style-name")]
    return [(m.getAttrNS(STYLENS, "condition"), styles[m.getAttrNS(STYLENS, "apply-style-name")])
            for m in style.getElementsByType(Map)]


def _background(style: Style) -> str | None:
    props = style.getElementsByType(TableCellProperties)
    return props[0].getAttrNS("urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0", "background-color") \
        if props else None


def test_ods_marks_are_conditional_and_keep_the_satang_rule(progress_form: Form, seed: dict[str, Any],
                                                           tmp_path: Path) -> None:
    path = _marked(progress_form, seed, tmp_path, "ods")
    ((empty, style),) = _ods_maps(path, "B40")
    assert "LEN(TRIM([.$B$40]))=0" in empty and _background(style) == f"#{FILLS['error']}"
    (both, both_style), (mark, mark_style), (satang, satang_style) = _ods_maps(path, "E43")
    assert "[.$E$42]" in mark and "MOD(" not in mark and "MOD([.$E43];1)<>0" in both and "[.$E$42]" in both
    assert satang == "is-true-formula(MOD([.$E43];1)<>0)" and _background(satang_style) is None
    assert _background(both_style) == _background(mark_style) == f"#{FILLS['error']}"
    assert both_style.getAttrNS(STYLENS, "data-style-name") and not mark_style.getAttrNS(STYLENS, "data-style-name")
    (plain,) = _ods_maps(path, "E42")  # each amount's satang on itself (tests/test_teacher_calc.py)
    assert plain[0] == "is-true-formula(MOD([.$E42];1)<>0)"


def _boxes(xml: str, word: str) -> list[tuple[int, tuple[str, ...]]]:
    """Each place of ``word`` in pdftotext's ``-bbox`` output: its page and its box."""
    return [(number, box) for number, page in enumerate(xml.split("<page ")[1:], start=1)
            for box in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                                  + re.escape(escape(word, quote=False)) + "</word>", page)]


def red_share(pdf: Path, word: str, fill: str = FILLS["error"], row: str | None = None) -> float:
    """The share of the pixels around ``word`` (as pdftotext finds it, once in ``pdf``; with ``row``, its
    first place on the line of the word ``row``) that have the error fill (or ``fill``, "RRGGBB")."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = _boxes(xml, word)
    if row is not None:
        ((page, line),) = _boxes(xml, row)
        found = sorted(((n, box) for n, box in found if n == page and abs(float(box[1]) - float(line[1])) < 3),
                       key=lambda place: float(place[1][0]))[:1]
    assert len(found) == 1, (word, found)
    number, box = found[0]
    x0, y0, x1, y1 = (float(v) for v in box)
    dpi = 100
    raw = subprocess.run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), str(pdf)],
                         capture_output=True, check=True).stdout
    head = re.match(rb"P6\s+(\d+)\s+(\d+)\s+\d+\s", raw)
    assert head is not None
    width, pixels, scale = int(head.group(1)), raw[head.end():], dpi / 72
    samples = [tuple(pixels[(y * width + x) * 3:(y * width + x) * 3 + 3])
               for y in range(int(y0 * scale), int(y1 * scale) + 1) for x in range(int(x0 * scale), int(x1 * scale) + 1)]
    colour = tuple(int(fill[i:i + 2], 16) for i in (0, 2, 4))
    return sum(1 for rgb in samples if all(abs(a - b) <= 6 for a, b in zip(rgb, colour))) / len(samples)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_fixed_cell_loses_its_mark_in_calc(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                             tmp_path: Path, fmt: str) -> None:
    marked = _marked(progress_form, seed, tmp_path, fmt)
    sent = libreoffice.convert(marked, tmp_path / "sent.pdf")
    assert red_share(sent, "170,000.50") > 0.3 and red_share(sent, "15.00") > 0.3  # marked, satang shown
    # The teacher types report 4's date and corrects report 6's amount (the cause of E43's finding).
    typed = libreoffice.type_into(marked, tmp_path / "fixed.pdf", {"B40": "15/11/2562", "E42": "10000"},
                                  sheet=progress_form.sheet)
    assert typed["B40"]["string"] == "15/11/2562" and typed["E42"]["value"] == 10000
    fixed = tmp_path / "fixed.pdf"
    assert red_share(fixed, "15/11/2562") == 0
    assert red_share(fixed, "170,000.50") == 0  # its mark rested on E42: gone, and the satang still shown
    assert red_share(fixed, "15.00") > 0.3  # progress still goes down: still marked


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_typed_text_keeps_its_mark_until_it_changes(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                    tmp_path: Path, fmt: str) -> None:
    """Texts as schools type them: a weekday for a date, a 5,000-character text with CR LF (C37)."""
    school = read_filled(_school_file(progress_form, seed, tmp_path, fmt))
    marked = tmp_path / f"marked.{fmt}"
    write_marked_up(school, validate(school), marked)
    sent = libreoffice.convert(marked, tmp_path / "sent.pdf")
    assert red_share(sent, "<script>alert(1)</script>") > 0.3
    libreoffice.type_into(marked, tmp_path / "fixed.pdf", {"B38": "1/11/2562", "D37": "10"}, sheet=progress_form.sheet)
    fixed = tmp_path / "fixed.pdf"
    assert red_share(fixed, "1/11/2562") == 0
    assert red_share(fixed, "<script>alert(1)</script>") > 0.3  # the long text is unchanged: still marked


def test_a_condition_stays_within_what_excel_takes() -> None:
    # Conditions grew with each cell a finding rests on and each character of a text: a column-wide
    # rule over twelve long descriptions wrote thousands of characters into one conditional format,
    # past what Excel takes (it "repairs" the file, with a warning, and drops the rule).
    long_texts = [(f"C{row}", "รายละเอียดการดำเนินงาน " * 20) for row in range(38, 50)]
    own = ("E43", 170000.5)
    assert still_holds(own) == holds(*own)
    alone = still_holds(own, long_texts)
    assert alone == holds(*own)  # too long with the others: the marked cell alone clears it
    assert str(still_holds(own, long_texts[:1])).startswith("AND($E$43=170000.5,AND(LEN($C$38)=460,")  # one fits
    assert str(still_holds(own, [("E42", 100000)])).startswith("AND(")  # short ones are joined
    assert len(str(still_holds(("C37", '"' * 5000)))) <= MAX_CONDITION  # a long text: its length and ends
    assert len(str(still_holds(("C37", "\x01" * 5000)))) <= MAX_CONDITION  # fewer characters at each end
    assert still_holds(None, long_texts) is None  # a locked cell judged by long texts: painted


def test_every_condition_of_a_marked_copy_fits(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    seed["objectives"] = ["เพื่อ \"พัฒนา\" คุณภาพ " * 40] + seed["objectives"][1:]
    ws = load_workbook(_marked(progress_form, seed, tmp_path, "xlsx"))[progress_form.sheet]
    formulas = [f for cf in ws.conditional_formatting for rule in cf.rules for f in rule.formula]
    assert formulas and max(map(len, formulas)) <= 255


def _returned_marked(form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str,
                     typed: dict[str, Any]) -> tuple[Report, Path]:
    """A template returned with the ``typed`` values as Excel stores them, its report, and its marked-up copy."""
    issued = tmp_path / "issued.xlsx"
    write_template(form, issued, data=seed, recipient="school-07")
    wb = load_workbook(issued)
    for ref, value in typed.items():
        wb[form.sheet][ref] = value
    wb.save(tmp_path / "returned.xlsx")
    school = read_filled(tmp_path / "returned.xlsx")
    report = validate(school)
    marked = tmp_path / f"marked.{fmt}"
    write_marked_up(school, report, marked)
    return report, marked


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_time_in_a_cell_is_marked_until_it_changes(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                                     tmp_path: Path, fmt: str) -> None:
    """Excel turns "12:30" typed into an amount into a time, and a pasted NOW() is a moment with a fraction of
    a second: read back (calamine gives a time and a datetime), each is an error whose mark never showed in the
    .xlsx copy (its condition compared the time's text, and the moment to the whole second)."""
    report, marked = _returned_marked(progress_form, seed, tmp_path, fmt,
                                      {"E39": dt.time(12, 30), "C40": dt.datetime(2020, 1, 2, 3, 4, 5, 600000)})
    assert {"E39", "C40"} <= {f.cell for f in report.findings}
    sent = libreoffice.convert(marked, tmp_path / "sent.pdf")
    # As Calc shows them: the time in days in the amount's format, or its text; the moment as its format has it
    time_shown, moment_shown = ("0.52", "3:04:05") if fmt == "xlsx" else ("12:30:00", "03:04")
    assert red_share(sent, time_shown) > 0.3 and red_share(sent, moment_shown, FILLS["warning"]) > 0.3
    libreoffice.type_into(marked, tmp_path / "fixed.pdf", {"E39": "สองพัน", "C40": "ประชุมครู"}, sheet=progress_form.sheet)
    fixed = tmp_path / "fixed.pdf"
    assert red_share(fixed, "สองพัน") == 0 and red_share(fixed, "ประชุมครู", FILLS["warning"]) == 0


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_true_or_false_in_an_amount_is_marked(libreoffice: Any, progress_form: Form, seed: dict[str, Any],
                                              tmp_path: Path, fmt: str) -> None:
    """TRUE typed into an amount is a logical value in Excel; in Calc a number under the amount's format,
    not logical: its mark's condition (ISLOGICAL) never held in Calc, and the error showed unmarked."""
    report, marked = _returned_marked(progress_form, seed, tmp_path, fmt, {"E39": True, "E40": False})
    assert {"E39", "E40"} <= {f.cell for f in report.errors}
    sent = libreoffice.convert(marked, tmp_path / "sent.pdf")  # shown as "1 บาท" and "0 บาท" on reports 3 and 4
    assert red_share(sent, "1", row="29/12/2562") > 0.3 and red_share(sent, "0", row="29/1/2563") > 0.3
    libreoffice.type_into(marked, tmp_path / "fixed.pdf", {"E39": "1250", "E40": "2500"}, sheet=progress_form.sheet)
    fixed = tmp_path / "fixed.pdf"
    assert red_share(fixed, "1,250", row="29/12/2562") == 0 and red_share(fixed, "2,500", row="29/1/2563") == 0
