"""What a teacher filling a blank template in Calc meets: what is known and not fixed is a strict xfail
(it fails today and starts passing the day it is fixed); the rest are fixed and stay so."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_print import letters, printed
from tests.test_reopened_ods import lines_lost

pytestmark = pytest.mark.libreoffice


@pytest.mark.parametrize("saved_as", ["xlsx", "ods"])
def test_satang_typed_into_an_ods_still_print_after_calc_saves_it_as_xlsx(libreoffice: Any, progress_form: Form,
                                                                         tmp_path: Path, saved_as: str) -> None:
    """Typed "20,000.50 บาท" into E38 of the .ods, saved as .xlsx (as schools do when the office asks for
    Excel): the value was still 20000.5, but it printed "20,001 บาท". Every amount cell shared one style
    whose satang condition was ``MOD([.A1];1)<>0`` on base A1: Calc made one conditional format of them
    all and wrote it to the .xlsx as ``MOD(A1,1)<>0`` over ``F6:G7 D25:E28 E37:E48``, read relative to
    the range's first cell (so F7 tested A2). Each amount cell now has its condition on itself, its base:
    Calc writes ``MOD($F7,1)<>0`` over ``F7:G7``. (Calc's API gives a cell's string without its
    conditional format: only the print tells.) Saved as .ods again, the amounts print as typed too."""
    blank, saved = tmp_path / "blank.ods", tmp_path / f"saved.{saved_as}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, saved, {"E38": "20,000.50 บาท", "F7": "1500.25", "D26": "7.5", "E37": "100"},
                          sheet=progress_form.sheet)
    assert libreoffice.cells(saved, progress_form.sheet, ["E38"])["E38"]["value"] == 20000.5
    text, _ = printed(libreoffice, saved)
    amounts = re.findall(r"[\d,.]+ บาท", text)
    for shown in ("20,000.50 บาท", "1,500.25 บาท", "7.50 บาท", "100 บาท"):
        assert shown in amounts, (shown, amounts)


def test_satang_still_print_when_the_ods_calc_saved_is_saved_as_xlsx_later(libreoffice: Any, progress_form: Form,
                                                                             tmp_path: Path) -> None:
    """The .ods filled and saved in Calc, opened again and saved as .xlsx (the office asked for Excel after
    all), an amount pasted down its column on the way: the satang still print. With each cell's
    condition fully relative (``MOD([.E38];1)``), Calc reopening its own .ods joined them all into one
    conditional format again and wrote ``MOD(F6,1)<>0`` over ``F6:G7 D25:E28 E37:E48``: "20,001 บาท"."""
    blank, typed, saved = tmp_path / "blank.ods", tmp_path / "typed.ods", tmp_path / "saved.xlsx"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, {"E38": "20,000.50 บาท", "E39": "100", "F7": "1500.25", "D26": "7.5"},
                          sheet=progress_form.sheet)
    libreoffice.copy_paste(typed, saved, [("E38", "E40")], sheet=progress_form.sheet)
    amounts = re.findall(r"[\d,.]+ บาท", printed(libreoffice, saved)[0])
    assert amounts.count("20,000.50 บาท") == 2, amounts
    for shown in ("1,500.25 บาท", "7.50 บาท", "100 บาท"):
        assert shown in amounts, (shown, amounts)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_third_school_typed_into_a_network_row_is_shown(libreoffice: Any, progress_form: Form, tmp_path: Path,
                                                          fmt: str) -> None:
    """Three schools typed one a line into C25 (the schema allows 14). The rows kept the layout's
    ``table_row_min: 36`` pt ("room for two lines"), which with Laksaman's 27.4 pt line pitch is 1.3
    lines: the second school was cut, the third neither on screen nor in the PDF (measured: 2 lines
    short of Calc's own fit), and nothing told the teacher. Since layout version 3 the schools are a
    plain cell (C, no longer merged C:E), which Calc and Excel grow to what is typed."""
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, {"C25": "โรงเรียนวัดโพธิ์ทอง\nโรงเรียนวัดยายร่ม\nโรงเรียนวัดสี่สุก"},
                          sheet=progress_form.sheet)
    assert lines_lost(libreoffice, typed, progress_form.sheet, [25]) == {25: 0}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_samples_networks_typed_into_a_blank_template_print_whole(libreoffice: Any, progress_form: Form,
                                                                       seed: dict[str, Any], tmp_path: Path,
                                                                       fmt: str) -> None:
    """The real form's two networks (5 and 6 schools) typed into a blank template, saved by Calc:
    every school prints, the form stays on two A4 pages, and the file reads back as typed."""
    networks = seed["targets"]["networks"]
    entries = {f"C{25 + i}": "\n".join(n["schools"]) for i, n in enumerate(networks)}
    entries.update({f"A{25 + i}": str(n["number"]) for i, n in enumerate(networks)})
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, entries, sheet=progress_form.sheet)
    assert lines_lost(libreoffice, typed, progress_form.sheet, [25, 26]) == {25: 0, 26: 0}
    text, pages = printed(libreoffice, typed)
    assert pages <= 2
    stream = letters(text)
    for school in (s for n in networks for s in n["schools"]):
        assert letters(school) in stream, school
    got = read_filled(typed).data["targets"]["networks"]
    assert [(n["number"], n["schools"]) for n in got] == [(n["number"], n["schools"]) for n in networks]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_samples_rationale_typed_into_a_blank_template_has_room(libreoffice: Any, progress_form: Form,
                                                                     seed: dict[str, Any], tmp_path: Path,
                                                                     fmt: str) -> None:
    """The rationale's block (A12:G15, merged over four rows: neither program fits it) was 4 × 30 pt
    in a blank template: the sample's rationale (1,517 characters, which Calc fits to ~367 pt) showed
    and printed its first four lines of about fourteen. The block now has the sample's room. Calc's
    own fit of the same text in B17:G17 (an objective's row, narrower than A:G) is the yardstick."""
    blank, typed = tmp_path / f"blank.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, blank)
    libreoffice.type_into(blank, typed, {"A12": seed["rationale"], "B17": seed["rationale"]},
                          sheet=progress_form.sheet)
    ((_, needed),) = libreoffice.fitted_heights(typed, progress_form.sheet, [17]).values()
    rows = libreoffice.geometry(typed, progress_form.sheet, columns=7, rows=15)["rows_mm"]
    assert sum(rows[11:15]) >= needed


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_text_that_calc_turned_into_a_date_is_told_on_its_cell(libreoffice: Any, progress_form: Form,
                                                               seed: dict[str, Any], tmp_path: Path, fmt: str) -> None:
    """A long free-text cell (a report's stage, a target, the project's name) stays General, since Excel
    shows #### for a Text-formatted cell over 255 characters; so Calc takes what looks like a date there
    for one: a stage typed "1/2" became 1 February of this year (shown 01/02/26) and read back as
    "2026-02-01", with no word to the school. Now a warning on the cell says what the program made of
    it and how to keep the text as typed (a leading apostrophe); the file is still taken."""
    issued, typed = tmp_path / f"issued.{fmt}", tmp_path / f"typed.{fmt}"
    write_template(progress_form, issued, data=seed)
    libreoffice.type_into(issued, typed, {"C37": "1/2", "C38": "ขั้นที่ 1/2", "C39": "'1/2"},
                          sheet=progress_form.sheet)
    report = validate(read_filled(typed))
    warned = [f for f in report.findings if f.code == "text-became-date"]
    assert [f.cell for f in warned] == ["C37"] and warned[0].severity == "warning" and report.valid
    assert warned[0].message_th.startswith("ช่อง C37") and "'1/2" in warned[0].message_th
    assert "'1/2" in warned[0].message_en
