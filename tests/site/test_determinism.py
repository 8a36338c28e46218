"""Invariant 4: the same content and the same build time give a byte-identical site.

The second build runs the plain ``mkdocs build`` command (the plugin found through its
entry point, T from $STATUSKIT_AT) in a fresh process, so nothing is shared with the
first build (``statuskit build --at``, in this process) but the inputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from sitetools import REPO, tree

from statuskit.cli.main import cli


def test_two_builds_are_byte_identical(demo_site, tmp_path):
    out = tmp_path / "again"
    env = {**os.environ, "STATUSKIT_AT": "2026-11-27T18:00:00Z", "SOURCE_DATE_EPOCH": "1"}
    subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--quiet", "-f", str(REPO / "mkdocs.yml"),
                    "-d", str(out)], check=True, env=env, cwd=tmp_path)
    a, b = tree(demo_site), tree(out)
    # both mark the folder they wrote as a statuskit site
    assert a[".statuskit-output"] == b[".statuskit-output"] == b"statuskit site v1\n"
    assert sorted(a) == sorted(b)
    assert [rel for rel in sorted(a) if a[rel] != b[rel]] == []


def test_the_build_time_is_what_changes_the_site(fixture_project, fixture_site, tmp_path):
    out = tmp_path / "later"
    result = CliRunner().invoke(cli, ["build", "--config-file", str(fixture_project / "mkdocs.yml"),
                                      "--site-dir", str(out), "--at", "2024-08-03T12:00:00Z"])
    assert result.exit_code == 0, result.output
    a, b = tree(fixture_site), tree(out)
    # the sitemap dates pages by their content, not by T: only the pages the lifted embargo changed move
    embargoed = b"<loc>https://status.fixture.example/incidents/2024-07-30-embargoed/</loc>\n         <lastmod>"
    assert embargoed + b"2024-07-30</lastmod>" in a["sitemap.xml"]
    assert embargoed + b"2024-08-02</lastmod>" in b["sitemap.xml"]
    assert b"<lastmod>2024-08-01</lastmod>" not in a["sitemap.xml"]
    assert b"<lastmod>2024-08-03</lastmod>" not in b["sitemap.xml"]
    # the embargo on the fixture's update 2 lifted on 2024-08-02: its text is now public
    assert b"MARKEREMBARGOED" in b["incidents/2024-07-30-embargoed/index.html"]
