"""A part of a returned file written in UTF-16 (or UTF-32) is told as such, not read as empty.

Found by attack7: XML may be written in UTF-16, but no spreadsheet program writes a workbook's parts
so, and calamine reads such a sheet as holding nothing. The school's form then came back with 80
errors, "cell A1 was changed to ''" on every label of a form it had filled in whole, and an ODS whose
content was so written was "not a sheetsync form". The file is now unreadable, its line naming the
part and its encoding; the other files of the run are read as ever."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sheetsync.check.reader import read_filled
from sheetsync.errors import UnreadableFileError
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run

PARTS = {"xlsx": "xl/worksheets/sheet1.xml", "ods": "content.xml"}


def _widened(source: Path, target: Path, part: str, codec: str) -> Path:
    """``source`` with ``part`` re-encoded in ``codec`` (its declaration saying so), the rest as it was."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == part:
                text = re.sub(r"^<\?xml[^>]*\?>\s*", "", data.decode("utf-8"))
                data = f'<?xml version="1.0" encoding="{codec.upper()}"?>{text}'.encode(codec)
            new.writestr(info, data)
    return target


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_part_in_a_wide_encoding_makes_the_file_unreadable(tmp_path: Path, progress_form: Form,
                                                             seed: dict[str, Any], fmt: str, codec: str) -> None:
    good = tmp_path / f"good.{fmt}"
    write_template(progress_form, good, data=seed, recipient="s1")
    wide = _widened(good, tmp_path / f"wide.{fmt}", PARTS[fmt], codec)
    with pytest.raises(UnreadableFileError, match=f"{PARTS[fmt]}.*(UTF-16|UTF-32)"):
        read_filled(wide)
    assert read_filled(good).data["project"]["code"] == seed["project"]["code"]


def test_validate_says_it_in_one_line_and_reads_the_next_file(tmp_path: Path, progress_form: Form,
                                                               seed: dict[str, Any]) -> None:
    good = tmp_path / "good.xlsx"
    write_template(progress_form, good, data=seed, recipient="s1")
    wide = _widened(good, tmp_path / "wide.xlsx", PARTS["xlsx"], "utf-16")
    done = run("validate", wide, good)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("sheetsync: ") and "wide.xlsx" in line and "UTF-16" in line
    assert "good.xlsx" in done.stdout and "A1" not in done.stdout
