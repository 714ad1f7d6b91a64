"""An attachment's Content-Disposition with many parameters before ``filename``: every received header was
cut to its first 4,096 characters, so a name after ~1,000 other parameters was lost and the sender was
told no spreadsheet came. The parameters a name is read from are now kept, within a bound; past it the
sender is told the attachment's header was too long to read its name."""

from __future__ import annotations

import time

import pytest
from email.message import EmailMessage

from sheetsync.mailer import FetchedMessage, MailConfig, compose_fetch_reply
from sheetsync.mailer._headers import RECEIVED_PARAMETERS_LIMIT
from sheetsync.mailer._imap_config import ImapConfig
from sheetsync.mailer._reading import read_message

NAME = "รายงานความก้าวหน้า เดือนมกราคม.xlsx"
XLSX = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sent(parameters: int, name: str = NAME, subtype: str = XLSX) -> bytes:
    """A message as a mail program builds it (the email package), its one spreadsheet's
    Content-Disposition carrying ``parameters`` others before its file name."""
    message = EmailMessage()
    message["From"] = "ครูสมศรี <somsri@school.example>"
    message["To"] = "office@district.example"
    message["Subject"] = "ส่งรายงาน"
    message["Message-ID"] = "<many-params@school.example>"
    message.set_content("ส่งรายงานค่ะ")
    others = "; ".join(f"x-param-{n}=value-{n}" for n in range(parameters))
    message.add_attachment(b"PK\x03\x04 not really a workbook", maintype="application", subtype=subtype,
                           disposition=f"attachment; {others}", filename=name)
    return message.as_bytes()


@pytest.mark.parametrize("subtype", [XLSX, "octet-stream"])  # the latter was told "no spreadsheet"
def test_a_name_after_a_thousand_parameters_is_found(subtype: str) -> None:
    raw = sent(1000, subtype=subtype)
    assert len(raw) > 20_000  # well past the 4,096 characters every header was cut to
    found = read_message(raw, ImapConfig(host="h", user="u"), whole=True).found
    assert [name for name, _ in found.spreadsheets] == [NAME]
    assert found.refused == []


def test_a_header_past_the_bound_is_answered_with_why_in_bounded_time() -> None:
    # The email package takes minutes to write 1 MB of parameters: 40,000 more are put in its output, folded.
    more = b";\n ".join(b"x-more-%d=v" % n for n in range(40_000))
    raw = sent(10, subtype="octet-stream").replace(b'x-param-0="value-0";', more + b";", 1)
    assert len(raw) > 4 * RECEIVED_PARAMETERS_LIMIT
    started = time.perf_counter()
    found = read_message(raw, ImapConfig(host="h", user="u"), whole=True).found
    assert time.perf_counter() - started < 5
    assert found.spreadsheets == []
    assert [(r.reason, r.detail) for r in found.refused] == [("header-too-long", f"{RECEIVED_PARAMETERS_LIMIT:,}")]
    fetched = FetchedMessage(message_id="<many-params@school.example>", sender="somsri@school.example",
                             subject="ส่งรายงาน", refused=tuple(found.refused))
    reply = compose_fetch_reply(fetched, MailConfig(from_addr="office@district.example"), "10 MB")
    text = reply.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "ส่วนหัว" in text and "header" in text  # names why, in Thai and English
    assert f"{RECEIVED_PARAMETERS_LIMIT:,}" in text


def test_a_file_name_in_rfc2231_pieces_after_many_parameters_is_found() -> None:
    # Thai and long: the email package writes it as filename*0*=utf-8''…; filename*1*=… (RFC 2231).
    name = "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ โรงเรียนวัดโพธิ์ทอง.xlsx"
    raw = sent(1000, name)
    assert b"filename*0*=" in raw or b"filename*=" in raw
    found = read_message(raw, ImapConfig(host="h", user="u"), whole=True).found
    assert [n for n, _ in found.spreadsheets] == [name]


def test_a_quoted_value_that_looks_like_a_name_is_not_taken_for_one() -> None:
    message = EmailMessage()
    message["From"] = "somsri@school.example"
    message.set_content("x")
    decoy = "; ".join(f"x-{n}=v" for n in range(1000))
    message.add_attachment(b"data", maintype="application", subtype="octet-stream",
                           disposition=f'attachment; x-note="a; filename=evil.xlsx"; {decoy}', filename="report.pdf")
    found = read_message(message.as_bytes(), ImapConfig(host="h", user="u"), whole=True).found
    assert found.spreadsheets == [] and found.others == ["report.pdf"]
