"""The e-mails Thai schools' own programs send, built as those programs build them, through the real fetch
(Dovecot, see tests/imap_server.py) and sync (a real SMTP server): what the school is told, Thai first.

A link to Google Drive, Google Sheets or OneDrive instead of the file (Gmail's "Insert from Drive", its
automatic link for a file over 25 MB, Outlook's "Share link"); a spreadsheet saved as the wrong kind
(CSV, a web page, an Excel binary or macro workbook, a workbook encrypted with a password). Each was told
"no report file" or "the file is damaged": the teacher could not know what to do.
"""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from sheetsync.mailer import JsonlLedger, fetch
from sheetsync.messages import render
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.data.hostile.cfb import container
from tests.imap_server import Mailbox
from tests.test_mail_fetch import XLSX, env, imap_config, mail_from
from tests.test_mail_hostile import body, office_mail, replies
from tests.test_mail_loop import ROSTER, run, sync_args
from tests.test_mail_smtp import Server

TEACHER = "ครูสมศรี <a@s1.example>"


def gmail_with_a_link(link: str, name: str = "รายงาน วัดไทร.xlsx",
                      files: list[tuple[str, bytes, str]] | None = None) -> bytes:
    """What Gmail sends for "Insert from Drive" (or a file too big to attach): no attachment, the file
    as a link in the text and a chip in the HTML."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = TEACHER, "office@bma.example", "ส่งรายงาน"
    msg["Message-ID"] = "<drive@s1.example>"
    msg.set_content(f"ส่งรายงานค่ะ\n\n{name}\n<{link}>\n\n-- \nครูสมศรี โทร 081-234-5678\n")
    msg.add_alternative(f'<div dir="ltr">ส่งรายงานค่ะ<div class="gmail_chip gmail_drive_chip"><a href="{link}" '
                        f'target="_blank">{name}</a></div></div>', subtype="html")
    for file_name, data, mime in files or []:
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=file_name)
    return msg.as_bytes()


LINKS = {"drive": "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=drive_web",
         "sheets": "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOp/edit?usp=drive_web",
         "onedrive": "https://1drv.ms/x/s!AbCdEfGhIjKlMnOp",
         "sharepoint": "https://bmaedu-my.sharepoint.com/:x:/g/personal/somsri_bmaedu_go_th/EAbCdEf?e=xyz"}


@pytest.mark.parametrize("where", LINKS)
def test_a_link_instead_of_the_file_is_answered_with_how_to_attach_it(mailbox: Mailbox, tmp_path: Path,
                                                                     where: str) -> None:
    mailbox.deliver(gmail_with_a_link(LINKS[where]))
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert result.saved == [] and result.replies == 1
    [message] = result.messages
    assert [r.reason for r in message.refused] == ["cloud-link"]
    text = body(replies(outbox)[0])
    thai = render("fetch.refused.cloud-link", "th", source="mail.yaml", name=message.refused[0].name)
    assert thai in text and text.index(thai) < text.index("Dear")  # Thai first
    assert ".xlsx" in thai and message.refused[0].name in text  # names the service, asks for the file itself


def test_a_link_in_the_signature_beside_the_file_is_no_refusal(mailbox: Mailbox, tmp_path: Path,
                                                               progress_form: Form, seed: dict[str, Any]) -> None:
    write_template(progress_form, tmp_path / "made.xlsx", data=seed, recipient="s1")
    raw = gmail_with_a_link(LINKS["drive"], files=[("วัดไทร.xlsx", (tmp_path / "made.xlsx").read_bytes(), XLSX)])
    mailbox.deliver(raw)
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert len(result.saved) == 1 and result.replies == 0 and result.messages[0].refused == ()


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_macros(workbook: bytes) -> bytes:
    """``workbook`` as Excel saves it as a Macro-Enabled Workbook: its parts and a VBA project."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    return _zip_of({**members, "xl/vbaProject.bin": b"\xcc\x61" + bytes(510)})


WEB_PAGE = ('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
            '<head><meta name=ProgId content=Excel.Sheet><meta name=Generator content="Microsoft Excel 15"></head>'
            '<body><table><tr><td>โรงเรียนวัดไทร</td><td>20</td></tr></table></body></html>').encode("utf-8")
CSV = "รหัส,โรงเรียน,ร้อยละ\r\ns1,โรงเรียนวัดไทร,20\r\n".encode("utf-8-sig")  # Excel's "CSV UTF-8"


def disguised(kind: str, workbook: bytes) -> bytes:
    """A school's file, sent under the name ``วัดไทร.xlsx`` but saved as ``kind``."""
    if kind == "csv":
        return CSV
    if kind == "web-page":
        return WEB_PAGE
    if kind == "encrypted":  # Excel's File > Info > Protect Workbook > Encrypt with Password: a compound file
        data, _ = container(bytes(range(256)) * 40, "EncryptedPackage", entries=["EncryptionInfo"])
        return bytes(data)
    if kind == "macros":
        return _with_macros(workbook)
    return _zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": bytes(64)})  # xlsb


WHY = {"csv": "why.csv", "web-page": "why.web-page", "encrypted": "why.encrypted", "macros": "why.macros",
       "xlsb": "why.xlsb"}


@pytest.mark.parametrize("kind", list(WHY))
def test_a_file_saved_as_another_kind_is_told_precisely_what_to_do(
        mailbox: Mailbox, smtp: Server, tmp_path: Path, progress_form: Form, seed: dict[str, Any],
        kind: str) -> None:
    (tmp_path / "schools.csv").write_text(ROSTER, encoding="utf-8")
    write_template(progress_form, tmp_path / "made" / "s1.xlsx", data=seed, recipient="s1")
    data = disguised(kind, (tmp_path / "made" / "s1.xlsx").read_bytes())
    mailbox.deliver(mail_from(TEACHER, "ส่งรายงาน", [("วัดไทร.xlsx", data, XLSX)], "<kind@s1.example>"))
    done = run(tmp_path, mailbox, smtp, *sync_args())
    assert done.returncode == 1, done.stderr  # quarantined, and its sender answered
    [answer] = [m for m in smtp.messages() if m["In-Reply-To"] == "<kind@s1.example>"]
    text = body(answer)
    thai = render(WHY[kind], "th")
    assert thai in text and text.index(thai) < text.index("Dear"), text
    assert render("why.unreadable", "th") not in text and render("why.unsafe", "th") not in text


@pytest.mark.parametrize(("name", "mime", "why"), [
    ("วัดไทร.xlsb", "application/vnd.ms-excel.sheet.binary.macroEnabled.12", "why.xlsb"),
    ("วัดไทร.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12", "why.macros"),
    ("วัดไทร.csv", "text/csv", "why.csv"),
    ("วัดไทร.htm", "text/html", "why.web-page")])
def test_a_spreadsheet_of_a_kind_not_read_is_not_called_no_report(mailbox: Mailbox, tmp_path: Path,
                                                                   name: str, mime: str, why: str) -> None:
    # Taken for "another attachment", it was answered "วัดไทร.xlsm is not a report file": it is the
    # school's report, saved as a kind that is not read, and saving it again is the whole fix.
    mailbox.deliver(mail_from(TEACHER, "ส่งรายงาน", [(name, b"PK\x03\x04 whatever", mime)], "<kind@s1.example>"))
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    [message] = result.messages
    assert message.others == () and [(r.name, r.reason) for r in message.refused] == [(name, "saved-as")]
    text = body(replies(outbox)[0])
    thai = render(why, "th")
    assert name in text and thai in text and text.index(thai) < text.index("Dear"), text


def test_the_file_among_photos_and_inside_a_forwarded_message_is_taken(mailbox: Mailbox, tmp_path: Path,
                                                                       progress_form: Form, seed: dict[str, Any]) -> None:
    # Already right, kept so: twenty attachments (nineteen photos of the school's work and the file),
    # and Outlook's "Forward as Attachment" (the whole message attached, message/rfc822).
    write_template(progress_form, tmp_path / "made.xlsx", data=seed, recipient="s1")
    good = (tmp_path / "made.xlsx").read_bytes()
    photos = [(f"IMG_{n:04d}.jpg", b"\xff\xd8\xff\xe0" + bytes(30_000), "image/jpeg") for n in range(19)]
    mailbox.deliver(mail_from(TEACHER, "ส่งรายงานพร้อมรูป", [*photos, ("วัดไทร.xlsx", good, XLSX)], "<photos@s1.example>"))
    inner = EmailMessage()
    inner["From"], inner["Subject"] = TEACHER, "ส่งรายงาน"
    inner.set_content("ส่งรายงานค่ะ")
    inner.add_attachment(good, maintype="application", subtype=XLSX.split("/")[1], filename="ยายร่ม.xlsx")
    outer = EmailMessage()
    outer["From"], outer["To"], outer["Subject"] = "ผอ. <head@s1.example>", "office@bma.example", "FW: ส่งรายงาน"
    outer["Message-ID"] = "<fw@s1.example>"
    outer.set_content("ส่งต่อครับ")
    outer.add_attachment(inner, filename="ส่งรายงาน.eml")
    mailbox.deliver(outer.as_bytes())
    inbox, outbox, mail = office_mail(tmp_path)
    result = fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    assert sorted(p.name for p in result.saved) == ["ยายร่ม.xlsx", "วัดไทร.xlsx"] and result.replies == 0


def test_outlook_s_winmail_dat_without_a_name_is_explained(mailbox: Mailbox, tmp_path: Path) -> None:
    # Outlook's Rich Text mail (TNEF) as some gateways pass it on: application/ms-tnef with no file name.
    # Nameless, it was no attachment at all: the school read only "no report file".
    raw = mail_from(TEACHER, "ส่งรายงาน", [("winmail.dat", b"\x78\x9f\x3e\x22" + bytes(64), "application/ms-tnef")],
                    "<rtf@s1.example>").replace(b'; filename="winmail.dat"', b"").replace(b"attachment\n", b"inline\n")
    assert b"winmail.dat" not in raw
    mailbox.deliver(raw)
    inbox, outbox, mail = office_mail(tmp_path)
    fetch(imap_config(mailbox), inbox, JsonlLedger.in_inbox(inbox, outbox), mail=mail, environ=env())
    text = body(replies(outbox)[0])
    thai = render("fetch.winmail", "th", source="mail.yaml")
    assert thai in text and text.index(thai) < text.index("Dear")
