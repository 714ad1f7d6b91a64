"""Found in review: a file recorded but not moved (the run killed at
``file-recorded``, or the move refused) keeps its recorded name ``processed/report.xlsx``; when the
clerk then copies another school's report.xlsx into the inbox over it, that file is recorded under
the very same name (SetAside.name_for looks only at the folder and this run's names, not at names
the store gave files not yet moved). Two records now name one file; history points the clerk at
school s2's file for school s1's report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_office_setaside import _killed_at, _run


def test_a_file_recorded_not_moved_keeps_its_name_to_itself(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    office, inbox = tmp_path / "office", tmp_path / "office" / "inbox"
    write_template(progress_form, inbox / "report.xlsx", data=seed, recipient="s1")
    done = _killed_at("file-recorded", office)
    assert done.returncode != 0 and (inbox / "report.xlsx").exists()  # recorded, not moved
    write_template(progress_form, inbox / "report.xlsx", data=seed, recipient="s2")  # copied over it
    _run(office)
    with Store(office / "master.sqlite") as store:
        rows = store.query("SELECT name, disposition FROM files")
    assert len(rows) == 2
    assert len({tuple(r) for r in rows}) == 2, rows  # each recorded file under a name of its own
