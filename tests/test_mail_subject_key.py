"""A school with two projects is sent two results, one per project: each subject names its project.

The files of school s2's two projects, dropped in the inbox (or sent apart), were answered by two e-mails
headed alike, "ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดยายร่ม — ต้องแก้ไข 1 รายการ": only the file's name in
the body told them apart. The form's key (``master: key``, the project's code) is in each subject now.
"""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sheetsync.mailer import MailConfig
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, sync
from sheetsync.template.write import write_template

ROSTER = [Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example", project_code="50360000-3553, 50360000-3600")]


def _project(seed: dict[str, Any], code: str) -> dict[str, Any]:
    """The seed's report for project ``code``, one report's progress below the one before it (an error)."""
    data: dict[str, Any] = json.loads(json.dumps(seed))
    data["project"]["code"] = code
    data["reports"][2]["progress_percent"] = 5.0
    return data


def test_each_projects_result_names_its_project_in_the_subject(progress_form: Form, seed: dict[str, Any],
                                                               tmp_path: Path) -> None:
    inbox, master = tmp_path / "inbox", tmp_path / "master.xlsx"
    config = MailConfig(from_addr="office@bma.example", outbox=tmp_path / "outbox")
    for name, code in (("first.xlsx", "50360000-3553"), ("second.xlsx", "50360000-3600")):
        write_template(progress_form, inbox / name, data=_project(seed, code), recipient="s2")
    sync(inbox, master, report_dir=tmp_path / "reports", config=config, roster=ROSTER, options=SyncOptions(settle=0))
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(config.outbox.glob("*.eml"))]
    subjects = sorted(str(m["Subject"]) for m in messages if isinstance(m, EmailMessage)
                      and [a.addr_spec for a in m["To"].addresses] == ["b@s2.example"])
    assert subjects == [f"ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดยายร่ม รหัสโครงการ {code} — ต้องแก้ไข 1 รายการ"
                        for code in ("50360000-3553", "50360000-3600")], subjects
