"""Safe text at the reading boundary (sheetsync.text) and everything downstream of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheetsync.spec.form import Form
from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template
from sheetsync.text import has_hidden_controls, safe_text, safe_value

ROOT = Path(__file__).resolve().parent.parent


def test_line_breaks_become_newlines_and_other_controls_visible() -> None:
    assert safe_text("a\x0bb\x0cc") == "a\nb\nc"
    assert safe_text("\x1b]0;x\x07\x1b[2J") == "␛]0;x␇␛[2J"
    assert safe_text("\x00\x7f\x85\x9b") == "␀␡\ufffd\ufffd"
    assert safe_text("ไทย\tok\r\n") == "ไทย\tok\r\n"
    assert has_hidden_controls("a\x1bb") and not has_hidden_controls("a\x0bb\n")


def test_what_xml_cannot_hold_becomes_a_replacement_character() -> None:
    # U+FFFE, U+FFFF and lone surrogates are no characters of XML 1.0: a cell holding one (read by calamine
    # from a file written raw) made the marked-up copy's writer raise, and the file was set aside as unreadable.
    assert safe_text("a\uffffb\ufffec\ud800") == "a\ufffdb\ufffdc\ufffd"
    assert has_hidden_controls("a\uffff") and safe_text("\ufffd\U0010ffff") == "\ufffd\U0010ffff"


def test_a_cell_holding_what_xml_cannot_hold_is_told_and_written(corpus: dict[str, Path], tmp_path: Path) -> None:
    for case in ("noncharacters-xlsx", "noncharacters-ods"):
        filled = read_filled(corpus[case])
        assert filled.data["reports"][0]["stage"] == "โครงการ\ufffd\ufffdพัฒนา" and "C37" in filled.controls
        report = validate(filled)
        assert ("control-character", "C37") in [(f.code, f.cell) for f in report.findings]
        write_marked_up(filled, report, tmp_path / f"{case}-marked.xlsx")  # raised ValueError (lxml)


def test_a_value_quoted_in_a_message_cannot_turn_the_message_around(progress_form: Form, seed: dict[str, Any],
                                                                     tmp_path: Path) -> None:
    # U+202E (right-to-left override) typed in a cell and quoted in its finding showed the rest of the
    # office's sentence, on the school's screen and in its e-mail, written backwards.
    from tests.data.hostile.build import rewrite, xlsx_text

    base, path = tmp_path / "base.xlsx", tmp_path / "bidi.xlsx"
    write_template(progress_form, base, data=seed, recipient="s1")
    rewrite(base, path, {"xl/worksheets/sheet1.xml": xlsx_text("D38", "6\u202e5\u2067")})
    filled = read_filled(path)
    [said] = [f for f in validate(filled).findings if f.cell == "D38"]
    assert "65" in said.message_th and "65" in said.message_en
    assert not any(ch in said.message_th + said.message_en for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_non_finite_numbers_become_text() -> None:
    assert [safe_value(v) for v in (float("nan"), float("inf"), float("-inf"), 1.5)] == \
        ["NaN", "Infinity", "-Infinity", 1.5]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sheetsync", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


CASES = ["control-chars-xlsx", "control-chars-ods", "control-chars-recipient-xlsx", "control-chars-file-name-xlsx",
         "nan-xlsx", "nan-ods", "infinity-xlsx", "infinity-ods"]


@pytest.mark.parametrize("case", CASES)
def test_hostile_text_reaches_no_terminal_writer_or_json(corpus: dict[str, Path], case: str, tmp_path: Path) -> None:
    path = corpus[case]
    text = _cli("validate", str(path), "--report-dir", str(tmp_path / "reports"), cwd=tmp_path)
    assert text.returncode in (0, 1), text.stderr
    assert "Traceback" not in text.stderr
    for stream in (text.stdout, text.stderr):
        assert not any(ch in stream for ch in "\x1b\x07\x0b\x85\x9b")
    written = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert "summary.xlsx" in written and any("ตรวจแล้ว" in n for n in written)  # the marked-up copy
    summary = openpyxl.load_workbook(tmp_path / "reports" / "summary.xlsx").active
    assert summary is not None
    assert "\x1b" not in str(summary["A2"].value) and "\x1b" not in str(summary["B2"].value)
    if case == "control-chars-file-name-xlsx":
        assert "␛" in str(summary["A2"].value)
    out = _cli("validate", str(path), "--format", "json", cwd=tmp_path).stdout
    parsed = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in JSON output"))
    values = [f["value"] for f in parsed[0]["findings"]]
    if case.startswith(("nan", "infinity")):
        assert [f["code"] for f in parsed[0]["findings"]] == ["not-a-number"]
        assert values == ["NaN" if case.startswith("nan") else "Infinity"]


def test_vertical_tab_is_a_line_break_in_a_lines_cell(corpus: dict[str, Path]) -> None:
    filled = read_filled(corpus["control-chars-xlsx"])
    assert filled.raw["C37"].startswith("line 1\nline 2 ")
    assert "C37" in filled.controls


def test_merge_takes_a_file_with_a_hostile_name(corpus: dict[str, Path], tmp_path: Path) -> None:
    run = _cli("merge", str(corpus["control-chars-file-name-xlsx"]), "--master", str(tmp_path / "m.xlsx"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "\x1b" not in run.stdout and "␛" in run.stdout


def test_templates_hold_prefill_with_control_characters(progress_form: Form, seed: dict[str, Any],
                                                        tmp_path: Path) -> None:
    # e.g. from a master merged before text was made safe, or a hand-written JSON file
    seed["reports"][0]["stage"] = "a\x0bb\x1b[2J"
    for fmt in ("xlsx", "ods"):
        path = tmp_path / f"t.{fmt}"
        write_template(progress_form, path, data=seed, recipient="school\x1b-01")
        filled = read_filled(path)
        assert filled.data["reports"][0]["stage"] == "a\nb␛[2J"
        assert filled.metadata["recipient"] == "school␛-01"
