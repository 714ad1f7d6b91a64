"""The shared file utilities: on Windows' terms, a rename refused for a moment, then allowed; and
opening a file to read only when it is a regular file (a link where links are not followed, a pipe
or a device never being read)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from sheetsync.errors import NotAFileError, OutputError
from sheetsync.files import open_regular, replace, save_bytes, write_atomically


def refused(times: int, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Make ``os.replace`` fail ``times`` times with PermissionError (an antivirus holding the new
    file, as Windows does), then work; returns the calls made."""
    calls: list[Any] = []
    real = os.replace

    def held(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) <= times:
            raise PermissionError(13, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(os, "replace", held)
    return calls


def test_a_rename_refused_for_a_moment_is_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = refused(2, monkeypatch)
    write_atomically(tmp_path / "summary.csv", lambda tmp: tmp.write_text("ok", encoding="utf-8"))
    assert (tmp_path / "summary.csv").read_text(encoding="utf-8") == "ok" and len(calls) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]  # no temporary file left


def test_a_file_held_open_fails_after_the_last_try_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "summary.csv").write_text("old", encoding="utf-8")
    calls = refused(100, monkeypatch)
    with pytest.raises(OutputError, match="summary.csv: cannot write .it is open in another program"):
        write_atomically(tmp_path / "summary.csv", lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert (tmp_path / "summary.csv").read_text(encoding="utf-8") == "old" and 2 < len(calls) < 10
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]


def test_other_errors_are_not_tried_again(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        replace(tmp_path / "missing", tmp_path / "there")


def test_only_a_regular_file_is_opened(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    good.write_bytes(b"PK")
    with open_regular(good, follow_links=False) as handle:
        assert handle.read() == b"PK"
    with pytest.raises(NotAFileError, match="a folder"):
        open_regular(tmp_path)
    with pytest.raises(FileNotFoundError):
        open_regular(tmp_path / "nothing.xlsx")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="links need a POSIX file system here")
def test_a_link_is_opened_only_when_links_are_followed(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    good.write_bytes(b"PK")
    (tmp_path / "link.xlsx").symlink_to(good)
    (tmp_path / "dangling.xlsx").symlink_to(tmp_path / "nothing")
    with open_regular(tmp_path / "link.xlsx") as handle:  # a name given on the command line: its target
        assert handle.read() == b"PK"
    for name in ("link.xlsx", "dangling.xlsx"):
        with pytest.raises(NotAFileError, match="a link"):
            open_regular(tmp_path / name, follow_links=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pipes need a POSIX file system here")
def test_a_pipe_or_a_device_is_never_read(tmp_path: Path) -> None:
    """Opening a pipe waited for a writer (``validate pipe.xlsx`` hung); a device such as
    /dev/zero never ends."""
    from sheetsync.pipeline import check_file

    os.mkfifo(tmp_path / "pipe.xlsx")
    with pytest.raises(NotAFileError, match="a pipe"):
        open_regular(tmp_path / "pipe.xlsx")
    result = check_file(tmp_path / "pipe.xlsx")
    assert result.error == "pipe.xlsx: not a file (it is a pipe)" and not result.retry
    if os.path.exists("/dev/zero"):
        (tmp_path / "zero.xlsx").symlink_to("/dev/zero")
        assert check_file(tmp_path / "zero.xlsx").error == "zero.xlsx: not a file (it is a device or socket)"


@pytest.fixture
def umask_022() -> Any:
    """The usual umask (group and others may read what is written), restored afterwards."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_new_file_written_atomically_gets_the_umasks_permissions(tmp_path: Path, umask_022: Any) -> None:
    # Was 0600 whatever the umask (tempfile.mkstemp): the scheduled run's reports and summary were
    # unreadable to the clerk's colleagues, while the master beside them was readable.
    report = tmp_path / "summary.csv"
    write_atomically(report, lambda tmp: tmp.write_text("a,b\n", encoding="utf-8"))
    saved = save_bytes(tmp_path, b"From: a@b\n\nhi\n", lambda: tmp_path / "000001-s1.eml")
    assert stat.S_IMODE(report.stat().st_mode) == 0o644
    assert stat.S_IMODE(saved.stat().st_mode) == 0o644


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_file_replaced_atomically_keeps_its_permissions(tmp_path: Path, umask_022: Any) -> None:
    report = tmp_path / "summary.csv"
    report.write_text("old\n", encoding="utf-8")
    report.chmod(0o640)
    write_atomically(report, lambda tmp: tmp.write_text("new\n", encoding="utf-8"))
    assert stat.S_IMODE(report.stat().st_mode) == 0o640 and report.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]  # no temporary file left


#: Linux's (ext4's) and most file systems' limit on one name, in bytes.
NAME_MAX = 255


def long_thai_name(suffix: str) -> str:
    """A name of Thai letters (3 bytes each in UTF-8) that, with ``suffix``, just fits in a name."""
    stem = "รายงานความก้าวหน้าโครงการ" * 4
    budget = NAME_MAX - len(suffix.encode("utf-8"))
    return stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore") + suffix


def test_a_file_whose_name_nearly_fills_the_limit_is_written(tmp_path: Path) -> None:
    # The temporary name was the target's plus 14 bytes: a name within 14 bytes of the limit could not be written.
    target = tmp_path / long_thai_name(".xlsx")
    assert NAME_MAX - 14 < len(target.name.encode("utf-8")) <= NAME_MAX
    seen: list[Path] = []

    def write(tmp: Path) -> None:
        seen.append(tmp)
        tmp.write_bytes(b"data")

    write_atomically(target, write)
    assert target.read_bytes() == b"data"
    assert seen[0].parent == target.parent  # beside it: the rename stays atomic
    assert len(seen[0].name.encode("utf-8")) <= NAME_MAX
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_the_temporary_of_a_long_name_is_passed_over_by_the_inbox(tmp_path: Path) -> None:
    from sheetsync.office.inbox import inbox_files
    target = tmp_path / long_thai_name(".xlsx")
    listed: list[list[Path]] = []

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        listed.append(inbox_files(tmp_path))  # while it is being written: never taken for a return

    write_atomically(target, write)
    assert listed == [[]]
    assert inbox_files(tmp_path) == [target]


def test_a_template_under_a_long_thai_name_is_written_and_reads_back(tmp_path: Path, progress_form: Any) -> None:
    from sheetsync import read_filled, write_template
    target = tmp_path / long_thai_name(".xlsx")
    write_template(progress_form, target, recipient="n73-01")
    assert read_filled(target).metadata["recipient"] == "n73-01"
