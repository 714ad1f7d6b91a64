"""Shared fixtures: the forms, their sample data, and a real LibreOffice (see tests/libreoffice)."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest
import typer
from typer.testing import CliRunner

from sheetsync.check import opener
from sheetsync.formats.bounded import Bounds
from sheetsync.identity import KEY_ENV
from sheetsync.spec.form import Form
from sheetsync.spec.registry import find_form
from sheetsync.template.write import write_template
from tests.imap_server import Dovecot, Mailbox, require_servers, start_dovecot, stop_dovecot

if TYPE_CHECKING:
    from tests.test_mail_smtp import Server

# The session's LibreOffice (the `libreoffice` fixture), found by every module without an import.
pytest_plugins = ["tests.libreoffice.fixtures"]

DATA = Path(__file__).parent / "data"
FORMS_DIR = DATA / "forms"
SEED = Path(__file__).parent.parent / "sheetsync" / "samples" / "progress-report.json"
OFFICE_ROSTER = ("recipient_id,school_name,email,project_code,network\n"
                 "s1,โรงเรียนวัดไทร,head@s1.example,50360000-3553,73\n"
                 "s2,โรงเรียนวัดยายร่ม,head@s2.example,50360000-3553,74\n")


@pytest.fixture(scope="session", autouse=True)
def office_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One office key for the whole session (never the user's own): every template written in the
    session is signed with it, and every validation (in-process or in a subprocess) checks it."""
    path = tmp_path_factory.mktemp("office") / "office.key"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_ENV, str(path))
        yield path


@pytest.fixture(scope="session")
def progress_form() -> Form:
    """The BMA progress report, as shipped."""
    return find_form("progress-report")


@pytest.fixture(scope="session")
def census_form() -> Form:
    """The small second form that lives only in tests/data/forms (no Python of its own)."""
    return find_form("school-census", [FORMS_DIR])


@pytest.fixture(scope="session")
def lunch_form() -> Form:
    """A third form written by a tester from its layout and schema alone (a monthly school-lunch report)."""
    return find_form("school-lunch", [FORMS_DIR])


@pytest.fixture(scope="session")
def lunch_by_school(tmp_path_factory: pytest.TempPathFactory) -> Form:
    """The lunch form as it was before it declared its period: keyed by the school alone (one line per
    school, each month replacing the last), for the rules of a form filled anew without a period."""
    from sheetsync.spec.form import load_form

    folder = tmp_path_factory.mktemp("lunch-by-school")
    text = (FORMS_DIR / "school-lunch.yaml").read_text(encoding="utf-8")
    period = "  period: [/period/fiscal_year, /period/month]\n"
    assert period in text
    (folder / "school-lunch.yaml").write_text(text.replace(period, ""), encoding="utf-8")
    (folder / "school-lunch.schema.json").write_bytes((FORMS_DIR / "school-lunch.schema.json").read_bytes())
    return load_form(folder / "school-lunch.yaml")


@pytest.fixture
def lunch_sample() -> dict[str, Any]:
    """Valid data of the school-lunch form: three grades, 61,600 of 100,000 baht spent (a fresh copy per test)."""
    return json.loads((DATA / "school-lunch.sample.json").read_text(encoding="utf-8"))


@pytest.fixture
def seed() -> dict[str, Any]:
    """The seed's filled form with all 7 reports (a fresh copy per test)."""
    return copy.deepcopy(json.loads(SEED.read_text(encoding="utf-8")))


@pytest.fixture
def census_sample() -> dict[str, Any]:
    """Sample data of the second form."""
    return json.loads((DATA / "school-census.sample.json").read_text(encoding="utf-8"))


@pytest.fixture(params=["progress-report", "school-census"])
def any_form(request: pytest.FixtureRequest, progress_form: Form, census_form: Form, seed: dict[str, Any],
             census_sample: dict[str, Any]) -> tuple[Form, dict[str, Any]]:
    """Each form with its sample data: every generic test runs on both."""
    if request.param == "progress-report":
        return progress_form, seed
    return census_form, census_sample


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The hostile corpus (tests/data/hostile/build.py), built once per session: {case: file}."""
    from tests.data.hostile.build import build

    return build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One Dovecot for the whole session (skips or fails as :func:`require_servers` says)."""
    require_servers()
    server = start_dovecot()
    try:
        yield server
    finally:
        stop_dovecot(server)


@pytest.fixture
def mailbox(dovecot: Dovecot) -> Mailbox:
    """A fresh, empty mailbox user for this test."""
    user = f"office-{uuid.uuid4().hex[:10]}"
    dovecot.add_user(user)
    return Mailbox(dovecot, user)


@pytest.fixture
def smtp() -> Iterator[Server]:
    """A plain SMTP server on 127.0.0.1 collecting every message."""
    from tests.test_mail_smtp import run_server

    yield from run_server()


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """A plain SMTP server on 127.0.0.1 collecting every message."""
    from tests.test_mail_smtp import run_server

    yield from run_server()


@pytest.fixture
def app() -> typer.Typer:
    """The `sheetsync` command line, for typer's CliRunner."""
    from sheetsync.cli import app as sheetsync_app

    return sheetsync_app


@pytest.fixture
def office(app: typer.Typer, tmp_path: Path) -> Path:
    """An office made with `sheetsync init` for two schools (a module may define its own `office`)."""
    roster = tmp_path / "schools.csv"
    roster.write_text(OFFICE_ROSTER, encoding="utf-8")
    folder = tmp_path / "district"
    result = CliRunner().invoke(app, ["init", str(folder), "--roster", str(roster)])
    assert result.exit_code == 0, result.output
    assert "next steps" in result.output and "sheetsync sync" in result.output
    return folder


@pytest.fixture
def good(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> bytes:
    """A valid progress report of school s1, as the bytes of an .xlsx."""
    path = tmp_path / "made" / "good.xlsx"
    write_template(progress_form, path, data=seed, recipient="s1")
    return path.read_bytes()


@pytest.fixture
def clipped(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Bounds]]:
    """The bounds of every clipping copy made while reading."""
    calls: list[dict[str, Bounds]] = []
    real = opener.bounded_copy

    def spy(path: Path, fmt: str, bounds: dict[str, Bounds], *archive: Any) -> Any:
        calls.append(bounds)
        return real(path, fmt, bounds, *archive)  # the archive the guard checked, over the bytes it read
    monkeypatch.setattr(opener, "bounded_copy", spy)
    return calls
