"""STIX 2.1 bundles of the technical track, and indicators in technical prose defanged (issue 16,
items 2 and 3), on real MkDocs builds with real signatures.

Every bundle is checked by the OASIS validator (`stix2-validator`, strict: best-practice warnings
are errors), as a peer's tooling would. The embargo tests plant markers in embargoed technical
text and a report and search every output file of the built site before and after the embargo.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from conftest import COMPONENTS_YML, Site, teams_yml
from sitetools import FIXTURE_URL, build_content_site, files_containing
from stix2validator import ValidationOptions, validate_file

from statuskit.gate.release import gate
from statuskit.model.content import load_content
from statuskit.render.site import SiteInfo
from statuskit.render.stix import render_stix, stix_path

REPO = Path(__file__).resolve().parents[2]
AFTER_EMBARGOES = datetime.fromisoformat("2026-12-31T00:00:00+00:00")
"""Every demo embargo has lifted by then."""


def utc(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def validate(path: Path) -> list[str]:
    """The validator's errors and warnings for one bundle (strict: warnings count)."""
    result = validate_file(str(path), ValidationOptions(strict=True, version="2.1"))
    out = []
    for obj in result.object_results:
        out += [f"{obj.object_id}: {e}" for e in obj.errors] + [f"{obj.object_id}: {w}" for w in obj.warnings]
    return out if out or result.is_valid else ["invalid"]


def sign(site, iid: str, *updates: int) -> None:
    for n in updates:
        site.approve(iid, n, "comms", "alice")
        site.approve(iid, n, "security", "bob")


def bundle(site: Path, iid: str) -> dict:
    return json.loads((site / stix_path(iid)).read_text(encoding="utf-8"))


def objects(doc: dict, kind: str) -> list[dict]:
    return [o for o in doc["objects"] if o["type"] == kind]


# --- the demo ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("iid", ["2026-11-24-ransomware-scheduling", "2026-08-21-ddos-website-partner-api"])
def test_demo_bundles_pass_the_strict_validator(tmp_path, iid):
    release, _ = gate(load_content(REPO / "content"), AFTER_EMBARGOES)
    site = SiteInfo("Northbridge Health status", "https://status.example.org/")
    files = render_stix(release, site)
    assert files == render_stix(release, site)  # byte-reproducible: ids and times from the content
    path = tmp_path / "bundle.json"
    path.write_bytes(files[stix_path(iid)])
    assert validate(path) == []
    doc = json.loads(path.read_bytes())
    kinds = {o["type"] for o in doc["objects"]}
    assert {"identity", "incident", "report", "note"} <= kinds
    [report] = objects(doc, "report")
    assert set(report["object_refs"]) == {o["id"] for o in doc["objects"] if o["type"] not in ("identity", "report")}


def test_ransomware_bundle_carries_real_indicators_techniques_and_cves():
    release, _ = gate(load_content(REPO / "content"), AFTER_EMBARGOES)
    files = render_stix(release, SiteInfo("Northbridge Health status", "https://status.example.org/"))
    doc = json.loads(files[stix_path("2026-11-24-ransomware-scheduling")])
    patterns = {o["pattern"] for o in objects(doc, "indicator")}
    assert "[ipv4-addr:value = '203.0.113.47']" in patterns  # the real value, never defanged
    assert "[url:value = 'https://portal-docs-share.example/inv/NBH-2026-1187.docm']" in patterns
    assert not [p for p in patterns if "[.]" in p or "hxxp" in p]
    assert {o["external_references"][0]["external_id"] for o in objects(doc, "attack-pattern")} >= {"T1486", "T1190"}
    assert [o["name"] for o in objects(doc, "vulnerability")] == ["CVE-2024-3400"]


# --- embargo, revisions and prose, on built sites ------------------------------------------------------

INCIDENT = "2024-09-02-intrusion"
INCIDENT_YML = """\
id: 2024-09-02-intrusion
kind: incident
updates:
  - id: 1
    at: 2024-09-02T08:00:00Z
    status: investigating
    title: Unauthorised access to the booking system, 2 September 2024
    impact: major
    components: {scheduling: major_outage}
    public: We are investigating unauthorised access to the booking system. VISIBLEPUBLIC
    technical: |
      Outbound beacons from a booking server to 192.0.2.99 and to
      https://beacon-host.example.com/check every minute. VISIBLETECH
      Vendor guidance: https://www.cisa.gov/stopransomware
    report:
      summary: First look. VISIBLEREPORT
      indicators:
        - {type: ipv4, value: 192.0.2.10, context: first C2}
        - {type: domain, value: stale-c2.example.net, context: later found benign}
      attack_techniques: [T1071]
      references: [https://www.cisa.gov/stopransomware]
  - id: 2
    at: 2024-09-02T12:00:00Z
    status: identified
    public: We found the cause. VISIBLEPUBLICTWO
    technical: The second C2 was a false positive and is withdrawn from the indicators.
    report:
      summary: Revised. VISIBLEREVISED
      indicators:
        - {type: ipv4, value: 192.0.2.10, context: first C2}
      attack_techniques: [T1071]
      cves: [CVE-2024-3400]
      references: [https://www.cisa.gov/stopransomware]
  - id: 3
    at: 2024-09-02T16:00:00Z
    status: monitoring
    public: The system is back. VISIBLEPUBLICTHREE
    technical: Embargoed detail ZQSTIXTECH.
    technical_embargo_until: 2024-09-10T00:00:00Z
    report:
      summary: Embargoed report ZQSTIXREPORT.
      indicators:
        - {type: ipv4, value: 192.0.2.10, context: first C2}
        - {type: sha256, value: 5a1d3b7f6c2e4a8b9d0f1e2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2}
      attack_techniques: [T1071, T1567]
      cves: [CVE-2024-3400, CVE-2023-4966]
"""
# update 3's technical text, report, new indicator, technique and CVE: nothing of them before 10 Sep
EMBARGOED = ("ZQSTIXTECH", "ZQSTIXREPORT", "5a1d3b7f6c2e4a8b", "T1567", "CVE-2023-4966")


@pytest.fixture
def sites(make_site, tmp_path) -> dict[str, Path]:
    s = make_site({INCIDENT: INCIDENT_YML})
    sign(s, INCIDENT, 1, 2, 3)
    return {when: build_content_site(tmp_path, utc(at), s.sign_site)
            for when, at in (("before", "2024-09-05T00:00:00Z"), ("after", "2024-09-11T00:00:00Z"))}


def test_embargoed_technical_text_and_report_reach_no_output_until_the_embargo_lifts(sites):
    before, after = sites["before"], sites["after"]
    assert files_containing(before, *EMBARGOED) == {}  # every file: pages, feeds, API, search, STIX
    found = files_containing(after, *EMBARGOED)
    assert set(found) == set(EMBARGOED)
    assert all(stix_path(INCIDENT) in rels for rels in found.values())
    for site in (before, after):
        assert validate(site / stix_path(INCIDENT)) == []


def test_an_embargoed_revision_leaves_no_trace_in_the_bundle(sites, keys, tmp_path):
    """Not even as a count: before the embargo, the bundle is byte for byte the bundle of the same
    incident with update 3 holding only its public text."""
    two = Site(tmp_path / "two" / "content", keys)
    two.write("components.yml", COMPONENTS_YML)
    two.write("teams.yml", teams_yml(keys))
    # update 3's public part is published: only what the embargo holds is left out
    two.incident(INCIDENT, INCIDENT_YML[:INCIDENT_YML.index("    technical: Embargoed")])
    sign(two, INCIDENT, 1, 2, 3)
    release, _ = gate(load_content(two.root), utc("2024-09-05T00:00:00Z"))
    doc = render_stix(release, SiteInfo("Fixture status", FIXTURE_URL))
    assert (sites["before"] / stix_path(INCIDENT)).read_bytes() == doc[stix_path(INCIDENT)]


def test_an_indicator_a_revision_drops_is_revoked_not_removed(sites):
    doc = bundle(sites["before"], INCIDENT)
    by_name = {o["name"]: o for o in objects(doc, "indicator")}
    assert set(by_name) == {"192.0.2.10", "stale-c2.example.net"}
    dropped = by_name["stale-c2.example.net"]
    assert dropped["revoked"] is True
    assert (dropped["created"], dropped["modified"]) == ("2024-09-02T08:00:00.000Z", "2024-09-02T12:00:00.000Z")
    assert "revoked" not in by_name["192.0.2.10"]  # false, the default
    assert by_name["192.0.2.10"]["pattern"] == "[ipv4-addr:value = '192.0.2.10']"


def test_indicators_in_technical_prose_are_defanged_on_pages_and_feeds(sites):
    site = sites["before"]
    technical = (site / f"incidents/{INCIDENT}/technical/index.html").read_text(encoding="utf-8")
    assert "192[.]0[.]2[.]99" in technical and "hxxps://beacon-host[.]example[.]com/check" in technical
    # the report's own reference stays a live link
    assert 'href="https://www.cisa.gov/stopransomware"' in technical
    live = files_containing(site, "192.0.2.99", "beacon-host.example.com")
    # live only in the STIX bundle, the export for tools; never in a page, a feed, the search index or
    # the CSAF advisory's notes (text for people)
    assert {rel for rels in live.values() for rel in rels} == {stix_path(INCIDENT)}
    assert "192[.]0[.]2[.]99" in (site / f".well-known/csaf/white/2024/{INCIDENT}.json").read_text()
    atom = (site / "technical.atom").read_text(encoding="utf-8")
    assert "192[.]0[.]2[.]99" in atom


def test_the_technical_page_and_feed_link_the_bundle(sites):
    site = sites["before"]
    technical = (site / f"incidents/{INCIDENT}/technical/index.html").read_text(encoding="utf-8")
    assert (f'<a href="../../../{stix_path(INCIDENT)}" type="application/stix+json;version=2.1">STIX 2.1 bundle (JSON)</a>'
            in technical)
    url = f"{FIXTURE_URL}incidents/{INCIDENT}/technical/stix.json"
    for name in ("technical.atom", "technical.rss"):
        feed = feedparser.parse((site / name).read_bytes())
        assert len(feed.entries) == 2
        for entry in feed.entries:
            html = entry.content[0].value if name.endswith("atom") else entry.description
            assert f'<a href="{url}" type="application/stix+json;version=2.1">STIX 2.1 bundle (JSON)</a>' in html


def test_bundles_made_on_several_cores_are_the_same_bytes(monkeypatch):
    from statuskit.infra import parallel

    release, _ = gate(load_content(REPO / "content"), AFTER_EMBARGOES)
    site = SiteInfo("Northbridge Health status", "https://status.example.org/")
    serial = render_stix(release, site)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setenv("STATUSKIT_JOBS", "2")
    assert render_stix(release, site) == serial


def test_technical_notices_defang_what_the_prose_names_as_the_page_does(make_site):
    from statuskit.render.notices import notices

    s = make_site({INCIDENT: INCIDENT_YML})
    sign(s, INCIDENT, 1, 2, 3)
    release, _ = gate(load_content(s.root), utc("2024-09-05T00:00:00Z"))
    [first] = [n for n in notices(release, SiteInfo("Fixture status", FIXTURE_URL))
               if n.track == "technical" and n.update == 1]
    assert "192[.]0[.]2[.]99" in first.body and "hxxps://beacon-host[.]example[.]com/check" in first.body
    assert "192.0.2.99" not in first.body and "beacon-host.example.com" not in first.body
    assert "https://www.cisa.gov/stopransomware" in first.body  # the report's own reference stays live
