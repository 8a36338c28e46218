"""Benchmark `statuskit check` on synthetic content (N incidents x 5 updates, 10 signatures each).

    .venv/bin/python bench/bench_check.py --incidents 10000 [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import VENV_BIN, run  # noqa: E402
from generate import generate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--incidents", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        content = (args.keep or Path(tmp)) / f"content-{args.incidents}"
        if not (content / "teams.yml").exists():
            generate(content, args.incidents)
        cmd = [str(VENV_BIN / "statuskit"), "check", "--content", str(content), "--at", "2026-06-01T00:00:00Z"]
        sigs = args.incidents * 5 * 2
        print(f"statuskit check, {args.incidents} incidents, {args.incidents * 5} updates, {sigs} signatures")
        for label, env in (
            ("cold, 1 process ", {"STATUSKIT_CACHE": "0", "STATUSKIT_JOBS": "1"}),
            ("cold, all cores  ", {"STATUSKIT_CACHE": "0"}),
        ):
            m = run(cmd, args.runs, env=env)
            print(f"  {label}: {m}; {sigs / m.median:,.0f} signatures/s end to end")
        cache = Path(tmp) / "cache"
        warm_env = {"STATUSKIT_CACHE": "1", "STATUSKIT_CACHE_DIR": str(cache)}
        run(cmd, 1, env=warm_env)  # fill the verified-signature cache
        m = run(cmd, args.runs, env=warm_env)
        print(f"  warm cache, all cores: {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
