"""Found by a clerk writing ``[imap] since`` as Thai offices write every date, in the Buddhist Era
(``since = 2569-12-01``, the day she set it up): read as the year 2569 C.E., every message in the
mailbox was older than it, so no school's file was ever fetched, and nothing said why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheetsync.office.config import load_office, with_imap_env
from tests.cli import new_office

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,50360000-3600\n"


def _with_imap(office: Path, since: str) -> None:
    config = office / "sheetsync.toml"
    text = config.read_text(encoding="utf-8").replace(
        "[imap]\n", f'[imap]\nhost = "127.0.0.1"\nuser = "reports@bma.example"\nsince = {since}\n', 1)
    config.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("since", ["2569-12-01", '"2569-12-01"', "2026-12-01", '"2026-12-01"'])
def test_since_in_the_buddhist_era_is_the_same_day(tmp_path: Path, since: str) -> None:
    office = new_office(tmp_path, ROSTER)
    _with_imap(office, since)
    assert load_office(office).imap.since == dt.date(2026, 12, 1)


def test_sheetsync_imap_since_in_the_buddhist_era_is_the_same_day(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    office = new_office(tmp_path, ROSTER)
    _with_imap(office, "2026-11-01")
    monkeypatch.setenv("SHEETSYNC_IMAP_SINCE", "2569-12-01")
    assert with_imap_env(load_office(office)).since == dt.date(2026, 12, 1)
