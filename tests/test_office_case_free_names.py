"""Names the office makes in its own folders are free case-insensitively, as Windows sees them
(tests/windows_names.py): "S1.xlsx" fetched beside "s1.xlsx" is "s1-2.xlsx", an invitation "template
abc.eml" beside "template Abc.eml" is "template abc-2.eml". On Linux both names could be made, and a
Windows computer reading the office over a share (or a copy of it) would see one file and lose the other.
Each folder is listed once per run, not once per file (an outbox/sent/ of years of mail is large)."""

from __future__ import annotations

import os
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from sheetsync.files import FolderNames, move_into
from sheetsync.mailer import JsonlLedger, OutboxMailer, fetch, free_path
from sheetsync.mailer._compose import NAME_HEADER
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, env, imap_config, mail_from
from tests.windows_names import invalid_under


def test_two_schools_attachments_differing_only_in_case_are_two_files_to_windows(
        mailbox: Mailbox, good: bytes, tmp_path: Path) -> None:
    mailbox.deliver(mail_from("a@s1.example", "ส่งรายงาน", [("S1.xlsx", good, XLSX)], "<a@s1.example>"))
    mailbox.deliver(mail_from("b@s2.example", "ส่งรายงาน", [("s1.xlsx", good + b"", XLSX)], "<b@s2.example>"))
    inbox = tmp_path / "inbox"
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox), environ=env())
    assert len({p.name.casefold() for p in result.saved}) == 2, result.saved
    assert invalid_under(inbox) == {}


def _invitation(name: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "office@bma.example", "s@s.example", "แบบรายงาน"
    message[NAME_HEADER] = name
    message.set_content("แบบรายงานค่ะ")
    return message


def test_invitations_of_ids_differing_only_in_case_are_two_files_to_windows(tmp_path: Path) -> None:
    outbox = OutboxMailer(tmp_path / "outbox")
    written = [outbox.write(_invitation(name)) for name in ("template Abc", "template abc", "template ABC")]
    assert [p.name for p in written] == ["template Abc.eml", "template abc-2.eml", "template ABC-3.eml"]
    assert invalid_under(tmp_path) == {}


def test_a_name_already_there_in_another_case_is_not_taken(tmp_path: Path) -> None:
    (tmp_path / "Report.XLSX").write_bytes(b"")
    assert free_path(tmp_path, "report", ".xlsx").name == "report-2.xlsx"


def test_a_folder_is_listed_once_however_many_names_are_taken(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(5):
        (tmp_path / f"m{n}.eml").write_bytes(b"")
    listed: list[Any] = []
    real = os.scandir

    def counted(path: Any = ".") -> Any:
        listed.append(path)
        return real(path)

    monkeypatch.setattr(os, "scandir", counted)
    names = FolderNames(tmp_path)
    taken = [free_path(names, "M0", ".eml") for _ in range(4)]
    assert [p.name for p in taken] == ["M0-2.eml", "M0-3.eml", "M0-4.eml", "M0-5.eml"]
    assert len(listed) == 1


def test_a_file_moved_aside_keeps_one_already_there_in_another_case(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    (old / "S1.txt").write_text("earlier", encoding="utf-8")
    (tmp_path / "s1.txt").write_text("later", encoding="utf-8")
    assert move_into(tmp_path / "s1.txt", old).name == "s1-2.txt"
    assert (old / "S1.txt").read_text(encoding="utf-8") == "earlier"
