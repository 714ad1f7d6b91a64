"""``X-Sheetsync-Name`` marks the office's own e-mails: one fetched back from the office's mailbox (a
report copied to the office, the digest) is taken from and answered never, or robots answer each
other for ever. But the header is only text: a school's mail program that sends the office's message
out again as new (Thunderbird's "Edit As New Message", a "Resend" that keeps every header) carries it
too, with the teacher's filled report attached. Such a return was recorded as "one of the office's own
e-mails", nothing taken, nothing answered: the report was lost in silence. The header now counts only
on a message from the office's own address. A real Dovecot and a real SMTP server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_hostile import body
from tests.test_mail_loop import ROSTER, answers, run, sync_args
from tests.test_mail_smtp import Server


def _filled(tmp_path: Path, form: Form, seed: dict[str, Any]) -> bytes:
    path = tmp_path / "made" / "s1.xlsx"
    write_template(form, path, data=seed, recipient="s1")
    return path.read_bytes()


def test_a_school_s_return_carrying_the_office_s_name_header_is_taken_and_answered(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    mailbox.deliver(mail_from("a@s1.example", "แบบรายงานความก้าวหน้า โรงเรียนวัดไทร",
                              [("วัดไทร.xlsx", _filled(tmp_path, progress_form, seed), XLSX)], "<edited@s1.example>",
                              X_Sheetsync_Name="template s1"))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 0, done.stdout + done.stderr
    [answer] = answers(smtp)["<edited@s1.example>"]
    assert "ผ่านการตรวจสอบ" in body(answer)
    assert "อีเมลของสำนักงานเองย้อนกลับ" not in done.stdout + done.stderr


def test_the_office_s_own_e_mail_fetched_back_is_still_left_alone(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    mailbox.deliver(mail_from("office@bma.example", "แบบรายงานความก้าวหน้า (แม่แบบ)",
                              [("s1.xlsx", _filled(tmp_path, progress_form, seed), XLSX)], "<ours@bma.example>",
                              X_Sheetsync_Name="template s1"))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    said = done.stdout + done.stderr
    assert "อีเมลของสำนักงานเองย้อนกลับ" in said
    assert "<ours@bma.example>" not in answers(smtp)
    assert not list((tmp_path / "inbox").rglob("*.xlsx"))


def test_the_office_s_address_set_only_in_the_environment_tells_a_school_s_return_too(
        mailbox: Mailbox, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    """``sheetsync fetch INBOX`` with no outbox writes no reply (no ``mail``), but the office's address is
    known all the same (``SHEETSYNC_MAIL_FROM``, as ``sheetsync mail`` sent the templates with): the header
    alone still made a school's resent return the office's own e-mail, nothing taken."""
    from sheetsync.mailer import JsonlLedger, fetch
    from tests.test_mail_fetch import env, imap_config

    data = _filled(tmp_path, progress_form, seed)
    mailbox.deliver(mail_from("a@s1.example", "แบบรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<edited@s1.example>",
                              X_Sheetsync_Name="template s1"))
    mailbox.deliver(mail_from("สำนักงานเขต <office@bma.example>", "แม่แบบ", [("s1.xlsx", data, XLSX)],
                              "<ours@bma.example>", X_Sheetsync_Name="template s1"))
    inbox = tmp_path / "inbox"
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox),
                   environ={**env(), "SHEETSYNC_MAIL_FROM": "สำนักงานเขต <office@bma.example>"})
    assert [f.name for f in result.saved] == ["วัดไทร.xlsx"]
