"""Transfer size of the home page with everything it loads, gzipped as a typical server would.

    .venv/bin/python bench/bench_pageweight.py                  # builds the demo (mkdocs.yml + content/)
    .venv/bin/python bench/bench_pageweight.py --site DIR       # an already built site

With Chromium installed (the default where it is), the page is opened in headless Chromium
from a local server and every request it makes while loading -- the HTML, what the HTML and
CSS reference, and what Material for MkDocs' script fetches as it starts -- is recorded over
the DevTools protocol, to any host. Then the search is opened, as a reader would, to report
what that adds (the search index). Without Chromium (or with ``--static``) the page is read
instead: ``<link>`` stylesheets/icons/manifests/preloads, ``<script src>``, images and other
sources, ``url()`` and ``@import`` in every stylesheet, recursively, and the search worker
that Material's script starts.

Each file is gzipped at level 6 (what nginx and most servers use). Not counted: source maps
(fetched only by developer tools). The report lists every resource, the total, and fails if a
request goes to another host.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import VENV_BIN  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEMO_AT = "2026-11-27T18:00:00Z"
BUDGET = 150_000
"""The target: at most 150 kB (150,000 bytes) transferred."""

LOADED_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "manifest", "preload", "modulepreload",
               "prefetch", "mask-icon"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(?:url\()?\s*(['"])([^'"]+)\3""", re.IGNORECASE)


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []   # (kind, url)
        self.has_search_form = False
        self.config_json = ""
        self._in_config = False
        self.inline_css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "style" in a:
            self.inline_css.append(a["style"])
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & LOADED_RELS and a.get("href"):
                self.found.append(("/".join(sorted(rels & LOADED_RELS)), a["href"]))
        elif tag == "script":
            if a.get("src"):
                self.found.append(("script", a["src"]))
            self._in_config = a.get("id") == "__config"
        elif tag in ("img", "source", "video", "audio", "iframe", "embed", "input", "track"):
            if a.get("src"):
                self.found.append((tag, a["src"]))
            for part in a.get("srcset", "").split(","):
                if part.strip():
                    self.found.append((tag + " srcset", part.strip().split()[0]))
            if tag == "video" and a.get("poster"):
                self.found.append(("poster", a["poster"]))
        elif tag == "object" and a.get("data"):
            self.found.append(("object", a["data"]))
        elif tag == "form" and a.get("name") == "search":
            self.has_search_form = True
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_config = False
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_config:
            self.config_json += data
        elif self._in_style:
            self.inline_css.append(data)


def _css_urls(css: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(css) if (m.group(2) or m.group(4))]


def _row(site: Path, kind: str, rel: str) -> tuple[str, str, int, int] | None:
    path = site / rel
    if path.is_dir() or rel.endswith("/") or rel == "":
        path = path / "index.html"
    if not path.is_file():
        return None
    data = path.read_bytes()
    return (kind, rel or "index.html", len(data), len(gzip.compress(data, 6)))


def _totals(rows, third_party, missing) -> dict:
    return {"rows": rows, "third_party": third_party, "missing": missing,
            "raw": sum(r[2] for r in rows), "gzip": sum(r[3] for r in rows)}


def page_weight_browser(site: Path, page: str = "index.html") -> tuple[dict, dict]:
    """(what loading ``page`` fetches, what opening the search then adds), measured in Chromium."""
    from _browser import Browser, serve

    with serve(site) as url, Browser() as browser:
        origin = urlsplit(url).netloc
        target = url + (page.removesuffix("index.html"))
        browser.open(target)
        loaded = browser.request_types()
        browser.evaluate("document.querySelector('label[for=__search]').click()")
        browser.pump(2.0)
        after = {u: t for u, t in browser.request_types().items() if u not in loaded}

    def account(urls: dict[str, str], first: str) -> dict:
        rows, third_party, missing = [], [], []
        for u, kind in urls.items():
            parts = urlsplit(u)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.netloc != origin:
                third_party.append(("request", u))
                continue
            rel = parts.path.lstrip("/")
            row = _row(site, kind, rel)
            (rows.append(row) if row else missing.append((kind, rel)))
        return _totals(rows, third_party, missing)

    return account(loaded, target), account(after, "")


def page_weight(site: Path, page: str = "index.html", site_url: str = "https://status.example/") -> dict:
    """Resources ``page`` references, read without a browser: {"rows": [(kind, path, raw, gzipped)], ...}."""
    base = urljoin(site_url, page)
    own_host = urlsplit(site_url).netloc
    rows, third_party, missing, seen = [], [], [], set()
    html = (site / page).read_bytes()
    rows.append(("page", page, len(html), len(gzip.compress(html, 6))))

    parser = _Resources()
    parser.feed(html.decode("utf-8"))
    parser.close()
    queue = [(kind, url, base) for kind, url in parser.found]
    queue += [("css url() in page", u, base) for css in parser.inline_css for u in _css_urls(css)]
    if parser.config_json:
        config = json.loads(parser.config_json)
        if config.get("search"):
            queue.append(("search worker (by script)", config["search"], base))

    while queue:
        kind, url, ref = queue.pop(0)
        if url.startswith(("data:", "#")) or not url:
            continue
        absolute = urljoin(ref, url)
        parts = urlsplit(absolute)
        if parts.netloc != own_host:
            third_party.append((kind, absolute))
            continue
        rel = PurePosixPath(parts.path.lstrip("/"))
        if str(rel) in seen:
            continue
        seen.add(str(rel))
        path = site / rel
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            missing.append((kind, str(rel)))
            continue
        data = path.read_bytes()
        rows.append((kind, str(rel), len(data), len(gzip.compress(data, 6))))
        if path.suffix == ".css":
            queue += [("css url()", u, absolute) for u in _css_urls(data.decode("utf-8", "replace"))]
    return _totals(rows, third_party, missing)


def _site_url(site: Path) -> str:
    m = re.search(rb'<link rel="canonical" href="([^"]+)"', (site / "index.html").read_bytes())
    return m.group(1).decode() if m else "https://status.example/"


def _table(result: dict, title: str) -> None:
    print(title)
    print(f"  {'resource':<52} {'loaded':<26} {'bytes':>10} {'gzip -6':>9}")
    for kind, path, raw, gz in result["rows"]:
        print(f"  {path:<52} {kind:<26} {raw:>10,} {gz:>9,}")
    print(f"  {'total (' + str(len(result['rows'])) + ' requests)':<79} {result['raw']:>10,} {result['gzip']:>9,}")
    for kind, path in result["missing"]:
        print(f"  note: {kind} {path} was requested but is not in the site")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, help="a built site (default: build the demo into bench/out/demo-site)")
    ap.add_argument("--page", default="index.html")
    ap.add_argument("--static", action="store_true", help="read the page instead of opening it in Chromium")
    args = ap.parse_args()
    site = args.site
    if site is None:
        import subprocess

        site = REPO / "bench" / "out" / "demo-site"
        subprocess.run([str(VENV_BIN / "statuskit"), "build", "--at", DEMO_AT, "--site-dir", str(site),
                        "-f", str(REPO / "mkdocs.yml")], check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    from _browser import find_chromium

    if args.static or find_chromium() is None:
        result = page_weight(site, args.page, _site_url(site))
        _table(result, f"{site / args.page}: what it references (read, not opened: no Chromium)")
    else:
        result, search = page_weight_browser(site, args.page)
        _table(result, f"{site / args.page}: every request while it loads (headless Chromium)")
        print()
        _table(search, "then, on opening the search:")
        result["third_party"] += search["third_party"]
    verdict = "within" if result["gzip"] <= BUDGET else "OVER"
    print(f"\npage load: {result['gzip'] / 1000:.1f} kB transferred ({result['gzip'] / 1024:.1f} KiB), "
          f"{verdict} the {BUDGET // 1000} kB budget")
    if result["third_party"]:
        print("THIRD-PARTY REQUESTS:")
        for kind, url in result["third_party"]:
            print(f"  {kind}: {url}")
        return 1
    print("third-party requests: none")
    return 0 if result["gzip"] <= BUDGET else 2


if __name__ == "__main__":
    sys.exit(main())
