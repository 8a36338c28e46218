"""The issue's case end to end (issue 14, item 2): mid-incident, updates 2 and 3 are unsigned;
each team runs ``statuskit approve INCIDENT`` once, and a real MkDocs build publishes update 3.

(Before, ``approve INCIDENT`` signed only the newest update: the pull request merged with update 2
unsigned, and update 3 waited for it -- nothing published, silently.)
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from sitetools import FIXTURE_AT, build_content_site, site_files

from statuskit.cli.main import cli

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")

INC = "2024-07-31-scheduling-outage"
TEXT = f"""\
id: {INC}
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Appointment scheduling unavailable
    impact: major
    components:
      scheduling: major_outage
    public: |
      We are investigating an outage of appointment scheduling.
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    public: |
      Marker-update-two: a failed database node.
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: resolved
    components:
      scheduling: operational
    public: |
      Marker-update-three: scheduling is working again.
"""


def test_approving_the_incident_once_per_team_publishes_the_newest_update(make_site, monkeypatch, tmp_path):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    site = make_site({INC: TEXT})
    site.approve(INC, 1, "comms", "alice")
    site.approve(INC, 1, "security", "bob")
    for team, member in (("comms", "alice"), ("security", "bob")):  # as the issue has it: no update number
        result = CliRunner().invoke(cli, ["approve", INC, "--team", team, "--member", member,
                                          "--key", str(site.keys[member].path), "--yes", "--content", str(site.root)])
        assert result.exit_code == 0, result.output
    out = build_content_site(site.root.parent, FIXTURE_AT, site.sign_site)
    page = (out / "incidents" / INC / "index.html").read_text(encoding="utf-8")
    assert "Marker-update-two" in page and "Marker-update-three" in page
    api = json.loads((out / "approvals.json").read_text(encoding="utf-8"))
    (inc,) = [i for i in api["incidents"] if i["id"] == INC]
    assert [u["update"] for u in inc["updates"]] == [1, 2, 3]
    assert any(b"Marker-update-three" in data for _, data in site_files(out))
