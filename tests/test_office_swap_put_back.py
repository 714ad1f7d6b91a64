"""Found in review (SetAside._put_back): an entry put under a file's name while
the file was checked is moved into processed/ by the set-aside, found not to be the file checked,
and moved back into the inbox. When that move back is refused (on Windows an antivirus or indexer
holds a file just moved, as files.replace says), the entry stays in processed/ under the name the
store gave the file checked, yet the clerk is told it "was left in the inbox", and it is never
read: a school's newer report, copied over the old one while it was checked, is lost unseen."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

import sheetsync.office.inbox as inbox_module
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_office_inbox import run


def _report_and_newer(form: Form, seed: dict[str, Any], tmp_path: Path) -> tuple[Path, Path, str]:
    """An inbox holding s1's report.xlsx, and s1's newer report beside it (its hash too)."""
    inbox = tmp_path / "inbox"
    write_template(form, inbox / "report.xlsx", data=seed, recipient="s1")
    newer = tmp_path / "newer.xlsx"
    write_template(form, newer, data=dict(seed, project=dict(seed["project"], code="P-NEW")), recipient="s1")
    return inbox, newer, hashlib.sha256(newer.read_bytes()).hexdigest()


def test_an_entry_that_cannot_be_put_back_is_not_said_to_be_in_the_inbox_nor_lost(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, newer, newer_sha = _report_and_newer(progress_form, seed, tmp_path)
    real_name_for, real_replace = inbox_module.SetAside.name_for, inbox_module.replace

    def name_for(self: Any, path: Path, disposition: str) -> str:
        if path.name == "report.xlsx" and newer.exists():
            newer.replace(path)  # the clerk copies the school's newer file over it meanwhile
        return real_name_for(self, path, disposition)

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).parent == inbox:  # the move back into the inbox is refused (held for a moment)
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(inbox_module.SetAside, "name_for", name_for)
    monkeypatch.setattr(inbox_module, "replace", replace)
    first = run(inbox)
    said = [p for p in first.problems if "replaced by another entry" in p]
    assert said, first.problems
    where = [p for p in inbox.rglob("report*.xlsx")]
    # What the clerk is told must be where the entry is.
    assert not ("left in the inbox" in said[0] and (inbox / "processed" / "report.xlsx").exists()), (said, where)
    monkeypatch.undo()
    run(inbox)
    with Store(tmp_path / "master.sqlite") as store:
        assert store.seen(newer_sha) is not None  # the newer report is read, at the latest by the next run


@pytest.mark.parametrize("refused", [False, True])
def test_an_entry_swapped_in_during_the_move_goes_back_or_is_named_where_it_is(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        refused: bool) -> None:
    """The newer report takes the name in the instant between the last look and the move: what the
    move took is not the file checked. It goes back into the inbox (read next run); when that move
    is refused, the clerk is told where it is and to move it back, never that it is in the inbox."""
    inbox, newer, newer_sha = _report_and_newer(progress_form, seed, tmp_path)
    real_replace = inbox_module.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(src) == inbox / "report.xlsx" and newer.exists():
            newer.replace(src)  # swapped in just before the rename
        if refused and Path(dst).parent == inbox:
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(inbox_module, "replace", replace)
    first = run(inbox)
    [said] = [p for p in first.problems if p.startswith("report.xlsx: ") and "not the file checked" in p
              or "replaced by another entry" in p]
    if refused:
        assert "processed as report.xlsx" in said and "move it back into the inbox" in said
        assert not (inbox / "report.xlsx").exists()
        (inbox / "processed" / "report.xlsx").replace(inbox / "report.xlsx")  # the clerk does as told
    else:
        assert "left in the inbox as report.xlsx" in said and (inbox / "report.xlsx").exists()
    monkeypatch.undo()
    run(inbox)
    with Store(tmp_path / "master.sqlite") as store:
        assert store.seen(newer_sha) is not None
