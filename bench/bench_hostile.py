"""Hostile content: `statuskit check` must end in seconds with a message, not run for hours.

    .venv/bin/python bench/bench_hostile.py [--runs 1]

Each case copies tests/cases/good/content into bench/out/hostile-<case>/ and adds one hostile
file (at most 1 MiB, the reader's limit), then times `statuskit check` on it (exit 1 expected,
with the message shown). It also times rendering the worst text validation still lets through.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _measure import VENV_BIN, run  # noqa: E402

from statuskit.model.validate import MAX_TEXT_BRACKETS, MAX_TEXT_CHARS  # noqa: E402
from statuskit.render.markdown import render_markdown  # noqa: E402

GOOD = ROOT / "tests" / "cases" / "good" / "content"
OUT = ROOT / "bench" / "out"

HEAD = """\
id: hostile
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Hostile
    impact: major
"""


def _public(text: str) -> str:
    return HEAD + "    public: |\n" + "".join(f"      {line}\n" for line in text.splitlines())


def cases() -> dict[str, dict[str, str]]:
    """case -> {relative path: text} added to a copy of the good content."""
    comps = [f"component-{i:05d}" for i in range(4000)]
    return {
        "brackets-300000": {"incidents/hostile.yml": _public("[" * 300_000)},
        "brackets-at-length-limit": {"incidents/hostile.yml": _public("[" * (MAX_TEXT_BRACKETS + 1) + "x" * 9_000)},
        "unknown-components-4000": {
            "components.yml": "components:\n" + "".join(f"  - id: {c}\n    name: C {c}\n" for c in comps),
            "incidents/hostile.yml": HEAD + "    components:\n" + "".join(
                f"      unknown-{i:05d}x: major_outage\n" for i in range(4000)) + "    public: x\n"},
        "unknown-keys-20000": {"incidents/hostile.yml": HEAD + "".join(f"    key{i:05d}: 1\n" for i in range(20_000))
                               + "    public: x\n"},
        "flow-sequence-50000": {"incidents/hostile.yml": HEAD + "    acknowledge: [" + ", ".join(
            ["public-over-promis"] * 50_000) + "]\n    public: x\n"},
        "long-text-lint": {"incidents/hostile.yml": _public(("We guarantee it is fixed and safe now. " * 400)[:MAX_TEXT_CHARS - 1])},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    for name, files in cases().items():
        content = OUT / f"hostile-{name}" / "content"
        shutil.rmtree(content.parent, ignore_errors=True)
        shutil.copytree(GOOD, content)
        for rel, text in files.items():
            (content / rel).write_text(text, encoding="utf-8")
        size = max(len(t.encode()) for t in files.values())
        cmd = [str(VENV_BIN / "statuskit"), "check", "--content", str(content), "--at", "2024-08-01T00:00:00Z"]
        measured = run(cmd, runs=args.runs, expect_ok=False, env={"STATUSKIT_CACHE": "0"})
        proc = subprocess.run(cmd, capture_output=True, text=True, env=None)
        lines = (proc.stdout + proc.stderr).splitlines()
        first = next((line for line in lines if "hostile" in line or "components.yml" in line), lines[-1] if lines else "")
        print(f"{name:28} {size / 1024:7.0f} KiB  exit {proc.returncode}  {measured}\n    {first[:160]}\n"
              f"    {lines[-1][:160] if lines else ''}", flush=True)
    # the worst text validation lets through, rendered
    worst = {
        f"{MAX_TEXT_BRACKETS} unmatched '[' in {MAX_TEXT_CHARS:,} chars":
            ("[" + "x" * (MAX_TEXT_CHARS // MAX_TEXT_BRACKETS - 1)) * MAX_TEXT_BRACKETS,
        f"{MAX_TEXT_BRACKETS} nested '[' in {MAX_TEXT_CHARS:,} chars":
            "[" * MAX_TEXT_BRACKETS + "x" * (MAX_TEXT_CHARS - 2 * MAX_TEXT_BRACKETS) + "]" * MAX_TEXT_BRACKETS,
        f"headings, {MAX_TEXT_CHARS:,} chars": "# x\n" * (MAX_TEXT_CHARS // 4),
        f"blockquotes, {MAX_TEXT_CHARS:,} chars": "> " * (MAX_TEXT_CHARS // 2),
    }
    render_markdown("warm *up* [a](https://example.org/)")  # the converter is built on first use
    for name, text in worst.items():
        render_markdown.cache_clear()
        t0 = time.perf_counter()
        render_markdown(text)
        print(f"render {name:44} {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":
    main()
