"""The reports an office keeps (reports/*.txt, .html, .json) hold one line end per line on Windows too.

Written in text mode, Windows turns each "\\n" into "\\r\\n", so a "\\r\\n" already in the text (a school's
value typed in a Windows program, quoted in a finding) became "\\r\\r\\n": an empty line in one editor, a
stray character in another. Windows is simulated as tests/test_windows_newlines.py does."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from sheetsync.batch import write_report
from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.pipeline import FileResult
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run
from tests.test_windows_newlines import _as_on_windows, _write_text_as_on_windows


def _one_line_end_each(raw: bytes) -> None:
    assert b"\r\r" not in raw and raw.replace(b"\r\n", b"").count(b"\r") == 0, raw


def test_a_value_typed_with_a_windows_line_break_leaves_no_stray_return(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed["project"]["code"] = "5036\r\n0000-3553"  # found wrong, and quoted in the reports
    write_template(progress_form, tmp_path / "s1.xlsx", data=seed, recipient="s1")
    _write_text_as_on_windows(monkeypatch)
    _as_on_windows(monkeypatch)
    done = run("validate", tmp_path / "s1.xlsx", "--report-dir", tmp_path / "reports")
    monkeypatch.undo()
    assert done.returncode == 1, done.stderr
    for suffix in ("txt", "html", "json"):
        _one_line_end_each((tmp_path / "reports" / f"s1.{suffix}").read_bytes())


def test_a_return_in_a_finding_is_one_line_end_in_the_text_report(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed["reports"][3]["progress_percent"] = 1.0
    write_template(progress_form, tmp_path / "s1.xlsx", data=seed, recipient="s1")
    filled = read_filled(tmp_path / "s1.xlsx")
    report = validate(filled)
    said = [dataclasses.replace(f, message_th=f.message_th + "\r\nบรรทัดสอง", message_en=f.message_en + "\r\nline two")
            for f in report.findings]
    report = dataclasses.replace(report, findings=said)
    _write_text_as_on_windows(monkeypatch)
    written = write_report(FileResult(filled.path, filled=filled, report=report), tmp_path, "s1", mark=False)
    monkeypatch.undo()
    text = next(p for p in written if p.suffix == ".txt").read_bytes()
    _one_line_end_each(text)
    assert "บรรทัดสอง".encode() in text
