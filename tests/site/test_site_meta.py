"""What a built site tells machines about itself: OpenGraph and theme-color on every page, its own
favicon (also at /favicon.ico), badge images with their size, the sitemap's lastmod from the
content (never the build time T), and the ``_headers`` file for hosts that read one."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from sitetools import DEMO_AT, elements

SITE_URL = "https://status.northbridge-health.example/"
PAGES = ["", "history/", "components/scheduling/", "incidents/2026-11-24-ransomware-scheduling/",
         "incidents/2026-11-24-ransomware-scheduling/technical/", "incidents/2026-03-03-portal-sign-in-failures/"]


def _head(demo_site, page: str) -> tuple[dict[str, str], list[tuple[str, dict]]]:
    tags = elements((demo_site / page / "index.html").read_text(encoding="utf-8")).tags
    meta = {a.get("property") or a.get("name"): a.get("content") for t, a in tags if t == "meta"}
    return meta, tags


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_opengraph_and_theme_color(demo_site, page):
    meta, tags = _head(demo_site, page)
    title = next(a for t, a in tags if t == "meta" and a.get("property") == "og:title")["content"]
    assert meta["og:type"] == "website" and meta["og:site_name"] == "Northbridge Health status"
    assert meta["og:url"] == SITE_URL + page
    assert meta["og:description"] == meta["description"]  # the page's own, as Material prints it
    html = (demo_site / page / "index.html").read_text(encoding="utf-8")
    assert f"<title>{html.split('<title>')[1].split(' - Northbridge')[0]}" == f"<title>{title}"
    colours = [(a.get("media"), a["content"]) for t, a in tags if t == "meta" and a.get("name") == "theme-color"]
    assert colours == [("(prefers-color-scheme: light)", "#0b5e6b"), ("(prefers-color-scheme: dark)", "#0d4e58")]


def test_opengraph_text_is_escaped_once(fixture_site):
    """Titles with markup characters (the fixture's XSS payloads) are escaped, and not twice."""
    for path in fixture_site.glob("incidents/*/index.html"):
        raw = path.read_text(encoding="utf-8")
        og = re.search(r'<meta property="og:title" content="([^"]*)">', raw)
        title = re.search(r"<title>(.*) - [^<]*</title>", raw)
        assert og and title and og.group(1) == title.group(1)
        assert "&amp;amp;" not in og.group(1) and "<" not in og.group(1)


def test_the_site_has_its_own_favicon_also_at_favicon_ico(demo_site):
    for page in PAGES:
        _, tags = _head(demo_site, page)
        [icon] = [a["href"] for t, a in tags if t == "link" and a.get("rel") == "icon"]
        assert icon == "../" * page.count("/") + "favicon.ico"  # not Material's assets/images/favicon.png
    ico = (demo_site / "favicon.ico").read_bytes()
    assert ico[:4] == b"\0\0\1\0" and b"PNG" in ico[:40]


@pytest.mark.parametrize("page, badge", [("", "badge.svg"), ("components/scheduling/", "components/scheduling/badge.svg")])
def test_badge_images_have_the_badges_width_and_height(demo_site, page, badge):
    _, tags = _head(demo_site, page)
    [img] = [a for t, a in tags if t == "img" and a.get("class") == "sk-badge"]
    svg = (demo_site / badge).read_text(encoding="utf-8")
    width, height = re.match(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg).groups()
    assert (img["width"], img["height"]) == (width, height)


def test_sitemap_lastmod_is_each_pages_latest_update_not_the_build_time(demo_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring((demo_site / "sitemap.xml").read_bytes())
    lastmod = {u.find("s:loc", ns).text[len(SITE_URL):]: getattr(u.find("s:lastmod", ns), "text", None)
               for u in root.findall("s:url", ns)}
    assert lastmod["incidents/2026-03-03-portal-sign-in-failures/"] == "2026-03-03"
    assert lastmod["incidents/2026-08-21-ddos-website-partner-api/technical/"] == "2026-08-21"
    assert lastmod["incidents/2026-12-05-scheduling-network-maintenance/"] == "2026-11-26"  # its announcement
    assert lastmod["components/telehealth/"] == "2026-06-09"  # its latest incident
    assert lastmod[""] == lastmod["history/"] == "2026-11-27"  # the site's latest update
    t = DEMO_AT.strftime("%Y-%m-%d")
    assert sum(v == t for v in lastmod.values()) < len(lastmod) / 2


def test_the_headers_file_is_written_into_the_site(demo_site):
    text = (demo_site / "_headers").read_text(encoding="utf-8")
    assert "/api/*\n  Access-Control-Allow-Origin: *\n" in text
