"""The office's own name (``name`` in sheetsync.toml): a master sent up the line, and every e-mail,
says which office it comes from.

Before, the master's first line began "สร้างโดย sheetsync (generated) …", its printed pages said
only the sheet and page, e-mails were signed "อีเมลฉบับนี้สร้างโดยอัตโนมัติด้วย sheetsync" and came
from a bare address: fifty district masters on one desk up the line could not be told apart.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from odf import teletype
from odf.opendocument import load
from odf.style import Footer, MasterPage, Style
from odf.table import Table
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from sheetsync.errors import OfficeError
from sheetsync.mailer import SmtpMailer, Thread, compose_invitation, header_text
from sheetsync.mailer._reply import compose_unreadable_reply
from sheetsync.master import merge
from sheetsync.office.config import load_office, with_mail_env
from sheetsync.office.store import Store
from sheetsync.office.view import render_view
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import run
from tests.test_master_support import seed_data, submit, variant
from tests.test_mail_smtp import Server

NAME = "สำนักงานเขตบางรัก"
ROSTER = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,head@s1.example,50360000-4001\n"
          "s2,โรงเรียนวัดยายร่ม,head@s2.example,50360000-4002\n")


def make_office(tmp_path: Path, name: str | None = NAME, mail: str = "") -> Path:
    """An office made by `sheetsync init`, its ``name`` set (None: the line taken out, as in a
    sheetsync.toml written before the setting existed)."""
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    made = run("init", tmp_path / "district", "--roster", tmp_path / "schools.csv")
    assert made.returncode == 0, made.stderr
    config = tmp_path / "district" / "sheetsync.toml"
    text = config.read_text(encoding="utf-8")
    assert '\nname = ""' in text  # written, commented, for the clerk to fill in
    text = text.replace('\nname = ""', "" if name is None else f"\nname = {name}", 1)
    text = text.replace('from = ""', mail or 'from = ""', 1).replace("settle_seconds = 2.0", "settle_seconds = 0")
    config.write_text(text, encoding="utf-8")
    return tmp_path / "district"


# --- the setting -------------------------------------------------------------------------------------

def test_the_name_is_read_and_reaches_the_mail_settings(tmp_path: Path) -> None:
    config = load_office(make_office(tmp_path, f'"  {NAME}  "'))
    assert config.name == NAME
    assert config.mail.office_name == NAME and with_mail_env(config).office_name == NAME


def test_an_office_made_before_the_setting_works_unchanged(tmp_path: Path) -> None:
    folder = make_office(tmp_path, None)
    assert "name =" not in (folder / "sheetsync.toml").read_text(encoding="utf-8")
    config = load_office(folder)
    assert config.name == "" and config.mail.office_name == ""


@pytest.mark.parametrize("value", ["3", "true", '["สำนักงานเขตบางรัก"]', '"สำนักงาน\\nเขตบางรัก"',
                                   '"สำนักงาน\\tเขต"', '"สำนักงาน\\u0007"', f'"{"ก" * 121}"'])
def test_a_name_that_cannot_be_used_is_one_clear_error(tmp_path: Path, value: str) -> None:
    folder = make_office(tmp_path, value)
    with pytest.raises(OfficeError) as caught:
        load_office(folder)
    said = str(caught.value)
    assert str(folder / "sheetsync.toml") in said and "name = " in said
    # A hidden character (a tab pasted from Excel) is said where it is, as the clerk cannot see it.
    assert ("ต่อจาก “สำนักงาน”" in said) if "\\" in value else ("120" in said)
    assert "\n" not in said
    ran = run("master", cwd=folder)  # a command run in the office: one line, no traceback
    assert ran.returncode == 2  # the office's configuration is wrong: as a wrong option is
    assert ran.stderr.count("\n") == 1 and said in ran.stderr


def test_a_name_of_120_characters_is_taken(tmp_path: Path) -> None:
    assert load_office(make_office(tmp_path, f'"{"ก" * 120}"')).name == "ก" * 120


# --- the master ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, progress_form: Form) -> Path:
    """Two schools merged into one store."""
    folder = tmp_path_factory.mktemp("named")
    paths = [submit(progress_form, folder, variant(seed_data(), code=f"50360000-40{n:02d}", reports=3), f"s{n}")
             for n in (1, 2)]
    merge(paths, folder / "master.xlsx", period="2020-03")
    return folder / "master.sqlite"


def view(store: Path, path: Path, office: str = "") -> Path:
    with Store(store) as db:
        render_view(db, path, period="2020-03", office=office)
    return path


def first_lines(path: Path) -> dict[str, str]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: str(book.get_sheet_by_name(name).to_python()[0][0]) for name in book.sheet_names}


def xlsx_footers(path: Path) -> dict[str, str]:
    """Each visible sheet's printed footer, as Excel's codes (``&A`` sheet, ``&P`` page …)."""
    book = load_workbook(path)
    return {ws.title: ws.oddFooter.center.text or "" for ws in book.worksheets if ws.sheet_state == "visible"}


def ods_footers(path: Path) -> dict[str, str]:
    """Each visible sheet's printed footer text (fields left out: odfpy reads only the literal text)."""
    doc = load(str(path))
    styles = {s.getAttribute("name"): s for s in doc.automaticstyles.getElementsByType(Style)}
    masters = {m.getAttribute("name"): m for m in doc.masterstyles.getElementsByType(MasterPage)}
    footers = {}
    for table in doc.spreadsheet.getElementsByType(Table):
        master = styles[table.getAttribute("stylename")].getAttribute("masterpagename")
        if master:  # a hidden sheet prints nothing
            footers[table.getAttribute("name")] = "".join(teletype.extractText(f) for f in
                                                          masters[master].getElementsByType(Footer))
    return footers


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_every_sheet_s_first_line_begins_with_the_office_s_name(store: Path, tmp_path: Path, fmt: str) -> None:
    named = first_lines(view(store, tmp_path / f"named.{fmt}", NAME))
    plain = first_lines(view(store, tmp_path / f"plain.{fmt}"))
    assert len(named) >= 5 and named.keys() == plain.keys()
    for sheet, line in named.items():
        assert line.startswith(f"{NAME} — สร้างโดย sheetsync"), (sheet, line)
        assert line.removeprefix(f"{NAME} — ") == plain[sheet]  # the rest of the line as before
        assert plain[sheet].startswith("สร้างโดย sheetsync") and NAME not in plain[sheet]


def test_every_printed_page_names_the_office_xlsx(store: Path, tmp_path: Path) -> None:
    named, plain = xlsx_footers(view(store, tmp_path / "named.xlsx", NAME)), xlsx_footers(view(store, tmp_path / "p.xlsx"))
    assert len(named) >= 5 and named.keys() == plain.keys()
    for sheet, footer in named.items():
        assert footer == f"{NAME} — &A — หน้า &P / &N", sheet
        assert plain[sheet] == "&A — หน้า &P / &N"  # without a name: the footer of before


def test_every_printed_page_names_the_office_ods(store: Path, tmp_path: Path) -> None:
    named, plain = ods_footers(view(store, tmp_path / "named.ods", NAME)), ods_footers(view(store, tmp_path / "p.ods"))
    assert len(named) >= 5 and named.keys() == plain.keys()
    for sheet, footer in named.items():
        assert footer.startswith(f"{NAME} — ") and footer.endswith(" / "), (sheet, footer)
        assert footer.removeprefix(f"{NAME} — ") == plain[sheet] and NAME not in plain[sheet]


def test_a_name_with_excel_s_footer_codes_prints_as_written(store: Path, tmp_path: Path) -> None:
    # "&" starts a code in an Excel footer ("&P" is the page number): the name's own must be doubled.
    name = "สพท. A&P {sheet} " + "&" * 100
    footers = xlsx_footers(view(store, tmp_path / "amp.xlsx", name))
    for footer in footers.values():
        assert footer.startswith("สพท. A&&P {sheet} &&") and footer.endswith(" — &A — หน้า &P / &N")
        assert footer.count("&&") < 100  # cut (with "…") to fit the 255 characters Excel reads, page kept
        assert "…" in footer
    assert all(line.startswith(name) for line in first_lines(tmp_path / "amp.xlsx").values())
    assert all(footer.startswith("สพท. A&P {sheet} &&&") for footer in ods_footers(view(store, tmp_path / "a.ods", name)).values())


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_printed_by_calc_every_page_names_the_office(libreoffice: Any, store: Path, tmp_path: Path,
                                                      fmt: str) -> None:
    path = view(store, tmp_path / f"view.{fmt}", "สำนักงานเขต A&B")
    pdf = libreoffice.convert(path, path.with_suffix(".pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 5
    for n, page in enumerate(pages, start=1):
        footer = [line for line in page.splitlines() if "หน้า" in line and f"/ {len(pages)}" in line]
        assert len(footer) == 1 and "สำนักงานเขต A&B —" in footer[0], (n, page[-300:])


@pytest.mark.parametrize("command", ["sync", "merge", "master"])
def test_each_command_of_the_office_names_it_in_its_master(tmp_path: Path, progress_form: Form,
                                                           command: str) -> None:
    folder = make_office(tmp_path, f'"{NAME}"')
    files = [folder / "inbox" / f"s{n}.xlsx" for n in (1, 2)]
    for n, path in enumerate(files, start=1):
        write_template(progress_form, path, recipient=f"s{n}", data=variant(seed_data(), code=f"50360000-400{n}", reports=2))
    if command == "master":
        assert run("merge", *files, "--master", tmp_path / "elsewhere.xlsx", cwd=folder).returncode == 0
        ran = run("master", "--store", tmp_path / "elsewhere.sqlite", "-o", folder / "master.xlsx", cwd=folder)
    elif command == "merge":
        ran = run("merge", *files, cwd=folder)
    else:
        ran = run("sync", cwd=folder)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert all(line.startswith(f"{NAME} — ") for line in first_lines(folder / "master.xlsx").values())
    assert all(footer.startswith(NAME) for footer in xlsx_footers(folder / "master.xlsx").values())


# --- e-mail -------------------------------------------------------------------------------------------

def mailing_office(tmp_path: Path, smtp: Server, sender: str, name: str | None = f'"{NAME}"') -> Path:
    return make_office(tmp_path, name, f'from = "{sender}"\ndigest_to = "boss@bma.example"\n'
                                        f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\nsmtp_security = "none"')


def signed(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML bodies' last lines (the signature)."""
    parts = {p.get_content_type(): str(p.get_content()).replace("\r\n", "\n") for p in message.walk()
             if p.get_content_maintype() == "text"}
    return parts["text/plain"].rstrip().rsplit("\n-- \n", 1)[-1], parts["text/html"]


def sender(message: EmailMessage) -> str:
    """The From header as a mail program shows it (encoded words joined: the email package's parser
    splits a Thai name encoded in two words with a space, see sheetsync.mailer.header_text)."""
    return header_text(message, "From")


def run_sync(folder: Path, form: Form) -> None:
    """One school's file with a mistake and one without, synced and sent."""
    good = variant(seed_data(), code="50360000-4001", reports=2)
    bad = variant(seed_data(), code="50360000-4002", reports=2)
    bad["reports"][1]["progress_percent"] = 5.0  # below the month before: a mistake
    write_template(form, folder / "inbox" / "s1.xlsx", recipient="s1", data=good)
    write_template(form, folder / "inbox" / "s2.xlsx", recipient="s2", data=bad)
    ran = run("sync", "--send", cwd=folder)
    assert ran.returncode in (0, 1), ran.stdout + ran.stderr


def test_reports_and_digest_come_from_the_office_and_are_signed_by_it(tmp_path: Path, smtp: Server,
                                                                      progress_form: Form) -> None:
    folder = mailing_office(tmp_path, smtp, "office@bma.example")
    run_sync(folder, progress_form)
    received = smtp.messages()
    assert sorted(m["To"].addresses[0].addr_spec for m in received) == ["boss@bma.example", "head@s1.example",
                                                                       "head@s2.example"]
    for message in received:
        assert sender(message) == str(Address(NAME, "office", "bma.example")) == f"{NAME} <office@bma.example>"
        text, html = signed(message)
        assert text == f"อีเมลฉบับนี้สร้างโดยอัตโนมัติด้วย sheetsync ในนามของ {NAME}", message["To"]
        assert f"ในนามของ {NAME}" in html
    raw = [e.original_content or b"" for e in smtp.handler.envelopes]
    for head in (r.split(b"\r\n\r\n", 1)[0] for r in raw):  # Thai encoded (RFC 2047), not sent raw
        assert head.isascii() and re.search(rb"(?m)^From: =\?utf-8\?b\?", head)


def test_a_sender_with_a_name_of_its_own_keeps_it(tmp_path: Path, smtp: Server, progress_form: Form) -> None:
    folder = mailing_office(tmp_path, smtp, "กลุ่มงานแผน <plan@bma.example>")
    run_sync(folder, progress_form)
    assert {sender(m) for m in smtp.messages()} == {"กลุ่มงานแผน <plan@bma.example>"}
    assert all(NAME in signed(m)[0] for m in smtp.messages())  # signed by the office all the same


def test_without_a_name_the_mail_is_as_before(tmp_path: Path, smtp: Server, progress_form: Form) -> None:
    folder = mailing_office(tmp_path, smtp, "office@bma.example", None)
    run_sync(folder, progress_form)
    received = smtp.messages()
    assert len(received) == 3
    for message in received:
        assert sender(message) == "office@bma.example"
        if message["To"] != "boss@bma.example":  # the digest is signed only by a named office
            assert signed(message)[0] == "อีเมลฉบับนี้สร้างโดยอัตโนมัติด้วย sheetsync"
        else:
            assert "\n-- \n" not in signed(message)[0] and "sheetsync" not in signed(message)[0]


def test_invitations_and_replies_are_signed_in_thai_and_english(tmp_path: Path, smtp: Server,
                                                                progress_form: Form) -> None:
    config = with_mail_env(load_office(mailing_office(tmp_path, smtp, "office@bma.example")))
    template = tmp_path / "s1.xlsx"
    write_template(progress_form, template, recipient="s1")
    school = Recipient(id="s1", school="โรงเรียนวัดไทร", email="head@s1.example", project_code="")
    thread = Thread("<asked@s1.example>", "ส่งรายงาน", sender="head@s1.example")
    messages = [compose_invitation(template, school, config, form="แบบรายงานความก้าวหน้า"),
                compose_unreadable_reply(thread, "รายงาน.pdf", "not a spreadsheet", config)]
    with SmtpMailer(config) as mailer:
        for message in messages:
            mailer.send(message)
    received = smtp.messages()
    assert len(received) == 2
    for message in received:
        assert sender(message) == f"{NAME} <office@bma.example>"
        text, html = signed(message)
        assert text.splitlines() == [f"อีเมลฉบับนี้สร้างโดยอัตโนมัติด้วย sheetsync ในนามของ {NAME}",
                                     f"This e-mail was written automatically by sheetsync for {NAME}."]
        assert f"ในนามของ {NAME}<br>This e-mail" in html
