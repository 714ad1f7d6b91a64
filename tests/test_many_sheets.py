"""A returned file with very many sheets beside the form's (a few hundred KB of .ods holds 60,000
tables): each table was found by a search through every table, so the look for values in added sheets
took time growing with the square of their number (60,000 tables: over four minutes for 200 KB); and each
was told in its own warning, the same sentence 60,000 times: 60 MB reports and e-mails, 1 GB of memory."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from typing import Any

from sheetsync.check.reader import read_filled
from sheetsync.check.added import ADDED_SHEETS_TOLD
from sheetsync.check.validate import validate
from sheetsync.limits import MAX_SHOWN_TEXT
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

TABLES = 20_000


def _with_tables(form: Form, seed: dict[str, Any], tmp_path: Path, tables: int) -> Path:
    """A good .ods return with ``tables`` small tables added after its own, each holding a value."""
    base, path = tmp_path / "base.ods", tmp_path / "many.ods"
    write_template(form, base, data=seed, recipient="school-01")
    added = b"".join(b'<table:table table:name="t%d"><table:table-row><table:table-cell office:value-type="string">'
                     b"<text:p>v</text:p></table:table-cell></table:table-row></table:table>" % n for n in range(tables))
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "content.xml":
                data = data.replace(b"</office:spreadsheet>", added + b"</office:spreadsheet>")
            out.writestr(item, data)
    return path


def test_many_added_tables_are_looked_into_in_time_linear_in_their_number(progress_form: Form, seed: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    path = _with_tables(progress_form, seed, tmp_path, TABLES)
    started = time.perf_counter()
    report = validate(read_filled(path))
    seconds = time.perf_counter() - started
    assert seconds < 10, seconds  # ~28 s before (a search through every table for each)
    assert report.valid
    told = [f for f in report.findings if f.code == "sheet-not-read"]
    assert [f.sheet for f in told] == [f"t{n}" for n in range(ADDED_SHEETS_TOLD)]
    [more] = [f for f in report.findings if f.code == "more-sheets-not-read"]
    assert f"{TABLES - ADDED_SHEETS_TOLD:,}" in more.message_th and f"{TABLES - ADDED_SHEETS_TOLD:,}" in more.message_en
    assert (more.severity, more.sheet) == ("warning", f"t{ADDED_SHEETS_TOLD}")


def test_a_long_added_sheet_name_is_quoted_short(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = _with_tables(progress_form, seed, tmp_path, 1)
    with zipfile.ZipFile(path) as source:
        content = source.read("content.xml").replace(b'table:name="t0"', b'table:name="' + b"x" * 100_000 + b'"')
    longer = tmp_path / "long.ods"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(longer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, content if item.filename == "content.xml" else source.read(item))
    [said] = [f for f in validate(read_filled(longer)).findings if f.code == "sheet-not-read"]
    assert len(said.message_th) < 1_000 and len(said.sheet) <= MAX_SHOWN_TEXT


def test_the_added_sheets_looked_into_are_copied_once_together(progress_form: Form, seed: dict[str, Any],
                                                                tmp_path: Path, clipped: list[Any]) -> None:
    """Each added sheet looked into for a copy of the form was opened alone: one reaching past the form's
    area made a clipped copy of the whole file each (its shared strings, every other table of an .ods), five
    times over: 2.4 MB of .xlsx whose 20 MB of shared strings went with five such sheets took 2.3 s, 0.6 s
    without them. The five are read from one copy; what each holds is still told."""
    from openpyxl import load_workbook

    from sheetsync.check.copies import COPIES_LOOKED_AT

    path = tmp_path / "far.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1", record_open=True)  # as the office's are
    wb = load_workbook(path)
    for n in range(COPIES_LOOKED_AT + 1):
        copy = wb.copy_worksheet(wb[progress_form.sheet])
        copy.title, copy["C37"], copy["XFD1048576"] = f"c{n}", "ทำตามแผน", "far"
    wb.save(path)
    report = validate(read_filled(path))
    added = {f"c{n}" for n in range(COPIES_LOOKED_AT + 1)}
    assert [sorted(set(bounds) & added) for bounds in clipped if set(bounds) & added] == [
        [f"c{n}" for n in range(COPIES_LOOKED_AT)]]
    told = [(f.code, f.sheet, f.cell) for f in report.findings if f.code in ("form-copy-filled", "sheet-not-read")]
    assert told == [("form-copy-filled", f"c{n}", "C37") for n in range(COPIES_LOOKED_AT)] + [("sheet-not-read", "c5", "A1")]
