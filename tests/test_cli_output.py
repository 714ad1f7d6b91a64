"""What the commands write to a log, a pipe or a narrow terminal (:mod:`sheetsync.cli.output`).

Found by a clerk's walk through the README: the scheduled ``sync`` put a blank line in its log every
run, ``| head`` ended in "sheetsync: Broken pipe", and an 80-column terminal showed Thai vowels cut
off their letters in the ``sync`` table.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from rich.console import Console

from sheetsync.master import merge
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from sheetsync.text import clusters
from tests.test_master_support import seed_data, submit, variant
from tests.test_office import in_office

ROOT = Path(__file__).resolve().parent.parent


def test_a_quiet_sync_writes_its_one_line_and_no_blank_line(office: Path, app: typer.Typer) -> None:
    # stdout is not a terminal here, as in the scheduled run appending to sync.log: rich's progress
    # display still ended with an empty line before "nothing new".
    done = in_office(app, office, "sync")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == ["sheetsync sync: ไม่มีไฟล์ใหม่ / nothing new"]


def child(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``python -m sheetsync`` of this checkout, its stdout a real pipe we read from."""
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    return subprocess.Popen([sys.executable, "-m", "sheetsync", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**environ, **(env or {})})


def read_a_little_then_close(process: subprocess.Popen[bytes], size: int) -> tuple[int, str]:
    """Read ``size`` bytes and close the pipe, as ``head -c`` does; the child's code and stderr.

    The child writes far more than a pipe holds (64 KiB), so it is still writing when we close.
    """
    with process:
        assert process.stdout is not None and process.stderr is not None
        head = process.stdout.read(size)
        assert len(head) == size
        process.stdout.close()
        stderr = process.stderr.read().decode("utf-8")
        return process.wait(timeout=300), stderr


def test_validate_piped_into_head_ends_quietly_with_its_own_code(progress_form: Form, tmp_path: Path) -> None:
    seed = seed_data()
    seed["reports"][2]["progress_percent"] = 5.0  # one error: the batch is invalid (exit code 1)
    bad = tmp_path / "bad.xlsx"
    write_template(progress_form, bad, data=seed)
    code, stderr = read_a_little_then_close(child("validate", "--format", "json", *[bad] * 200), 100)
    assert stderr == ""  # was "sheetsync: Broken pipe", and exit code 3
    assert code == 1  # every file was still checked: the code still says the batch is invalid


def test_a_long_outbox_listed_into_head_ends_quietly(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    for n in range(800):
        (outbox / f"{n:06d}-s{n}.eml").write_text(
            f"From: office@example.org\nTo: s{n}@example.org\nSubject: ผลการตรวจสอบแบบรายงาน โรงเรียนที่ {n}\n\n"
            "ผ่านการตรวจสอบ\n", encoding="utf-8")
    code, stderr = read_a_little_then_close(child("mail", str(outbox)), 200)
    assert (code, stderr) == (0, "")


def continues_a_letter(ch: str) -> bool:
    """A character that must not start a line: a combining mark (Mn, Mc, Me) or Thai SARA AM."""
    return len(clusters("ก" + ch)) == 1


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Any:
    """A merge whose table has long Thai details: files refused for several findings each."""
    folder = tmp_path_factory.mktemp("narrow")
    paths = []
    for n in (1, 2):
        data = variant(seed_data(), code=f"50360000-41{n:02d}", reports=6)
        data["reports"][2]["progress_percent"] = 1.0
        data["reports"][4]["date"] = "2019-01-01"
        data["project"]["budget_used"] = 99999999
        paths.append(submit(progress_form, folder, data, f"s{n}"))
    result = merge(paths, folder / "master.xlsx", period="2020-03")
    assert any(len(o.detail) > 100 and "ำ" in o.detail for o in result.outcomes), result.outcomes
    return result


@pytest.mark.parametrize("width", range(30, 121))
def test_the_table_never_wraps_a_thai_letter_away_from_its_marks(refused: Any, width: int) -> None:
    from sheetsync.cli.master import render_table

    console = Console(width=width, file=io.StringIO(), record=True, soft_wrap=True)
    console.print(render_table(refused))
    text = console.export_text()
    for line in text.splitlines():
        for cell in line.split("│")[1:-1]:
            cell = cell[1:]  # the cell's left padding
            assert not (cell and continues_a_letter(cell[0])), f"{width} columns: {cell!r}\n{text}"
    details = "".join(line.split("│")[5] for line in text.splitlines() if line.count("│") == 6)
    printed = "".join(details.split())
    for outcome in refused.outcomes:  # nothing lost in the wrapping
        assert "".join(outcome.detail.split()) in printed


def test_the_sync_table_on_an_80_column_terminal(refused: Any) -> None:
    from typer.testing import CliRunner

    from sheetsync.cli import app as sheetsync_app

    files = [str(o.path) for o in refused.outcomes]
    done = CliRunner().invoke(sheetsync_app, ["merge", *files, "--master", str(files[0] + ".master.xlsx")],
                              env={"COLUMNS": "80"})
    lines = [cell[1:] for line in done.stdout.splitlines() for cell in line.split("│")[1:-1]]
    assert any("ประมาณ" in cell for cell in lines), done.stdout  # the details are in the table
    assert not [cell for cell in lines if cell and continues_a_letter(cell[0])], done.stdout
