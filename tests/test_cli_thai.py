"""`validate`, `read` and `demo` speak to the clerk Thai first, English after (a clerk trying them found
"✗ t.xlsx: invalid — 9 error(s)", English finding codes and severities, and an English demo)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run

THAI = re.compile("[\u0e00-\u0e7f]")
CLI_TEXTS = Path(__file__).parent.parent / "sheetsync" / "messages" / "cli.yaml"


def _files(form: Form, seed: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    good, bad = folder / "good.xlsx", folder / "bad.xlsx"
    write_template(form, good, data=seed)
    seed["reports"][2]["progress_percent"] = 5.0  # lower than the report before: progress-decreased at D39
    write_template(form, bad, data=seed)
    return good, bad


def test_every_cli_text_is_thai_then_english() -> None:
    texts = yaml.safe_load(CLI_TEXTS.read_text(encoding="utf-8"))
    for code, entry in texts.items():
        assert set(entry) - {"en_one"} == {"th", "en"}, code  # en_one: the English for a count of one
        assert THAI.search(entry["th"]) and " / " not in entry["th"], code
        assert not THAI.search(entry["en"]), code


def test_validate_says_each_result_thai_first(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    good, bad = _files(progress_form, seed, tmp_path)
    done = run("validate", good, bad)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "✓ good.xlsx: ถูกต้อง / valid"
    assert lines[1] == "✗ bad.xlsx: ต้องแก้ไข — ข้อผิดพลาด 1 รายการ ข้อสังเกต 0 รายการ / invalid — 1 error(s), 0 warning(s)"
    assert lines[2] == "  [แบบรายงาน]"
    # The cell, a Thai severity, the Thai message, and the finding's code for whoever helps.
    assert re.fullmatch(r"    D39    ข้อผิดพลาด  ช่อง D39 ความก้าวหน้า 5% \S.* \(progress-decreased\)", lines[3])
    assert len(lines) == 4 and "error " not in done.stdout


def test_severities_line_up_on_screen(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    """"ข้อผิดพลาด" and "ข้อสังเกต" hold vowel and tone marks that take no column of their own."""
    from sheetsync.check.report import Finding, Report
    from sheetsync.render import render_text

    report = Report(Path("x.xlsx"), "progress-report", {})
    report.findings = [Finding("required", "error", "s", "C4", "", None, "ช่อง C4 ว่าง", "C4 empty"),
                       Finding("control-character", "warning", "s", "C40", "", None, "ช่อง C40 มีอักขระ", "C40")]
    error, warning = render_text(report).splitlines()[2:]
    assert error.index("ช่อง") - _marks(error) == warning.index("ช่อง") - _marks(warning)
    assert "ข้อสังเกต 1 รายการ / invalid — 1 error(s), 1 warning(s)" in render_text(report)


def _marks(line: str) -> int:
    import unicodedata

    return sum(unicodedata.category(ch) == "Mn" for ch in line[:line.index("ช่อง")])


def test_lang_en_keeps_the_english_lines(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    good, bad = _files(progress_form, seed, tmp_path)
    done = run("validate", good, bad, "--lang", "en")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[:3] == ["✓ good.xlsx: valid", "✗ bad.xlsx: invalid — 1 error(s), 0 warning(s)", "  [แบบรายงาน]"]
    assert lines[3].startswith("    D39    error   progress-decreased: Cell D39")
    assert not THAI.search("".join(lines[:2] + lines[3:]))  # only the sheet's own name is Thai


def test_json_and_errors_keep_their_shape(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    good, bad = _files(progress_form, seed, tmp_path)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"%PDF-1.4 scanned form\n")
    done = run("validate", good, bad, junk, "--format", "json")
    assert done.returncode == 2
    parsed = json.loads(done.stdout)
    assert [set(entry) for entry in parsed] == [{"file", "valid", "findings"}] * 2 + [{"file", "valid", "findings",
                                                                                         "error"}]
    assert set(parsed[1]["findings"][0]) == {"code", "severity", "sheet", "cell", "path", "value", "message", "th",
                                             "en"}
    assert parsed[1]["findings"][0]["severity"] == "error" and THAI.search(parsed[1]["findings"][0]["message"])
    # The one line naming it, Thai first (the default --lang th); the JSON keeps the reader's English.
    [line] = done.stderr.splitlines()
    assert line.startswith("sheetsync: junk.xlsx: ") and THAI.search(line.partition(" / ")[0])
    assert line.endswith(" / junk.xlsx: not a spreadsheet (a PDF document); send the .xlsx or .ods form")
    assert parsed[2]["error"] == "junk.xlsx: not a spreadsheet (a PDF document); send the .xlsx or .ods form"


def test_reports_written_and_queued_thai_first(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    good, bad = _files(progress_form, seed, tmp_path)
    done = run("validate", good, bad, "--report-dir", tmp_path / "reports", "--email", "--to", "office@example.org",
               "--outbox", tmp_path / "outbox", env={"SHEETSYNC_MAIL_FROM": "office@example.org"})
    assert done.returncode == 1, done.stderr
    wrote, queued = done.stderr.splitlines()
    count = len(list((tmp_path / "reports").iterdir()))
    folder, outbox = tmp_path / "reports", tmp_path / "outbox"
    assert wrote == f"เขียนรายงาน {count} ไฟล์ไว้ใน {folder} / wrote {count} report files in {folder}"
    assert queued == f"เตรียมอีเมล 3 ฉบับไว้ใน {outbox} แล้ว / queued 3 message(s) in {outbox}"
    english = run("validate", good, "--report-dir", tmp_path / "en", "--lang", "en")
    assert english.stderr.startswith("wrote ") and not THAI.search(english.stderr)


def test_read_names_a_problem_thai_first(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_template(progress_form, path, data=seed)
    book = load_workbook(path)
    book[progress_form.sheet]["F6"] = "หนึ่งแสน"  # the budget received, in words
    book.save(path)
    done = run("read", path)
    assert done.returncode == 0 and "budget_received" not in json.loads(done.stdout)["project"]
    assert done.stderr.splitlines() == ["r.xlsx: ช่อง F6 ไม่ใช่ตัวเลข (พบ 'หนึ่งแสน') / F6: not-a-number ('หนึ่งแสน')"]


def test_demo_narrates_thai_then_english(tmp_path: Path) -> None:
    done = run("demo", tmp_path / "demo")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    steps = [i for i, line in enumerate(lines) if re.match(r"\d\. ", line)]
    assert [lines[i][0] for i in steps] == [str(n) for n in range(6)]
    for i in steps:  # each step: a Thai line, then the English one under it
        assert THAI.search(lines[i]) and lines[i + 1].startswith("   ") and not THAI.search(lines[i + 1])
    assert lines[steps[0] + 1].endswith("xlsx identical and valid, ods identical and valid")
    assert "xlsx ได้ข้อมูลเหมือนเดิมและถูกต้อง" in lines[steps[0]]
    assert lines[steps[4] + 1].strip() == "sync again: 0 new files (nothing to do)"
    assert lines[-2].startswith("เสร็จแล้ว") and lines[-1].startswith("done: see ")
    assert len(lines) == 14


def test_template_notes_where_answers_go_thai_first(capsys: pytest.CaptureFixture[str]) -> None:
    from sheetsync.cli.template import _say_where_answers_go
    from sheetsync.mailer import MailConfig

    _say_where_answers_go(MailConfig(from_addr="office@bma.example"), "inbox@bma.example")
    thai, english = capsys.readouterr().err.splitlines()
    assert thai.startswith("หมายเหตุ: โรงเรียนจะตอบกลับไปที่ office@bma.example แต่สำนักงานรับอีเมลจาก inbox@bma.example")
    assert english == ("note: schools will answer office@bma.example, but the office fetches inbox@bma.example: "
                       "their files reach sync only if that mail arrives there (if it is not forwarded there, "
                       "write reply_to = \"inbox@bma.example\" under [mail] in sheetsync.toml)")
    assert 'reply_to = "inbox@bma.example"' in thai  # what to do, found by a clerk who met this note
