"""Files saved within one tick of the file system's clock are read in the order they came.

Two e-mails bringing a file of the same name are saved as ``รายงาน.xlsx`` and ``รายงาน-2.xlsx``. The
inbox is read oldest first, by modification time; where a file system's clock ticks coarsely (Windows
stamps files with a clock of ~16 ms, FAT to 2 s) both get the same time, and the name decided:
``-`` sorts before ``.``, so the later e-mail's file was read first (the earlier e-mail's report went
to the later one, and of two months' reports the older one was stored last, as current).
"""

from __future__ import annotations

import os
from pathlib import Path

from sheetsync.office.inbox import inbox_files


def test_files_of_one_tick_are_read_in_the_order_their_names_were_given(tmp_path: Path) -> None:
    names = ["รายงาน-10.xlsx", "รายงาน-2.xlsx", "รายงาน.xlsx", "อื่น.xlsx", "รายงาน-3.xlsx"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, ns=(1_700_000_000_000_000_000,) * 2)  # one tick of a coarse clock
    assert [p.name for p in inbox_files(tmp_path)] == [
        "รายงาน.xlsx", "รายงาน-2.xlsx", "รายงาน-3.xlsx", "รายงาน-10.xlsx", "อื่น.xlsx"]


def test_an_older_file_is_read_first_whatever_its_name(tmp_path: Path) -> None:
    for n, name in enumerate(["รายงาน-2.xlsx", "รายงาน.xlsx"]):
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, ns=(1_700_000_000_000_000_000 + n,) * 2)
    assert [p.name for p in inbox_files(tmp_path)] == ["รายงาน-2.xlsx", "รายงาน.xlsx"]
