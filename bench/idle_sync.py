"""Benchmark: what a scheduled `sheetsync sync` costs when nothing is new (issue 12: < 1 s, one line).

Starts the tests' Dovecot on 127.0.0.1 (needs dovecot-imapd and openssl), an empty mailbox and
inbox, then times `sheetsync sync` as cron would run it — a fresh process, over IMAPS — against the
same command without a mailbox configured and a bare `import` of the command line. Each row is the
median of five runs.

Run: python bench/idle_sync.py
These machines are noisy (2 cores): rerun before trusting a surprising number.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.imap_server import PASSWORD, servers_missing, start_dovecot, stop_dovecot  # noqa: E402

RUNS, TARGET_SECONDS = 5, 1.0


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    times, output = [], ""
    for _ in range(RUNS):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        output = (done.stdout + done.stderr).strip()
    return statistics.median(times), output


def main() -> None:
    missing = servers_missing()
    if missing:
        sys.exit(f"cannot run: {missing}")
    server = start_dovecot()
    server.add_user("office")
    office = Path(tempfile.mkdtemp(prefix="sheetsync-idle-"))
    try:
        (office / "inbox").mkdir()
        plain = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_IMAP_")}
        imap = {**plain, "SHEETSYNC_IMAP_HOST": "127.0.0.1", "SHEETSYNC_IMAP_PORT": str(server.tls_port),
                "SHEETSYNC_IMAP_USER": "office", "SHEETSYNC_IMAP_CAFILE": str(server.cafile),
                "SHEETSYNC_IMAP_PASSWORD": PASSWORD}
        sync = [sys.executable, "-m", "sheetsync", "sync", "inbox", "--master", "master.xlsx"]
        rows = [("sync, mailbox over IMAPS", *timed(sync, office, imap)),
                ("sync, no mailbox", *timed(sync, office, plain)),
                ("import sheetsync.cli.app", *timed([sys.executable, "-c", "import sheetsync.cli.app"], office, plain))]
    finally:
        stop_dovecot(server)
        shutil.rmtree(office, ignore_errors=True)
    print(f"{'run (median of %d)' % RUNS:<28} {'seconds':>8}  output")
    for name, seconds, output in rows:
        print(f"{name:<28} {seconds:>8.2f}  {output or '-'}")
    print(f"target: <= {TARGET_SECONDS:.1f} s and one line for a sync with nothing new")


if __name__ == "__main__":
    main()
