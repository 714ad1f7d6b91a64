"""Names shown to people (a file's name as the school sent it, a sheet's name) hold no direction
controls: a U+202E in "list\u202etxt.exe" showed the rest of the line written backwards, in the
terminal, the reports and the e-mail. The name on disk keeps them (it is the school's file)."""

from __future__ import annotations

import email
import email.policy
import shutil
from pathlib import Path

import openpyxl

from sheetsync.text import BIDI_CONTROLS, shown_name
from tests.cli import run
from tests.data.hostile.names import BIDI_NAME


def test_a_shown_name_drops_direction_controls_and_pictures_others() -> None:
    assert shown_name("a\u202ab\u202bc\u202cd\u202de\u202ef\u2066g\u2067h\u2068i\u2069j") == "abcdefghij"
    assert shown_name("x\x1b[2J.xlsx") == "x␛[2J.xlsx" and shown_name("แบบรายงาน") == "แบบรายงาน"


def _bidi_named(corpus: dict[str, Path], tmp_path: Path) -> Path:
    """The file with a sheet the school added under a name holding U+202E, itself so named."""
    path = tmp_path / f"{BIDI_NAME}.ods"
    shutil.copy(corpus["bidi-sheet-name-ods"], path)
    return path


def test_validate_shows_names_without_direction_controls(corpus: dict[str, Path], tmp_path: Path) -> None:
    path = _bidi_named(corpus, tmp_path)
    reports, outbox = tmp_path / "reports", tmp_path / "outbox"
    done = run("validate", path, "--report-dir", reports, "--email", "--to", "head@s01.example", "--outbox", outbox,
               env={"SHEETSYNC_MAIL_FROM": "office@bma.example"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert shown_name(path.name) in done.stdout and f"[{shown_name(BIDI_NAME)}]" in done.stdout
    assert not BIDI_CONTROLS.search(done.stdout + done.stderr)
    for report in [*reports.glob("*.txt"), *reports.glob("*.html"), reports / "summary.csv"]:
        text = report.read_text(encoding="utf-8")
        assert not BIDI_CONTROLS.search(text), report.name
    summary = openpyxl.load_workbook(reports / "summary.xlsx").active
    assert summary is not None and summary["A2"].value == shown_name(path.name)
    sent = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in outbox.glob("*.eml")]
    assert any("head@s01.example" in str(m["To"]) for m in sent)
    for message in sent:  # the school's reply and the office's digest
        for kind in ("plain", "html"):
            body = message.get_body((kind,)).get_content()
            assert not BIDI_CONTROLS.search(body), (message["To"], kind)
            if "head@s01.example" in str(message["To"]):
                assert shown_name(BIDI_NAME) in body, kind
    assert path.exists()  # the school's file keeps its name


def test_a_refusal_names_the_file_without_direction_controls(corpus: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / f"{BIDI_NAME}.ods"
    shutil.copy(corpus["meta-sheet-twice-ods"], path)
    done = run("validate", path)
    assert done.returncode == 2 and shown_name(path.name) in done.stderr
    assert not BIDI_CONTROLS.search(done.stdout + done.stderr)


def test_merge_shows_the_file_name_without_direction_controls(corpus: dict[str, Path], tmp_path: Path) -> None:
    done = run("merge", corpus["bidi-file-name-xlsx"], "--master", tmp_path / "m.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not BIDI_CONTROLS.search(done.stdout + done.stderr) and "listtxt.exe" in done.stdout
