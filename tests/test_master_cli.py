"""The ``merge`` command, registered on an app the way :mod:`sheetsync.cli` does it."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sheetsync.cli.master import register
from sheetsync.demo import broken_sample
from sheetsync.spec.form import Form
from sheetsync.master import read_master
from sheetsync.office.lock import run_lock
from sheetsync.office.store import Store
from tests.test_master_support import seed_data, submit


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.callback()
    def main() -> None:  # a callback keeps "merge" a subcommand, as in the real CLI
        """sheetsync (test app)."""

    register(app)
    return app


def test_merge_prints_a_table_and_exits_0(app: typer.Typer, progress_form: Form, tmp_path: Path) -> None:
    path = submit(progress_form, tmp_path, seed_data(), "s1")
    master = tmp_path / "master.xlsx"
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email\ns1,โรงเรียนวัดไทร,s1@example.invalid\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["merge", str(path), "--master", str(master), "--today", "2020-05-10",
                                      "--roster", str(roster)])
    assert result.exit_code == 0, result.output
    assert "merged" in result.output and "s1" in result.output
    assert "master.xlsx: 1 merged; written" in result.output
    assert len(read_master(master).records) == 1 and read_master(master).roster[0].school == "โรงเรียนวัดไทร"
    again = CliRunner().invoke(app, ["merge", str(path), "--master", str(master)])
    assert again.exit_code == 0 and "1 unchanged; nothing new, the master was not changed" in again.output


def test_refused_files_set_the_exit_code(app: typer.Typer, progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    bad = submit(progress_form, tmp_path, broken_sample(seed_data()), "s1")
    result = CliRunner().invoke(app, ["merge", str(bad), "--master", str(master)])
    assert result.exit_code == 1 and "refused" in result.output
    junk = tmp_path / "junk.xlsx"
    junk.write_text("no", encoding="utf-8")
    assert CliRunner().invoke(app, ["merge", str(junk), "--master", str(master)]).exit_code == 2


def test_a_locked_master_is_one_clear_line_and_exit_3(app: typer.Typer, progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    path = submit(progress_form, tmp_path, seed_data(), "s1")
    with Store(master.with_suffix(".sqlite")) as store, run_lock(store, "sync"):
        result = CliRunner().invoke(app, ["merge", str(path), "--master", str(master), "--wait", "0"])
    assert result.exit_code == 3
    assert "is working on this office; try again when it has finished" in result.output
    assert "'sync' (pid" in result.output


def test_the_table_of_files_is_thai_first() -> None:
    """A clerk who reads no English read 'merged', 'refused', 'quarantined' under 'file', 'result'."""
    from io import StringIO

    from rich.console import Console

    from sheetsync.cli.master import render_table
    from sheetsync.master.model import Key, MergeResult, Outcome

    outcomes = [Outcome(Path("s1.xlsx"), "merged", "new", Key("f", "p1", "s1"), "a" * 64, "new"),
                Outcome(Path("scan.pdf"), "quarantined", "unreadable", None, "b" * 64, "not a spreadsheet")]
    out = StringIO()
    Console(file=out, width=160).print(render_table(MergeResult(Path("master.xlsx"), outcomes, written=True)))
    text = out.getvalue()
    for words in ("ไฟล์ / file", "ผล / result", "ผู้รายงาน / recipient", "รวมแล้ว / merged",
                  "เปิดไม่ได้ (แยกเก็บ) / quarantined"):
        assert words in text
