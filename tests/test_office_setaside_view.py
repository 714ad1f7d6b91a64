"""Found in review: a file set aside late under another name than the
one recorded made the store forget every rendered view (``DELETE FROM views``), so the next render
took the office's own, never-edited master for one a clerk had edited and moved it aside."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_office_setaside import _refuse_moves, _run


def test_a_late_set_aside_under_another_name_does_not_make_the_master_look_edited(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office, inbox = tmp_path / "office", tmp_path / "office" / "inbox"
    write_template(progress_form, inbox / "report.xlsx", data=seed, recipient="s1")
    refusing = [True]
    _refuse_moves(monkeypatch, refusing)
    first = _run(office)  # recorded as processed/report.xlsx, the move refused (open in Excel)
    assert first.view is not None and (office / "master.xlsx").exists()
    # Meanwhile the recorded name is taken (someone put a link there, or a file by hand).
    (inbox / "processed").mkdir(parents=True, exist_ok=True)
    os.symlink(tmp_path / "elsewhere", inbox / "processed" / "report.xlsx")
    refusing[0] = False
    later = _run(office)  # sets the file aside late, as report-2.xlsx
    assert (inbox / "processed" / "report-2.xlsx").is_file()
    # Nobody touched master.xlsx: it must not be reported as edited and moved aside.
    assert later.view is None or later.view.kept_aside is None, later.view
    assert not list(office.glob("master.edited-*"))
