"""Found by a clerk copying the commands sheetsync prints into her terminal, in an office folder whose
name holds a space and Thai letters (``/home/office/เขต 73``, ``C:\\Users\\Somsri\\Documents\\เขต 73``):
each printed command must run as printed, so a path in it is quoted where the shell would split it."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from tests.cli import new_office, run

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,50360000-3600\n"

posix_only = pytest.mark.skipif(os.name != "posix", reason="read as a POSIX shell reads a line")


def _commands(out: str, word: str) -> list[list[str]]:
    """Each printed ``… && sheetsync WORD …`` (or ``sheetsync WORD …``) as a POSIX shell splits it."""
    found = []
    for line in out.splitlines():
        at = line.find("cd ") if "&&" in line else line.find(f"sheetsync {word}")
        if at >= 0 and f"sheetsync {word}" in line:
            text = line[at:].split(" / ")[0]
            found.append(shlex.split(text))
    return found


@posix_only
def test_inits_next_steps_cd_into_a_folder_with_a_space_as_printed(tmp_path: Path) -> None:
    # "cd /home/office/เขต 73 && sheetsync template …" was printed bare: copied into the terminal,
    # cd said "too many arguments" and the clerk stayed outside the office ("ไม่พบสำนักงานที่นี่").
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    folder = tmp_path / "เขต 73"
    done = run("init", folder, "--roster", roster)
    assert done.returncode == 0
    commands = [c for c in _commands(done.stdout, "") if c[0] == "cd"]
    assert len(commands) == 3, done.stdout
    for words in commands:
        assert words[:2] == ["cd", str(folder)] and words[2] == "&&" and words[3] == "sheetsync"


@posix_only
def test_templates_queued_line_names_the_outbox_as_a_command_takes_it(tmp_path: Path) -> None:
    base = tmp_path / "เขต 73"
    base.mkdir()
    office = new_office(base, ROSTER)
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"'),
                      encoding="utf-8")
    done = run("template", "--roster", "roster.csv", "-o", "templates/", "--email", cwd=office)
    assert done.returncode == 0, done.stderr
    mails = _commands(done.stdout, "mail")
    assert mails and all(words[:3] == ["sheetsync", "mail", str(office / "outbox")] for words in mails), done.stdout
    assert run("mail", mails[0][2]).returncode == 0  # the command as printed lists the outbox


@posix_only
def test_restores_next_step_cds_into_the_office_as_printed(tmp_path: Path) -> None:
    base = tmp_path / "เขต 73"
    base.mkdir()
    office = new_office(base, ROSTER)
    assert run("backup", "ที่สำรอง ข้อมูล", cwd=office).returncode == 0
    backup = next((office / "ที่สำรอง ข้อมูล").glob("*.sqlite"))
    done = run("restore", backup, "--force", cwd=office)
    assert done.returncode == 0, done.stderr
    words = shlex.split(done.stdout.splitlines()[-1].split(" / ")[0].split("แล้วสั่ง ", 1)[1])
    assert words == ["cd", str(office), "&&", "sheetsync", "sync"]


def test_a_path_is_quoted_only_where_the_shell_would_split_it() -> None:
    from sheetsync.cli.shell import cd_command, shell_arg

    assert shell_arg(Path("district-73")) == "district-73"
    quoted = shell_arg("/home/office/เขต 73")
    if os.name == "nt":
        assert quoted == '"/home/office/เขต 73"'
        assert cd_command(Path("D:/เขต 73")).startswith('cd /d "')  # cmd's cd changes drive only with /d
    else:
        assert shlex.split(quoted) == ["/home/office/เขต 73"]
        assert shlex.split(cd_command(Path("/home/office/เขต 73"))) == ["cd", "/home/office/เขต 73"]
