"""What a scheduled ``sheetsync sync`` leaves in ``sync.log`` (found walking through docs/office-th.md).

Its output goes to a file (the cron and sync.cmd lines), not a terminal: rich laid the tables out at
80 columns, and a refused file's Thai detail wrapped a few letters per line, so nobody could read
the log. Off a terminal a row now stays on one line; at a terminal the table fits the terminal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import CODES, seed_data, variant

ROSTER = f"recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"


def test_the_log_of_a_sync_keeps_each_thai_detail_on_one_line(tmp_path: Path, progress_form: Form,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # as under cron or the Task Scheduler: no width is said
    office = new_office(tmp_path, ROSTER)
    data = variant(seed_data(), reports=6)
    data["reports"][2]["progress_percent"] = 1.0  # findings whose Thai details are long sentences
    data["reports"][4]["date"] = "2019-01-01"
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=data, recipient="s1")
    done = run("sync", cwd=office)
    assert done.returncode == 1, done.stdout
    rows = [line for line in done.stdout.splitlines() if line.count("│") == 6]  # the ledger's rows (5 columns)
    assert rows and all(line.split("│")[1].strip() for line in rows), done.stdout  # no row goes on below
    detail = next(line for line in rows if "s1.xlsx" in line).split("│")[5]
    for sentence in ("ข้อผิดพลาด 2 รายการ", "(ความก้าวหน้าลดลง)", "(อยู่นอกช่วงที่กำหนด)"):
        assert sentence in detail, done.stdout  # the whole Thai detail, on its row's line
    counts = [line for line in done.stdout.splitlines() if line.count("│") == 3]  # the summary's rows
    assert counts and all(line.split("│")[2].strip().isdigit() for line in counts), done.stdout


@pytest.mark.parametrize("terminal", [True, False])
def test_only_output_off_a_terminal_is_laid_out_wide(terminal: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console
    from rich.table import Table

    from sheetsync.cli.output import Wrapped, _widen_off_terminal

    monkeypatch.delenv("COLUMNS", raising=False)
    table = Table()
    table.add_column("detail")
    table.add_row(Wrapped("ข้อผิดพลาด 2 รายการ: D39 (ความก้าวหน้าลดลง) " * 4))
    console = Console(file=io.StringIO(), width=80, force_terminal=terminal)
    _widen_off_terminal(console, table)
    assert (console.width == 80) is terminal  # the clerk's terminal is left as it is
