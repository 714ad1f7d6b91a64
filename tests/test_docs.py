"""Docs as tests: every command and option is documented in the README and has help text,
and every --help reads well (examples on their own lines, readable metavars)."""

from __future__ import annotations

import re
from pathlib import Path

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from sheetsync.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
# A form author's guide (linked from the README's "Adding a form"): rule kinds, the master: entry.
FORMS = (Path(__file__).parent.parent / "docs" / "forms.md").read_text(encoding="utf-8")
COMMAND: Any = typer.main.get_command(app)  # a click-style group (typer may vendor its own click)
NAMES = sorted(COMMAND.commands)


def options(name: str) -> list[Any]:
    return [p for p in COMMAND.commands[name].params if p.param_type_name == "option"]


def test_the_readme_opens_with_the_demo_and_the_tests() -> None:
    """The page opens with exactly two set-up commands, right under the title: the demo, then the
    tests (``.ci/run`` runs the second verbatim). Whatever is added for the clerk comes after them."""
    opening = re.match(r"# sheetsync\n\n```bash\n(.*?)```\n", README, re.S)
    assert opening, "README does not open with a bash block under its title"
    assert opening.group(1).splitlines() == ["pip install . && sheetsync demo", "pip install '.[test]' && pytest"]


def test_every_document_the_readme_links_to_is_there() -> None:
    """The README sends developers and form authors to docs/*.md: each link names a file that exists."""
    root = Path(__file__).parent.parent
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)(?:#[\w-]*)?\)", README))
    missing = [name for name in sorted(linked) if not (root / name).is_file()]
    assert not missing, f"README links to missing {', '.join(missing)}"


def test_there_are_commands() -> None:
    assert {"template", "read", "validate", "merge", "sync", "mail", "forms", "demo"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_command_is_documented_with_help(name: str) -> None:
    command = COMMAND.commands[name]
    assert command.help and command.help.strip(), f"sheetsync {name} has no help text"
    assert re.search(rf"sheetsync {name}\b", README), f"README does not document `sheetsync {name}`"


@pytest.mark.parametrize("name, option", [(n, o) for n in NAMES for p in options(n) for o in p.opts
                                          if o.startswith("--") and o != "--help"])
def test_option_is_documented_with_help(name: str, option: str) -> None:
    param = next(p for p in options(name) if option in p.opts)
    assert (param.help or "").strip(), f"{name} {option} has no help text"
    assert option in README, f"README does not mention {option} (of sheetsync {name})"


@pytest.mark.parametrize("option", [o for p in COMMAND.params for o in p.opts if o.startswith("--") and o != "--help"])
def test_global_option_is_documented_with_help(option: str) -> None:
    param = next(p for p in COMMAND.params if option in p.opts)
    assert (param.help or "").strip(), f"sheetsync {option} has no help text"
    assert f"sheetsync {option}" in README, f"README does not mention `sheetsync {option}`"


@pytest.mark.parametrize("name", NAMES)
def test_help_reads_well(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    text = result.output
    assert not re.search(r"--[\w-]+ <(str|int|path|list\[Path\])>", text), f"{name}: unreadable metavar\n{text}"
    for line in text.splitlines():
        # An example never runs into the text before it: each stands on its own line.
        assert line.count("sheetsync ") <= 1 or line.strip().startswith("Usage"), f"{name}: {line!r}"
        assert not re.search(r"\S\s+Example:", line), f"{name}: example run into text: {line!r}"


def test_every_rule_kind_and_its_findings_are_documented() -> None:
    """A form author learns the rule kinds from docs/forms.md: each kind, each of its parameters and
    each finding code it gives is named there."""
    from sheetsync.spec.rulespec import PARAMS
    from sheetsync.spec.wording import SITUATIONS

    for kind, params in PARAMS.items():
        assert f"`{kind}`" in FORMS, kind
        assert all(code in FORMS for code in SITUATIONS[kind]), kind
    for kind in ("in_month", "ratio"):  # the kinds with a paragraph of their own: every parameter named
        assert all(f"`{name}:`" in FORMS for name in PARAMS[kind] if name not in ("code", "message")), kind


def test_every_entry_of_master_is_documented() -> None:
    """A layout's ``master:`` entries (key, period, table …) are what an office writes without Python:
    each one the form loader knows is shown in docs/forms.md as it is written in a layout."""
    from sheetsync.spec.master import _KNOWN

    missing = [name for name in _KNOWN if not re.search(rf"(?m)^\s*{name}:|master: {name}:", FORMS)]
    assert not missing, f"docs/forms.md does not show master: {', '.join(missing)}"


def test_every_top_level_office_setting_is_documented() -> None:
    """Each top-level setting of sheetsync.toml is shown in the README as it is written there."""
    import tomllib

    from sheetsync.office.config import FORMS_LINE, TEMPLATE

    written = tomllib.loads(TEMPLATE.format(form="progress-report", roster="", forms_line=FORMS_LINE))
    top = [key for key, value in written.items() if not isinstance(value, dict)]
    assert "name" in top
    missing = [key for key in top if f"`{key}`" not in README and f"`{key} = " not in README]
    assert not missing, f"README does not document {', '.join(missing)} of sheetsync.toml"


def test_the_scheduled_run_works_under_crons_own_path() -> None:
    """cron starts a job with PATH=/usr/bin:/bin, where ``pip install`` never puts ``sheetsync``: a
    clerk copying the README's cron line got ``sheetsync: not found`` in sync.log every 15 minutes.
    Each command of the line is a shell builtin or named by its full path, and the README says how
    to find that path."""
    block = re.search(r"```cron\n(.*?)```", README, re.S)
    assert block, "README has no cron example"
    for line in block.group(1).strip().splitlines():
        job = line.split(None, 5)[5].split(">>")[0]  # after the five time fields, before the log
        words = [part.split()[0] for part in job.split("&&") if part.strip()]
        assert all(word in ("cd", ".") or word.startswith("/") for word in words), line
    assert "command -v sheetsync" in README


def _clerks_settings() -> str:
    """The settings block of step 4 of the README's "For the office": the lines a clerk changes."""
    part = README.split("\n## For the office", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```toml\n(.*?)```", part, re.S)[0]


def _set(text: str, section: str, key: str, line: str) -> str:
    """``text`` with the one line of ``key`` in ``section`` (written, or a note after ``#``) replaced."""
    start = text.index(f"\n{section}\n") if section else 0
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end
    body, count = re.subn(rf"(?m)^#?\s*{key}\s*=.*$", line, text[start:end])
    assert count == 1, f"sheetsync.toml has {count} line(s) of {key} in {section or 'the top'}"
    return text[:start] + body + text[end:]


def test_the_clerks_settings_made_as_the_readme_says_are_the_offices(tmp_path: Path) -> None:
    """Step 4 of "For the office": in the sheetsync.toml ``sheetsync init`` wrote, the clerk changes
    each line the README shows (deleting the ``#`` of a setting written as a note). The office then
    loads with those settings: no line of the README is one the file does not have."""
    from sheetsync.office.config import init_office, load_office

    init_office(tmp_path / "office")
    path = tmp_path / "office" / "sheetsync.toml"
    text, section = path.read_text(encoding="utf-8"), ""
    for line in _clerks_settings().splitlines():
        setting = re.split(r"\s+#", line, maxsplit=1)[0].strip()
        if setting.startswith("["):
            section = setting
        elif setting:
            text = _set(text, section, setting.split("=", 1)[0].strip(), setting)
    path.write_text(text, encoding="utf-8")
    office = load_office(tmp_path / "office")
    assert office.name == "สำนักงานเขตจอมทอง" and office.zone is not None
    assert (office.mail.from_addr, office.mail.host, office.mail.port) == ("office@bma.example", "smtp.bma.example", 587)
    assert (office.imap.host, office.imap.user) == ("mail.bma.example", "reports@bma.example")
    # Schools answer the box the office fetches (else `template` notes they will not), and the
    # clerk's digest goes elsewhere than that box (found following the README literally).
    assert office.mail.reply_to == office.imap.user and office.mail.digest_to not in (None, "", office.imap.user)
