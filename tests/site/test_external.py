"""Invariant 6: the public pages make no third-party requests.

What the test allows, and why:
- ``<a href>`` to any host: navigation, not a request (MITRE ATT&CK and NVD pages, report
  references, links written in the content). Every *other* ``src``/``href``/``srcset``
  (scripts, stylesheets, fonts, images, icons, ``<link>``s) must be relative or on the
  site's own host (``<link rel="canonical">`` and the feeds' ``<link rel="alternate">``).
- CSS (files, ``<style>`` and ``style=""``): every ``url()`` and ``@import`` must be
  relative, a ``data:`` URL, or on the site's own host.
- JavaScript: every absolute URL written as a string literal is a request the code could
  make. Material's bundle has five, each behind a condition a statuskit site never meets;
  they are listed in ``MATERIAL_CONDITIONAL`` with the condition, and the test checks the
  conditions that the built HTML controls (no Mermaid diagram, no repository link).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sitetools import FIXTURE_URL, elements

DEMO_URL = "https://status.northbridge-health.example/"

MATERIAL_CONDITIONAL = {
    "https://unpkg.com/resize-observer-polyfill": "only in browsers without ResizeObserver (none current)",
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js": "only on pages with a Mermaid diagram (class 'mermaid')",
    "https://api.github.com/repos/${e}/${t}": "only with repo_url set (GitHub repository facts)",
    "https://api.github.com/users/${e}": "only with repo_url set (GitHub repository facts)",
    "https://${e}/api/v4/projects/${encodeURIComponent(t": "only with repo_url set (GitLab repository facts)",
}

CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.IGNORECASE)
JS_URL = re.compile(r"""["'`](https?://[^"'`\s)]*)""")


def _external(url: str, own_host: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname != own_host


def _css_problems(css: str, own_host: str, where: str) -> list[str]:
    out = []
    for m in CSS_URL.finditer(css):
        url = m.group(2) if m.group(2) is not None else m.group(4)
        if url and not url.startswith("data:") and _external(url, own_host):
            out.append(f"{where}: {url}")
    return out


def scan(site, site_url: str) -> list[str]:
    own = urlsplit(site_url).hostname
    problems: list[str] = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            doc = elements(path.read_text(encoding="utf-8"))
            for tag, attrs in doc.tags:
                for name in ("src", "href", "srcset", "poster", "data", "action"):
                    value = attrs.get(name)
                    if not value or (tag == "a" and name == "href"):
                        continue
                    urls = [u.split()[0] for u in value.split(",") if u.strip()] if name == "srcset" else [value]
                    problems += [f"{rel}: <{tag} {name}={u!r}>" for u in urls if _external(u, own)]
                if attrs.get("style"):
                    problems += _css_problems(attrs["style"], own, f"{rel} style=")
            for css in doc.styles:
                problems += _css_problems(css, own, f"{rel} <style>")
        elif path.suffix == ".css":
            problems += _css_problems(path.read_text(encoding="utf-8"), own, rel)
        elif path.suffix == ".js":
            for m in JS_URL.finditer(path.read_text(encoding="utf-8")):
                if _external(m.group(1), own) and m.group(1) not in MATERIAL_CONDITIONAL:
                    problems.append(f"{rel}: {m.group(1)}")
    return problems


def test_demo_site_loads_nothing_from_other_hosts(demo_site):
    assert scan(demo_site, DEMO_URL) == []


def test_fixture_site_loads_nothing_from_other_hosts(fixture_site):
    # the fixture's content links to example.org and embeds (in vain) an image from evil.example
    assert scan(fixture_site, FIXTURE_URL) == []


@pytest.mark.parametrize("site_name", ["demo_site", "fixture_site"])
def test_conditions_of_materials_loaders_never_hold(request, site_name):
    site = request.getfixturevalue(site_name)
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        classes = " ".join(a.get("class") or "" for _, a in elements(html).tags).split()
        assert "mermaid" not in classes, path
        assert "md-source" not in classes, path  # repo_url's repository facts


def test_content_links_are_plain_navigation(demo_site):
    html = (demo_site / "incidents/2026-08-21-ddos-website-partner-api/technical/index.html").read_text()
    assert '<a href="https://attack.mitre.org/techniques/T1498/002/" rel="nofollow noopener">T1498.002</a>' in html


def test_the_scanner_finds_third_party_requests(tmp_path):
    (tmp_path / "a.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css"><a href="https://ok.example/">ok</a>'
        '<img srcset="/x.png 1x, https://cdn.example/x.png 2x"><div style="background:url(//cdn.example/b.png)">')
    (tmp_path / "b.css").write_text('@import "https://cdn.example/c.css"; a{background:url(data:image/png;base64,AA)}')
    (tmp_path / "c.js").write_text('load("https://cdn.example/lib.js"); fetch(`https://status.fixture.example/x`)')
    assert scan(tmp_path, FIXTURE_URL) == [
        "a.html: <link href='https://fonts.googleapis.com/css'>",
        "a.html: <img srcset='https://cdn.example/x.png'>",
        "a.html style=: //cdn.example/b.png",
        "b.css: https://cdn.example/c.css",
        "c.js: https://cdn.example/lib.js",
    ]
