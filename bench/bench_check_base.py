"""Benchmark the pull-request check: `statuskit check --base main` on N incidents, one update appended.

    .venv/bin/python bench/bench_check_base.py --incidents 10000 [--runs 5] [--keep bench/out]

A git repository holds N generated incidents (x 5 updates, 10 real ed25519 signatures each, as
bench/generate.py writes them) committed on ``main``; branch ``change`` has one more commit that
appends an update to one incident, as a pull request does. Each run is a new `statuskit check
--base main` process with no cache (``STATUSKIT_CACHE=0``), as on a CI runner. Also times a full
`statuskit check` of the same tree for comparison. The repository is made once under DIR.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import VENV_BIN, run  # noqa: E402
from bench_check import AT, GIT_ENV, append_one  # noqa: E402
from generate import generate  # noqa: E402


def pr_repo(content: Path, where: Path) -> Path:
    """``content`` committed on main; branch ``change`` commits one appended update (made once)."""
    repo = where / f"pr-repo-{content.name}"
    done = where / f"pr-repo-{content.name}.done"  # outside the repository: an untracked file is a change
    if not done.exists():
        shutil.rmtree(repo, ignore_errors=True)
        repo.mkdir(parents=True)
        shutil.copytree(content, repo / "content")
        env = {**os.environ, **GIT_ENV}

        def git(*args: str) -> None:
            subprocess.run(["git", *args], cwd=repo, env=env, check=True)

        git("init", "-q", "-b", "main")
        git("add", "-A")
        git("commit", "-q", "-m", "base")
        git("switch", "-q", "-c", "change")
        append_one(repo / "content")
        git("commit", "-q", "-a", "-m", "append one update")
        done.write_text("")
    return repo


def timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """(wall time, CPU time of the process and the children it waited for: git) of one run of ``cmd``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--incidents", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    ap.add_argument("--full", action="store_true", help="also time a full `statuskit check` (no --base)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        content = where / f"content-{args.incidents}"
        if not (content / "teams.yml").exists():
            generate(content, args.incidents)
        repo = pr_repo(content, where).resolve()
        env = {"STATUSKIT_CACHE": "0", **GIT_ENV}
        base = [str(VENV_BIN / "statuskit"), "check", "--content", str(repo / "content"), "--at", AT, "--base", "main"]
        print(f"statuskit check --base main, {args.incidents} incidents, one update appended on the branch")
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu = timed(base, repo, env)
            walls.append(wall)
            cpus.append(cpu)
        print(f"  cold, --base main: wall min {min(walls):.2f} s, median {statistics.median(walls):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in walls)}); CPU (user + system, with git) min {min(cpus):.2f} s, "
              f"median {statistics.median(cpus):.2f} s; load average before {os.getloadavg()[0]:.1f}")
        if args.full:
            m = run(base[:-2], max(1, args.runs // 2), cwd=repo, env=env)
            print(f"  cold, full check (no --base): {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
