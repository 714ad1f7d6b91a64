"""Benchmark: `sheetsync validate` on every case of the hostile corpus, each in its own process.

Prints one row per case (exit code, peak resident memory, wall time) and the worst of each, with
the case that costs it. The budget (sheetsync/limits.py): ≤ 300 MB and a few seconds (~3 s on the
2-core machine here, a fresh process included) for any file of ≤ 25 MB.
Run: python bench/hostile.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.data.hostile.build import build  # noqa: E402
from tests.data.hostile.measure import measure  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SHEETSYNC_KEY_FILE"] = str(Path(tmp) / "office.key")  # never the user's own key
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        corpus = build(Path(tmp) / "hostile")
        rows = []
        for case, path in sorted(corpus.items()):
            run = measure([sys.executable, "-m", "sheetsync", "validate", str(path)], env=env)
            rows.append((case, path.stat().st_size / 1024 / 1024, run.returncode, run.peak_mb, run.seconds))
    print(f"{'case':34} {'file MB':>8} {'exit':>4} {'peak MB':>8} {'seconds':>8}")
    for case, size, rc, peak, seconds in rows:
        print(f"{case:34} {size:8.2f} {rc:4d} {peak:8.1f} {seconds:8.2f}")
    print(f"{'worst':34} {'':8} {'':4} {max(r[3] for r in rows):8.1f} {max(r[4] for r in rows):8.2f}")
    for label, column in (("most memory", 3), ("slowest", 4)):
        worst = sorted(rows, key=lambda r: -r[column])[:3]
        print(f"{label}: " + ", ".join(f"{r[0]} ({r[column]:.1f})" for r in worst))


if __name__ == "__main__":
    main()
