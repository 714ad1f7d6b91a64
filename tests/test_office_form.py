"""An office whose form is not the progress report: a form kept in a folder of forms, no Python.

The census (``tests/data/forms/school-census.*``) stands for any form an office adds itself.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from sheetsync.check.reader import read_filled
from tests.cli import run
from tests.conftest import FORMS_DIR

ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,head@s1.example,103601\n"
          "s2,โรงเรียนวัดยายร่ม,head@s2.example,103602\n")


def census_office(tmp_path: Path) -> Path:
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    folder = tmp_path / "district"
    made = run("init", folder, "--form", "school-census", "--forms-dir", FORMS_DIR, "--roster", roster)
    assert made.returncode == 0, made.stderr
    return folder


def test_init_keeps_the_folder_of_forms_in_the_configuration(tmp_path: Path) -> None:
    config = tomllib.loads((census_office(tmp_path) / "sheetsync.toml").read_text(encoding="utf-8"))
    assert config["form"] == "school-census"
    assert config["paths"]["forms"] == [FORMS_DIR.resolve().as_posix()]


def test_a_folder_of_forms_inside_the_office_moves_with_it(tmp_path: Path) -> None:
    """Written absolute, the office's own forms folder was lost when the office was copied to another
    computer or drive; inside the office it is kept relative, as the configuration's other paths."""
    folder = tmp_path / "district"
    (folder / "forms").mkdir(parents=True)
    for name in ("school-census.yaml", "school-census.schema.json"):
        (folder / "forms" / name).write_bytes((FORMS_DIR / name).read_bytes())
    assert run("init", folder, "--form", "school-census", "--forms-dir", folder / "forms").returncode == 0
    config = tomllib.loads((folder / "sheetsync.toml").read_text(encoding="utf-8"))
    assert config["paths"]["forms"] == ["forms"]
    moved = folder.rename(tmp_path / "district-copy")
    wrote = run("template", "-o", "blank.xlsx", cwd=moved, env={"SHEETSYNC_FORMS": ""})
    assert wrote.returncode == 0, wrote.stderr
    assert read_filled(moved / "blank.xlsx", forms_dirs=[moved / "forms"]).form.id == "school-census"


def test_template_read_and_validate_in_the_office_use_its_form(tmp_path: Path) -> None:
    office = census_office(tmp_path)
    env = {"SHEETSYNC_FORMS": ""}  # nothing from the environment: the office's configuration alone
    wrote = run("template", "--roster", "roster.csv", "-o", "templates", cwd=office, env=env)
    assert wrote.returncode == 0, wrote.stderr
    first = sorted((office / "templates").iterdir())[0]
    filled = read_filled(first, forms_dirs=[FORMS_DIR])
    assert filled.form.id == "school-census"
    assert filled.data == {"school": {"code": "103601"}}  # the roster's code, at the form's key
    read = run("read", first, cwd=office, env=env)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == {"school": {"code": "103601"}}
    checked = run("validate", first, "--format", "json", cwd=office, env=env)
    assert checked.returncode == 1, checked.stderr  # an empty census: invalid, but read and checked
    assert {f["code"] for f in json.loads(checked.stdout)[0]["findings"]} == {"required"}


def test_an_explicit_form_still_wins_in_an_office(tmp_path: Path) -> None:
    office = census_office(tmp_path)
    wrote = run("template", "--form", "progress-report", "-o", "t.xlsx", cwd=office)
    assert wrote.returncode == 0, wrote.stderr
    assert read_filled(office / "t.xlsx").form.id == "progress-report"
    assert os.path.exists(office / "t.xlsx")


def test_templates_of_the_offices_own_form_are_e_mailed(tmp_path: Path) -> None:
    """``template --roster … --email`` wrote the templates, then failed on the first e-mail ('no form
    school-census (known forms: progress-report)', exit 2): the invitation read each template back
    without the office's folder of forms."""
    office = census_office(tmp_path)
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"', 1),
                      encoding="utf-8")
    env = {"SHEETSYNC_FORMS": ""}
    wrote = run("template", "--roster", "roster.csv", "-o", "templates", "--email", cwd=office, env=env)
    assert wrote.returncode == 0, wrote.stderr
    assert len(list((office / "outbox").glob("*.eml"))) == 2


@pytest.mark.parametrize("layout", ["school-lunch.yaml", "lunch-2568.yaml"])
def test_templates_of_a_form_given_by_its_layouts_path_are_e_mailed(tmp_path: Path, layout: str) -> None:
    """``--form lay/school-lunch.yaml --roster … --email`` wrote the templates, then could not read them
    back to mail them ("no form 'school-lunch'", exit 2, nothing queued); so did a layout whose file
    is not named after its id."""
    lay = tmp_path / "lay"
    lay.mkdir()
    (lay / layout).write_bytes((FORMS_DIR / "school-lunch.yaml").read_bytes())
    (lay / "school-lunch.schema.json").write_bytes((FORMS_DIR / "school-lunch.schema.json").read_bytes())
    roster = tmp_path / "roster.csv"
    roster.write_text("recipient_id,school_name,email,project_code\ns01,โรงเรียนวัดไทร,a@example.org,10360001\n",
                      encoding="utf-8")
    done = run("template", "--form", lay / layout, "--roster", roster, "-o", tmp_path / "out", "--email",
               "--outbox", tmp_path / "outbox", env={"SHEETSYNC_MAIL_FROM": "office@example.org", "SHEETSYNC_FORMS": ""})
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
