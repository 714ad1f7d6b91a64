"""Inside an office, ``template --roster`` (or ``--from-master``) without ``-o`` writes into the office's
templates folder (``[paths] templates`` in sheetsync.toml, ``templates`` by default), the folder the
commands the office suggests name; outside an office, ``-o`` is still needed, said Thai first."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sheetsync.check.reader import read_filled


def test_template_for_the_roster_goes_into_the_office_s_templates_folder(
        office: Path, app: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(office)
    result = CliRunner().invoke(app, ["template", "--roster", "roster.csv"])
    assert result.exit_code == 0, result.output
    made = sorted((office / "templates").glob("*.xlsx"))
    assert len(made) == 2
    assert {read_filled(p).metadata["recipient"] for p in made} == {"s1", "s2"}


def test_the_templates_folder_follows_the_office_s_settings(
        office: Path, app: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = office / "sheetsync.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('templates = "templates"', 'templates = "แบบรายงาน 2569"'), encoding="utf-8")
    monkeypatch.chdir(office)
    result = CliRunner().invoke(app, ["template", "--roster", "roster.csv"])
    assert result.exit_code == 0, result.output
    assert len(list((office / "แบบรายงาน 2569").glob("*.xlsx"))) == 2


def test_outside_an_office_the_output_is_still_needed(tmp_path: Path, app: typer.Typer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "schools.csv").write_text("recipient_id,school_name,email\ns1,โรงเรียนหนึ่ง,a@s1.example\n",
                                          encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (["template", "--roster", "schools.csv"], ["template"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "-o" in result.output and "ต้อง" in result.output
        assert "Traceback" not in result.output
