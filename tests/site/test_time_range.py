"""Times at the ends of the range (1970 and 9999) build: no date arithmetic overflows in any output."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.gate.digest import digest, statement
from statuskit.ssh.sshsig import sign
from statuskit.model.content import load_content

from sitetools import NAMESPACE, site_files

EDGES = """\
id: {id}
kind: {kind}
updates:
  - id: 1
    at: 1970-01-01T00:00:00Z
    status: {status}
    title: Edges of time
    impact: {impact}
    components: {{{component}: {state}}}
{scheduled}    next_update_at: 9999-12-31T23:59:59Z
    technical_embargo_until: 9999-12-31T23:59:59Z
    detected_at: 1970-01-01T00:00:00Z
    public: |
      The first and the last second.
    technical: |
      Not before the year 9999.
"""


def test_times_at_the_ends_of_the_range_build(tmp_path, fixture_project, keys, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(fixture_project, project, ignore=shutil.ignore_patterns("site"))
    content = project / "content"
    component = load_content(content).components[0].id
    (content / "incidents" / "1970-edges.yml").write_text(EDGES.format(
        id="1970-edges", kind="incident", status="investigating", impact="major", component=component,
        state="major_outage", scheduled=""), encoding="utf-8")
    (content / "incidents" / "1970-window.yml").write_text(EDGES.format(
        id="1970-window", kind="maintenance", status="scheduled", impact="maintenance", component=component,
        state="under_maintenance",
        scheduled="    scheduled: {from: 1970-01-01T00:00:00Z, until: 9999-12-31T23:59:59Z}\n"), encoding="utf-8")
    for inc in load_content(content).incidents:
        if inc.id.startswith("1970-"):
            u = inc.updates[0]
            for team, member in (("comms", "alice"), ("security", "bob")):
                path = content / "approvals" / inc.id / "1" / f"{team}--{member}.sig"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(sign(keys[member].private, NAMESPACE, statement(inc.id, 1, digest(u), team, member)))
    monkeypatch.chdir(project)
    runner = CliRunner()
    for at in ("2024-08-01T12:00:00Z", "2100-01-01T00:00:00Z"):  # (MkDocs dates the gzip sitemap by T: < 2106)
        result = runner.invoke(cli, ["check", "--at", at], catch_exceptions=False)
        assert "internal error" not in result.output
        # (the fixture's own XSS incident fails a lint; the two new incidents have no error)
        assert not [line for line in result.output.splitlines() if "/1970-" in line and ": warning: " not in line]
        result = runner.invoke(cli, ["build", "--at", at, "--site-dir", str(tmp_path / "site")],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
        files = dict(site_files(tmp_path / "site"))
        assert any(b"The first and the last second." in data for data in files.values())
        assert any(b"1970-01-01T00:00:00Z" in data for name, data in files.items() if name.endswith(".json"))
