"""A teacher renamed the form's sheet (a double-click on its tab in Calc or Excel: "แบบรายงาน" →
"โรงเรียนวัดดอน", or "Sheet1"). She did nothing wrong, yet the file was refused outright. When it can be
told safely — no sheet has the form sheet's name, and exactly one sheet holds the form's fixed labels as
issued — that sheet is read as the form's, with one warning naming both names; the findings name her
sheet; the store keeps the data as if the name had not changed. Two sheets that could be the form (a
renamed form and a renamed copy) are not guessed between: the file is refused, saying to name it back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.errors import SheetMissingError
from sheetsync.master import merge
from sheetsync.office.store import Store
from sheetsync.pipeline import check_file
from sheetsync.spec.form import Form
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template
from tests.data.hostile.build import rewrite

SCHOOL = "โรงเรียนวัดดอน"
ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนหนึ่ง,s1@example.org,50360000-4001\n"


def _renamed(form: Form, seed: dict[str, Any], tmp_path: Path, fmt: str, new: str = SCHOOL,
             copy: str | None = None) -> Path:
    """The template filled with ``seed``, its form sheet renamed ``new`` (and, given ``copy``, a copy of
    the form's sheet added under that name first)."""
    issued = tmp_path / f"issued.{fmt}"
    write_template(form, issued, data=seed, recipient="s1")
    path = tmp_path / f"renamed.{fmt}"
    if fmt == "xlsx":
        book = load_workbook(issued)
        if copy is not None:
            book.copy_worksheet(book[form.sheet]).title = copy
        book[form.sheet].title = new
        book.save(path)
        return path
    assert copy is None
    old = f'table:name="{form.sheet}"'.encode()
    return rewrite(issued, path, {"content.xml": lambda xml: xml.replace(old, f'table:name="{new}"'.encode())})


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_renamed_form_sheet_is_read_with_one_warning(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                       fmt: str) -> None:
    plain = tmp_path / f"plain.{fmt}"
    write_template(progress_form, plain, data=seed, recipient="s1")
    filled = read_filled(_renamed(progress_form, seed, tmp_path, fmt))
    assert filled.data == read_filled(plain).data
    assert filled.form.sheet == SCHOOL and filled.renamed_from == progress_form.sheet
    report = validate(filled)
    [said] = report.findings
    assert (said.code, said.severity, said.sheet) == ("sheet-renamed", "warning", SCHOOL)
    assert report.valid
    for text in (said.message_th, said.message_en):
        assert f"“{progress_form.sheet}”" in text and f"“{SCHOOL}”" in text, text
    assert re.search("[ก-๙]", said.message_th) and "renamed" in said.message_en


def test_findings_name_the_sheet_she_sees(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """A value to put right is told on her sheet's name, as the tab she clicks on reads."""
    seed["reports"][6]["progress_percent"] = 101
    filled = read_filled(_renamed(progress_form, seed, tmp_path, "xlsx", new="Sheet1"))
    report = validate(filled)
    assert {f.sheet for f in report.findings} == {"Sheet1"}
    wrong = [f for f in report.findings if f.severity == "error"]
    assert wrong and all(f.cell[0] == "D" for f in wrong)
    marked = tmp_path / "marked.xlsx"
    write_marked_up(filled, report, marked)
    assert "Sheet1" in load_workbook(marked).sheetnames  # the copy's list of findings names a sheet it has


def test_a_look_alike_name_is_shown_with_what_tells_it_apart(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path) -> None:
    """Renamed by pasting "แบบรายงาน" from the web (a zero-width space rides along): both names read the
    same, so the one in her file is shown with the code point that tells it apart."""
    filled = read_filled(_renamed(progress_form, seed, tmp_path, "xlsx", new=progress_form.sheet + "\u200b"))
    [said] = validate(filled).findings
    assert said.code == "sheet-renamed" and said.sheet == progress_form.sheet + "[U+200B]"


def test_two_sheets_that_could_be_the_form_are_not_guessed(progress_form: Form, seed: dict[str, Any],
                                                           tmp_path: Path) -> None:
    path = _renamed(progress_form, seed, tmp_path, "xlsx", new=SCHOOL, copy="เดือนที่แล้ว")
    with pytest.raises(SheetMissingError) as raised:
        read_filled(path)
    assert set(raised.value.among) == {SCHOOL, "เดือนที่แล้ว"}
    result = check_file(path)
    assert result.filled is None and result.failure is not None
    thai = result.failure.message("th")
    assert "เปลี่ยนชื่อ" in thai and f"'{progress_form.sheet}'" in thai
    assert SCHOOL in thai and "เดือนที่แล้ว" in thai, thai
    assert "renamed" in result.why["en"] and SCHOOL in result.why["en"]


def test_a_sheet_without_the_form_is_refused_as_today(progress_form: Form, seed: dict[str, Any],
                                                      tmp_path: Path) -> None:
    """The form's labels typed over (or the sheet emptied): nothing tells which sheet is the form."""
    path = _renamed(progress_form, seed, tmp_path, "xlsx", new="Sheet1")
    book = load_workbook(path)
    sheet = book["Sheet1"]
    sheet.protection.sheet = False
    for row in sheet.iter_rows(max_row=40, max_col=8):
        for cell in row:
            if isinstance(cell.value, str) and cell.coordinate not in ("A1",):
                cell.value = None
    book.save(path)
    with pytest.raises(SheetMissingError) as raised:
        read_filled(path)
    assert raised.value.among == ()


def test_validate_on_the_command_line_passes_it(app: Any, progress_form: Form, seed: dict[str, Any],
                                                tmp_path: Path) -> None:
    path = _renamed(progress_form, seed, tmp_path, "xlsx")
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    said = json.loads(result.output)
    found = said[0] if isinstance(said, list) else said
    assert [f["code"] for f in found["findings"]] == ["sheet-renamed"]


def test_the_store_keeps_the_data_as_if_not_renamed(progress_form: Form, seed: dict[str, Any],
                                                    tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    kept = []
    for name, fmt in (("plain", None), ("renamed", "xlsx")):
        folder = tmp_path / name
        folder.mkdir()
        if fmt is None:
            path = folder / "s1.xlsx"
            write_template(progress_form, path, data=seed, recipient="s1")
        else:
            path = _renamed(progress_form, seed, folder, fmt)
        result = merge([path], folder / "master.xlsx", roster=roster, store=folder / "store.sqlite")
        assert [o.result for o in result.outcomes] == ["merged"]
        with Store(folder / "store.sqlite") as store:
            [stored] = list(store.current())
        kept.append((stored.form_id, stored.form_version, stored.key, stored.data))
    assert kept[0] == kept[1]


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_renamed_in_calc_is_read(libreoffice: Any, progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                 fmt: str) -> None:
    """Calc itself renames the tab and saves: the file it writes is read as the form, one warning."""
    issued, saved = tmp_path / f"issued.{fmt}", tmp_path / f"saved.{fmt}"
    write_template(progress_form, issued, data=seed, recipient="s1")
    libreoffice.act(issued, saved, [["rename_sheet", progress_form.sheet, SCHOOL]], sheet=progress_form.sheet)
    filled = read_filled(saved)
    assert filled.form.sheet == SCHOOL and filled.data == read_filled(issued).data
    assert [(f.code, f.sheet) for f in validate(filled).findings] == [("sheet-renamed", SCHOOL)]



def test_files_renamed_each_their_own_way_keep_memory_bounded(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    # Each renamed sheet is the form under another name: a form of its own, whose work (the places of its
    # cells, its parsers, rules, print boxes) was kept for ever, keyed by the form. A batch of 20,000 files,
    # each renamed its own way ("Sheet1" … or the school's name), kept 20,000 forms.
    import gc

    issued = tmp_path / "issued.xlsx"
    write_template(progress_form, issued, data=seed, recipient="s1")
    book = load_workbook(issued)
    paths = []
    for number in range(40):
        book.worksheets[0].title = f"โรงเรียนที่ {number}"
        paths.append(tmp_path / f"r{number}.xlsx")
        book.save(paths[-1])

    def forms_alive() -> int:
        gc.collect()
        return sum(isinstance(o, Form) for o in gc.get_objects())

    validate(read_filled(paths[0], form=progress_form))
    before = forms_alive()
    for path in paths[1:]:
        assert validate(read_filled(path, form=progress_form)).valid
    assert forms_alive() - before <= 20


def test_the_same_new_name_is_the_same_form_again(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    # "Sheet1" comes back from many schools: the form under that name is made once, its validator built once.
    one = read_filled(_renamed(progress_form, seed, tmp_path / "a", "xlsx", new="Sheet1"), form=progress_form)
    two = read_filled(_renamed(progress_form, seed, tmp_path / "b", "xlsx", new="Sheet1"), form=progress_form)
    other = read_filled(_renamed(progress_form, seed, tmp_path / "c", "xlsx", new="Sheet2"), form=progress_form)
    assert one.form is two.form and one.form.sheet == "Sheet1"
    assert other.form is not one.form and other.form.sheet == "Sheet2"


def test_the_marked_up_copy_paints_no_cell_for_the_renamed_sheet(progress_form: Form, seed: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    # "Nothing needs doing" was put on A1, the form's title: a locked cell, so its yellow was painted into the
    # style and never went away (the copy keeps her sheet's name, so read back it is renamed still). The
    # value to put right is still marked, on her sheet; the renamed sheet is said in the list of findings.
    seed["reports"][6]["progress_percent"] = 101
    filled = read_filled(_renamed(progress_form, seed, tmp_path, "xlsx", new="Sheet1"))
    report = validate(filled)
    marked = tmp_path / "marked.xlsx"
    write_marked_up(filled, report, marked)
    book = load_workbook(marked)
    sheet = book["Sheet1"]
    painted = {cell.coordinate for row in sheet.iter_rows() for cell in row
               if cell.fill.fill_type and str(cell.fill.fgColor.rgb).endswith(("FFC7CE", "FFEB9C"))}
    assert "A1" not in painted and sheet["A1"].comment is None
    wrong = [f.cell for f in report.findings if f.severity == "error"]
    assert wrong and all(sheet[cell].comment is not None for cell in wrong)
    listed = "\n".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value)
    assert "Sheet1" in listed and "แบบรายงาน" in listed


def test_the_form_in_use_is_kept_while_renamed_ones_come_and_go(progress_form: Form) -> None:
    # The kept forms were dropped oldest built first: the office's own form, built on the batch's first
    # file and used for most files after it, was dropped (and its work done again) after every 16 files
    # renamed each their own way. The one dropped is the one used least lately.
    import dataclasses

    from sheetsync.spec.formcache import KEPT, PerForm

    built: list[str] = []
    work = PerForm(lambda form: built.append(form.sheet) or form.sheet)
    renamed = [dataclasses.replace(progress_form, sheet=f"Sheet{n}") for n in range(3 * KEPT)]
    for form in renamed:
        assert work(progress_form) == progress_form.sheet and work(form) == form.sheet
    assert built.count(progress_form.sheet) == 1


def test_a_file_not_renamed_costs_nothing_more(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The fixed cells' places were worked out for every file, to look for a renamed sheet none had:
    # (as for copies of the form) only a file that needs them pays for them.
    from sheetsync.check import reader

    located: list[int] = []
    real = reader._located
    monkeypatch.setattr(reader, "_located", lambda locked: located.append(1) or real(locked))
    plain = tmp_path / "plain.xlsx"
    write_template(progress_form, plain, data=seed, recipient="s1")
    assert validate(read_filled(plain)).valid and not located
    assert read_filled(_renamed(progress_form, seed, tmp_path, "xlsx")).renamed_from and located


def test_a_new_name_not_shown_as_it_is_is_refused_as_before(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    # A direction control in her new name ("Sheet\u202b1"): every finding names the sheet as shown
    # ("Sheet1"), a sheet the file does not have, so the marked-up copy marked none of her cells and the
    # checks that keep to the form's sheet lost them. Not told safely: refused, as any renamed sheet was.
    path = _renamed(progress_form, seed, tmp_path, "xlsx", new="Sheet\u202b1")
    with pytest.raises(SheetMissingError) as raised:
        read_filled(path)
    assert raised.value.among == ()


def test_renamed_and_its_hidden_sheet_deleted_is_told_the_hidden_sheet_was_deleted(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    # She showed the hidden sheet, deleted it, and renamed the form's tab: her workbook is still the one the
    # office sent (its document properties say so). She was told she had copied the form into a new file.
    from sheetsync.errors import MetadataSheetDeletedError

    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    book = load_workbook(path)
    del book["_sheetsync"]
    book[progress_form.sheet].title = SCHOOL
    book.save(path)
    with pytest.raises(MetadataSheetDeletedError):
        read_filled(path)
