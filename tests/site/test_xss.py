"""Hostile input renders inert: <script>, javascript: links, raw HTML and <img onerror> in
Markdown, in titles, in component names and groups, in facts and in the technical report.

Every HTML page of the fixture site is parsed; no element may carry an event handler, no
link or source may use a javascript:/vbscript:/data: URL, and no script may contain the
payloads (Material's own scripts are local files and its JSON config). The payloads must be
visible as text, so the test fails if they were merely dropped along with the page.
"""

from __future__ import annotations

import json

import pytest
from sitetools import elements

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data", "background"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


@pytest.fixture(scope="module")
def pages(fixture_site) -> dict[str, str]:
    return {p.relative_to(fixture_site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(fixture_site.rglob("*.html"))}


def test_no_event_handlers_or_script_urls(pages):
    problems = []
    for rel, html in pages.items():
        for tag, attrs in elements(html).tags:
            for name, value in attrs.items():
                if name.startswith("on"):
                    problems.append(f"{rel}: <{tag} {name}=...>")
                if name in URL_ATTRS and value:
                    squashed = "".join(value.split()).lower()
                    if squashed.startswith(BAD_SCHEMES):
                        problems.append(f"{rel}: <{tag} {name}={value!r}>")
    assert problems == []


def test_no_injected_elements(pages):
    problems = []
    for rel, html in pages.items():
        doc = elements(html)
        for tag, attrs in doc.tags:
            if tag in ("iframe", "object", "embed", "frame", "base"):
                problems.append(f"{rel}: <{tag}>")
            if tag == "img" and not (attrs.get("src") or "").endswith("badge.svg"):
                problems.append(f"{rel}: <img src={attrs.get('src')!r}>")
            if tag == "script" and attrs.get("src") and "://" in attrs["src"]:
                problems.append(f"{rel}: <script src={attrs['src']!r}>")
        problems += [f"{rel}: script with a payload" for s in doc.scripts if "alert(" in s or "xss-" in s]
    assert problems == []


def test_payloads_are_shown_as_text(pages):
    incident = pages["incidents/2024-07-31-xss/index.html"]
    assert "<title>&lt;script&gt;alert(&#x27;xss-title&#x27;)&lt;/script&gt; Records" in incident
    assert "&lt;script&gt;alert('xss-public')&lt;/script&gt;" in incident
    assert "&lt;b onmouseover=alert(&#x27;xss-facts&#x27;)&gt;everyone&lt;/b&gt;" in incident
    home = pages["index.html"]
    assert "&lt;script&gt;alert(&#x27;xss-comp&#x27;)&lt;/script&gt; Records" in home
    assert "&lt;img src=x onerror=alert(&#x27;xss-group&#x27;)&gt;" in home
    technical = pages["incidents/2024-07-31-xss/technical/index.html"]
    assert "&lt;script&gt;alert(&#x27;xss-ioc&#x27;)&lt;/script&gt;" in technical
    assert "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert('xss-code')&lt;/script&gt;" in technical


def test_safe_links_survive(pages):
    incident = pages["incidents/2024-07-31-xss/index.html"]
    assert '<a href="https://example.org/ok" rel="nofollow noopener">reference</a>' in incident


def test_indicators_are_never_links(pages):
    technical = pages["incidents/2024-07-31-xss/technical/index.html"]
    hrefs = [a.get("href") or "" for tag, a in elements(technical).tags if tag == "a"]
    assert not [h for h in hrefs if "evil" in h]
    assert "hxxps://evil[.]example/payload" in technical


def test_search_index_holds_no_markup_from_content(fixture_site):
    index = json.loads((fixture_site / "search/search_index.json").read_text())
    for doc in index["docs"]:
        for field in ("title", "text"):
            parsed = elements(doc[field])
            assert [t for t, _ in parsed.tags if t not in ("p", "code", "pre", "ul", "ol", "li", "sub", "sup")] == [], doc
            assert not any(name.startswith("on") for _, attrs in parsed.tags for name in attrs), doc
