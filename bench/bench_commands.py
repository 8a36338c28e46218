"""Time and peak memory of every statuskit command on a large site.

    .venv/bin/python bench/bench_commands.py --incidents 10000 [--runs 1] [--build]

Works on a copy of the generated content (bench/out/commands-N/, made once) with one extra
comms member, "eve", whose key is a real `ssh-keygen` key, so that `approve` can sign.
Commands that write (new, update, approve, export) are undone after each run. `serve` is
`build` plus a file watcher and is not timed on its own; `build` is timed by bench_build.py
(``--build`` runs it here once too). Caches are off (STATUSKIT_CACHE=0): every number is cold.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import VENV_BIN, run  # noqa: E402
from bench_check import GIT_ENV, git_repo  # noqa: E402
from generate import generate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
AT = "2026-06-01T00:00:00Z"
MKDOCS_YML = """\
site_name: Bench status
site_url: https://status.bench.example/
use_directory_urls: true
theme:
  name: material
  font: false
plugins:
  - search
  - statuskit:
      content: content
"""


def project(n: int) -> Path:
    """bench/out/commands-N: mkdocs.yml and a copy of content-N with eve (comms) added."""
    root = OUT / f"commands-{n}"
    if (root / ".done").exists():
        return root
    content = OUT / f"content-{n}"
    if not (content / "teams.yml").exists():
        generate(content, n)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(content, root / "content")
    key = root / "eve_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "eve", "-f", str(key)], check=True)
    pub = key.with_suffix(".pub").read_text().strip()
    teams = root / "content" / "teams.yml"
    text = teams.read_text()
    text = text.replace("teams:\n", f"  eve:\n    name: Eve\n    keys: [\"{pub}\"]\nteams:\n", 1)
    text = text.replace("  comms: [", "  comms: [eve, ", 1)
    teams.write_text(text)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    (root / ".done").write_text("")
    return root


class Restore:
    """Put back a file (or remove it) and remove created paths after a command that writes."""

    def __init__(self, *files: Path, created: tuple[Path, ...] = ()) -> None:
        self.saved = {f: f.read_bytes() if f.exists() else None for f in files}
        self.created = created

    def __call__(self) -> None:
        for f, data in self.saved.items():
            if data is None:
                f.unlink(missing_ok=True)
            else:
                f.write_bytes(data)
        for p in self.created:
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--incidents", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--build", action="store_true", help="also time `statuskit build` (about 100 s at N=10,000)")
    args = ap.parse_args()
    root = project(args.incidents)
    content = root / "content"
    last = sorted((content / "incidents").iterdir())[-1]
    iid = last.stem
    sk = str(VENV_BIN / "statuskit")
    new_file = content / "incidents" / "2026-06-01-bench-new-incident.yml"
    appr = content / "approvals" / iid / "5" / "comms--eve.sig"
    repo = git_repo(OUT / f"content-{args.incidents}", OUT)
    cases = [
        ("check", [sk, "check", "--at", AT], None, root),
        ("status (whole site, json)", [sk, "status", "--at", AT, "--format", "json"], None, root),
        ("status INCIDENT", [sk, "status", iid, "--at", AT], None, root),
        ("next-release", [sk, "next-release", "--at", AT], None, root),
        ("teams allowed-signers", [sk, "teams", "allowed-signers"], None, root),
        ("statement", [sk, "statement", iid, "5", "--team", "comms", "--member", "eve"], None, root),
        ("new", [sk, "new", "Bench new incident", "--id", "2026-06-01-bench-new-incident", "--impact", "minor",
                 "--public", "We are looking into it.", "--at", AT], Restore(new_file), root),
        ("update", [sk, "update", iid, "--status", "resolved", "--public", "Fixed.", "--at", "2027-01-01T00:00:00Z"],
         Restore(last), root),
        ("approve", [sk, "approve", iid, "5", "--team", "comms", "--member", "eve", "--key",
                     str(root / "eve_ed25519"), "--yes"], Restore(appr), root),
        ("export", [sk, "export", str(root / "export"), "--at", AT], Restore(created=(root / "export",)), root),
        ("check --base main (git, 1 update appended)", [sk, "check", "--at", AT, "--base", "main"], None, repo),
        ("preview --base main (git, 1 update appended)", [sk, "preview", "--base", "main", "--at", AT], None, repo),
    ]
    if args.build:
        cases.append(("build --preview (site files not signed here)",
                      [sk, "build", "--preview", "--site-dir", "preview", "--at", AT],
                      Restore(created=(root / "preview",)), root))
    print(f"statuskit commands, {args.incidents} incidents (cold: STATUSKIT_CACHE=0)")
    env = {"STATUSKIT_CACHE": "0", **GIT_ENV}
    for label, cmd, undo, cwd in cases:
        times, peak = [], 0.0
        for _ in range(args.runs):
            try:
                m = run(cmd, 1, cwd=cwd, env=env)
            finally:
                if undo:
                    undo()
            times += m.times
            peak = max(peak, m.peak_rss_mib)
        print(f"  {label:46} {type(m)(times, peak)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
