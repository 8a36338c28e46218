"""`check --base`: the site's own files change only with both teams' approval (real git, real ssh-keygen)."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.workflow.history import check_base

from gitrepo import T, git

MKDOCS_YML = """\
site_name: Test status
site_url: https://status.test.example/
theme:
  name: material
  font: false
  custom_dir: theme
plugins:
  - search
  - statuskit
"""


def rules(problems) -> list[str]:
    return sorted(p.rule for p in problems)


@pytest.fixture
def project(repo):
    """The repository holds a site: mkdocs.yml, docs/, theme/, .github/workflows/ and content/ (approved), on main."""
    (repo.path / "mkdocs.yml").write_text(MKDOCS_YML)
    (repo.path / "docs").mkdir()
    (repo.path / "docs" / "robots.txt").write_text("User-agent: *\n")
    (repo.path / "theme").mkdir()
    (repo.path / "theme" / "main.html").write_text('{% extends "statuskit/base.html" %}\n')
    (repo.path / ".github" / "workflows").mkdir(parents=True)
    (repo.path / ".github" / "workflows" / "publish.yml").write_text("on: push\n")
    repo.site.sign_site()
    repo.commit("base")
    repo.branch()
    return repo


def approve(repo, team: str, member: str, base: str = "main"):
    result = CliRunner().invoke(cli, ["approve-site", "--team", team, "--member", member, "--key",
                                      str(repo.site.keys[member].path), "--base", base, "--yes"])
    assert result.exit_code == 0, result.output
    return result.output


EDITS = {
    "mkdocs.yml": lambda p: (p / "mkdocs.yml").write_text(
        MKDOCS_YML.replace("  - statuskit\n", "  - statuskit:\n      at: 2099-01-01T00:00:00Z\n")),
    "docs/x.md": lambda p: (p / "docs" / "x.md").write_text("# Hi\n\n<script>alert(1)</script>\n"),
    "theme/main.html": lambda p: (p / "theme" / "main.html").write_text(
        '{% extends "statuskit/base.html" %}\n{% block scripts %}{{ super() }}'
        '<script src="https://evil.example/x.js"></script>{% endblock %}\n'),
    "content/components.yml": lambda p: (p / "content" / "components.yml").write_text(
        (p / "content" / "components.yml").read_text().replace("name: Website", "name: Website (new)")),
    ".github/workflows/publish.yml": lambda p: (p / ".github" / "workflows" / "publish.yml").write_text(
        "on: push\njobs: {}\n"),
}


@pytest.mark.parametrize("path", sorted(EDITS))
def test_a_pull_request_editing_only_a_site_file_needs_both_teams(project, path):
    EDITS[path](project.path)
    problems = check_base(project.site.root, "main", T)
    assert rules(problems) == ["site-unapproved"]
    p = problems[0]
    assert p.file == path
    assert p.message.startswith(f"the site files changed since main (~ {path}) without the approval of both teams: "
                                "each required team runs `statuskit approve-site --team TEAM --member MEMBER --base "
                                "main` and commits content/approvals/_site/2/") \
        or p.message.startswith(f"the site files changed since main (+ {path})")
    out = approve(project, "comms", "alice")
    assert f"changes since main:\n  {'+' if path == 'docs/x.md' else '~'} {path} (+" in out and " lines)\n" in out
    assert rules(check_base(project.site.root, "main", T)) == ["site-unapproved"]  # security still missing
    approve(project, "security", "bob")
    assert check_base(project.site.root, "main", T) == []
    manifest = json.loads((project.site.root / "approvals/_site/2/manifest.json").read_text())
    assert (manifest["kind"], manifest["sequence"]) == ("site", 2)
    assert path in manifest["files"]


def test_an_approval_by_one_person_for_both_teams_or_outside_the_teams_does_not_count(project):
    EDITS["docs/x.md"](project.path)
    approve(project, "comms", "alice")
    shutil.copy(project.site.root / "approvals/_site/2/comms--alice.sig",
                project.site.root / "approvals/_site/2/security--alice.sig")
    problems = check_base(project.site.root, "main", T)
    assert rules(problems) == ["site-approval-invalid", "site-unapproved"]
    assert "'alice' is not a member of team 'security' in teams.yml at main" in problems[0].message


def _merge(repo, branch: str) -> None:
    repo.commit(branch)
    git(repo.path, "switch", "-q", "main")
    git(repo.path, "merge", "-q", "--ff-only", "change" if branch == "change" else branch)


def test_site_files_cannot_be_put_back_with_old_signatures(project):
    """A -> B (signed) -> A (signed) -> B again, signing nothing: the replay fails."""
    a = (project.path / "docs" / "robots.txt").read_text()
    (project.path / "docs" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")  # B
    approve(project, "comms", "alice")
    approve(project, "security", "bob")
    _merge(project, "change")
    b = (project.path / "docs" / "robots.txt").read_text()
    project.branch("back")
    (project.path / "docs" / "robots.txt").write_text(a)  # A again
    approve(project, "comms", "alice")
    approve(project, "security", "bob")
    assert check_base(project.site.root, "main", T) == []
    _merge(project, "back")
    project.branch("replay")
    (project.path / "docs" / "robots.txt").write_text(b)  # B again: _site/2 still approves B
    problems = check_base(project.site.root, "main", T)
    assert rules(problems) == ["site-unapproved"]
    assert "commits content/approvals/_site/4/" in problems[0].message
    # step 2's files under the number 4 do not help: its manifest says sequence 2
    shutil.copytree(project.site.root / "approvals/_site/2", project.site.root / "approvals/_site/4")
    problems = check_base(project.site.root, "main", T)
    assert "manifest.json: sequence is 2, but the folder is 4" in " ".join(p.message for p in problems)
    assert "site-approval-invalid" in rules(problems)


def test_a_site_step_with_the_wrong_replaces_or_sequence_is_refused(project):
    EDITS["docs/x.md"](project.path)
    approve(project, "comms", "alice")
    approve(project, "security", "bob")
    step = project.site.root / "approvals/_site/2"
    step.rename(project.site.root / "approvals/_site/3")
    problems = check_base(project.site.root, "main", T)
    assert "step 3 of the site files does not follow main, whose last step is 1: the next step is 2" in \
        " ".join(p.message for p in problems)
    (project.site.root / "approvals/_site/3").rename(step)
    # a manifest that starts from another state (here: step 1's digest replaced by zeros), re-signed
    doc = json.loads((step / "manifest.json").read_text())
    doc["replaces"] = "sha256:" + "0" * 64
    (step / "manifest.json").write_bytes(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    for sig in step.glob("*.sig"):
        sig.unlink()
    CliRunner().invoke(cli, ["check"])  # nothing to sign with the CLI: sign in-process
    from statuskit.gate.site_chain import SITE, step_statement
    from statuskit.ssh.sshsig import sign
    from statuskit.model.content import load_content
    ns = load_content(project.site.root, only=set()).teams.namespace
    for team, m in (("comms", "alice"), ("security", "bob")):
        (step / f"{team}--{m}.sig").write_text(
            sign(project.site.keys[m].private, ns, step_statement(SITE, (step / "manifest.json").read_bytes(), team, m)))
    problems = check_base(project.site.root, "main", T)
    assert rules(problems) == ["site-approval-invalid"]
    assert problems[0].message.startswith("replaces sha256:" + "0" * 64 + ", but the site files at main is sha256:")


def test_an_approved_site_step_cannot_be_removed_or_edited(project):
    (project.site.root / "approvals/_site/1/comms--alice.sig").unlink()
    problems = check_base(project.site.root, "main", T)
    assert rules(problems) == ["site-approval-removed"]
    assert problems[0].file == "content/approvals/_site/1/comms--alice.sig"
    git(project.path, "checkout", "main", "--", "content/approvals")
    shutil.rmtree(project.site.root / "approvals/_site")
    assert rules(check_base(project.site.root, "main", T)) == ["site-approval-removed"] * 3


def test_a_symlink_among_the_site_files_is_refused(project):
    os.symlink("/etc/hostname", project.path / "docs" / "host.txt")
    problems = check_base(project.site.root, "main", T)
    assert "site-file-invalid" in rules(problems)
    bad = next(p for p in problems if p.rule == "site-file-invalid")
    assert bad.file == "docs/host.txt" and "a symlink among the site files" in bad.message


def test_check_without_base_warns_until_the_site_is_approved(project):
    result = CliRunner().invoke(cli, ["check", "--at", "2024-08-01T00:00:00Z"])
    assert result.exit_code == 0 and "site-unapproved" not in result.output, result.output
    EDITS["docs/x.md"](project.path)
    result = CliRunner().invoke(cli, ["check", "--at", "2024-08-01T00:00:00Z"])
    assert result.exit_code == 0
    assert ("mkdocs.yml: warning: the site files differ from the approved content/approvals/_site/1: + docs/x.md"
            in result.output) and "[site-unapproved]" in result.output
    status = CliRunner().invoke(cli, ["status", "--at", "2024-08-01T00:00:00Z"])
    assert "site: the site files differ from the approved content/approvals/_site/1: + docs/x.md" in status.output
