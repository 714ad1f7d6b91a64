"""Paths in ``sheetsync.toml`` as a Windows user writes them, read on Linux (an office folder copied
from a Windows machine, or a setting copied from a colleague's): a drive letter or a network share
is one Thai-first line naming the key, never a folder named ``C:\\office\\inbox`` made inside the
office; a relative path with backslashes means on Linux what it meant on Windows."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import typer

from sheetsync.errors import OfficeError
from sheetsync.office.config import load_office
from tests.test_office import in_office

pytestmark = pytest.mark.skipif(os.name == "nt", reason="on Windows these are the computer's own paths")


def _set(office: Path, old: str, new: str) -> None:
    config = office / "sheetsync.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


def _made_inside(office: Path) -> list[str]:
    """Every file or folder under the office whose name holds a backslash or a drive letter."""
    return [str(p) for p in office.rglob("*") if "\\" in p.name or p.name[1:2] == ":"]


def test_a_windows_drive_path_is_one_line_naming_the_key(office: Path, app: typer.Typer) -> None:
    _set(office, 'inbox = "inbox"', "inbox = 'C:\\office\\inbox'")
    result = in_office(app, office, "sync")
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert "sheetsync.toml" in line and "[paths] inbox" in line and "C:\\office\\inbox" in line
    thai, english = line.split(" / ", 1)
    assert "Windows" in thai and re.search("[\u0e00-\u0e7f]", thai) and not re.search("[\u0e00-\u0e7f]", english)
    assert _made_inside(office) == []


@pytest.mark.parametrize("old, new, key", [
    ('store = "sheetsync.sqlite"', "store = 'D:\\backup\\sheetsync.sqlite'", "[paths] store"),
    ('outbox = "outbox"', "outbox = '\\\\server\\share\\outbox'", "[paths] outbox"),
    ('processed = "processed"', 'processed = "C:/office/processed"', "[paths] processed"),
    ('master = "master.xlsx"', "master = 'c:\\office\\master.xlsx'", "[paths] master"),
    ("roster = ", "roster = 'C:\\office\\roster.csv' # ", "roster"),
    ("# forms = [", "forms = ['C:\\forms'] # ", "[paths] forms"),
    ("# cafile = ", "cafile = 'C:\\certs\\ca.pem' # ", "[imap] cafile"),
])
def test_every_path_setting_refuses_a_windows_path(office: Path, old: str, new: str, key: str) -> None:
    _set(office, old, new)
    with pytest.raises(OfficeError) as caught:
        load_office(office)
    said = str(caught.value)
    assert key in said and "\n" not in said and said.index("Windows") < said.index(" / ")


def test_a_relative_path_with_backslashes_is_the_same_folder(office: Path, app: typer.Typer) -> None:
    _set(office, 'inbox = "inbox"', "inbox = 'mail\\schools\\inbox'")
    _set(office, 'reports = "reports"', 'reports = ".\\\\out\\\\reports"')
    config = load_office(office)
    assert config.inbox == office.resolve() / "mail" / "schools" / "inbox"
    assert config.reports == office.resolve() / "out" / "reports"


def test_a_single_backslash_in_double_quotes_says_to_use_slashes(office: Path, app: typer.Typer) -> None:
    """Copied from Explorer's address bar into "…": TOML takes ``\\o`` for an escape."""
    _set(office, 'inbox = "inbox"', 'inbox = "mail\\inbox"')
    result = in_office(app, office, "sync")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    thai, english = line.split(" / ", 1)
    assert "line 24" in english and "mail/inbox" in thai and "mail/inbox" in english


def test_a_backslash_escape_read_as_a_line_break_is_refused(office: Path) -> None:
    """``"data\\new"`` is valid TOML: a line break. The folder made from it had a line break in its name."""
    _set(office, 'reports = "reports"', 'reports = "data\\new"')
    with pytest.raises(OfficeError) as caught:
        load_office(office)
    said = str(caught.value)
    assert "[paths] reports" in said and "data/new" in said and said.count("\n") == 0
    assert _made_inside(office) == [] and not any("\n" in p.name for p in office.rglob("*"))
