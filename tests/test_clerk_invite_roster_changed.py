"""Found by a clerk who queued the month's templates (``template --email``), then, before the next
``sync --send``, put right a school's address in ``roster.csv`` (its old mailbox was closed) and took off
the roster a school that had closed. ``sync --send`` then sent the waiting invitations all the same:
the template — next month's holds the school's reports so far — to the closed old address, and one to
the school no longer on the roster, without a word. A waiting invitation whose school's roster line no
longer says so is now held back (``outbox/held/``, nothing deleted), in one Thai-first line saying why
and, for a new address, the command that mails the school at it.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli import run
from tests.test_mail_smtp import Server
from tests.test_office_moved import make_office

BEFORE = ("recipient_id,school_name,email,project_code\n"
          "s1,โรงเรียนวัดไทร,old@s1.example,50360000-3553\n"
          "s2,โรงเรียนวัดยายร่ม,head@s2.example,50360000-4001\n"
          "s3,โรงเรียนบ้านนา,head@s3.example,50360000-4002\n")
#: s1's address put right, s2 taken off (closed), s3 as it was.
AFTER = ("recipient_id,school_name,email,project_code\n"
         "s1,โรงเรียนวัดไทร,new@s1.example,50360000-3553\n"
         "s3,โรงเรียนบ้านนา,head@s3.example,50360000-4002\n")


def _to(smtp: Server) -> list[str]:
    return [str(m["To"]) for m in smtp.messages()]


def test_a_waiting_invitation_the_roster_no_longer_agrees_with_is_held_back(tmp_path: Path, smtp: Server) -> None:
    office = make_office(tmp_path, smtp)
    (office / "roster.csv").write_text(BEFORE, encoding="utf-8")
    assert run("template", "--roster", "roster.csv", "-o", "templates/", "--email", cwd=office).returncode == 0
    (office / "roster.csv").write_text(AFTER, encoding="utf-8")
    done = run("sync", "--send", cwd=office)
    sent = _to(smtp)
    assert not any("old@s1.example" in to or "head@s2.example" in to for to in sent), sent
    assert any("head@s3.example" in to for to in sent), sent
    held = sorted(p.name for p in (office / "outbox" / "held").iterdir())
    assert held == ["template s1.eml", "template s2.eml"], held
    lines = [line for line in done.stderr.splitlines() if "held" in line]
    assert len(lines) == 2, done.stderr
    s1 = next(line for line in lines if "s1" in line)
    assert s1.index("new@s1.example") < s1.index(" / ") and "old@s1.example" in s1, s1
    assert "--recipient s1" in s1 and "โรงเรียนวัดไทร" in s1, s1
    assert "โรงเรียนวัดยายร่ม" in next(line for line in lines if "s2" in line)  # named as last listed
    # The command the line gives mails s1 at its new address.
    again = run("template", "--roster", "roster.csv", "-o", "templates/", "--email", "--recipient", "s1", cwd=office)
    assert again.returncode == 0, again.stderr
    assert run("sync", "--send", cwd=office).returncode == 0
    assert any("new@s1.example" in to for to in _to(smtp)), _to(smtp)


TWO = ("recipient_id,school_name,email,project_code\n"
       's1,โรงเรียนวัดไทร,"head@s1.example, deputy@s1.example",50360000-3553\n'
       "s2,โรงเรียนวัดยายร่ม,ผอ@โรงเรียนวัดยายร่ม.ไทย,50360000-4001\n")


def test_an_invitation_to_a_school_of_two_addresses_or_a_thai_one_is_sent_as_the_roster_stands(
        tmp_path: Path, smtp: Server) -> None:
    """A roster line of two addresses (head and deputy) and one of a Thai address, unchanged between
    ``template --email`` and ``sync --send``: both invitations go, none is held."""
    office = make_office(tmp_path, smtp)
    (office / "roster.csv").write_text(TWO, encoding="utf-8")
    assert run("template", "--roster", "roster.csv", "-o", "templates/", "--email", cwd=office).returncode == 0
    done = run("sync", "--send", cwd=office)
    assert not (office / "outbox" / "held").exists(), done.stderr
    sent = " ".join(_to(smtp))
    assert "head@s1.example" in sent and "deputy@s1.example" in sent, sent


def test_mail_outbox_send_in_the_office_holds_them_back_too(tmp_path: Path, smtp: Server) -> None:
    """``sheetsync mail outbox`` lists the waiting e-mails and says to deliver them with ``--send``: typed as
    told, after roster.csv was put right, it sent the template to the closed old address (and one to the
    school taken off), as ``sync --send`` no longer does."""
    office = make_office(tmp_path, smtp)
    (office / "roster.csv").write_text(BEFORE, encoding="utf-8")
    assert run("template", "--roster", "roster.csv", "-o", "templates/", "--email", cwd=office).returncode == 0
    (office / "roster.csv").write_text(AFTER, encoding="utf-8")
    done = run("mail", "outbox", "--send", "--host", "127.0.0.1", "--port", str(smtp.port), "--security", "none",
               env={"SHEETSYNC_MAIL_FROM": "office@bma.example"}, cwd=office)
    sent = _to(smtp)
    assert not any("old@s1.example" in to or "head@s2.example" in to for to in sent), sent
    assert any("head@s3.example" in to for to in sent), (sent, done.stderr)
    held = sorted(p.name for p in (office / "outbox" / "held").iterdir())
    assert held == ["template s1.eml", "template s2.eml"], held
    assert "--recipient s1" in done.stderr, done.stderr


def test_an_invitation_that_cannot_be_held_back_is_not_sent_and_said_in_one_line(tmp_path: Path, smtp: Server) -> None:
    """outbox/held/ cannot be made (here a file of that name; on Windows, a folder the clerk may not write):
    the move raised an OSError through sync --send, a traceback, and the run stopped mid-way. Now nothing is
    sent in that run (the template must not go to the old address), one line says so, and the next run, the
    folder writable, holds it and sends the rest."""
    office = make_office(tmp_path, smtp)
    (office / "roster.csv").write_text(BEFORE, encoding="utf-8")
    assert run("template", "--roster", "roster.csv", "-o", "templates/", "--email", cwd=office).returncode == 0
    (office / "roster.csv").write_text(AFTER, encoding="utf-8")
    (office / "outbox" / "held").write_text("not a folder", encoding="utf-8")
    done = run("sync", "--send", cwd=office)
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert _to(smtp) == [], _to(smtp)
    said = [line for line in done.stderr.splitlines() if "template s1.eml" in line or "template s2.eml" in line]
    assert len(said) == 1 and said[0].index("ย้ายแม่แบบ") < said[0].index(" / ") < said[0].index("could not move"), said
    (office / "outbox" / "held").unlink()
    assert run("sync", "--send", cwd=office).returncode == 0
    sent = _to(smtp)
    assert any("head@s3.example" in to for to in sent) and not any("old@s1.example" in to for to in sent), sent
