"""Benchmark of the office (issue 10): sync into a new office, sync into a big one, render a big view.

Prints, side by side, for each phase the seconds it took and its peak memory (each phase runs in a
fresh Python process; the maximum resident set size comes from the kernel via ``os.wait4``):

1. ``sync`` of N returned files (10 % with mistakes) into a new office;
2. ``sync`` of MORE new files into an office whose store already holds KEYS keys;
3. rendering the master view (.xlsx) for those KEYS keys.

Files are made by writing two templates (one good, one with a mistake) and copying them with the
recipient patched in the zip (no rendering per file). Targets (issue 10): 1. ≤ 20 s; 2. ≤ 5 s and
≤ 300 MB; 3. ≤ 30 s and ≤ 400 MB.

Run: python bench/office.py [N] [MORE] [KEYS]   (defaults 1000 100 20000)
These machines are noisy (2 cores): rerun before trusting a surprising number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sheetsync" / "samples" / "progress-report.json"
PLACEHOLDER = "R0000000"
TARGETS = {"sync-new": (20.0, None), "sync-into-big": (5.0, 300.0), "render-big": (30.0, 400.0)}


def make_bases(folder: Path) -> tuple[Path, Path]:
    """One good and one faulty filled template, both for the placeholder recipient."""
    from sheetsync.spec.registry import find_form
    from sheetsync.template.write import write_template

    form = find_form("progress-report")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    good, bad = folder / "good.xlsx", folder / "bad.xlsx"
    write_template(form, good, data=data, recipient=PLACEHOLDER)
    data["reports"][3]["progress_percent"] = 1.0  # progress decreased: an error
    write_template(form, bad, data=data, recipient=PLACEHOLDER)
    return good, bad


def patched(base: Path, dest: Path, recipient: str) -> None:
    """A copy of ``base`` issued to ``recipient`` (same length as the placeholder), signed again
    under the office key as the office would have issued it (the signature covers the recipient)."""
    from sheetsync.check.reader import read_filled
    from sheetsync.identity import OFFICE, SIGNATURE, resolve, sign

    meta = read_filled(base).metadata
    key = resolve(OFFICE, create=True)
    assert key is not None
    old_sig, new_sig = str(meta[SIGNATURE]), sign({**meta, "recipient": recipient}, key)
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info).replace(PLACEHOLDER.encode(), recipient.encode())
            new.writestr(info, data.replace(old_sig.encode(), new_sig.encode()))


def fill_inbox(inbox: Path, bases: tuple[Path, Path], count: int, start: int) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        base = bases[1] if n % 10 == 9 else bases[0]
        patched(base, inbox / f"school-{n:07d}.xlsx", f"R{n:07d}")


def big_store(store_path: Path, keys: int) -> None:
    """A store holding ``keys`` current submissions (inserted directly: what matters is the size)."""
    from sheetsync.office.store import Store, Stored, now

    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    code = data["project"]["code"]
    with Store(store_path) as store, store.transaction():
        for n in range(keys):
            who = f"K{n:07d}"
            sub_id = store.add_submission(Stored(0, f"{n:064x}", "progress-report", "1.0.0", "t", who, code,
                                                 "2020-01-01T00:00:00+00:00", now(), f"{who}.xlsx", data))
            store.set_current(sub_id, "progress-report", code, who)
            store.add_outcome({"sha256": f"{n:064x}", "file": f"{who}.xlsx", "received_at": now(), "result": "merged",
                               "code": "new", "detail": "new", "form_id": "progress-report", "recipient": who,
                               "key": code})


def phase(name: str, office: str) -> None:
    """One measured phase, run in its own process; prints the seconds to stdout."""
    from sheetsync.mailer import MailConfig
    from sheetsync.office.store import Store
    from sheetsync.office.view import render_view
    from sheetsync.sync import SyncOptions, sync

    root = Path(office)
    began = time.perf_counter()
    if name == "render-big":
        with Store(root / "master.sqlite") as store:
            render_view(store, root / "view.xlsx", period="2020-03")
    else:
        sync(root / "inbox", root / "master.xlsx", report_dir=root / "reports",
             config=MailConfig(from_addr="office@bma.example", outbox=root / "outbox"),
             options=SyncOptions(settle=0))
    print(f"{time.perf_counter() - began:.2f}")


def measure(name: str, office: Path) -> tuple[float, float]:
    proc = subprocess.Popen([sys.executable, __file__, "--phase", name, str(office)], stdout=subprocess.PIPE,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = status
    if status != 0:
        raise SystemExit(f"{name} failed")
    return float(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main() -> None:
    n, more, keys = (int(a) for a in (sys.argv[1:] + ["1000", "100", "20000"][len(sys.argv) - 1:])[:3])
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["SHEETSYNC_KEY_FILE"] = str(folder / "office.key")  # the phases inherit it
        bases = make_bases(folder)
        new = folder / "new"
        fill_inbox(new / "inbox", bases, n, 0)
        results.append((f"sync {n:,} files (10 % bad) into a new office", "sync-new", *measure("sync-new", new)))
        big = folder / "big"
        big_store(big / "master.sqlite", keys)
        fill_inbox(big / "inbox", bases, more, 10_000_000 - more)
        results.append((f"sync {more:,} more into {keys:,} keys", "sync-into-big", *measure("sync-into-big", big)))
        results.append((f"render the view of {keys + more:,} keys", "render-big", *measure("render-big", big)))
    print(f"{'phase':<48} {'seconds':>8} {'peak MB':>8}   target")
    for title, name, seconds, mb in results:
        target_s, target_mb = TARGETS[name]
        target = f"≤ {target_s:.0f} s" + (f", ≤ {target_mb:.0f} MB" if target_mb else "")
        print(f"{title:<48} {seconds:>8.2f} {mb:>8.0f}   {target}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        phase(sys.argv[2], sys.argv[3])
    else:
        main()
