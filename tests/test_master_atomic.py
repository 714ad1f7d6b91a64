"""Replacing the master (sheetsync.master.atomic) under a long Thai name: its temporary, its backup and
what a killed run leaves behind all fit in the 255 bytes a file system allows one name."""

from __future__ import annotations

import os
from pathlib import Path

from sheetsync.files import open_temp, temp_affixes
from sheetsync.master.atomic import backup_path, remove_leftovers, replace_with_backup
from tests.test_files import NAME_MAX, long_thai_name


def _write(data: bytes, seen: list[Path]) -> object:
    def write(tmp: Path) -> None:
        seen.append(tmp)
        tmp.write_bytes(data)
    return write


def test_a_master_whose_long_thai_name_nearly_fills_the_limit_is_written_and_replaced(tmp_path: Path) -> None:
    # Its temporary was ".{name}.{12 hex}.tmp", 18 bytes longer than the name: such a master could not be written.
    master = tmp_path / long_thai_name(".xlsx")
    assert NAME_MAX - 18 < len(os.fsencode(master.name)) <= NAME_MAX
    seen: list[Path] = []
    assert replace_with_backup(master, _write(b"first", seen)) is None  # type: ignore[arg-type]
    backup = replace_with_backup(master, _write(b"second", seen))  # type: ignore[arg-type]
    assert master.read_bytes() == b"second" and backup is not None and backup.read_bytes() == b"first"
    assert all(t.parent == tmp_path and len(os.fsencode(t.name)) <= NAME_MAX for t in seen)
    assert len(os.fsencode(backup.name)) <= NAME_MAX and backup == backup_path(master)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([master.name, backup.name])  # no temporary left


def test_a_short_masters_backup_keeps_its_name(tmp_path: Path) -> None:
    assert backup_path(tmp_path / "master.xlsx").name == "master.xlsx.bak"


def test_the_temporaries_a_killed_run_left_beside_a_long_master_are_removed(tmp_path: Path) -> None:
    master = tmp_path / long_thai_name(".xlsx")
    master.write_bytes(b"master")
    fd, left = open_temp(tmp_path, *temp_affixes(master))  # what a run killed while writing leaves
    os.close(fd)
    fd, staged = open_temp(tmp_path, *temp_affixes(backup_path(master)))  # or while keeping the old one
    os.close(fd)
    old = tmp_path / ".master.xlsx.0123456789ab.tmp"  # and one an earlier version left beside "master.xlsx"
    old.write_bytes(b"")
    assert remove_leftovers(master) == [left, staged]
    assert remove_leftovers(tmp_path / "master.xlsx") == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == [master.name]


def test_a_masters_leftovers_are_never_another_masters_temporaries(tmp_path: Path) -> None:
    # Two masters in one folder whose long Thai names differ only past the 60 bytes of stem a temporary
    # keeps ("... เขต 1", "... เขต 2", of two offices sharing a folder): cleaning beside one removed the
    # other's temporary while its run was writing it, and that run then failed.
    shared = "สรุปผลการรายงานความก้าวหน้าโครงการโรงเรียน"  # past 60 bytes
    one, two = tmp_path / f"{shared} เขต 1.xlsx", tmp_path / f"{shared} เขต 2.xlsx"
    fd, writing = open_temp(tmp_path, *temp_affixes(two))
    os.close(fd)
    fd, staging = open_temp(tmp_path, *temp_affixes(backup_path(two)))
    os.close(fd)
    fd, left = open_temp(tmp_path, *temp_affixes(one))
    os.close(fd)
    assert remove_leftovers(one) == [left]
    assert writing.exists() and staging.exists()
    assert remove_leftovers(two) == [writing, staging]


def test_two_long_masters_alike_but_for_their_ends_keep_backups_of_their_own(tmp_path: Path) -> None:
    # Cut to fit ".bak", both backups were one name: replacing one master overwrote the other's backup.
    stem = long_thai_name(".xlsx")[:-len(".xlsx") - 1]
    one, two = tmp_path / f"{stem}1.xlsx", tmp_path / f"{stem}2.xlsx"
    assert backup_path(one) != backup_path(two)
    for master in (one, two):
        for data in (b"old " + master.name.encode(), b"new"):
            replace_with_backup(master, _write(data, []))  # type: ignore[arg-type]
    assert backup_path(one).read_bytes() == b"old " + one.name.encode()
    assert all(len(os.fsencode(backup_path(m).name)) <= NAME_MAX for m in (one, two))
