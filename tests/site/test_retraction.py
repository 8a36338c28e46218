"""Retractions on built sites (real MkDocs builds, real signatures): a retraction publishes only what
was signed, and only from its own time; the update it withdraws leaves nothing but a marker dated
by the retraction. And approvals.json gives no digest of text still under technical embargo.

Each withheld field carries a marker word or a distinctive time, and every output file of the
built site (pages, search index, sitemap, feeds, API, badges, approvals.json) is searched for it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from sitetools import build_content_site, files_containing, site_files

from statuskit.gate.digest import canonical_json, digest


def utc(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def sign(site, iid: str, *updates: int) -> None:
    for n in updates:
        site.approve(iid, n, "comms", "alice")
        site.approve(iid, n, "security", "bob")


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def api(site: Path, name: str) -> dict:
    return json.loads(read(site, f"api/v2/{name}"))


def approvals(site: Path, iid: str) -> list[dict]:
    doc = json.loads(read(site, "approvals.json"))
    return next(i for i in doc["incidents"] if i["id"] == iid)["updates"]


# --- an unsigned update retracted by a signed one ---------------------------------------------------

INCIDENT = "2024-07-31-portal"
UNSIGNED = """\
id: 2024-07-31-portal
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Portal sign-in errors
    impact: minor
    components: {website: degraded_performance}
    public: Some sign-ins fail. VISIBLEFIRST
  - id: 2
    at: 2024-07-31T09:17:43Z
    status: resolved
    title: Title ZQWITHDRAWN
    impact: critical
    components: {patient-portal: major_outage}
    next_update_at: 2024-07-31T11:53:29Z
    affected_customers: Everyone ZQWITHDRAWN
    public: Public ZQWITHDRAWN
    technical: Technical ZQWITHDRAWN
  - id: 3
    at: 2024-07-31T10:00:00Z
    status: identified
    retracts: 2
    title: Portal sign-in errors (update withdrawn)
    public: We withdrew an update posted by mistake. VISIBLERETRACTION
"""
# update 2's marker word, its time and its next_update_at, as any output would write them
WITHHELD = ("ZQWITHDRAWN", "09:17", "11:53")


def test_an_unsigned_retracted_update_reaches_no_output(make_site, tmp_path):
    s = make_site({INCIDENT: UNSIGNED})
    sign(s, INCIDENT, 1, 3)  # update 2 is never signed
    site = build_content_site(tmp_path, utc("2024-08-01T00:00:00Z"), s.sign_site)

    assert files_containing(site, *WITHHELD) == {}
    found = files_containing(site, "VISIBLEFIRST", "VISIBLERETRACTION")
    assert set(found) == {"VISIBLEFIRST", "VISIBLERETRACTION"}  # the site is not simply empty
    # home banner, components, badges: the state of updates 1 and 3 only (not critical, portal not down)
    home = read(site, "index.html")
    assert "Minor Service Outage" in home and "Major System Outage" not in home
    assert "Minor Service Outage" in read(site, "badge.svg")
    assert "Operational" in read(site, "components/patient-portal/badge.svg")
    assert "Degraded performance" in read(site, "components/website/badge.svg")
    assert "No incidents or maintenance have involved Patient portal." in read(site, "components/patient-portal/index.html")
    # the incident page: the marker, dated by the retraction, where update 2 stood
    page = read(site, f"incidents/{INCIDENT}/index.html")
    assert 'Update 2 was withdrawn on <time datetime="2024-07-31T10:00:00Z">' in page
    assert "Minor impact" in page and "Critical impact" not in page and "Resolved" not in page
    assert "Next update expected" not in page
    assert "Portal sign-in errors (update withdrawn)" in read(site, "history/index.html")
    # every API document
    assert api(site, "status.json")["status"] == {"indicator": "minor", "description": "Minor Service Outage"}
    statuses = {c["name"]: c["status"] for c in api(site, "components.json")["components"]}
    assert statuses["Patient portal"] == "operational" and statuses["Website"] == "degraded_performance"
    for name in ("summary.json", "incidents.json", "incidents/unresolved.json"):
        [inc] = api(site, name)["incidents"]
        assert (inc["name"], inc["impact"], inc["status"]) == ("Portal sign-in errors (update withdrawn)", "minor",
                                                               "identified")
        assert inc["started_at"] == "2024-07-31T09:00:00.000Z" and inc["resolved_at"] is None
        assert [c["name"] for c in inc["components"]] == ["Website"]
        assert [u["body"] for u in inc["incident_updates"]] == [
            "We withdrew an update posted by mistake. VISIBLERETRACTION",
            "Update 2 was withdrawn on 31 July 2024, 10:00 UTC.",
            "Some sign-ins fail. VISIBLEFIRST"]
        assert inc["incident_updates"][1]["created_at"] == "2024-07-31T10:00:00.000Z"
    # feeds: the marker's entry is dated by the retraction; the technical feed has nothing of it
    atom = read(site, "history.atom")
    # (the incident page's withdrawn marker: pages and feeds share the update partial)
    assert ('Update 2 was withdrawn on &lt;time datetime="2024-07-31T10:00:00Z"&gt;31 Jul 2024, 10:00 UTC&lt;/time&gt;.'
            in atom)
    assert "#update-2" not in read(site, "technical.atom")
    # approvals.json: update 2 has no approvals, no digest and no time of its own
    u2 = approvals(site, INCIDENT)[1]
    assert u2 == {"update": 2, "at": "2024-07-31T10:00:00Z", "digest": None, "digest_withheld": "withdrawn",
                  "approved_by": [], "retracted": True, "retracted_by": 3, "approved_through_retraction": True,
                  "published_at": "2024-07-31T10:00:00Z"}


MAINTENANCE = "2024-08-10-db-upgrade"
MAINTENANCE_YML = """\
id: 2024-08-10-db-upgrade
kind: maintenance
updates:
  - id: 1
    at: 2024-08-01T09:00:00Z
    status: scheduled
    title: Scheduling database upgrade
    impact: maintenance
    scheduled: {from: 2024-08-10T02:00:00Z, until: 2024-08-10T04:00:00Z}
    components: {scheduling: under_maintenance}
    public: We will upgrade the scheduling database. VISIBLEFIRST
  - id: 2
    at: 2024-08-01T09:37:19Z
    status: in_progress
    scheduled: {from: 2024-08-01T10:26:00Z, until: 2024-08-01T13:41:00Z}
    components: {patient-portal: under_maintenance}
    next_update_at: 2024-08-01T11:53:29Z
    public: Public ZQWITHDRAWN
  - id: 3
    at: 2024-08-01T10:00:00Z
    status: scheduled
    retracts: 2
    public: We withdrew an update posted by mistake. VISIBLERETRACTION
"""


def test_an_unsigned_retracted_maintenance_window_reaches_no_output(make_site, tmp_path):
    s = make_site({MAINTENANCE: MAINTENANCE_YML})
    sign(s, MAINTENANCE, 1, 3)
    site = build_content_site(tmp_path, utc("2024-08-01T12:00:00Z"), s.sign_site)  # inside update 2's window

    assert files_containing(site, "ZQWITHDRAWN", "09:37", "10:26", "13:41", "11:53") == {}
    assert "All Systems Operational" in read(site, "index.html")
    assert "All Systems Operational" in read(site, "badge.svg")
    assert api(site, "scheduled-maintenances/active.json")["scheduled_maintenances"] == []
    [m] = api(site, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    assert (m["status"], m["scheduled_for"], m["scheduled_until"]) == (
        "scheduled", "2024-08-10T02:00:00.000Z", "2024-08-10T04:00:00.000Z")
    assert [c["name"] for c in m["components"]] == ["Appointment scheduling"]
    statuses = {c["name"]: c["status"] for c in api(site, "summary.json")["components"]}
    assert statuses["Patient portal"] == statuses["Appointment scheduling"] == "operational"
    page = read(site, f"incidents/{MAINTENANCE}/index.html")
    assert 'Update 2 was withdrawn on <time datetime="2024-08-01T10:00:00Z">' in page
    assert "In progress" not in page


# --- a retraction of a signed update, published later -------------------------------------------

SIGNED = """\
id: 2024-07-31-portal
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Portal sign-in errors
    impact: minor
    components: {website: degraded_performance}
    public: Some sign-ins fail. VISIBLEFIRST
  - id: 2
    at: 2024-07-31T09:17:43Z
    status: identified
    title: Portal and scheduling down SIGNEDTWO
    impact: critical
    components: {patient-portal: major_outage}
    public: Everything is down. SIGNEDTWO
  - id: 3
    at: {at3}
    status: monitoring
    retracts: 2
{extra3}    title: Portal sign-in errors (update withdrawn)
    components: {{scheduling: partial_outage}}
    public: We withdrew the 09:17 update; scheduling is slow. VISIBLERETRACTION
"""


def signed(at3: str = "2024-07-31T10:00:00Z", extra3: str = "") -> str:
    return SIGNED.replace("{at3}", at3).replace("{extra3}", extra3).replace("{{", "{").replace("}}", "}")


def _before_and_after(make_site, tmp_path, text: str, before: str, after: str) -> tuple[Path, Path]:
    s = make_site({INCIDENT: text})
    sign(s, INCIDENT, 1, 2, 3)
    return build_content_site(tmp_path, utc(before), s.sign_site), build_content_site(tmp_path, utc(after), s.sign_site)


def _shows_update_2_as_signed(site: Path) -> None:
    """Before the retraction's time: nothing of it or of the withdrawal anywhere; update 2 stands."""
    assert files_containing(site, "VISIBLERETRACTION", "withdrawn", "withdraws", "retracted on") == {}
    page = read(site, f"incidents/{INCIDENT}/index.html")
    assert "Everything is down. SIGNEDTWO" in page and "Critical impact" in page
    assert "Major System Outage" in read(site, "index.html")
    assert "Major outage" in read(site, "components/patient-portal/badge.svg")
    assert "Everything is down. SIGNEDTWO" in read(site, "history.atom")
    u2 = approvals(site, INCIDENT)[1]
    assert u2["digest"].startswith("sha256:") and not u2["retracted"] and u2["retracted_by"] is None
    assert [u["update"] for u in approvals(site, INCIDENT)] == [1, 2]


def _shows_what_the_retraction_restates(site: Path, retracted_on: str) -> None:
    """After: the marker and the retraction's text; the state is the fold of updates 1 and 3."""
    assert files_containing(site, "SIGNEDTWO", "T09:17", "09:17:43", "09:17 UTC") == {}
    page = read(site, f"incidents/{INCIDENT}/index.html")
    assert f'Update 2 was withdrawn on <time datetime="{retracted_on}">' in page
    assert "VISIBLERETRACTION" in page and "Critical impact" not in page and "Minor impact" in page
    home = read(site, "index.html")
    assert "Partial System Outage" in home and "Major System Outage" not in home  # scheduling, as restated
    assert "Operational" in read(site, "components/patient-portal/badge.svg")
    assert "Partial outage" in read(site, "components/scheduling/badge.svg")
    [inc] = api(site, "incidents/unresolved.json")["incidents"]
    assert (inc["impact"], inc["status"], inc["name"]) == ("minor", "monitoring", "Portal sign-in errors (update withdrawn)")
    assert "VISIBLERETRACTION" in read(site, "history.rss")
    assert approvals(site, INCIDENT)[1]["digest"] is None


def test_a_retraction_whose_time_is_later_shows_nothing_until_then(make_site, tmp_path):
    before, after = _before_and_after(make_site, tmp_path, signed(at3="2024-08-02T10:00:00Z"),
                                      "2024-08-01T00:00:00Z", "2024-08-02T10:00:00Z")
    _shows_update_2_as_signed(before)
    _shows_what_the_retraction_restates(after, "2024-08-02T10:00:00Z")


def test_an_embargoed_retraction_shows_nothing_until_the_embargo_lifts(make_site, tmp_path):
    text = signed(extra3="    embargo_until: 2024-08-02T00:00:00Z\n")
    before, after = _before_and_after(make_site, tmp_path, text, "2024-08-01T00:00:00Z", "2024-08-02T00:00:00Z")
    _shows_update_2_as_signed(before)
    _shows_what_the_retraction_restates(after, "2024-07-31T10:00:00Z")  # dated by the retraction's own time


# --- approvals.json is no oracle for embargoed text -------------------------------------------------

INTRUSION = "2024-07-31-intrusion"
CVE = "CVE-2024-21762"
EMBARGOED = f"""\
id: {INTRUSION}
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Intrusion on a file server
    impact: major
    technical_embargo_until: 2024-08-05T00:00:00Z
    public: We are investigating an intrusion. VISIBLEFIRST
    technical: The attackers exploited {CVE} on the VPN appliance.
    report:
      summary: Exploitation of a VPN appliance flaw.
      cves: [{CVE}]
      attack_techniques: [T1190]
"""


def _hex_strings(site: Path) -> set[str]:
    out: set[str] = set()
    for _, data in site_files(site):
        out.update(m.decode() for m in re.findall(rb"[0-9a-f]{16,}", data.lower()))
    return out


def test_no_digest_of_an_update_under_technical_embargo(make_site, tmp_path):
    s = make_site({INTRUSION: EMBARGOED})
    sign(s, INTRUSION, 1)
    update = s.load().incident(INTRUSION).update(1)
    site = build_content_site(tmp_path, utc("2024-08-01T00:00:00Z"), s.sign_site)

    assert files_containing(site, CVE, "T1190") == {}
    [u1] = approvals(site, INTRUSION)
    assert u1["digest"] is None and u1["digest_withheld"] == "technical-embargo"
    assert u1["approved_by"] == ["comms", "security"]
    # brute force: every CVE id near the real one, hashed as the digest would hash it
    canonical = canonical_json(dict(update.canonical))
    assert CVE.encode() in canonical
    guesses = {hashlib.sha256(canonical.replace(CVE.encode(), f"CVE-2024-{n}".encode())).hexdigest()
               for n in range(21700, 21800)}
    assert digest(update)[len("sha256:"):] in guesses
    assert not [h for h in _hex_strings(site) if any(h in g for g in guesses)]

    after = build_content_site(tmp_path, utc("2024-08-05T00:00:00Z"), s.sign_site)
    [u1] = approvals(after, INTRUSION)
    assert u1["digest"] == digest(update) and u1["digest_withheld"] is None
    assert CVE in read(after, f"incidents/{INTRUSION}/technical/index.html")


# --- retractions read cleanly: the retraction's text once, its title everywhere ---------------------

DEMO_RETRACTED = "2026-03-03-portal-sign-in-failures"  # its update 3 retracts update 2
DEMO_RETRACTION_WORDS = "It was posted here by mistake and was not accurate"


def test_the_retraction_text_appears_once(demo_site):
    page = read(demo_site, f"incidents/{DEMO_RETRACTED}/index.html")
    assert page.count(DEMO_RETRACTION_WORDS) == 1  # the retraction's own update, not again in the marker
    # the marker: dated by the retraction, with a link to it
    assert re.search(r'Update 2 was withdrawn on <time datetime="2026-03-03T09:05:00Z">[^<]*</time>\. '
                     r'See <a href="[^"]*#update-3">the retraction</a>\.', page), page
    # no output says it twice (the feeds' marker entry is the same partial as the page's)
    for rel, data in site_files(demo_site):
        assert data.count(DEMO_RETRACTION_WORDS.encode()) <= 1, rel


RETRACTS_ONE = "2024-07-31-sign-in"
RETRACTS_ONE_YML = """\
id: 2024-07-31-sign-in
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Title ZQOLDTITLE
    impact: major
    components: {website: major_outage}
    public: Public ZQOLDTITLE
  - id: 2
    at: 2024-07-31T09:30:00Z
    status: monitoring
    components: {patient-portal: degraded_performance}
    public: We are watching sign-ins.
  - id: 3
    at: 2024-07-31T10:00:00Z
    status: monitoring
    retracts: 1
    title: Portal sign-in errors
    impact: minor
    public: We withdrew our first update; only sign-in is affected.
"""


def test_after_update_1_is_withdrawn_every_title_is_the_retractions(make_site, tmp_path):
    import feedparser

    s = make_site({RETRACTS_ONE: RETRACTS_ONE_YML})
    sign(s, RETRACTS_ONE, 1, 2, 3)
    site = build_content_site(tmp_path, utc("2024-08-01T00:00:00Z"), s.sign_site)

    assert files_containing(site, "ZQOLDTITLE", "title withdrawn", "09:00") == {}
    for feed in ("history.atom", "history.rss", "components/patient-portal/history.atom"):
        d = feedparser.parse(read(site, feed))
        assert not d.bozo, (feed, d.bozo_exception)
        assert [e.title for e in d.entries] == [
            "Portal sign-in errors: Monitoring", "Portal sign-in errors: update 1 withdrawn",
            "Portal sign-in errors: Monitoring"][: len(d.entries)], feed
    page = read(site, f"incidents/{RETRACTS_ONE}/index.html")
    assert "<title>Portal sign-in errors" in page and "<h1>Portal sign-in errors</h1>" in page
    [inc] = api(site, "incidents.json")["incidents"]
    assert inc["name"] == "Portal sign-in errors"
