"""Benchmark `statuskit check` on synthetic content (N incidents x 5 updates, 10 signatures each).

    .venv/bin/python bench/bench_check.py --incidents 10000 [--runs 3] [--keep DIR] [--git]

Modes, each a fresh `statuskit check` process:

- cold, one process: no cache, STATUSKIT_JOBS=1;
- cold, all cores: no cache, as on a CI runner;
- warm: the per-user caches filled by an earlier run, nothing changed since;
- warm, one incident edited: as an author re-running check after changing one file;
- with --git: `check --base main` in a git repository whose branch appends an update, cold
  (the pull-request check CI runs). The repository is made once under DIR.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import VENV_BIN, run  # noqa: E402
from generate import generate  # noqa: E402

AT = "2026-06-01T00:00:00Z"
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.test", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.test", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def edit_one(content: Path) -> tuple[Path, str]:
    """Change one word of the last incident's last update (its approvals go stale); returns what to restore."""
    path = sorted((content / "incidents").iterdir())[-1]
    text = path.read_text(encoding="utf-8")
    i = text.rindex("public: |")
    path.write_text(text[:i] + text[i:].replace("\n      ", "\n      Edited: ", 1), encoding="utf-8")
    return path, text


def append_one(content: Path) -> None:
    """Append a new (not yet approved) update to the last incident, as a pull request does."""
    path = sorted((content / "incidents").iterdir())[-1]
    text = path.read_text(encoding="utf-8")
    last_id = text.count("\n  - id: ")
    last_at = text[text.rindex("\n    at: ") + 9:].split("\n", 1)[0]
    path.write_text(text + f"  - id: {last_id + 1}\n    at: {last_at}\n    status: postmortem\n"
                    "    public: |\n      The postmortem is published.\n", encoding="utf-8")


def git_repo(content: Path, where: Path) -> Path:
    """A repository with ``content`` committed on main and an update appended on a branch (made once)."""
    repo = where / f"check-repo-{content.name}"
    done = where / f"check-repo-{content.name}.done"  # outside the repository: an untracked file is a change
    if not done.exists():
        shutil.rmtree(repo, ignore_errors=True)
        repo.mkdir(parents=True)
        shutil.copytree(content, repo / "content")
        env = {**os.environ, **GIT_ENV}
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"],
                     ["switch", "-q", "-c", "change"]):
            subprocess.run(["git", *args], cwd=repo, env=env, check=True)
        append_one(repo / "content")
        done.write_text("")
    return repo


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--incidents", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    ap.add_argument("--git", action="store_true", help="also time `check --base main` in a git repository")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        content = where / f"content-{args.incidents}"
        if not (content / "teams.yml").exists():
            generate(content, args.incidents)
        cmd = [str(VENV_BIN / "statuskit"), "check", "--content", str(content), "--at", AT]
        sigs = args.incidents * 5 * 2
        print(f"statuskit check, {args.incidents} incidents, {args.incidents * 5} updates, {sigs} signatures")
        for label, env in (
            ("cold, 1 process        ", {"STATUSKIT_CACHE": "0", "STATUSKIT_JOBS": "1"}),
            ("cold, all cores        ", {"STATUSKIT_CACHE": "0"}),
        ):
            m = run(cmd, args.runs, env=env)
            print(f"  {label}: {m}; {sigs / m.median:,.0f} signatures/s end to end")
        warm_env = {"STATUSKIT_CACHE": "1", "STATUSKIT_CACHE_DIR": str(Path(tmp) / "cache")}
        run(cmd, 1, env=warm_env)  # fill the caches
        print(f"  warm, nothing changed  : {run(cmd, args.runs, env=warm_env)}")
        times, peak = [], 0.0
        for _ in range(args.runs):
            path, text = edit_one(content)
            try:
                m = run(cmd, 1, env=warm_env)
            finally:
                path.write_text(text, encoding="utf-8")
            run(cmd, 1, env=warm_env)  # back to the committed state
            times += m.times
            peak = max(peak, m.peak_rss_mib)
        print(f"  warm, 1 incident edited: {type(m)(times, peak)}")
        if args.git:
            repo = git_repo(content, where).resolve()
            base_cmd = [str(VENV_BIN / "statuskit"), "check", "--content", str(repo / "content"), "--at", AT,
                        "--base", "main"]
            m = run(base_cmd, args.runs, cwd=repo, env={"STATUSKIT_CACHE": "0", **GIT_ENV})
            print(f"  cold, --base main, 1 update appended: {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
