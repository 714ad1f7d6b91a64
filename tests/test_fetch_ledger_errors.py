"""The bare inbox's fetch ledger (INBOX/.fetched.jsonl) names what is wrong with it Thai first, as
every other error a clerk reads (it said it in English only)."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from sheetsync.errors import MailError
from sheetsync.mailer import FetchedMessage, JsonlLedger


def record(message_id: str) -> str:
    return json.dumps(FetchedMessage(message_id=message_id, sender="a@school01.example").as_json())


def test_a_line_edited_by_hand_is_named_with_its_number(tmp_path: Path) -> None:
    ledger = JsonlLedger.in_inbox(tmp_path)
    ledger.path.write_text(f"{record('<1@x>')}\nnot json at all\n{record('<2@x>')}\n", encoding="utf-8")
    with pytest.raises(MailError) as caught:
        ledger.messages()
    assert caught.value.th.startswith(f"{ledger.path} บรรทัดที่ 2: ไม่ใช่บันทึกอีเมลที่ดึงมา")
    assert str(caught.value).startswith(f"{ledger.path}, line 2: not a fetch record")


def test_the_last_line_cut_by_a_crash_is_passed_over(tmp_path: Path) -> None:
    ledger = JsonlLedger.in_inbox(tmp_path)
    ledger.path.write_text(f"{record('<1@x>')}\n{record('<2@x>')[:20]}", encoding="utf-8")
    assert [m.message_id for m in ledger.messages()] == ["<1@x>"]


def test_a_ledger_that_is_a_folder_cannot_be_read_or_written(tmp_path: Path) -> None:
    ledger = JsonlLedger.in_inbox(tmp_path)
    ledger.path.mkdir()
    with pytest.raises(MailError) as caught:
        ledger.messages()
    assert caught.value.th.startswith(f"{ledger.path}: เปิดบันทึกอีเมลที่ดึงมาแล้วไม่ได้")
    assert str(caught.value).startswith(f"{ledger.path}: cannot read")


def test_a_record_that_cannot_be_written(tmp_path: Path) -> None:
    ledger = JsonlLedger(tmp_path / "file" / "ledger.jsonl")
    (tmp_path / "file").write_text("a file where the ledger's folder should be", encoding="utf-8")
    with pytest.raises(MailError) as caught:
        ledger.record(FetchedMessage(message_id="<1@x>", sender="a@school01.example"))
    assert caught.value.th.startswith(f"{ledger.path}: บันทึกอีเมลที่ดึงมาแล้วไม่ได้")
    assert "cannot record the fetched message" in str(caught.value)


def test_a_reply_without_an_outbox(tmp_path: Path) -> None:
    with pytest.raises(MailError) as caught:
        JsonlLedger.in_inbox(tmp_path).record(FetchedMessage(message_id="<1@x>", sender="a@x.example"),
                                               [EmailMessage()])
    assert "SHEETSYNC_MAIL_OUTBOX" in caught.value.th and caught.value.th.startswith("ต้องเตรียมอีเมลตอบกลับ")
