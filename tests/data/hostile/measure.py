"""Run a command in a child process and measure its peak memory and time.

The command runs under a middle process whose ``RUSAGE_CHILDREN`` holds only that command, so
its peak resident memory is exact whatever ran before. Address space is capped
(:data:`AS_LIMIT`) so a regression fails fast instead of taking down a shared machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Mapping, Sequence

AS_LIMIT = 3 * 1024 ** 3


@dataclass(frozen=True)
class Measured:
    """What one run did: exit code, output, peak resident memory (MB) and wall time (s)."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float


def measure(args: Sequence[str], env: Mapping[str, str] | None = None, timeout: float = 300) -> Measured:
    """Run ``args`` (a command line) and return what it did and cost."""
    middle = subprocess.run([sys.executable, __file__, json.dumps(list(args))], env=dict(env) if env else None,
                            capture_output=True, timeout=timeout, check=True)
    data = json.loads(middle.stdout)
    return Measured(data["rc"], data["out"], data["err"], data["peak_kb"] / 1024, data["seconds"])


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def _main(args: list[str]) -> None:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, preexec_fn=_limit)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB on Linux
    print(json.dumps({"rc": done.returncode, "out": done.stdout.decode("utf-8", "replace"),
                      "err": done.stderr.decode("utf-8", "replace"), "peak_kb": peak, "seconds": seconds}))


if __name__ == "__main__":
    _main(json.loads(sys.argv[1]))
