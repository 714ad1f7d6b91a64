"""A store written before the lunch form declared its period (``master: period``).

Its submissions are keyed by the school alone (each month replaced the one before): once the form
with a period is installed, they stayed forever as a line without a month beside the monthly lines.
The first run that uses the form with a period keys each stored version by its own month, once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sheetsync.office.store import Store
from sheetsync.office.summary import MUST_FIX, SUMMARY, UP_TO_DATE
from sheetsync.spec.form import Form
from tests.cli import run
from tests.conftest import FORMS_DIR
from tests.test_office_monthly import DEC, NOV, OCT, PERIOD, month, send
from tests.test_office_period_view import lines, view
from tests.test_office_view import rows_of


@pytest.fixture
def legacy(tmp_path: Path, lunch_by_school: Form, lunch_sample: dict[str, Any]) -> Path:
    """An office keyed by the school alone, then given the form with a period (see :func:`legacy_office`)."""
    return legacy_office(tmp_path, lunch_by_school, lunch_sample)


def legacy_office(tmp_path: Path, lunch_by_school: Form, lunch_sample: dict[str, Any]) -> Path:
    """An office that ran the lunch form before it declared its period (keyed by the school alone:
    s1's November replaced its October, s2 sent October), then installed the form with a period."""
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\n"
                      "s1,โรงเรียนวัดไทร,head@s1.example,10360001\n"
                      "s2,โรงเรียนวัดยายร่ม,head@s2.example,10360002\n", encoding="utf-8")
    folder = tmp_path / "district"
    old_forms = lunch_by_school.source.parent
    made = run("init", folder, "--form", "school-lunch", "--forms-dir", old_forms, "--roster", roster)
    assert made.returncode == 0, made.stderr
    config = folder / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                      encoding="utf-8")
    send(folder, lunch_by_school, "s1-oct.xlsx", month(lunch_sample, "ตุลาคม", 15), "s1", "ตุลาคม")
    send(folder, lunch_by_school, "s2-oct.xlsx", month(lunch_sample, "ตุลาคม", 15, school="s2"), "s2", "ตุลาคม")
    send(folder, lunch_by_school, "s1-nov.xlsx", month(lunch_sample, "พฤศจิกายน", 20), "s1", "พฤศจิกายน")
    with Store(folder / "sheetsync.sqlite") as store:
        assert sorted((s.recipient, s.key) for s in store.current()) == [("s1", "10360001"), ("s2", "10360002")]
    config.write_text(config.read_text(encoding="utf-8").replace(json.dumps(str(old_forms)),
                                                                 json.dumps(str(FORMS_DIR))), encoding="utf-8")
    assert str(FORMS_DIR) in config.read_text(encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_store_from_before_the_period_is_rekeyed_by_month(legacy: Path, lunch_form: Form,
                                                            lunch_sample: dict[str, Any], fmt: str) -> None:
    """Each stored version is keyed by its own month, once, keeping every version: October comes back
    beside November (it had been replaced), and no line is left without a month."""
    send(legacy, lunch_form, "s1-dec.xlsx", month(lunch_sample, "ธันวาคม", 18), "s1", "ธันวาคม")
    with Store(legacy / "sheetsync.sqlite") as store:
        current = sorted((s.recipient, s.key, s.file) for s in store.current())
        versions = len(store.versions())
        keys = [o.key for o in store.outcomes()]
    assert current == [("s1", f"10360001 · {OCT}", "s1-oct.xlsx"), ("s1", f"10360001 · {DEC}", "s1-dec.xlsx"),
                       ("s1", f"10360001 · {NOV}", "s1-nov.xlsx"), ("s2", f"10360002 · {OCT}", "s2-oct.xlsx")]
    assert versions == 4 and keys == [f"10360001 · {OCT}", f"10360002 · {OCT}", f"10360001 · {NOV}",
                                      f"10360001 · {DEC}"]
    assert [(who, when) for who, when, *_ in lines(view(legacy, fmt))] == [
        ("s1", OCT), ("s1", NOV), ("s1", DEC), ("s2", OCT), ("s2", DEC)]


def test_the_rekeying_is_done_by_the_first_run_and_never_again(legacy: Path) -> None:
    done = run("sync", cwd=legacy, env={"SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    summary = rows_of(legacy / "master.xlsx", SUMMARY)
    assert [(r["ผู้รายงาน"], r[PERIOD]) for r in summary] == [("s1", OCT), ("s1", NOV), ("s2", OCT), ("s2", NOV)]
    assert not list(legacy.glob("master.edited-*"))  # rendered again, not taken for a clerk's edited file
    with Store(legacy / "sheetsync.sqlite") as store:
        before = store.query("SELECT id, key FROM submissions ORDER BY id")
    again = run("sync", cwd=legacy, env={"SHEETSYNC_FORMS": ""})
    assert again.returncode == 0, again.stdout + again.stderr
    with Store(legacy / "sheetsync.sqlite") as store:
        assert store.query("SELECT id, key FROM submissions ORDER BY id") == before


def test_a_file_refused_before_the_period_has_no_line_without_a_month(lunch_form: Form,
                                                                      lunch_sample: dict[str, Any]) -> None:
    """A refused file's data is not kept, so its key cannot be given a month: it stood as a line of
    its own, without a month, 'must be fixed' for good. It names no month now, like an unreadable
    file: the school's lines show it until a later file names its month."""
    from tests.test_office_monthly import _digest, _outcome, _statuses

    october = [_digest(lunch_form, lunch_sample, "ตุลาคม")]
    refused_before = [_outcome(1, "refused", "10360001"), _outcome(2, "merged", f"10360001 · {OCT}")]
    assert _statuses(lunch_form, october, refused_before) == [(OCT, UP_TO_DATE)]
    refused_after = [_outcome(1, "merged", f"10360001 · {OCT}"), _outcome(2, "refused", "10360001")]
    assert _statuses(lunch_form, october, refused_after) == [(OCT, MUST_FIX)]
