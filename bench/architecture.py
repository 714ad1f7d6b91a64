"""Benchmark of issue 11's targets, as ratios measured side by side in one run.

1. ``sheetsync --help`` against a bare ``python -c pass`` (target: ≤ 0.25 s wall).
2. read + validate per filled form against a bare python-calamine parse of the same file
   (every sheet to Python values), for .xlsx and .ods (target: ≤ 3x): the templates as sheetsync
   writes them, and when LibreOffice is installed some of them saved again by Calc, as schools send them.
3. ``sheetsync validate --format json`` over N and 10·N files: peak memory must stay flat
   (results are streamed; target ≤ 150 MB for 20,000 files).

Run: python bench/architecture.py [N]   (default N=200; N=2000 gives the 20,000-file run)
These machines are noisy (2 cores): compare the ratios within one run, not absolute numbers.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from python_calamine import CalamineWorkbook  # noqa: E402

from sheetsync.check.opener import calamine  # noqa: E402
from sheetsync.check.reader import read_filled  # noqa: E402
from sheetsync.formats.extent import Scanned, scan  # noqa: E402
from sheetsync.formats.guard import check_container  # noqa: E402
from sheetsync.check.validate import validate  # noqa: E402
from sheetsync.spec.form import Form  # noqa: E402
from sheetsync.spec.registry import find_form  # noqa: E402
from sheetsync.template.write import write_template  # noqa: E402
from tests.data.hostile.measure import measure  # noqa: E402

SAMPLE = ROOT / "sheetsync" / "samples" / "progress-report.json"
RESAVED = 40  # files saved again by Calc, when it is installed (about 0.2 s each)


def wall(args: list[str], runs: int = 5) -> float:
    """Median wall seconds of running ``args``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_file_ms(files: list[Path], action: Callable[[Path], object], rounds: int = 3) -> float:
    """Best-of-``rounds`` mean milliseconds per file."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for path in files:
            action(path)
        best = min(best, (time.perf_counter() - start) * 1000 / len(files))
    return best


def bare_parse(path: Path) -> None:
    """What any reader must do at least: parse every sheet into Python values."""
    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python()


def compare(label: str, files: list[Path], form: Form) -> float:
    """One row of section 2: a bare calamine parse against read + validate, for the same files (each
    its best of 3 on its own: run file by file in turn, the bare parse was slowed by ours, ~25 %).
    Returns the bare parse's ms per form."""
    calamine = per_file_ms(files, bare_parse)
    ours = per_file_ms(files, lambda p: validate(read_filled(p, form=form)))
    print(f"   {label:<32} calamine {calamine:6.2f}   sheetsync {ours:6.2f}   ratio {ours / calamine:4.1f}x"
          "   (target <= 3x)")
    return calamine


def stages(files: list[Path], form: Form, bare: float) -> None:
    """Where read + validate spends its time: each stage's cost (ms per form, best of 3), found by
    timing the pipeline cut after it and subtracting the cut before (so the stages sum to the whole).

    Then the floor: the last three stages alone (calamine's parse, reading its grid into the form's
    data, the checks), with no container check, inflating, measuring or expansion check, against
    ``bare`` (the bare parse's ms): no reader that gives this form's data and findings goes below it."""
    def scanned(p: Path) -> Scanned:
        return scan(p, p.suffix[1:], check_container(p).archive)

    def parsed(p: Path) -> None:
        kept = scanned(p)
        book = calamine(kept.copy(kept.unclipped(set())))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    cuts = [("container check (zip directory, format)", lambda p: check_container(p)),
            ("inflate + measure the sheets (extent)", scanned),
            ("expansion checks + stored copy", lambda p: (k := scanned(p)).copy(k.unclipped(set()))),
            ("calamine parse of the copy", parsed),
            ("grid -> data, source map, locked cells", lambda p: read_filled(p, form=form)),
            ("structure + JSON Schema + rules", lambda p: validate(read_filled(p, form=form)))]
    before, spent = 0.0, []
    for label, action in cuts:
        total = per_file_ms(files, action)
        spent.append(max(total - before, 0.0))
        print(f"      {label:<42} {spent[-1]:5.2f} ms")
        before = total
    floor = sum(spent[-3:])
    print(f"      floor: parse + read + checks alone {floor:5.2f} ms = {floor / bare:.1f}x the bare parse")


def saved_by_calc(files: list[Path], out: Path, fmt: str) -> list[Path]:
    """``files`` opened and saved again by LibreOffice Calc (headless), or [] without soffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or not files:
        return []
    profile = (out / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", fmt,
                    "--outdir", str(out), *map(str, files)], capture_output=True, timeout=600, check=False)
    return [out / p.name for p in files if (out / p.name).exists()]


def main(n: int = 200) -> None:
    form = find_form("progress-report")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    python = sys.executable
    print("1. start-up (median of 5, s)")
    bare, help_s = wall([python, "-c", "pass"]), wall([python, "-m", "sheetsync", "--help"])
    print(f"   python -c pass {bare:.3f}   sheetsync --help {help_s:.3f}   (target <= 0.25)")
    with tempfile.TemporaryDirectory() as tmp:
        print(f"2. read + validate vs a bare calamine parse, ms per form ({n} forms, best of 3)")
        by_fmt: dict[str, list[Path]] = {}
        for fmt in ("xlsx", "ods"):
            files = []
            for i in range(n):
                path = Path(tmp) / f"f{i}.{fmt}"
                write_template(form, path, data=data, recipient=f"school-{i}")
                files.append(path)
            by_fmt[fmt] = files
            stages(files, form, compare(fmt, files, form))
            resaved = saved_by_calc(files[:RESAVED], Path(tmp) / f"calc-{fmt}", fmt)
            if resaved:  # what schools really send back: the template saved again by their spreadsheet
                compare(f"{fmt}, saved by LibreOffice Calc", resaved, form)
        print("3. sheetsync validate --format json: peak memory as the batch grows")
        folder = Path(tmp) / "many"
        folder.mkdir()
        for size in (n, 10 * n):
            for i in range(size):
                target = folder / f"f{i}.xlsx"
                if not target.exists():
                    shutil.copyfile(by_fmt["xlsx"][i % n], target)
            # The folder holds exactly ``size`` files. 20,000 paths overflow one argument of the
            # measuring process (128 KB on Linux): a shell in the folder expands them and becomes
            # sheetsync, whose peak is what is measured.
            args = ["sh", "-c", f"cd {shlex.quote(str(folder))} && exec {shlex.quote(python)} -m sheetsync "
                    "validate --format json f*.xlsx"]
            run = measure(args, env=env, timeout=3600)
            print(f"   {size:>6} files  peak {run.peak_mb:6.1f} MB  {run.seconds:6.1f} s  exit {run.returncode}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
