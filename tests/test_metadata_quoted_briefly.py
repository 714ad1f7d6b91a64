"""What the hidden metadata sheet says is quoted briefly in a refusal, as a cell's value is.

Found by attack7: a form id of 30,000 characters (or a version of 5,000 digits) typed into the
unhidden ``_sheetsync`` sheet came back whole in the one line naming the file: 30 KB on the clerk's
terminal, in ``quarantine/*.txt`` and in the run's table. The metadata is as untrusted as any cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheetsync.identity import META_SHEET
from sheetsync.limits import MAX_SHOWN_TEXT
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run


@pytest.mark.parametrize(("cell", "value"), [("B1", "x" * 30_000), ("B1", "progress-report" + "x" * 30_000),
                                             ("B2", "9" * 5_000 + ".0.0")], ids=["form-id", "form-id-like", "version"])
def test_a_refusal_quotes_the_metadata_briefly(tmp_path: Path, progress_form: Form, seed: dict[str, Any],
                                               cell: str, value: str) -> None:
    path = tmp_path / "s1.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    wb = load_workbook(path)
    wb[META_SHEET][cell].value = value
    wb.save(path)
    done = run("validate", "--form", "progress-report", path)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "s1.xlsx" in line and len(line) < 4 * MAX_SHOWN_TEXT + 400, len(line)
