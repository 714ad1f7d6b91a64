"""A file the clerk merged by hand (``sheetsync merge``), mailed again by its school (found in review)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.identity import load_key
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_invite import invite_office, sheetsync
from tests.test_mail_smtp import Server


@pytest.fixture
def district(mailbox: Mailbox, smtp: Server, tmp_path: Path) -> Path:
    """An office of the test mail servers (see :func:`tests.test_mail_invite.invite_office`)."""
    return invite_office(mailbox, smtp, tmp_path)


def test_a_file_merged_by_hand_then_mailed_again_is_answered(district: Path, mailbox: Mailbox, smtp: Server,
                                                              progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    """The clerk merges a school's file brought on a USB stick (``sheetsync merge``); the school, hearing
    nothing, mails the same file. Before migration 5 the school was answered 'already received' (what
    became of it). merge records its files with set_aside_at NULL, so sync now takes the mailed copy for
    'a file recorded but not moved' and sets it aside silently: the school gets no answer at all."""
    filled = tmp_path / "usb" / "s1.xlsx"
    filled.parent.mkdir()
    write_template(progress_form, filled, data=seed, recipient="s1", key=load_key(district / "office.key"))
    merged = sheetsync(district, "merge", str(filled))
    assert merged.returncode == 0, merged.stdout + merged.stderr
    mailbox.deliver(mail_from("a@s1.example", "ส่งอีกครั้ง", [("รายงาน.xlsx", filled.read_bytes(), XLSX)],
                              "<again@s1.example>"))
    again = sheetsync(district, "sync", "--send")
    assert again.returncode == 0, again.stderr
    replies = [m for m in smtp.messages() if m["In-Reply-To"] == "<again@s1.example>"]
    assert len(replies) == 1, "the school that mailed a file the office already has heard nothing"
