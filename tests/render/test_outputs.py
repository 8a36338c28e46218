"""Tests for statuskit.render.outputs: the file list, determinism, and that nothing withheld leaks."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from conftest import DEMO_AT, REPO

from statuskit.gate.release import gate
from statuskit.model.content import load_content
from statuskit.render.outputs import render_outputs
from statuskit.render.site import SiteInfo

SITE = SiteInfo("Northbridge Health status", "https://status.example.org/")
AT = datetime(2024, 8, 1, tzinfo=timezone.utc)

FIRST = """\
id: {id}
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Visible title {id}
    impact: minor
    components: {{website: degraded_performance}}
    public: Published text PUBLISHEDMARKER.
"""
LEAKS = {
    "leak-unapproved": """\
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    title: Title UNAPPROVEDMARKER
    public: Public UNAPPROVEDMARKER.
    technical: Technical UNAPPROVEDMARKER.
""",
    "leak-embargo": """\
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    embargo_until: 2030-01-01T00:00:00Z
    title: Title EMBARGOMARKER
    components: {website: major_outage}
    public: Public EMBARGOMARKER.
    technical: Technical EMBARGOMARKER.
""",
    "leak-technical": """\
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    technical_embargo_until: 2030-01-01T00:00:00Z
    public: A technical report will follow.
    technical: Technical TECHEMBARGOMARKER.
    report:
      summary: Summary TECHEMBARGOMARKER.
      indicators:
        - {type: domain, value: techembargomarker.example, context: C2}
""",
    "leak-retracted": """\
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    title: Title RETRACTEDMARKER
    public: Public RETRACTEDMARKER.
    technical: Technical RETRACTEDMARKER.
    report:
      summary: Summary RETRACTEDMARKER.
      indicators:
        - {type: domain, value: retractedmarker.example, context: C2}
  - id: 3
    at: 2024-07-31T10:30:00Z
    status: identified
    retracts: 2
    title: Corrected title
    public: We withdrew our 10:00 update.
""",
}
MARKERS = ("UNAPPROVEDMARKER", "EMBARGOMARKER", "TECHEMBARGOMARKER", "RETRACTEDMARKER")


@pytest.fixture
def leaky(make_site):
    site = make_site({iid: FIRST.format(id=iid) + rest for iid, rest in LEAKS.items()})
    content = site.load()
    for inc in content.incidents:
        for u in inc.updates:
            if (inc.id, u.id) != ("leak-unapproved", 2):
                site.approve(inc.id, u.id, "comms", "alice")
                site.approve(inc.id, u.id, "security", "bob")
    release, report = gate(site.load(), AT)
    assert {(h.incident, h.update, h.reason) for h in report.held} >= {
        ("leak-unapproved", 2, "unapproved"), ("leak-embargo", 2, "embargoed"),
        ("leak-technical", 2, "technical-embargo")}
    return release


def test_nothing_withheld_appears_in_any_output(leaky):
    files = render_outputs(leaky, SITE)
    blob = b"\n".join(files.values()).lower()
    assert b"publishedmarker" in blob  # the check can see text that is published
    assert b"we withdrew our 10:00 update" in blob
    for marker in MARKERS:
        for form in (marker.lower(), f"{marker.lower()}[.]example"):
            assert form.encode() not in blob, (marker, [p for p, d in files.items() if form.encode() in d.lower()])


def test_withheld_updates_still_show_as_published_elsewhere(leaky):
    """The embargoed update does not change status; the held technical track leaves the public text."""
    files = render_outputs(leaky, SITE)
    assert b"A technical report will follow." in files["history.atom"]
    assert b"leak-technical/technical/" not in files["technical.atom"]
    assert b"Website: Degraded performance" in files["components/website/badge.svg"]


def test_render_outputs_is_deterministic_and_lists_every_file():
    def build() -> dict[str, bytes]:
        release, _ = gate(load_content(REPO / "content"), DEMO_AT)
        return render_outputs(release, SITE)

    first, second = build(), build()
    assert first == second
    assert list(first) == sorted(first)
    release, _ = gate(load_content(REPO / "content"), DEMO_AT)
    expected = {"history.rss", "history.atom", "technical.rss", "technical.atom", "badge.svg", "approvals.json",
                "maintenance.ics", "_headers"}
    expected |= {f"api/v2/{e}" for e in (
        "summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
        "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json",
        "scheduled-maintenances/active.json")}
    for v in release.components:
        expected |= {f"components/{v.id}/history.rss", f"components/{v.id}/history.atom",
                     f"components/{v.id}/badge.svg", f"components/{v.id}/maintenance.ics"}
    expected |= {f"incidents/{inc.id}/technical/stix.json" for inc in release.incidents if inc.has_technical}
    expected |= {".well-known/csaf/provider-metadata.json", ".well-known/csaf/white/index.txt",
                 ".well-known/csaf/white/changes.csv"}
    expected |= {f".well-known/csaf/white/2026/{iid}.json"
                 for iid in ("2026-08-21-ddos-website-partner-api", "2026-11-24-ransomware-scheduling")}
    assert set(first) == expected
    assert all(isinstance(data, bytes) and data for data in first.values())


# --- _headers (Netlify, Cloudflare Pages) -----------------------------------------------------

def parse_headers_file(text: str) -> list[tuple[str, dict[str, str]]]:
    """The rules of a ``_headers`` file as Netlify and Cloudflare Pages document them: ``#`` starts
    a comment line, an unindented line is a URL pattern, indented ``Name: value`` lines below it are
    its headers (a line of neither kind is refused)."""
    rules: list[tuple[str, dict[str, str]]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            assert line.startswith("/") and " " not in line, f"line {n}: a path: {line!r}"
            rules.append((line, {}))
            continue
        name, sep, value = line.strip().partition(":")
        assert rules and sep and name and re.fullmatch(r"[A-Za-z0-9-]+", name), f"line {n}: {line!r}"
        rules[-1][1][name] = value.strip()
    return rules


def headers_for(rules, path: str) -> dict[str, str]:
    """What a host sends for ``path``: every matching rule's headers (``*`` matches anything)."""
    out: dict[str, str] = {}
    for pattern, headers in rules:
        if re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), path):
            out.update(headers)
    return out


def test_headers_file_lets_any_origin_read_the_api_and_nothing_else_changes():
    release, _ = gate(load_content(REPO / "content"), DEMO_AT)
    files = render_outputs(release, SITE)
    rules = parse_headers_file(files["_headers"].decode("utf-8"))
    api = [p for p in files if p.startswith("api/v2/")]
    assert len(api) == 8
    for path in api:
        assert headers_for(rules, "/" + path) == {"Access-Control-Allow-Origin": "*"}
    for path in ("/", "/index.html", "/history/", "/approvals.json", "/badge.svg", "/apix/summary.json"):
        assert headers_for(rules, path) == {}


def test_parse_headers_file_refuses_what_a_host_would_not_read():
    with pytest.raises(AssertionError):
        parse_headers_file("  Access-Control-Allow-Origin: *\n")  # a header before any path
    with pytest.raises(AssertionError):
        parse_headers_file("/api/*\n  not a header\n")
