"""Run a command repeatedly; report the median wall time and the peak memory of each run."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

VENV_BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"


@dataclass
class Measured:
    times: list[float]
    peak_rss_mib: float

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def __str__(self) -> str:
        runs = ", ".join(f"{t:.2f}" for t in self.times)
        return f"median {self.median:.2f} s (runs: {runs}), peak RSS {self.peak_rss_mib:.0f} MiB"


def run(cmd: list[str], runs: int = 3, cwd: Path | None = None, env: dict | None = None,
        expect_ok: bool = True) -> Measured:
    """Run ``cmd`` ``runs`` times; wall time and max RSS (of the process tree's largest member) per run."""
    times, peaks = [], []
    full_env = {**os.environ, **(env or {})}
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - t0)
        peaks.append(usage.ru_maxrss / 1024)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        proc.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if expect_ok and code != 0:
            raise SystemExit(f"command failed ({code}): {' '.join(cmd)}\n{err[-2000:]}")
    return Measured(times, max(peaks))
