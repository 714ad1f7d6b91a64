"""The scheduled ``sync`` where Python cannot name Thai files: not in UTF-8 mode (``PYTHONUTF8=0``) under
the POSIX locale, its file names are ASCII (each Thai byte an escape no log, store or report can write)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_master_support import at, seed_data, variant

ROOT = Path(__file__).resolve().parent.parent
THAI = "โรงเรียนวัดไทร"


def ascii_locale(*args: str | Path, cwd: Path, **more: str) -> subprocess.CompletedProcess[str]:
    """``python -m sheetsync ARGS`` in a bare POSIX locale with UTF-8 mode off (its output read as UTF-8)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "PYTHONUTF8": "0",
           "LC_ALL": "POSIX", **more}
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, env=env,
                          cwd=cwd, timeout=300, encoding="utf-8", errors="backslashreplace")


@pytest.mark.skipif(os.name == "nt", reason="Windows names files in UTF-16 whatever the locale")
def test_a_thai_file_name_is_taken_in_an_ascii_locale(office: Path, app: typer.Typer, progress_form: Form) -> None:
    # Every run ended in "--- Logging error ---" and a traceback: the report's name (-ตรวจแล้ว) could not
    # be made, and the log could not write the file's name; the file stayed in the inbox for ever.
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                      encoding="utf-8")
    bad = variant(seed_data(), reports=5)
    bad["reports"][2]["progress_percent"] = 5.0  # an error: its marked-up copy is written too
    write_template(progress_form, office / "inbox" / f"{THAI}.xlsx", data=bad, recipient="s1", issued=at(40))
    (office / "inbox" / "ใบปะหน้า.pdf").write_bytes(b"%PDF-1.4")  # set aside, named on the terminal
    done = ascii_locale("sync", cwd=office)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "Logging error" not in done.stderr, done.stderr
    assert "ใบปะหน้า.pdf" in done.stdout + done.stderr
    assert (office / "processed" / f"{THAI}.xlsx").exists() and not any((office / "inbox").iterdir())
    assert (office / "reports" / f"{THAI}-ตรวจแล้ว.xlsx").exists()
    history = ascii_locale("history", cwd=office)  # the store has the name as the school wrote it
    assert history.returncode == 0 and f"{THAI}.xlsx" in history.stdout, history.stderr


def test_the_log_writes_a_name_it_cannot_encode_escaped(tmp_path: Path) -> None:
    # A name Python decoded with escapes (surrogates) stopped the log's line: "--- Logging error ---".
    from sheetsync.sync import LOG, _log_to

    name = os.fsdecode(THAI.encode("utf-8")) if sys.getfilesystemencoding() == "ascii" else "\udce0\udcb8"
    handler = _log_to(tmp_path / "sheetsync.log")
    try:
        LOG.error("internal error while checking %s", Path(name))
    finally:
        LOG.removeHandler(handler)
        handler.close()
    assert "internal error while checking \\udce0\\udcb8" in (tmp_path / "sheetsync.log").read_text(encoding="utf-8")


@pytest.mark.skipif(os.name == "nt", reason="Windows names files in UTF-16 whatever the locale")
def test_a_stream_without_thai_names_the_file_escaped(tmp_path: Path) -> None:
    # An error line on a stream that cannot write Thai (here an encoding chosen without it; click itself
    # writes UTF-8 to an ASCII one) named the file "??????????????.xlsx": it is escaped instead, so
    # whoever helps can tell which file it is.
    junk = tmp_path / f"{THAI}.xlsx"
    junk.write_bytes(b"not a spreadsheet")
    done = ascii_locale("validate", junk, cwd=tmp_path, PYTHONIOENCODING="latin-1")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert THAI.encode("ascii", "backslashreplace").decode("ascii") + ".xlsx" in done.stderr, done.stderr
