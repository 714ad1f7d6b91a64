"""A received message's header costs what the office allows, not what its sender writes: the email
package parses every header line of a message (and of each of its parts) into objects, ~35 bytes of
text becoming ~300 bytes of memory. A real Dovecot (tests/imap_server.py); memory measured in a child
process (tests/data/hostile/measure.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from sheetsync.errors import MessageTooComplexError
from sheetsync.limits import MAX_HEADER_LINES
from sheetsync.mailer import ImapConfig
from sheetsync.mailer._reading import read_message
from tests.data.hostile.measure import measure
from tests.imap_server import PASSWORD, Mailbox
from tests.test_mail_fetch import XLSX, mail_from

HEAD = b"From: a@s1.example\r\nTo: office@bma.example\r\nSubject: big\r\nMessage-ID: <head@s1.example>\r\n"


def padded_head(lines: int) -> bytes:
    """A message whose header holds ``lines`` short fields."""
    return HEAD + b"X-Pad: b\r\n" * lines + b"\r\nhi\r\n"


def padded_part(lines: int) -> bytes:
    """A message whose one attachment's part header holds ``lines`` short fields."""
    part = b"--b\r\nContent-Type: text/plain\r\n" + b"X-Pad: b\r\n" * lines + b"\r\nhi\r\n--b--\r\n"
    return HEAD + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' + part


@pytest.mark.parametrize("raw", [padded_head(MAX_HEADER_LINES + 1), padded_part(MAX_HEADER_LINES + 1)],
                         ids=["message", "part"])
def test_more_header_lines_than_any_mail_program_writes_are_refused_before_parsing(raw: bytes) -> None:
    with pytest.raises(MessageTooComplexError):
        read_message(raw, ImapConfig(host="127.0.0.1"), whole=True)


def test_an_honest_header_is_read() -> None:
    assert read_message(padded_head(200), ImapConfig(host="127.0.0.1"), whole=True).kind == "return"


@pytest.mark.parametrize("size_mb", ["25", "1"], ids=["read-whole", "header-only"])
def test_a_huge_header_costs_bounded_memory_and_the_next_message_is_read(
        mailbox: Mailbox, good: bytes, tmp_path: Path, size_mb: str) -> None:
    mailbox.deliver(padded_head(1_200_000))  # 12 MB of header
    mailbox.deliver(mail_from("b@s2.example", "ส่งรายงาน", [("ยายร่ม.xlsx", good, XLSX)], "<next@s2.example>"))
    env = {**os.environ, "SHEETSYNC_MAIL_FROM": "office@bma.example", "SHEETSYNC_IMAP_HOST": "127.0.0.1",
           "SHEETSYNC_IMAP_PORT": str(mailbox.server.tls_port), "SHEETSYNC_IMAP_USER": mailbox.user,
           "SHEETSYNC_IMAP_CAFILE": str(mailbox.server.cafile), "SHEETSYNC_IMAP_PASSWORD": PASSWORD,
           "SHEETSYNC_IMAP_MAX_MESSAGE_MB": size_mb}
    done = measure([sys.executable, "-m", "sheetsync", "fetch", str(tmp_path / "inbox"), "--outbox",
                    str(tmp_path / "outbox")], env=env)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "inbox").glob("*.xlsx")] == ["ยายร่ม.xlsx"]
    assert done.peak_mb < 160, done.peak_mb
