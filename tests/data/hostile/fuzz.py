"""A time-boxed mutation fuzzer of the reading of returned files (not a test: it runs for minutes).

It writes valid filled templates with sheetsync itself (.xlsx, .ods; with LibreOffice on the
machine also a Calc-saved .xlsx, which has shared strings, and a Calc-saved .xls), damages them
(tests/data/hostile/mutate.py) and checks each damaged file as the office does:

* every case with :func:`sheetsync.pipeline.check_file`, in a forked child (so its peak memory is
  its own, and a crash, an abort or a hang is that case's, not the fuzzer's);
* one case in ``--cli-every`` also with ``python -m sheetsync validate FILE`` in a subprocess with
  an address-space limit and a timeout.

A failure is: an exception out of ``check_file``, an ``internal-error`` outcome, a refusal whose
message does not start with the file's name, a child that dies or hangs; for the CLI an exit code
not in {0, 1, 2}, a traceback or a Rust panic in its output, or a first line not naming the file;
for both, a peak resident memory over ``PEAK_MB`` or more than ``SECONDS`` of CPU (the CLI's beyond
what it takes on an undamaged file; a case still running after ``HANG`` seconds is killed). Each failing file is
kept in ``--out`` with a line in ``failures.jsonl``; ``--replay N`` rebuilds case N of a seed.

Run: python tests/data/hostile/fuzz.py --seconds 600 --out /tmp/fuzz
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import os
import random
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.data.hostile.mutate import mutate  # noqa: E402

PEAK_MB = 300
SECONDS = 3.0
HANG = 30.0  # a case still running after this is killed (and is a failure)
AS_LIMIT = 2 * 1024 ** 3  # address space of each child: a runaway fails fast, the machine stays up
SEED_DATA = ROOT / "sheetsync" / "samples" / "progress-report.json"


def write_seeds(folder: Path, libreoffice: bool) -> dict[str, Path]:
    """Valid filled templates to mutate: {name: file}."""
    from sheetsync.spec.registry import find_form
    from sheetsync.template.write import write_template

    form = find_form("progress-report")
    data = json.loads(SEED_DATA.read_text(encoding="utf-8"))
    seeds = {}
    for fmt in ("xlsx", "ods"):
        seeds[fmt] = folder / f"seed.{fmt}"
        write_template(form, seeds[fmt], data=data)
    soffice = shutil.which("soffice")
    if libreoffice and soffice:
        saved = folder / "calc"
        for source, target in ((seeds["ods"], "xlsx"), (seeds["xlsx"], "xls"), (seeds["xlsx"], "ods")):
            subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                            "--convert-to", target, "--outdir", str(saved), str(source)],
                           capture_output=True, timeout=180, check=False)
            if (saved / f"seed.{target}").exists():
                seeds[f"calc-{target}"] = saved / f"seed.{target}"
    return seeds


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def run_inprocess(path: Path) -> dict[str, object]:
    """check_file(path) in a forked child: its outcome, peak memory (MB) and time; "problem" if any."""
    read, write = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 0
        try:
            _limit()
            outcome = _check(path)
        except BaseException:  # noqa: BLE001 - whatever escapes is the finding
            outcome, code = {"problem": "exception escaped check_file", "traceback": traceback.format_exc()}, 3
        os.write(write, json.dumps(outcome, default=str).encode())
        os._exit(code)
    os.close(write)
    chunks, deadline = [], start + HANG
    while (left := deadline - time.perf_counter()) > 0:
        ready, _, _ = select.select([read], [], [], left)
        if not ready:
            continue
        chunk = os.read(read, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    if time.perf_counter() >= deadline:
        os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    try:
        outcome = json.loads(b"".join(chunks) or b"{}")
    except ValueError:
        outcome = {}
    if not outcome:
        outcome = {"problem": f"the child died (status {status})"}
    outcome.update(peak_mb=usage.ru_maxrss / 1024, seconds=round(seconds, 2), cpu=round(_cpu(usage), 2))
    _judge(outcome, _cpu(usage), usage.ru_maxrss / 1024)
    return outcome


def _check(path: Path) -> dict[str, object]:
    from sheetsync.pipeline import INTERNAL, check_file

    result = check_file(path)
    if result.failure is not None:
        value = str(result.failure.value)
        outcome: dict[str, object] = {"failure": result.failure.code, "value": value[:300]}
        if result.failure.code == INTERNAL:
            outcome["problem"] = "internal-error"
        elif not value.startswith(path.name):
            outcome["problem"] = "refusal not naming the file"
        return outcome
    assert result.report is not None
    return {"codes": sorted({f.code for f in result.report.findings})}


def _cpu(usage: resource.struct_rusage) -> float:
    """CPU seconds (user and system): on a busy machine the wall clock says more about the others."""
    return usage.ru_utime + usage.ru_stime


def _judge(outcome: dict[str, object], seconds: float, peak: float) -> None:
    if "problem" in outcome:
        return
    if peak > PEAK_MB:
        outcome["problem"] = f"peak memory {peak:.0f} MB"
    elif seconds > SECONDS:
        outcome["problem"] = f"took {seconds:.1f} s"


def run_cli(path: Path, env: dict[str, str], baseline: float = 0.0) -> dict[str, object]:
    """``python -m sheetsync validate path`` with an address-space limit: exit code, output, peak, time
    (judged beyond ``baseline``: what checking an undamaged file takes, start-up included)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "sheetsync", "validate", str(path)], stdout=out, stderr=err,
                                env=env, preexec_fn=_limit)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > HANG:
                proc.kill()
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace") + err.read().decode("utf-8", "replace")
    outcome: dict[str, object] = {"rc": proc.returncode, "first": text.strip().splitlines()[:1],
                                  "peak_mb": usage.ru_maxrss / 1024, "seconds": round(seconds, 2),
                                  "cpu": round(_cpu(usage), 2)}
    from sheetsync.text import safe_text
    if proc.returncode not in (0, 1, 2):
        outcome["problem"] = f"exit code {proc.returncode}"
    elif "Traceback" in text or "panicked" in text:
        outcome["problem"] = "traceback in the output"
    elif not text.strip() or safe_text(path.name) not in text.strip().splitlines()[0]:
        outcome["problem"] = "first line does not name the file"
    if "problem" in outcome:
        outcome["output"] = text[-2000:]
    _judge(outcome, _cpu(usage) - baseline, usage.ru_maxrss / 1024)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cli-every", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "sheetsync-fuzz")
    parser.add_argument("--replay", type=int, default=None, help="rebuild and check this case number only")
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", "Duplicate name")  # duplicate members are one of the mutations
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SHEETSYNC_KEY_FILE", str(args.out / "office.key"))  # never the user's own key
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seeds = write_seeds(args.out, not args.no_libreoffice)
    importlib.import_module("sheetsync.pipeline")  # once here, so that each forked case measures only its check
    names = sorted(seeds)
    # A fresh interpreter's start-up (~1 s of imports, more on a busy machine) is not the file's.
    baseline = max(float(str(run_cli(seeds[name], env)["cpu"])) for name in names for _ in range(2))
    print("seeds:", ", ".join(names), f"(validate takes {baseline:.1f} s of CPU on them)", flush=True)
    stop, case, failures = time.monotonic() + args.seconds, 0, 0
    counts: dict[str, int] = {}
    worst, heaviest = (0.0, -1), (0.0, -1)  # (CPU seconds, case), (peak MB, case)
    replay = args.replay is not None
    for n in [args.replay] if replay else itertools.count():
        if not replay and time.monotonic() >= stop:
            break
        rng = random.Random(args.seed * 1_000_003 + n)
        name = rng.choice(names)
        fmt = "xls" if name.endswith("xls") else seeds[name].suffix[1:]
        try:
            data, what = mutate(rng, seeds[name].read_bytes(), fmt)
        except Exception as exc:  # noqa: BLE001 - a mutation that does not apply is skipped
            data, what = seeds[name].read_bytes(), f"(mutation failed: {exc!r})"
        path = args.out / f"case-{n}.{seeds[name].suffix[1:]}"
        path.write_bytes(data)
        outcome = run_inprocess(path)
        if replay or n % args.cli_every == 0:
            outcome["cli"] = run_cli(path, env, baseline)
        key = "refused" if "failure" in outcome else "read"
        counts[key] = counts.get(key, 0) + 1
        worst = max(worst, (float(str(outcome.get("cpu", 0))), n), key=lambda w: w[0])
        heaviest = max(heaviest, (float(str(outcome.get("peak_mb", 0))), n), key=lambda w: w[0])
        cli = outcome.get("cli")
        problem = outcome.get("problem") or (cli.get("problem") if isinstance(cli, dict) else None)
        if problem or replay:
            failures += bool(problem)
            kept = args.out / f"fail-{n}-{name}{path.suffix}" if problem else path
            if problem:
                path.rename(kept)
            record = {"case": n, "seed": name, "mutation": what, "problem": problem, "file": str(kept), **outcome}
            with open(args.out / "failures.jsonl", "a", encoding="utf-8") as log:
                log.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")
            print(json.dumps(record, default=str, ensure_ascii=False)[:600], flush=True)
        else:
            path.unlink()
        case += 1
        if case % 200 == 0:
            print(f"{case} cases, {failures} failures", flush=True)
    print(f"{case} cases from seed {args.seed} ({counts}); {failures} failures; most CPU {worst[0]:.2f} s "
          f"(case {worst[1]}), most memory {heaviest[0]:.0f} MB (case {heaviest[1]}); see {args.out}", flush=True)


if __name__ == "__main__":
    main()
