"""``sheetsync restore`` and the office's e-mail: the outbox numbering and the mailbox's marks after a
backup is put back. Real SMTP (aiosmtpd) and real IMAP (Dovecot)."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
import typer

from sheetsync.mailer import _imap
from sheetsync.office.outbox import FILE_HEADER
from sheetsync.office.store import Store
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.imap_server import PASSWORD, Mailbox
from tests.test_mail_fetch import XLSX, mail_from
from tests.test_mail_smtp import Server
from tests.test_master_support import at, seed_data, variant
from tests.test_office import in_office
from tests.test_restore import arrive, recipients



def smtp_office(office: Path, smtp: Server) -> Path:
    """The office sending through the test SMTP server, its digest to the boss, no settling time."""
    toml = office / "sheetsync.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0").replace(
        'from = ""', f'from = "office@bma.example"\ndigest_to = "boss@bma.example"\nsmtp_host = "127.0.0.1"\n'
                     f'smtp_port = {smtp.port}\nsmtp_security = "none"'), encoding="utf-8")
    return office


def sent_to(smtp: Server, address: str) -> list[EmailMessage]:
    """The e-mails the SMTP server received for ``address``."""
    return [m for m in smtp.messages() if address in str(m["To"])]


def synced(app: typer.Typer, office: Path) -> None:
    done = in_office(app, office, "sync", "--send")
    assert done.exit_code == 0, done.output


def garble_and_restore(app: typer.Typer, office: Path, backup: Path) -> str:
    (office / "sheetsync.sqlite").write_bytes(b"\0" * 4096)
    done = in_office(app, office, "restore", str(backup))
    assert done.exit_code == 0, done.output
    return str(done.output)


def test_after_restore_no_new_mail_is_taken_for_a_sent_one_and_none_is_sent_twice(
        app: typer.Typer, office: Path, progress_form: Form, smtp: Server, tmp_path: Path) -> None:
    smtp_office(office, smtp)
    arrive(progress_form, office, "s1", 40)
    synced(app, office)  # 000001 s1's report, 000002 the digest
    backup = tmp_path / "usb" / "b.sqlite"
    assert in_office(app, office, "backup", str(backup)).exit_code == 0
    arrive(progress_form, office, "s2", 41)
    synced(app, office)  # 000003 s2, 000004 digest
    arrive(progress_form, office, "s3", 42)
    synced(app, office)  # 000005 the digest (s3 is on no roster: only the digest names it)
    assert len(sent_to(smtp, "boss@bma.example")) == 3
    sent = {p.name: p.read_bytes() for p in (office / "outbox" / "sent").iterdir()}
    assert len(sent) == 5
    said = garble_and_restore(app, office, backup)
    assert "ส่งแล้ว 3 ฉบับ" in said and "3 sent" in said, said  # 000003 to 000005, taken back into the store
    arrive(progress_form, office, "s4", 43)  # a file new to the office
    synced(app, office)  # reads s2 and s3 again (put back) and s4
    assert recipients(office / "sheetsync.sqlite") == ["s1", "s2", "s3", "s4"]
    for school in ("s1", "s2"):  # each school on the roster answered once, s2 also after its file was read again
        assert len(sent_to(smtp, f"head@{school}.example")) == 1, school
    assert len(sent_to(smtp, "boss@bma.example")) == 4  # this run's digest too
    for name, data in sent.items():  # no new mail took the number of one sent before the restore
        assert (office / "outbox" / "sent" / name).read_bytes() == data, name
    assert len(list((office / "outbox" / "sent").iterdir())) == 6
    with Store(office / "sheetsync.sqlite") as db:
        assert db.mails("sent") == []  # nothing left waiting


def imap_office(office: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The office fetching from the test Dovecot (its [imap]), the password only in the environment."""
    toml = office / "sheetsync.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "\n[imap]\n", f'\n[imap]\nhost = "127.0.0.1"\nport = {mailbox.server.tls_port}\nuser = "{mailbox.user}"\n'
                      f'cafile = "{mailbox.server.cafile}"\n', 1), encoding="utf-8")
    monkeypatch.setenv("SHEETSYNC_IMAP_PASSWORD", PASSWORD)
    return office


def school_mail(form: Form, tmp_path: Path, recipient: str, day: int) -> bytes:
    """A school's mail carrying its filled template."""
    path = tmp_path / "made" / f"{recipient}.xlsx"
    write_template(form, path, data=variant(seed_data(), reports=5), recipient=recipient, issued=at(day))
    return mail_from(f"head@{recipient}.example", "ส่งรายงาน", [(f"{recipient}.xlsx", path.read_bytes(), XLSX)],
                     f"<report@{recipient}.example>")


@pytest.mark.parametrize("keywords", [True, False], ids=["marked", "no-keywords"])
def test_mail_fetched_after_the_backup_is_read_once_and_answered_once_after_restore(
        app: typer.Typer, office: Path, progress_form: Form, smtp: Server, mailbox: Mailbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, keywords: bool) -> None:
    if not keywords:  # a server that keeps no keyword of ours (Exchange): the store's ledger alone says "fetched"
        real = _imap.select
        monkeypatch.setattr(_imap, "select", lambda client, folder: tuple(
            f for f in real(client, folder) if f != b"\\*"))
    imap_office(smtp_office(office, smtp), mailbox, monkeypatch)
    mailbox.deliver(school_mail(progress_form, tmp_path, "s1", 40))
    synced(app, office)
    backup = tmp_path / "usb" / "b.sqlite"
    assert in_office(app, office, "backup", str(backup)).exit_code == 0
    mailbox.deliver(school_mail(progress_form, tmp_path, "s2", 41))  # two more mails, fetched after the backup
    mailbox.deliver(mail_from("head@s1.example", "แบบรายงาน", [("scan.pdf", b"%PDF-1.4", "application/pdf")],
                              "<scan@s1.example>"))
    synced(app, office)
    before = {a: len(sent_to(smtp, a)) for a in ("head@s1.example", "head@s2.example")}
    assert before == {"head@s1.example": 2, "head@s2.example": 1}  # s1: its report, then what to send instead of a PDF
    garble_and_restore(app, office, backup)
    synced(app, office)
    assert recipients(office / "sheetsync.sqlite") == ["s1", "s2"]  # no school lost ...
    with Store(office / "sheetsync.sqlite") as db:
        assert len(db.versions()) == 2  # ... nor read twice
    assert {a: len(sent_to(smtp, a)) for a in before} == before  # nobody answered again
    assert not list((office / "inbox").glob("*.xlsx"))


def written_by_an_older_sheetsync(office: Path) -> None:
    """Take the header naming the file answered off every e-mail on disk, as sheetsync wrote them before it."""
    for path in (office / "outbox").rglob("*.eml"):
        data = path.read_bytes()
        head, _, body = data.partition(b"\r\n\r\n")
        kept = [line for line in head.split(b"\r\n") if not line.lower().startswith(FILE_HEADER.lower().encode())]
        path.write_bytes(b"\r\n".join(kept) + b"\r\n\r\n" + body)


@pytest.mark.parametrize("how", ["dropped", "mailed"])
def test_a_report_of_an_older_sheetsync_is_not_sent_again_for_a_file_read_again(
        app: typer.Typer, office: Path, progress_form: Form, smtp: Server, mailbox: Mailbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    smtp_office(office, smtp)
    if how == "mailed":  # answered in the school's thread (To its sender, Re: its subject)
        imap_office(office, mailbox, monkeypatch)
    deliver = (lambda who, day: mailbox.deliver(school_mail(progress_form, tmp_path, who, day))) if how == "mailed" \
        else (lambda who, day: arrive(progress_form, office, who, day))
    deliver("s1", 40)
    synced(app, office)
    backup = tmp_path / "usb" / "b.sqlite"
    assert in_office(app, office, "backup", str(backup)).exit_code == 0
    deliver("s2", 41)
    synced(app, office)
    assert len(sent_to(smtp, "head@s2.example")) == 1
    written_by_an_older_sheetsync(office)
    garble_and_restore(app, office, backup)
    arrive(progress_form, office, "s1", 45)  # s1 sends a new version after the restore: answered as ever
    synced(app, office)
    assert recipients(office / "sheetsync.sqlite") == ["s1", "s2"]
    assert len(sent_to(smtp, "head@s2.example")) == 1  # s2 is not answered a second time
    assert len(sent_to(smtp, "head@s1.example")) == 2
