"""Benchmark `statuskit build` against a plain `mkdocs build` of the same pages (the floor).

    .venv/bin/python bench/bench_build.py --incidents 1000 [10000] [--runs 3] [--warm]

Generates (once, cached under bench/out/) a signed content folder of N incidents x 5
updates with public and technical text, then builds two projects, alternating, R times each:

- statuskit: ``statuskit build`` of that content (load, verify 10 signatures per incident,
  gate, render, MkDocs + Material, feeds, JSON API, badges);
- floor: ``mkdocs build`` of the same pages written by hand as ordinary Markdown files
  (headings, paragraphs, lists, ``.md`` links) with the same theme, search plugin, page
  front matter and two-page navigation, but no statuskit. See bench/README.md.

Reports the median wall time and peak RSS of each, the ratio statuskit / floor (measured in
the same run), pages per second and, for several sizes, how the time grows. statuskit runs
cold (every signature verified, as on a CI runner); ``--warm`` adds a run with its per-user
cache of verified signatures filled. Both builds must produce the same set of pages.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _measure import VENV_BIN, Measured, run  # noqa: E402
from generate import generate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
AT = "2026-06-01T00:00:00Z"

_CONFIG = """\
site_name: Bench status
site_url: https://status.bench.example/
docs_dir: docs
use_directory_urls: true
strict: true
nav:
  - Current status: index.md
  - History: history.md
theme:
  name: material
  language: en
  font: false
  features:
    - navigation.tabs
"""

STATUSKIT_YML = _CONFIG + "plugins:\n  - search\n  - statuskit:\n      content: {content}\n"
# the floor keeps incident and component pages out of the navigation the way MkDocs offers
FLOOR_YML = _CONFIG + "not_in_nav: |\n  /incidents/\n  /components/\nplugins:\n  - search\n"


# --- the projects --------------------------------------------------------------------------------

def content_for(n: int) -> Path:
    """The signed content folder for N incidents, generated once."""
    content, done = OUT / f"content-{n}", OUT / f"content-{n}.done"
    if not done.exists():
        import shutil

        shutil.rmtree(content, ignore_errors=True)
        t0 = time.perf_counter()
        generate(content, n)
        done.write_text("")
        print(f"generated {content} in {time.perf_counter() - t0:.1f} s", flush=True)
    return content


def statuskit_project(n: int, content: Path) -> Path:
    root = OUT / f"statuskit-{n}"
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(STATUSKIT_YML.format(content=content))
    return root


def floor_project(n: int, content: Path) -> Path:
    """The same pages as ordinary Markdown files, written once from the released content."""
    root = OUT / f"floor-{n}"
    done = OUT / f"floor-{n}.done"
    if not done.exists():
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        write_floor_docs(content, root / "docs")
        done.write_text("")
    (root / "mkdocs.yml").write_text(FLOOR_YML)
    return root


# --- the floor's Markdown: what someone would write by hand -------------------------------------

def _when(dt: datetime) -> str:
    return dt.strftime("%d %b %Y, %H:%M").lstrip("0") + " UTC"


def _front(title: str, description: str = "", searchable: bool = True) -> str:
    import json

    lines = ["---", f"title: {json.dumps(title)}", "hide: [navigation, toc]"]
    if description:
        lines.append(f"description: {json.dumps(description)}")
    if not searchable:
        lines.append("search: {exclude: true}")
    return "\n".join(lines) + "\n---\n\n"


def write_floor_docs(content: Path, docs: Path) -> int:
    """Write index.md, history.md, components/<id>.md, incidents/<id>.md and
    incidents/<id>/technical.md from the content as statuskit releases it; returns the page count."""
    from statuskit.publish.build import prepare, site_info
    from statuskit.model.records import STATUS_LABELS
    from statuskit.model.validate import parse_time
    from statuskit.publish.output import write_files
    from statuskit.render.pages import IMPACT_LABELS

    release = prepare(content, parse_time(AT), site_info("Bench status", "https://status.bench.example/")).release
    names = {cv.id: cv.component.name for cv in release.components}
    teams = release.team_names
    files: dict[str, str] = {}

    def summary(inc) -> str:
        status = STATUS_LABELS.get(inc.state.status, inc.state.status)
        impact = IMPACT_LABELS.get(inc.state.impact, inc.state.impact)
        end = f" to {_when(inc.resolved_at)}" if inc.resolved_at else ""
        return f"Incident · {impact} · {status} · {_when(inc.started_at)}{end}"

    def item(inc, prefix: str) -> str:
        return f"- [{inc.title}]({prefix}incidents/{inc.id}.md): {summary(inc)}\n"

    # home
    home = [_front("Current status", f"Bench status: {release.overall.description}", searchable=False),
            f"# {release.overall.description}\n\nAs of {_when(release.at)}\n\n## Components\n"]
    group = object()
    for cv in release.components:
        if cv.component.group != group:
            group = cv.component.group
            home.append(f"\n### {group}\n\n")
        home.append(f"- [{cv.component.name}](components/{cv.id}.md): {cv.status.label}\n")
    home.append("\n## Recent history\n\n")
    home += [item(inc, "") for inc in release.incidents[:5]]
    home.append("\n[Full history](history.md)\n")
    files["index.md"] = "".join(home)

    # history
    hist = [_front("History", "Bench status: every published incident and maintenance", searchable=False),
            "[Current status](index.md)\n\n# History\n\nEvery published incident and maintenance, newest first.\n"]
    month = None
    for inc in release.incidents:
        if inc.started_at.strftime("%Y-%m") != month:
            month = inc.started_at.strftime("%Y-%m")
            hist.append(f"\n## {inc.started_at:%B %Y}\n\n")
        hist.append(item(inc, ""))
    files["history.md"] = "".join(hist)

    # components
    by_component: dict[str, list] = {cv.id: [] for cv in release.components}
    for inc in release.incidents:
        for cid in inc.components:
            by_component[cid].append(inc)
    for cv in release.components:
        c = cv.component
        page = [_front(c.name, f"{c.name}: {cv.status.label}"),
                f"[Current status](../index.md) › [History](../history.md)\n\n# {c.name}\n\n"
                f"Current status: {cv.status.label}\n\nPart of: {c.group}\n\n## History\n\n"]
        page += [item(inc, "../") for inc in by_component[c.id]]
        files[f"components/{c.id}.md"] = "".join(page)

    # incidents: public and technical
    for inc in release.incidents:
        status = STATUS_LABELS.get(inc.state.status, inc.state.status)
        affected = ", ".join(f"[{names[cid]}](../components/{cid}.md)" for cid in inc.components)
        head = (f"- **Status:** {status}\n- **Impact:** {IMPACT_LABELS.get(inc.state.impact, inc.state.impact)}\n"
                f"- **First posted:** {_when(inc.started_at)}\n"
                + (f"- **Resolved:** {_when(inc.resolved_at)}\n" if inc.resolved_at else "")
                + f"- **Affected:** {affected}\n\n")
        page = [_front(inc.title, f"Incident: {inc.title} ({status})"),
                "[Current status](../index.md) › [History](../history.md)\n\n",
                f"# {inc.title}\n\n", head]
        if inc.has_technical:
            page.append(f"Technical details for security teams are on the [technical page]({inc.id}/technical.md).\n\n")
        page.append("## Updates\n\n")
        tech = [_front(f"Technical details: {inc.title}", f"Technical details for security teams: {inc.title}"),
                "[Current status](../../index.md) › [History](../../history.md) › "
                f"[{inc.title}](../{inc.id}.md)\n\n",
                f"# {inc.title}\n\n", head.replace("](../components/", "](../../components/"),
                "For security teams and industry peers. Times are UTC. "
                f"The customer-facing updates are on the [public incident page](../{inc.id}.md).\n\n",
                "## Technical updates\n\n"]
        for u in reversed(inc.updates):
            approved = " and ".join(teams.get(t, t) for t in teams if t in u.approved_by)
            heading = f"### {STATUS_LABELS.get(u.status, u.status)}, {_when(u.at)}\n\n"
            if u.public:
                page += [heading, u.public.strip(), "\n\n"]
                for ch in u.changes:
                    page.append(f"- {names[ch.component]}: {ch.old.label} → {ch.new.label}\n")
                page.append(f"\nApproved by {approved}.\n\n")
            if u.technical:
                tech += [heading, u.technical.strip(), f"\n\nApproved by {approved}.\n\n"]
        files[f"incidents/{inc.id}.md"] = "".join(page)
        if inc.has_technical:
            tech.append(f"[Back to the public incident page](../{inc.id}.md)\n")
            files[f"incidents/{inc.id}/technical.md"] = "".join(tech)
    write_files(docs, files)
    return len(files)


# --- measuring -----------------------------------------------------------------------------------

def pages_in(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("index.html")}


def measure(n: int, runs: int, only: str | None, warm: bool) -> dict[str, Measured]:
    content = content_for(n)
    sk_root, floor_root = statuskit_project(n, content), floor_project(n, content)
    # a preview: the generated content lives outside the project and its site files are not signed
    # (the approval check it skips hashes a handful of files); the output scan runs as in a publishing build
    sk_site, floor_site = sk_root / "preview", floor_root / "site"
    statuskit = [str(VENV_BIN / "statuskit"), "build", "--preview", "--content", str(content), "--site-dir", str(sk_site),
                 "-f", str(sk_root / "mkdocs.yml"), "--at", AT]
    # cold: every signature verified, as on a CI runner; warm: statuskit's per-user cache of
    # verified signatures already holds them (a second build on the same machine)
    cache = OUT / f"verify-cache-{n}"
    commands = {
        "statuskit": (statuskit, {"STATUSKIT_CACHE": "0"}),
        "floor": ([str(VENV_BIN / "mkdocs"), "build", "-q", "-f", str(floor_root / "mkdocs.yml"),
                   "--site-dir", str(floor_site)], {}),
    }
    if warm:
        commands["statuskit-warm"] = (statuskit, {"STATUSKIT_CACHE": "1", "STATUSKIT_CACHE_DIR": str(cache)})
        run(statuskit, 1, env=commands["statuskit-warm"][1])  # fill the cache
    names = [only] if only else list(commands)
    results: dict[str, Measured] = {k: Measured([], 0.0) for k in names}
    for i in range(runs):  # alternate, so that a busy machine slows every build alike
        for name in names:
            cmd, env = commands[name]
            m = run(cmd, 1, env=env)
            results[name].times += m.times
            results[name].peak_rss_mib = max(results[name].peak_rss_mib, m.peak_rss_mib)
            print(f"  N={n} run {i + 1}/{runs} {name}: {m.times[0]:.2f} s, {m.peak_rss_mib:.0f} MiB", flush=True)

    pages = len(pages_in(sk_site if only != "floor" else floor_site))
    if not only:
        a, b = pages_in(sk_site), pages_in(floor_site)
        assert a == b, f"the builds differ in pages: {sorted(a ^ b)[:10]}"
    print(f"\n{n} incidents x 5 updates, {pages} pages, {runs} runs each")
    for name in names:
        m = results[name]
        print(f"  {name:<14} {m}  ({pages / m.median:,.0f} pages/s)")
    if not only:
        print(f"  ratio statuskit / floor: {results['statuskit'].median / results['floor'].median:.2f}"
              + (f" (warm: {results['statuskit-warm'].median / results['floor'].median:.2f})" if warm else ""))
    print(flush=True)
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--incidents", type=int, nargs="+", default=[1000], help="one or more sizes N")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=["statuskit", "floor"], help="measure one of the two builds")
    ap.add_argument("--warm", action="store_true", help="also measure statuskit with a warm verified-signature cache")
    args = ap.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores", flush=True)
    results = {n: measure(n, args.runs, args.only, args.warm) for n in args.incidents}
    sizes = sorted(results)
    for small, large in zip(sizes, sizes[1:], strict=False):
        for name in results[small]:
            growth = results[large][name].median / results[small][name].median
            print(f"{name}: {large / small:g}x the incidents took {growth:.1f}x the time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
