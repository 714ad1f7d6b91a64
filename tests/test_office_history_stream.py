"""``sheetsync history`` streams (:mod:`sheetsync.office.history`): every option's output is the
listing it always was (a golden text, captured before the listing streamed; a file two keys stored now
shows each key's own data: tests/test_office_history_keys.py), and its memory does not
grow with the store (it held every version of every key at once: ~212 MB for 4,800 versions)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import typer

from sheetsync.office.history import history
from sheetsync.office.store import Store
from tests.history_store import fill, fill_many
from tests.test_office import in_office


GOLDEN = Path(__file__).parent / "data" / "history" / "golden.txt"
#: Each listing of the golden text: its title and the options typed (``{office}``: the office folder).
CASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("every key", ()),
    ("one school", ("--recipient", "s1")),
    ("ids differing only in case, typed as neither", ("--recipient", "SCHOOL-01")),
    ("one of them, typed exactly", ("--recipient", "school-01")),
    ("no such school", ("--recipient", "nobody")),
    ("files without a key", ("--recipient", "s2")),
    ("a project code", ("--project", "50360000-3555")),
    ("a school's code: each of its months", ("--project", "10360001")),
    ("the code in Thai digits", ("--project", "๑๐๓๖๐๐๐๑")),
    ("a code that begins another", ("--project", "1036000")),
    ("a file two keys stored", ("--project", "50360000-3556")),
    ("both, with spaces", ("--project", " 50360000-3553 ", "--recipient", "S1")),
    ("another office named", ("--office", "{office}")),
    ("a master named (this computer's zone)", ("--master", "{office}/master.xlsx")),
    ("a master and its office", ("--master", "{office}/master.xlsx", "--office", "{office}", "--recipient", "s4")),
)


@pytest.fixture
def bangkok() -> Iterator[None]:
    """This computer's clock in Bangkok (what ``--master`` alone shows times in)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Bangkok"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def _listings(office: Path, app: typer.Typer, elsewhere: Path) -> str:
    """Every case's standard output and error, as the golden text holds them."""
    out = []
    for title, options in CASES:
        args = [a.replace("{office}", str(office)) for a in options]
        shown = in_office(app, office if "--office" not in options and "--master" not in options else elsewhere,
                          "history", *args)
        assert shown.exit_code == 0, shown.output
        out.append(f"### {title}: {' '.join(options)}\n{shown.stdout}--- stderr\n{shown.stderr}")
    with Store(office / "sheetsync.sqlite") as store:
        for recipient, key in ((None, None), ("SCHOOL-01", None), (None, "10360001"), ("s2", None)):
            out.append(f"### history(store, recipient={recipient!r}, key={key!r})\n"
                       + "\n".join(repr(item) for item in history(store, recipient=recipient, key=key)) + "\n")
    return "".join(out)


def test_every_option_lists_what_it_always_listed(office: Path, app: typer.Typer, tmp_path: Path,
                                                  bangkok: None) -> None:
    config = office / "sheetsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('timezone = ""', 'timezone = "+07:00"', 1),
                      encoding="utf-8")
    with Store(office / "sheetsync.sqlite") as store:
        fill(store)
    (tmp_path / "elsewhere").mkdir()
    found = _listings(office, app, tmp_path / "elsewhere")
    if os.environ.get("SHEETSYNC_WRITE_GOLDEN"):  # only to capture a listing that was meant to change
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(found, encoding="utf-8")
    assert found == GOLDEN.read_text(encoding="utf-8")


def test_an_empty_store_says_nothing_matches(office: Path, app: typer.Typer) -> None:
    shown = in_office(app, office, "history")
    assert shown.exit_code == 0 and shown.stdout == "ไม่พบไฟล์ที่ตรงกับเงื่อนไข / no submission matches\n"


#: Runs ``sheetsync history --master FILE`` as the command line does, for each file given, and prints
#: the peak of Python's allocations during each run in bytes, above what was allocated before it. The
#: first file is listed once more first: what the command makes once (imports, caches) is no part of any peak.
PEAKS = """
import gc, sys, tracemalloc
from sheetsync.cli import main

def listed(master):
    sys.argv = ["sheetsync", "history", "--master", master]
    try:
        main()
    except SystemExit as exc:
        assert not exc.code, exc.code

masters = sys.argv[1:]
tracemalloc.start()
listed(masters[0])
for master in masters:
    gc.collect()  # the cycles earlier runs left are no part of this one
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]  # what earlier runs left (typer's own caches)
    listed(master)
    print(tracemalloc.get_traced_memory()[1] - before, file=sys.stderr)
"""


def _history_peaks(tmp_path: Path, *stores: tuple[int, int]) -> list[int]:
    """The peak of Python's memory while ``history`` lists each store of ``schools`` × ``versions``."""
    masters = []
    for schools, versions in stores:
        folder = tmp_path / f"{schools}x{versions}"
        folder.mkdir()
        with Store(folder / "master.sqlite") as store:
            fill_many(store, schools, versions)
        masters.append(str(folder / "master.xlsx"))
    root = str(Path(__file__).parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", PEAKS, *masters], env=env, cwd=tmp_path,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return [int(line) for line in done.stderr.split()[-len(stores):]]


def test_the_memory_history_takes_does_not_grow_with_the_store(tmp_path: Path) -> None:
    """Eight times the versions (eight times the keys, or of each key) take no more memory to list:
    the listing reads and writes one version at a time. It held them all (~212 MB for 4,800 versions):
    its peak was then about seven times as high, here."""
    keys, keys_grown, versions, versions_grown = _history_peaks(tmp_path, (30, 4), (240, 4), (4, 30), (4, 240))
    assert keys_grown < 1.5 * keys and versions_grown < 1.5 * versions, (keys, keys_grown, versions, versions_grown)
