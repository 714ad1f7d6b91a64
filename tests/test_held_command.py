"""The line for an invitation held in ``outbox/held/`` (:mod:`sheetsync.office.held`) tells the clerk what
to type to mail the school at its new address. It named ``roster.csv`` and ``templates/`` whatever the office's
``sheetsync.toml`` says, and gave a school id as it is: ``--recipient ร.ร. 01`` pasted into cmd.exe, PowerShell
or bash is two words, and the command failed or mailed no one. It now names the office's roster file and
templates folder as its settings give them, each word that needs it in double quotes.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from sheetsync.office.held import shell_word
from tests.cli import run
from tests.test_mail_smtp import Server
from tests.test_office_moved import make_office

ROSTER_NAME = "รายชื่อ โรงเรียน.csv"
TEMPLATES = "แบบรายงาน เดือนนี้"
BEFORE = ("recipient_id,school_name,email,project_code\n"
          "ร.ร. 01,โรงเรียนวัดไทร,old@s1.example,50360000-3553\n"
          "-7,โรงเรียนบ้านนา,old@s7.example,50360000-4002\n")
AFTER = BEFORE.replace("old@", "new@")


def _office(tmp_path: Path, smtp: Server) -> Path:
    office = make_office(tmp_path, smtp)
    config = office / "sheetsync.toml"
    text = config.read_text(encoding="utf-8").replace('roster = "roster.csv"', f'roster = "{ROSTER_NAME}"')
    text = text.replace('templates = "templates"', f'templates = "{TEMPLATES}"', 1)
    config.write_text(text, encoding="utf-8")
    (office / ROSTER_NAME).write_text(BEFORE, encoding="utf-8")
    return office


def test_the_held_line_names_the_offices_roster_and_templates_and_quotes_ids(tmp_path: Path, smtp: Server) -> None:
    office = _office(tmp_path, smtp)
    queued = run("template", "--roster", ROSTER_NAME, "-o", TEMPLATES, "--email", cwd=office)
    assert queued.returncode == 0, queued.stderr
    (office / ROSTER_NAME).write_text(AFTER, encoding="utf-8")
    done = run("sync", "--send", cwd=office)
    lines = [line for line in done.stderr.splitlines() if "outbox/held/" in line]
    assert len(lines) == 2, done.stderr
    for line, school in zip(sorted(lines, key=lambda line: "-7" in line), ("ร.ร. 01", "-7")):
        thai, english = line.split(" / ", 1)
        assert ROSTER_NAME in thai and ROSTER_NAME in english and "roster.csv" not in line, line
        command = thai[thai.index("sheetsync template"):]
        assert command == english[english.index("sheetsync template"):], line
        assert f'"{school}"' in command and f'"{ROSTER_NAME}"' in command and f'"{TEMPLATES}"' in command, command
        words = shlex.split(command)  # as bash reads it; cmd.exe and PowerShell take off the same double quotes
        assert words[0] == "sheetsync", words
        assert words[words.index("--recipient") + 1] == school and words[words.index("--roster") + 1] == ROSTER_NAME
        again = run(*words[1:], cwd=office)
        assert again.returncode == 0, again.stderr
    assert run("sync", "--send", cwd=office).returncode == 0
    sent = " ".join(str(m["To"]) for m in smtp.messages())
    assert "new@s1.example" in sent and "new@s7.example" in sent and "old@" not in sent, sent


def test_a_word_is_quoted_only_where_a_shell_would_split_or_read_it() -> None:
    assert shell_word("s1") == "s1" and shell_word("templates/") == "templates/"
    assert shell_word("ร.ร. 01") == '"ร.ร. 01"' and shell_word("-7") == '"-7"' and shell_word("วัดไทร") == '"วัดไทร"'
    assert shell_word("a&b") == "\"a&b\"" and shell_word("a,b") == "\"a,b\"" and shell_word("") == '""'


def test_a_double_quote_or_a_closing_backslash_in_a_word_does_not_leave_a_quote_open() -> None:
    """``a"b`` was given as ``"a"b"``: bash waits for the closing quote, and cmd.exe passes ``ab"``. A quote is
    written ``\\"`` (bash, and the Windows C runtime that splits the words for Python, both read it as ``"``),
    and backslashes before a quote or the closing quote doubled (both read ``\\\\"`` as ``\\`` then the quote)."""
    assert shell_word('a"b') == '"a\\"b"'
    assert shell_word("C:\\templates\\") == '"C:\\templates\\\\"'
    assert shell_word('a\\"b') == '"a\\\\\\"b"'
    assert shell_word("a\\b c") == '"a\\b c"'  # a backslash before anything else stays one, in both
