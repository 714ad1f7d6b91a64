"""A run that does not render the master says why: the office asked it not to (view = never), or the
store is larger than auto renders (it said "more than 5,000 keys" for an office set to never)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import sheetsync.sync
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from tests.test_office_inbox import school_file


@pytest.mark.parametrize("view, english", [
    ("never", "master.xlsx was not rendered again (view is never): run sheetsync master to update it"),
    ("auto", "master.xlsx was not rendered again (the store holds more than 0 keys): run sheetsync master to update it"),
])
def test_the_reason_a_view_is_not_rendered(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch, view: str, english: str) -> None:
    monkeypatch.setattr(sheetsync.sync, "RENDER_AUTO_KEYS", 0)  # auto: any store is "large"
    inbox = tmp_path / "inbox"
    school_file(progress_form, seed, inbox / "s1.xlsx")
    done = sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports",
                options=SyncOptions(settle=0, view=view))
    assert [(o.path.name, o.result) for o in done.outcomes()] == [("s1.xlsx", "merged")]
    said = [p for p in done.problems if "master.xlsx" in p]
    assert len(said) == 1 and said[0].endswith(f" / {english}") and not (tmp_path / "master.xlsx").exists()
