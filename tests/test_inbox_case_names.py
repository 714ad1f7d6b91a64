"""processed/ and quarantine/ never hold two names that differ only in case: Windows sees them as one file
(an office on Linux opened from Windows over a share, or its folder copied there, loses one; see
tests/windows_names.py). A received name made safe can meet another that way: "a:b.xlsx" becomes "a_b.xlsx"
beside "A_B.xlsx". The names given to files checked were told apart so; a file moved without a name of its
own (one received twice this run, one that cannot be read, moved into quarantine/) was not.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template
from tests.windows_names import invalid_under

OPTIONS = SyncOptions(settle=0, view="never")


def _kept(inbox: Path) -> list[str]:
    return sorted(p.name for folder in ("processed", "quarantine") if (inbox / folder).is_dir()
                  for p in (inbox / folder).iterdir() if not p.name.endswith(".txt"))


def test_a_file_received_twice_is_kept_under_a_name_of_its_own_in_any_case(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_template(progress_form, inbox / "A_B.xlsx", data=seed, recipient="s1")
    shutil.copy(inbox / "A_B.xlsx", inbox / "a:b.xlsx")
    sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports", options=OPTIONS)
    assert len(_kept(inbox)) == 2 and not list(inbox.glob("*.xlsx"))
    assert invalid_under(tmp_path) == {}


def test_quarantine_tells_apart_names_that_differ_only_in_case(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "R.xlsx").write_bytes(b"not a spreadsheet, first")
    sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports", options=OPTIONS)
    (inbox / "r.xlsx").write_bytes(b"not a spreadsheet, second")
    (inbox / "r?.XLSX").write_bytes(b"not a spreadsheet, third")
    (inbox / "R_.xlsx").write_bytes(b"not a spreadsheet, fourth")
    sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports", options=OPTIONS)
    assert len(_kept(inbox)) == 4 and not list(inbox.glob("*.*"))
    assert invalid_under(tmp_path) == {}
