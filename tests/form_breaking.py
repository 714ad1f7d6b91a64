"""The progress-report form copied into a test's folder with one thing broken, and the Thai and English
of the :class:`FormError` that loading it raises (tests of a form author's mistakes said Thai first)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from sheetsync.errors import FormError, thai_frame, thai_place
from sheetsync.spec.form import load_form

ROOT = Path(__file__).parent.parent
NAME = "progress-report"
#: Edits the schema as data, in place.
SchemaEdit = Callable[[dict[str, Any]], None]


def broken(tmp_path: Path, old: str = "", new: str = "", schema: SchemaEdit | None = None,
           also: tuple[tuple[str, str], ...] = ()) -> Path:
    """``templates/`` and ``schemas/`` of the progress report in ``tmp_path``, the layout's text with its
    first ``old`` replaced by ``new`` (and each of ``also``; lines not edited keep their numbers) and the
    schema edited by ``schema``."""
    (tmp_path / "templates").mkdir()
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    text = (ROOT / "templates" / f"{NAME}.yaml").read_text(encoding="utf-8")
    for before, after in ((old, new), *also):
        assert before in text, before
        text = text.replace(before, after, 1)
    layout = tmp_path / "templates" / f"{NAME}.yaml"
    layout.write_text(text, encoding="utf-8")
    if schema is not None:
        path = tmp_path / "schemas" / f"{NAME}.schema.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        schema(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return layout


def refused(layout: Path, english: str) -> str:
    """The Thai of the mistake that stops ``layout`` from loading, checked against its English ``english``.

    The English is the exception's text, ``"<place>: <english>…"`` as before the mistake was worded in
    Thai (``english`` may leave off the end of a long list of names); the Thai names the same place (its
    line said in Thai) and is worded for the mistake, not the generic frame that points to the English
    (``form.mistake``)."""
    with pytest.raises(FormError) as caught:
        load_form(layout)
    en, th = str(caught.value), caught.value.th
    assert f": {english}" in en, en
    place = en[: en.index(f": {english}")]
    assert th.startswith(f"{thai_place(place)}: "), (place, th)
    assert th != thai_frame(en), th  # its own words, not "the English after this says what to change"
    assert "\n" not in th + en
    return th
