"""The office's [imap] section, the privacy switch in [mail], and the store as the fetch's ledger."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from pathlib import Path

import pytest

from sheetsync.errors import MailError, OfficeError
from sheetsync.mailer import FetchedFile, FetchedMessage, ImapConfig, JsonlLedger, MailConfig, Refusal
from sheetsync.office.config import init_office, load_office, with_imap_env, with_mail_env
from sheetsync.office.mailbox import StoreLedger
from sheetsync.office.store import Store

MB = 1024 * 1024


def edit(office: Path, old: str, new: str) -> None:
    path = office / "sheetsync.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_init_writes_a_commented_imap_section_that_configures_nothing(tmp_path: Path) -> None:
    config = init_office(tmp_path / "o")
    text = (tmp_path / "o" / "sheetsync.toml").read_text(encoding="utf-8")
    assert "\n[imap]\n" in text and "# host = " in text and "SHEETSYNC_IMAP_PASSWORD" in text
    assert "summary_only = false" in text
    assert config.imap == ImapConfig() and not config.imap.configured
    assert config.mail.summary_only is False


def test_imap_section_maps_to_imap_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "USER", "SECURITY", "FOLDER", "DONE_FOLDER", "CAFILE", "SINCE", "MAX_ATTACHMENT_MB"):
        monkeypatch.delenv(f"SHEETSYNC_IMAP_{name}", raising=False)
    init_office(tmp_path / "o")
    edit(tmp_path / "o", "\n[imap]\n", '\n[imap]\nhost = "mail.bma.example"\nuser = "reports@bma.example"\n'
         'security = "starttls"\nport = 1143\nfolder = "Schools"\ndone_folder = "Done"\ncafile = "ca.pem"\n'
         'since = 2026-03-01\nmax_attachment_mb = 2\nmax_message_mb = 5.5\nmax_zip_members = 7\n')
    imap = load_office(tmp_path / "o").imap
    assert (imap.host, imap.user, imap.security, imap.imap_port) == ("mail.bma.example", "reports@bma.example",
                                                                       "starttls", 1143)
    assert (imap.folder, imap.done_folder, imap.since) == ("Schools", "Done", dt.date(2026, 3, 1))
    assert imap.cafile == str((tmp_path / "o" / "ca.pem").resolve())  # relative to the office
    assert (imap.max_attachment, imap.max_message, imap.max_zip_members) == (2 * MB, int(5.5 * MB), 7)
    # the environment still overrides, key by key
    monkeypatch.setenv("SHEETSYNC_IMAP_HOST", "other.example")
    monkeypatch.setenv("SHEETSYNC_IMAP_MAX_ATTACHMENT_MB", "1")
    both = with_imap_env(load_office(tmp_path / "o"))
    assert (both.host, both.user, both.imap_port, both.max_attachment) == ("other.example", "reports@bma.example",
                                                                            1143, MB)


@pytest.mark.parametrize("line, said", [
    ('password = "x"', "must not hold the password"),
    ('imap_password = "x"', "must not hold the password"),
    ('hots = "typo.example"', "[imap] has an unknown key hots"),
    ('security = "tls"', "[imap] security must be one of ssl, starttls, none"),
    ("port = 0", "must be a positive number"),
    ('since = "March"', "is not a date"),
    ("max_attachment_mb = -1", "must be a positive number"),
])
def test_a_wrong_imap_section_is_one_clear_line(tmp_path: Path, line: str, said: str) -> None:
    init_office(tmp_path / "o")
    edit(tmp_path / "o", "\n[imap]\n", f"\n[imap]\n{line}\n")
    with pytest.raises(OfficeError) as caught:
        load_office(tmp_path / "o")
    assert said in str(caught.value) and "sheetsync.toml" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_summary_only_has_a_key_in_the_mail_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETSYNC_MAIL_SUMMARY_ONLY", raising=False)
    init_office(tmp_path / "o")
    assert with_mail_env(load_office(tmp_path / "o")).summary_only is False
    monkeypatch.setenv("SHEETSYNC_MAIL_SUMMARY_ONLY", "1")  # either one switches privacy on
    assert with_mail_env(load_office(tmp_path / "o")).summary_only is True
    monkeypatch.delenv("SHEETSYNC_MAIL_SUMMARY_ONLY")
    edit(tmp_path / "o", "summary_only = false", "summary_only = true")
    assert with_mail_env(load_office(tmp_path / "o")).summary_only is True
    edit(tmp_path / "o", "summary_only = true", 'summary_only = "yes"')
    with pytest.raises(OfficeError, match="summary_only must be true or false"):
        load_office(tmp_path / "o")


def test_answers_per_day_has_a_key_in_the_mail_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETSYNC_MAIL_ANSWERS_PER_DAY", raising=False)
    init_office(tmp_path / "o")
    assert with_mail_env(load_office(tmp_path / "o")).answers_per_day == 10
    monkeypatch.setenv("SHEETSYNC_MAIL_ANSWERS_PER_DAY", "5")  # the environment where the office keeps the default
    assert with_mail_env(load_office(tmp_path / "o")).answers_per_day == 5
    edit(tmp_path / "o", "answers_per_day = 10", "answers_per_day = 0")
    assert with_mail_env(load_office(tmp_path / "o")).answers_per_day == 0
    edit(tmp_path / "o", "answers_per_day = 0", 'answers_per_day = "3"')
    with pytest.raises(OfficeError, match="answers_per_day must be a whole number"):
        load_office(tmp_path / "o")
    monkeypatch.setenv("SHEETSYNC_MAIL_ANSWERS_PER_DAY", "-1")
    with pytest.raises(MailError, match="SHEETSYNC_MAIL_ANSWERS_PER_DAY"):
        MailConfig.from_env()


def message(mid: str, *files: FetchedFile, **fields: str) -> FetchedMessage:
    return FetchedMessage(message_id=mid, sender=fields.get("sender", "a@s1.example"), subject="ส่งรายงาน",
                          date="2026-03-02T09:15:00+07:00", references="<x@y>", files=files,
                          refused=(Refusal("big.xlsx", "too-big", "10 MB"),), others=("scan.pdf",))


def reply(to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["X-Sheetsync-Name"] = "office@bma.example", to, "Re: x", f"reply {to}"
    msg.set_content("โปรดส่งไฟล์ .xlsx")
    return msg


def test_store_ledger_records_messages_and_queues_each_reply_once(tmp_path: Path) -> None:
    one = FetchedFile(tmp_path / "a.xlsx", "วัดไทร.xlsx", "1" * 64, 10)
    two = FetchedFile(tmp_path / "b.xlsx", "b.xlsx", "2" * 64, 20)
    with Store(tmp_path / "s.sqlite") as store:
        ledger = StoreLedger(store)
        assert not ledger.seen("<m@1>", "") and ledger.origin(one.sha256) is None
        ledger.record(message("<m@1>", one), [reply("a@s1.example")])
        assert ledger.seen("<m@1>", "") and ledger.seen("<m@1>", one.sha256) and not ledger.seen("<m@1>", two.sha256)
        # the same message again (another run fetched it meanwhile, or its mark was lost): its new
        # file is added, its reply is not queued a second time
        ledger.record(message("<m@1>", two), [reply("a@s1.example")])
        assert ledger.seen("<m@1>", two.sha256)
        assert [name for _, name, _, _ in store.mails("written")] == ["reply a@s1.example"]
        found = ledger.origin(two.sha256)
        assert found is not None and found.thread.message_id == "<m@1>" and found.thread.sender == "a@s1.example"
        assert found.refused == (Refusal("big.xlsx", "too-big", "10 MB"),) and found.others == ("scan.pdf",)
        assert [f.filename for f in found.files] == ["วัดไทร.xlsx", "b.xlsx"]
        ledger.record(message("<m@2>", one, sender="c@s3.example"))
        latest = ledger.origin(one.sha256)
        assert latest is not None and latest.sender == "c@s3.example"  # the latest message that brought it


def test_store_ledger_adopts_the_jsonl_ledger_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    old = JsonlLedger.in_inbox(inbox, tmp_path / "outbox")
    file = FetchedFile(inbox / "a.xlsx", "a.xlsx", "3" * 64, 5)
    old.record(message("<old@1>", file))
    with Store(tmp_path / "s.sqlite") as store:
        ledger = StoreLedger(store)
        assert ledger.adopt(JsonlLedger.in_inbox(inbox)) == 1
        assert ledger.seen("<old@1>", file.sha256)
        assert ledger.adopt(JsonlLedger.in_inbox(inbox)) == 0
        assert store.mails("written") == []  # its replies were queued when it was fetched


def test_mail_config_default_is_unchanged() -> None:
    assert MailConfig().summary_only is False


def test_the_readme_example_is_a_valid_office_section() -> None:
    import tomllib

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    # The reference's full example (the clerk's part shows only the lines a clerk changes).
    block = next(b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "done_folder" in b)
    data = tomllib.loads(block)
    imap = ImapConfig.from_table(data["imap"], "README.md")
    assert imap.host == "mail.bma.example" and imap.done_folder == "sheetsync" and imap.since == dt.date(2026, 3, 1)
    assert data["mail"]["summary_only"] is False
