"""Tests for statuskit.render.notices: the announcements of the demo, gated for real, and plain text."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from conftest import DEMO_AT, REPO

from statuskit.gate.release import gate
from statuskit.model.content import load_content
from statuskit.render.notices import notices, plain_text
from statuskit.render.site import SiteInfo

SITE = SiteInfo("Northbridge Health status", "https://status.example.org/")


@pytest.fixture(scope="module")
def demo():
    return load_content(REPO / "content")


@pytest.mark.parametrize("html, text", [
    ("<p>One &amp; <strong>two</strong>.</p>\n<p>Three</p>", "One & two.\n\nThree"),
    ("<ul>\n<li>a</li>\n<li>b <em>c</em></li>\n</ul>", "- a\n- b c"),
    ('<p>See <a href="https://example.org/x" rel="nofollow noopener">the page</a>.</p>',
     "See the page (https://example.org/x)."),
    ('<p><a href="https://example.org/">https://example.org/</a></p>', "https://example.org/"),
    ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "<script>alert(1)</script>"),
    ("<pre><code>  indented\n    more\n</code></pre>", "  indented\n    more"),
    ("<p>line one<br />\nline two</p>", "line one\nline two"),
])
def test_plain_text(html, text):
    assert plain_text(html) == text


def test_one_notice_per_published_update_and_track_oldest_first(demo):
    release, _ = gate(demo, DEMO_AT)
    out = notices(release, SITE)
    keys = [n.key for n in out]
    assert len(keys) == len(set(keys))
    published = {(i.id, u.id) for i in release.incidents for u in i.updates if not u.retracted and u.public}
    assert {(n.incident, n.update) for n in out if n.track == "public"} == published
    withdrawn = {(i.id, u.id) for i in release.incidents for u in i.updates if u.retracted}
    assert withdrawn and not withdrawn & {(n.incident, n.update) for n in out}
    times = [release.incident(n.incident).update(n.update).at for n in out]
    assert times == sorted(times)
    for n in out:
        assert n.subject.startswith("[Northbridge Health status] ")
        assert n.body.endswith(n.link)
        page = "technical/" if n.track == "technical" else ""
        assert n.link == f"https://status.example.org/incidents/{n.incident}/{page}#update-{n.update}"


def test_technical_notices_wait_for_the_technical_embargo(demo):
    before, _ = gate(demo, DEMO_AT)
    after, _ = gate(demo, datetime(2026, 12, 9, tzinfo=timezone.utc))  # the demo's embargo lifts 12-08
    held = {(h.incident, h.update) for h in gate(demo, DEMO_AT)[1].held if h.reason == "technical-embargo"}
    assert held
    early = {(n.incident, n.update) for n in notices(before, SITE) if n.track == "technical"}
    late = {(n.incident, n.update) for n in notices(after, SITE) if n.track == "technical"}
    assert not held & early and held <= late


def test_words_in_the_site_language(demo):
    release, _ = gate(demo, DEMO_AT)
    site = SiteInfo("Northbridge Health status", "https://status.example.org/", language="de")
    n = next(n for n in notices(release, site) if n.track == "public" and n.update == 1)
    assert n.subject.endswith(" — Wird untersucht"), n.subject
    assert "Vollständige Meldung: https://status.example.org/incidents/" in n.body
