"""Tests for statuskit.render.uptime and the uptime bars: the rule (published statuses over time, worst
status and minutes per UTC day, weights, start_date), the pages' bars and text, and the API's fields."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone

import pytest
from conftest import DEMO_AT, REPO

from statuskit.gate.release import gate
from statuskit.model.content import load_content
from statuskit.model.records import ComponentStatus
from statuskit.render.api import render_api
from statuskit.render.pages import render_pages
from statuskit.render.site import SiteInfo
from statuskit.render.uptime import UPTIME_DAYS, uptime

SITE = SiteInfo("Fixture status", "https://status.test.example/")
T = datetime(2024, 7, 31, 12, 0, tzinfo=timezone.utc)
"""Half of 31 July is on record when the record starts that day: 43,200 seconds."""

COMPONENTS = """\
components:
  - id: patient-portal
    name: Patient portal
    start_date: 2024-07-31
  - id: scheduling
    name: Appointment scheduling
    start_date: 2024-07-30
  - id: website
    name: Website
"""

OUTAGE = """\
id: {id}
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Portal trouble
    impact: major
    components: {{patient-portal: {status}}}
    public: Looking into it.
  - id: 2
    at: 2024-07-31T09:45:00Z
    status: resolved
    public: Fixed.
"""


def _release(make_site, incidents: dict[str, str], *, at: datetime = T, upto: dict[str, int] | None = None,
             components: str = COMPONENTS):
    site = make_site(incidents, components=components)
    for iid in incidents:
        site.approve_all(iid, upto=(upto or {}).get(iid))
    return gate(site.load(), at)[0]


def _day(record, d: date):
    return next(x for x in record.days if x.day == d)


JUL31 = date(2024, 7, 31)


def test_a_major_outage_counts_in_full_and_its_day_shows_it(make_site):
    record = uptime(_release(make_site, {"outage": OUTAGE.format(id="outage", status="major_outage")}))["patient-portal"]
    day = _day(record, JUL31)
    assert day.recorded == 12 * 3600
    assert day.worst is ComponentStatus.MAJOR_OUTAGE
    assert day.minutes(ComponentStatus.MAJOR_OUTAGE) == 45
    assert day.minutes(ComponentStatus.OPERATIONAL) == 12 * 60 - 45
    assert record.percent_text == "93.75"  # 1 - 2,700 s / 43,200 s


def test_a_partial_outage_counts_at_thirty_percent(make_site):
    record = uptime(_release(make_site, {"outage": OUTAGE.format(id="outage", status="partial_outage")}))["patient-portal"]
    assert record.percent_text == "98.12"  # 1 - 0.3 * 2,700 / 43,200 = 0.98125, rounded down


def test_degraded_performance_is_not_downtime(make_site):
    record = uptime(_release(make_site, {"outage": OUTAGE.format(id="outage", status="degraded_performance")}))
    assert record["patient-portal"].percent_text == "100.00"
    assert _day(record["patient-portal"], JUL31).worst is ComponentStatus.DEGRADED_PERFORMANCE


MAINTENANCE = """\
id: works
kind: maintenance
updates:
  - id: 1
    at: 2024-07-30T09:00:00Z
    status: scheduled
    title: Portal upgrade
    impact: maintenance
    scheduled: {from: 2024-07-31T01:00:00Z, until: 2024-07-31T03:00:00Z}
    components: {patient-portal: under_maintenance}
    public: We will upgrade the portal.
"""


def test_maintenance_counts_only_in_its_window_and_is_not_downtime(make_site):
    record = uptime(_release(make_site, {"works": MAINTENANCE}))["patient-portal"]
    day = _day(record, JUL31)
    assert day.worst is ComponentStatus.UNDER_MAINTENANCE
    assert day.minutes(ComponentStatus.UNDER_MAINTENANCE) == 120  # 01:00 to 03:00 (nobody marked it completed)
    assert record.percent_text == "100.00"


RETRACTED = OUTAGE.format(id="retracted", status="degraded_performance").replace("""\
  - id: 2
    at: 2024-07-31T09:45:00Z
    status: resolved
    public: Fixed.
""", """\
  - id: 2
    at: 2024-07-31T09:10:00Z
    status: identified
    components: {patient-portal: major_outage}
    public: It is down.
  - id: 3
    at: 2024-07-31T09:20:00Z
    status: identified
    retracts: 2
    title: Portal trouble (update withdrawn)
    public: The last update was wrong; the portal is slow, not down.
  - id: 4
    at: 2024-07-31T10:00:00Z
    status: resolved
    public: Fixed.
""")


def test_a_withdrawn_update_contributes_nothing(make_site):
    record = uptime(_release(make_site, {"retracted": RETRACTED}))["patient-portal"]
    day = _day(record, JUL31)
    assert ComponentStatus.MAJOR_OUTAGE not in day.seconds
    assert day.minutes(ComponentStatus.DEGRADED_PERFORMANCE) == 60  # 09:00 to 10:00, the retraction restating it
    assert record.percent_text == "100.00"


def test_an_unapproved_update_contributes_nothing(make_site):
    text = OUTAGE.format(id="held", status="degraded_performance").replace(
        "    status: resolved\n", "    status: identified\n    components: {patient-portal: major_outage}\n")
    record = uptime(_release(make_site, {"held": text}, upto={"held": 1}))["patient-portal"]
    day = _day(record, JUL31)
    assert ComponentStatus.MAJOR_OUTAGE not in day.seconds
    assert day.minutes(ComponentStatus.DEGRADED_PERFORMANCE) == 3 * 60  # open since 09:00, until T
    assert record.percent_text == "100.00"


def test_the_window_is_ninety_utc_days_and_start_date_starts_the_record(make_site):
    records = uptime(_release(make_site, {"outage": OUTAGE.format(id="outage", status="major_outage")}))
    assert set(records) == {"patient-portal", "scheduling"}  # the website has no start_date: no record
    portal, scheduling = records["patient-portal"], records["scheduling"]
    assert len(portal.days) == UPTIME_DAYS == 90
    assert (portal.days[0].day, portal.days[-1].day) == (date(2024, 5, 3), JUL31)
    assert [d.worst for d in portal.days[:-1]] == [None] * 89  # before start_date: no data
    assert [d.day for d in scheduling.days if d.recorded] == [date(2024, 7, 30), JUL31]
    assert scheduling.recorded == 36 * 3600
    assert scheduling.percent_text == "100.00"


def test_a_record_that_starts_after_t_has_no_percentage(make_site):
    late = COMPONENTS.replace("start_date: 2024-07-31", "start_date: 2024-09-01")
    record = uptime(_release(make_site, {}, components=late))["patient-portal"]
    assert record.percent is None and record.recorded == 0
    pages = {p.url: p.body for p in render_pages(_release(make_site, {}, components=late), SITE)}
    assert "No uptime record yet: it starts on 2024-09-01." in pages["components/patient-portal/"]


# --- pages ------------------------------------------------------------------------------------------

BAR_RE = re.compile(r'<li class="sk-up sk-up-(\w+)" title="([^"]*)"><span class="sk-sr">([^<]*)</span></li>')


def _bars(html: str, cid: str) -> list[tuple[str, str, str]]:
    block = html[html.index(f'id="uptime-{cid}"'):]
    block = block[:block.index("</ol>")]
    return BAR_RE.findall(block)


def test_pages_show_ninety_bars_each_with_its_day_in_words(make_site):
    release = _release(make_site, {"outage": OUTAGE.format(id="outage", status="partial_outage")})
    pages = {p.url: p.body for p in render_pages(release, SITE)}
    for url in ("", "components/patient-portal/"):
        bars = _bars(pages[url], "patient-portal")
        assert len(bars) == 90
        assert all(title == text and text for _, title, text in bars)
        assert bars[0] == ("none", "2024-05-03: No data", "2024-05-03: No data")
        assert bars[-1] == ("partial_outage", "2024-07-31: Partial outage 45 min", "2024-07-31: Partial outage 45 min")
        assert "98.12\u00a0% uptime since 2024-07-31" in pages[url]
    assert "<script" not in pages[""][pages[""].index('id="uptime"'):pages[""].index('id="recent"')]
    assert 'id="uptime-website"' not in pages[""]  # no start_date, no bars
    assert 'id="uptime"' not in pages["components/website/"]


def test_the_bars_speak_the_site_language(make_site):
    release = _release(make_site, {"outage": OUTAGE.format(id="outage", status="major_outage")})
    de = SiteInfo("Fixture status", "https://status.test.example/", language="de")
    home = render_pages(release, de)[0].body
    assert _bars(home, "patient-portal")[-1][2] == "2024-07-31: Schwerer Ausfall 45 Min."
    assert "93,75\u00a0% Verfügbarkeit seit 2024-07-31" in home


# --- API --------------------------------------------------------------------------------------------

def test_components_json_has_start_date_showcase_and_uptime(make_site):
    release = _release(make_site, {"outage": OUTAGE.format(id="outage", status="major_outage")})
    doc = json.loads(render_api(release, SITE)["api/v2/components.json"])
    by_name = {c["name"]: c for c in doc["components"]}
    portal, website = by_name["Patient portal"], by_name["Website"]
    assert (portal["start_date"], portal["showcase"]) == ("2024-07-31", True)
    assert (website["start_date"], website["showcase"], website["uptime"]) == (None, False, None)
    up = portal["uptime"]
    assert (up["days"], up["from"], up["until"], up["percent"]) == (90, "2024-05-03", "2024-07-31", 93.75)
    assert len(up["daily"]) == 90
    assert up["daily"][0] == {"date": "2024-05-03", "status": None, "minutes": {}}
    assert up["daily"][-1] == {"date": "2024-07-31", "status": "major_outage",
                               "minutes": {"operational": 675, "major_outage": 45}}
    summary = json.loads(render_api(release, SITE)["api/v2/summary.json"])
    assert summary["components"] == doc["components"]


@pytest.fixture(scope="module")
def demo():
    return gate(load_content(REPO / "content"), DEMO_AT)[0]


def test_the_demo_ransomware_day_shows_the_scheduling_outage(demo):
    record = uptime(demo)["scheduling"]
    day = _day(record, date(2026, 11, 24))
    assert day.worst is ComponentStatus.MAJOR_OUTAGE
    assert record.days[-1].day == date(2026, 11, 27) and record.days[-1].recorded == 18 * 3600
    assert record.percent is not None and record.percent < 100


def test_any_downtime_shows_below_one_hundred(make_site):
    whole = COMPONENTS.replace("start_date: 2024-07-31", "start_date: 2024-01-01")
    short = OUTAGE.format(id="blip", status="partial_outage").replace("2024-07-31T09:45:00Z", "2024-07-31T09:01:00Z")
    record = uptime(_release(make_site, {"blip": short}, components=whole))["patient-portal"]
    assert record.recorded == (89 * 24 + 12) * 3600
    assert record.percent_text == "99.99"  # 1 - 18 s / 7,732,800 s = 99.9997...: rounded down, not to 100.00
