"""Tests for statuskit.render.badges: accessible, deterministic, escaped SVG badges."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
from conftest import DEMO_AT, REPO

from statuskit.gate.release import gate
from statuskit.model.content import load_content
from statuskit.model.records import ComponentStatus
from statuskit.render.badges import COMPONENT_COLOURS, INDICATOR_COLOURS, badge_svg, render_badges
from statuskit.render.site import SiteInfo

SITE = SiteInfo("Northbridge Health status", "https://status.example.org/")
SVG = "{http://www.w3.org/2000/svg}"


def read(data: bytes) -> tuple[ET.Element, str, list[str]]:
    """The root, its <title> text and the visible words of a badge."""
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title").text
    words = [t.text for t in root.iter(f"{SVG}text")]
    return root, title, words


@pytest.fixture(scope="module")
def demo():
    return load_content(REPO / "content")


def test_site_badge_says_the_overall_status_in_words(demo):
    release, _ = gate(demo, DEMO_AT)
    files = render_badges(release, SITE)
    root, title, words = read(files["badge.svg"])
    assert title == "status: Minor Service Outage" == root.get("aria-label")
    assert root.get("role") == "img"
    assert "Minor Service Outage" in words and "status" in words
    assert INDICATOR_COLOURS["minor"] in files["badge.svg"].decode()


def test_a_badge_per_component_with_its_status_in_words(demo):
    release, _ = gate(demo, DEMO_AT)
    files = render_badges(release, SITE)
    assert sorted(files) == sorted(["badge.svg"] + [f"components/{v.id}/badge.svg" for v in release.components])
    _, title, words = read(files["components/pharmacy-refills/badge.svg"])
    assert title == "Pharmacy refills: Degraded performance"
    assert words.count("Degraded performance") == 2  # text and its shadow
    _, title, _ = read(files["components/scheduling/badge.svg"])
    assert title == "Appointment scheduling: Operational"


def test_maintenance_in_progress(demo):
    release, _ = gate(demo, datetime(2026, 12, 5, 3, tzinfo=timezone.utc))
    files = render_badges(release, SITE)
    assert read(files["badge.svg"])[1] == "status: Minor Service Outage"  # the refill incident is still open
    assert read(files["components/scheduling/badge.svg"])[1] == "Appointment scheduling: Under maintenance"


MAINTENANCE_YML = """\
id: db-upgrade
kind: maintenance
updates:
  - id: 1
    at: 2024-08-01T09:00:00Z
    status: scheduled
    title: Database upgrade
    impact: maintenance
    scheduled: {from: 2024-08-10T02:00:00Z, until: 2024-08-10T06:00:00Z}
    components: {website: under_maintenance}
    public: We will upgrade the database.
"""


def test_site_badge_during_maintenance_only(make_site):
    site = make_site({"db-upgrade": MAINTENANCE_YML})
    site.approve_all()
    release, _ = gate(site.load(), datetime(2024, 8, 10, 3, tzinfo=timezone.utc))
    files = render_badges(release, SITE)
    assert read(files["badge.svg"])[1] == "status: Service Under Maintenance"
    assert read(files["components/website/badge.svg"])[1] == "Website: Under maintenance"
    assert COMPONENT_COLOURS[ComponentStatus.UNDER_MAINTENANCE].encode() in files["badge.svg"]


def test_names_are_escaped():
    data = badge_svg('R&D <"lab">', "Major outage", COMPONENT_COLOURS[ComponentStatus.MAJOR_OUTAGE])
    root, title, words = read(data)  # well-formed XML
    assert title == 'R&D <"lab">: Major outage' == root.get("aria-label")
    assert 'R&D <"lab">' in words
    assert b"<lab" not in data and b'aria-label="R&amp;D &lt;&quot;lab&quot;&gt;: Major outage"' in data


def test_badges_are_deterministic_and_sized_by_their_words():
    a = badge_svg("status", "All Systems Operational", "#1a7f37")
    assert a == badge_svg("status", "All Systems Operational", "#1a7f37")
    short = ET.fromstring(badge_svg("status", "Minor", "#1a7f37"))
    long = ET.fromstring(a)
    assert int(long.get("width")) > int(short.get("width"))


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("colour", sorted({*COMPONENT_COLOURS.values(), *INDICATOR_COLOURS.values(), "#555555"}))
def test_white_text_is_readable_on_every_colour(colour):
    assert (1.05) / (luminance(colour) + 0.05) >= 4.5
