"""The office's own reports say when the marked-up copy is ready to be sent back as it is.

A file whose only error the marked-up copy put right (a row inserted above report 5) was answered "put in the
form's layout, check the copy and send it back" (``X-Sheetsync-Ready``), but the ``.html`` and ``.txt`` the
office keeps in ``reports/`` still read as a file with cells to fix. They now say what the e-mail says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.batch import write_report
from sheetsync.messages import render
from sheetsync.pipeline import check_file
from sheetsync.spec.form import Form
from tests.test_teacher_marked_fixed import _school


def _written(path: Path, out: Path) -> dict[str, str]:
    item = check_file(path)
    item.outputs = write_report(item, out, "s1")
    return {p.suffix: p.read_text(encoding="utf-8") for p in item.outputs if p.suffix in (".txt", ".html")}


def test_the_reports_say_the_copy_is_ready(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    written = _written(_school(progress_form, seed, tmp_path, "insert"), tmp_path / "reports")
    for lang in ("th", "en"):
        ready = render("report.put_right", lang)
        assert ready in written[".txt"]
        assert ready.replace("'", "&#x27;") in written[".html"]


def test_a_copy_with_cells_to_fix_is_not_said_ready(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = _school(progress_form, seed, tmp_path, "insert")
    wb = load_workbook(path)
    wb[progress_form.sheet]["D38"] = "ครึ่งหนึ่ง"
    wb.save(path)
    written = _written(path, tmp_path / "reports")
    assert all(render("report.put_right", "th") not in body for body in written.values())
