"""A file's name that holds a line break or a carriage return (possible on Linux, and in a file
given straight to ``validate``, ``read`` or ``merge``) cannot forge a line of what sheetsync says.

Found by attack7: ``sheetsync validate`` on a damaged file named ``"bad\\nsheetsync: good.xlsx: ok.xlsx"``
printed its error as two lines, the second reading as sheetsync's own line about another file; a
lone ``\\r`` sent the terminal back to the start of the line, so what followed wrote over the name.
The error is one line, the name's breaks shown as visible symbols; the name on disk is untouched."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from sheetsync.text import one_line_shown
from tests.cli import run

FORGED = "bad\nsheetsync: good.xlsx: ok.xlsx"


def test_a_name_is_shown_on_one_line() -> None:
    assert one_line_shown("a\nb\r\nc\rd\u2028e\u2029f.xlsx") == "a␤b␤c␍d␤e␤f.xlsx"
    assert one_line_shown("x\x1b[2J\u202e.xlsx") == "x␛[2J.xlsx" and one_line_shown("แบบรายงาน.ods") == "แบบรายงาน.ods"


def test_an_unreadable_file_named_with_a_line_break_is_told_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / FORGED
    path.write_bytes(b"garbage")
    done = run("validate", path)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("sheetsync: bad␤sheetsync: good.xlsx: ok.xlsx: ") and path.exists()


def test_a_carriage_return_in_a_name_does_not_rewind_the_line(tmp_path: Path) -> None:
    path = tmp_path / "report\rsheetsync: ok.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    done = run("validate", path)
    assert done.returncode == 2 and "\r" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "report␍sheetsync: ok.xlsx: " in line


def test_a_readable_file_so_named_is_headed_on_one_line(tmp_path: Path, progress_form: Form) -> None:
    path = tmp_path / "s1\nsheetsync: forged.xlsx"
    write_template(progress_form, path, recipient="s1")
    done = run("validate", path)
    assert "\r" not in done.stdout
    assert not [ln for ln in done.stdout.splitlines() if ln.startswith("sheetsync: forged")], done.stdout
    assert "s1␤sheetsync: forged.xlsx" in done.stdout


def test_a_sheet_named_with_a_line_break_is_shown_on_one_line(tmp_path: Path, progress_form: Form,
                                                              seed: dict[str, Any]) -> None:
    """No program names a sheet so, but an .ods's ``table:name`` may hold ``&#10;``: the heading and the
    warning naming the added sheet were split, the second line reading as the result of another file."""
    good = tmp_path / "good.ods"
    write_template(progress_form, good, data=seed, recipient="s1")
    path = tmp_path / "s1.ods"
    added = ('<table:table table:name="x&#10;&#13;✓ fake.xlsx: valid"><table:table-row><table:table-cell '
             'office:value-type="string"><text:p>hi</text:p></table:table-cell></table:table-row></table:table>')
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "content.xml":
                data = data.replace(b"</office:spreadsheet>", added.encode() + b"</office:spreadsheet>", 1)
            new.writestr(info, data)
    done = run("validate", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "x␤␍✓ fake.xlsx: valid" in done.stdout and "\r" not in done.stdout
    assert not [ln for ln in done.stdout.splitlines() if "fake.xlsx" in ln and "x␤" not in ln], done.stdout
