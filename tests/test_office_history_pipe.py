"""``sheetsync history | head``: once its reader has gone, history stops reading the store (it read
every version to the end, each line going to the null device), and exits 0 without a word, as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sheetsync.office.store import Store
from tests.history_store import fill_many

#: Runs ``sheetsync history --master FILE`` as the command line does, counting the rows the store
#: gives its streamed queries (each a version listed), and prints its exit code and that count on
#: standard error once the command is done.
COUNTED = """
import sys
from sheetsync.cli import main
from sheetsync.office.store import Store

read = 0
streamed = Store.query_streamed

def counted(self, sql, params=()):
    global read
    for row in streamed(self, sql, params):
        read += 1
        yield row

Store.query_streamed = counted
sys.argv = ["sheetsync", "history", "--master", sys.argv[1]]
try:
    main()
except SystemExit as exc:
    print("exit", exc.code, "read", read, file=sys.stderr)
"""


def test_history_stops_reading_once_its_reader_has_gone(tmp_path: Path) -> None:
    schools, versions = 200, 6  # listed whole, ~3 MB of text: far more than a pipe holds
    with Store(tmp_path / "master.sqlite") as store:
        fill_many(store, schools, versions)
    root = str(Path(__file__).parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]), "PYTHONUTF8": "1"}
    with subprocess.Popen([sys.executable, "-c", COUNTED, str(tmp_path / "master.xlsx")], env=env, cwd=tmp_path,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        first = child.stdout.readline()  # what `head -1` reads, before it exits
        child.stdout.close()
        said = child.stderr.read().decode()
        assert child.wait(timeout=120) == 0
    assert first.decode().startswith("progress-report · ")
    words = said.split()
    assert words[:2] == ["exit", "0"] and len(words) == 4, said  # nothing else said: no error, no traceback
    # What the pipe held when the reader left was written; the rest of the store was not read.
    assert int(words[3]) < schools * versions // 4, said
