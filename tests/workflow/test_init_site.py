"""`statuskit init DIR`: a complete new status site."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.errors import StatuskitError
from statuskit.workflow.init import EXAMPLE_KEY_COMMENT, InitOptions, example_key, init_site
from statuskit.model.content import load_content

REPO = Path(__file__).resolve().parents[2]
SOURCE = "https://git.example.org/statuskit.git@0123456789abcdef0123456789abcdef01234567"

EXPECTED = [
    ".github/CODEOWNERS",
    ".github/rulesets/publishing-branch.json",
    ".github/statuskit-requirements.txt",
    ".github/workflows/statuskit-check.yml",
    ".github/workflows/statuskit-publish.yml",
    ".gitignore",
    "README.md",
    "content/components.yml",
    "content/teams.yml",
    "docs/.gitkeep",
    "mkdocs.yml",
    "theme/main.html",
]


def files_of(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_init_writes_a_complete_site(tmp_path):
    result = run("init", str(tmp_path / "status"), "--name", "Example Health status",
                 "--url", "https://status.health.example/", "--statuskit-source", SOURCE)
    assert result.exit_code == 0, result.output
    site = tmp_path / "status"
    assert files_of(site) == EXPECTED
    config = yaml.safe_load((site / "mkdocs.yml").read_text())
    assert config["site_name"] == "Example Health status"
    assert config["site_url"] == "https://status.health.example/"
    assert config["theme"]["custom_dir"] == "theme"
    assert config["plugins"] == ["search", {"statuskit": {"content": "content"}}]
    content = load_content(site / "content")
    assert [c.id for c in content.components] == ["website"]
    assert content.teams.namespace == "statuskit-approval@status.health.example"
    assert content.teams.required_teams == ("comms", "security")
    assert dict(content.teams.teams) == {"comms": ("comms-lead",), "security": ("security-lead",)}
    assert (site / ".github/statuskit-requirements.txt").read_text().splitlines()[-1] == (
        "statuskit @ git+https://git.example.org/statuskit.git@0123456789abcdef0123456789abcdef01234567")
    assert "@your-org/status-comms-leads" in (site / ".github/CODEOWNERS").read_text()
    assert (site / "theme/main.html").read_text().rstrip().endswith('{% extends "statuskit/base.html" %}')
    assert "@@" not in "".join((site / f).read_text() for f in EXPECTED)


def test_example_keys_are_marked_and_check_warns_about_them(tmp_path):
    init_site(tmp_path / "s", InitOptions(statuskit_source=SOURCE))
    teams = (tmp_path / "s/content/teams.yml").read_text()
    assert f'- "{example_key("comms")}"' in teams and EXAMPLE_KEY_COMMENT in teams
    assert "THE KEYS BELOW MARKED EXAMPLE-KEY ARE PLACEHOLDERS" in teams
    result = run("check", "--content", str(tmp_path / "s/content"))
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "[example-key]" in ln]
    assert len(lines) == 2
    assert lines[0].endswith("/s/content/teams.yml:28: members.comms-lead.keys: warning: member 'comms-lead' still "
                             "has an example key from `statuskit init`: nobody can sign with it; replace it with "
                             "comms-lead's real public key (the one line of their ~/.ssh/id_ed25519.pub) [example-key]")


def test_init_with_real_keys(tmp_path, keys):
    result = run("init", str(tmp_path / "s"), "--comms-member", "alice", "--comms-name", "Alice Chen",
                 "--comms-key", str(keys["alice"].path) + ".pub", "--security-member", "bob",
                 "--security-key", str(keys["bob"].path) + ".pub", "--owner", "@acme/comms", "--owner", "@acme/sec",
                 "--requirement", "statuskit==9.9.9")
    assert result.exit_code == 0, result.output
    content = load_content(tmp_path / "s/content")
    assert content.teams.members["alice"].keys == (keys["alice"].public,)
    assert content.teams.members["alice"].name == "Alice Chen"
    assert content.teams.members["bob"].keys == (keys["bob"].public,)
    assert "EXAMPLE" not in (tmp_path / "s/content/teams.yml").read_text()
    assert "/content/teams.yml  @acme/comms @acme/sec" in (tmp_path / "s/.github/CODEOWNERS").read_text()
    assert (tmp_path / "s/.github/statuskit-requirements.txt").read_text().splitlines()[-1] == "statuskit==9.9.9"
    check = run("check", "--content", str(tmp_path / "s/content"))
    assert check.exit_code == 0 and check.output.endswith("; 0 error(s), 3 warning(s)\n"), check.output
    assert check.output.count("[team-single-member]") == 2  # init writes one member per team
    # init writes no approvals: the teams sign the site files before the first publish
    assert "the site files have never been approved" in check.output and "[site-unapproved]" in check.output


def test_init_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "notes.txt").write_text("mine")
    with pytest.raises(StatuskitError, match=r"s is not empty; statuskit init writes only into a new or empty folder"):
        init_site(tmp_path / "s", InitOptions(statuskit_source=SOURCE))
    result = run("init", str(tmp_path / "s"))
    assert result.exit_code == 1 and "is not empty" in result.output
    assert files_of(tmp_path / "s") == ["notes.txt"]


def test_init_refuses_a_private_key(tmp_path, keys):
    result = run("init", str(tmp_path / "s"), "--comms-key", str(keys["alice"].path))
    assert result.exit_code == 1
    assert "this is a private key; give the public key (the .pub file) instead" in result.output
    assert not (tmp_path / "s").exists()


def test_init_refuses_one_key_for_both_teams(tmp_path, keys):
    pub = str(keys["alice"].path) + ".pub"
    result = run("init", str(tmp_path / "s"), "--comms-key", pub, "--security-key", pub)
    assert result.exit_code == 1 and "the same key: one key, one person" in result.output


def test_init_writes_the_repository_s_workflows(tmp_path):
    """The workflows `init` writes are the ones this repository runs; only the requirements file differs."""
    init_site(tmp_path / "s", InitOptions(statuskit_source=SOURCE))
    for name in ("statuskit-check.yml", "statuskit-publish.yml"):
        assert (tmp_path / "s/.github/workflows" / name).read_bytes() == (REPO / ".github/workflows" / name).read_bytes()
    assert (REPO / ".github/statuskit-requirements.txt").read_text().splitlines()[-1] == "."


def test_init_site_builds_a_preview_and_publishes_only_once_the_teams_signed_it(tmp_path, monkeypatch):
    init_site(tmp_path / "s", InitOptions(name="Example status", statuskit_source=SOURCE))
    monkeypatch.chdir(tmp_path / "s")
    result = run("build", "--site-dir", "site", "--at", "2026-01-01T00:00:00Z")
    assert result.exit_code == 1
    assert "refusing to publish: the site files have never been approved" in result.output
    assert not (tmp_path / "s/site").exists()
    result = run("build", "--preview", "--site-dir", "preview", "--at", "2026-01-01T00:00:00Z")
    assert result.exit_code == 0, result.output
    assert "Example status" in (tmp_path / "s/preview/index.html").read_text()
    assert "PREVIEW — NOT PUBLISHED" in (tmp_path / "s/preview/index.html").read_text()
    assert (tmp_path / "s/preview/robots.txt").read_text() == "User-agent: *\nDisallow: /\n"  # not to be indexed
    readme = (tmp_path / "s/README.md").read_text()
    assert "statuskit approve-site" in readme and "before the first publish" in readme
