"""Where one `statuskit build` spends its time and memory: a timeline of the plugin's hooks.

    .venv/bin/python bench/bench_phases.py --incidents 1000

Builds the cached benchmark content of N incidents (bench_build.py generates it) once,
in this process, cold (every signature verified), into a fresh folder, and prints the
time and the resident memory (now and peak) as each MkDocs hook starts and ends.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_build import AT, content_for, statuskit_project  # noqa: E402

T0 = time.perf_counter()


def _mem() -> str:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    now, peak = (int(status[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))
    return f"{time.perf_counter() - T0:7.1f} s  rss {now:5} MiB  peak {peak:5} MiB"


def _wrap(cls, name: str, label: str) -> None:
    original = getattr(cls, name)

    def hook(self, *args, **kwargs):
        print(f"{_mem()}  start {label}", flush=True)
        result = original(self, *args, **kwargs)
        print(f"{_mem()}  end   {label}", flush=True)
        return result

    setattr(cls, name, hook)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--incidents", type=int, default=1000)
    args = ap.parse_args()
    os.environ["STATUSKIT_CACHE"] = "0"
    content = content_for(args.incidents)
    project = statuskit_project(args.incidents, content)

    from material.plugins.search.plugin import SearchPlugin

    from statuskit.publish.build import build_site
    from statuskit.mkdocs_adapter.plugin import StatuskitPlugin
    from statuskit.model.validate import parse_time

    _wrap(StatuskitPlugin, "on_config", "load, verify, gate, render pages")
    _wrap(StatuskitPlugin, "on_files", "pages handed to MkDocs")
    _wrap(StatuskitPlugin, "on_env", "theme ready; MkDocs then builds every page")
    _wrap(SearchPlugin, "on_post_build", "Material writes the search index")
    _wrap(StatuskitPlugin, "on_post_build", "feeds, JSON API, badges, approvals.json")
    global T0
    with tempfile.TemporaryDirectory(dir=project) as tmp:
        T0 = time.perf_counter()
        result = build_site(project / "mkdocs.yml", site_dir=Path(tmp) / "site", at=parse_time(AT),
                            content_dir=content, preview=True)  # unsigned site files: a preview
        print(f"{_mem()}  done: {result.pages} pages, {result.files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
