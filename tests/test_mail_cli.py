"""``sheetsync mail OUTBOX``: listing, sending, failures and exit codes, against a real SMTP server."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sheetsync.cli.mail import register
from sheetsync.mailer import MailConfig, pending
from sheetsync.spec.form import Form
from sheetsync.template.write import write_template

from tests.test_mail_smtp import Server, fill_outbox, free_port


@pytest.fixture
def workbook(tmp_path: Path, progress_form: Form) -> Path:
    """A school's returned workbook (as in tests/test_mail_smtp.py)."""
    path = tmp_path / "returned" / "โรงเรียนวัดไทร แบบรายงาน.xlsx"
    write_template(progress_form, path, recipient="school-01")
    return path


@pytest.fixture
def app() -> typer.Typer:
    """A bare app with only ``mail``, registered the way sheetsync.cli does."""
    app = typer.Typer(add_completion=False, rich_markup_mode=None)

    @app.callback()
    def main() -> None:
        """sheetsync (test app)."""

    register(app)
    return app


def env_for(port: int) -> dict[str, str]:
    return {"SHEETSYNC_SMTP_HOST": "127.0.0.1", "SHEETSYNC_SMTP_PORT": str(port), "SHEETSYNC_SMTP_SECURITY": "none",
            "SHEETSYNC_SMTP_USER": "", "SHEETSYNC_SMTP_TIMEOUT": "5"}


@pytest.fixture
def outbox(tmp_path: Path, smtp_server: Server, workbook: Path) -> Path:
    folder = tmp_path / "outbox"
    fill_outbox(folder, smtp_server.config(), workbook, "a@school01.example", "b@school02.example")
    return folder


@pytest.mark.parametrize("args", [[], ["--send", "--dry-run"], ["--dry-run"]])
def test_without_send_it_only_lists(app: typer.Typer, outbox: Path, smtp_server: Server, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["mail", str(outbox), *args], env=env_for(smtp_server.port))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("school-01 โรงเรียนวัดไทร แบบรายงาน.eml: ")
    assert "a@school01.example" in lines[0] and "ผลการตรวจสอบแบบรายงาน: โรงเรียนวัดไทร" in lines[0]
    assert lines[-1] == f"มีอีเมลรอส่ง 2 ฉบับใน {outbox} (ส่งด้วย --send) / 2 message(s) waiting in {outbox}; deliver them with --send"
    assert smtp_server.handler.envelopes == [] and len(pending(outbox)) == 2


def test_send_delivers_and_says_so(app: typer.Typer, outbox: Path, smtp_server: Server) -> None:
    result = CliRunner().invoke(app, ["mail", str(outbox), "--send"], env=env_for(smtp_server.port))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["ส่งแล้ว / sent: school-01 โรงเรียนวัดไทร แบบรายงาน.eml",
                                          "ส่งแล้ว / sent: school-02 โรงเรียนวัดไทร แบบรายงาน.eml"]
    assert len(smtp_server.messages()) == 2 and pending(outbox) == []
    again = CliRunner().invoke(app, ["mail", str(outbox), "--send"], env=env_for(smtp_server.port))
    assert again.exit_code == 0 and again.stdout == "" and len(smtp_server.messages()) == 2


def test_a_refusal_exits_1_and_a_resend_sends_the_rest(app: typer.Typer, outbox: Path,
                                                       smtp_server: Server) -> None:
    smtp_server.handler.refuse_rcpt = {"b@school02.example"}
    result = CliRunner().invoke(app, ["mail", str(outbox), "--send"], env=env_for(smtp_server.port))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["ส่งแล้ว / sent: school-01 โรงเรียนวัดไทร แบบรายงาน.eml"]
    assert result.stderr.startswith("ส่งไม่ได้ / not sent: school-02 โรงเรียนวัดไทร แบบรายงาน.eml: ")
    assert " / SMTP server refused the recipient: b@school02.example: 550" in result.stderr
    # Thai first for the clerk: which address the server refused, and where it comes from (found by a clerk).
    reason = result.stderr.splitlines()[0].split(".eml: ", 1)[1]
    assert reason.index("b@school02.example") < reason.index("roster.csv") < reason.index(" / SMTP server refused")
    smtp_server.handler.refuse_rcpt.clear()
    again = CliRunner().invoke(app, ["mail", str(outbox), "--send"], env=env_for(smtp_server.port))
    assert again.exit_code == 0 and again.stdout.splitlines() == ["ส่งแล้ว / sent: school-02 โรงเรียนวัดไทร แบบรายงาน.eml"]
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["a@school01.example"], ["b@school02.example"]]


def test_server_down_exits_1_and_keeps_everything(app: typer.Typer, outbox: Path) -> None:
    before = {p.name: p.read_bytes() for p in pending(outbox)}
    port = free_port()
    result = CliRunner().invoke(app, ["mail", str(outbox), "--send"], env=env_for(port))
    assert result.exit_code == 1 and result.stdout == ""
    assert f"cannot connect to SMTP server 127.0.0.1:{port}: Connection refused" in result.stderr
    assert len(result.stderr.splitlines()) == 2
    assert {p.name: p.read_bytes() for p in pending(outbox)} == before


def test_options_override_the_environment(app: typer.Typer, outbox: Path, smtp_server: Server) -> None:
    env = env_for(free_port()) | {"SHEETSYNC_SMTP_SECURITY": "ssl"}
    args = ["mail", str(outbox), "--send", "--port", str(smtp_server.port), "--security", "none"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages()) == 2


def test_there_is_no_password_option(app: typer.Typer, outbox: Path) -> None:
    result = CliRunner().invoke(app, ["mail", str(outbox), "--send", "--password", "s3cret"])
    assert result.exit_code == 2 and "No such option" in result.stderr
    group = typer.main.get_group(app)
    options = [o for param in group.commands["mail"].params for o in param.opts]
    assert not [o for o in options if "pass" in o]


def test_missing_outbox_and_bad_config_are_errors(app: typer.Typer, tmp_path: Path) -> None:
    missing = CliRunner().invoke(app, ["mail", str(tmp_path / "nope")])
    assert missing.exit_code == 3 and "no such outbox folder" in missing.stderr
    (tmp_path / "empty").mkdir()
    bad = CliRunner().invoke(app, ["mail", str(tmp_path / "empty"), "--send"], env={"SHEETSYNC_SMTP_PORT": "x"})
    assert bad.exit_code == 3 and "SHEETSYNC_SMTP_PORT='x' is not a number" in bad.stderr


def test_login_needs_the_password_variable(app: typer.Typer, outbox: Path, smtp_server: Server) -> None:
    env = env_for(smtp_server.port) | {"SHEETSYNC_SMTP_USER": "office", "SHEETSYNC_SMTP_PASSWORD": ""}
    result = CliRunner().invoke(app, ["mail", str(outbox), "--send"], env=env)
    assert result.exit_code == 1 and "SHEETSYNC_SMTP_PASSWORD is not" in result.stderr
    assert MailConfig.from_env(env).user == "office" and len(pending(outbox)) == 2


def test_listing_goes_past_a_file_that_is_no_message(app: typer.Typer, outbox: Path,
                                                     smtp_server: Server) -> None:
    """A hand-made .eml in the outbox gets its line; the messages after it are still listed (exit 1)."""
    (outbox / "0-notes.eml").write_text("just some notes, no headers\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["mail", str(outbox)], env=env_for(smtp_server.port))
    assert result.exit_code == 1, result.output
    listed = result.stdout.splitlines()
    assert [line.split(":")[0] for line in listed[:2]] == ["school-01 โรงเรียนวัดไทร แบบรายงาน.eml",
                                                         "school-02 โรงเรียนวัดไทร แบบรายงาน.eml"]
    bad = result.stderr.splitlines()
    assert len(bad) == 1 and bad[0].startswith("ส่งไม่ได้ / not sent: 0-notes.eml: ไฟล์นี้ไม่ใช่อีเมลที่ส่งได้")
    assert bad[0].endswith("not a message sheetsync can send (no From or no recipient)")
    assert "Traceback" not in result.output and len(pending(outbox)) == 3
