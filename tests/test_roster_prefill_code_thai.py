"""A roster's project code that cannot go where the form keeps it (``template --roster --data`` whose data
holds something other than an object on the way: ``{"project": "…"}``) is said in Thai words of its own,
Thai first, then English: not English inside the Thai sentence. So is the pointer that cannot be followed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sheetsync.errors import DataError
from sheetsync.spec.pointers import place
from tests.cli import run

THAI = re.compile("[\u0e00-\u0e7f]")
ENGLISH_WORDS = re.compile(r"\b(prefill|data|object|not)\b")


def test_a_step_that_is_no_object_is_said_in_thai_and_english() -> None:
    with pytest.raises(DataError) as caught:
        place({"project": "โครงการ"}, "/project/code", "50360000-3553")
    assert "/project" in caught.value.th and THAI.search(caught.value.th)
    assert not ENGLISH_WORDS.search(caught.value.th), caught.value.th
    assert "/project is not an object" in str(caught.value)


def test_a_roster_code_the_data_leaves_no_place_for_is_said_in_thai_first(tmp_path: Path) -> None:
    roster, data = tmp_path / "schools.csv", tmp_path / "data.json"
    roster.write_text("recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,50360000-3553\n",
                      encoding="utf-8")
    data.write_text(json.dumps({"project": "โครงการ"}, ensure_ascii=False), encoding="utf-8")
    done = run("template", "--roster", roster, "--data", data, "-o", tmp_path / "out")
    assert done.returncode == 2, done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("sheetsync:")]
    thai, found, english = line.removeprefix("sheetsync: ").partition(" / ")
    assert found and THAI.search(thai) and "50360000-3553" in thai and "/project/code" in thai, line
    assert not ENGLISH_WORDS.search(thai), line
    assert "s1" in english and "50360000-3553" in english and "/project is not an object" in english, line
    assert not list((tmp_path / "out").glob("*.xlsx"))
