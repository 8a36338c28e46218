"""`check --base REF` checks in full what differs from REF, and everything when a file every incident
depends on changed (real git repositories, real keys): issue 14, items 7 and 4."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.workflow import checks

from gitrepo import git

AT = "2024-08-01T00:00:00Z"

# an open incident whose public text promises a fix: a lint warning (public-over-promise) in every incident
INC = """\
id: {id}
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
      We are investigating an outage of appointment scheduling. It will be fixed soon.
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    public: |
      We found the cause: a failed database upgrade.
"""
APPENDED = """\
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: resolved
    public: |
      Scheduling works again.
"""
IDS = ("alpha", "bravo", "charlie")


def start(repo) -> None:
    """Three approved incidents committed on main, each with a lint warning; then branch off."""
    for iid in IDS:
        repo.site.incident(iid, INC.format(id=iid))
    repo.site.approve_all()
    repo.commit("base")
    repo.branch()


def check(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["check", "--at", AT, "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def text(*args: str):
    return CliRunner().invoke(cli, ["check", "--at", AT, *args])


def about(problems: list[dict], iid: str) -> list[dict]:
    """The problems of one incident: its file and its approvals."""
    return [p for p in problems if p["file"] in (f"content/incidents/{iid}.yml",)
            or p["file"].startswith(f"content/approvals/{iid}/")]


def rules(problems: list[dict]) -> list[str]:
    return sorted(p["rule"] for p in problems)


# --- what a pull request changes: the same findings as a full check, and nothing else ----------------

def test_a_pr_touching_one_incident_reports_exactly_what_a_full_check_reports_for_it(repo, monkeypatch):
    start(repo)
    repo.write("incidents/bravo.yml", repo.read("incidents/bravo.yml") + APPENDED)  # not approved yet
    repo.commit("append an update to bravo")
    _, full = check()
    assert "public-over-promise" in rules(about(full["problems"], "alpha"))  # the others have findings too
    read: list[str] = []
    real = checks.read_incident
    monkeypatch.setattr(checks, "read_incident", lambda root, name: read.append(name) or real(root, name))
    code, base = check("--base", "main")
    assert code == 0
    assert base["problems"] == about(full["problems"], "bravo")
    assert {"approval-missing", "public-over-promise"} <= set(rules(base["problems"]))
    assert read == ["bravo.yml"]  # the unchanged incidents are not even read
    assert (base["incidents"], base["updates"]) == (1, 3)
    assert base["unchanged"] == {"incidents": 2, "rechecked": False, "warnings_not_shown": 0,
                                 "note": "2 incident(s) unchanged since main were not re-checked (they were "
                                         "checked when main was; only incident files and approvals changed "
                                         "here); run `statuskit check` to check everything"}
    out = text("--base", "main").output
    assert out.splitlines()[-2:] == [base["unchanged"]["note"],
                                     f"ok: 1 incident(s), 3 update(s); 0 error(s), {base['warnings']} warning(s)"]


def test_an_uncommitted_edit_and_an_untracked_incident_are_checked(repo):
    """The working tree is what is checked: an edit not committed yet, a new file git does not track."""
    start(repo)
    repo.replace("incidents/alpha.yml", "status: identified", "status: identifed")
    repo.site.incident("delta", "id: delta\nkind: incident\nupdates: []\n")
    code, base = check("--base", "main")
    assert code == 1
    files = sorted({p["file"] for p in base["problems"] if p["severity"] == "error"})
    assert files == ["content/incidents/alpha.yml", "content/incidents/delta.yml"], base["problems"]


def test_a_file_git_ignores_inside_the_content_folder_is_still_seen(repo):
    """The loader reads every file of content/, ignored or not: so does the comparison."""
    (repo.path / ".gitignore").write_text("*.bak\n")
    start(repo)
    repo.write("incidents/alpha.yml.bak", "whatever")
    assert git(repo.path, "status", "--porcelain") == ""  # git sees nothing
    code, base = check("--base", "main")
    assert code == 1
    assert base["unchanged"]["rechecked"] is False
    assert [(p["file"], p["message"]) for p in base["problems"] if p["severity"] == "error"] == [
        ("content/incidents/alpha.yml.bak", "unexpected file in incidents/ (only <incident-id>.yml files belong here)")]


def test_a_named_pipe_in_incidents_is_still_seen(repo):
    """git does not list named pipes at all; anything in incidents/ that is not a regular file is checked."""
    start(repo)
    os.mkfifo(repo.site.root / "incidents" / "zulu.yml")
    assert git(repo.path, "status", "--porcelain") == ""  # git sees nothing
    code, base = check("--base", "main")
    assert code == 1
    assert [p["file"] for p in base["problems"] if p["severity"] == "error"] == ["content/incidents/zulu.yml"]


# --- attacks: a change outside an incident's own file is still checked -------------------------------

def test_an_edit_to_the_approvals_of_an_unchanged_incident_checks_that_incident(repo, keys):
    """The incident file is untouched; one of its approvals is replaced by one made with another key."""
    start(repo)
    sig = repo.site.root / "approvals/charlie/1/comms--alice.sig"
    repo.site.approve("charlie", 1, "comms", "alice", signer="mallory")
    repo.commit("swap an approval")
    assert git(repo.path, "diff", "--name-only", "main", "--", "content/incidents") == ""
    code, base = check("--base", "main")
    assert code == 1
    invalid = [p for p in base["problems"] if p["rule"] == "approval-invalid"]
    assert [p["file"] for p in invalid] == [str(sig.relative_to(repo.path))]
    assert rules(about(base["problems"], "charlie")) == rules(about(check()[1]["problems"], "charlie"))
    assert about(base["problems"], "alpha") == []


def test_a_teams_yml_change_checks_every_incident(repo):
    """bob leaves security: his approvals of the incidents nobody touched stop counting."""
    start(repo)
    teams = repo.read("teams.yml")
    repo.write("teams.yml", teams.replace("  security: [bob, dave]", "  security: [dave]"))
    repo.commit("bob leaves")
    code, base = check("--base", "main")
    assert code == 1
    for iid in IDS:  # their approval errors are listed (warnings only counted)
        assert "approval-invalid" in rules(about(base["problems"], iid)), base["problems"]
        assert "public-over-promise" not in rules(about(base["problems"], iid))
    assert base["unchanged"]["rechecked"] is True
    assert base["unchanged"]["warnings_not_shown"] >= 3
    assert "because content/teams.yml changed" in base["unchanged"]["note"]


def test_a_components_yml_change_checks_every_incident(repo):
    start(repo)
    repo.write("components.yml", repo.read("components.yml").replace("  - id: scheduling\n", "  - id: booking\n"))
    repo.commit("rename a component")
    code, base = check("--base", "main")
    assert code == 1
    broken = sorted({p["file"] for p in base["problems"] if p["severity"] == "error" and "scheduling" in p["message"]})
    assert broken == [f"content/incidents/{iid}.yml" for iid in IDS], base["problems"]


def test_a_lint_yml_change_checks_every_incident(repo):
    """A lint made an error reaches the incidents nobody touched."""
    start(repo)
    repo.write("lint.yml", "severity:\n  public-over-promise: error\n")
    repo.commit("promises are errors")
    code, base = check("--base", "main")
    assert code == 1
    assert sorted(p["file"] for p in base["problems"] if p["rule"] == "public-over-promise") == [
        f"content/incidents/{iid}.yml" for iid in IDS]
    assert all(p["severity"] == "error" for p in base["problems"] if p["rule"] == "public-over-promise")


def test_a_change_anywhere_else_in_the_repository_checks_everything(repo):
    """A file outside the incidents (here a new untracked one beside content/) may be what the findings
    depend on; only git-ignored files outside content/ are not changes."""
    (repo.path / ".gitignore").write_text("/site/\n")
    start(repo)
    (repo.path / "site").mkdir()
    (repo.path / "site" / "index.html").write_text("built")
    repo.write("incidents/bravo.yml", repo.read("incidents/bravo.yml") + APPENDED)
    git(repo.path, "add", "content")
    git(repo.path, "commit", "-q", "-m", "append")
    assert check("--base", "main")[1]["unchanged"]["rechecked"] is False  # site/ is ignored
    (repo.path / "notes.txt").write_text("a new file")
    code, base = check("--base", "main")
    assert code == 0  # the warnings of every incident, listed or counted, pass
    full = check()[1]["problems"]
    hidden = len(about(full, "alpha") + about(full, "charlie"))
    assert base["unchanged"] == {
        "incidents": 2, "rechecked": True, "warnings_not_shown": hidden,
        "note": f"{hidden} warning(s) in 2 incident(s) unchanged since main not shown (every incident was "
                f"re-checked because notes.txt changed; their errors are shown); run `statuskit check` for all"}
    assert base["problems"] == about(full, "bravo")


# --- published incidents renamed or removed are still caught ---------------------------------------

def test_a_renamed_published_incident_is_caught(repo):
    start(repo)
    git(repo.path, "mv", "content/incidents/alpha.yml", "content/incidents/alpha-2.yml")
    git(repo.path, "mv", "content/approvals/alpha", "content/approvals/alpha-2")
    repo.replace("incidents/alpha-2.yml", "id: alpha", "id: alpha-2")
    repo.commit("rename")
    code, base = check("--base", "main")
    assert code == 1
    assert [p["file"] for p in base["problems"] if p["rule"] == "history-removed"] == ["content/incidents/alpha.yml"]


def test_a_removed_published_incident_is_caught(repo):
    start(repo)
    git(repo.path, "rm", "-q", "-r", "content/incidents/bravo.yml", "content/approvals/bravo")
    repo.commit("remove")
    code, base = check("--base", "main")
    assert code == 1
    assert rules(base["problems"]) == ["history-removed"]
