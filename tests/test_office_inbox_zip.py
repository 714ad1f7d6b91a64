"""A .zip dropped into the inbox (webmail's "download all") is unpacked at the start of the run: each
spreadsheet in it is checked as a dropped file is, the zip is kept, and a hostile or useless zip is
set aside in quarantine with a Thai-first reason — within the limits of a zip attached to an e-mail."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import sheetsync.office.arriving
from sheetsync.crashpoint import CRASH_ENV
from sheetsync.limits import MAX_RETURN_SIZE, MAX_ZIP_MEMBERS
from sheetsync.office.arriving import ARRIVING_STILL
from sheetsync.office.store import Store
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, SyncResult, sync
from sheetsync.template.write import write_template
from tests.test_office import in_office

ROOT = Path(__file__).parent.parent
PEOPLE = [Recipient("s1", "โรงเรียนวัดไทร", "a@s1.example"), Recipient("s2", "โรงเรียนวัดยายร่ม", "b@s2.example")]
RUN = ("import sys; from pathlib import Path; from sheetsync.sync import sync, SyncOptions\n"
       "o = Path(sys.argv[1])\n"
       "sync(o / 'inbox', o / 'master.xlsx', report_dir=o / 'reports', options=SyncOptions(settle=0))\n")


def _run(office: Path) -> SyncResult:
    return sync(office / "inbox", office / "master.xlsx", report_dir=office / "reports", roster=PEOPLE,
                options=SyncOptions(settle=0))


def _returns(form: Form, folder: Path, seed: dict[str, Any], *schools: str) -> list[Path]:
    """A filled return of each school, as a school's e-mail brings it (not in the inbox)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{school}.xlsx" for school in schools]
    for path, school in zip(paths, schools):
        write_template(form, path, data=seed, recipient=school)
    return paths


def _zip(path: Path, members: list[tuple[str, bytes]], encrypted: tuple[str, ...] = (),
         cp874: tuple[str, ...] = ()) -> Path:
    """A zip of ``members``; those named in ``encrypted`` carry the "encrypted" flag (zipfile cannot
    encrypt: the flag is what every reader looks at first), those in ``cp874`` have their names in
    Thai Windows' code page without the UTF-8 flag, as Windows' own zip writes them."""
    buffer = io.BytesIO()
    stand_ins = {name: "A" * (len(name.encode("cp874")) - 5) + ".xlsx" for name in cp874}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(stand_ins.get(name, name), data)
    data = bytearray(buffer.getvalue())
    for name, stand_in in stand_ins.items():  # an ASCII name of the same length, so no flag is set
        data = bytearray(bytes(data).replace(stand_in.encode("ascii"), name.encode("cp874")))
    for name in encrypted:
        raw = name.encode("utf-8")
        for signature, flags, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            at = data.find(signature)
            while data[at + name_at:at + name_at + len(raw)] != raw:
                at = data.find(signature, at + 1)
            data[at + flags] |= 0x1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(data))
    return path


def _outcome_files(office: Path) -> list[str]:
    with Store(office / "master.sqlite") as store:
        return sorted(str(r[0]) for r in store.query("SELECT file FROM outcomes"))


def _inbox_files(office: Path) -> list[str]:
    return sorted(p.name for p in (office / "inbox").iterdir() if p.is_file())


def test_a_zip_of_two_returns_gives_two_outcomes_and_is_kept(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    office = tmp_path / "office"
    s1, s2 = _returns(progress_form, tmp_path / "mail", seed, "s1", "s2")
    _zip(office / "inbox" / "n73-02.zip", [(s1.name, s1.read_bytes()), (s2.name, s2.read_bytes())])
    sent = (office / "inbox" / "n73-02.zip").read_bytes()
    result = _run(office)
    assert sorted(o.result for o in result.outcomes()) == ["merged", "merged"]
    assert _outcome_files(office) == ["s1.xlsx", "s2.xlsx"]
    assert [c.valid for c in result.checked] == [True, True] and result.zips_refused == []
    processed = office / "inbox" / "processed"
    assert (processed / "n73-02.zip").read_bytes() == sent  # kept whole
    assert (processed / "s1.xlsx").read_bytes() == s1.read_bytes()
    assert _inbox_files(office) == [] and not (office / "inbox" / "quarantine").exists()
    assert {p.stem for p in (office / "reports").glob("s*.txt")} == {"s1", "s2"}  # each its own report
    said = [p for p in result.problems if "n73-02.zip" in p]
    assert said and said[0].index("ไฟล์บีบอัด") < said[0].index("The archive")  # Thai first


def test_a_zip_with_a_letter_and_a_return_takes_the_return(progress_form: Form, seed: dict[str, Any],
                                                           tmp_path: Path) -> None:
    office = tmp_path / "office"
    [s1] = _returns(progress_form, tmp_path / "mail", seed, "s1")
    _zip(office / "inbox" / "s1.zip", [("หนังสือนำส่ง.pdf", b"%PDF-1.4 a cover letter"), ("s1.xlsx", s1.read_bytes())])
    result = _run(office)
    assert [o.result for o in result.outcomes()] == ["merged"] and _outcome_files(office) == ["s1.xlsx"]
    assert (office / "inbox" / "processed" / "s1.zip").is_file() and result.zips_refused == []
    assert any("หนังสือนำส่ง.pdf" in p for p in result.problems)  # the clerk is told it was not read
    assert _inbox_files(office) == []


def test_member_names_are_made_safe_and_unique_in_the_inbox(progress_form: Form, seed: dict[str, Any],
                                                            tmp_path: Path) -> None:
    office = tmp_path / "office"
    [dropped] = _returns(progress_form, office / "inbox", seed, "s1")  # an s1.xlsx already waits there
    os.utime(dropped, (1, 1))
    returns = [_returns(progress_form, tmp_path / f"mail{n}", seed, school)[0]
               for n, school in enumerate(["s2", "s1", "s2"])]
    thai = "ร.ร.วัดไทร.xlsx"
    _zip(office / "inbox" / "n73.zip", [("../../etc/s1.xlsx", returns[0].read_bytes()),
                                        ("sub/วัด:ยาย?.xlsx", returns[1].read_bytes()),
                                        (thai, returns[2].read_bytes())], cp874=(thai,))
    result = _run(office)
    assert _outcome_files(office) == sorted(["s1.xlsx", "s1-2.xlsx", "วัด_ยาย_.xlsx", thai])
    processed = office / "inbox" / "processed"
    assert (processed / "s1-2.xlsx").read_bytes() == returns[0].read_bytes()
    assert (processed / thai).read_bytes() == returns[2].read_bytes()  # a Thai name from a Windows zip
    assert len(result.outcomes()) == 4 and _inbox_files(office) == []
    assert not (tmp_path / "etc").exists() and not (office / "etc").exists()


def test_members_named_with_a_trailing_dot_or_space_are_taken(progress_form: Form, seed: dict[str, Any],
                                                              tmp_path: Path) -> None:
    # A zip made on a Mac keeps "s1.xlsx." or "s2.xlsx " as typed: each was "not a report file", unread.
    office = tmp_path / "office"
    s1, s2 = _returns(progress_form, tmp_path / "mail", seed, "s1", "s2")
    _zip(office / "inbox" / "mac.zip", [("s1.xlsx.", s1.read_bytes()), ("งาน/s2.xlsx ", s2.read_bytes())])
    result = _run(office)
    assert _outcome_files(office) == ["s1.xlsx", "s2.xlsx"] and result.zips_refused == []
    assert sorted(o.result for o in result.outcomes()) == ["merged", "merged"]
    assert not [p for p in result.problems if "ไม่ใช่ไฟล์แบบรายงาน" in p]  # nothing said to be left unread


def _refused(office: Path, result: SyncResult, zip_name: str) -> str:
    """The refused zip's reason beside it in quarantine (and the run's word that it was refused)."""
    kept = office / "inbox" / "quarantine" / zip_name
    assert kept.is_file() and [p.name for p in result.zips_refused] == [zip_name]
    note = kept.with_name(zip_name + ".txt").read_text(encoding="utf-8")
    assert note.startswith("ไฟล์บีบอัด") and "The archive" in note  # Thai first, then English
    return note


def test_a_zip_of_too_many_entries_is_not_opened(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> None:
    office = tmp_path / "office"
    [s1] = _returns(progress_form, tmp_path / "mail", seed, "s1")
    members = [(f"r{n}.xlsx", s1.read_bytes()) for n in range(MAX_ZIP_MEMBERS + 1)]
    _zip(office / "inbox" / "many.zip", members)
    result = _run(office)
    note = _refused(office, result, "many.zip")
    assert f"ไม่เกิน {MAX_ZIP_MEMBERS} ไฟล์" in note
    assert result.outcomes() == [] and _inbox_files(office) == []  # nothing of it taken


def test_a_member_bigger_than_the_limit_is_refused_without_being_held(progress_form: Form, seed: dict[str, Any],
                                                                      tmp_path: Path) -> None:
    office = tmp_path / "office"
    [s1] = _returns(progress_form, tmp_path / "mail", seed, "s1")
    _zip(office / "inbox" / "big.zip", [("big.xlsx", bytes(MAX_RETURN_SIZE + 1)), ("s1.xlsx", s1.read_bytes())])
    result = _run(office)
    note = _refused(office, result, "big.zip")
    assert "big.xlsx" in note and "10 MB" in note
    assert _outcome_files(office) == ["s1.xlsx"]  # the good one is still taken
    assert _inbox_files(office) == [] and not (office / "inbox" / "processed" / "big.xlsx").exists()


def test_an_encrypted_member_is_refused_and_the_others_taken(progress_form: Form, seed: dict[str, Any],
                                                             tmp_path: Path) -> None:
    office = tmp_path / "office"
    s1, s2 = _returns(progress_form, tmp_path / "mail", seed, "s1", "s2")
    _zip(office / "inbox" / "locked.zip", [("s1.xlsx", s1.read_bytes()), ("s2.xlsx", s2.read_bytes())],
         encrypted=("s2.xlsx",))
    result = _run(office)
    note = _refused(office, result, "locked.zip")
    assert "รหัสผ่าน" in note and "s2.xlsx" in note
    assert _outcome_files(office) == ["s1.xlsx"] and _inbox_files(office) == []


def test_a_zip_of_nothing_to_take_is_set_aside(tmp_path: Path) -> None:
    office = tmp_path / "office"
    _zip(office / "inbox" / "photos.zip", [("รูป.jpg", b"\xff\xd8\xff not a report")])
    result = _run(office)
    assert ".xlsx" in _refused(office, result, "photos.zip") and result.outcomes() == []


def test_a_damaged_zip_waits_as_a_copy_may_then_is_set_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = tmp_path / "office"
    inbox = office / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "cut.zip").write_bytes(b"PK\x03\x04" + bytes(100))  # a zip without its central directory
    now = [1_000_000.0]
    monkeypatch.setattr(sheetsync.office.arriving, "clock", lambda: now[0])
    first = _run(office)
    assert first.waiting == [inbox / "cut.zip"] and first.zips_refused == [] and (inbox / "cut.zip").exists()
    now[0] += ARRIVING_STILL  # unchanged all along: it is not a copy under way
    second = _run(office)
    assert "เสียหาย" in _refused(office, second, "cut.zip") and second.outcomes() == []


def test_the_same_zip_dropped_twice_counts_nothing_twice(progress_form: Form, seed: dict[str, Any],
                                                         tmp_path: Path) -> None:
    office = tmp_path / "office"
    s1, s2 = _returns(progress_form, tmp_path / "mail", seed, "s1", "s2")
    zipped = _zip(tmp_path / "download" / "n73-02.zip", [(s1.name, s1.read_bytes()), (s2.name, s2.read_bytes())])
    (office / "inbox").mkdir(parents=True)
    (office / "inbox" / "n73-02.zip").write_bytes(zipped.read_bytes())
    assert len(_run(office).outcomes()) == 2
    (office / "inbox" / "n73-02.zip").write_bytes(zipped.read_bytes())  # the clerk downloads it again
    again = _run(office)
    assert again.outcomes() == [] and again.checked == [] and again.zips_refused == []
    assert _outcome_files(office) == ["s1.xlsx", "s2.xlsx"]
    processed = sorted(p.name for p in (office / "inbox" / "processed").iterdir())
    assert processed == ["n73-02-2.zip", "n73-02.zip", "s1.xlsx", "s2.xlsx"]  # both zips kept, no copies
    assert any("s1.xlsx" in p and "ได้รับ" in p for p in again.problems)


def test_a_run_killed_after_unpacking_loses_and_doubles_nothing(progress_form: Form, seed: dict[str, Any],
                                                                tmp_path: Path) -> None:
    office = tmp_path / "office"
    s1, s2 = _returns(progress_form, tmp_path / "mail", seed, "s1", "s2")
    _zip(office / "inbox" / "n73-02.zip", [(s1.name, s1.read_bytes()), (s2.name, s2.read_bytes())])
    env = {**os.environ, CRASH_ENV: "zip-unpacked"}
    killed = subprocess.run([sys.executable, "-c", RUN, str(office)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert killed.returncode != 0, killed.stderr
    assert _inbox_files(office) == ["n73-02.zip", "s1.xlsx", "s2.xlsx"]  # the zip is still there, and its files
    result = _run(office)
    assert len(result.outcomes()) == 2 and _outcome_files(office) == ["s1.xlsx", "s2.xlsx"]
    processed = sorted(p.name for p in (office / "inbox" / "processed").iterdir())
    assert processed == ["n73-02.zip", "s1.xlsx", "s2.xlsx"] and _inbox_files(office) == []


def test_sync_in_an_office_says_a_refused_zip_and_exits_1(tmp_path: Path) -> None:
    from sheetsync.cli import app

    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email\ns1,โรงเรียนวัดไทร,a@s1.example\n", encoding="utf-8")
    folder = tmp_path / "district"
    assert CliRunner().invoke(app, ["init", str(folder), "--roster", str(roster)]).exit_code == 0
    _zip(folder / "inbox" / "many.zip", [(f"r{n}.xlsx", b"x") for n in range(MAX_ZIP_MEMBERS + 1)])
    result = in_office(app, folder, "sync", "--settle", "0")
    assert result.exit_code == 1, result.output
    assert (folder / "quarantine" / "many.zip").is_file() and (folder / "quarantine" / "many.zip.txt").is_file()
    assert "ไฟล์บีบอัด many.zip" in result.output
    assert "nothing new" not in result.output  # it was something new, set aside


def test_the_office_s_mailbox_limits_are_the_inbox_s(tmp_path: Path) -> None:
    from sheetsync.cli import app

    folder = tmp_path / "district"
    assert CliRunner().invoke(app, ["init", str(folder)]).exit_code == 0
    toml = folder / "sheetsync.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("# max_zip_members = 20", "max_zip_members = 30"),
                    encoding="utf-8")
    _zip(folder / "inbox" / "many.zip", [(f"r{n}.xlsx", b"not a report %d" % n) for n in range(MAX_ZIP_MEMBERS + 1)])
    in_office(app, folder, "sync", "--settle", "0")
    assert (folder / "processed" / "many.zip").is_file() and not (folder / "quarantine" / "many.zip").exists()
    assert len(list((folder / "quarantine").glob("r*.xlsx"))) == MAX_ZIP_MEMBERS + 1  # each read, each refused


def test_restore_leaves_the_kept_zips_and_puts_back_their_files(progress_form: Form, seed: dict[str, Any],
                                                                tmp_path: Path) -> None:
    from sheetsync.cli import app

    roster = tmp_path / "schools.csv"
    roster.write_text("recipient_id,school_name,email\ns1,ก,a@s1.example\ns2,ข,b@s2.example\n", encoding="utf-8")
    office = tmp_path / "district"
    assert CliRunner().invoke(app, ["init", str(office), "--roster", str(roster)]).exit_code == 0
    s1, s2 = _returns(progress_form, tmp_path / "mail", seed, "s1", "s2")
    _zip(office / "inbox" / "a.zip", [(s1.name, s1.read_bytes())])
    assert in_office(app, office, "sync", "--settle", "0").exit_code == 0
    assert in_office(app, office, "backup", str(tmp_path / "usb" / "b.sqlite")).exit_code == 0
    _zip(office / "inbox" / "b.zip", [(s2.name, s2.read_bytes())])
    assert in_office(app, office, "sync", "--settle", "0").exit_code == 0
    restored = in_office(app, office, "restore", str(tmp_path / "usb" / "b.sqlite"), "--force")
    assert restored.exit_code == 0, restored.output
    assert _inbox_files(office) == ["s2.xlsx"]  # the zips are originals, kept: their files are what is read
    assert sorted(p.name for p in (office / "processed").glob("*.zip")) == ["a.zip", "b.zip"]
    again = in_office(app, office, "sync", "--settle", "0")
    assert again.exit_code == 0, again.output
    with Store(office / "sheetsync.sqlite") as store:
        assert sorted(str(r[0]) for r in store.query("SELECT file FROM outcomes")) == ["s1.xlsx", "s2.xlsx"]
    assert _inbox_files(office) == []
