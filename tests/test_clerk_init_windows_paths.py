"""Found by a clerk on Windows: ``init``'s next steps named ``C:\\district-73/roster.csv`` — the office's
folder as Windows writes it, then a forward slash. Each path is now the folder joined as the computer
joins it: ``C:\\district-73\\roster.csv`` on Windows, ``/srv/district-73/roster.csv`` elsewhere."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from sheetsync.cli.office import next_steps


def _text(lines: list[str]) -> str:
    """The steps' words, without the commands to type (``… templates/`` there is an option's value)."""
    return "\n".join(line for line in lines if "sheetsync " not in line)


def test_windows_next_steps_join_each_path_with_backslashes() -> None:
    said = _text(next_steps(PureWindowsPath("C:\\district-73"), has_roster=False, master="master.xlsx"))
    for path in ("roster.csv", "sheetsync.toml", "inbox", "office.key", "master.xlsx"):
        assert f"C:\\district-73\\{path}" in said, path
    assert "C:\\district-73/" not in said and "/inbox/" not in said
    assert "C:\\district-73\\inbox\\" in said  # a folder, still said as one


def test_posix_next_steps_keep_forward_slashes() -> None:
    said = _text(next_steps(PurePosixPath("/srv/district-73"), has_roster=False, master="master.xlsx"))
    for path in ("roster.csv", "sheetsync.toml", "inbox/", "office.key", "master.xlsx"):
        assert f"/srv/district-73/{path}" in said, path
    assert "\\" not in said
