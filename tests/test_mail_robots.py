"""Mail no machine may answer (RFC 3834) that still brings a school's file: the file is read and its
report goes to the school's roster address, never back to the robot, the list or the no-reply sender
(a real Dovecot and a real SMTP server, see tests/test_mail_loop.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_loop import ROSTER, run, sync_args
from tests.test_mail_smtp import Server


ROBOTS = [("noreply@system.example", {}), ("a@s1.example", {"Precedence": "bulk"}),
          ("list@lists.example", {"List_Id": "<schools.lists.example>"}),
          ("a@s1.example", {"Auto_Submitted": "auto-generated"}), ("mail@relay.example", {"Return_Path": "<>"})]


@pytest.mark.parametrize(("sender", "headers"), ROBOTS, ids=["no-reply", "bulk", "list", "auto-generated",
                                                             "null-return-path"])
def test_a_file_from_a_robot_is_reported_to_the_school_not_to_the_robot(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any],
        sender: str, headers: dict[str, str]) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    seed["reports"][2]["progress_percent"] = 5.0  # a mistake: the report carries a marked-up copy
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    data = (tmp_path / "made" / "s1.xlsx").read_bytes()
    mailbox.deliver(mail_from(sender, "รายงาน", [("วัดไทร.xlsx", data, XLSX)], "<robot@system.example>", **headers))
    mailbox.deliver(mail_from(sender, "รายงาน", [("เสีย.xlsx", b"not a spreadsheet", XLSX)],
                              "<broken@system.example>", **headers))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 1, done.stderr  # one file with an error, one that cannot be read: schools' files not taken
    robot = sender.lower()
    to_robot = [e for e in smtp.handler.envelopes if robot in (r.lower() for r in e.rcpt_tos)]
    to_school = [e for e in smtp.handler.envelopes if "a@s1.example" in e.rcpt_tos]
    if robot == "a@s1.example":  # the school's own address, marked automatic: its report, nothing else
        assert len(to_school) == 1
    else:
        assert to_robot == [] and len(to_school) == 1
    assert any("boss@bma.example" in e.rcpt_tos for e in smtp.handler.envelopes)  # the digest
    assert "ไม่มีไฟล์ใหม่" in run(tmp_path, mailbox, smtp, *sync_args()).stdout  # and nothing more, ever
    assert len(smtp.handler.envelopes) == 2


@pytest.mark.parametrize("kind", ["jsonl", "store"])
def test_both_ledgers_remember_that_a_robot_sent_the_file(tmp_path: Path, kind: str) -> None:
    from sheetsync.mailer import FetchedFile, FetchedMessage, JsonlLedger
    from sheetsync.office.mailbox import StoreLedger
    from sheetsync.office.store import Store

    robot = FetchedMessage("<r@x.example>", "noreply@x.example", files=(FetchedFile(tmp_path / "a.xlsx", "a.xlsx",
                                                                                      "ab" * 32, 1),), automatic=True)
    if kind == "jsonl":
        JsonlLedger.in_inbox(tmp_path).record(robot)
        found = JsonlLedger.in_inbox(tmp_path).origin("ab" * 32)
    else:
        with Store(tmp_path / "office.sqlite") as store:
            StoreLedger(store).record(robot)
            found = StoreLedger(store).origin("ab" * 32)
    assert found is not None and found.thread.automatic


def test_outlook_s_winmail_dat_is_explained(mailbox: Mailbox, tmp_path: Path) -> None:
    # Outlook in Rich Text mode wraps every attachment, the spreadsheet included, into winmail.dat
    # (application/ms-tnef): the school was only told "winmail.dat is not a report file".
    from sheetsync.mailer import JsonlLedger, fetch
    from tests.test_mail_fetch import env, imap_config
    from tests.test_mail_hostile import body, office_mail, replies

    tnef = b"\x78\x9f\x3e\x22" + b"\0" * 64
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("winmail.dat", tnef, "application/ms-tnef")],
                              "<rtf@s1.example>"))
    inbox, outbox, mail = office_mail(tmp_path)
    fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    [reply] = replies(outbox)
    assert "Rich Text" in body(reply) and body(reply).index("Rich Text") > body(reply).index("winmail.dat")
