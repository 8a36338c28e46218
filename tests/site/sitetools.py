"""Helpers for the built-site tests: a fixture site full of markers and hostile input, and
scanners that read every file of a built site.

The fixture site (built once per session by tests/site/conftest.py) holds, besides ordinary
published updates, text that must never reach the site -- each marked with a unique word --
and XSS payloads in every text field, title and name.
"""

from __future__ import annotations

import gzip
import textwrap
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from statuskit.gate.digest import digest, statement
from statuskit.ssh.sshsig import sign
from statuskit.model.content import load_content

REPO = Path(__file__).resolve().parents[2]
DEMO_AT = datetime(2026, 11, 27, 18, 0, tzinfo=timezone.utc)
FIXTURE_AT = datetime(2024, 8, 1, 12, 0, tzinfo=timezone.utc)
FIXTURE_URL = "https://status.fixture.example/"
NAMESPACE = "statuskit-approval@status.fixture.example"

MARKERS = {
    "unapproved": "MARKERUNAPPROVED",
    "half-approved": "MARKERHALFAPPROVED",
    "whole-incident-unapproved": "MARKERWHOLE",
    "embargoed": "MARKEREMBARGOED",
    "technical-embargo": "MARKERTECHEMBARGO",
    "retracted": "MARKERRETRACTED",
    "future": "MARKERFUTURE",
    "pending-maintenance": "MARKERPENDINGMAINT",
    "unapproved-window-change": "MARKERMAINTMOVE",
}
"""What each marker stands for -> the marker (compared case-insensitively)."""
WITHHELD_TIMES = {
    "retracted update's at": "14:33",
    "retracted update's next_update_at": "16:47",
}
"""Times of a withdrawn update, as any output would write them (its marker is dated by its retraction)."""

FIXTURE_MKDOCS_YML = f"""\
site_name: Fixture status
site_url: {FIXTURE_URL}
docs_dir: docs
theme:
  name: material
  font: false
plugins:
  - search
  - statuskit
"""

COMPONENTS = """\
components:
  - id: patient-portal
    name: Patient portal
    group: Clinical services
    start_date: 2024-07-01
  - id: xss-component
    name: "<script>alert('xss-comp')</script> Records"
    description: "\\"><svg onload=alert('xss-desc')>"
    group: "<img src=x onerror=alert('xss-group')>"
    start_date: 2024-07-15
  - id: website
    name: Website
"""

INCIDENTS = {
    # published update 1; update 2 has only one team's approval
    "2024-07-30-unapproved": """\
id: 2024-07-30-unapproved
kind: incident
updates:
  - id: 1
    at: 2024-07-30T09:00:00Z
    status: investigating
    title: Portal is slow for some patients
    impact: minor
    components: {patient-portal: degraded_performance}
    public: Published text VISIBLEONE about the slow portal.
  - id: 2
    at: 2024-07-30T10:00:00Z
    status: identified
    title: Title MARKERUNAPPROVED
    components: {patient-portal: major_outage}
    affected_customers: People MARKERUNAPPROVED
    public: Public MARKERUNAPPROVED
    technical: Technical MARKERUNAPPROVED
    report:
      summary: Summary MARKERUNAPPROVED
      indicators: [{type: domain, value: markerunapproved.example}]
""",
    # an incident none of whose updates is approved by both teams
    "2024-07-31-markerwhole": """\
id: 2024-07-31-markerwhole
kind: incident
updates:
  - id: 1
    at: 2024-07-31T08:00:00Z
    status: investigating
    title: Title MARKERWHOLE
    impact: major
    components: {website: major_outage}
    public: Public MARKERWHOLE
  - id: 2
    at: 2024-07-31T08:30:00Z
    status: identified
    public: Public MARKERHALFAPPROVED
""",
    # update 2 is approved but under embargo at T
    "2024-07-30-embargoed": """\
id: 2024-07-30-embargoed
kind: incident
updates:
  - id: 1
    at: 2024-07-30T11:00:00Z
    status: investigating
    title: Website errors
    impact: minor
    components: {website: partial_outage}
    public: Published text VISIBLETWO about website errors.
  - id: 2
    at: 2024-07-30T12:00:00Z
    status: identified
    embargo_until: 2024-08-02T00:00:00Z
    title: Title MARKEREMBARGOED
    data_exposure: confirmed
    public: Public MARKEREMBARGOED
    technical: Technical MARKEREMBARGOED
""",
    # the technical track of a published update is embargoed
    "2024-07-30-tech-embargo": """\
id: 2024-07-30-tech-embargo
kind: incident
updates:
  - id: 1
    at: 2024-07-30T13:00:00Z
    status: resolved
    title: Intrusion on a file server
    impact: major
    technical_embargo_until: 2024-08-14T00:00:00Z
    public: Published text VISIBLETHREE about the intrusion.
    technical: Technical MARKERTECHEMBARGO from markertechembargo.example
    report:
      summary: Summary MARKERTECHEMBARGO
      root_cause: Root cause MARKERTECHEMBARGO
      indicators: [{type: domain, value: markertechembargo.example, context: C2 MARKERTECHEMBARGO}]
      attack_techniques: [T1486]
""",
    # update 2 is retracted by update 3
    "2024-07-30-retracted": """\
id: 2024-07-30-retracted
kind: incident
updates:
  - id: 1
    at: 2024-07-30T14:00:00Z
    status: investigating
    title: Telehealth calls dropping
    impact: minor
    public: Published text VISIBLEFOUR about dropped calls.
  - id: 2
    at: 2024-07-30T14:33:17Z
    status: resolved
    title: Title MARKERRETRACTED
    impact: critical
    components: {patient-portal: major_outage}
    next_update_at: 2024-07-30T16:47:29Z
    customer_actions: [{id: wrong-advice, text: Action MARKERRETRACTED}]
    public: Public MARKERRETRACTED
    technical: Technical MARKERRETRACTED
  - id: 3
    at: 2024-07-30T15:00:00Z
    status: identified
    retracts: 2
    title: Telehealth calls dropping (update withdrawn)
    public: We withdrew the 14:30 UTC update; it was posted here by mistake. VISIBLEFIVE
""",
    # approved, but its time is after T
    "2024-08-05-markerfuture": """\
id: 2024-08-05-markerfuture
kind: maintenance
updates:
  - id: 1
    at: 2024-08-05T09:00:00Z
    status: scheduled
    title: Title MARKERFUTURE
    impact: maintenance
    scheduled: {from: 2024-08-10T01:00:00Z, until: 2024-08-10T02:00:00Z}
    public: Public MARKERFUTURE
""",
    # a maintenance none of whose updates is approved by both teams: in no page, feed or calendar
    "2024-08-06-markerpendingmaint": """\
id: 2024-08-06-markerpendingmaint
kind: maintenance
updates:
  - id: 1
    at: 2024-07-31T10:00:00Z
    status: scheduled
    title: Title MARKERPENDINGMAINT
    impact: maintenance
    scheduled: {from: 2024-08-06T01:00:00Z, until: 2024-08-06T02:00:00Z}
    components: {website: under_maintenance}
    public: Public MARKERPENDINGMAINT
""",
    # a published maintenance (update 1) whose window change (update 2) has one team's approval only
    "2024-08-02-portal-upgrade": """\
id: 2024-08-02-portal-upgrade
kind: maintenance
updates:
  - id: 1
    at: 2024-07-29T10:00:00Z
    status: scheduled
    title: Portal upgrade
    impact: maintenance
    scheduled: {from: 2024-08-02T01:00:00Z, until: 2024-08-02T03:00:00Z}
    components: {patient-portal: under_maintenance}
    public: Published text VISIBLESIX about the portal upgrade.
  - id: 2
    at: 2024-07-30T10:00:00Z
    status: scheduled
    title: Title MARKERMAINTMOVE
    scheduled: {from: 2024-08-09T01:17:00Z, until: 2024-08-09T03:00:00Z}
    public: Public MARKERMAINTMOVE
""",
    # hostile input everywhere
    "2024-07-31-xss": textwrap.dedent("""\
    id: 2024-07-31-xss
    kind: incident
    updates:
      - id: 1
        at: 2024-07-31T09:00:00Z
        status: investigating
        title: "<script>alert('xss-title')</script> Records <img src=x onerror=alert('xss-title-img')>"
        impact: major
        components: {xss-component: major_outage}
        affected_customers: "<b onmouseover=alert('xss-facts')>everyone</b>"
        data_categories: ["<script>alert('xss-cat')</script>"]
        customer_actions: [{id: act, text: "[Click me](javascript:alert('xss-action'))"}]
        public: |
          <script>alert('xss-public')</script>
          <img src=x onerror=alert('xss-img')>

          A [js link](javascript:alert('xss-link')), a [data link](data:text/html;base64,PHNjcmlwdD4=)
          and a [vb link](vbscript:msgbox(1)); a <a href="javascript:alert('xss-a')">raw link</a>.

          <iframe src="https://evil.example/frame"></iframe>

          ![pixel](https://evil.example/pixel.png)

          <javascript:alert('xss-autolink')> and a fine [reference](https://example.org/ok).
        technical: |
          <script>alert('xss-technical')</script> See [the payload](https://evil.example/payload)
          and <https://evil.example/payload>.
        report:
          summary: "<script>alert('xss-report')</script>"
          timeline: [{at: 2024-07-31T08:00:00Z, event: "<img src=x onerror=alert('xss-timeline')>"}]
          indicators:
            - {type: other, value: "\\"><script>alert('xss-ioc')</script>", context: "<svg onload=alert('xss-ctx')>"}
            - {type: url, value: "https://evil.example/payload", context: Payload}
          detection: |
            ```
            </code></pre><script>alert('xss-code')</script>
            ```
          references: ["https://example.org/ref"]
    """),
}


def write_fixture_content(root: Path, keys) -> None:
    """The fixture content folder at ``root``, with real signatures (alice: comms, bob: security)."""
    (root / "incidents").mkdir(parents=True)
    (root / "components.yml").write_text(COMPONENTS, encoding="utf-8")
    lines = [f"namespace: {NAMESPACE}", "required_teams: [comms, security]", "members:"]
    for m in ("alice", "bob"):
        lines += [f"  {m}:", f"    name: {m.capitalize()} Example", f'    keys: ["{keys[m].public}"]']
    lines += ["teams:", "  comms: [alice]", "  security: [bob]", "revoked_keys: []"]
    (root / "teams.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for iid, text in INCIDENTS.items():
        (root / "incidents" / f"{iid}.yml").write_text(text, encoding="utf-8")
    content = load_content(root)
    only_comms = {("2024-07-30-unapproved", 2), ("2024-07-31-markerwhole", 1), ("2024-07-31-markerwhole", 2),
                  ("2024-08-06-markerpendingmaint", 1), ("2024-08-02-portal-upgrade", 2)}
    for inc in content.incidents:
        for u in inc.updates:
            teams = [("comms", "alice")] if (inc.id, u.id) in only_comms else [("comms", "alice"), ("security", "bob")]
            for team, member in teams:
                path = root / "approvals" / inc.id / str(u.id) / f"{team}--{member}.sig"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(sign(keys[member].private, NAMESPACE, statement(inc.id, u.id, digest(u), team, member)))


def site_files(site: Path) -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every file under ``site``; .gz files also decompressed."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        rel = path.relative_to(site).as_posix()
        yield rel, data
        if path.suffix == ".gz":
            yield rel + " (decompressed)", gzip.decompress(data)


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


def elements(html: str) -> Elements:
    p = Elements()
    p.feed(html)
    p.close()
    return p


def build_content_site(project: Path, at: datetime, sign_site=None) -> Path:
    """Build ``project``/content (e.g. a ``make_site`` folder) into a fresh site with the fixture's
    mkdocs.yml (a real MkDocs build); returns the site folder. ``sign_site`` (e.g. ``Site.sign_site``)
    approves the site files first, as a publishing build requires."""
    from statuskit.publish.build import build_site

    (project / "mkdocs.yml").write_text(FIXTURE_MKDOCS_YML, encoding="utf-8")
    (project / "docs").mkdir(exist_ok=True)
    if sign_site is not None:
        sign_site()
    out = project / f"site-{at:%Y%m%dT%H%M%S}"
    build_site(project / "mkdocs.yml", site_dir=out, at=at)
    return out


def files_containing(site: Path, *needles: str) -> dict[str, list[str]]:
    """needle -> every file of ``site`` (gzip decompressed too) that contains it, case-insensitively."""
    files = [(rel, data.lower()) for rel, data in site_files(site)]
    found = {n: [rel for rel, data in files if n.lower().encode() in data] for n in needles}
    return {n: rels for n, rels in found.items() if rels}
