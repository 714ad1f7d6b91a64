"""English said with a count of one: "wrote 1 templates", "1 need correcting".

Found walking through docs/office-th.md with a one-school roster. A message whose English puts a
plural after ``{count}`` has an ``en_one:`` text, used when the count is 1 (the catalogue's one way
of choosing a form by count); Thai has no plural and keeps its one text.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

from sheetsync.messages import catalogue, render
from tests.cli import run

MESSAGES = Path(__file__).resolve().parent.parent / "sheetsync" / "messages"
THAI = re.compile("[\u0e00-\u0e7f]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_template_for_a_one_school_roster_says_one_template(tmp_path: Path) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,head@s1.example,50360000-3553\n",
                      encoding="utf-8")
    done = run("template", "--roster", roster, "-o", tmp_path / "templates")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"/ wrote 1 template in {tmp_path / 'templates'}" in done.stdout, done.stdout
    assert "ทำแบบรายงาน 1 ไฟล์ไว้ใน" in done.stdout  # the Thai as it was


@pytest.mark.parametrize("source, code, params, one, many", [
    ("cli.yaml", "validate.reports-written", {"folder": "reports"}, "wrote 1 report file in reports",
     "wrote 2 report files in reports"),
    ("catalogue.yaml", "more-sheets-not-read", {"sheet": "x", "form_sheet": "f"}, "1 more sheet was added",
     "2 more sheets were added"),
    ("mail.yaml", "joined.count.fix", {}, "1 needs correcting", "2 need correcting"),
    ("master.yaml", "total.reported", {"reported": 1}, "1 of 1 line reported", "1 of 2 lines reported"),
    ("master.yaml", "total.reported-period", {"reported": 0, "period": "p"}, "p: 0 of 1 recipient reported",
     "p: 0 of 2 recipients reported"),
    ("form.yaml", "form.choice-long", {"field": "f", "length": 300, "most": 255}, "its one choice takes 300",
     "its 2 choices take 300"),
])
def test_english_with_a_count_of_one_is_singular(source: str, code: str, params: dict[str, object], one: str,
                                                 many: str) -> None:
    assert one in render(code, "en", source=source, count=1, **params)
    assert one in render(code, "en", source=source, count="1", **params)  # a count formatted as text ("1,024")
    assert many in render(code, "en", source=source, count=2, **params)
    thai = catalogue(source)[code]["th"]
    assert render(code, "th", source=source, count=1, **params) == thai.format(count=1, **params)  # one Thai text


@pytest.mark.parametrize("name", sorted(p.name for p in MESSAGES.glob("*.yaml")))
def test_each_singular_is_english_for_a_count(name: str) -> None:
    texts = yaml.safe_load((MESSAGES / name).read_text(encoding="utf-8"))
    for code, entry in texts.items():
        if "en_one" not in entry:
            continue
        assert set(entry) == {"th", "en", "en_one"}, code  # Thai has no plural: no th_one
        assert "{count}" in entry["en"] and not THAI.search(entry["en_one"]), code
        assert _fields(entry["en_one"]) <= _fields(entry["en"]), code  # nothing the caller does not give
