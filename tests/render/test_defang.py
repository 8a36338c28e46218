"""Tests for statuskit.render.defang: indicators are never live links."""

from __future__ import annotations

import pytest

from statuskit.model.records import Indicator
from statuskit.render.defang import defang, defang_text
from statuskit.render.markdown import render_markdown


@pytest.mark.parametrize("type_, value, expected", [
    ("url", "https://portal-docs-share.example/inv/x.docm", "hxxps://portal-docs-share[.]example/inv/x.docm"),
    ("url", "http://evil.example", "hxxp://evil[.]example"),
    ("url", "evil.example/path", "evil[.]example/path"),
    ("domain", "update-cdn-sync.example", "update-cdn-sync[.]example"),
    ("ipv4", "203.0.113.47", "203[.]0[.]113[.]47"),
    ("ipv6", "2001:db8::1", "2001[:]db8[:][:]1"),
    ("email", "attacker@evil.example", "attacker[@]evil[.]example"),
    ("sha256", "f3f66eed9a320ecc294e2a6bce40372636f5b687e55203d031156608be25438f",
     "f3f66eed9a320ecc294e2a6bce40372636f5b687e55203d031156608be25438f"),
    ("filename", "nb_sched_recover.txt", "nb_sched_recover.txt"),
    ("other", "User-Agent: NBHcheck/2.1 from https://evil.example/ua", "User-Agent: NBHcheck/2.1 from hxxps://evil[.]example/ua"),
])
def test_defang(type_, value, expected):
    assert defang(type_, value) == expected


def test_indicators_in_text_lose_their_links():
    indicators = [Indicator("domain", "evil.example"), Indicator("ipv4", "203.0.113.47")]
    text = "Beacons to evil.example ([panel](https://evil.example/admin)) and 203.0.113.47; see [ok](https://ok.example/)."
    html = render_markdown(defang_text(text, indicators))
    assert "evil[.]example" in html and "203[.]0[.]113[.]47" in html
    assert "evil.example" not in html and "https://evil" not in html
    assert '<a href="https://ok.example/" rel="nofollow noopener">ok</a>' in html


def test_a_url_indicator_is_defanged_before_its_host():
    url = Indicator("url", "https://evil.example/a.docm")
    assert defang_text("get https://evil.example/a.docm now", [url, Indicator("domain", "evil.example")]) == \
        "get hxxps://evil[.]example/a.docm now"
