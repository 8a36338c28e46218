"""CSAF 2.0 advisories, their distribution files and security.txt, in real MkDocs builds.

The demo's documents are checked with the BSI reference validator (@secvisogram/csaf-validator-lib,
basic and extended rule sets, run through Node): no errors, no warnings. Node and npm come from the
system (.ci/run installs them); the validator is installed by npm into pytest's cache folder.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sitetools import REPO, build_content_site, files_containing, site_files

from statuskit.errors import StatuskitError
from statuskit.publish.build import build_site

VALIDATOR = "@secvisogram/csaf-validator-lib"
VALIDATOR_VERSION = "2.0.10"
LATER = datetime(2026, 12, 9, tzinfo=timezone.utc)
"""After the ransomware report's technical embargo (2026-12-08)."""
WHITE = ".well-known/csaf/white/"
DEMO_DOCS = {f"{WHITE}2026/2026-08-21-ddos-website-partner-api.json",
             f"{WHITE}2026/2026-11-24-ransomware-scheduling.json"}

SCRIPT = """\
import { readFileSync } from 'node:fs'
import * as extended from '%(lib)s/extended.js'
import validate from '%(lib)s/validate.js'
const out = {}
for (const file of process.argv.slice(2)) {
  const r = await validate(Object.values(extended), JSON.parse(readFileSync(file, 'utf8')))
  out[file] = { isValid: r.isValid, problems: r.tests.filter(t => t.errors.length || t.warnings.length || t.infos.length)
    .map(t => ({ name: t.name, errors: t.errors, warnings: t.warnings, infos: t.infos })) }
}
console.log(JSON.stringify(out))
""" % {"lib": VALIDATOR}


@pytest.fixture(scope="session")
def csaf_validator(request, tmp_path_factory):
    """validate(paths) -> {path: {isValid, problems}}: the validator's basic and extended tests (extended.js
    holds both) on each file."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed (the CSAF validator runs on Node; .ci/run installs "
                    "nodejs and npm with apt)")
    cache = getattr(request.config, "cache", None)
    folder = Path(cache.mkdir(f"csaf-validator-{VALIDATOR_VERSION}")) if cache is not None \
        else tmp_path_factory.mktemp("csaf-validator")
    installed = folder / "node_modules" / VALIDATOR / "package.json"
    if not installed.is_file() or json.loads(installed.read_text())["version"] != VALIDATOR_VERSION:
        (folder / "package.json").write_text('{"private": true, "type": "module"}\n')
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder),
                               f"{VALIDATOR}@{VALIDATOR_VERSION}"], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"npm could not install {VALIDATOR}@{VALIDATOR_VERSION}:\n{done.stderr}"
    (folder / "validate.mjs").write_text(SCRIPT)

    def validate(paths: list[Path]) -> dict[str, dict]:
        done = subprocess.run([node, str(folder / "validate.mjs"), *map(str, paths)], capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return validate


@pytest.fixture(scope="module")
def demo_later(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo-later") / "site"
    build_site(REPO / "mkdocs.yml", site_dir=out, at=LATER)
    return out


def csaf_files(site: Path) -> set[str]:
    return {rel for rel, _ in site_files(site) if rel.startswith(WHITE) and rel.endswith(".json")}


def doc(site: Path, rel: str) -> dict:
    return json.loads((site / rel).read_text(encoding="utf-8"))


@pytest.mark.network
def test_demo_advisories_pass_the_bsi_validator_without_warnings(demo_site, demo_later, csaf_validator):
    for site in (demo_site, demo_later):
        assert csaf_files(site) == DEMO_DOCS
        results = csaf_validator([site / rel for rel in sorted(DEMO_DOCS)])
        assert len(results) == 2
        for path, result in results.items():
            assert result == {"isValid": True, "problems": []}, path


def test_ransomware_advisory_follows_the_published_technical_track(demo_site, demo_later):
    rel = f"{WHITE}2026/2026-11-24-ransomware-scheduling.json"
    now, later = doc(demo_site, rel), doc(demo_later, rel)
    d = now["document"]
    assert d["category"] == "csaf_security_incident_response" and d["csaf_version"] == "2.0"
    assert d["distribution"] == {"tlp": {"label": "WHITE", "url": "https://www.first.org/tlp/"}}
    assert d["publisher"] == {"category": "vendor", "name": "Northbridge Health",
                              "namespace": "https://northbridge-health.example/",
                              "contact_details": "security@northbridge-health.example"}
    t = d["tracking"]
    # updates 1-4 are public; the reports of 5 and 6 wait for 2026-12-08 (not even counted)
    assert (t["id"], t["status"], t["version"]) == ("2026-11-24-ransomware-scheduling", "final", "4")
    assert [(r["number"], r["date"]) for r in t["revision_history"]] == [
        ("1", "2026-11-24T07:30:00Z"), ("2", "2026-11-24T10:00:00Z"), ("3", "2026-11-24T17:45:00Z"),
        ("4", "2026-11-25T15:45:00Z")]
    assert (t["initial_release_date"], t["current_release_date"]) == ("2026-11-24T07:30:00Z", "2026-11-25T15:45:00Z")
    assert "vulnerabilities" not in now and "CVE-2024-3400" not in json.dumps(now)
    urls = {r["category"]: r["url"] for r in d["references"] if r["category"] == "self"}
    assert urls == {"self": "https://status.northbridge-health.example/" + rel}
    assert {r["url"] for r in d["references"] if r["category"] == "external"} >= {
        "https://status.northbridge-health.example/incidents/2026-11-24-ransomware-scheduling/",
        "https://status.northbridge-health.example/incidents/2026-11-24-ransomware-scheduling/technical/"}
    # after the embargo: the two report revisions are revisions 5 and 6, dated by the embargo's end
    t = later["document"]["tracking"]
    assert [(r["number"], r["date"], r["summary"]) for r in t["revision_history"][4:]] == [
        ("5", "2026-12-08T00:00:00Z", "Update 5; technical report revision 1"),
        ("6", "2026-12-08T00:00:00Z", "Update 6; technical report revision 2")]
    assert t["revision_history"][:4] == now["document"]["tracking"]["revision_history"]  # nothing renumbered
    assert later["product_tree"] == {"full_product_names": [{
        "name": "Palo Alto Networks PAN-OS 10.2.9 (GlobalProtect gateway)", "product_id": "CSAFPID-0001",
        "product_identification_helper": {"cpe": "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:-:*:*:*:*:*:*"}}]}
    [vuln] = later["vulnerabilities"]
    assert vuln["cve"] == "CVE-2024-3400"
    [score] = vuln["scores"]
    assert score["products"] == ["CSAFPID-0001"]
    assert (score["cvss_v3"]["baseScore"], score["cvss_v3"]["baseSeverity"]) == (10.0, "CRITICAL")
    assert score["cvss_v3"]["vectorString"] == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"
    # the technical page shows the same base score
    page = (demo_later / "incidents/2026-11-24-ransomware-scheduling/technical/index.html").read_text()
    assert "CVE-2024-3400 (CVSS 10.0)</a>" in page
    # indicators are defanged in the advisory too
    assert "203[.]0[.]113[.]88" in json.dumps(later) and "203.0.113.88" not in json.dumps(later)


def test_distribution_files_list_the_published_advisories(demo_site):
    base = "https://status.northbridge-health.example/"
    assert (demo_site / WHITE / "index.txt").read_text() == (
        "2026/2026-08-21-ddos-website-partner-api.json\n2026/2026-11-24-ransomware-scheduling.json\n")
    assert (demo_site / WHITE / "changes.csv").read_text() == (
        '"2026/2026-11-24-ransomware-scheduling.json","2026-11-25T15:45:00Z"\n'
        '"2026/2026-08-21-ddos-website-partner-api.json","2026-08-21T18:40:00Z"\n')
    meta = doc(demo_site, ".well-known/csaf/provider-metadata.json")
    assert meta["canonical_url"] == base + ".well-known/csaf/provider-metadata.json"
    assert meta["distributions"] == [{"directory_url": base + WHITE}]
    assert meta["last_updated"] == "2026-11-25T15:45:00Z"
    assert (meta["metadata_version"], meta["role"]) == ("2.0", "csaf_publisher")
    assert (demo_site / ".well-known/security.txt").read_text() == (
        "Contact: mailto:security@northbridge-health.example\n"
        "Expires: 2027-05-26T18:00:00Z\n"  # T + 180 days
        "Preferred-Languages: en\n"
        f"Canonical: {base}.well-known/security.txt\n"
        f"CSAF: {base}.well-known/csaf/provider-metadata.json\n")


def _hrefs(html: str, page: str) -> set[str]:
    """Links of a page, resolved to paths relative to the site root."""
    return {posixpath.normpath(posixpath.join(page, h)) for h in re.findall(r'href="([^"#]+)"', html)
            if "://" not in h}


def test_technical_page_feeds_and_home_link_the_exports(demo_site):
    rel = f"{WHITE}2026/2026-11-24-ransomware-scheduling.json"
    page = "incidents/2026-11-24-ransomware-scheduling/technical/"
    html = (demo_site / page / "index.html").read_text()
    assert '<section class="sk-exports" id="exports" data-search-exclude><h2>Machine-readable exports</h2>' in html
    assert rel in _hrefs(html, page) and (demo_site / rel).is_file()
    home = (demo_site / "index.html").read_text()
    links = _hrefs(home.split('<footer class="sk-home-footer"', 1)[1], "")
    assert {".well-known/csaf/provider-metadata.json", ".well-known/security.txt"} <= links
    for feed in ("technical.rss", "technical.atom"):
        text = (demo_site / feed).read_text()
        assert text.count(f"https://status.northbridge-health.example/{rel}") >= 4, feed  # each of updates 1-4
    # the public incident page and public feeds do not offer them
    assert "csaf" not in (demo_site / "incidents/2026-11-24-ransomware-scheduling/index.html").read_text().lower()
    assert "csaf" not in (demo_site / "history.rss").read_text().lower()


INCIDENT = "2024-07-30-csaf-leak"
LEAKY = f"""\
id: {INCIDENT}
kind: incident
updates:
  - id: 1
    at: 2024-07-30T09:00:00Z
    status: investigating
    title: File server intrusion
    impact: major
    public: Published text VISIBLEPUBLIC.
    technical: Technical VISIBLETECHNICAL from the first hours.
  - id: 2
    at: 2024-07-30T12:00:00Z
    status: identified
    technical_embargo_until: 2024-08-10T00:00:00Z
    public: Published text VISIBLESECOND.
    technical: Technical MARKERCSAFTECH
    report:
      summary: Summary MARKERCSAFREPORT
      indicators: [{{type: domain, value: markercsafioc.example, context: C2}}]
      cves: [CVE-2099-424242]
      cvss: [{{cve: CVE-2099-424242, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", product: MARKERCSAFPRODUCT}}]
"""
WHOLE = "2024-07-29-csaf-whole"
WHOLE_YML = f"""\
id: {WHOLE}
kind: incident
updates:
  - id: 1
    at: 2024-07-29T09:00:00Z
    status: resolved
    title: Mailbox compromise
    impact: minor
    technical_embargo_until: 2024-08-10T00:00:00Z
    public: Published text VISIBLEWHOLE.
    technical: Technical MARKERCSAFWHOLE
"""
MARKERS = ("MARKERCSAFTECH", "MARKERCSAFREPORT", "markercsafioc", "CVE-2099-424242", "MARKERCSAFPRODUCT",
           "MARKERCSAFWHOLE")


def test_embargoed_technical_text_and_reports_reach_no_advisory_until_the_embargo_lifts(make_site, tmp_path):
    s = make_site({INCIDENT: LEAKY, WHOLE: WHOLE_YML})
    s.approve_all()
    before = build_content_site(tmp_path, datetime(2024, 8, 1, tzinfo=timezone.utc), s.sign_site)
    rel = f"{WHITE}2024/{INCIDENT}.json"
    # before: no marker in any file of the site (advisories, index files and provider metadata included)
    assert files_containing(before, *MARKERS) == {}
    assert csaf_files(before) == {rel}  # the wholly embargoed track has no advisory, not even an entry
    d = doc(before, rel)
    assert d["document"]["tracking"]["version"] == "1" and "vulnerabilities" not in d and "product_tree" not in d
    assert "VISIBLETECHNICAL" in json.dumps(d)
    assert (before / WHITE / "index.txt").read_text() == f"2024/{INCIDENT}.json\n"
    assert doc(before, ".well-known/csaf/provider-metadata.json")["last_updated"] == "2024-07-30T09:00:00Z"
    # after: both appear, with their revisions dated by the embargo's end
    after = build_content_site(tmp_path, datetime(2024, 8, 11, tzinfo=timezone.utc))
    found = files_containing(after, *MARKERS)
    assert set(found) == set(MARKERS)
    assert rel in found["MARKERCSAFTECH"] and rel in found["MARKERCSAFREPORT"] and rel in found["CVE-2099-424242"]
    assert f"{WHITE}2024/{WHOLE}.json" in found["MARKERCSAFWHOLE"]
    d = doc(after, rel)
    assert [(r["number"], r["date"]) for r in d["document"]["tracking"]["revision_history"]] == [
        ("1", "2024-07-30T09:00:00Z"), ("2", "2024-08-10T00:00:00Z")]
    assert d["vulnerabilities"][0]["scores"][0]["cvss_v3"]["baseScore"] == 9.8
    assert (after / WHITE / "index.txt").read_text() == f"2024/{WHOLE}.json\n2024/{INCIDENT}.json\n"
    assert doc(after, ".well-known/csaf/provider-metadata.json")["last_updated"] == "2024-08-10T00:00:00Z"


def test_bad_security_txt_settings_stop_the_build_with_file_line_and_field(make_site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = make_site({INCIDENT: LEAKY})
    s.approve_all()
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Fixture status\nsite_url: https://status.fixture.example/\ndocs_dir: docs\n"
        "theme:\n  name: material\n  font: false\nplugins:\n  - search\n  - statuskit:\n"
        "      csaf:\n        namespace: http://example.org/\n"
        "      security_txt:\n        contact: [security@example.org]\n", encoding="utf-8")
    with pytest.raises(StatuskitError) as err:
        build_site(tmp_path / "mkdocs.yml", site_dir=tmp_path / "out", at=datetime(2024, 8, 1, tzinfo=timezone.utc))
    assert str(err.value).splitlines() == [
        "mkdocs.yml:11: plugins.statuskit.csaf.namespace: 'http://example.org/' is not an https URL; CSAF's "
        "publisher namespace is the publisher's web address, such as https://www.example.org/",
        "mkdocs.yml:13: plugins.statuskit.security_txt.contact[0]: 'security@example.org' is not a contact URI; "
        "write mailto:security@example.org, https://example.org/security or tel:+1-201-555-0123 (RFC 9116)"]
