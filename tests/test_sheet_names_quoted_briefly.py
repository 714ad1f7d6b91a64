"""A sheet's name is quoted briefly in the line refusing its file, as a cell's value is.

Found by attack7: Excel keeps a sheet's name within 31 characters, but an .ods's ``table:name`` is
any length. A table named with 100,000 letters that never ends, or two such tables whose names
differ only by case, came back whole in the one line naming the file (100 KB and 200 KB: the
terminal, ``quarantine/*.txt``, the run's table)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from sheetsync.limits import MAX_SHOWN_TEXT
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run

NAME = "x" * 100_000
CELL = "<table:table-row><table:table-cell/></table:table-row>"
ADDED = {
    "never-ends": f'<table:table table:name="{NAME}">{CELL}</office:spreadsheet>',
    "twice": f'<table:table table:name="{NAME}">{CELL}</table:table>'
             f'<table:table table:name="{NAME.upper()}">{CELL}</table:table></office:spreadsheet>',
}


@pytest.mark.parametrize("case", sorted(ADDED))
def test_a_long_sheet_name_is_quoted_briefly(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                             case: str) -> None:
    good = tmp_path / "good.ods"
    write_template(progress_form, good, data=seed, recipient="s1")
    path = tmp_path / "s1.ods"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "content.xml":
                data = data.replace(b"</office:spreadsheet>", ADDED[case].encode(), 1)
            new.writestr(info, data)
    done = run("validate", path)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "s1.ods" in line and len(line) < 4 * MAX_SHOWN_TEXT + 400, len(line)


def test_a_long_part_name_is_quoted_briefly(tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    """A zip member's name (any length up to 64 KB) is as briefly quoted: here the form's sheet kept
    under a 60,000-letter name, written in UTF-16 (refused, naming the part)."""
    good = tmp_path / "good.xlsx"
    write_template(progress_form, good, data=seed, recipient="s1")
    path, long = tmp_path / "s1.xlsx", "xl/worksheets/" + "y" * 60_000 + ".xml"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                new.writestr(info, data.replace(b"/xl/worksheets/sheet1.xml", b"/" + long.encode()))
            elif info.filename == "xl/worksheets/sheet1.xml":
                new.writestr(long, data.decode("utf-8").encode("utf-16"))
            else:
                new.writestr(info, data)
    done = run("validate", path)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "s1.xlsx" in line and "UTF-16" in line and len(line) < 4 * MAX_SHOWN_TEXT + 400, len(line)


def _long_part(good: Path, path: Path, data_of: Any) -> None:
    """``good`` as ``path``, its form's sheet kept under a 60,000-letter name holding ``data_of(xml)``."""
    long = "xl/worksheets/" + "y" * 60_000 + ".xml"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                new.writestr(info, data.replace(b"/xl/worksheets/sheet1.xml", b"/" + long.encode()))
            elif info.filename == "xl/worksheets/sheet1.xml":
                new.writestr(long, data_of(data))
            else:
                new.writestr(info, data)


REFUSED = {  # each refusal naming the part: a DOCTYPE, a part compressed 1000 to 1 (a zip bomb)
    "entities": (lambda xml: b'<?xml version="1.0"?><!DOCTYPE x>' + xml, "DOCTYPE"),
    "bomb": (lambda xml: xml.replace(b"<sheetPr>", b"<sheetPr><!-- " + b"a b " * 2_000_000 + b" -->", 1), "zip bomb"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_long_part_name_is_quoted_briefly_in_every_refusal(tmp_path: Path, progress_form: Form,
                                                             seed: dict[str, Any], case: str) -> None:
    """The refusals of a part for what it holds named it whole too (a 120 KB line, its two languages)."""
    good = tmp_path / "good.xlsx"
    write_template(progress_form, good, data=seed, recipient="s1")
    path = tmp_path / "s1.xlsx"
    change, said = REFUSED[case]
    _long_part(good, path, change)
    done = run("validate", path)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "s1.xlsx" in line and said in line and len(line) < 4 * MAX_SHOWN_TEXT + 800, len(line)


def test_a_part_too_big_is_named_briefly(tmp_path: Path) -> None:
    """The limit on a part's size names it as briefly (the message of :class:`LimitError`)."""
    from sheetsync.errors import LimitError

    error = LimitError(tmp_path / "s1.xlsx", "limit.member-size", part="y" * 60_000, limit=24)
    assert len(error.message("th")) < 2 * MAX_SHOWN_TEXT + 400 and len(str(error)) < 2 * MAX_SHOWN_TEXT + 400
