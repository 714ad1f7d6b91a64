"""Found by a clerk who mistyped one of the office's addresses in ``sheetsync.toml`` (``reply_to =
"reports bma.example"``, a name where ``digest_to`` wants an address): ``sync`` took the schools'
files out of the inbox, then stopped at the first e-mail with ``recipient 'reports bma.example@' is not
a usable e-mail address`` — English only, the address mangled, no word of which setting; ``template
--email`` wrote every template and then named ``SHEETSYNC_MAIL_REPLY_TO``, a variable she never set."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.test_master_support import seed_data, variant

ROSTER = "recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,50360000-3600\n"
TYPOS = [('reply_to = "reports bma.example"', "reply_to"), ('digest_to = "สมศรี"', "digest_to"),
         ('reply_to = "reports@bma.example"\ndigest_to = "office@"', "digest_to")]
#: Each typo's value as the clerk wrote it (the message used to show 'reports bma.example@', 'สมศรี@').
WRITTEN = {"reports bma.example", "สมศรี", "office@"}


def _office(tmp_path: Path, typo: str) -> Path:
    office = new_office(tmp_path, ROSTER)
    config = office / "sheetsync.toml"
    text = config.read_text(encoding="utf-8").replace('from = ""', f'from = "office@bma.example"\n{typo}')
    config.write_text(text, encoding="utf-8")
    return office


def _said_once(stderr: str, key: str) -> str:
    [line] = [line for line in stderr.splitlines() if line.startswith("sheetsync:")]
    thai, english = line.split(" / ", 1)
    assert key in thai and "sheetsync.toml" in thai and "SHEETSYNC_" not in thai, line
    assert any(f"'{value}'" in thai for value in WRITTEN) or key == "from", line  # as written, not as parsed
    return line


@pytest.mark.parametrize("typo, key", TYPOS)
def test_sync_refuses_a_mistyped_office_address_before_taking_any_file(tmp_path: Path, progress_form: Form,
                                                                       typo: str, key: str) -> None:
    office = _office(tmp_path, typo)
    school = office / "inbox" / "s1.xlsx"
    write_template(progress_form, school, data=variant(seed_data(), code="50360000-3600", reports=2), recipient="s1")
    done = run("sync", cwd=office)
    assert done.returncode == 3
    _said_once(done.stderr, key)
    assert school.exists() and not list((office / "processed").glob("*.xlsx"))  # nothing taken


@pytest.mark.parametrize("typo, key", TYPOS[:1])
def test_template_email_refuses_a_mistyped_office_address_before_writing_templates(tmp_path: Path, typo: str,
                                                                                   key: str) -> None:
    office = _office(tmp_path, typo)
    done = run("template", "--roster", "roster.csv", "-o", "templates/", "--email", cwd=office)
    assert done.returncode == 3
    _said_once(done.stderr, key)
    assert not (office / "templates").exists()


def test_sync_refuses_a_from_that_is_no_address_in_thai(tmp_path: Path) -> None:
    office = _office(tmp_path, "")
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = "office@bma.example"',
                                                                 'from = "สำนักงาน office@bma.example"'),
                      encoding="utf-8")
    done = run("sync", cwd=office)
    assert done.returncode == 3
    _said_once(done.stderr, "from")
