"""The marked-up copy a school is mailed is named after the file it sent, marked once.

The office keeps its reports under the name the file is kept by (``processed/report-2.xlsx`` →
``reports/report-2-ตรวจแล้ว.xlsx``), but the school never saw that name: its e-mail spoke of
"report.xlsx" and attached "report-2-ตรวจแล้ว.xlsx". And a teacher who corrected the copy and sent it
back still wrong got "…-ตรวจแล้ว-ตรวจแล้ว.xlsx", one more each round.
"""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sheetsync.check.reader import read_filled
from sheetsync.mailer import MailConfig
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template

NOW = SyncOptions(settle=0)
ROSTER = [Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example")]


def _to_school(outbox: Path) -> list[EmailMessage]:
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(outbox.glob("*.eml"))]
    return [m for m in messages if isinstance(m, EmailMessage)
            and [a.addr_spec for a in m["To"].addresses] == ["b@s2.example"]]


def _attached(message: EmailMessage) -> list[str]:
    return [str(a.get_filename()) for a in message.iter_attachments()]


def _wrong(seed: dict[str, Any], percent: float) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(seed))
    data["reports"][2]["progress_percent"] = percent  # below the report before it: an error
    return data


def test_a_file_kept_under_another_name_is_mailed_back_marked_under_the_name_it_was_sent(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master, reports = tmp_path / "inbox", tmp_path / "master.xlsx", tmp_path / "reports"
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    write_template(progress_form, inbox / "report.xlsx", data=_wrong(seed, 5.0), recipient="s2")
    sync(inbox, master, report_dir=reports, config=config, roster=ROSTER, options=NOW)
    write_template(progress_form, inbox / "report.xlsx", data=_wrong(seed, 6.0), recipient="s2")  # next month's
    sync(inbox, master, report_dir=reports, config=config, roster=ROSTER, options=NOW)
    assert (inbox / "processed" / "report-2.xlsx").exists()  # the office keeps both, apart
    first, second = _to_school(config.outbox)
    assert _attached(first) == _attached(second) == ["report-ตรวจแล้ว.xlsx"]
    # the second is the second file's copy: it says what that file holds
    copy = tmp_path / "second.xlsx"
    copy.write_bytes(next(second.iter_attachments()).get_payload(decode=True))
    assert read_filled(copy).data["reports"][2]["progress_percent"] == 6.0


def test_a_marked_copy_sent_back_still_wrong_is_not_marked_twice_in_its_name(
        progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    inbox, master, reports = tmp_path / "inbox", tmp_path / "master.xlsx", tmp_path / "reports"
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    write_template(progress_form, inbox / "s2.ods", data=_wrong(seed, 5.0), recipient="s2")
    sync(inbox, master, report_dir=reports, config=config, roster=ROSTER, options=NOW)
    [first] = _to_school(config.outbox)
    assert _attached(first) == ["s2-ตรวจแล้ว.ods"]
    # she types into the copy she got and sends it back under its name, one mistake left
    write_template(progress_form, inbox / "s2-ตรวจแล้ว.ods", data=_wrong(seed, 6.0), recipient="s2")
    sync(inbox, master, report_dir=reports, config=config, roster=ROSTER, options=NOW)
    [_, second] = _to_school(config.outbox)
    assert _attached(second) == ["s2-ตรวจแล้ว.ods"]
