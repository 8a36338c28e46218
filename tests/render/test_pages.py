"""Tests for statuskit.render.pages (and the shared facts): tiny sites gated for real."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import markdown
import pytest
from conftest import INCIDENT_YML

from statuskit.gate.release import gate
from statuskit.render.pages import Page, attack_url, cve_url, render_pages
from statuskit.render.site import SiteInfo

SITE = SiteInfo("Example status", "https://status.example.org/")
T = datetime(2024, 8, 1, 12, 0, tzinfo=timezone.utc)

ACTIVE = """\
id: 2024-07-31-active
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Scheduling unavailable
    impact: major
    components: {scheduling: major_outage, patient-portal: degraded_performance}
    next_update_at: 2024-07-31T10:00:00Z
    public: First text.
  - id: 2
    at: 2024-07-31T09:30:00Z
    status: identified
    next_update_at: 2024-08-01T14:00:00Z
    public: Latest **text**.
"""

CORRECTED = """\
id: 2024-07-20-corrected
kind: incident
updates:
  - id: 1
    at: 2024-07-20T09:00:00Z
    status: investigating
    title: Refills delayed
    impact: minor
    public: About 1,200 requests are affected.
  - id: 2
    at: 2024-07-20T10:00:00Z
    status: identified
    corrects: 1
    public: Correction, about 3,400 requests are affected.
  - id: 3
    at: 2024-07-20T11:00:00Z
    status: resolved
    public: All done.
"""

RETRACTED = """\
id: 2024-06-10-retracted
kind: incident
updates:
  - id: 1
    at: 2024-06-10T09:00:00Z
    status: investigating
    title: Sign-in errors
    impact: minor
    public: Some patients cannot sign in.
  - id: 2
    at: 2024-06-10T09:30:00Z
    status: identified
    public: Scheduling is also down WITHDRAWNTEXT.
  - id: 3
    at: 2024-06-10T10:00:00Z
    status: identified
    retracts: 2
    public: We withdrew the 09:30 update; scheduling was not affected.
"""

TECHNICAL = """\
id: 2024-07-25-intrusion
kind: incident
updates:
  - id: 1
    at: 2024-07-25T09:00:00Z
    status: investigating
    title: Security incident
    impact: critical
    components: {website: major_outage}
    detected_at: 2024-07-25T08:41:00Z
    data_exposure: under_investigation
    customer_actions:
      - {id: reset, text: "Reset your **password**."}
    public: We are responding to a security incident.
    technical: EDR alerts on two hosts; beacons to evil.example.
  - id: 2
    at: 2024-07-25T12:00:00Z
    status: identified
    contained_at: 2024-07-25T11:00:00Z
    public: The incident is contained.
    technical: Contained. See [the payload](https://evil.example/drop.docm).
    report:
      summary: First summary.
      indicators: [{type: domain, value: evil.example, context: C2}]
  - id: 3
    at: 2024-07-26T09:00:00Z
    status: resolved
    public: Resolved.
    report:
      summary: Second summary, C2 at evil.example.
      root_cause: Phishing.
      timeline: [{at: 2024-07-24T22:00:00Z, event: First access.}]
      indicators:
        - {type: domain, value: evil.example, context: C2}
        - {type: url, value: "https://evil.example/drop.docm", context: Payload}
        - {type: ipv4, value: 203.0.113.7}
        - {type: sha256, value: f3f66eed9a320ecc294e2a6bce40372636f5b687e55203d031156608be25438f}
      attack_techniques: [T1566.001, T1486]
      cves: [CVE-2024-3400]
      detection: Look for `vssadmin delete shadows`.
      remediation: Rebuild hosts.
      references: ["https://www.cisa.gov/stopransomware", "https://evil.example/drop.docm"]
"""

EMBARGOED = """\
id: 2024-07-28-embargo
kind: incident
updates:
  - id: 1
    at: 2024-07-28T09:00:00Z
    status: resolved
    title: Data incident
    impact: major
    technical_embargo_until: 2024-08-10T00:00:00Z
    public: Resolved; details later.
    technical: Embargoed technical text.
"""

MAINTENANCE = """\
id: 2024-08-05-upgrade
kind: maintenance
updates:
  - id: 1
    at: 2024-07-30T09:00:00Z
    status: scheduled
    title: Database upgrade
    impact: maintenance
    scheduled: {from: 2024-08-05T01:00:00Z, until: 2024-08-05T03:00:00Z}
    components: {patient-portal: under_maintenance}
    public: We will upgrade the database.
"""


def pages_of(make_site, incidents: dict[str, str], at: datetime = T, components: str | None = None) -> dict[str, Page]:
    kwargs = {"components": components} if components else {}
    site = make_site(incidents, **kwargs)
    site.approve_all()
    release, _ = gate(site.load(), at)
    return {p.src: p for p in render_pages(release, SITE)}


def facts_section(html: str) -> str:
    return re.search(r'<section class="sk-facts".*?</section>', html, re.S).group(0)


# --- home ---------------------------------------------------------------------------------------

def test_home_shows_the_overall_status_in_words_and_icon(make_site):
    home = pages_of(make_site, {"2024-07-31-active": ACTIVE})["index.md"]
    assert '<div class="sk-banner sk-ind-critical" id="overall"><svg class="sk-icon"' in home.body
    assert '<span class="sk-sr">Current status: </span>Major System Outage</h1>' in home.body
    assert 'As of <time datetime="2024-08-01T12:00:00Z">1 Aug 2024, 12:00 UTC</time>' in home.body


def test_home_components_are_grouped_with_icon_text_and_colour(make_site):
    body = pages_of(make_site, {"2024-07-31-active": ACTIVE})["index.md"].body
    body = body[body.index('id="components"'):]
    assert body.index("<h3>Clinical services</h3>") < body.index(">Patient portal</a>") < body.index(">Website</a>")
    assert re.search(r'<li class="sk-component sk-st-major_outage">.*?>Appointment scheduling</a>.*?'
                     r'<span class="sk-status sk-st-major_outage"><svg [^>]*aria-hidden="true".*?</svg>'
                     r'<span class="sk-status-text">Major outage</span>', body)
    assert '<span class="sk-status-text">Degraded performance</span>' in body


def test_home_shows_active_incidents_with_their_latest_update(make_site):
    body = pages_of(make_site, {"2024-07-31-active": ACTIVE})["index.md"].body
    active = body[body.index('id="active-incidents"'):body.index('id="components"')]
    assert '<a href="incidents/2024-07-31-active/">Scheduling unavailable</a>' in active
    assert "<p>Latest <strong>text</strong>.</p>" in active and "First text." not in active
    assert 'Next update expected by <time datetime="2024-08-01T14:00:00Z">' in active


def test_home_shows_upcoming_maintenance_and_recent_history(make_site):
    body = pages_of(make_site, {"2024-08-05-upgrade": MAINTENANCE, "2024-07-20-corrected": CORRECTED})["index.md"].body
    maint = body[body.index('id="maintenance"'):body.index('id="components"')]
    assert "Database upgrade" in maint
    assert ('Scheduled: <time datetime="2024-08-05T01:00:00Z">5 Aug 2024, 01:00</time> to '
            '<time datetime="2024-08-05T03:00:00Z">03:00</time> UTC') in maint
    recent = body[body.index('id="recent"'):]
    assert "Refills delayed" in recent and "Database upgrade" not in recent
    # an announced maintenance never changes the current status
    assert "All Systems Operational" in body


def test_home_links_feeds_api_and_badge(make_site):
    body = pages_of(make_site, {})["index.md"].body
    for href in ["history.rss", "history.atom", "technical.rss", "api/v2/summary.json", "badge.svg", "approvals.json"]:
        assert f'href="{href}"' in body, href


# --- incident pages -------------------------------------------------------------------------------

def test_incident_page_lists_every_update_with_utc_time_and_approvers(make_site):
    page = pages_of(make_site, {"2024-07-31-outage": INCIDENT_YML.format(id="2024-07-31-outage")})[
        "incidents/2024-07-31-outage.md"]
    assert page.url == "incidents/2024-07-31-outage/"
    assert page.body.count("Approved by Communications and Security.") == 2
    assert ('<h3 id="update-1">Investigating <time datetime="2024-07-31T09:05:00Z">31 Jul 2024, 09:05 UTC</time>'
            '</h3>') in page.body
    assert page.body.index('id="update-2"') < page.body.index('id="update-1"')  # newest first
    assert "<li>Appointment scheduling: Operational → Major outage</li>" in page.body


def test_corrections_are_linked_both_ways(make_site):
    body = pages_of(make_site, {"2024-07-20-corrected": CORRECTED})["incidents/2024-07-20-corrected.md"].body
    u1 = body[body.index('id="update-1"'):]
    u2 = body[body.index('id="update-2"'):body.index('id="update-1"')]
    assert 'Corrects <a href="#update-1">the update of <time datetime="2024-07-20T09:00:00Z">' in u2
    assert 'Corrected by <a href="#update-2">the update of <time datetime="2024-07-20T10:00:00Z">' in u1
    assert "About 1,200 requests are affected." in u1  # a corrected update stays visible


def test_a_retracted_update_shows_only_the_retraction(make_site):
    body = pages_of(make_site, {"2024-06-10-retracted": RETRACTED})["incidents/2024-06-10-retracted.md"].body
    assert "WITHDRAWNTEXT" not in body
    u2 = body[body.index('id="update-2"'):body.index('id="update-1"')]
    assert '<span class="sk-pill sk-pill-retracted">Withdrawn</span>' in u2
    assert ('Update 2 was withdrawn on <time datetime="2024-06-10T10:00:00Z">10 Jun 2024, 10:00 UTC</time>. '
            'See <a href="#update-3">the retraction</a>.') in u2
    assert "We withdrew the 09:30 update; scheduling was not affected." not in u2  # once, as update 3
    assert "Identified" not in u2 and "2024-06-10T09:30" not in body  # nothing of its own, not its time
    u3 = body[body.index('id="update-3"'):body.index('id="update-2"')]
    assert 'Withdraws <a href="#update-2">update 2</a>.' in u3


def test_technical_embargo_promises_a_report_and_nothing_else(make_site):
    pages = pages_of(make_site, {"2024-07-28-embargo": EMBARGOED})
    body = pages["incidents/2024-07-28-embargo.md"].body
    assert "A technical report for security teams will follow." in body
    assert "technical/" not in body and "Embargoed technical text" not in body
    assert "incidents/2024-07-28-embargo/technical.md" not in pages


def test_the_technical_page_appears_when_the_embargo_lifts(make_site):
    pages = pages_of(make_site, {"2024-07-28-embargo": EMBARGOED}, at=datetime(2024, 8, 10, tzinfo=timezone.utc))
    body = pages["incidents/2024-07-28-embargo.md"].body
    assert 'Technical details for security teams are on the <a href="technical/">technical page</a>.' in body
    assert "will follow" not in body
    assert "Embargoed technical text." in pages["incidents/2024-07-28-embargo/technical.md"].body


# --- technical pages -----------------------------------------------------------------------------

@pytest.fixture
def technical(make_site) -> dict[str, Page]:
    return pages_of(make_site, {"2024-07-25-intrusion": TECHNICAL})


def test_technical_page_has_the_report(technical):
    page = technical["incidents/2024-07-25-intrusion/technical.md"]
    assert page.url == "incidents/2024-07-25-intrusion/technical/"
    body = page.body
    for heading in ["Summary", "Root cause", "Timeline (UTC)", "Indicators of compromise (defanged)",
                    "MITRE ATT&amp;CK techniques", "Vulnerabilities (CVE)", "Detection", "Remediation", "References"]:
        assert f">{heading}</h3>" in body, heading
    assert "<p>Second summary, C2 at evil[.]example.</p>" in body
    assert '<td><time datetime="2024-07-24T22:00:00Z">24 Jul 2024, 22:00 UTC</time></td><td>First access.</td>' in body
    assert f'<a href="{attack_url("T1566.001")}" rel="nofollow noopener">T1566.001</a>' in body
    assert attack_url("T1566.001") == "https://attack.mitre.org/techniques/T1566/001/"
    assert f'<a href="{cve_url("CVE-2024-3400")}" rel="nofollow noopener">CVE-2024-3400</a>' in body
    assert '<a href="../">Back to the public incident page</a>' in body


def test_indicators_are_defanged_and_never_links(technical):
    body = technical["incidents/2024-07-25-intrusion/technical.md"].body
    for shown in ["<code>evil[.]example</code>", "<code>hxxps://evil[.]example/drop.docm</code>",
                  "<code>203[.]0[.]113[.]7</code>",
                  "<code>f3f66eed9a320ecc294e2a6bce40372636f5b687e55203d031156608be25438f</code>"]:
        assert shown in body, shown
    assert "beacons to evil[.]example" in body
    assert not re.search(r'href="[^"]*evil', body)
    assert "evil.example" not in body
    assert '<a href="https://www.cisa.gov/stopransomware" rel="nofollow noopener">' in body


def test_report_revision_history_and_technical_updates(technical):
    body = technical["incidents/2024-07-25-intrusion/technical.md"].body
    assert 'Revision 2, published with <a href="#update-3">' in body
    history = body[body.index('id="revisions"'):body.index('id="technical-updates"')]
    assert "Revision 1: published with" in history and "Revision 2 (current)" in history
    assert "<summary>Show revision 1</summary>" in history and "First summary." in history
    updates = body[body.index('id="technical-updates"'):]
    assert "EDR alerts on two hosts" in updates and 'id="update-2"' in updates
    assert updates.count("Approved by Communications and Security.") == 3


def test_shared_facts_are_the_same_on_both_pages(technical):
    public = technical["incidents/2024-07-25-intrusion.md"].body
    peers = technical["incidents/2024-07-25-intrusion/technical.md"].body
    assert facts_section(public) == facts_section(peers)
    facts = facts_section(public)
    assert "<dt>Data exposure</dt>" in facts and "Under investigation" in facts
    assert '<dt>Contained</dt><dd><time datetime="2024-07-25T11:00:00Z">' in facts
    assert '<li id="action-reset"><p>Reset your <strong>password</strong>.</p></li>' in facts


# --- component and history pages ----------------------------------------------------------------

def test_component_page_lists_its_incidents_and_feeds(make_site):
    pages = pages_of(make_site, {"2024-07-31-active": ACTIVE, "2024-07-20-corrected": CORRECTED})
    page = pages["components/scheduling.md"]
    assert page.url == "components/scheduling/"
    assert '<p class="sk-status-line">Current status: <span class="sk-status sk-st-major_outage">' in page.body
    assert "Scheduling unavailable" in page.body and "Refills delayed" not in page.body
    assert [f.href for f in page.feeds] == ["components/scheduling/history.rss", "components/scheduling/history.atom"]
    assert '<a href="history.rss">RSS</a>' in page.body and '<img class="sk-badge" src="badge.svg"' in page.body


def test_history_is_grouped_by_month_newest_first(make_site):
    body = pages_of(make_site, {"2024-07-31-active": ACTIVE, "2024-06-10-retracted": RETRACTED,
                                "2024-07-20-corrected": CORRECTED})["history.md"].body
    assert body.index("<h2>July 2024</h2>") < body.index("Scheduling unavailable") < body.index("Refills delayed") \
        < body.index("<h2>June 2024</h2>") < body.index("Sign-in errors")


def test_links_are_relative_to_each_page(technical):
    body = technical["incidents/2024-07-25-intrusion/technical.md"].body
    assert '<nav class="sk-crumbs" aria-label="Breadcrumb" data-search-exclude><ol><li><a href="../../../">' \
           'Current status</a></li><li><a href="../../../history/">History</a></li>' in body
    assert '<a href="../../../components/website/">Website</a>' in body


# --- escaping, navigation, search, Markdown export ---------------------------------------------

def test_titles_and_names_are_escaped(make_site):
    comps = ("components:\n  - id: scheduling\n    name: \"<b>Sched</b>\"\n    group: \"<i>G</i>\"\n"
             "  - id: patient-portal\n    name: Portal\n  - id: website\n    name: Web\n")
    yml = ACTIVE.replace("title: Scheduling unavailable", "title: \"<script>alert(1)</script>\"")
    pages = pages_of(make_site, {"2024-07-31-active": yml}, components=comps)
    home = pages["index.md"].body
    assert "&lt;b&gt;Sched&lt;/b&gt;" in home and "<h3>&lt;i&gt;G&lt;/i&gt;</h3>" in home
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home and "<script>" not in home
    page = pages["incidents/2024-07-31-active.md"]
    assert page.title == "<script>alert(1)</script>"
    assert page.meta(escaped=True)["title"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert page.meta()["title"] == "<script>alert(1)</script>"


def test_only_home_and_history_are_navigation_and_listings_are_not_searched(technical):
    assert [p.src for p in technical.values() if p.in_nav] == ["index.md", "history.md"]
    assert technical["index.md"].meta()["search"] == {"exclude": True}
    assert "search" not in technical["incidents/2024-07-25-intrusion.md"].meta()
    assert technical["incidents/2024-07-25-intrusion.md"].meta()["hide"] == ["navigation", "toc"]


def test_page_markdown_is_front_matter_and_a_body_markdown_passes_through(technical):
    page = technical["incidents/2024-07-25-intrusion/technical.md"]
    text = page.markdown()
    assert text.startswith('---\ntitle: "Technical details: Security incident"\nhide: ["navigation", "toc"]\n'
                           'description: "Technical details for security teams: Security incident"\n')
    assert '"feeds": [{"href": "technical.rss", "title": "Technical updates for security teams (RSS)"' in text
    assert text.endswith("\n---\n\n" + page.body + "\n")
    assert markdown.markdown(page.body) == page.body


def test_rendering_is_deterministic(make_site):
    site = make_site({"2024-07-25-intrusion": TECHNICAL, "2024-07-31-active": ACTIVE})
    site.approve_all()
    release, _ = gate(site.load(), T)
    assert render_pages(release, SITE) == render_pages(release, SITE)


def test_a_bidi_override_in_an_indicator_is_shown_not_obeyed(make_site):
    """A malicious file name may really contain U+202E (ATT&CK T1036.002): the technical page
    shows it as <U+202E> so readers see the real order of the characters."""
    text = INCIDENT_YML.format(id="2024-07-31-outage") + (
        "    report:\n      summary: Dropper found.\n"
        '      indicators: [{type: filename, value: "invoice\\u202Efdp.exe", context: dropper}]\n')
    pages = pages_of(make_site, {"2024-07-31-outage": text}, at=datetime(2024, 8, 1, tzinfo=timezone.utc))
    body = pages["incidents/2024-07-31-outage/technical.md"].body
    assert "\u202e" not in body
    assert "invoice&lt;U+202E&gt;fdp.exe" in body


def _history_groups(body: str) -> list[tuple[str, list[str]]]:
    return [(title, re.findall(r'href="\.\./incidents/([^/"]+)/"', section))
            for title, section in re.findall(r'<h2>([^<]+)</h2><ul class="sk-list">(.*?)</ul></section>', body, re.S)]


def test_history_files_an_incident_by_its_start_and_a_maintenance_by_its_window():
    from pathlib import Path

    from statuskit.model.content import load_content

    repo = Path(__file__).resolve().parents[2]
    release, _ = gate(load_content(repo / "content"), datetime(2026, 11, 27, 18, tzinfo=timezone.utc))
    body = {p.src: p for p in render_pages(release, SITE)}["history.md"].body
    # the network maintenance was announced on 26 November for a window on 5 December: it is December's
    assert _history_groups(body) == [
        ("December 2026", ["2026-12-05-scheduling-network-maintenance"]),
        ("November 2026", ["2026-11-27-pharmacy-refills-degraded", "2026-11-24-ransomware-scheduling"]),
        ("October 2026", ["2026-10-14-pharmacy-refill-delays"]),
        ("August 2026", ["2026-08-21-ddos-website-partner-api"]),
        ("June 2026", ["2026-06-09-telehealth-video-provider"]),
        ("April 2026", ["2026-04-18-portal-database-upgrade"]),
        ("March 2026", ["2026-03-03-portal-sign-in-failures"]),
    ]
