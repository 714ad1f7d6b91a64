"""The office folder: init, commands run inside it, the master view, history (issue 10)."""

from __future__ import annotations

import email
import email.policy
import os
import stat
import time
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from sheetsync.spec.form import Form
from sheetsync.master import read_master
from sheetsync.office.config import load_office
from sheetsync.office.history import Change, KeyHistory, Version, history, render_history
from sheetsync.office.store import Store
from sheetsync.template.write import write_template
from tests.test_master_support import at, seed_data, variant

def test_init_makes_the_office(office: Path, app: typer.Typer) -> None:
    for name in ("inbox", "outbox", "reports", "quarantine", "processed"):
        assert (office / name).is_dir()
    key = office / "office.key"
    assert len(key.read_bytes()) == 32 and stat.S_IMODE(key.stat().st_mode) == 0o600
    text = (office / "sheetsync.toml").read_text(encoding="utf-8")
    assert text.count("#") > 10  # commented
    assert tomllib.loads(text)["form"] == "progress-report"
    config = load_office(office)
    assert config.key_file == key.resolve() and config.roster == (office / "roster.csv").resolve()
    assert config.store.exists()
    again = CliRunner().invoke(app, ["init", str(office)])
    assert again.exit_code == 2 and "already an office" in again.output


def in_office(app: typer.Typer, office: Path, *args: str) -> Any:
    cwd = Path.cwd()
    os.chdir(office)
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        os.chdir(cwd)


def test_sync_inside_the_office_uses_its_configuration(office: Path, app: typer.Typer, progress_form: Form) -> None:
    config = (office / "sheetsync.toml").read_text(encoding="utf-8")
    (office / "sheetsync.toml").write_text(config.replace('from = ""', 'from = "office@bma.example"')
                                           .replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), reports=5), recipient="s1",
                   issued=at(40))
    (office / "inbox" / "s2-scan.pdf").write_bytes(b"%PDF-1.4")
    result = in_office(app, office, "sync")
    assert result.exit_code == 1, result.output  # the PDF set aside: a school's file not taken (2: a wrong command)
    assert (office / "processed" / "s1.xlsx").exists()
    assert (office / "quarantine" / "s2-scan.pdf").exists() and (office / "quarantine" / "s2-scan.pdf.txt").exists()
    assert (office / "master.xlsx").exists() and len(list((office / "outbox").glob("*.eml"))) == 2
    assert [r.id for r in read_master(office / "master.xlsx").roster] == ["s1", "s2"]
    # A second version of the same school's file, then history shows both and what changed.
    write_template(progress_form, office / "inbox" / "s1-fixed.xlsx", data=variant(seed_data(), reports=6),
                   recipient="s1", issued=at(70))
    assert in_office(app, office, "sync").exit_code == 0
    with Store(office / "sheetsync.sqlite") as store:
        (item,) = history(store, recipient="s1")
    assert [v.file for v in item.versions] == ["s1.xlsx", "s1-fixed.xlsx"]
    assert [v.result for v in item.versions] == ["merged", "replaced"]
    assert "/reports/5" in [c.pointer for c in item.versions[1].changes]
    shown = in_office(app, office, "history", "--recipient", "s1", "--project", "50360000-3553")
    assert shown.exit_code == 0 and "s1-fixed.xlsx" in shown.output and "รายงานครั้งที่ 6:" in shown.output
    # On demand, in another format and period; the office's own view is left alone.
    view = in_office(app, office, "master", "-o", str(office / "copy.ods"), "--store", str(office / "sheetsync.sqlite"),
                     "--period", "2020-03")
    assert view.exit_code == 0, view.output
    assert (office / "copy.ods").exists() and read_master(office / "master.xlsx").records


def test_the_clerks_own_ways_of_asking_for_a_view_and_a_history(office: Path, app: typer.Typer, progress_form: Form,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    config = (office / "sheetsync.toml").read_text(encoding="utf-8")
    (office / "sheetsync.toml").write_text(config.replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), reports=5), recipient="s1",
                   issued=at(40))
    assert in_office(app, office, "sync").exit_code == 0
    # The README's example, as printed: -o alone inside the office renders the office's store.
    views = {}
    for period in ("2020-03", "2563-03"):  # a Thai clerk writes the B.E. year, as everywhere in the form
        view = in_office(app, office, "master", "-o", f"view-{period}.xlsx", "--period", period)
        assert view.exit_code == 0, view.output
        views[period] = [[c.value for c in row] for row in openpyxl.load_workbook(office / f"view-{period}.xlsx")
                         .worksheets[0].iter_rows()]
    assert views["2020-03"] == views["2563-03"]
    wrong = in_office(app, office, "master", "--period", "2563-13")
    assert wrong.exit_code == 2 and "must be YYYY-MM" in wrong.output
    (office / "sheetsync.toml").write_text(config.replace("settle_seconds = 2.0", "settle_seconds = 0")
                                           .replace('period = ""', 'period = "2563-03"'), encoding="utf-8")
    assert load_office(office).period == "2020-03"
    # history shows the clerk's own clock, not UTC without a word.
    monkeypatch.setenv("TZ", "Asia/Bangkok")
    time.tzset()
    try:
        shown = in_office(app, office, "history", "--recipient", "s1")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert shown.exit_code == 0 and " +0700  รวมแล้ว / merged" in shown.output, shown.output


def test_commands_outside_an_office_say_what_to_give(app: typer.Typer, tmp_path: Path) -> None:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(app, ["sync"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2 and "no office here" in result.output


def test_school_charts_come_from_the_configuration(office: Path) -> None:
    toml = office / "sheetsync.toml"
    assert load_office(office).school_charts == ()
    text = toml.read_text(encoding="utf-8")
    assert "school_charts = []" in text  # written, commented, by init
    toml.write_text(text.replace("school_charts = []", 'school_charts = ["n73-01", "n74-02"]'), encoding="utf-8")
    assert load_office(office).school_charts == ("n73-01", "n74-02")
    toml.write_text(text.replace("school_charts = []", 'school_charts = "n73-01"'), encoding="utf-8")
    from sheetsync.errors import OfficeError

    with pytest.raises(OfficeError, match=r"sheetsync\.toml: school_charts must be a list of recipient ids"):
        load_office(office)


def test_history_shows_where_a_long_text_changed() -> None:
    """A stage text corrected at its end: both sides cut at the same length looked identical."""
    stage = "จัดสรรงบประมาณและจัดซื้อวัสดุ (ครั้งที่ ๑) (โรงเรียนวัดโพธิ์ทอง)"
    change = Change("/reports/1/stage", stage, stage + " แก้ไขยอด")
    item = KeyHistory("progress-report", "50360000-3553", "s01",
                      [Version("2026-11-30T13:38:41+00:00", "v2.xlsx", "c510f16ab2e7", "replaced", "", "", (change,))])
    line = render_history([item]).splitlines()[-1]
    before, after = line.split(": ", 1)[1].split(" → ")
    assert before != after and "แก้ไขยอด" in after
    assert "โพธิ์ทอง)" in before  # the end of the old text, from a whole letter on
    assert not any(unicodedata.category(text.lstrip("…")[0]) == "Mn" for text in (before, after))


def test_a_file_dropped_again_is_named_and_the_run_speaks_thai_first(office: Path, app: typer.Typer,
                                                                      progress_form: Form,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Dropped a second time, a file vanished into processed/ under 'sheetsync sync: nothing new'
    (English only), the clerk left to wonder whether it was read; a quarantined file's note named
    the file twice ('scan.xlsx: scan.xlsx: not a spreadsheet')."""
    config = (office / "sheetsync.toml").read_text(encoding="utf-8")
    (office / "sheetsync.toml").write_text(config.replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=seed_data(),
                   recipient="n73-01")
    (office / "inbox" / "scan.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "200")  # the table whole, on a line each
    first = in_office(app, office, "sync")
    assert "ไฟล์ / file" in first.output and "รวมแล้ว / merged" in first.output
    note = (office / "quarantine" / "scan.xlsx.txt").read_text(encoding="utf-8")
    assert "scan.xlsx: scan.xlsx:" not in note and "scan.xlsx: " in note
    (office / "inbox" / "again.xlsx").write_bytes((office / "processed" / "s1.xlsx").read_bytes())
    again = in_office(app, office, "sync")
    assert again.exit_code == 0
    assert [line for line in again.output.splitlines() if line][:2] == ["sheetsync sync: ไม่มีไฟล์ใหม่ / nothing new",
                                             "  again.xlsx: เคยได้รับแล้ว / already seen"]


def test_next_periods_templates_inside_the_office_go_to_every_school_of_its_roster(office: Path, app: typer.Typer,
                                                                                  progress_form: Form) -> None:
    """s2's only file was refused, so the master holds nothing of s2: next period's templates made
    inside the office still include s2's, from the office's roster (no --roster needed there)."""
    config = (office / "sheetsync.toml").read_text(encoding="utf-8")
    (office / "sheetsync.toml").write_text(config.replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), reports=5), recipient="s1",
                   issued=at(40))
    wrong = variant(seed_data(), reports=5)
    wrong["reports"][0]["progress_percent"] = 250.0  # against the schema: refused, nothing of s2 is merged
    write_template(progress_form, office / "inbox" / "s2.xlsx", data=wrong, recipient="s2", issued=at(40))
    assert in_office(app, office, "sync").exit_code == 1
    assert [key.recipient for key in read_master(office / "master.xlsx").records] == ["s1"]
    made = in_office(app, office, "template", "--from-master", "master.xlsx", "-o", "next")
    assert made.exit_code == 0, made.output
    names = sorted(p.name for p in (office / "next").iterdir())
    assert len(names) == 2 and any("s1" in n for n in names) and any("s2" in n for n in names), names


@pytest.mark.parametrize("saved_as", ["utf-8-sig", "cp874", "utf-16"])
def test_a_configuration_saved_by_windows_notepad_is_read(office: Path, saved_as: str) -> None:
    """Notepad writes UTF-8 with a byte-order mark (before 2019), as "ANSI" on Thai Windows cp874, or as
    "Unicode" UTF-16 LE with a mark, each with CRLF: the office's Thai name comes through every way (a BOM
    was "Invalid statement", cp874 a traceback, UTF-16 "neither UTF-8 nor Thai")."""
    config = office / "sheetsync.toml"
    config.write_bytes(config.read_text(encoding="utf-8").replace('name = ""', 'name = "สำนักงานเขตบางรัก"')
                       .replace("\n", "\r\n").encode(saved_as))
    assert load_office(office).name == "สำนักงานเขตบางรัก"


def test_a_configuration_in_another_encoding_is_one_thai_first_line(office: Path, app: typer.Typer) -> None:
    config = office / "sheetsync.toml"
    config.write_bytes(config.read_text(encoding="utf-8").replace('name = ""', 'name = "Bureau d\'été"')
                       .encode("latin-1", errors="replace"))  # its Thai comments cannot be Latin-1
    result = in_office(app, office, "sync")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "UTF-8" in line and line.index("แฟ้มตั้งค่า") < line.index("neither UTF-8") and "Traceback" not in line


def test_validate_email_inside_the_office_uses_its_mail_settings_and_roster(office: Path, app: typer.Typer,
                                                                           progress_form: Form,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate --email` run in the office mails as the office does (its sender and name, its outbox,
    its roster's addresses): it read only the environment, so it said there was no sender."""
    for name in [n for n in os.environ if n.startswith("SHEETSYNC_MAIL_")]:
        monkeypatch.delenv(name)
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"')
                      .replace('name = ""', 'name = "สำนักงานเขตบางรัก"'), encoding="utf-8")
    data = variant(seed_data(), reports=5)
    data["reports"][2]["progress_percent"] = 5.0  # progress going back: an error to report
    write_template(progress_form, office / "s1.xlsx", data=data, recipient="s1", issued=at(40))
    done = in_office(app, office, "validate", "s1.xlsx", "--email")
    assert done.exit_code == 1, done.output
    mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in (office / "outbox").glob("*.eml")]
    [report] = [m for m in mails if m["To"] and "head@s1.example" in str(m["To"])]
    assert report["From"].addresses[0].addr_spec == "office@bma.example"
    assert "สำนักงานเขตบางรัก" in report.get_body(("plain",)).get_content()


def test_history_finds_a_code_typed_as_the_clerk_types_it(office: Path, app: typer.Typer, progress_form: Form) -> None:
    """A code in Thai digits, or pasted with a space, is the same code: the store keeps it in ASCII
    (as the roster's and the school's Thai digits are read), and finding nothing there misleads."""
    config = (office / "sheetsync.toml").read_text(encoding="utf-8")
    (office / "sheetsync.toml").write_text(config.replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), reports=5), recipient="s1",
                   issued=at(40))
    assert in_office(app, office, "sync").exit_code == 0
    code = seed_data()["project"]["code"]
    thai = code.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    for asked in (["--project", thai], ["--project", f" {code} "], ["--recipient", " s1 ", "--project", code]):
        shown = in_office(app, office, "history", *asked)
        assert shown.exit_code == 0 and "รวมแล้ว / merged" in shown.output, (asked, shown.output)
