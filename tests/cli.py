"""Run the ``sheetsync`` command in-process (typer's CliRunner): what the tests of commands use.

Only the tests that must prove the installed script or a real process (a traceback, memory,
a kill) start a subprocess.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from typer.testing import CliRunner

from sheetsync.cli import app


@dataclass(frozen=True)
class Ran:
    """What a command did, shaped like ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


def run(*args: str | Path, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Ran:
    """``sheetsync ARGS…`` in this process; ``env`` adds variables, ``cwd`` is the folder it runs in."""
    with _inside(cwd):
        result = CliRunner().invoke(app, [str(a) for a in args], env=dict(env) if env else None)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a bug, not an exit code: show its traceback in the test
    return Ran(result.exit_code, result.stdout, result.stderr)


@contextmanager
def _inside(folder: Path | None) -> Iterator[None]:
    before = Path.cwd()
    if folder is not None:
        os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def new_office(tmp_path: Path, roster: str) -> Path:
    """An office made by ``sheetsync init`` in ``tmp_path/district`` with ``roster`` (CSV text) as its
    roster, and files taken at once (``settle_seconds = 0``: the tests write them whole)."""
    csv = tmp_path / "schools.csv"
    csv.write_text(roster, encoding="utf-8")
    folder = tmp_path / "district"
    assert run("init", folder, "--roster", csv).returncode == 0
    config = folder / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                      encoding="utf-8")
    return folder
