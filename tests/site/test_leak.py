"""Invariant 1: nothing unapproved, embargoed, scheduled for later or retracted appears
anywhere under site/ -- pages, search index, sitemap (also gzipped), feeds, JSON, badges.

Every file of the built fixture site is read as bytes and searched for each marker,
case-insensitively. The published parts of the same incidents must be there, so the test
fails if the site were simply empty.
"""

from __future__ import annotations

import pytest
from sitetools import MARKERS, WITHHELD_TIMES, site_files


@pytest.fixture(scope="module")
def files(fixture_site) -> list[tuple[str, bytes]]:
    return [(rel, data.lower()) for rel, data in site_files(fixture_site)]


@pytest.mark.parametrize("what", sorted(MARKERS))
def test_marker_appears_in_no_file(files, what):
    marker = MARKERS[what].lower().encode()
    found = [rel for rel, data in files if marker in data]
    assert found == [], f"{what} text ({MARKERS[what]}) leaked into: {found}"


@pytest.mark.parametrize("what", sorted(WITHHELD_TIMES))
def test_withdrawn_times_appear_in_no_file(files, what):
    found = [rel for rel, data in files if WITHHELD_TIMES[what].encode() in data]
    assert found == [], f"the {what} ({WITHHELD_TIMES[what]}) leaked into: {found}"


@pytest.mark.parametrize("visible", ["VISIBLEONE", "VISIBLETWO", "VISIBLETHREE", "VISIBLEFOUR", "VISIBLEFIVE"])
def test_published_parts_are_there(files, visible):
    found = {rel for rel, data in files if visible.lower().encode() in data}
    assert any(rel.startswith("incidents/") and rel.endswith("index.html") for rel in found), found
    assert "search/search_index.json" in found


def test_technical_embargo_says_a_report_will_follow(fixture_site):
    html = (fixture_site / "incidents/2024-07-30-tech-embargo/index.html").read_text()
    assert "A technical report for security teams will follow." in html
    assert not (fixture_site / "incidents/2024-07-30-tech-embargo/technical").exists()


def test_retracted_update_shows_only_the_retraction(fixture_site):
    html = (fixture_site / "incidents/2024-07-30-retracted/index.html").read_text()
    assert 'Update 2 was withdrawn on <time datetime="2024-07-30T15:00:00Z">' in html
    assert html.count("VISIBLEFIVE") == 1  # the retraction's text once; where update 2 stood, a link to it
    # nothing of update 2's status, impact or component statuses either: the state is updates 1 and 3
    assert "Minor impact" in html and "Critical impact" not in html and "Resolved" not in html
    badge = (fixture_site / "components/patient-portal/badge.svg").read_text()
    assert "Degraded performance" in badge  # the unapproved incident's published update 1, not an outage


def test_unpublished_incidents_have_no_pages(fixture_site):
    assert not (fixture_site / "incidents/2024-07-31-markerwhole").exists()
    assert not (fixture_site / "incidents/2024-08-05-markerfuture").exists()
    assert not (fixture_site / "incidents/2024-08-06-markerpendingmaint").exists()


def test_the_calendars_are_scanned_and_hold_only_the_published_window(files):
    calendars = {rel: data for rel, data in files if rel.endswith(".ics")}
    assert set(calendars) >= {"maintenance.ics", "components/patient-portal/maintenance.ics"}
    ics = calendars["maintenance.ics"]
    assert b"uid:2024-08-02-portal-upgrade@status.fixture.example" in ics
    assert b"visiblesix" in ics and b"dtstart:20240802t010000z" in ics
    # the unapproved window change: neither its words (the markers above) nor its times
    assert not [rel for rel, data in files if b"20240809t0117" in data or b"2024-08-09t01:17" in data]
    assert b"sequence:0" in ics


def test_uptime_counts_only_published_statuses(fixture_site):
    import json

    doc = json.loads((fixture_site / "api/v2/components.json").read_text())
    portal = next(c for c in doc["components"] if c["name"] == "Patient portal")
    days = {d["date"]: d for d in portal["uptime"]["daily"]}
    # 30 July: the unapproved update 2 (major outage at 10:00) and the withdrawn update 2 (major outage at
    # 14:33) of two incidents set the portal's status; neither counts. The published update 1 (degraded
    # performance from 09:00) does.
    assert days["2024-07-30"]["status"] == "degraded_performance"
    assert "major_outage" not in days["2024-07-30"]["minutes"]
    assert portal["uptime"]["percent"] == 100.0
    home = (fixture_site / "index.html").read_text()
    assert "2024-07-30: Degraded performance 900 min" in home
