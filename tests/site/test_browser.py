"""The demo site in a real browser (headless Chromium; skipped where none is installed).

What a visitor's browser fetches as a page opens: only files of the site itself, and
neither the search index (statuskit's theme holds it back until the search is opened)
nor sitemap.xml (which Material would fetch for every feed <link rel="alternate">).
The search still works: opening it loads the index and a query finds incidents.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import pytest
from sitetools import REPO

sys.path.insert(0, str(REPO / "bench"))

from _browser import Browser, find_chromium, serve  # noqa: E402

pytestmark = pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed")


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


@pytest.fixture(scope="module")
def site_url(demo_site):
    with serve(demo_site) as url:
        yield url


def _paths(requests: list[str], origin: str) -> list[str]:
    assert [u for u in requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != origin] == []
    return [urlsplit(u).path for u in requests]


@pytest.mark.parametrize("page", ["", "components/scheduling/", "incidents/2026-11-24-ransomware-scheduling/technical/"])
def test_a_page_loads_only_its_own_files_and_no_index(browser, site_url, page):
    paths = _paths(browser.open(site_url + page, settle=1.0), urlsplit(site_url).netloc)
    assert f"/{page}" in paths
    assert any(p.startswith("/assets/javascripts/bundle.") for p in paths)  # Material's script ran
    assert not [p for p in paths if p.endswith(("search_index.json", "sitemap.xml"))]


def _wait_for(browser, condition, seconds: float = 15.0):
    for _ in range(int(seconds / 0.25)):
        if condition():
            return True
        browser.pump(0.25)
    return condition()


def test_opening_the_search_loads_the_index_and_finds_incidents(browser, site_url):
    browser.open(site_url, settle=1.0)
    browser.evaluate("document.querySelector('label[for=__search]').click()")
    origin = urlsplit(site_url).netloc
    assert _wait_for(browser, lambda: "/search/search_index.json" in _paths(browser.requests(), origin))

    def results() -> list[str]:
        browser.evaluate("(() => { const i = document.querySelector('[data-md-component=search-query]');"
                         " i.value = 'ransomware'; i.dispatchEvent(new Event('input', {bubbles: true}));"
                         " i.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true})); })()")
        return browser.evaluate("[...document.querySelectorAll('.md-search-result__link')].map(a => a.href)")

    assert _wait_for(browser, lambda: any("/incidents/2026-11-24-ransomware-scheduling/" in h for h in results()))


def test_the_uptime_bars_show_without_javascript_and_not_by_colour_alone(site_url):
    """The home page's uptime bars with scripts off: 90 bars per component, each with its day in words;
    the statuses differ in pattern (background-image) as well as in colour, and "no data" is lower."""
    with Browser() as b:
        b.call("Emulation.setScriptExecutionDisabled", value=True, session=True)
        b.call("Emulation.setDeviceMetricsOverride", width=1100, height=900, deviceScaleFactor=1, mobile=False,
               session=True)
        b.open(site_url, settle=0.5)
        bars = b.evaluate("""Object.fromEntries(["scheduling", "telehealth"].map(id => [id,
            [...document.querySelectorAll('#uptime-' + id + ' .sk-up')].map(li => {
                const r = li.getBoundingClientRect(), s = getComputedStyle(li);
                return {cls: li.className.split(' ').pop(), h: r.height, w: r.width, image: s.backgroundImage,
                        title: li.title, text: li.textContent};
            })]))""")
    assert [len(v) for v in bars.values()] == [90, 90]
    assert all(bar["w"] > 0 and bar["h"] > 0 and bar["title"] == bar["text"] != "" for v in bars.values() for bar in v)
    by = {bar["cls"]: bar for v in bars.values() for bar in v}
    assert by["sk-up-major_outage"]["text"] == "2026-11-24: Major outage 615 min, Partial outage 375 min"
    shown = ("sk-up-operational", "sk-up-degraded_performance", "sk-up-partial_outage", "sk-up-major_outage")
    assert len({by[c]["image"] for c in shown}) == 4  # each status its own pattern, not colour alone
    assert by["sk-up-none"]["text"] == "2026-09-13: No data"  # the last day before telehealth's start_date
    assert by["sk-up-none"]["h"] < by["sk-up-operational"]["h"] / 2  # no data: a low, hollow bar
