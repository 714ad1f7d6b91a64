"""The command line (in-process, and the installed script once): outputs, exit codes, and bad files."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from sheetsync.spec.form import Form
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template

from tests.cli import run
from tests.conftest import FORMS_DIR


def run_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real thing: ``python -m sheetsync`` in a child process."""
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def test_template_then_read_with_source_map(seed: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "seed.json"
    data.write_text(json.dumps(seed, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "t.ods"
    done = run("template", "--data", data, "--recipient", "school-01", "-o", out)
    assert done.returncode == 0, done.stderr
    plain = run("read", out)
    assert json.loads(plain.stdout) == seed
    mapped = json.loads(run("read", out, "--source-map").stdout)
    assert set(mapped) == {"data", "source_map", "metadata"}
    assert mapped["source_map"]["/project/code"] == {"sheet": "แบบรายงาน", "cell": "C5"}
    assert mapped["metadata"]["recipient"] == "school-01"


def test_validate_json_shape_and_exit_codes(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    write_template(progress_form, good, data=seed)
    seed["reports"][2]["progress_percent"] = 5.0
    write_template(progress_form, bad, data=seed)
    assert run("validate", good).returncode == 0
    done = run("validate", good, bad, "--format", "json", "--lang", "en")
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert [r["valid"] for r in result] == [True, False]
    finding = result[1]["findings"][0]
    assert set(finding) == {"code", "severity", "sheet", "cell", "path", "value", "message", "th", "en"}
    assert (finding["code"], finding["cell"], finding["value"]) == ("progress-decreased", "D39", 5.0)
    assert finding["message"].startswith("Cell D39") and finding["message"] == finding["en"]
    assert finding["th"].startswith("ช่อง D39")  # both languages whatever --lang: a script needs one run
    text = run("validate", bad).stdout
    assert "D39" in text and "ความก้าวหน้า" in text


def test_forms_and_demo(tmp_path: Path) -> None:
    listed = run("forms", "--forms-dir", FORMS_DIR).stdout
    assert "progress-report" in listed and "school-census" in listed
    done = run("demo", tmp_path / "demo")
    assert done.returncode == 0, done.stderr
    assert "xlsx identical and valid, ods identical and valid" in done.stdout
    assert read_filled(tmp_path / "demo" / "round-trip" / "sample.ods").data["project"]["code"] == "50360000-3553"
    from sheetsync.master import read_master

    master = read_master(tmp_path / "demo" / "master.xlsx")
    assert len(master.records) == 7  # 9 schools sent a form, 2 had errors
    # Each school reports a project of its own, with its own budget and spending: the summary's total
    # is not the sample's network budget counted once per school (7 x 180,000 baht).
    records = list(master.records.values())
    assert len({r.data["project"]["code"] for r in records}) == 7
    budgets = [r.data["project"]["budget_received"] for r in records]
    assert len(set(budgets)) > 1 and sum(budgets) < 180000 * 2
    spent = {sum(x["disbursed"] for x in r.data["reports"]) for r in records}
    assert len(spent) > 1
    assert len(list((tmp_path / "demo" / "outbox").glob("*.eml"))) == 10
    assert "0 new files" in done.stdout  # the second sync did nothing
    # Next month's templates: every school on the roster, also n74-05 (sent a PDF) and n74-06 (sent nothing).
    nxt = sorted(p.name for p in (tmp_path / "demo" / "next-month").iterdir())
    assert len(nxt) == 11 and any("n74-05" in n for n in nxt) and any("n74-06" in n for n in nxt), nxt
    assert "11 templates, one for every school on the roster" in done.stdout
    # The signature line is the school's to sign: no template the demo issues names a signer.
    issued = [*(tmp_path / "demo" / "templates").iterdir(), *(tmp_path / "demo" / "templates-ods").iterdir()]
    assert issued and not [p.name for p in issued if read_filled(p).data.get("certification", {}).get("signer")]
    # The roster the clerk opens in Excel to copy: UTF-8 with a BOM, else Excel on Windows shows its Thai
    # as mojibake (it reads a CSV without one in the ANSI code page); every name it made valid on Windows.
    from sheetsync.roster import read_roster
    from tests.windows_names import invalid_under

    roster = tmp_path / "demo" / "schools.csv"
    assert roster.read_bytes().startswith(b"\xef\xbb\xbf") and len(read_roster(roster)) == 11
    assert invalid_under(tmp_path / "demo") == {}


def _xlsm(path: Path) -> None:
    buf = io.BytesIO()
    Workbook().save(buf)
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr("xl/vbaProject.bin", b"\x00" * 64)
    path.write_bytes(buf.getvalue())


def _bad_files(tmp_path: Path, progress_form: Form, census_form: Form) -> dict[str, Path]:
    files = {}
    files["text"] = tmp_path / "notes.xlsx"
    files["text"].write_text("นี่ไม่ใช่สเปรดชีต", encoding="utf-8")
    good = tmp_path / "good.xlsx"
    write_template(progress_form, good)
    files["truncated"] = tmp_path / "cut.xlsx"
    files["truncated"].write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    files["other-form"] = tmp_path / "census.xlsx"
    write_template(census_form, files["other-form"])
    files["foreign"] = tmp_path / "budget.xlsx"
    Workbook().save(files["foreign"])
    files["xlsm"] = tmp_path / "macro.xlsx"
    _xlsm(files["xlsm"])
    return files


@pytest.mark.parametrize("kind", ["text", "truncated", "other-form", "foreign", "xlsm"])
def test_bad_file_gives_one_line_naming_it_and_exit_2(kind: str, tmp_path: Path, progress_form: Form,
                                                      census_form: Form) -> None:
    path = _bad_files(tmp_path, progress_form, census_form)[kind]
    for args in (("validate", path, "--form", "progress-report"), ("read", path)):
        done = run(*args)
        assert done.returncode == 2, (kind, args, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and path.name in lines[0], done.stderr
        assert "Traceback" not in done.stderr + done.stdout


def test_the_installed_command_runs_and_hides_tracebacks(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("no")
    plain = run_process("read", path)
    assert plain.returncode == 2 and plain.stderr.strip().splitlines() == [plain.stderr.strip()]
    assert "x.xlsx" in plain.stderr and "Traceback" not in plain.stderr
    assert "Traceback" in run_process("--debug", "read", path).stderr
    assert "Usage: python -m sheetsync" in run_process("--help").stdout


def test_unknown_output_format_is_a_usage_error(tmp_path: Path) -> None:
    done = run("template", "-o", tmp_path / "t.pdf")
    assert done.returncode == 2 and "t.pdf" not in done.stdout and "Traceback" not in done.stderr
    assert "cannot write .pdf" in done.stderr


def test_an_output_folder_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = run("template", "-o", blocker / "t.xlsx")
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "t.xlsx" in done.stderr


@pytest.mark.parametrize("encoding", ["cp1252", "cp874"])
def test_output_redirected_on_windows_keeps_thai_and_never_crashes(encoding: str, progress_form: Form,
                                                                 seed: dict[str, Any], tmp_path: Path) -> None:
    # Windows gives a redirected stream the ANSI code page (cp1252, or cp874 on Thai Windows), and
    # the README's scheduled task appends to sync.log: "✗", "→" and Thai then raised
    # UnicodeEncodeError after the work was done. The child wraps its streams as Windows would.
    seed["reports"][2]["progress_percent"] = 5.0
    path = tmp_path / "โรงเรียน.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    as_windows = (f"import io, sys; sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding={encoding!r}); "
                  f"sys.stderr = io.TextIOWrapper(sys.stderr.buffer, encoding={encoding!r}); "
                  f"sys.argv = ['sheetsync', 'validate', {str(path)!r}]; from sheetsync.cli import main; main()")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    done = subprocess.run([sys.executable, "-c", as_windows], capture_output=True, timeout=120, env=env)
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")  # a log file in UTF-8, whole
    assert "Traceback" not in out + err and "โรงเรียน.xlsx" in out and "ความก้าวหน้า" in out and "✗" in out
    # An encoding the user chose is kept; what it cannot write becomes "?", and the run still ends well.
    chosen = subprocess.run([sys.executable, "-m", "sheetsync", "validate", str(path)], capture_output=True,
                            timeout=120, env={**env, "PYTHONIOENCODING": encoding})
    assert chosen.returncode == 1 and b"Traceback" not in chosen.stdout + chosen.stderr
    assert "โรงเรียน.xlsx" in chosen.stdout.decode(encoding, "replace") or encoding == "cp1252"
