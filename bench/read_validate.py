"""Benchmark: read + validate N filled forms, beside a plain openpyxl load and an odfpy load.

Prints one table of milliseconds per file. Run: python bench/read_validate.py [N]
These machines are noisy (2 cores): compare the ratios within one run, not absolute numbers.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import openpyxl
from odf.opendocument import load as odf_load

from sheetsync.check.reader import read_filled
from sheetsync.spec.registry import find_form
from sheetsync.template.write import write_template
from sheetsync.check.validate import validate

SAMPLE = Path(__file__).resolve().parent.parent / "sheetsync" / "samples" / "progress-report.json"


def per_file_ms(files: list[Path], action: Callable[[Path], object], rounds: int = 3) -> float:
    """Best-of-``rounds`` mean milliseconds per file (the best round is the least disturbed)."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for path in files:
            action(path)
        times.append((time.perf_counter() - start) * 1000 / len(files))
    return min(times)


def main(n: int = 200) -> None:
    form = find_form("progress-report")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for fmt in ("xlsx", "ods"):
            files = []
            for i in range(n):
                path = Path(tmp) / f"f{i}.{fmt}"
                write_template(form, path, data=data, recipient=f"school-{i}")
                files.append(path)
            ours = per_file_ms(files, lambda p: validate(read_filled(p, form=form)))
            if fmt == "xlsx":
                other_name, other = "openpyxl load_workbook", per_file_ms(files[: max(20, n // 5)], openpyxl.load_workbook)
            else:
                other_name, other = "odfpy load", per_file_ms(files[: max(20, n // 5)], odf_load)
            rows.append((fmt, ours, other_name, other, other / ours))
    print(f"{n} filled progress reports per format (7 reports each), ms per file, best of 3 rounds")
    print(f"{'format':<7} {'sheetsync read+validate':>24} {'baseline':>24} {'baseline ms':>12} {'speed-up':>9}")
    for fmt, ours, name, other, ratio in rows:
        print(f"{fmt:<7} {ours:>24.2f} {name:>24} {other:>12.2f} {ratio:>8.1f}x")
    print("targets: <= 3 ms per form; >= 5x faster than the openpyxl load")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
