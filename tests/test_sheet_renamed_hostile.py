"""A renamed form sheet is read under the name she gave it (:mod:`sheetsync.check.renamed`), and that name
goes into every finding, the marked-up copy's tab and its formulas. A forged file's name may be one no
spreadsheet program gives a sheet: ``Sheet[1]`` (Excel and Calc refuse ``[]:*?/\\``) made writing the
marked-up .xlsx raise ValueError, a traceback that stopped the run and every other file's reports with
it; a name holding a direction override or a line break is shown changed in the findings (so no person is
fooled), and the marked-up copy then matched none of them to the form: its cells to put right unmarked.
Such a sheet is not taken for the form: the file is refused, saying to name the sheet back.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.errors import SheetMissingError
from sheetsync.pipeline import check_file
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.markup import marked_up_plan
from sheetsync.template.write import write_template
from tests.data.hostile.build import rewrite
from tests.test_sheet_renamed import _renamed


def _forged(form: Form, seed: dict[str, Any], folder: Path, new: str, name: str = "forged.xlsx") -> Path:
    """The filled template, its form sheet's name in workbook.xml replaced by ``new`` (XML-escaped)."""
    folder.mkdir(parents=True, exist_ok=True)
    issued = folder / "issued-for-forging.xlsx"
    write_template(form, issued, data=seed, recipient="s1")
    old = f'name="{form.sheet}"'.encode()
    escaped = "".join(ch if ch.isprintable() else f"&#{ord(ch)};" for ch in new).replace('"', "&quot;")
    rewrite(issued, folder / name, {"xl/workbook.xml": lambda xml: xml.replace(old, f'name="{escaped}"'.encode())})
    issued.unlink()
    return folder / name


@pytest.mark.parametrize("new", ["Sheet[1]", "a:b", "x/y", "", "'quoted'", "x\u202eslx.exe", "a\u2028b", "a\nb",
                                 "\u2067ltr"])
def test_a_name_no_spreadsheet_program_gives_is_not_taken_for_the_form(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, new: str) -> None:
    path = _forged(progress_form, seed, tmp_path, new)
    with pytest.raises(SheetMissingError):
        read_filled(path)
    result = check_file(path)
    assert result.filled is None and result.failure is not None
    assert "เปลี่ยนชื่อ" in result.failure.message("th")


def test_a_forged_name_stops_no_run_and_no_other_file(app: Any, progress_form: Form, seed: dict[str, Any],
                                                      tmp_path: Path) -> None:
    forged = _forged(progress_form, seed, tmp_path, "Sheet[1]")
    good = tmp_path / "good.xlsx"
    write_template(progress_form, good, data=seed, recipient="s2")
    result = CliRunner().invoke(app, ["validate", str(forged), str(good), "--report-dir", str(tmp_path / "rep")])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    [line] = [said for said in result.output.splitlines() if "forged.xlsx" in said]
    assert "Traceback" not in result.output and "เปลี่ยนชื่อ" in line
    assert (tmp_path / "rep" / "good.txt").exists()


def test_sync_sets_the_forged_file_aside_and_merges_the_other(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    forged = _forged(progress_form, seed, tmp_path / "made", "a:b")
    shutil.copy(forged, inbox.mkdir() or inbox / "forged.xlsx")
    write_template(progress_form, inbox / "good.xlsx", data=seed, recipient="good-school")
    done = sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports",
                options=SyncOptions(settle=0, view="never"))
    outcomes = {o.path.name: o.result for o in done.outcomes()}
    assert outcomes["good.xlsx"] == "merged" and outcomes["forged.xlsx"] in ("quarantined", "refused"), outcomes


@pytest.mark.parametrize("new", ["Sheet1", "โรงเรียนวัดดอน", "แบบรายงาน\u200b", "it's", "=SUM(1)", "@x", "+1"])
def test_names_a_teacher_can_give_are_read_and_their_errors_marked(progress_form: Form, seed: dict[str, Any],
                                                                   tmp_path: Path, new: str) -> None:
    """Any name she can type (a formula's first character too: a sheet's name is never a cell's value)."""
    seed["reports"][6]["progress_percent"] = 101
    filled = read_filled(_renamed(progress_form, seed, tmp_path, "xlsx", new=new))
    report = validate(filled)
    wrong = {f.cell for f in report.findings if f.severity == "error"}
    assert wrong
    marked = {c.place.ref for c in marked_up_plan(filled, report).cells if c.mark is not None}
    assert wrong <= marked, (wrong, marked)


def test_a_renamed_ods_table_holding_a_line_break_is_refused(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    issued = tmp_path / "issued.ods"
    write_template(progress_form, issued, data=seed, recipient="s1")
    old = f'table:name="{progress_form.sheet}"'.encode()
    path = rewrite(issued, tmp_path / "nl.ods", {"content.xml": lambda xml: xml.replace(old, b'table:name="a&#10;b"')})
    result = check_file(path)
    assert result.filled is None and result.failure is not None
    said = json.dumps(result.why, ensure_ascii=False)
    assert "\n" not in result.failure.message("en") and "renamed" in said


def test_a_name_longer_than_excel_allows_is_refused_in_an_xlsx(progress_form: Form, seed: dict[str, Any],
                                                               tmp_path: Path) -> None:
    """Excel names a sheet in 31 characters at most, and Calc cuts a longer name to 31 when it saves an
    .xlsx: a longer one (forged) went into the marked-up .xlsx, which Excel then opens only "repaired"."""
    path = _forged(progress_form, seed, tmp_path, "ก" * 32)
    with pytest.raises(SheetMissingError):
        read_filled(path)
    assert read_filled(_renamed(progress_form, seed, tmp_path / "31", "xlsx", new="ก" * 31)).form.sheet == "ก" * 31


def test_a_long_name_calc_gives_an_ods_table_is_read(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """Calc takes any length (a school's whole name): an .ods comes back marked up as an .ods."""
    long = "โรงเรียนวัดดอนเมืองทหารอากาศบำรุงสาขาสอง"
    assert len(long) > 31
    assert read_filled(_renamed(progress_form, seed, tmp_path, "ods", new=long)).form.sheet == long
