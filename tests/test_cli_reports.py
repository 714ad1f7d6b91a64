"""validate --report-dir / --email and template --roster, run as a real process."""

from __future__ import annotations

import email
import json
import email.policy
from pathlib import Path
from typing import Any

import pytest

from sheetsync.messages import render
from sheetsync.spec.form import Form
from sheetsync.check.reader import read_filled
from sheetsync.template.write import write_template
from tests.cli import run


def test_report_dir_and_email_outbox(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\n"
                      "s01,โรงเรียนวัดไทร,head@s01.example,50360000-3553\n"
                      "s02,โรงเรียนวัดยายร่ม,head@s02.example,50360000-3553\n"
                      "s03,โรงเรียนวัดสี่สุก,head@s03.example,50360000-3553\n", encoding="utf-8")
    good, bad = tmp_path / "s01.xlsx", tmp_path / "s02.ods"
    write_template(progress_form, good, data=seed, recipient="s01")
    seed["reports"][3]["progress_percent"] = 1.0
    write_template(progress_form, bad, data=seed, recipient="s02")
    reports, outbox = tmp_path / "reports", tmp_path / "outbox"
    done = run("validate", good, bad, "--report-dir", reports, "--email", "--roster", roster, "--outbox", outbox,
               env={"SHEETSYNC_MAIL_FROM": "office@bma.example"})
    assert done.returncode == 1, done.stderr
    names = {p.name for p in reports.iterdir()}
    assert {"s01.txt", "s01.html", "s01.json", "s01-ตรวจแล้ว.xlsx", "s02-ตรวจแล้ว.ods",
            "summary.xlsx", "summary.csv"} <= names
    marked = read_filled(reports / "s02-ตรวจแล้ว.ods")
    assert marked.data == read_filled(bad).data
    messages = {p.name: email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in outbox.glob("*.eml")}
    to = sorted(str(m["To"]) for m in messages.values())
    assert any("head@s01.example" in t for t in to) and any("head@s02.example" in t for t in to)
    digest = next(m for m in messages.values() if "head@" not in str(m["To"]))
    body = digest.get_body(("plain",)).get_content()
    assert "s03" in body or "วัดสี่สุก" in body  # on the roster, sent nothing


def test_template_roster_puts_the_recipient_in_each_file(tmp_path: Path) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email,project_code\n"
                      "s/01,ร.ร./วัด:ไทร*?,a@x.example,50360000-3553\nCON,โรงเรียน CON,b@x.example,\n",
                      encoding="utf-8-sig")
    done = run("template", "--roster", roster, "-o", tmp_path / "out", "--format", "ods")
    assert done.returncode == 0, done.stderr
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 2 and all(f.suffix == ".ods" for f in files)
    recipients = {read_filled(f).metadata["recipient"] for f in files}
    assert recipients == {"s/01", "CON"}
    first = read_filled(next(f for f in files if read_filled(f).metadata["recipient"] == "s/01"))
    assert first.data["project"]["code"] == "50360000-3553"


@pytest.mark.parametrize("lang, first", [("th", "th"), ("en", "en")])
def test_report_dir_puts_the_asked_language_first(progress_form: Form, seed: dict[str, Any], tmp_path: Path,
                                                  lang: str, first: str) -> None:
    # `validate --lang en --report-dir DIR` wrote every .txt and .html Thai first all the same.
    seed["reports"][3]["progress_percent"] = 1.0  # progress going back: one error to report
    bad = tmp_path / "s02.xlsx"
    write_template(progress_form, bad, data=seed, recipient="s02")
    done = run("validate", bad, "--report-dir", tmp_path / "reports", "--lang", lang, "--email", "--to",
               "head@s02.example", "--outbox", tmp_path / "outbox", env={"SHEETSYNC_MAIL_FROM": "office@bma.example"})
    assert done.returncode == 1, done.stderr
    text = (tmp_path / "reports" / "s02.txt").read_text(encoding="utf-8")
    page = (tmp_path / "reports" / "s02.html").read_text(encoding="utf-8")
    heads = {language: render("report.list.errors", language, count=1) for language in ("th", "en")}
    titles = {language: render("report.title", language) for language in ("th", "en")}
    second = "en" if first == "th" else "th"
    assert -1 < text.index(heads[first]) < text.index(heads[second])  # both there, the asked one first
    assert -1 < page.index(titles[first]) < page.index(titles[second])
    assert f'<html lang="{first}">' in page
    [mail] = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
              for p in (tmp_path / "outbox").glob("*.eml") if b"head@s02.example" in p.read_bytes()]
    body = mail.get_body(("plain",)).get_content()  # the e-mail's text is the report's: the same order
    assert -1 < body.index(heads[first]) < body.index(heads[second])


def test_report_dir_keeps_the_reports_of_two_files_of_one_name_apart(progress_form: Form, seed: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    """``x.xlsx`` and ``x.ods`` in one run (or one run each) get reports of their own, whatever the order."""
    xlsx, ods = tmp_path / "x.xlsx", tmp_path / "x.ods"
    write_template(progress_form, xlsx, data=seed, recipient="s01")
    seed["reports"][3]["progress_percent"] = 1.0
    write_template(progress_form, ods, data=seed, recipient="s02")
    for order in ((ods, xlsx), (xlsx, ods)):
        reports = tmp_path / f"reports-{order[0].suffix[1:]}"
        assert run("validate", *order, "--report-dir", reports).returncode == 1
        for source in (xlsx, ods):
            for ext in ("txt", "html", "json"):
                assert (reports / f"{source.name}.{ext}").exists(), sorted(p.name for p in reports.iterdir())
            told = json.loads((reports / f"{source.name}.json").read_text(encoding="utf-8"))
            assert Path(told["file"]).name == source.name
        assert (reports / "x.ods-ตรวจแล้ว.ods").exists()
        assert not (reports / "x.json").exists()


def test_report_dir_keeps_an_earlier_runs_reports_of_another_file(progress_form: Form, seed: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    """One run checks ``x.xlsx``, the next ``x.ods`` into the same folder: the first's reports stay;
    checking ``x.xlsx`` again writes over its own (a file of a name of its own keeps the plain name)."""
    xlsx, ods = tmp_path / "x.xlsx", tmp_path / "x.ods"
    write_template(progress_form, xlsx, data=seed, recipient="s01")
    write_template(progress_form, ods, data=seed, recipient="s02")
    reports = tmp_path / "reports"
    for source in (xlsx, ods, xlsx):
        assert run("validate", source, "--report-dir", reports).returncode == 0
    assert Path(json.loads((reports / "x.json").read_text(encoding="utf-8"))["file"]).name == "x.xlsx"
    assert Path(json.loads((reports / "x.ods.json").read_text(encoding="utf-8"))["file"]).name == "x.ods"
    assert not (reports / "x-2.json").exists()
