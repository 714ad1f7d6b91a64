"""The clerk's guide in Thai (docs/office-th.md) stays true: every ``sheetsync …`` it gives is a
command the CLI has, with options it has, and each section of the README's "For the office" has its
Thai section, keeping the same commands, file names, settings and quoted messages."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main

from sheetsync.cli import app

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "office-th.md").read_text(encoding="utf-8")
COMMAND: Any = typer.main.get_command(app)
# click's UsageError, wherever this typer keeps click (as sheetsync/cli/usage.py finds it)
USAGE_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
SHELLS = ("bat", "sh", "bash", "cron")  # the fenced blocks a clerk types; untagged ones show output
FENCED = re.compile(r"^ *```(\w*)\n(.*?)^ *```", re.S | re.M)


def _office_part() -> str:
    """The README's "For the office" part, up to the next part."""
    return README.split("\n## For the office", 1)[1].split("\n## ", 1)[0]


def _thai_title(heading: str) -> str:
    """The Thai of a README heading, ``Backups — สำรองข้อมูล (…)`` → ``สำรองข้อมูล``."""
    assert " — " in heading, f"README heading without its Thai title: {heading!r}"
    return re.sub(r"\s*\(.*\)$", "", heading.split(" — ", 1)[1]).strip()


def _sections(text: str, mark: str, title: Any) -> dict[str, str]:
    """``text`` cut at its headings ``mark``, keyed by ``title(heading)``; '' for what comes before."""
    first, *rest = re.split(rf"^{mark} ", text, flags=re.M)
    return {"": first} | {title(part.split("\n", 1)[0]): part for part in rest}


README_SECTIONS = _sections(_office_part(), "###", _thai_title)
GUIDE_SECTIONS = _sections(GUIDE, "##", lambda heading: heading.strip())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _code_lines(text: str) -> list[str]:
    """Each line of the fenced blocks of ``text`` as compared across languages: without its note
    after `` #``, and with each quoted text that a translation rewords (one holding a space or a
    non-ASCII letter: a password's placeholder, the office's name) shown as ``"…"``."""
    def placeholder(match: re.Match[str]) -> str:
        quote, name, body = match.group(1), match.group(2) or "", match.group(3)
        return f"{quote}{name}…{quote}" if re.search(r"\s|[^\x00-\x7f]", body) else match.group(0)

    lines = []
    for _, block in FENCED.findall(text):
        for line in block.splitlines():
            line = re.sub(r"\s#.*$", "", line)
            for quote in ('"', "'"):
                line = re.sub(rf"({quote})([A-Z_]+=)?([^{quote}\n]*){quote}", placeholder, line)
            if line.strip():
                lines.append(_one_line(line))
    return lines


def _literals(text: str) -> list[str]:
    """What a section gives as typed or as shown on screen: its inline code (a message's Thai part,
    before `` / ``) and its code lines."""
    prose = FENCED.sub("", text)
    spans = [_one_line(span).split(" / ", 1)[0] for span in re.findall(r"`([^`]+)`", prose)]
    return [span for span in spans if span] + _code_lines(text)


def _commands(text: str) -> list[str]:
    """Every ``sheetsync …`` line a clerk types: in a shell block (each part of ``a && b``, before any
    redirection), and each inline code span starting ``sheetsync `` outside the blocks."""
    typed = [line for lang, block in FENCED.findall(text) if lang in SHELLS for line in block.splitlines()]
    typed += re.findall(r"`(sheetsync [^`]+)`", FENCED.sub("", text))
    parts = [part.split(">", 1)[0].strip() for line in typed for part in _one_line(line).split("&&")]
    return [part for part in parts if re.match(r"(\S*/)?sheetsync\s", part)]


def _parse(line: str) -> None:
    """Parse ``line`` as the CLI would, without running it: an unknown command or option, an option
    without its value, or a word too many raises (typer's click ``UsageError``)."""
    words = shlex.split(line, posix=False)[1:]  # posix=False keeps C:\district-73 as typed
    group_ctx = COMMAND.context_class(COMMAND, info_name="sheetsync")
    _, args, _ = COMMAND.make_parser(group_ctx).parse_args(words)
    if not args:
        return  # `sheetsync --version`
    name, *rest = args
    assert name in COMMAND.commands, f"{line!r}: sheetsync has no command {name!r}"
    command = COMMAND.commands[name]
    _, extra, _ = command.make_parser(command.context_class(command, info_name=name)).parse_args(rest)
    assert not extra, f"{line!r}: {extra} left over"


@pytest.mark.parametrize("line", _commands(GUIDE))
def test_every_command_of_the_thai_guide_is_one_the_cli_takes(line: str) -> None:
    _parse(line)


def test_the_readme_office_commands_parse_too() -> None:
    """The same check on the English the guide follows, so the two cannot drift apart through it."""
    for line in _commands(_office_part()):
        _parse(line)


def test_a_mistyped_command_or_option_is_caught() -> None:
    """The check above would see a guide typing what the CLI does not take."""
    for wrong in ("sheetsync synk", "sheetsync sync --sendd", "sheetsync master --period",
                  "sheetsync history --recipient n73-02 extra"):
        with pytest.raises((AssertionError, USAGE_ERROR)):
            _parse(wrong)
    assert _commands("```bat\ncd /d C:\\x\nsheetsync sync --send >> sync.log 2>&1\n```\n`sheetsync: not found`") \
        == ["sheetsync sync --send"]


def test_the_guide_has_a_section_for_each_of_the_readme() -> None:
    assert list(GUIDE_SECTIONS) == list(README_SECTIONS)
    assert all(_literals(text) for text in README_SECTIONS.values())


@pytest.mark.parametrize("title", list(README_SECTIONS))
def test_each_section_keeps_what_the_readme_section_gives(title: str) -> None:
    """Every command, file name, setting, code line and quoted message (its Thai) of the README's
    section is in the guide's section of the same title, as typed."""
    thai = GUIDE_SECTIONS.get(title, "")
    text, lines = _one_line(thai), set(_code_lines(thai))
    missing = [item for item in _literals(README_SECTIONS[title]) if item not in text and item not in lines]
    assert not missing, f"docs/office-th.md, section {title or '(opening)'!r}, lacks {missing}"


def test_the_readme_and_docs_link_to_the_guide() -> None:
    assert "(docs/office-th.md)" in _office_part().split("\n###", 1)[0]
    assert "(../README.md)" in GUIDE
