"""``sheetsync template … --email`` typed again the same day queued nothing, yet said "เตรียมอีเมล 0 ฉบับไว้ใน
… แล้ว จะส่งเมื่อสั่ง sheetsync sync --send" (queued 0 messages; the next sync --send sends them): the
clerk ran ``sync --send`` for e-mails that were not there. With nothing queued it says so, and sends no one
to ``sync --send``."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sheetsync.messages import both

ROSTER = ("recipient_id,school_name,email,project_code,network\n"
          "n73-01,โรงเรียนวัดโพธิ์ทอง,n73-01@example.org,50360000-3600,73\n"
          "n73-02,โรงเรียนวัดสุทธิ,n73-02@example.org,50360000-3601,73\n")


@pytest.fixture
def app() -> typer.Typer:
    from sheetsync.cli import app as sheetsync_app

    return sheetsync_app


@pytest.fixture
def office(app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An office as the guide's steps 3 and 4 leave it: a roster, and ``[mail] from`` set (the office's cwd)."""
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    folder = tmp_path / "district-73"
    made = CliRunner().invoke(app, ["init", str(folder), "--roster", str(tmp_path / "schools.csv")])
    assert made.exit_code == 0, made.output
    settings = folder / "sheetsync.toml"
    text = settings.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"', 1)
    settings.write_text(text, encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def _invite(app: typer.Typer) -> str:
    done = CliRunner().invoke(app, ["template", "--roster", "roster.csv", "-o", "templates/", "--email"])
    assert done.exit_code == 0, done.output
    return done.output


def test_the_first_run_queues_and_says_how_to_send(app: typer.Typer, office: Path) -> None:
    out = _invite(app)
    assert "เตรียมอีเมล 2 ฉบับ" in out and "sheetsync sync --send" in out
    assert len(list((office / "outbox").glob("*.eml"))) == 2


def test_typed_again_it_says_nothing_was_queued(app: typer.Typer, office: Path) -> None:
    _invite(app)
    again = _invite(app)
    assert "เตรียมอีเมล 0 ฉบับ" not in again and "queued 0 message(s)" not in again
    assert both("template.queued-none") in again
    assert again.index("ข้าม 2 โรงเรียน") < again.index(both("template.queued-none"))  # the why comes first
    assert len(list((office / "outbox").glob("*.eml"))) == 2
