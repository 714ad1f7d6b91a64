"""Replies thread in the sender's mail program whatever the length of its Message-ID: Outlook's are
~90 characters, and a msg-id must reach the wire as written (RFC 5322 §3.6.4; RFC 2047 §5 forbids
encoded words there). A real Dovecot and a real SMTP server, as tests/test_mail_loop.py."""

from __future__ import annotations

import email
from email.policy import default
from pathlib import Path
from typing import Any

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_loop import ROSTER, run, sync_args
from tests.test_mail_smtp import Server

OUTLOOK = "<SEYPR06MB52347C1E0F9C3A2B8D4E5F60718293A4B5@SEYPR06MB5234.apcprd06.prod.outlook.com>"
EARLIER = ["<TYZPR06MB6263A8A38BCA3C7C55DDE0C8D1E52%d@TYZPR06MB6263.apcprd06.prod.outlook.com>" % n
           for n in range(14)]


def ids_on_the_wire(raw: bytes, header: str) -> list[str]:
    """The msg-ids of ``header`` exactly as transmitted (unfolded, nothing decoded)."""
    fields: list[str] = []
    for line in raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n"):
        if line[:1] in (" ", "\t") and fields:
            fields[-1] += line
        else:
            fields.append(line)
    value = next(f for f in fields if f.lower().startswith(header.lower() + ":")).split(":", 1)[1]
    assert "=?" not in value, value  # never an encoded word
    return value.split()


def test_a_report_and_a_polite_reply_thread_under_outlook_s_long_message_ids(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any]) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    data = (tmp_path / "made" / "s1.xlsx").read_bytes()
    mailbox.deliver(mail_from("a@s1.example", "Re: ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], OUTLOOK,
                              References=" ".join(EARLIER)))
    mailbox.deliver(mail_from("a@s1.example", "scan", [("scan.pdf", b"%PDF-1.4", "application/pdf")],
                              OUTLOOK.replace("SEYPR", "KLYPR")))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 0, done.stderr
    answers = [e.original_content or b"" for e in smtp.handler.envelopes if "a@s1.example" in e.rcpt_tos]
    assert len(answers) == 2
    by_thread = {str(email.message_from_bytes(raw, policy=default)["In-Reply-To"]).replace(" ", ""): raw
                 for raw in answers}  # as a lenient reader decodes it
    report, reply = by_thread[OUTLOOK], by_thread[OUTLOOK.replace("SEYPR", "KLYPR")]
    assert ids_on_the_wire(report, "In-Reply-To") == [OUTLOOK]
    assert ids_on_the_wire(report, "References") == [*EARLIER[-9:], OUTLOOK]  # ten at most, the newest kept
    assert ids_on_the_wire(reply, "In-Reply-To") == [OUTLOOK.replace("SEYPR", "KLYPR")]
    for raw in answers:  # RFC 5322 §2.1.1: no line over 998 characters
        assert max(len(line) for line in raw.split(b"\r\n")) <= 998
