"""Files of an earlier major version of a form are read with the layout they were made from.

Version 2 of the progress report gave the rationale four rows, so every cell below row 12 moved
down by three. Templates issued before that are still in schools' hands; their files must be read
at their own cells (``templates/progress-report@1.yaml``), not refused and not misread. Version 3
made each network's schools a plain cell (C25:C28, which Calc and Excel grow to what is typed) and
moved its budget from F:G to D:E; version 2's files are read with ``progress-report@2.yaml``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from openpyxl import load_workbook

from sheetsync.check.reader import read_filled
from sheetsync.check.validate import validate
from sheetsync.errors import UnknownFormError
from sheetsync.identity import META_SHEET
from sheetsync.master import read_master
from sheetsync.spec.form import Form
from sheetsync.spec.registry import bundled_dir, find_earlier_version, list_forms
from sheetsync.template.markup import write_marked_up
from sheetsync.template.write import write_template
from tests.test_master_support import at, seed_data, variant
from tests.test_office import in_office



@pytest.fixture
def version_1() -> Form:
    form = find_earlier_version("progress-report", 1)
    assert form is not None and form.version == "1.0.0"
    return form


def test_the_kept_layout_is_version_1_with_the_old_cells(version_1: Form, progress_form: Form) -> None:
    assert progress_form.major_version == 3
    assert version_1.table_at("/reports").first_row == 34  # type: ignore[union-attr]
    assert progress_form.table_at("/reports").first_row == 37  # type: ignore[union-attr]
    assert [f.id for f in list_forms()].count("progress-report") == 1  # templates come from version 2 only
    assert (bundled_dir() / "progress-report@1.yaml").is_file()  # shipped in the wheel with the rest


def test_a_version_1_file_is_read_at_its_own_cells(version_1: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    write_template(version_1, path, data=seed, recipient="s1")
    filled = read_filled(path)
    assert filled.form.version == "1.0.0" and filled.data == seed
    assert filled.source_map["/reports/0/date"].cell == "B34"
    assert validate(filled).valid


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_version_2_file_is_read_at_its_own_network_cells(progress_form: Form, seed: dict[str, Any],
                                                           tmp_path: Path, fmt: str) -> None:
    version_2 = find_earlier_version("progress-report", 2)
    assert version_2 is not None and version_2.version == "2.0.0"
    seed["targets"]["networks"][1]["budget"] = 80000.0  # the networks' budgets no longer add up
    path = tmp_path / f"v2.{fmt}"
    write_template(version_2, path, data=seed, recipient="s1")
    filled = read_filled(path)
    assert filled.form.version == "2.0.0" and filled.data == seed
    assert filled.source_map["/targets/networks/1/budget"].cell == "F26"  # version 3 has it at D26
    assert filled.source_map["/targets/networks/1/schools"].cell == "C26"
    assert ("sum-mismatch", "F26") in [(f.code, f.cell) for f in validate(filled).findings]
    assert progress_form.table_at("/targets/networks").columns[2].place.ref == "D25"  # type: ignore[union-attr]


def test_a_mistake_in_a_version_1_file_is_reported_at_its_cell(version_1: Form, seed: dict[str, Any],
                                                                tmp_path: Path) -> None:
    seed["reports"][2]["progress_percent"] = 15.0  # report 3 went down: row 36 of version 1
    path = tmp_path / "old.ods"
    write_template(version_1, path, data=seed, recipient="s1")
    filled = read_filled(path)
    report = validate(filled)
    assert [(f.code, f.cell) for f in report.findings] == [("progress-decreased", "D36")]
    # The school's marked-up copy is its own (version-1) form, the red cell where the mistake is.
    marked = tmp_path / "old-marked.ods"
    write_marked_up(filled, report, marked)
    again = read_filled(marked)
    assert again.form.version == "1.0.0" and again.data == filled.data
    assert again.source_map["/reports/2/progress_percent"].cell == "D36"


def _say_version(path: Path, version: str) -> None:
    """The template at ``path`` as if made from ``version`` of its form (its metadata edited)."""
    book = load_workbook(path)
    for row in book[META_SHEET].iter_rows():
        if row[0].value == "form_version":
            row[1].value = version
    book.save(path)


def test_an_unknown_major_version_is_refused_naming_the_file(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path) -> None:
    path = tmp_path / "future.xlsx"
    write_template(progress_form, path, data=seed)
    _say_version(path, "4.0.0")
    with pytest.raises(UnknownFormError, match=r"future\.xlsx: made from version 4\.0\.0"):
        read_filled(path)


@pytest.mark.parametrize("version", ["².0.0", "1²"])
def test_a_version_of_other_digits_is_refused_as_a_version(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                          version: str) -> None:
    """str.isdigit() takes '²', int() does not: the school was told 'its content cannot be checked (ValueError: …)'."""
    path = tmp_path / "odd.xlsx"
    write_template(progress_form, path, data=seed)
    _say_version(path, version)
    with pytest.raises(UnknownFormError, match=f"odd\\.xlsx: made from version {version} of 'progress-report'"):
        read_filled(path)


def test_a_kept_layout_of_another_version_is_named_not_skipped(tmp_path: Path) -> None:
    """Version 2 of a form made, its layout copied to <id>@1.yaml after its version was changed: the kept
    layout said 2.0.0, was skipped without a word, and every version-1 file was refused ('please fill in a
    template of version 2.x'). The office is told which file is wrong, and ``forms`` says it too."""
    import shutil

    from sheetsync.errors import FormError
    from sheetsync.spec.form import load_form
    from tests.cli import run

    source = Path(__file__).parent / "data" / "equipment"
    old, new = tmp_path / "old", tmp_path / "forms"
    for folder in (old, new):
        folder.mkdir()
        shutil.copy(source / "equipment-inventory.schema.json", folder)
    shutil.copy(source / "equipment-inventory.yaml", old)
    version_1 = load_form(old / "equipment-inventory.yaml")
    path = tmp_path / "v1.xlsx"
    write_template(version_1, path, data=json.loads((source / "equipment-inventory.json").read_text(encoding="utf-8")),
                   recipient="s1")
    text = (source / "equipment-inventory.yaml").read_text(encoding="utf-8").replace("version: 1.0.0", "version: 2.0.0")
    for name in ("equipment-inventory.yaml", "equipment-inventory@1.yaml"):
        (new / name).write_text(text, encoding="utf-8")
    problem = ("equipment-inventory@1.yaml line 4 (version): a kept layout of version 1 of 'equipment-inventory', but its version is "
               "2.0.0")
    with pytest.raises(FormError, match=re.escape(problem)):
        read_filled(path, forms_dirs=[new])
    listed = run("forms", "--forms-dir", new)
    assert listed.returncode == 3 and problem in listed.stderr


def test_earlier_versions_are_looked_up_by_id_only(tmp_path: Path) -> None:
    assert find_earlier_version("../progress-report", 1) is None
    assert find_earlier_version("progress-report", 7) is None
    assert find_earlier_version("progress-report", 3) is None  # the current layout is not an "earlier" one


def test_the_office_merges_old_and_new_files_into_one_view(office: Path, app: typer.Typer,
                                                           version_1: Form, progress_form: Form) -> None:
    toml = office / "sheetsync.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                    encoding="utf-8")  # the files were just written: take them now
    write_template(version_1, office / "inbox" / "s1-old.xlsx", data=variant(seed_data(), reports=5),
                   recipient="s1", issued=at(40))
    write_template(progress_form, office / "inbox" / "s2-new.ods",
                   data=variant(seed_data(), code="50360000-0002", reports=6), recipient="s2", issued=at(41))
    result = in_office(app, office, "sync")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (office / "processed").iterdir()) == ["s1-old.xlsx", "s2-new.ods"]
    records = read_master(office / "master.xlsx").records.values()
    assert sorted(len(r.data["reports"]) for r in records) == [5, 6]
