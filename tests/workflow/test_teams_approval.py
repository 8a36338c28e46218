"""Approving a teams.yml change: the statement, its digest, and `statuskit approve-teams`."""

from __future__ import annotations

import subprocess

from click.testing import CliRunner

from statuskit.cli import cli
from statuskit.history import check_base
from statuskit.model.content import load_content
from statuskit.teams_approval import registry_digest, teams_approval_dir, teams_statement

from gitrepo import T


def add_mallory(site) -> None:
    text = (site.root / "teams.yml").read_text(encoding="utf-8")
    text = text.replace("teams:\n", f"  mallory:\n    name: Mallory\n"
                                    f"    keys: [\"{site.keys['mallory'].public}\"]\nteams:\n")
    site.write("teams.yml", text.replace("  comms: [", "  comms: [mallory, "))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_statement_format():
    assert teams_statement("sha256:" + "ab" * 32, "security", "bob") == (
        b"statuskit-teams v1\ndigest: sha256:" + b"ab" * 32 + b"\nteam: security\nmember: bob\n")


def test_digest_ignores_comments_and_formatting_but_not_content(make_site):
    site = make_site()
    d = registry_digest(load_content(site.root).teams)
    text = (site.root / "teams.yml").read_text()
    site.write("teams.yml", "# a comment\n" + text.replace("required_teams: [comms, security]",
                                                          "required_teams:\n  - comms\n  - security"))
    assert registry_digest(load_content(site.root).teams) == d
    site.write("teams.yml", text.replace("name: Alice Example", "name: Alice Example-Smith"))
    assert registry_digest(load_content(site.root).teams) != d


def test_approve_teams_cli_signs_with_ssh_keygen_and_check_passes(repo):
    repo.commit("base")
    repo.branch()
    add_mallory(repo.site)
    keys = repo.site.keys
    result = run("approve-teams", "--team", "comms", "--member", "alice", "--key", str(keys["alice"].path),
                 "--base", "main", "--yes")
    assert result.exit_code == 0, result.output
    assert "  + member mallory (Mallory)\n  + mallory joins team comms\n" in result.output
    d = registry_digest(load_content(repo.site.root).teams)
    sig = teams_approval_dir(repo.site.root, d) / "comms--alice.sig"
    assert f"wrote content/approvals/_teams/{d.split(':')[1]}/comms--alice.sig" in result.output
    # the signature is a plain SSHSIG that ssh-keygen itself verifies over the documented statement
    signers = repo.path / "allowed_signers"
    ns = load_content(repo.site.root).teams.namespace
    signers.write_text(f'alice namespaces="{ns}" {keys["alice"].public}\n')
    proc = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", "alice", "-n", ns, "-s", str(sig)],
                          input=teams_statement(d, "comms", "alice"), capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert [p.rule for p in check_base(repo.site.root, "main", T)] == ["teams-unapproved"]
    result = run("approve-teams", "--team", "security", "--member", "bob", "--key", str(keys["bob"].path),
                 "--base", "main", "--yes")
    assert result.exit_code == 0, result.output
    assert check_base(repo.site.root, "main", T) == []


def test_approve_teams_refuses_a_member_of_the_new_registry_only(repo):
    repo.commit("base")
    repo.branch()
    add_mallory(repo.site)
    result = run("approve-teams", "--team", "comms", "--member", "mallory", "--key",
                 str(repo.site.keys["mallory"].path), "--base", "main", "--yes")
    assert result.exit_code == 1
    assert "error: 'mallory' is not in team 'comms' in the teams.yml that must approve the change" in result.output


def test_approve_teams_with_nothing_changed(repo):
    repo.commit("base")
    result = run("approve-teams", "--team", "comms", "--member", "alice", "--base", "main", "--yes")
    assert result.exit_code == 0
    assert result.output.endswith("teams.yml is unchanged since main: nothing to approve\n")
    assert not (repo.site.root / "approvals").exists()
