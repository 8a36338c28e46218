"""End to end, as a site's owners would: init -> new -> approve (comms, security) -> check --base -> build."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli

from gitrepo import GIT_ENV, git

PUBLIC = "We are investigating reports that our website is unavailable."
AT = "2026-01-05T09:00:00Z"
T = "2026-01-05T10:00:00Z"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, f"statuskit {' '.join(args)}:\n{result.output}"
    return result.output


@pytest.mark.skipif("build" not in cli.commands, reason="the build command is not available")
def test_init_new_approve_check_build(tmp_path, keys, monkeypatch):
    for k, v in GIT_ENV.items():
        monkeypatch.setenv(k, v)
    site = tmp_path / "status"
    run("init", str(site), "--name", "Example status", "--comms-member", "alice", "--comms-key",
        f"{keys['alice'].path}.pub", "--security-member", "bob", "--security-key", f"{keys['bob'].path}.pub",
        "--requirement", "statuskit==0.0.0")
    monkeypatch.chdir(site)
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "statuskit init")
    git(site, "switch", "-q", "-c", "website-outage")

    # draft, then one approval per team with real keys through ssh-keygen
    run("new", "Website unavailable", "--impact", "major", "--component", "website=major_outage",
        "--public", PUBLIC, "--next-update-at", "2026-01-05T11:00:00Z", "--at", AT)
    iid = "2026-01-05-website-unavailable"
    preview = run("preview", "--base", "main", "--at", T)
    assert "| Publishes | waiting for approval from: Communications, Security |" in preview
    run("approve", iid, "--team", "comms", "--member", "alice", "--key", str(keys["alice"].path), "--yes")
    run("approve", iid, "--team", "security", "--member", "bob", "--key", str(keys["bob"].path), "--yes")
    assert sorted(p.name for p in (site / "content/approvals" / iid / "1").iterdir()) == [
        "comms--alice.sig", "security--bob.sig"]
    # the site files were never approved: both teams sign them before the first publish
    assert "[site-unapproved]" in run("check", "--at", T)
    run("approve-site", "--team", "comms", "--member", "alice", "--key", str(keys["alice"].path), "--base", "main",
        "--yes")
    run("approve-site", "--team", "security", "--member", "bob", "--key", str(keys["bob"].path), "--base", "main",
        "--yes")
    assert sorted(p.name for p in (site / "content/approvals/_site/1").iterdir()) == [
        "comms--alice.sig", "manifest.json", "security--bob.sig"]
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "Website outage: update 1, approved")

    # the pull request's check, then the build after merging
    out = run("check", "--base", "main", "--at", T)
    # init's teams have one member each: check says a second one is needed (nothing else)
    assert [line.split(": warning: ")[0].rsplit("/", 2)[-2:] for line in out.splitlines() if ": warning: " in line] \
        == [["content", "teams.yml:33: teams.comms"], ["content", "teams.yml:34: teams.security"]], out
    assert all("[team-single-member]" in line for line in out.splitlines() if ": warning: " in line)
    assert out.endswith("ok: 1 incident(s), 1 update(s); 0 error(s), 2 warning(s)\n")
    assert "| Publishes | at the next build (now) |" in run("preview", "--base", "main", "--at", T)
    git(site, "switch", "-q", "main")
    git(site, "merge", "-q", "--ff-only", "website-outage")
    run("build", "--site-dir", "site", "--at", T)
    home = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "Website unavailable" in home
    # as finished as the demo: light and dark palettes, following the system, with the toggle in the header
    for media, scheme, toggle in (("light", "default", "Switch to dark mode"), ("dark", "slate", "Switch to light mode")):
        assert (f'<input class="md-option" data-md-color-media="(prefers-color-scheme: {media})" '
                f'data-md-color-scheme="{scheme}" data-md-color-primary="indigo" data-md-color-accent="indigo"  '
                f'aria-label="{toggle}"') in home
        assert f'<label class="md-header__button md-icon" title="{toggle}"' in home
    assert '<form class="md-header__option" data-md-component="palette">' in home
    assert (site / "site" / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\nSitemap: https://status.example.org/sitemap.xml\n")
    pages = [p for p in (site / "site").rglob("*.html") if PUBLIC in p.read_text(encoding="utf-8")]
    assert pages, "the update's public text is on no page of the built site"
    assert PUBLIC in (site / "site" / "history.rss").read_text(encoding="utf-8")
