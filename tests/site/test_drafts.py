"""`statuskit build --drafts` / `serve --drafts`: a preview of the release as if every pending update were
approved, marked on every page and output, with a pending-changes panel; never published (real MkDocs builds,
real ssh-keygen signatures)."""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitetools import FIXTURE_AT, MARKERS, files_containing, site_files, tree

from statuskit.cli.main import cli
from statuskit.errors import StatuskitError
from statuskit.gate.approvals import all_approvals
from statuskit.gate.drafts import drafts
from statuskit.gate.release import gate, pending_updates, refuse_assumed, regate_incident
from statuskit.model.content import load_content
from statuskit.publish.build import BuildOptions

AT = "2024-08-01T12:00:00Z"
LATER = "2024-08-02T06:00:00Z"

# a new incident nobody approved yet, embargoed past T: even a drafts preview holds it until --at moves T
HELD_DRAFT = """\
id: 2024-08-01-held-draft
kind: incident
updates:
  - id: 1
    at: 2024-08-01T11:00:00Z
    embargo_until: 2024-08-02T06:00:00Z
    status: investigating
    title: Title MARKERDRAFTHELD
    impact: minor
    components: {website: partial_outage}
    public: Public MARKERDRAFTHELD
"""


@pytest.fixture
def project(tmp_path, fixture_project) -> Path:
    """A copy of the fixture project plus one embargoed draft nobody approved."""
    dst = tmp_path / "project"
    shutil.copytree(fixture_project, dst, ignore=shutil.ignore_patterns("site"))
    (dst / "content/incidents/2024-08-01-held-draft.yml").write_text(HELD_DRAFT)
    return dst


def build(project: Path, *args: str, at: str = AT):
    return CliRunner().invoke(cli, ["build", "--config-file", str(project / "mkdocs.yml"), "--at", at, *args],
                              catch_exceptions=False)


class _Text(HTMLParser):
    """The text of the first element with ``cls`` in its class, lines joined by single spaces."""

    def __init__(self, cls: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cls, self.depth, self.parts = cls, 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in ("br", "img", "input", "meta", "link")
            self.parts.append(" ")
        elif self.cls in (dict(attrs).get("class") or "").split() and not self.parts:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self.parts.append(" ")

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(html: str, cls: str) -> str:
    p = _Text(cls)
    p.feed(html)
    return " ".join("".join(p.parts).split())


@pytest.fixture
def drafts_site(project) -> Path:
    result = build(project, "--drafts", "--site-dir", str(project / "drafts"))
    assert result.exit_code == 0, result.output
    out = project / "drafts"
    files = sum(1 for p in out.rglob("*") if p.is_file())
    assert re.fullmatch(r"built a DRAFTS PREVIEW \(as if every pending update were approved; not for publishing\) "
                        rf"in {re.escape(str(out))}: (\d+) pages, {files} files, as of 2024-08-01T12:00:00Z\n",
                        result.output), result.output
    return out


def test_every_page_of_a_drafts_preview_says_preview_and_noindex(drafts_site):
    pages = [(rel, data.decode()) for rel, data in site_files(drafts_site) if rel.endswith(".html")]
    assert "404.html" in dict(pages) and "incidents/2024-07-31-markerwhole/index.html" in dict(pages)
    for rel, html in pages:
        assert html.count("PREVIEW — NOT PUBLISHED") == 1, rel
        assert '<meta name="robots" content="noindex">' in html.split("</head>", 1)[0], rel
        assert text_of(html, "sk-drafts-notice") == (
            "Drafts: updates waiting for approval are shown as if every team had approved them (6 pending). "
            "As of 1 Aug 2024, 12:00 UTC. Still held at this time: 2024-08-01-held-draft #1: embargoed until "
            "2 Aug 2024, 06:00 UTC. To see more, build at a later time: statuskit build --drafts --at "
            "2024-08-02T06:00:00Z"), rel


def test_a_drafts_preview_shows_the_pending_text_and_holds_what_time_and_embargo_hold(drafts_site):
    found = files_containing(drafts_site, *MARKERS.values(), "MARKERDRAFTHELD")
    # pending (one team missing) is shown, in pages, feeds and the API alike
    for marker, page in (("MARKERUNAPPROVED", "incidents/2024-07-30-unapproved/index.html"),
                         ("MARKERWHOLE", "incidents/2024-07-31-markerwhole/index.html"),
                         ("MARKERHALFAPPROVED", "incidents/2024-07-31-markerwhole/index.html")):
        for rel in (page, "history.atom", "api/v2/incidents.json"):
            assert rel in found[marker], (marker, rel)
    # times and embargoes still apply at T: approved-but-embargoed, future and the held draft stay out
    for marker in ("MARKEREMBARGOED", "MARKERTECHEMBARGO", "MARKERFUTURE", "MARKERRETRACTED"):
        assert marker not in found, (marker, found.get(marker))
    # the held draft is named (its title) only in the home page's pending-changes panel
    assert found["MARKERDRAFTHELD"] == ["index.html"]
    home = (drafts_site / "index.html").read_text()
    assert home.count("MARKERDRAFTHELD") == 1 and "MARKERDRAFTHELD" in text_of(home, "sk-pending")


def test_a_later_at_shows_what_the_embargo_held(project):
    result = build(project, "--drafts", "--site-dir", str(project / "later"), at=LATER)
    assert result.exit_code == 0, result.output
    found = files_containing(project / "later", "MARKERDRAFTHELD")
    assert "incidents/2024-08-01-held-draft/index.html" in found["MARKERDRAFTHELD"]


def test_feeds_api_and_approvals_json_of_a_drafts_preview_are_marked(drafts_site):
    doc = json.loads((drafts_site / "approvals.json").read_text())
    assert list(doc)[0] == "preview" and doc["preview"] is True
    assert doc["assumed_approved"] == [
        {"incident": "2024-07-30-unapproved", "update": 2},
        {"incident": "2024-07-31-markerwhole", "update": 1},
        {"incident": "2024-07-31-markerwhole", "update": 2},
        {"incident": "2024-08-02-portal-upgrade", "update": 2},
        {"incident": "2024-08-06-markerpendingmaint", "update": 1},
    ]
    for feed in ("history.atom", "history.rss", "technical.atom"):
        titles = re.findall(r"<title>([^<]*)</title>", (drafts_site / feed).read_text())
        assert titles[0].startswith("[PREVIEW] Fixture status: "), feed
    summary = json.loads((drafts_site / "api/v2/summary.json").read_text())
    assert summary["page"]["name"] == "[PREVIEW] Fixture status"


def test_the_home_page_lists_each_pending_update_before_and_after(drafts_site):
    panel = text_of((drafts_site / "index.html").read_text(), "sk-pending")
    assert panel == (
        "Pending changes Not published: each of these updates still needs approvals. Before is the site as it "
        "publishes now; after is the site once the update is approved. "
        "2024-07-30-unapproved #2 — Title MARKERUNAPPROVED Approval missing from: Security "
        "Before After Home page status Major System Outage Major System Outage "
        "Patient portal Degraded performance Major outage "
        "2024-07-31-markerwhole #1 — Title MARKERWHOLE Approval missing from: Security "
        "Before After Home page status Major System Outage Major System Outage "
        "Website Partial outage Major outage "
        "2024-07-31-markerwhole #2 — Title MARKERWHOLE Approval missing from: Security "
        "Before After Home page status Major System Outage Major System Outage "
        "Website Partial outage Major outage "
        "2024-08-01-held-draft #1 — Title MARKERDRAFTHELD Approval missing from: Communications, Security "
        "Still held at this time: embargoed until 2 Aug 2024, 06:00 UTC "
        "Before After Home page status Major System Outage Major System Outage No component status changes. "
        "2024-08-02-portal-upgrade #2 — Title MARKERMAINTMOVE Approval missing from: Security "
        "Before After Home page status Major System Outage Major System Outage No component status changes. "
        "2024-08-06-markerpendingmaint #1 — Title MARKERPENDINGMAINT Approval missing from: Security "
        "Before After Home page status Major System Outage Major System Outage No component status changes.")
    assert '<a href="incidents/2024-07-30-unapproved/">2024-07-30-unapproved</a>' in (drafts_site / "index.html").read_text()


def test_an_incident_page_lists_only_its_own_pending_updates(drafts_site):
    html = (drafts_site / "incidents/2024-07-30-unapproved/index.html").read_text()
    panel = text_of(html, "sk-pending")
    assert "2024-07-30-unapproved #2 — Title MARKERUNAPPROVED" in panel and "markerwhole" not in panel
    # an incident with nothing pending has no panel
    assert "sk-pending" not in (drafts_site / "incidents/2024-07-30-embargoed/index.html").read_text()


def test_a_drafts_preview_is_deterministic(project, drafts_site):
    again = build(project, "--drafts", "--site-dir", str(project / "again"))
    assert again.exit_code == 0, again.output
    assert tree(project / "again") == tree(drafts_site)


# --- never published ----------------------------------------------------------------------------

def test_a_drafts_preview_is_refused_into_the_site_dir_and_needs_a_folder(project):
    result = build(project, "--drafts", "--site-dir", str(project / "site"))
    assert result.exit_code == 1
    assert "refusing to write a preview into" in result.output and "the folder the site is published from" in result.output
    result = build(project, "--drafts")
    assert result.exit_code == 2 and "a preview needs --site-dir DIR" in result.output
    assert not (project / "site").exists()


def test_a_publishing_build_refuses_to_replace_a_drafts_preview(project, drafts_site):
    before = tree(drafts_site)
    # its approvals.json is no previous site to compare with
    result = build(project, "--site-dir", str(drafts_site))
    assert result.exit_code == 1
    assert "approvals.json: preview: True: this is the approvals.json of a preview" in result.output
    # and, compared with a real previous site, the folder's marker says it is a preview (existing marker rule)
    assert build(project, "--site-dir", str(project / "site")).exit_code == 0
    result = build(project, "--site-dir", str(drafts_site), "--previous", str(project / "site/approvals.json"))
    assert result.exit_code == 1
    assert "it holds statuskit preview output, not site output" in result.output
    assert tree(drafts_site) == before


def test_a_drafts_preview_s_approvals_json_is_no_previous_site(project, drafts_site):
    result = build(project, "--site-dir", str(project / "site"), "--previous", str(drafts_site / "approvals.json"))
    assert result.exit_code == 1
    assert ("approvals.json: preview: True: this is the approvals.json of a preview (`statuskit build --drafts`), "
            "which shows updates that are not approved") in result.output
    assert not (project / "site").exists()


def test_mkdocs_yml_cannot_ask_for_drafts(project, site_signer):
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("  - statuskit\n", "  - statuskit:\n      drafts: true\n"))
    site_signer(project / "content")  # both teams approved the file: still refused
    result = build(project)
    assert result.exit_code == 1
    assert ("mkdocs.yml: plugins.statuskit.drafts: a drafts preview is asked for on the command line only "
            "(`statuskit build --drafts --site-dir DIR`, `statuskit serve --drafts`), never by the repository") \
        in result.output
    assert not (project / "site").exists()


def test_a_publishing_build_ignores_drafts_from_the_environment(project, monkeypatch):
    monkeypatch.setenv("STATUSKIT_DRAFTS", "1")
    monkeypatch.setenv("STATUSKIT_PREVIEW", "1")
    result = build(project)
    assert result.exit_code == 0, result.output
    assert "MARKERUNAPPROVED" not in files_containing(project / "site", "MARKERUNAPPROVED")
    assert "PREVIEW" not in (project / "site/index.html").read_text()
    assert "preview" not in json.loads((project / "site/approvals.json").read_text())


def test_a_plain_mkdocs_build_refuses_drafts_from_the_environment(project, monkeypatch, caplog):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    monkeypatch.setenv("STATUSKIT_DRAFTS", "1")
    monkeypatch.setenv("STATUSKIT_AT", AT)
    config = load_config(config_file=str(project / "mkdocs.yml"))
    with pytest.raises(Abort):
        mkdocs_build(config)
    assert "$STATUSKIT_DRAFTS: a drafts preview shows updates that are not approved" in caplog.text
    assert not (project / "site").exists()


def test_the_publish_path_refuses_an_assumed_release_however_it_got_there(project, monkeypatch):
    """The backstop: were the plugin handed a drafts release in a publishing build, it refuses to write it."""
    from statuskit.mkdocs_adapter import plugin as plugin_module

    real = plugin_module.prepare
    monkeypatch.setattr(plugin_module, "prepare", lambda content_dir, at, site, drafts=False:
                        real(content_dir, at, site, drafts=True))
    result = build(project)
    assert result.exit_code == 1
    assert "refusing to publish a drafts preview: it shows updates as if approved that are not " \
           "(2024-07-30-unapproved update 2, 2024-07-31-markerwhole update 1, 2024-07-31-markerwhole update 2, " \
           "2024-08-02-portal-upgrade update 2, 2024-08-06-markerpendingmaint update 1)" \
        in result.output
    assert not (project / "site").exists()


def test_drafts_options_are_only_a_preview():
    with pytest.raises(ValueError, match="drafts mode is a preview"):
        BuildOptions(FIXTURE_AT, drafts=True)


def test_the_gate_assumes_only_what_it_is_told_and_says_so(project):
    content = load_content(project / "content")
    release, _ = gate(content, FIXTURE_AT)
    assert release.assumed == ()
    refuse_assumed(release)  # a release decided without assumptions passes
    d = drafts(content, FIXTURE_AT)
    assert d.before.assumed == () and d.release.assumed == (
        ("2024-07-30-unapproved", 2), ("2024-07-31-markerwhole", 1), ("2024-07-31-markerwhole", 2),
        ("2024-08-02-portal-upgrade", 2), ("2024-08-06-markerpendingmaint", 1))
    pending = pending_updates(content, all_approvals(content))
    assert ("2024-08-01-held-draft", 1) in pending  # pending, but held by its embargo at T
    assert [(h.incident, h.update, h.reason) for h in d.held] == [("2024-08-01-held-draft", 1, "embargoed")]
    with pytest.raises(StatuskitError, match=r"refusing to publish a drafts preview"):
        refuse_assumed(d.release)


# --- serve --drafts ------------------------------------------------------------------------------

def test_serve_drafts_hands_drafts_to_every_rebuild_and_never_the_site_dir(project, monkeypatch, tmp_path):
    """serve passes its settings over the environment (MkDocs makes a fresh plugin per rebuild); each rebuild
    is a drafts preview. MkDocs' serve itself is replaced by one build into a temporary folder, as it does."""
    from mkdocs.commands import serve as serve_module
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    for name in ("STATUSKIT_PREVIEW", "STATUSKIT_DRAFTS", "STATUSKIT_AT"):
        monkeypatch.setenv(name, "")  # restored (unset) after the test: serve sets them for its process
    served = tmp_path / "served"

    def fake_serve(config_file, dev_addr, livereload):
        config = load_config(config_file=config_file, site_dir=str(served))
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")

    monkeypatch.setattr(serve_module, "serve", fake_serve)
    result = CliRunner().invoke(cli, ["serve", "--drafts", "--config-file", str(project / "mkdocs.yml"), "--at", AT],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("serving a drafts preview on http://127.0.0.1:8000/ (rebuilds when the content "
                                    "changes; Ctrl+C to stop)\n")
    assert (os.environ["STATUSKIT_PREVIEW"], os.environ["STATUSKIT_DRAFTS"]) == ("1", "1")
    home = (served / "index.html").read_text()
    assert "PREVIEW — NOT PUBLISHED" in home and "2024-07-30-unapproved #2" in text_of(home, "sk-pending")
    assert not (project / "site").exists()


def test_gating_one_incident_again_is_the_same_as_gating_everything(project):
    """The panel's "after" gates only the pending update's incident again: the same release as a whole gate."""
    content = load_content(project / "content")
    approvals = all_approvals(content)
    before, _ = gate(content, FIXTURE_AT, approvals)
    for inc in content.incidents:
        for u in inc.updates:
            assume = frozenset({(inc.id, v.id) for v in inc.updates if v.id <= u.id})
            whole, _ = gate(content, FIXTURE_AT, approvals, assume_approved=assume)
            assert regate_incident(before, content, inc, approvals, assume) == whole, (inc.id, u.id)


def test_an_assumed_update_says_on_itself_that_it_is_not_approved_yet(drafts_site):
    """The approver reading the drafts page sees, on the update itself, which text still needs them."""
    html = (drafts_site / "incidents/2024-07-30-unapproved/index.html").read_text()
    article = {m.group(1): m.group(0) for m in
               re.finditer(r'<article class="sk-update">\s*<h3 id="update-(\d+)".*?</article>', html, re.S)}
    note = "Not approved yet: shown as if both teams had approved it (drafts preview)."
    assert note in article["2"] and "Approved by" not in article["2"]
    assert note not in article["1"] and "Approved by" in article["1"]
