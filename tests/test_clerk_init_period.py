"""Found walking through docs/office-th.md: ``init``'s step "edit sheetsync.toml" listed the reporting
period (``period``) among the settings to fill in, while the guide's step 4 (and the README's) leaves it
empty: by default the statuses follow the month of the latest report. A clerk who wrote this month
there had every later month's master stuck on it. The step now says to leave it empty.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli import run

ROOT = Path(__file__).resolve().parent.parent


def _settings_step(folder: Path) -> tuple[str, str]:
    """The Thai and English lines of the step that names sheetsync.toml to edit."""
    said = run("init", folder).stdout.splitlines()
    at = next(n for n, line in enumerate(said) if re.match(r"\s+\d+\. แก้ไข .*sheetsync\.toml", line))
    return said[at], said[at + 1]


def test_inits_settings_step_leaves_the_period_empty(tmp_path: Path) -> None:
    th, en = _settings_step(tmp_path / "district")
    assert "period" in th and "เว้นว่าง" in th.split("period")[1], th
    assert "leave period empty" in en, en
    assert "name" in en and "timezone" in en  # what the guide's step 4 has the clerk change


def test_the_guides_settings_leave_the_period_out() -> None:
    for guide in (ROOT / "README.md", ROOT / "docs" / "office-th.md"):
        text = guide.read_text(encoding="utf-8")
        step4 = text[text.index("sheetsync.toml` ด้วย Notepad" if "-th" in guide.name else "Open `sheetsync.toml`"):]
        end = step4.index("```", step4.index("```toml") + 3)
        assert "period" not in step4[:end], guide  # the settings to change, as init says: period is not one
        assert re.search(r"(Leave|ปล่อย) `period`", step4[end:end + 300]), guide  # and it says to leave it empty
