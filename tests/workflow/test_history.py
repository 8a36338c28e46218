"""`check --base REF`: published history is immutable, teams.yml is protected (real git repositories)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.errors import GitError
from statuskit.workflow.history import check_base

from gitrepo import T, git

INC = """\
id: outage
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
      We found the cause: a failed database upgrade.
"""
FILE = "incidents/outage.yml"
SHOWN = "content/incidents/outage.yml"


def update(n: int, at: str, status: str, public: str, extra: str = "") -> str:
    return f"  - id: {n}\n    at: {at}\n    status: {status}\n{extra}    public: |\n      {public}\n"


def start(repo, text: str = INC, approve_upto: int | None = None) -> None:
    """Commit the incident (approved by alice and bob) on main, then branch off."""
    repo.site.incident("outage", text)
    repo.site.approve_all(upto=approve_upto)
    repo.commit("base")
    repo.branch()


def rules(problems) -> list[str]:
    return sorted(p.rule for p in problems)


def only(problems, rule: str):
    assert rules(problems) == [rule], [str(p) for p in problems]
    return problems[0]


# --- changes that pass ------------------------------------------------------------------------

def test_unchanged_and_clean_append_pass(repo):
    start(repo)
    assert check_base(repo.site.root, "main", T) == []
    repo.write(FILE, INC + update(3, "2024-07-31T11:00:00Z", "resolved", "Scheduling works again."))
    repo.site.approve_all()
    assert check_base(repo.site.root, "main", T) == []


def test_a_correction_passes(repo):
    start(repo)
    repo.write(FILE, INC + update(3, "2024-07-31T11:00:00Z", "identified", "Correction: it was a network fault.",
                                  "    corrects: 2\n"))
    repo.site.approve_all()
    assert check_base(repo.site.root, "main", T) == []


def test_a_retraction_may_delete_the_retracted_text(repo):
    start(repo)
    # the retraction, approved by both teams, and update 2's public text deleted
    retracted = INC.replace("    public: |\n      We found the cause: a failed database upgrade.\n", "")
    repo.write(FILE, retracted + update(3, "2024-07-31T11:00:00Z", "identified", "We withdrew an update.",
                                        "    retracts: 2\n"))
    repo.site.approve(  "outage", 3, "comms", "alice")
    repo.site.approve("outage", 3, "security", "bob")
    assert check_base(repo.site.root, "main", T) == []
    # and the CLI agrees, end to end
    result = CliRunner().invoke(cli, ["check", "--base", "main", "--at", "2024-08-01T00:00:00Z"])
    assert result.exit_code == 0, result.output


def test_drafts_may_be_edited_and_removed(repo):
    text = INC + update(3, "2024-07-31T11:00:00Z", "monitoring", "A draft.")
    start(repo, text, approve_upto=2)  # update 3 has no approvals: a draft
    repo.write(FILE, INC + update(3, "2024-07-31T11:30:00Z", "resolved", "The draft, rewritten."))
    assert check_base(repo.site.root, "main", T) == []
    repo.write(FILE, INC)
    assert check_base(repo.site.root, "main", T) == []


def test_an_embargoed_update_is_not_published_yet_and_may_change(repo):
    text = INC + update(3, "2024-07-31T11:00:00Z", "monitoring", "Held.", "    embargo_until: 2024-09-01T00:00:00Z\n")
    start(repo, text)
    repo.replace(FILE, "Held.", "Held, and reworded.")
    assert check_base(repo.site.root, "main", T) == []
    # ... but once T passes the embargo, it was published at main
    p = only(check_base(repo.site.root, "main", T.replace(month=10)), "history-edited")
    assert "update 3 was published at main" in p.message


def test_comment_only_change_to_teams_yml_passes(repo):
    start(repo)
    repo.write("teams.yml", "# who approves\n" + repo.read("teams.yml"))
    assert check_base(repo.site.root, "main", T) == []


def test_new_content_folder_has_no_history(repo):
    repo.commit("empty")  # main without the content folder
    repo.branch()
    shutil.rmtree(repo.site.root / "incidents")
    repo.site.incident("outage", INC)
    assert check_base(repo.site.root, "main", T) == []


# --- published history edited, reordered or removed ---------------------------------------------------

def test_editing_a_published_update_fails_at_its_line(repo):
    start(repo)
    repo.replace(FILE, "a failed database upgrade", "a failed network switch")
    p = only(check_base(repo.site.root, "main", T), "history-edited")
    assert p.file == SHOWN and p.field == "updates[1].public"
    assert p.line == repo.read(FILE).splitlines().index("    public: |", 12) + 1
    assert p.message == ("update 2 was published at main and has been edited (public changed): add a correcting "
                         "update instead (statuskit update outage --corrects 2); to withdraw text that must not stay "
                         "public, retract it (--retracts 2)")


def test_editing_a_published_status_or_component_fails(repo):
    start(repo)
    repo.replace(FILE, "scheduling: major_outage", "scheduling: partial_outage")
    p = only(check_base(repo.site.root, "main", T), "history-edited")
    assert re.search(r"update 1 was published at main and has been edited \(components changed\)", p.message)


def test_removing_a_published_update_fails(repo):
    start(repo)
    repo.write(FILE, INC.split("  - id: 2")[0])
    shutil.rmtree(repo.site.root / "approvals" / "outage" / "2")
    p = only(check_base(repo.site.root, "main", T), "history-removed")
    assert p.file == SHOWN and p.line == 4
    assert p.message.startswith("update 2 was published at main and has been removed: published updates stay; "
                                "restore it (git checkout main -- content/incidents/outage.yml)")
    assert "statuskit update outage --retracts 2" in p.message


def test_removing_a_published_incident_fails(repo):
    start(repo)
    (repo.site.root / FILE).unlink()
    shutil.rmtree(repo.site.root / "approvals" / "outage")
    p = only(check_base(repo.site.root, "main", T), "history-removed")
    assert p.file == SHOWN and p.line is None
    assert p.message.startswith("incident 'outage' was published at main (updates 1..2) and its file has been removed")


def test_removing_an_earlier_update_reorders_the_later_ones(repo):
    text = INC + update(3, "2024-07-31T11:00:00Z", "monitoring", "Fixed; monitoring.")
    start(repo, text)
    # update 2 deleted, update 3 renumbered as 2
    repo.write(FILE, INC.split("  - id: 2")[0] + update(2, "2024-07-31T11:00:00Z", "monitoring", "Fixed; monitoring."))
    problems = check_base(repo.site.root, "main", T)
    assert rules(problems) == ["history-reordered", "history-reordered"]
    msgs = sorted(p.message for p in problems)
    assert msgs[0].startswith("update 2 was published at main and its place now holds update 3 of main: "
                              "the updates were reordered")
    assert msgs[1].startswith("update 3 was published at main and is now update 2: an earlier update was removed "
                              "or the updates were reordered")


def test_swapping_two_published_updates_fails(repo):
    a = update(2, "2024-07-31T10:00:00Z", "identified", "First of two.")
    b = update(3, "2024-07-31T10:00:00Z", "identified", "Second of two.")
    start(repo, INC.split("  - id: 2")[0] + a + b)
    repo.write(FILE, INC.split("  - id: 2")[0] + b.replace("id: 3", "id: 2") + a.replace("id: 2", "id: 3"))
    problems = check_base(repo.site.root, "main", T)
    assert rules(problems) == ["history-reordered", "history-reordered"]


def test_inserting_before_a_published_update_fails(repo):
    start(repo)
    first, second = INC.split("  - id: 2")
    inserted = update(2, "2024-07-31T09:30:00Z", "investigating", "An update slipped in between.")
    repo.write(FILE, first + inserted + "  - id: 3" + second)
    p = only(check_base(repo.site.root, "main", T), "history-inserted")
    assert p.field == "updates[2]"
    assert p.message == ("update 2 was published at main and is now update 3: 1 update(s) were inserted before it; "
                         "updates are append-only: add new updates at the end (statuskit update outage)")


def test_inserting_before_a_draft_fails(repo):
    text = INC + update(3, "2024-07-31T11:00:00Z", "monitoring", "A draft.")
    start(repo, text, approve_upto=2)
    inserted = update(3, "2024-07-31T10:30:00Z", "identified", "Slipped in.")
    repo.write(FILE, INC + inserted + update(4, "2024-07-31T11:00:00Z", "monitoring", "A draft."))
    p = only(check_base(repo.site.root, "main", T), "history-inserted")
    assert p.message.startswith("update 3 was already in the file at main and is now update 4")


def test_reusing_a_published_update_id_fails(repo):
    start(repo)
    repo.write(FILE, INC.split("  - id: 2")[0] + update(2, "2024-07-31T12:00:00Z", "resolved", "All fixed."))
    p = only(check_base(repo.site.root, "main", T), "history-id-reused")
    assert p.message.startswith("update 2 was published at main and has been replaced by a different update that "
                                "reuses id 2: published updates stay")
    assert "add the new one at the end as update 3" in p.message


def test_retraction_not_yet_approved_does_not_allow_deleting_text(repo):
    start(repo)
    retracted = INC.replace("    public: |\n      We found the cause: a failed database upgrade.\n", "")
    repo.write(FILE, retracted + update(3, "2024-07-31T11:00:00Z", "identified", "Withdrawn.", "    retracts: 2\n"))
    repo.site.approve("outage", 3, "comms", "alice")  # security has not approved the retraction
    p = only(check_base(repo.site.root, "main", T), "history-edited")
    assert "update 3 retracts it but is not approved by every team yet" in p.message


def test_a_retraction_not_public_yet_does_not_allow_deleting_text(repo):
    """Until the retraction itself publishes, the retracted update is on the site as it was: deleting its
    text would unpublish it (its approvals no longer match), so it is an edit like any other."""
    start(repo)
    retracted = INC.replace("    public: |\n      We found the cause: a failed database upgrade.\n", "")
    repo.write(FILE, retracted + update(3, "2024-07-31T11:00:00Z", "identified", "Withdrawn.",
                                        "    retracts: 2\n    embargo_until: 2024-08-05T00:00:00Z\n"))
    repo.site.approve("outage", 3, "comms", "alice")
    repo.site.approve("outage", 3, "security", "bob")
    p = only(check_base(repo.site.root, "main", T), "history-edited")
    assert "update 3 retracts it but is not approved by every team yet (under teams.yml at main) or not public " \
           "yet (its time or embargo is later)" in p.message
    later = T.replace(month=8, day=5)
    assert later > T and check_base(repo.site.root, "main", later) == []


def test_a_retracted_update_may_lose_only_its_text(repo):
    start(repo)
    retracted = INC.replace("    public: |\n      We found the cause: a failed database upgrade.\n", "")
    retracted = retracted.replace("status: identified", "status: monitoring")
    repo.write(FILE, retracted + update(3, "2024-07-31T11:00:00Z", "identified", "Withdrawn.", "    retracts: 2\n"))
    repo.site.approve("outage", 3, "comms", "alice")
    repo.site.approve("outage", 3, "security", "bob")
    p = only(check_base(repo.site.root, "main", T), "history-edited")
    assert p.message.startswith("update 2 was published at main and is retracted by update 3, so only its "
                                "public/technical/report/title may be changed or deleted, but status changed too")


def test_removing_the_approval_of_a_published_update_fails(repo):
    start(repo)
    (repo.site.root / "approvals" / "outage" / "2" / "security--bob.sig").unlink()
    p = only(check_base(repo.site.root, "main", T), "history-approval-removed")
    assert p.file == "content/approvals/outage/2/security--bob.sig"


# --- teams.yml ---------------------------------------------------------------------------------

def sign_teams_change(repo, team: str, member: str, signer: str | None = None, seq: int = 1) -> Path:
    """Sign the working tree's teams.yml as step ``seq`` from teams.yml at main, in-process."""
    return repo.site.sign_teams(team, member, repo.teams_at("main"), seq, signer=signer)


def add_mallory(site, team: str = "comms") -> None:
    """Add mallory to ``team`` in the working tree's teams.yml (only there: comms then security is two changes)."""
    text = (site.root / "teams.yml").read_text(encoding="utf-8")
    if "  mallory:" not in text:
        text = text.replace("teams:\n", f"  mallory:\n    name: Mallory\n"
                                    f"    keys: [\"{site.keys['mallory'].public}\"]\nteams:\n")
    text = text.replace(f"  {team}: [", f"  {team}: [mallory, ")
    site.write("teams.yml", text)


def test_teams_change_without_approvals_fails(repo):
    start(repo)
    add_mallory(repo.site)
    p = only(check_base(repo.site.root, "main", T), "teams-unapproved")
    assert p.file == "content/teams.yml"
    assert p.line == repo.read("teams.yml").splitlines().index("  mallory:") + 1
    assert p.message.startswith("teams.yml changed since main (+ member mallory (Mallory), + mallory joins team comms) "
                                "without the approval of both teams: each required team runs `statuskit approve-teams "
                                "--team TEAM --member MEMBER --base main` and commits content/approvals/_teams/1/")


def test_teams_change_approved_by_both_teams_of_base_passes(repo):
    start(repo)
    add_mallory(repo.site)
    sign_teams_change(repo, "comms", "alice")
    p = only(check_base(repo.site.root, "main", T), "teams-unapproved")  # security still missing
    assert "content/approvals/_teams/1 lacks approval by: security (under teams.yml at main)" in p.message
    sign_teams_change(repo, "security", "bob")
    assert check_base(repo.site.root, "main", T) == []
    # plain `check` ignores the _teams folder (it is not an incident)
    assert CliRunner().invoke(cli, ["check", "--at", "2024-08-01T00:00:00Z"]).exit_code == 0


def test_teams_change_cannot_be_approved_by_the_member_it_adds(repo):
    start(repo)
    add_mallory(repo.site)
    sign_teams_change(repo, "comms", "mallory")
    sign_teams_change(repo, "security", "bob")
    problems = check_base(repo.site.root, "main", T)
    assert rules(problems) == ["teams-approval-invalid", "teams-unapproved"]
    bad = next(p for p in problems if p.rule == "teams-approval-invalid")
    assert bad.file == "content/approvals/_teams/1/comms--mallory.sig"
    assert bad.message == "approval of teams.yml does not count: 'mallory' is not a member in teams.yml at main"


def test_teams_approval_of_another_registry_does_not_count(repo):
    start(repo)
    add_mallory(repo.site)
    sign_teams_change(repo, "comms", "alice")
    sign_teams_change(repo, "security", "bob")
    add_mallory(repo.site, team="security")  # a different registry: the signatures were over the other one
    p = only(check_base(repo.site.root, "main", T), "teams-unapproved")
    assert p.file == "content/approvals/_teams/1/manifest.json"
    assert "but teams.yml here is sha256:" in p.message


def teams_step(repo, message: str, change) -> None:
    """One legitimate pull request: change teams.yml, both teams of main sign step <last + 1>, merge."""
    repo.branch(f"teams-{message}")
    change()
    seq = len(list((repo.site.root / "approvals" / "_teams").glob("*"))) + 1 \
        if (repo.site.root / "approvals" / "_teams").is_dir() else 1
    sign_teams_change(repo, "comms", "alice", seq=seq)
    sign_teams_change(repo, "security", "bob", seq=seq)
    assert check_base(repo.site.root, "main", T) == [], message
    repo.commit(message)
    git(repo.path, "switch", "-q", "main")
    git(repo.path, "merge", "-q", "--ff-only", f"teams-{message}")


def test_an_old_teams_yml_cannot_be_put_back_with_its_old_signatures(repo):
    """R0 -> R1 (signed) -> R0 (signed) -> R1 again, signing nothing: the replay fails."""
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    repo.commit("R0")
    r0 = repo.read("teams.yml")
    teams_step(repo, "R1", lambda: add_mallory(repo.site))
    r1 = repo.read("teams.yml")
    teams_step(repo, "R0-again", lambda: repo.write("teams.yml", r0))
    repo.branch("replay")
    repo.write("teams.yml", r1)  # byte for byte R1; _teams/1 still holds its signatures
    p = only(check_base(repo.site.root, "main", T), "teams-unapproved")
    assert "commits content/approvals/_teams/3/" in p.message
    # copying step 1's files into step 3 does not help: the manifest names sequence 1
    shutil.copytree(repo.site.root / "approvals/_teams/1", repo.site.root / "approvals/_teams/3")
    problems = check_base(repo.site.root, "main", T)
    assert "manifest.json: sequence is 1, but the folder is 3" in " ".join(p.message for p in problems)
    assert "teams-approval-invalid" in rules(problems)


def test_a_teams_step_with_the_wrong_sequence_or_start_is_refused(repo):
    start(repo)
    add_mallory(repo.site)
    base = repo.teams_at("main")
    for who, team in (("alice", "comms"), ("bob", "security")):
        repo.site.sign_teams(team, who, base, seq=2)
    problems = check_base(repo.site.root, "main", T)
    assert rules(problems) == ["teams-approval-invalid", "teams-unapproved"]
    p = next(p for p in problems if p.rule == "teams-approval-invalid")
    assert p.message.startswith("step 2 of teams.yml does not follow main, whose last step is none: the next step is 1")
    shutil.rmtree(repo.site.root / "approvals/_teams")
    for who, team in (("alice", "comms"), ("bob", "security")):
        repo.site.sign_teams(team, who, base, seq=1, replaces="sha256:" + "0" * 64)
    p = only(check_base(repo.site.root, "main", T), "teams-approval-invalid")
    assert p.file == "content/approvals/_teams/1/manifest.json"
    assert p.message.startswith("replaces sha256:" + "0" * 64 + ", but teams.yml at main is sha256:")


def test_an_approved_teams_step_cannot_be_removed_or_edited(repo):
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    repo.commit("R0")
    teams_step(repo, "R1", lambda: add_mallory(repo.site))
    repo.branch("tamper")
    (repo.site.root / "approvals/_teams/1/security--bob.sig").unlink()
    p = only(check_base(repo.site.root, "main", T), "teams-approval-removed")
    assert p.file == "content/approvals/_teams/1/security--bob.sig"
    assert "was removed since main" in p.message
    git(repo.path, "checkout", "main", "--", "content/approvals")
    (repo.site.root / "approvals/_teams/1/manifest.json").write_text("{}")
    p = only(check_base(repo.site.root, "main", T), "teams-approval-removed")
    assert "was edited since main" in p.message


def test_the_old_teams_layout_is_refused_with_an_explanation(repo):
    start(repo)
    old = repo.site.root / "approvals/_teams" / ("ab" * 32)
    old.mkdir(parents=True)
    (old / "comms--alice.sig").write_text("x")
    p = only(check_base(repo.site.root, "main", T), "teams-approval-old-layout")
    assert p.file == f"content/approvals/_teams/{'ab' * 32}"
    assert "approvals are now numbered steps (_teams/<n>/manifest.json" in p.message


def test_approvals_are_verified_against_teams_at_base(repo):
    start(repo)
    add_mallory(repo.site)
    sign_teams_change(repo, "comms", "alice")
    sign_teams_change(repo, "security", "bob")
    # update 3 approved by mallory (comms, new here) and bob: approved under the new teams.yml only
    repo.write(FILE, INC + update(3, "2024-07-31T11:00:00Z", "resolved", "Fixed."))
    repo.site.approve("outage", 3, "comms", "mallory")
    repo.site.approve("outage", 3, "security", "bob")
    p = only(check_base(repo.site.root, "main", T), "teams-self-approval")
    assert p.message.startswith("update 3 is approved only under teams.yml as changed here (under teams.yml at main "
                                "it lacks: comms)")


# --- git, paths and the CLI --------------------------------------------------------------------------

def test_not_a_git_repository(tmp_path, make_site, monkeypatch):
    site = make_site()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(GitError, match=r"^content is not inside a git repository, so --base cannot compare it"):
        check_base(site.root, "main", T)


def test_unknown_revision(repo):
    start(repo)
    with pytest.raises(GitError, match=r"^git revision 'nope' does not exist in "):
        check_base(repo.site.root, "nope", T)
    result = CliRunner().invoke(cli, ["check", "--base", "nope"])
    assert result.exit_code == 1
    assert "error: git revision 'nope' does not exist" in result.output
    assert "git fetch origin main" in result.output


def test_content_folder_deep_in_the_repository(tmp_path, make_site, monkeypatch):
    made = make_site()
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "status").mkdir()
    made.root.rename(tmp_path / "status" / "content")
    site = type(made)(tmp_path / "status" / "content", made.keys)
    site.incident("outage", INC)
    site.approve_all()
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    (site.root / FILE).write_text(INC.replace("database upgrade", "disk"), encoding="utf-8")
    p = only(check_base(site.root, "main", T), "history-edited")
    assert p.file == "status/content/incidents/outage.yml"
    # from inside the content folder, the same
    monkeypatch.chdir(site.root)
    assert rules(check_base(Path("."), "HEAD", T)) == ["history-edited"]


def test_cli_github_annotations_name_file_and_line(repo):
    start(repo)
    repo.replace(FILE, "a failed database upgrade", "a failed network switch")
    result = CliRunner().invoke(cli, ["check", "--base", "main", "--at", "2024-08-01T00:00:00Z", "--format", "github"])
    assert result.exit_code == 1
    line = repo.read(FILE).splitlines().index("    public: |", 12) + 1
    assert (f"::error file=content/incidents/outage.yml,line={line},title=statuskit history-edited::"
            f"updates[1].public: update 2 was published at main and has been edited (public changed)") in result.output


def test_cli_text_output_and_exit_code(repo):
    start(repo)
    (repo.site.root / FILE).unlink()
    shutil.rmtree(repo.site.root / "approvals" / "outage")
    result = CliRunner().invoke(cli, ["check", "--base", "main", "--at", "2024-08-01T00:00:00Z"])
    assert result.exit_code == 1
    assert "content/incidents/outage.yml: incident 'outage' was published at main" in result.output
    assert "[history-removed]" in result.output


def test_history_is_checked_even_when_another_file_has_errors(repo):
    start(repo)
    repo.site.incident("broken", "id: broken\nkind: incident\nupdates: [")  # a YAML syntax error elsewhere
    repo.replace(FILE, "a failed database upgrade", "a failed network switch")
    p = only(check_base(repo.site.root, "main", T), "history-edited")
    assert p.message.startswith("update 2 was published at main and has been edited (public changed)")


def test_base_with_errors_is_reported(repo):
    repo.site.incident("outage", INC.replace("status: identified", "status: fixed"))
    repo.commit("broken base")
    repo.branch()
    repo.site.incident("outage", INC)
    p = only(check_base(repo.site.root, "main", T), "history-base-invalid")
    assert p.message.startswith("the content at main has errors, so its published history cannot be checked "
                                "(fix main first): main:content/incidents/outage.yml:15: updates[1].status: "
                                "incident status 'fixed' is not one of")


def test_removing_a_member_who_published_history_is_reported(repo):
    start(repo)  # both updates approved by alice (comms) and bob (security)
    text = repo.read("teams.yml").replace("  comms: [alice, carol]", "  comms: [carol]")
    assert text != repo.read("teams.yml")
    repo.site.write("teams.yml", text)
    sign_teams_change(repo, "comms", "alice")
    sign_teams_change(repo, "security", "bob")
    problems = [p for p in check_base(repo.site.root, "main", T) if p.rule == "teams-change-unpublishes"]
    assert [p.field for p in problems] == ["updates[0]", "updates[1]"]
    assert "would stop publishing: have a current member of comms approve it first" in problems[0].message
    # once carol (comms) has approved both updates, the change loses nothing
    repo.site.approve("outage", 1, "comms", "carol")
    repo.site.approve("outage", 2, "comms", "carol")
    assert [p for p in check_base(repo.site.root, "main", T) if p.rule == "teams-change-unpublishes"] == []


def test_only_the_changed_incidents_are_read(repo, monkeypatch):
    """A pull request touching one incident of many reads that one at REF and at HEAD (not the whole site)."""
    from statuskit.model import content as content_mod

    for i in range(3):
        repo.site.incident(f"other-{i}", INC.replace("id: outage", f"id: other-{i}"))
    start(repo)
    repo.replace(FILE, "a failed database upgrade", "a failed network switch")
    read: list[str] = []
    real = content_mod.load_incident
    monkeypatch.setattr(content_mod, "load_incident", lambda shared, name, raw=None: read.append(name) or real(shared, name, raw))
    p = only(check_base(repo.site.root, "main", T), "history-edited")
    assert p.message.startswith("update 2 was published at main and has been edited (public changed)")
    assert read == ["outage.yml", "outage.yml"]  # at main, then in the working tree
    # a registry change re-verifies every approval, so then the whole working tree is read
    read.clear()
    repo.site.write("teams.yml", repo.read("teams.yml").replace("  comms: [alice, carol]", "  comms: [alice]"))
    check_base(repo.site.root, "main", T)
    assert sorted(read) == ["other-0.yml", "other-1.yml", "other-2.yml", "outage.yml", "outage.yml"]
