"""Each version ``sheetsync history`` lists shows its own key's data (:mod:`sheetsync.office.history`).

A version's data was the latest submission stored with its file's bytes, whatever its key: a file's bytes
stored under two keys showed the other key's data (and changes no school made). Sync never stores them
so: a file's bytes are recorded once (``record_file`` answers known bytes as already received, and sync
does not even read them again), and a period's rekeying moves a version's outcomes with it. The tests
below pin that on the real paths; the listing no longer depends on it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import typer

from sheetsync.office.history import history
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run
from tests.history_store import fill
from tests.test_master_support import at, seed_data, variant
from tests.test_office import in_office
from tests.test_office_period_rekey import legacy_office


@pytest.fixture
def legacy(tmp_path: Path, lunch_by_school: Form, lunch_sample: dict[str, Any]) -> Path:
    """An office keyed by the school alone, then given the form with a period
    (see :func:`tests.test_office_period_rekey.legacy_office`)."""
    return legacy_office(tmp_path, lunch_by_school, lunch_sample)


def test_a_file_two_keys_stored_shows_each_keys_own_data(tmp_path: Path) -> None:
    """The golden store's file stored under 50360000-3556 and 50360000-3557 (by hand): 3556's first
    version showed 3557's data, and its next version 'changed' the project's code and name."""
    with Store(tmp_path / "s.sqlite") as store:
        fill(store)
        [item] = history(store, key="50360000-3556")
        own = store.versions("s.key = ?", ("50360000-3556",))
    first, replaced = item.versions
    assert first.issued_at == own[0].issued_at and first.sha256 == own[0].sha256
    assert [c.pointer for c in replaced.changes] == ["/reports/6"]  # its seventh report, nothing else


def _keys_of_bytes(store: Store) -> set[tuple[str, int]]:
    """Each file's bytes with how many keys its outcomes and submissions name together."""
    rows = store.query("SELECT sha256, form_id, key, recipient FROM outcomes WHERE sha256 != '' UNION "
                       "SELECT sha256, form_id, key, recipient FROM submissions")
    keys: dict[str, set[tuple[str, str, str]]] = {}
    for sha, *key in rows:
        keys.setdefault(sha, set()).add(tuple(key))
    return {(sha, len(k)) for sha, k in keys.items()}


def test_the_same_file_dropped_for_two_schools_is_recorded_once(office: Path, app: typer.Typer,
                                                                 progress_form: Form) -> None:
    """s1's file, and a copy named for s2 (the roster gives both the same project code), then again a
    run later: the bytes are s1's once, the copies are 'already received'."""
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                      encoding="utf-8")
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), reports=5),
                   recipient="s1", issued=at(40))
    shutil.copy(office / "inbox" / "s1.xlsx", office / "inbox" / "s2.xlsx")
    assert in_office(app, office, "sync").exit_code == 0
    shutil.copy(office / "processed" / "s1.xlsx", office / "inbox" / "s2-again.xlsx")
    assert in_office(app, office, "sync").exit_code == 0
    with Store(office / "sheetsync.sqlite") as store:
        assert [(o.file, o.recipient) for o in store.outcomes()] == [("s1.xlsx", "s1")]
        assert {n for _, n in _keys_of_bytes(store)} == {1}
        assert [[v.file for v in h.versions] for h in history(store)] == [["s1.xlsx"]]


def test_a_period_rekeying_moves_each_file_with_its_data(legacy: Path) -> None:
    """Versions keyed by the school alone, keyed again by their month: each file's outcomes follow its
    data to its month, and each month lists its own file first, with no change."""
    done = run("sync", cwd=legacy, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    with Store(legacy / "sheetsync.sqlite") as store:
        assert {n for _, n in _keys_of_bytes(store)} == {1}
        listed = [(h.key.split(" · ")[-1], [(v.file, len(v.changes)) for v in h.versions]) for h in history(store)]
    assert sorted(listed) == [("ตุลาคม", [("s1-oct.xlsx", 0)]), ("ตุลาคม", [("s2-oct.xlsx", 0)]),
                              ("พฤศจิกายน", [("s1-nov.xlsx", 0)])]
