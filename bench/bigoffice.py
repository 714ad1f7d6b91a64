"""Benchmark of a large office: 400 schools, a year of monthly versions each in the store (4,800).

Each row runs one command as the clerk types it (``python -m sheetsync …`` in the office folder, a
fresh process), and gives its seconds, its CPU seconds and its peak memory (``os.wait4``): compare
CPU seconds when other work shares the machine's cores (wall seconds then count the waiting too).

- ``sync`` with nothing new: without a period, with the office's period the latest month (every
  version is of it or before), and with a past period (March: most versions are later);
- ``sync`` of 10, then 100, new files (a correction of September from as many schools), then of 10
  more with a past period (its view is rendered of March: each key's version as of March);
- ``master`` of the current view, and of a past ``--period``;
- ``history`` of every key, of one school and of none (what the command takes listing nothing), and a
  line of its peak memory listing every key beside that (``--history-only``: those rows alone);
- ``template --from-master`` for every school, in an office of one month less (11 versions a
  school: a school whose twelve rows are filled gets no next template).

The store is filled directly (as ``bench/office.py`` does: what matters is its size), school ``n``'s
version of month ``m`` holding its reports of October to that month. The new files are each school's
filled template (September corrected), written by ``write_template``.

Several code trees can be measured in one run, each on its own copy of the same office (ratios
within one run are what to compare; the machines are noisy): ``--code DIR`` (repeatable, default
this one), e.g. a ``git worktree`` of an older commit.

Run: python bench/bigoffice.py [--schools 400] [--months 12] [--code DIR]… [--history-only]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this tree's sheetsync makes the office, whichever is installed
SAMPLE = ROOT / "sheetsync" / "samples" / "progress-report.json"
PAST, LATEST = "2020-03", "2020-09"


def school(n: int) -> tuple[str, str]:
    """The recipient id and the project code of school ``n`` (as long as the placeholders)."""
    return f"R{n:07d}", f"5036{n:04d}-{n:04d}"


def reports_to(data: dict[str, Any], months: int, *, revised: bool = False) -> dict[str, Any]:
    """``data`` with the monthly reports of October 2019 to ``months`` months on."""
    data = copy.deepcopy(data)
    stages = [r["stage"] for r in data["reports"]]
    data["reports"] = []
    for month in range(months):
        year, mon = (2019, 10 + month) if month < 3 else (2020, month - 2)
        data["reports"].append({
            "no": month + 1, "date": dt.date(year, mon, 28).isoformat(),
            "stage": stages[month % len(stages)] + (" (แก้ไข)" if revised and month == months - 1 else ""),
            "progress_percent": round(100 * (month + 1) / 12, 2), "disbursed": 15_000,
            "on_plan": month != 4, "on_target": True})
    return data


def make_office(office: Path, schools: int, months: int) -> None:
    """The office folder (``sheetsync init``), its roster and a store of ``schools`` × ``months`` versions."""
    office.parent.mkdir(parents=True, exist_ok=True)
    roster = office.parent / "schools.csv"
    lines = ["recipient_id,school_name,email,project_code"]
    lines += [f"{r},โรงเรียนที่ {n},{r.lower()}@example.org,{c}" for n in range(1, schools + 1) for r, c in [school(n)]]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "sheetsync", "init", str(office), "--roster", str(roster)], cwd=ROOT,
                   check=True, capture_output=True)
    toml = office / "sheetsync.toml"
    text = toml.read_text(encoding="utf-8").replace('from = ""', 'from = "office@bma.example"', 1)
    toml.write_text(text.replace('timezone = ""', 'timezone = "+07:00"', 1), encoding="utf-8")
    fill_store(office / "sheetsync.sqlite", schools, months)


def fill_store(path: Path, schools: int, months: int) -> None:
    """Each school's monthly versions, in arrival order, recorded as sync records them (outcome, file, current)."""
    from sheetsync.office.store import Store, Stored

    base = json.loads(SAMPLE.read_text(encoding="utf-8"))
    with Store(path) as store, store.transaction():
        for m in range(1, months + 1):
            issued = f"2019-{9 + m:02d}-01T00:00:00+00:00" if m <= 3 else f"2020-{m - 3:02d}-01T00:00:00+00:00"
            received = issued.replace("-01T", "-28T").replace("+00:00", ".000000+00:00")
            for n in range(1, schools + 1):
                who, code = school(n)
                data = reports_to(base, m)
                data["project"]["code"] = code
                sha, name = f"{n:032x}{m:032x}", f"{who}-{m:02d}.xlsx"
                sub_id = store.add_submission(Stored(0, sha, "progress-report", "3.0.0", f"t{m}", who, code,
                                                     issued, received, name, data))
                store.set_current(sub_id, "progress-report", code, who)
                outcome = store.add_outcome({
                    "sha256": sha, "file": name, "received_at": received, "result": "merged" if m == 1 else "replaced",
                    "code": "new" if m == 1 else "newer", "detail": "new", "form_id": "progress-report",
                    "form_version": "3.0.0", "template_id": f"t{m}", "recipient": who, "key": code,
                    "submission_id": sub_id, "changes": [] if m == 1 else [f"/reports/{m - 1}"]})
                store.add_file(sha, name, 20_000, None, outcome, "processed", set_aside=True)


def make_file(dest: Path, n: int, months: int) -> None:
    """School ``n``'s filled template (September corrected), issued now: a correction it sends.
    (Patching a copy's project code would not do: the office prefilled it, and a changed prefilled
    cell is refused.)"""
    from sheetsync.spec.registry import find_form
    from sheetsync.template.write import write_template

    who, code = school(n)
    data = reports_to(json.loads(SAMPLE.read_text(encoding="utf-8")), months, revised=True)
    data["project"]["code"] = code
    write_template(find_form("progress-report"), dest, data=data, recipient=who)


def timed(code: Path, office: Path, args: list[str]) -> tuple[float, float, float, str]:
    """Seconds, CPU seconds (user and system: what to compare when other work shares the cores), peak MB and the last line of output of one command in the office, run by ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync", *args], cwd=office, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    # Only the last line is kept: the child's peak (``ru_maxrss``) counts this process's own, from before
    # it started the command, and a history of 96,000 versions read whole made it 189 MB.
    last = b""
    for line in proc.stdout:
        last = line.strip() or last
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - began
    peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    return seconds, cpu, peak, f"[{os.waitstatus_to_exitcode(status)}] {last.decode(errors='replace')[:60]}"


def run_all(code: Path, office: Path, bases: list[Path], schools: int,
            august: Path) -> list[tuple[str, float, float, float, str]]:
    """Every row of the table, in order, on ``office`` (changed by the syncs)."""
    rows: list[tuple[str, float, float, float, str]] = []
    sync = ["sync", "--settle", "0"]

    def row(title: str, args: list[str]) -> None:
        rows.append((title, *timed(code, office, args)))

    row("sync, first (records the roster, renders)", sync)  # once: after it a sync with nothing new renders nothing
    row("sync, nothing new", sync)
    row(f"sync, nothing new, --period {LATEST}", [*sync, "--period", LATEST])
    row(f"sync, nothing new, --period {PAST}", [*sync, "--period", PAST])
    for count, first, period in ((10, 1, []), (100, 11, []), (10, 111, ["--period", PAST])):
        for n in range(first, first + count):
            shutil.copy(bases[n - 1], office / "inbox" / bases[n - 1].name)
        row(f"sync, {count} new{' ' + ' '.join(period) if period else ''}", [*sync, *period])
    row("master (current)", ["master", "-o", "view.xlsx"])
    row(f"master --period {PAST}", ["master", "-o", "view-past.xlsx", "--period", PAST])
    rows += history_rows(code, office, schools)
    office = august  # (a school whose twelve rows are filled gets no next template)
    row("master (August: 11 versions a school)", ["master"])
    row(f"template --from-master ({schools} schools)",
        ["template", "--from-master", "master.xlsx", "--roster", "roster.csv", "-o", "next"])
    return rows


#: The titles of ``history``'s rows: its peak memory listing every key, and listing none (the command's floor).
EVERY_KEY, NO_KEY = "history (every key)", "history --recipient (none listed)"


def history_rows(code: Path, office: Path, schools: int) -> list[tuple[str, float, float, float, str]]:
    """``history`` of every key, of one school, and of no school (what the command takes listing nothing)."""
    return [(title, *timed(code, office, args)) for title, args in (
        (EVERY_KEY, ["history"]), ("history --recipient (one school)", ["history", "--recipient", school(schools // 2)[0]]),
        (NO_KEY, ["history", "--recipient", "nobody"]))]


def history_memory(rows: list[tuple[str, float, float, float, str]], versions: int) -> str:
    """The line saying ``history``'s peak memory for the whole store, beside its floor listing nothing."""
    peak = {title: mb for title, _, _, mb, _ in rows}
    return (f"history's peak memory, {versions:,} versions: {peak[EVERY_KEY]:.0f} MB listing every key, "
            f"{peak[NO_KEY]:.0f} MB listing none")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=400)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--code", type=Path, action="append", default=[])
    parser.add_argument("--history-only", action="store_true", help="only history's rows (no syncs)")
    args = parser.parse_args()
    codes = [c.resolve() for c in args.code] or [ROOT]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pristine = folder / "pristine" / "office"
        began = time.perf_counter()
        make_office(pristine, args.schools, args.months)
        if args.history_only:
            tables = [(code, history_rows(code, pristine, args.schools)) for code in codes]
            return report(tables, args.schools * args.months)
        make_office(folder / "august" / "office", args.schools, args.months - 1)
        os.environ["SHEETSYNC_KEY_FILE"] = str(pristine / "office.key")  # the copies' key is the same
        files = folder / "new"
        files.mkdir()
        bases = [files / f"{school(n)[0]}-corrected.xlsx" for n in range(1, min(120, args.schools) + 1)]
        for n, path in enumerate(bases, 1):
            make_file(path, n, args.months)
        print(f"made the office ({args.schools} schools × {args.months} versions) in "
              f"{time.perf_counter() - began:.1f} s", flush=True)
        tables = []
        for i, code in enumerate(codes):
            office = folder / f"run{i}" / "office"
            shutil.copytree(pristine, office)
            shutil.copytree(folder / "august" / "office", office.parent / "august")
            tables.append((code, run_all(code, office, bases, args.schools, office.parent / "august")))
    report(tables, args.schools * args.months)


def report(tables: list[tuple[Path, list[tuple[str, float, float, float, str]]]], versions: int) -> None:
    """Each code tree's table, and the line of history's peak memory under it."""
    for code, rows in tables:
        print(f"\ncode: {code}")
        print(f"{'command':<42} {'seconds':>8} {'CPU s':>7} {'peak MB':>8}  [exit] last line")
        for title, seconds, cpu, mb, last in rows:
            print(f"{title:<42} {seconds:>8.2f} {cpu:>7.2f} {mb:>8.0f}  {last}")
        print(history_memory(rows, versions))


if __name__ == "__main__":
    main()
