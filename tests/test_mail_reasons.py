"""What the clerk reads when the office's mail cannot be sent: Thai first, the English after " / "."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from typer.testing import CliRunner

from sheetsync.spec.form import Form
from sheetsync.template.write import write_template
from tests.test_mail_cli import env_for
from tests.test_mail_smtp import free_port
from tests.test_master_support import seed_data, variant



def test_sync_send_without_a_mail_server_says_why_in_thai(office: Path, app: typer.Typer, progress_form: Form) -> None:
    # The clerk's walk: "ส่งไม่ได้ / not sent: …: cannot connect to SMTP server localhost:587: Connection
    # refused", the reason in English only.
    config = (office / "sheetsync.toml").read_text(encoding="utf-8")
    (office / "sheetsync.toml").write_text(config.replace('from = ""', 'from = "office@bma.example"')
                                           .replace("settle_seconds = 2.0", "settle_seconds = 0"), encoding="utf-8")
    write_template(progress_form, office / "inbox" / "s1.xlsx", data=variant(seed_data(), reports=5), recipient="s1")
    port = free_port()
    cwd = Path.cwd()
    os.chdir(office)
    try:
        result = CliRunner().invoke(app, ["sync", "--send"], env=env_for(port))
    finally:
        os.chdir(cwd)
    failures = [line for line in result.stderr.splitlines() if line.startswith("ส่งไม่ได้ / not sent: ")]
    assert result.exit_code == 1 and failures, result.output
    for line in failures[:-1] if "ฉบับยังไม่ได้ลองส่ง" in failures[-1] else failures:  # the last: how many wait
        reason = line.split(".eml: ", 1)[1].removeprefix("not sent: ")
        assert reason.startswith(f"เชื่อมต่อเครื่องส่งอีเมล 127.0.0.1:{port} ไม่ได้ เพราะเครื่องนั้นไม่รับการเชื่อมต่อ"), line
        assert reason.endswith(f" / cannot connect to SMTP server 127.0.0.1:{port}: Connection refused"), line
