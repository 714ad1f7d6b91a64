"""The loop by e-mail from its first step: each school is sent its own template (`sheetsync template
--email`), answers that message with the file filled in, and the office's sync answers in the same
conversation. Real Dovecot, real SMTP, the installed command."""

from __future__ import annotations

import email
import email.policy
import json
import sqlite3
import os
import subprocess
import sys
from email.message import EmailMessage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path
from typing import Any

import pytest

from sheetsync.batch import queue_templates
from sheetsync.check.reader import read_filled
from sheetsync.identity import load_key
from sheetsync.mailer import MailConfig
from sheetsync.roster import Recipient, read_roster
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import PASSWORD, Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_loop import ROSTER
from tests.cli import run
from tests.test_mail_smtp import Server

SENDER = "สำนักงานเขตจอมทอง <office@bma.example>"


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path) -> Path:
    """An office of the test mail servers (see :func:`invite_office`)."""
    return invite_office(mailbox, smtp, tmp_path)


def invite_office(mailbox: Mailbox, smtp: Server, tmp_path: Path) -> Path:
    """An office whose [mail] is the test SMTP server and [imap] the test Dovecot (an empty mailbox)."""
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    made = sheetsync(tmp_path, "init", "district", "--roster", "schools.csv")
    assert made.returncode == 0, made.stderr
    config = tmp_path / "district" / "sheetsync.toml"
    text = config.read_text(encoding="utf-8").replace(
        'from = ""', f'from = "{SENDER}"\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\nsmtp_security = "none"', 1)
    text = text.replace("\n[imap]\n", f'\n[imap]\nhost = "127.0.0.1"\nport = {mailbox.server.tls_port}\n'
                        f'user = "{mailbox.user}"\ncafile = "{mailbox.server.cafile}"\n', 1)
    config.write_text(text.replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    return tmp_path / "district"


def sheetsync(cwd: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env.update(COLUMNS="120", SHEETSYNC_IMAP_PASSWORD=PASSWORD, **extra)
    return subprocess.run([sys.executable, "-m", "sheetsync", *args], capture_output=True, text=True, timeout=300,
                          env=env, cwd=cwd)


def bounce_of(message: EmailMessage) -> bytes:
    """A delivery failure report (RFC 3464) as a mail server sends it, the original message inside."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mail.bma.example>"
    report["To"] = "office@bma.example"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce-1@mail.bma.example>"
    report.attach(MIMEText("This is the mail system: your message could not be delivered.", "plain", "utf-8"))
    report.attach(MIMEMessage(message))
    return report.as_bytes()


def read_roster_text(text: str, folder: Path) -> list[Recipient]:
    (folder / "schools.csv").write_text(text, encoding="utf-8")
    return read_roster(folder / "schools.csv")


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    return str(part.get_filename()), bytes(part.get_content())


def test_each_school_gets_its_template_and_its_answer_comes_back_in_the_thread(
        district: Path, mailbox: Mailbox, smtp: Server, progress_form: Form, seed: dict[str, Any],
        tmp_path: Path) -> None:
    sent = sheetsync(district, "template", "--roster", "roster.csv", "-o", "templates", "--email")
    assert sent.returncode == 0, sent.stderr
    assert "queued 4 message(s)" in sent.stdout
    delivered = sheetsync(district, "sync", "--send")  # the office's scheduled run sends what waits
    assert delivered.returncode == 0, delivered.stderr
    invitations = {m["To"].addresses[0].addr_spec: m for m in smtp.messages()}
    assert sorted(invitations) == ["a@s1.example", "b@s2.example", "c@s3.example", "d@s4.example"]
    for address, message in invitations.items():
        name, data = attachment(message)
        (tmp_path / name).write_bytes(data)
        school = address.split("@")[1].split(".")[0]
        assert read_filled(tmp_path / name).metadata["recipient"] == school  # never another school's template
        assert message["Subject"].startswith("แบบรายงานที่ต้องกรอก: ") and "ตอบกลับอีเมลฉบับนี้" in \
            message.get_body(("plain",)).get_content()
    # One address was wrong: the bounce carries the invitation, template and all, back to the office.
    mailbox.deliver(bounce_of(invitations["b@s2.example"]))
    bounced = sheetsync(district, "sync", "--send")
    assert bounced.returncode == 0, bounced.stderr
    assert "could not deliver our e-mail to b@s2.example (template s2): check that address" in bounced.stderr
    assert not list((district / "processed").iterdir())  # nothing taken from it
    [digest] = smtp.messages()[4:]  # and no answer to the robot: the office alone is told, in its digest
    assert [a.addr_spec for a in digest["To"].addresses] == ["office@bma.example"]
    assert digest["Subject"] == "อีเมลของสำนักงานส่งไม่ถึง 1 ราย — กรุณาตรวจสอบที่อยู่อีเมลในรายชื่อ"
    assert "b@s2.example (template s2)" in digest.get_body(("plain",)).get_content()
    # s1 fills it in (the office's own key signs a template it issued) and answers the invitation.
    invitation = invitations["a@s1.example"]
    filled = tmp_path / "s1-filled.xlsx"
    data = json.loads(json.dumps(seed))
    data["reports"][2]["progress_percent"] = 5.0  # with one mistake, to be told about
    write_template(progress_form, filled, data=data, recipient="s1", key=load_key(district / "office.key"))
    mailbox.deliver(mail_from("ครูสมศรี <a@s1.example>", f"Re: {invitation['Subject']}",
                              [("รายงานวัดไทร.xlsx", filled.read_bytes(), XLSX)], "<answer@s1.example>",
                              In_Reply_To=str(invitation["Message-ID"]), References=str(invitation["Message-ID"])))
    answered = sheetsync(district, "sync", "--send")
    assert answered.returncode == 1, answered.stderr  # the file was read and has an error
    [reply] = [m for m in smtp.messages() if m["In-Reply-To"] == "<answer@s1.example>"]
    assert [a.addr_spec for a in reply["To"].addresses] == ["a@s1.example"]
    assert str(invitation["Message-ID"]) in str(reply["References"])  # one conversation from the invitation on
    assert str(reply["Subject"]).startswith("Re: แบบรายงานที่ต้องกรอก")
    assert "D39" in reply.get_body(("plain",)).get_content()
    # s4 answers with the very file it was sent, nothing typed yet: the office's own template, told what
    # is missing, and never taken for a stranger's file.
    invitation = invitations["d@s4.example"]
    name, data_sent = attachment(invitation)
    mailbox.deliver(mail_from("d@s4.example", f"Re: {invitation['Subject']}", [(name, data_sent, XLSX)],
                              "<as-sent@s4.example>", In_Reply_To=str(invitation["Message-ID"])))
    assert sheetsync(district, "sync", "--send").returncode == 1
    [reply] = [m for m in smtp.messages() if m["In-Reply-To"] == "<as-sent@s4.example>"]
    text = reply.get_body(("plain",)).get_content()
    assert "ยังไม่ได้กรอก" in text and "ไม่ได้ออกโดยสำนักงานนี้" not in text  # told what is missing, not "forged"


def test_a_bounce_reaches_the_digest_even_when_the_run_that_fetched_it_was_killed(district: Path, mailbox: Mailbox,
                                                                                   smtp: Server) -> None:
    assert sheetsync(district, "template", "--roster", "roster.csv", "-o", "templates", "--email").returncode == 0
    assert sheetsync(district, "sync", "--send").returncode == 0
    [invitation] = [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == "b@s2.example"]
    mailbox.deliver(bounce_of(invitation))
    # Killed after the fetch (the bounce is recorded and marked done in the mailbox), before its digest.
    killed = sheetsync(district, "sync", "--send", SHEETSYNC_TEST_CRASH_AT="fetched")
    assert killed.returncode != 0 and len(smtp.messages()) == 4
    later = sheetsync(district, "sync", "--send")  # the mailbox has nothing new for it
    assert later.returncode == 0, later.stderr
    [digest] = smtp.messages()[4:]
    assert digest["Subject"] == "อีเมลของสำนักงานส่งไม่ถึง 1 ราย — กรุณาตรวจสอบที่อยู่อีเมลในรายชื่อ"
    assert "b@s2.example (template s2)" in digest.get_body(("plain",)).get_content()
    assert sheetsync(district, "sync", "--send").returncode == 0
    assert len(smtp.messages()) == 5  # listed once: no digest about it at every run


def test_what_the_mail_needs_is_refused_before_any_template_is_written(tmp_path: Path) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    cases = [({"SHEETSYNC_MAIL_FROM": ""}, "no sender for the e-mails: set [mail] from in sheetsync.toml"),
             ({"SHEETSYNC_MAIL_FROM": "the office"}, "sender ([mail] from, or SHEETSYNC_MAIL_FROM)"),
             ({"SHEETSYNC_MAIL_FROM": SENDER, "SHEETSYNC_MAIL_SUMMARY_ONLY": "1"}, "the office mails no data")]
    for env, message in cases:
        done = run("template", "--roster", roster, "-o", tmp_path / "t", "--email", cwd=tmp_path,
                   env={"SHEETSYNC_MAIL_OUTBOX": str(tmp_path / "outbox"), "SHEETSYNC_MAIL_SUMMARY_ONLY": ""} | env)
        assert done.returncode == 3 and message in done.stderr, done.stderr
        assert not (tmp_path / "t").exists()
    alone = run("template", "-o", tmp_path / "one.xlsx", "--email", cwd=tmp_path)
    assert alone.returncode == 2 and "--email needs --roster or --from-master" in alone.stderr


def test_one_recipient_alone_gets_its_template(tmp_path: Path) -> None:
    # After fixing one school's roster line, the clerk sends that school's template only.
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    env = {"SHEETSYNC_MAIL_FROM": SENDER, "SHEETSYNC_MAIL_OUTBOX": str(tmp_path / "outbox")}
    done = run("template", "--roster", roster, "--recipient", "s2", "-o", tmp_path / "t", "--email", env=env,
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "t").iterdir()] == ["s2 โรงเรียนวัดยายร่ม.xlsx"]
    assert [p.name for p in (tmp_path / "outbox").glob("*.eml")] == ["template s2.eml"]
    unknown = run("template", "--roster", roster, "--recipient", "s9", "-o", tmp_path / "u", "--email", env=env,
                  cwd=tmp_path)
    assert unknown.returncode == 2 and "'s9' is not in schools.csv" in unknown.stderr


def test_a_template_for_someone_not_on_the_roster_is_left_unsent(progress_form: Form, tmp_path: Path) -> None:
    for rid in ("s1", "s9"):
        write_template(progress_form, tmp_path / f"{rid}.xlsx", recipient=rid)
    config = MailConfig(from_addr=SENDER, outbox=tmp_path / "outbox")
    done = queue_templates([tmp_path / "s1.xlsx", tmp_path / "s9.xlsx"], read_roster_text(ROSTER, tmp_path), config)
    assert [p.name for p in done.queued] == ["template s1.eml"]
    assert done.unsent == ["s9.xlsx: not on the roster: s9"]


def test_running_it_twice_mails_no_school_twice(smtp: Server, tmp_path: Path) -> None:
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    outbox = tmp_path / "outbox"
    env = {"SHEETSYNC_MAIL_FROM": SENDER, "SHEETSYNC_MAIL_OUTBOX": str(outbox), "SHEETSYNC_SMTP_HOST": "127.0.0.1",
           "SHEETSYNC_SMTP_PORT": str(smtp.port), "SHEETSYNC_SMTP_SECURITY": "none", "SHEETSYNC_SMTP_USER": ""}

    def invite(*extra: str) -> str:
        done = run("template", "--roster", roster, "-o", tmp_path / "t", "--email", *extra, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def waiting() -> list[str]:
        return sorted(p.name for p in outbox.glob("*.eml"))

    invite()
    assert waiting() == ["template s1.eml", "template s2.eml", "template s3.eml", "template s4.eml"]
    again = invite()  # the same command by mistake, before the outbox was sent
    assert "no new e-mail queued" in again and "4 school(s) skipped" in again and "ข้าม 4 โรงเรียน" in again
    assert "already invited, not queued again: s2 โรงเรียนวัดยายร่ม.xlsx (template s2.eml, waiting)" in again
    assert len(waiting()) == 4
    assert "queued 4 message(s)" in invite("--again") and len(waiting()) == 4  # replaced, not doubled
    assert run("mail", outbox, "--send", env=env, cwd=tmp_path).returncode == 0
    assert len(smtp.messages()) == 4 and waiting() == []
    assert "4 school(s) skipped" in invite()  # just sent: not again the same day
    assert waiting() == []
    # s2's address was wrong and is corrected: a new invitation, for s2 alone.
    roster.write_text(ROSTER.replace("b@s2.example", "head@s2.example"), encoding="utf-8")
    assert "3 school(s) skipped" in invite() and waiting() == ["template s2.eml"]
    # A month later the same invitations go out again.
    for sent in (outbox / "sent").glob("*.eml"):
        sent.write_bytes(sent.read_bytes().replace(b"\nDate: ", b"\nDate: Mon, 02 Mar 2026 09:15:00 +0700\nX-Was: ", 1))
    assert "queued 3 message(s)" in invite() and len(waiting()) == 4


def test_again_goes_with_email(tmp_path: Path) -> None:
    done = run("template", "-o", tmp_path / "one.xlsx", "--again", cwd=tmp_path)
    assert done.returncode == 2 and "--again goes with --email" in done.stderr


def test_the_steps_init_prints_work_as_printed_from_beside_the_office(tmp_path: Path) -> None:
    # The clerk ran step 2 from the folder where init was run: the office was not found, so the
    # templates were signed with the user's own key and every school's file was refused by sync.
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), COLUMNS="200")
    made = subprocess.run([sys.executable, "-m", "sheetsync", "init", "district", "--roster", "schools.csv"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    config = tmp_path / "district" / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('from = ""', f'from = "{SENDER}"', 1), encoding="utf-8")
    # The step's command is printed on a line of its own, below its words (Thai, then English).
    [command] = [line.strip() for line in made.stdout.splitlines() if "sheetsync template" in line]
    done = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "district" / "outbox").glob("template *.eml"))) == 4
    # The same command as it was printed before, run from beside the office, finds the office too.
    beside = subprocess.run([sys.executable, "-m", "sheetsync", "template", "--roster", "district/roster.csv", "-o",
                             "district/again/"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert beside.returncode == 0, beside.stderr
    for folder in ("templates", "again"):
        checked = subprocess.run([sys.executable, "-m", "sheetsync", "validate", "--format", "json",
                                  *map(str, (tmp_path / "district" / folder).glob("*.xlsx"))],
                                 capture_output=True, text=True, cwd=tmp_path / "district", env=env, timeout=120)
        codes = {f["code"] for one in json.loads(checked.stdout) for f in one["findings"]}
        assert codes and "identity-not-verified" not in codes, (folder, codes)
    assert not (home / ".config" / "sheetsync" / "office.key").exists()  # no second key was made


def test_a_file_sent_again_is_answered_with_what_became_of_it(district: Path, mailbox: Mailbox, smtp: Server,
                                                               progress_form: Form, seed: dict[str, Any],
                                                               tmp_path: Path) -> None:
    # A school that has not seen the answer sends the same file again: it heard nothing at all.
    filled = tmp_path / "s1.xlsx"
    write_template(progress_form, filled, data=seed, recipient="s1", key=load_key(district / "office.key"))
    mailbox.deliver(mail_from("a@s1.example", "รายงาน", [("รายงาน.xlsx", filled.read_bytes(), XLSX)], "<first@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 0
    mailbox.deliver(mail_from("a@s1.example", "ส่งอีกครั้ง", [("รายงาน.xlsx", filled.read_bytes(), XLSX)],
                              "<again@s1.example>"))
    again = sheetsync(district, "sync", "--send")
    assert again.returncode == 0, again.stderr
    [reply] = [m for m in smtp.messages() if m["In-Reply-To"] == "<again@s1.example>"]
    assert [a.addr_spec for a in reply["To"].addresses] == ["a@s1.example"]
    text = reply.get_body(("plain",)).get_content()
    assert "ได้รับไฟล์นี้ (“รายงาน.xlsx”) ไว้แล้วเมื่อ" in text and "รับข้อมูลเข้าระบบแล้ว ไม่ต้องส่งซ้ำ" in text
    assert text.index("รับข้อมูลเข้าระบบแล้ว") < text.index("its data was accepted")
    assert sheetsync(district, "sync", "--send").returncode == 0
    assert len([m for m in smtp.messages() if m["In-Reply-To"] == "<again@s1.example>"]) == 1  # once
    # The file stays in the inbox (open in Excel, a run killed before the move): never answered again.
    [kept] = [p for p in (district / "processed").iterdir() if p.read_bytes() == filled.read_bytes()][-1:]
    (district / "inbox" / "still-here.xlsx").write_bytes(kept.read_bytes())
    assert sheetsync(district, "sync", "--send").returncode == 0
    assert len([m for m in smtp.messages() if m["In-Reply-To"] == "<again@s1.example>"]) == 1


def test_an_unreadable_file_mailed_from_a_schools_address_is_that_schools(district: Path, mailbox: Mailbox,
                                                                           smtp: Server, progress_form: Form,
                                                                           seed: dict[str, Any]) -> None:
    # The master said the school had sent nothing: the file's name named no one, and its sender was not asked.
    mailbox.deliver(mail_from("a@s1.example", "รายงาน", [("รายงาน.xlsx", b"PK\x03\x04 not a whole file", XLSX)],
                              "<broken@s1.example>"))
    assert sheetsync(district, "sync", "--send").returncode == 1
    with sqlite3.connect(district / "sheetsync.sqlite") as db:
        assert db.execute("SELECT result, recipient FROM outcomes").fetchall() == [("quarantined", "s1")]
    # Once s1 has reported, a From line (easily forged) no longer makes an unreadable file s1's.
    filled = district / "made-s1.xlsx"
    write_template(progress_form, filled, data=seed, recipient="s1", key=load_key(district / "office.key"))
    mailbox.deliver(mail_from("a@s1.example", "รายงาน", [("ok.xlsx", filled.read_bytes(), XLSX)], "<good@s1.example>"))
    mailbox.deliver(mail_from("a@s1.example", "again", [("x.xlsx", b"PK\x03\x04 junk, other bytes", XLSX)],
                              "<junk@s1.example>"))
    sheetsync(district, "sync", "--send")
    with sqlite3.connect(district / "sheetsync.sqlite") as db:
        assert db.execute("SELECT result, recipient FROM outcomes ORDER BY id").fetchall()[1:] == [
            ("merged", "s1"), ("quarantined", "")]


def test_the_same_template_twice_in_one_call_is_queued_once(progress_form: Form, tmp_path: Path) -> None:
    write_template(progress_form, tmp_path / "s1.xlsx", recipient="s1")
    config = MailConfig(from_addr=SENDER, outbox=tmp_path / "outbox")
    done = queue_templates([tmp_path / "s1.xlsx", tmp_path / "s1.xlsx"], read_roster_text(ROSTER, tmp_path), config)
    assert [p.name for p in done.queued] == ["template s1.eml"] and done.already == ["s1.xlsx (template s1.eml, waiting)"]


def test_next_months_template_is_not_taken_for_last_months_invitation(progress_form: Form, seed: dict[str, Any],
                                                                      tmp_path: Path) -> None:
    """Last month's invitation still waiting (or sent today) is not next month's: a template holding
    other content replaces the waiting one instead of being skipped as 'already invited'."""
    write_template(progress_form, tmp_path / "blank.xlsx", data={"project": {"code": seed["project"]["code"]}},
                   recipient="s1")
    write_template(progress_form, tmp_path / "next.xlsx", data=seed, recipient="s1", lock_rows=True)
    config = MailConfig(from_addr=SENDER, outbox=tmp_path / "outbox")
    roster = read_roster_text(ROSTER, tmp_path)
    assert len(queue_templates([tmp_path / "blank.xlsx"], roster, config).queued) == 1
    done = queue_templates([tmp_path / "next.xlsx"], roster, config)
    assert done.already == [] and len(done.queued) == 1
    [waiting] = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(waiting.read_bytes(), policy=email.policy.default)
    assert attachment(message)[0] == "next.xlsx"  # type: ignore[arg-type]  # the school gets the newer one only
    again = queue_templates([tmp_path / "next.xlsx"], roster, config)  # the same command twice
    assert again.queued == [] and len(again.already) == 1


def test_a_server_that_cannot_be_reached_is_tried_once_and_says_how_many_wait(smtp: Server, tmp_path: Path) -> None:
    """With the server down, sync --send said why for the first invitation and nothing of the others."""
    from tests.imap_server import free_port

    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    assert run("init", tmp_path / "district", "--roster", tmp_path / "schools.csv").returncode == 0
    office = tmp_path / "district"
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'from = ""', f'from = "{SENDER}"\nsmtp_host = "127.0.0.1"\nsmtp_security = "none"', 1), encoding="utf-8")
    env = {"SHEETSYNC_SMTP_USER": "", "SHEETSYNC_SMTP_PORT": str(free_port())}
    assert run("template", "--roster", "roster.csv", "-o", "templates/", "--email", cwd=office, env=env).returncode == 0
    down = run("sync", "--send", cwd=office, env=env)
    assert down.returncode == 1
    said = [line for line in down.stderr.splitlines() if line.startswith("ส่งไม่ได้ / not sent: ")]
    assert len(said) == 2 and "127.0.0.1" in said[0], down.stderr
    assert said[1].endswith("อีก 3 ฉบับยังไม่ได้ลองส่ง เพราะใช้เครื่องส่งอีเมลไม่ได้ อีเมลทั้งหมดยังรออยู่ในกล่องขาออก "
                            "และจะส่งในรอบถัดไป / 3 more not tried, as the mail server cannot be used: they wait in "
                            "the outbox for the next run"), said[1]
    assert len(list((office / "outbox").glob("*.eml"))) == 4 and not smtp.messages()
    up = run("sync", "--send", cwd=office, env={**env, "SHEETSYNC_SMTP_PORT": str(smtp.port)})
    assert up.returncode == 0, up.stderr
    assert len(smtp.messages()) == 4 and not list((office / "outbox").glob("*.eml"))


def test_a_corrected_address_replaces_the_invitation_still_waiting(progress_form: Form, tmp_path: Path) -> None:
    """s2's address could not be sent to (a Thai local part, no SMTPUTF8 at the office's server): the
    clerk corrected the roster and queued s2's template again. The new invitation was queued beside the
    old one, which failed again at every send and kept each run's exit code at 1 (found writing the
    Thai guide): the one to the old address is withdrawn, the school gets the new one only."""
    write_template(progress_form, tmp_path / "s2.xlsx", recipient="s2")
    config = MailConfig(from_addr=SENDER, outbox=tmp_path / "outbox")
    wrong = ROSTER.replace("b@s2.example", "ครูสมศรี@s2.example")
    assert [p.name for p in queue_templates([tmp_path / "s2.xlsx"], read_roster_text(wrong, tmp_path), config).queued] \
        == ["template s2.eml"]
    done = queue_templates([tmp_path / "s2.xlsx"], read_roster_text(ROSTER, tmp_path), config)
    waiting = sorted((tmp_path / "outbox").glob("*.eml"))
    assert waiting == done.queued and len(waiting) == 1
    assert "b@s2.example" in waiting[0].read_text(encoding="utf-8")


def test_the_invitation_tells_how_to_paste_from_another_file(progress_form: Form, tmp_path: Path) -> None:
    """Excel and Calc paste a cell's format with its value, its protection too: an input cell pasted into
    from the teacher's own workbook becomes locked on the protected form, and its mistake can no longer
    be typed over (seen in Calc). The invitation says, in each language, to paste values only."""
    from sheetsync.mailer import compose_invitation

    template = tmp_path / "s1.xlsx"
    write_template(progress_form, template, recipient="s1")
    school = Recipient(id="s1", school="โรงเรียนวัดไทร", email="head@s1.example", project_code="")
    config = MailConfig(from_addr="office@bma.example", reply_to="office@bma.example")
    body = compose_invitation(template, school, config, form="แบบรายงานความก้าวหน้า").get_body(("plain",))
    assert body is not None
    text = body.get_content()
    thai, english = text.index("ค่าเท่านั้น"), text.index("paste the values only")
    assert text.index("Ctrl+Shift+V") < english and thai < text.index("กรุณาตอบกลับอีเมลฉบับนี้") < english
