"""A return still being copied into the inbox when a run comes: a slow writer (a network share, a USB
stick, an e-mail program saving an attachment) that stalls longer than the settle time leaves a file
that ends early. It is left in the inbox for a later run, not refused and not answered; a file that
stays incomplete is refused within a run or two, and the school told then, once."""

from __future__ import annotations

import email
import os
import struct
import subprocess
import sys
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any, Iterator

import pytest

import sheetsync.office.arriving
from sheetsync.errors import IncompleteFileError
from sheetsync.mailer import MailConfig, Thread
from sheetsync.office.arriving import ARRIVING_LIMIT, ARRIVING_STILL
from sheetsync.office.store import Store
from sheetsync.pipeline import check_file
from sheetsync.roster import Recipient
from sheetsync.spec.form import Form
from sheetsync.sync import SyncOptions, SyncResult, sync
from sheetsync.template.write import write_template
from tests.data.hostile.xls import number, shared_strings, xls

#: The writer: the first part, then a pause until told to go on (stdin), then the rest. It never
#: locks the file (nothing on Linux does), and keeps writing to whatever its open file became.
WRITER = """
import sys
dest, source, cut = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(source, "rb").read()
with open(dest, "wb") as out:
    out.write(data[:cut]); out.flush()
    print("paused", flush=True)
    sys.stdin.readline()
    out.write(data[cut:])
print("done", flush=True)
"""
ROSTER = [Recipient("s1", "โรงเรียนวัดไทร", "teacher@s1.example")]
#: The settle time as shipped: the writer's pause is longer than it.
SHIPPED = SyncOptions(view="never")


class Clock:
    """The office's clock as the arriving rules read it, moved on by hand (runs are 15 minutes apart)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    ticking = Clock()
    monkeypatch.setattr(sheetsync.office.arriving, "clock", ticking)
    return ticking


def run(inbox: Path, options: SyncOptions = SHIPPED, **kwargs: Any) -> SyncResult:
    return sync(inbox, inbox.parent / "master.xlsx", report_dir=inbox.parent / "reports", roster=ROSTER,
                config=MailConfig(from_addr="office@bma.example", outbox=inbox.parent / "outbox"), options=options,
                **kwargs)


def outcomes(inbox: Path) -> list[tuple[str, str]]:
    with Store(inbox.parent / "master.sqlite") as store:
        return [(o.file, o.result) for o in store.outcomes()]


def queued(inbox: Path, digest: bool = False) -> list[EmailMessage]:
    """The e-mails the store has queued: for the school, or (``digest``) the office's digests."""
    with Store(inbox.parent / "master.sqlite") as store:
        rows = store.query(f"SELECT message FROM outbox WHERE name {'=' if digest else '!='} 'digest' ORDER BY id")
    return [email.message_from_bytes(bytes(r[0]), policy=default) for r in rows]  # type: ignore[misc]


def recipients(inbox: Path) -> list[str]:
    with Store(inbox.parent / "master.sqlite") as store:
        return [str(r[0]) for r in store.query("SELECT recipient FROM outcomes ORDER BY id")]


def stalled(path: Path) -> None:
    """The writer has been quiet for a minute: far past the settle time (no waiting in the test)."""
    then = path.stat().st_mtime - 60
    os.utime(path, (then, then))


@pytest.fixture
def template(progress_form: Form, seed: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "made" / "s1-วัดไทร.xlsx"  # the name says whose it is
    write_template(progress_form, path, data=seed, recipient="s1")
    return path


@pytest.fixture
def writer(template: Path, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A child process copying the template into the inbox, paused after about half of it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    cut = template.stat().st_size // 2
    with subprocess.Popen([sys.executable, "-c", WRITER, str(inbox / template.name), str(template), str(cut)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as child:  # pipes closed after
        assert child.stdout is not None and child.stdout.readline().strip() == "paused"
        yield child
        child.kill()


def go_on(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("go\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "done"
    assert child.wait() == 0


@pytest.mark.parametrize("cut", [0, 2, 100, -1])
def test_a_file_that_ends_early_is_said_to_be_incomplete(template: Path, tmp_path: Path, cut: int) -> None:
    """Empty, shorter than its signature, or without its zip's central directory: what a copy
    under way leaves (the refusal's words are unchanged)."""
    path = tmp_path / "cut.xlsx"
    path.write_bytes(template.read_bytes()[:cut])
    item = check_file(path)
    assert item.incomplete and item.failure is not None and item.failure.code == "file-unreadable"


@pytest.mark.parametrize("part", [0.01, 0.5, 0.9])
def test_an_xls_cut_short_is_incomplete_and_a_whole_damaged_one_is_not(tmp_path: Path, part: float) -> None:
    data = xls([("Sheet1", number(0, 0) * 2000)], shared_strings(["a"]))
    path = tmp_path / "cut.xls"
    path.write_bytes(data[:int(len(data) * part)])
    item = check_file(path)
    assert item.incomplete and ".xls file is damaged" in str(item.error)
    damaged = bytearray(data)
    struct.pack_into("<I", damaged, 48, 0)  # the directory said to start at the first sector, which holds data
    path.write_bytes(bytes(damaged))
    whole = check_file(path)
    assert not whole.incomplete and "not a readable .xls workbook" in str(whole.error)


def test_a_damaged_file_that_is_complete_is_not_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a spreadsheet", encoding="utf-8")
    assert not check_file(path).incomplete
    assert issubclass(IncompleteFileError, Exception)


def test_a_return_still_being_copied_is_left_for_a_later_run(writer: subprocess.Popen[str], template: Path,
                                                             tmp_path: Path, clock: Clock) -> None:
    inbox = tmp_path / "inbox"
    arriving = inbox / template.name
    stalled(arriving)  # paused beyond the settle time, as the run comes
    first = run(inbox)
    assert first.new == [] and first.waiting == [arriving] and first.checked == []
    said = [p for p in first.problems if template.name in p]
    assert len(said) == 1 and 0 <= said[0].index("ยังมาไม่ครบ") < said[0].index("still arriving")  # Thai first
    assert arriving.exists() and not (inbox / "quarantine").exists()
    assert outcomes(inbox) == [] and queued(inbox) == [] and queued(inbox, digest=True) == []  # not refused, not told

    go_on(writer)  # the copy completes a moment later
    clock.now += 15 * 60  # the next run
    stalled(arriving)
    second = run(inbox)
    assert second.new == [arriving] and second.checked[0].valid
    assert outcomes(inbox) == [(template.name, "merged")]
    assert not (inbox / "quarantine").exists() and (inbox / "processed" / template.name).exists()
    assert [m["To"].addresses[0].addr_spec for m in queued(inbox)] == ["teacher@s1.example"]  # one answer: the report on the whole file
    assert "ยังมาไม่ครบ" not in "".join(second.problems)


def test_a_damaged_file_is_refused_once_it_stays_unchanged_across_runs(template: Path, tmp_path: Path,
                                                                       clock: Clock) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    cut = inbox / template.name
    cut.write_bytes(template.read_bytes()[:5000])  # truly cut short: nothing more will come
    stalled(cut)
    assert run(inbox).waiting == [cut] and outcomes(inbox) == [] and queued(inbox, digest=True) == []
    clock.now += 60  # a clerk runs it again by hand at once: still within the time a copy may stall
    assert run(inbox).waiting == [cut] and outcomes(inbox) == []
    clock.now += ARRIVING_STILL  # the next scheduled run: unchanged all along
    refused = run(inbox)
    assert refused.waiting == [] and [c.error for c in refused.checked] == [f"{cut.name}: the file is damaged or "
                                                                             "incomplete (truncated zip)"]
    assert outcomes(inbox) == [(cut.name, "quarantined")] and recipients(inbox) == ["s1"]
    assert (inbox / "quarantine" / cut.name).exists() and len(queued(inbox, digest=True)) == 1  # told once, now
    with Store(inbox.parent / "master.sqlite") as store:
        assert store.query("SELECT COUNT(*) FROM arriving_files")[0][0] == 0  # nothing kept for it


def test_a_file_that_keeps_changing_but_never_completes_is_refused_within_the_bound(
        template: Path, tmp_path: Path, clock: Clock) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / template.name
    data, size, runs = template.read_bytes(), 1000, 0
    while True:
        path.write_bytes(data[:size])  # a little more each run, never the end
        stalled(path)
        result = run(inbox)
        runs += 1
        if not result.waiting:
            break
        assert runs < 10, "waits without bound"
        size += 500
        clock.now += ARRIVING_STILL - 1
    assert outcomes(inbox) == [(path.name, "quarantined")]
    assert (runs - 1) * (ARRIVING_STILL - 1) >= ARRIVING_LIMIT > (runs - 2) * (ARRIVING_STILL - 1)


def test_a_file_our_own_fetch_wrote_is_refused_at_once(template: Path, tmp_path: Path, clock: Clock) -> None:
    """The fetch writes each attachment whole (atomically): one that ends early was sent so."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    cut = inbox / template.name
    cut.write_bytes(template.read_bytes()[:5000])
    origin = Thread("<s1@school.example>", "ส่งรายงาน", sender="teacher@s1.example")
    result = run(inbox, origins=lambda path: origin if path == cut else None)
    assert result.waiting == [] and outcomes(inbox) == [(cut.name, "quarantined")]
    assert [m["To"].addresses[0].addr_spec for m in queued(inbox)] == ["teacher@s1.example"]  # the sender is answered at once


def test_one_arriving_file_does_not_hold_back_the_others(template: Path, progress_form: Form, seed: dict[str, Any],
                                                        tmp_path: Path, clock: Clock) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "cut.xlsx").write_bytes(template.read_bytes()[:3000])
    write_template(progress_form, inbox / "whole.xlsx", data=seed, recipient="s1")
    for path in inbox.iterdir():
        stalled(path)
    result = run(inbox)
    assert [p.name for p in result.waiting] == ["cut.xlsx"] and [p.name for p in result.new] == ["whole.xlsx"]
    assert outcomes(inbox) == [("whole.xlsx", "merged")]


def test_a_clock_set_back_does_not_keep_a_file_waiting(template: Path, tmp_path: Path, clock: Clock) -> None:
    """The office's clock was a day ahead when the file was first seen, then set right: the wait is
    measured from the correction, not from a time that lies a day ahead."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    cut = inbox / template.name
    cut.write_bytes(template.read_bytes()[:5000])
    stalled(cut)
    assert run(inbox).waiting == [cut]
    clock.now -= 24 * 3600  # set right
    assert run(inbox).waiting == [cut]
    clock.now += ARRIVING_STILL  # unchanged for the time a copy may stall, as this clock counts
    assert run(inbox).waiting == [] and outcomes(inbox) == [(cut.name, "quarantined")]


def test_a_new_file_under_a_waiting_name_waits_on_its_own(template: Path, tmp_path: Path, clock: Clock) -> None:
    """A clerk deletes a file that kept waiting and copies the school's file in again under its
    name: the new copy, paused, is not refused for the time the old one waited."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / template.name
    data = template.read_bytes()
    path.write_bytes(data[:5000])
    stalled(path)
    assert run(inbox).waiting == [path]
    clock.now += ARRIVING_LIMIT - 60
    with path.open("rb"):  # held open (as a virus scanner may) while deleted: the new file cannot reuse its inode
        path.unlink()
        out = path.open("wb")
    with out:  # a new file, paused part-way, as the next run comes
        out.write(data[:7000])
        out.flush()
        stalled(path)
        clock.now += 120
        assert run(inbox).waiting == [path] and outcomes(inbox) == []
        out.write(data[7000:])
    clock.now += 15 * 60
    stalled(path)
    assert run(inbox).new == [path] and outcomes(inbox) == [(path.name, "merged")]



def test_a_copy_paused_before_its_first_byte_waits_though_an_empty_file_was_refused(
        template: Path, tmp_path: Path, clock: Clock) -> None:
    """Every copy starts as an empty file. Once the office has refused an empty file, a copy that
    pauses before writing anything has bytes the store has seen: it must wait all the same, not be
    moved to quarantine as "already received" while the copy goes on writing into the moved file."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    empty = inbox / "empty.xlsx"
    empty.write_bytes(b"")
    stalled(empty)
    assert run(inbox).waiting == [empty]
    clock.now += ARRIVING_STILL
    assert run(inbox).waiting == [] and outcomes(inbox) == [("empty.xlsx", "quarantined")]
    arriving = inbox / template.name
    with arriving.open("wb") as out:  # the school's copy, paused before its first byte
        stalled(arriving)
        clock.now += 15 * 60
        first = run(inbox)
        assert first.waiting == [arriving] and first.already_seen == []
        out.write(template.read_bytes())
    clock.now += 15 * 60
    stalled(arriving)
    assert run(inbox).new == [arriving]
    assert outcomes(inbox) == [("empty.xlsx", "quarantined"), (template.name, "merged")]


def test_a_file_dated_ahead_of_the_office_clock_is_read(template: Path, tmp_path: Path, clock: Clock) -> None:
    """Copied (its date kept) from a computer whose clock runs a day ahead, or dropped before the
    office's own clock was set back a day: it is not "still being written" for a day. One that
    ends early still waits, by this computer's clock (the arriving rules)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    ahead = os.stat(template).st_mtime + 24 * 3600
    whole, cut = inbox / template.name, inbox / "cut.xlsx"
    whole.write_bytes(template.read_bytes())
    cut.write_bytes(template.read_bytes()[:5000])
    for path in (whole, cut):
        os.utime(path, (ahead, ahead))
    result = run(inbox)
    assert result.new == [whole] and result.waiting == [cut]
    assert outcomes(inbox) == [(whole.name, "merged")]
