"""render_csaf: the CSAF files follow the settings; security.txt only with a contact."""

from __future__ import annotations

import dataclasses

from conftest import DEMO_AT, REPO

from statuskit.gate.release import gate
from statuskit.model.content import load_content
from statuskit.render.csaf import csaf_file_name, render_csaf
from statuskit.render.outputs import render_outputs
from statuskit.render.pages import render_pages
from statuskit.render.site import CsafSettings, SecurityTxt, SiteInfo

SITE = SiteInfo("Northbridge Health status", "https://status.northbridge-health.example/")


def release():
    return gate(load_content(REPO / "content"), DEMO_AT)[0]


def test_file_names_follow_csaf_section_5_1():
    assert csaf_file_name("2026-11-24-ransomware-scheduling") == "2026-11-24-ransomware-scheduling.json"
    assert csaf_file_name("Example Company - 2019-YH3234") == "example_company_-_2019-yh3234.json"
    assert csaf_file_name("RHBA-2019:0024") == "rhba-2019_0024.json"


def test_csaf_off_writes_no_csaf_file_and_no_link():
    site = dataclasses.replace(SITE, csaf=None, security_txt=SecurityTxt(("mailto:security@example.org",)))
    r = release()
    out = render_outputs(r, site)
    assert [p for p in out if p.startswith(".well-known/")] == [".well-known/security.txt"]
    assert b"CSAF" not in out[".well-known/security.txt"]
    assert b"csaf" not in out["technical.atom"].lower()
    pages = {p.url: p.body for p in render_pages(r, site)}
    assert "csaf" not in pages[""].lower()
    technical = pages["incidents/2026-11-24-ransomware-scheduling/technical/"]
    assert "csaf" not in technical.lower() and "STIX 2.1 bundle (JSON)" in technical  # the other export stays


def test_no_security_txt_without_a_contact_and_the_publisher_follows_the_settings():
    site = dataclasses.replace(SITE, csaf=CsafSettings(publisher="NBH CERT", category="coordinator",
                                                       namespace="https://cert.example/"))
    out = render_csaf(release(), site)
    assert ".well-known/security.txt" not in out
    assert b'"category": "coordinator"' in out[".well-known/csaf/provider-metadata.json"]
    assert b'"name": "NBH CERT"' in out[".well-known/csaf/white/2026/2026-11-24-ransomware-scheduling.json"]
