"""Benchmark: merge 1,000 submissions of 12 reports each into a new master, then 100 more.

Each merge runs in a fresh Python process, which reports the seconds ``merge()`` took and its own
peak memory (maximum resident set size), so the cost of making the test files is not counted.
Targets: <= 20 s for the 1,000 and <= 500 MB peak.

Run: python bench/merge.py [N] [MORE]   (defaults 1000 and 100)
These machines are noisy (2 cores): rerun before trusting a surprising number.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parent.parent / "sheetsync" / "samples" / "progress-report.json"
TARGET_SECONDS, TARGET_MB = 20.0, 500.0


def twelve_reports(n: int, *, revised: bool = False) -> dict[str, Any]:
    """The sample project, as project ``n``, with a full fiscal year of valid monthly reports."""
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["project"]["code"] = f"{50360000 + n:08d}-{n % 10_000:04d}"
    stages = [r["stage"] for r in data["reports"]]
    data["reports"] = []
    for month in range(12):
        year, mon = (2019, 10 + month) if month < 3 else (2020, month - 2)
        data["reports"].append({
            "no": month + 1, "date": dt.date(year, mon, 28).isoformat(),
            "stage": stages[month % len(stages)] + (" (แก้ไข)" if revised and month == 11 else ""),
            "progress_percent": round(100 * (month + 1) / 12, 2), "disbursed": 15_000,
            "on_plan": month != 4, "on_target": True})
    return copy.deepcopy(data)


def _write(job: tuple[int, str, bool, str]) -> str:
    from sheetsync.spec.registry import find_form
    from sheetsync.template.write import write_template

    n, folder, revised, issued = job
    path = Path(folder) / f"{'rev' if revised else 'sub'}-{n:05d}.xlsx"
    write_template(find_form("progress-report"), path, data=twelve_reports(n, revised=revised),
                   recipient=f"school-{n:05d}", issued=dt.datetime.fromisoformat(issued))
    return str(path)


def make_files(jobs: list[tuple[int, str, bool, str]]) -> list[str]:
    """Write the submissions on every core (making them costs more than merging them)."""
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(_write, jobs, chunksize=20))


def child(listing: str, master: str) -> None:
    """Run one merge and print what it cost, as JSON (the parent's measurement point)."""
    from sheetsync.master import merge

    files = json.loads(Path(listing).read_text(encoding="utf-8"))
    start = time.perf_counter()
    result = merge(files, master, today=dt.date(2020, 10, 15))
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "counts": result.counts(),
                      "master_mb": Path(master).stat().st_size / 2**20}))


def run_merge(files: list[str], master: Path, folder: Path) -> dict[str, Any]:
    listing = folder / f"files-{len(files)}.json"
    listing.write_text(json.dumps(files), encoding="utf-8")
    out = subprocess.run([sys.executable, __file__, "--child", str(listing), str(master)], capture_output=True,
                         text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    measured: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return measured


def main(n: int = 1000, more: int = 100) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        first = make_files([(i, tmp, False, "2020-09-30T00:00:00+00:00") for i in range(n)])
        # The later batch: half revisions of merged projects (newer templates), half new projects.
        later = make_files([(i, tmp, True, "2020-10-10T00:00:00+00:00") for i in range(more // 2)]
                           + [(n + i, tmp, False, "2020-10-10T00:00:00+00:00") for i in range(more - more // 2)])
        print(f"made {n + more} submissions (12 reports each) in {time.perf_counter() - start:.1f} s")
        master = folder / "master.xlsx"
        rows = [(f"{n} into a new master", run_merge(first, master, folder)),
                (f"{more} more into it", run_merge(later, master, folder))]
    print(f"{'merge':<26} {'seconds':>8} {'peak MB':>8} {'master MB':>10}  outcomes")
    for name, m in rows:
        counts = ", ".join(f"{v} {k}" for k, v in m["counts"].items() if v)
        print(f"{name:<26} {m['seconds']:>8.2f} {m['peak_mb']:>8.0f} {m['master_mb']:>10.1f}  {counts}")
    ok = rows[0][1]["seconds"] <= TARGET_SECONDS and all(m["peak_mb"] <= TARGET_MB for _, m in rows)
    print(f"targets: <= {TARGET_SECONDS:.0f} s for the {n}, <= {TARGET_MB:.0f} MB peak: {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main(*(int(a) for a in sys.argv[1:3]))
