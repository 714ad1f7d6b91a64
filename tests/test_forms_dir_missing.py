"""A folder of forms that is no folder (a typo in ``--forms-dir`` or ``$SHEETSYNC_FORMS``) is refused,
naming it, Thai first, exit 2.

Found walking the form author's path: ``sheetsync forms --forms-dir my-froms`` listed the bundled
forms only (exit 0), and ``template --form my-form --forms-dir my-froms`` said the form was unknown,
never that the folder was not there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run

MISSING = "ไม่พบโฟลเดอร์แบบฟอร์ม"


@pytest.mark.parametrize("args", [["forms"], ["template", "--form", "progress-report", "-o", "{tmp}/t.xlsx"],
                                  ["validate", "{tmp}/t.xlsx"], ["read", "{tmp}/t.xlsx"]])
def test_a_forms_dir_that_is_no_folder_is_named(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "my-froms"
    result = run(*[a.format(tmp=tmp_path) for a in args], "--forms-dir", missing, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith(f"sheetsync: {MISSING} {missing} (--forms-dir)")
    assert line.endswith(f"{missing}: no such folder of forms (--forms-dir)")
    assert not (tmp_path / "t.xlsx").exists() or args[0] != "template"


@pytest.mark.parametrize("command", ["forms", "sync"])
def test_sheetsync_forms_naming_no_folder_is_named(tmp_path: Path, command: str) -> None:
    result = run(command, env={"SHEETSYNC_FORMS": str(tmp_path / "gone")}, cwd=tmp_path)
    assert result.returncode == 2 and f"{MISSING} {tmp_path / 'gone'} (SHEETSYNC_FORMS)" in result.stderr


def test_a_forms_dir_that_is_a_folder_still_adds_its_forms() -> None:
    folder = Path(__file__).parent / "data" / "teacher-roster"
    result = run("forms", "--forms-dir", folder)
    assert result.returncode == 0 and result.stdout.splitlines()[0].startswith("teacher-roster\t")
