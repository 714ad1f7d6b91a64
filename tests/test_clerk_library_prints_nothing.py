"""Reported by a clerk's helper: ``office/history.py`` "prints some lines with ``print()``", which would
miss the terminal's scrubbing (control characters, direction controls). Looked at: its ``print`` calls
are in docstring examples only; ``sheetsync history`` prints :func:`history_lines` through the CLI's
``echo_read``. These tests keep it so: no library module calls ``print``, and a file name with a
direction control comes out of ``history`` without it (the inbox already renames it on arrival)."""

from __future__ import annotations

import ast
from pathlib import Path

import sheetsync
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดโพธิ์ทอง,a@s1.example,50360000-3600\n"


def test_no_library_module_calls_print() -> None:
    package = Path(sheetsync.__file__).parent
    calls = [f"{path.relative_to(package)}:{node.lineno}" for path in package.rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"]
    assert calls == []  # a person's line goes through the CLI's echo (cli/app.py), scrubbed


def test_history_shows_a_file_name_without_its_direction_control(tmp_path: Path, progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    write_template(progress_form, office / "inbox" / "s1 \u202excod.xlsx",
                   data=variant(seed_data(), code="50360000-3600", reports=2), recipient="s1")
    assert run("sync", cwd=office).returncode == 0
    shown = run("history", "--recipient", "s1", cwd=office)
    assert shown.returncode == 0 and "xcod.xlsx" in shown.stdout, shown.stdout
    assert "\u202e" not in shown.stdout and "\x1b" not in shown.stdout
