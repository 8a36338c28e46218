"""Approving a teams.yml change: the statement, its digest, and `statuskit approve-teams`."""

from __future__ import annotations

import hashlib
import json
import subprocess

from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.workflow.history import check_base
from statuskit.model.content import load_content
from statuskit.gate.teams_chain import registry_digest, teams_manifest, teams_statement

from gitrepo import T


def add_mallory(site) -> None:
    text = (site.root / "teams.yml").read_text(encoding="utf-8")
    text = text.replace("teams:\n", f"  mallory:\n    name: Mallory\n"
                                    f"    keys: [\"{site.keys['mallory'].public}\"]\nteams:\n")
    site.write("teams.yml", text.replace("  comms: [", "  comms: [mallory, "))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_statement_format():
    manifest = b'{"kind":"teams"}\n'
    h = hashlib.sha256(manifest).hexdigest().encode()
    assert teams_statement(manifest, "security", "bob") == (
        b"statuskit-teams v2\nmanifest: sha256:" + h + b"\nteam: security\nmember: bob\n")


def test_manifest_names_the_step_and_the_transition(make_site):
    site = make_site()
    before = load_content(site.root).teams
    add_mallory(site)
    after = load_content(site.root).teams
    doc = json.loads(teams_manifest(3, before, after))
    assert (doc["kind"], doc["sequence"]) == ("teams", 3)
    assert (doc["replaces"], doc["digest"]) == (registry_digest(before), registry_digest(after))
    assert doc["registry"]["teams"]["comms"] == ["mallory", "alice", "carol"]


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
    sig = repo.site.root / "approvals/_teams/1/comms--alice.sig"
    assert "wrote content/approvals/_teams/1/comms--alice.sig; commit it with content/approvals/_teams/1/manifest.json" \
        in result.output
    manifest = (sig.parent / "manifest.json").read_bytes()
    assert manifest == teams_manifest(1, repo.teams_at("main"), load_content(repo.site.root).teams)
    # the signature is a plain SSHSIG that ssh-keygen itself verifies over the documented statement
    signers = repo.path / "allowed_signers"
    ns = load_content(repo.site.root).teams.namespace
    signers.write_text(f'alice namespaces="{ns}" {keys["alice"].public}\n')
    proc = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", "alice", "-n", ns, "-s", str(sig)],
                          input=teams_statement(manifest, "comms", "alice"), capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert [p.rule for p in check_base(repo.site.root, "main", T)] == ["teams-unapproved"]
    result = run("approve-teams", "--team", "security", "--member", "bob", "--key", str(keys["bob"].path),
                 "--base", "main", "--yes")
    assert result.exit_code == 0, result.output
    assert "removed" not in result.output  # the second approver kept the identical manifest
    assert (sig.parent / "manifest.json").read_bytes() == manifest
    assert check_base(repo.site.root, "main", T) == []


def test_approve_teams_shows_keys_as_ssh_keygen_fingerprints(repo):
    """The registry an approver signs names each key as `ssh-keygen -lf` does: type, SHA256:, comment."""
    repo.commit("base")
    repo.branch()
    add_mallory(repo.site)
    keys = repo.site.keys
    result = run("approve-teams", "--team", "comms", "--member", "alice", "--key", str(keys["alice"].path),
                 "--base", "main", "--yes")
    assert result.exit_code == 0, result.output
    for member in ("alice", "carol", "bob", "dave", "mallory"):
        pub = keys[member].public
        listed = subprocess.run(["ssh-keygen", "-lf", "-"], input=pub + "\n", capture_output=True, text=True,
                                check=True).stdout.split()
        line = f"member {member} ({member.capitalize() if member != 'mallory' else 'Mallory'}" + (
            " Example" if member != "mallory" else "") + f") key: {pub.split()[0]} {listed[1]} {member}@test\n"
        assert line in result.output
        assert pub.split()[1] not in result.output


def test_approve_teams_numbers_the_step_after_the_base(repo):
    repo.commit("base")
    repo.branch()
    add_mallory(repo.site)
    base = repo.teams_at("main")
    repo.site.sign_teams("comms", "alice", base, 1)
    repo.site.sign_teams("security", "bob", base, 1)
    repo.commit("R1")
    repo.branch("later")
    repo.replace("teams.yml", "name: Mallory", "name: Mallory Example")
    run("approve-teams", "--team", "comms", "--member", "alice", "--key", str(repo.site.keys["alice"].path),
        "--base", "change", "--yes")
    assert (repo.site.root / "approvals/_teams/2/comms--alice.sig").is_file()
    assert [p.rule for p in check_base(repo.site.root, "change", T)] == ["teams-unapproved"]  # security missing


def test_approve_teams_needs_the_base(repo):
    result = run("approve-teams", "--team", "comms", "--member", "alice", "--yes")
    assert result.exit_code == 2 and "Missing option '--base'" in result.output


def test_approve_teams_refuses_a_member_of_the_new_registry_only(repo):
    repo.commit("base")
    repo.branch()
    add_mallory(repo.site)
    result = run("approve-teams", "--team", "comms", "--member", "mallory", "--key",
                 str(repo.site.keys["mallory"].path), "--base", "main", "--yes")
    assert result.exit_code == 1
    assert "error: 'mallory' is not a member in teams.yml at main; teams.yml at main must approve this change" in result.output


def test_approve_teams_with_nothing_changed(repo):
    repo.commit("base")
    result = run("approve-teams", "--team", "comms", "--member", "alice", "--base", "main", "--yes")
    assert result.exit_code == 0
    assert result.output.endswith("teams.yml is unchanged since main: nothing to approve\n")
    assert not (repo.site.root / "approvals").exists()
