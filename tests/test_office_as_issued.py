"""The template as the office issued it, sent back with nothing typed in it.

Found by walking the monthly loop: a teacher sent her month-2 file (reports 1–3), then by mistake
dropped into the inbox next month's template exactly as the office issued it (reports 1–2 prefilled
and locked, nothing typed). ``sync`` merged it: the master fell back to reports 1–2, with only a
"report 3 is missing" warning. An older blank template (the first month's, nothing typed at all) was
refused with eight "fill in C4…" errors and showed ``ส่งไฟล์ที่ต้องแก้ไข`` for a school whose report
the office holds is fine. A file in which nothing was typed is now told as such, in one sentence,
never merged, and leaves the school's summary line as the office's record makes it.
"""

from __future__ import annotations

import datetime as dt
import email
import shutil
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import cast

from sheetsync.batch import write_report
from sheetsync.mailer import MailConfig, Thread
from sheetsync.messages import render
from sheetsync.office.store import Store
from sheetsync.roster import Recipient
from sheetsync.sync import SyncOptions, sync
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.cli import new_office, run
from tests.excel_saves import Typed, excel_saved, number, text
from tests.test_master_support import CODES, seed_data, variant
from tests.test_office_roster_left import summary_with_totals

ROSTER = ("recipient_id,school_name,email,project_code\n"
          f"s1,โรงเรียนวัดไทร,head@s1.example,{CODES[0]}\n"
          f"s2,โรงเรียนวัดยายร่ม,head@s2.example,{CODES[1]}\n")
AS_ISSUED = "as-issued"


def _status(office: Path, who: str) -> str:
    rows = {r["ผู้รายงาน"]: r for r in summary_with_totals(office / "master.xlsx") if r["ผู้รายงาน"]}
    return str(rows[who]["สถานะ"])


def _reports_held(office: Path, who: str) -> int:
    with Store(office / "sheetsync.sqlite") as store:
        current = store.current_of("progress-report", CODES[0], who)
        assert current is not None
        return len(current.data["reports"])


def _last_outcome(office: Path) -> tuple[str, str]:
    with Store(office / "sheetsync.sqlite") as store:
        last = store.outcomes()[-1]
        return last.result, last.code


def _answer(office: Path, name: str) -> str:
    """The text of the school's answer on the file ``name`` (its report in reports/)."""
    found = [p for p in (office / "reports").glob(f"{Path(name).stem}*") if p.suffix in (".txt", ".html")]
    assert found, sorted(p.name for p in (office / "reports").iterdir())
    return "\n".join(p.read_text(encoding="utf-8") for p in found)


def _report_three(signed: bool = True) -> dict[str, Typed]:
    """Report 3 as Excel stores what she typed into its row (39), and her name on the signature line."""
    report = seed_data()["reports"][2]
    serial = (dt.date.fromisoformat(report["date"]) - dt.date(1899, 12, 30)).days
    row = {"B39": number(serial, "[$-1070000]d/m/yyyy;@"), "C39": text(report["stage"]),
           "D39": number(report["progress_percent"] / 100, 10), "E39": number(0, 3), "F39": text("เป็นไปตามแผน"),
           "G39": text("เป็นไปตามเป้าหมาย")}
    return {**row, **_signed()} if signed else row


def _signed() -> dict[str, Typed]:
    return {"C50": text(seed_data()["certification"]["signer"])}


def _month_two(office: Path, form: Form) -> Path:
    """Month 1 (reports 1–2) received, next month's template issued from the master, and month 2
    (report 3 typed into that template in Excel) received: the template is returned."""
    write_template(form, office / "inbox" / "s1-month1.xlsx", data=variant(seed_data(), reports=2), recipient="s1",
                   issued=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    assert run("sync", cwd=office).returncode == 0
    assert run("template", "--from-master", "master.xlsx", "-o", "next/", cwd=office).returncode == 0
    template = next((office / "next").glob("s1 *.xlsx"))
    excel_saved(template, office / "inbox" / "s1-month2.xlsx", _report_three())
    done = run("sync", cwd=office)
    assert done.returncode == 0, done.stdout
    assert _reports_held(office, "s1") == 3
    return template


def test_next_months_template_sent_back_as_issued_is_not_merged_over_her_report(tmp_path: Path,
                                                                                progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    template = _month_two(office, progress_form)
    before = _status(office, "s1")
    shutil.copyfile(template, office / "inbox" / "s1-again.xlsx")
    run("sync", cwd=office)
    assert _reports_held(office, "s1") == 3  # the master keeps her month-2 file
    assert _last_outcome(office) == ("refused", AS_ISSUED)
    assert _status(office, "s1") == before != "ส่งไฟล์ที่ต้องแก้ไข"
    answer = _answer(office, "s1-again.xlsx")
    assert "ยังไม่ได้กรอก" in answer and "row-dropped" not in answer and "ครั้งที่ 3" not in answer, answer


def test_the_template_re_saved_in_excel_with_nothing_typed_is_the_template_as_issued(tmp_path: Path,
                                                                                      progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    template = _month_two(office, progress_form)
    excel_saved(template, office / "inbox" / "s1-saved.xlsx")
    run("sync", cwd=office)
    assert _reports_held(office, "s1") == 3
    assert _last_outcome(office) == ("refused", AS_ISSUED)


def test_an_older_blank_template_after_her_good_file_is_one_sentence_not_eight_errors(
        tmp_path: Path, progress_form: Form) -> None:
    office = new_office(tmp_path, ROSTER)
    assert run("template", "--roster", "roster.csv", "-o", "first/", cwd=office).returncode == 0
    _month_two(office, progress_form)
    before = _status(office, "s1")
    shutil.copyfile(next((office / "first").glob("s1 *.xlsx")), office / "inbox" / "s1-old.xlsx")
    run("sync", cwd=office)
    assert _last_outcome(office) == ("refused", AS_ISSUED)
    assert _status(office, "s1") == before != "ส่งไฟล์ที่ต้องแก้ไข"
    answer = _answer(office, "s1-old.xlsx")
    assert "C4" not in answer and "ยังไม่ได้กรอก" in answer, answer


def test_a_blank_template_from_a_school_that_sent_nothing_yet_leaves_it_owing(tmp_path: Path) -> None:
    office = new_office(tmp_path, ROSTER)
    assert run("template", "--roster", "roster.csv", "-o", "first/", cwd=office).returncode == 0
    shutil.copyfile(next((office / "first").glob("s2 *.xlsx")), office / "inbox" / "s2.xlsx")
    done = run("sync", cwd=office)
    assert _last_outcome(office) == ("refused", AS_ISSUED)
    assert _status(office, "s2") == "ยังไม่ได้รับรายงาน"
    assert "ยังไม่ได้กรอก" in _answer(office, "s2.xlsx") and done.returncode == 1


def test_a_report_she_typed_and_then_deleted_is_still_taken_out(tmp_path: Path, progress_form: Form) -> None:
    """The template's reports 1–2 with her name signed under them: something was typed, so it is her
    file, and a school may remove a report it entered by mistake (a warning, as before)."""
    office = new_office(tmp_path, ROSTER)
    template = _month_two(office, progress_form)
    excel_saved(template, office / "inbox" / "s1-fixed.xlsx", _signed())  # report 3 taken out again
    run("sync", cwd=office)
    assert _last_outcome(office) == ("replaced", "newer")
    assert _reports_held(office, "s1") == 2


#: The school's roster line, for the library's sync (a mailed file is answered in its thread).
PEOPLE = [Recipient("s1", "โรงเรียนวัดไทร", "head@s1.example", project_code=CODES[0])]
THREAD = Thread(message_id="<blank@s1.example>", sender="head@s1.example", subject="ส่งรายงาน")


def _sync_mailed(tmp_path: Path) -> list[EmailMessage]:
    """Every file of the inbox as brought by one e-mail (THREAD); the e-mails queued for the school."""
    inbox = tmp_path / "inbox"
    sync(inbox, tmp_path / "master.xlsx", report_dir=tmp_path / "reports", roster=PEOPLE,
         config=MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox"),
         options=SyncOptions(settle=0, view="never"), origins=lambda _: THREAD)
    with Store(tmp_path / "master.sqlite") as store:
        rows = store.query("SELECT message FROM outbox WHERE name != 'digest' AND carried_by IS NULL ORDER BY id")
    return [cast(EmailMessage, email.message_from_bytes(bytes(r[0]), policy=default)) for r in rows]


def _bodies(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    return str(text.get_content()), str(html.get_content())


def _blank(progress_form: Form, path: Path) -> None:
    write_template(progress_form, path, recipient="s1", issued=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))


#: What the answer on a file to correct says of its cells, none of which apply to a template sent back as issued.
FIX_WORDS = ("ต้องแก้ไข 1 รายการ", "1 item(s) to fix", "ตรวจแล้ว", "marked")


def test_the_answer_on_a_template_sent_back_as_issued_says_so_and_carries_no_marked_copy(
        tmp_path: Path, progress_form: Form) -> None:
    # Its answer was titled "ต้องแก้ไข 1 รายการ" and carried the template "marked up", as if a cell were wrong.
    _blank(progress_form, tmp_path / "inbox" / "s1.xlsx")
    [answer] = _sync_mailed(tmp_path)
    assert str(answer["Subject"]) == "Re: ส่งรายงาน"  # in her thread, as every answer
    assert list(answer.iter_attachments()) == []  # nothing is wrong in a cell: nothing to mark
    text, html = _bodies(answer)
    for body in (text, html):
        assert render("mail.intro.as-issued", "th", source="mail.yaml", file="s1.xlsx") in body
        assert body.index(render(AS_ISSUED, "th")) < body.index(render(AS_ISSUED, "en"))  # Thai first
        assert not [w for w in FIX_WORDS if w in body], body
    assert not list((tmp_path / "reports").glob("*ตรวจแล้ว*"))  # no marked-up copy written either


def test_a_new_answer_on_a_template_sent_back_as_issued_says_so_in_its_subject(progress_form: Form,
                                                                               tmp_path: Path) -> None:
    from sheetsync.batch import message_for
    from sheetsync.pipeline import check_file
    from sheetsync.office.unfilled import tell_as_issued

    _blank(progress_form, tmp_path / "s1.xlsx")
    item = check_file(tmp_path / "s1.xlsx")
    assert tell_as_issued(item)
    item.outputs = write_report(item, tmp_path / "reports", "s1", mark=False)
    message = message_for(item, MailConfig(from_addr="office@bma.example"), PEOPLE)
    assert message is not None
    subject = str(message["Subject"])
    assert subject.startswith(render("mail.subject.as-issued", "th", source="mail.yaml", name="โรงเรียนวัดไทร"))
    assert "ต้องแก้ไข" not in subject, subject


def test_a_template_sent_back_as_issued_beside_a_report_in_one_email_reads_right(
        tmp_path: Path, progress_form: Form) -> None:
    _blank(progress_form, tmp_path / "inbox" / "a-blank.xlsx")
    write_template(progress_form, tmp_path / "inbox" / "b-report.xlsx", data=variant(seed_data(), code=CODES[0]),
                   recipient="s1")
    [answer] = _sync_mailed(tmp_path)
    text, html = _bodies(answer)
    for body in (text, html):
        assert "a-blank.xlsx" in body and "b-report.xlsx" in body
        said = render("joined.result.as-issued", "th", source="mail.yaml")
        assert f"“a-blank.xlsx” — {said}" in body.replace("&ldquo;", "“").replace("&rdquo;", "”"), body
        assert render(AS_ISSUED, "th") in body
        blank = body.split("a-blank.xlsx", 1)[1].split("b-report.xlsx", 1)[0]  # the blank file's section
        assert not [w for w in FIX_WORDS if w in blank], blank
    assert not any("a-blank" in str(p.get_filename()) for p in answer.iter_attachments())
    heading = text.split("ไฟล์ที่ 1", 1)[0]
    assert "ต้องแก้ไข" not in heading, heading  # nothing to correct: a file to send, filled in
