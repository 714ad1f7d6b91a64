"""Shared fixtures: the forms, their sample data, and a real LibreOffice (see tests/libreoffice)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from sheetsync.identity import KEY_ENV
from sheetsync.spec.form import Form
from sheetsync.spec.registry import find_form
from tests.libreoffice.fixtures import libreoffice  # noqa: F401  (session fixture)

DATA = Path(__file__).parent / "data"
FORMS_DIR = DATA / "forms"
SEED = Path(__file__).parent.parent / "sheetsync" / "samples" / "progress-report.json"


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
