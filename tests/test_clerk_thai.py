"""What the office's commands tell the clerk is Thai first, English after (a tester walking a clerk's
month found init, history, the outcome's detail, the mailbox line and errors in English only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from sheetsync.demo import broken_sample
from sheetsync.master import read_master
from sheetsync.messages import catalogue
from sheetsync.office.details import split
from sheetsync.office.lock import run_lock
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from tests.test_master_support import seed_data, submit

THAI = re.compile("[\u0e00-\u0e7f]")
MESSAGES = Path(__file__).parent.parent / "sheetsync" / "messages"


@pytest.fixture
def app() -> typer.Typer:
    from sheetsync.cli import app as sheetsync_app

    return sheetsync_app


def test_every_office_text_is_thai_then_english() -> None:
    texts = yaml.safe_load((MESSAGES / "office.yaml").read_text(encoding="utf-8"))
    for code, entry in texts.items():
        assert set(entry) - {"en_one"} == {"th", "en"}, code  # en_one: the English for a count of one
        assert " / " not in entry["th"], code  # the detail's Thai is split off at the first " / "
        assert THAI.search(entry["th"]) or not THAI.search(entry["en"]), code


@pytest.mark.parametrize("name", sorted(p.name for p in MESSAGES.glob("*.yaml")))
def test_every_message_file_reads_the_same_through_libyaml(name: str) -> None:
    """catalogue() reads with libyaml's loader where PyYAML has it (ten times faster): the texts must
    be exactly those of the pure-Python loader, which a translator's edit may not notice."""
    catalogue.cache_clear()
    assert catalogue(name) == yaml.safe_load((MESSAGES / name).read_text(encoding="utf-8"))
    assert hasattr(yaml, "CSafeLoader")  # PyYAML's wheels carry libyaml: the fast path is the one tested


def test_every_finding_code_has_a_short_thai_title() -> None:
    texts = catalogue()
    codes = [c for c, e in texts.items() if "." not in c and "{cell}" in e["th"] and c != "suspect-value"]
    assert "report-gap" in codes and "required" in codes
    assert [c for c in codes if f"title.{c}" not in texts] == []


def test_a_title_fits_a_finding_about_one_row_and_one_about_several() -> None:
    """A title is looked up by the finding's code alone (office/details.py, cli/read.py), never by the
    words' variant: the title of a code whose words have a ``.rows`` variant (a gap of several rows is
    one finding) must not speak of one row ("a row skipped" was said of rows 3 to 8 too)."""
    texts = catalogue()
    codes = {key.removesuffix(".rows").rsplit(".", 1)[-1] for key in texts if key.endswith(".rows")}
    assert "report-gap" in codes
    for code in codes:
        title = texts[f"title.{code}"]
        assert not re.match(r"(a|an|one)\b", title["en"], re.I), (code, title)
        assert "หนึ่ง" not in title["th"], (code, title)


def test_a_refusal_says_why_in_thai_in_the_table_and_the_ledger(app: typer.Typer, progress_form: Form,
                                                                tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    good = submit(progress_form, tmp_path, seed_data(), "s1")
    bad = submit(progress_form, tmp_path, broken_sample(seed_data()), "s2")
    done = CliRunner().invoke(app, ["merge", str(good), str(bad), "--master", str(master)], env={"COLUMNS": "400"})
    assert done.exit_code == 1, done.output
    assert "ไม่รับ / refused" in done.output and "รวมแล้ว / merged" in done.output
    assert "รายละเอียด / detail" in done.output
    assert "รวมแล้ว 1, ไม่รับ 1 บันทึกแฟ้มหลักแล้ว" in done.output and "1 merged, 1 refused; written" in done.output
    merged, refused = read_master(master).ledger
    th, en = split(refused.detail)
    assert th.startswith("ข้อผิดพลาด ") and en.startswith(f"{th.split()[1]} error(s): ")
    for where in en.split(": ", 1)[1].split(", "):  # every cell the English names, the Thai names with words
        code, cell = where.split("@")
        assert f"{cell} ({catalogue()[f'title.{code}']['th']})" in th
    assert split(merged.detail) == ("รับเป็นฉบับแรกของรายการนี้", "new")
    history = CliRunner().invoke(app, ["history", "--master", str(master), "--recipient", "s2"])
    assert history.exit_code == 0 and f"เหตุผล / why: {refused.detail}" in history.output
    assert "ไม่รับ / refused" in history.output


def test_a_file_sent_again_is_known_in_thai(app: typer.Typer, progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    bad = submit(progress_form, tmp_path, broken_sample(seed_data()), "s2")
    CliRunner().invoke(app, ["merge", str(bad), "--master", str(master)])
    with Store(master.with_suffix(".sqlite")) as store:
        first = store.outcomes()[0].detail
    from sheetsync.office.details import again

    th, en = split(again(bad.name, "2026-03-01T09:00:00", first))
    assert th.startswith(f"เคยได้รับไฟล์นี้แล้ว เป็น {bad.name} เมื่อ 2026-03-01T09:00:00: ข้อผิดพลาด ")
    assert en.startswith(f"already received as {bad.name} on 2026-03-01T09:00:00: ") and "error(s)" in en
    assert split("2 error(s): report-gap@B40") == ("2 error(s): report-gap@B40",) * 2  # as stored before


@pytest.mark.parametrize("with_roster", [True, False])
def test_init_says_what_to_do_next_in_order(app: typer.Typer, tmp_path: Path, with_roster: bool) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,P\n",
                      encoding="utf-8")
    folder = tmp_path / "district"
    made = CliRunner().invoke(app, ["init", str(folder), *(["--roster", str(roster)] if with_roster else [])])
    assert made.exit_code == 0, made.output
    lines = made.output.splitlines()
    assert lines[0] == f"สร้างโฟลเดอร์สำนักงานแล้ว: {folder} / made the office {folder}"
    assert lines[1] == "ขั้นตอนต่อไป / next steps:"
    steps = [i for i, line in enumerate(lines) if re.match(r"  \d\. ", line)]
    assert [lines[i][2] for i in steps] == [str(n) for n in range(1, len(steps) + 1)]
    assert all(THAI.search(lines[i]) and not THAI.search(lines[i + 1]) for i in steps)  # Thai, then English
    assert ("roster.csv" in lines[steps[0]]) is not with_roster  # no roster yet: making one comes first
    assert (folder / "roster.csv").exists() is with_roster
    commands = [line.strip() for line in lines if line.startswith("       ")]
    assert commands == [f"cd {folder} && sheetsync template --roster roster.csv -o templates/ --email",
                        f"cd {folder} && sheetsync sync --send", f"cd {folder} && sheetsync backup"]


def test_a_busy_office_is_one_line_thai_first(app: typer.Typer, progress_form: Form, tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    path = submit(progress_form, tmp_path, seed_data(), "s1")
    with Store(master.with_suffix(".sqlite")) as store, run_lock(store, "sync"):
        done = CliRunner().invoke(app, ["merge", str(path), "--master", str(master), "--wait", "0"])
    assert done.exit_code == 3 and len(done.output.strip().splitlines()) == 1
    thai = done.output.index("กำลังทำงานกับสำนักงานนี้อยู่")
    assert thai < done.output.index("is working on this office; try again when it has finished")


def test_a_detail_whose_thai_holds_the_separator_splits_where_the_english_starts() -> None:
    """A layout's label may hold " / " ("ชื่อ / สกุล"): the Thai was cut there, and the English
    shown in history and the ledger began with Thai (found in review)."""
    assert split("ไม่ได้กรอกชื่อ / สกุล จึงไม่รู้ / no /name, so no key") == (
        "ไม่ได้กรอกชื่อ / สกุล จึงไม่รู้", "no /name, so no key")
    assert split("already received as a / b.xlsx") == ("already received as a / b.xlsx",) * 2


def _office(tmp_path: Path, roster: bool = True) -> Path:
    """An office made as the README says, with its roster (or none yet)."""
    from tests.cli import run

    schools = tmp_path / "schools.csv"
    schools.write_text("recipient_id,school_name,email,project_code\ns1,โรงเรียนวัดไทร,a@s1.example,P\n",
                       encoding="utf-8")
    folder = tmp_path / "district"
    assert run("init", folder, *(["--roster", schools] if roster else [])).returncode == 0
    return folder


@pytest.mark.parametrize("case", ["no sender", "sender without <>", "no roster yet", "a folder for one template"])
def test_the_clerks_first_steps_say_what_is_wrong_thai_first(tmp_path: Path, case: str) -> None:
    """A clerk walking the README's office steps met these in English alone (and "cannot write . files")."""
    from tests.cli import run

    folder = _office(tmp_path, roster=case != "no roster yet")
    env = {"SHEETSYNC_MAIL_FROM": ""}
    args: list[str] = ["template", "--roster", "roster.csv", "-o", "templates/", "--email"]
    if case == "sender without <>":  # the Thai name and the address, as a clerk first writes them
        config = folder / "sheetsync.toml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            'from = ""', 'from = "สำนักงานเขตจอมทอง office@bma.example"', 1), encoding="utf-8")
    elif case == "no roster yet":
        args = ["template", "--roster", "roster.csv", "-o", "templates/"]
    elif case == "a folder for one template":
        args = ["template", "-o", "templates/"]
    done = run(*args, cwd=folder, env=env)
    assert done.returncode in (2, 3) and not (folder / "templates").exists()
    line = [text for text in done.stderr.splitlines() if text.strip()]
    assert len(line) == 1, done.stderr
    thai, _, english = line[0].partition(" / ")
    assert THAI.search(thai) and english and not THAI.search(english.split("'")[0]), line[0]
    assert "cannot write . files" not in line[0]


@pytest.mark.parametrize("args, said", [
    (["--format", "ods", "-o", "school.xlsx"], "ชื่อไฟล์ลงท้ายด้วย .xlsx แต่สั่งให้เขียนเป็น .ods"),
    (["--format", "xlsx", "-o", "school.ods"], "ชื่อไฟล์ลงท้ายด้วย .ods แต่สั่งให้เขียนเป็น .xlsx"),
    (["-o", "school.pdf"], "เขียนไฟล์ .pdf ไม่ได้"),
])
def test_a_template_is_never_written_under_another_formats_name(tmp_path: Path, app: typer.Typer, args: list[str],
                                                                  said: str) -> None:
    """``--format ods -o school.xlsx`` wrote an .ods named .xlsx, which the school's Excel refuses."""
    done = CliRunner().invoke(app, ["template", *args[:-1], str(tmp_path / args[-1])])
    assert done.exit_code == 2 and not list(tmp_path.iterdir())
    line = done.output.strip().splitlines()
    assert len(line) == 1 and line[0].startswith("sheetsync: ") and said in line[0].partition(" / ")[0], done.output


def test_a_file_named_for_its_format_is_written_in_it(tmp_path: Path, app: typer.Typer) -> None:
    from python_calamine import CalamineWorkbook

    done = CliRunner().invoke(app, ["template", "--format", "ods", "-o", str(tmp_path / "school.ods")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "school.ods").read_bytes()[:2] == b"PK"
    assert "_sheetsync" in CalamineWorkbook.from_path(str(tmp_path / "school.ods")).sheet_names


@pytest.mark.parametrize("sender", ["", "สำนักงานเขตจอมทอง office@bma.example"])
def test_validate_email_without_a_sender_stops_before_any_report(tmp_path: Path, progress_form: Form,
                                                                  sender: str) -> None:
    """It wrote every report first, then stopped (sync and template --email refuse before any file)."""
    from sheetsync.template.write import write_template
    from tests.cli import run

    school = tmp_path / "s1.xlsx"
    write_template(progress_form, school, recipient="s1")
    done = run("validate", school, "--report-dir", tmp_path / "reports", "--email", "--to", "s1@example.org",
               cwd=tmp_path, env={"SHEETSYNC_MAIL_FROM": sender, "SHEETSYNC_MAIL_OUTBOX": str(tmp_path / "outbox")})
    assert done.returncode == 3 and not (tmp_path / "reports").exists() and not (tmp_path / "outbox").exists()
    [line] = [text for text in done.stderr.splitlines() if text.strip()]
    assert line.startswith("sheetsync: ") and THAI.search(line.partition(" / ")[0]) and "sender" in line, line
