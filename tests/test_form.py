"""The form model: layouts and schemas load, agree, and disagreements are named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from sheetsync.errors import FormError, UnknownFormError
from sheetsync.form import Form, load_form
from sheetsync.registry import bundled_dir, find_form, list_forms

from .conftest import FORMS_DIR


def test_progress_report_places_every_field(progress_form: Form) -> None:
    assert progress_form.field_at("/project/code").place.ref == "C5"
    reports = progress_form.table_at("/reports")
    assert reports is not None and reports.capacity == 12 and reports.key == "no"
    assert [c.pointer for c in reports.columns] == ["no", "date", "stage", "progress_percent", "disbursed",
                                                    "on_plan", "on_target"]


def test_every_schema_field_has_a_thai_title(progress_form: Form) -> None:
    def walk(node: dict, path: str) -> None:
        assert "title" in node and "description" in node, path
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in node["title"]), path
        for name, child in node.get("properties", {}).items():
            walk(child, f"{path}/{name}")
        if "items" in node:
            walk(node["items"], f"{path}/*")
    walk(progress_form.schema, "")


def test_forms_lists_bundled_and_extra_forms() -> None:
    ids = {f.id for f in list_forms([FORMS_DIR])}
    assert {"progress-report", "school-census"} <= ids
    assert (bundled_dir() / "progress-report.yaml").is_file()


def test_unknown_form_names_the_known_ones() -> None:
    with pytest.raises(UnknownFormError, match="progress-report"):
        find_form("no-such-form")


def _copy_form(tmp_path: Path) -> tuple[Path, dict, dict]:
    layout_path = tmp_path / "school-census.yaml"
    shutil.copy(FORMS_DIR / "school-census.yaml", layout_path)
    shutil.copy(FORMS_DIR / "school-census.schema.json", tmp_path / "school-census.schema.json")
    layout = yaml.safe_load(layout_path.read_text(encoding="utf-8"))
    schema = json.loads((tmp_path / "school-census.schema.json").read_text(encoding="utf-8"))
    return layout_path, layout, schema


def _save(tmp_path: Path, layout: dict, schema: dict) -> Path:
    path = tmp_path / "school-census.yaml"
    path.write_text(yaml.safe_dump(layout, allow_unicode=True), encoding="utf-8")
    (tmp_path / "school-census.schema.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return path


def test_schema_field_not_placed_is_named(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    schema["properties"]["school"]["properties"]["district"] = {"type": "string", "title": "เขต"}
    with pytest.raises(FormError, match="/school/district is not placed"):
        load_form(_save(tmp_path, layout, schema))


def test_placed_field_not_in_schema_is_named(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    layout["cells"].append({"at": "A20", "field": "/school/phone"})
    with pytest.raises(FormError, match="/school/phone"):
        load_form(_save(tmp_path, layout, schema))


def test_field_placed_twice_is_named(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    layout["cells"].append({"at": "A20", "field": "/school/name"})
    with pytest.raises(FormError, match="/school/name is placed more than once"):
        load_form(_save(tmp_path, layout, schema))


def test_overlapping_cells_are_refused(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    layout["cells"].append({"at": "B2", "text": "ทับ"})
    with pytest.raises(FormError, match="cell B2"):
        load_form(_save(tmp_path, layout, schema))


def test_unknown_rule_kind_is_refused(tmp_path: Path) -> None:
    _, layout, schema = _copy_form(tmp_path)
    layout["rules"].append({"kind": "magic"})
    with pytest.raises(FormError, match="unknown rule kind 'magic'"):
        load_form(_save(tmp_path, layout, schema))
