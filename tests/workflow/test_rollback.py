"""Published history cannot roll back on main: `statuskit build` refuses to unpublish or change what the
previous site published (real git repository, real ssh-keygen signatures, real MkDocs builds)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli

from gitrepo import git

MKDOCS_YML = """\
site_name: Rollback status
site_url: https://status.rollback.example/
docs_dir: docs
theme:
  name: material
  font: false
plugins:
  - search
  - statuskit
"""

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
    status: resolved
{extra}    public: |
      Scheduling is working again.
"""
T = "2024-08-01T00:00:00Z"
EDITED = "Scheduling is working again for most clinics."


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def approve(repo, keys, upto: int | None = None) -> None:
    """Sign every update (up to ``upto``) as alice (comms) and bob (security) with ssh-keygen."""
    content = repo.site.load()
    for inc in content.incidents:
        for u in inc.updates:
            if upto is not None and u.id > upto:
                continue
            for team, member in (("comms", "alice"), ("security", "bob")):
                if (repo.site.root / "approvals" / inc.id / str(u.id) / f"{team}--{member}.sig").exists():
                    continue
                result = run("approve", inc.id, str(u.id), "--team", team, "--member", member,
                             "--key", str(keys[member].path), "--yes", "--content", str(repo.site.root))
                assert result.exit_code == 0, result.output


def snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def published(repo, keys):
    """main holds an approved, resolved incident (and approved site files), built into site/ as of T."""
    (repo.path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (repo.path / "docs").mkdir()
    (repo.path / ".gitignore").write_text("site/\nsite2/\n")
    repo.site.incident("outage", INC.format(extra=""))
    repo.site.sign_site()
    approve(repo, keys)
    repo.commit("outage: resolved, approved")
    result = run("build", "--site-dir", "site", "--at", T)
    assert result.exit_code == 0, result.output
    doc = json.loads((repo.path / "site" / "approvals.json").read_text())
    assert doc["at"] == T
    assert [u["published_at"] for u in doc["incidents"][0]["updates"]] == ["2024-07-31T09:05:00Z",
                                                                           "2024-07-31T10:00:00Z"]
    return repo


def edit_published_update_on_main(repo) -> None:
    """A direct push to main edits the published update 2: its approvals no longer match."""
    repo.replace("incidents/outage.yml", "Scheduling is working again.", EDITED)
    repo.commit("edit a published update (no pull request)")
    check = run("check", "--at", T)
    assert check.exit_code == 0 and "[approval-stale]" in check.output, check.output


def test_build_refuses_to_unpublish_an_edited_update_and_leaves_the_site(published):
    before = snapshot(published.path / "site")
    edit_published_update_on_main(published)
    result = run("build", "--site-dir", "site", "--at", T)
    assert result.exit_code == 1, result.output
    assert "refusing to build: this build would unpublish or change 1 update(s) that the previous site " \
           "published (site/approvals.json):\n  incident 'outage' update 2: missing: published by the previous " \
           "site (since 2024-07-31T10:00:00Z) and not published by this build as of 2024-08-01T00:00:00Z\n" \
           "The site folder was left as it was." in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert snapshot(published.path / "site") == before
    home = (published.path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Major outage" not in home  # still resolved, as published


def test_a_re_approved_edit_is_refused_too(published, keys):
    published.replace("incidents/outage.yml", "Scheduling is working again.", EDITED)
    shutil.rmtree(published.site.root / "approvals" / "outage" / "2")
    approve(published, keys)  # both teams signed the edited words
    published.commit("edit and re-approve a published update")
    result = run("build", "--site-dir", "site", "--at", T)
    assert result.exit_code == 1, result.output
    assert "  incident 'outage' update 2: digest differs: published with digest sha256:" in result.output
    assert "(the update was edited after it was published)" in result.output


def test_previous_from_the_live_site_when_the_site_dir_is_fresh(published):
    live = published.path / "live-approvals.json"
    shutil.copy(published.path / "site" / "approvals.json", live)
    edit_published_update_on_main(published)
    result = run("build", "--site-dir", "site2", "--at", T, "--previous", str(live))
    assert result.exit_code == 1, result.output
    assert "published (live-approvals.json):\n  incident 'outage' update 2: missing:" in result.output
    assert not (published.path / "site2").exists()
    # without --previous, a fresh folder knows of nothing published: that is why the workflow passes it
    missing = run("build", "--site-dir", "site2", "--at", T, "--previous", "nowhere.json")
    assert missing.exit_code == 1 and "--previous nowhere.json: file not found" in missing.output


def test_allow_unpublish_goes_ahead_and_logs_each_update(published):
    edit_published_update_on_main(published)
    result = run("build", "--site-dir", "site", "--at", T, "--allow-unpublish", "court order\n2024-123")
    assert result.exit_code == 0, result.output
    assert ("warning: --allow-unpublish: unpublishing incident 'outage' update 2: missing: published by the "
            "previous site (since 2024-07-31T10:00:00Z) and not published by this build as of "
            "2024-08-01T00:00:00Z (reason: court order 2024-123)") in result.output
    doc = json.loads((published.path / "site" / "approvals.json").read_text())
    assert [u["update"] for u in doc["incidents"][0]["updates"]] == [1]


def test_an_approved_retraction_passes(published, keys):
    text = published.read("incidents/outage.yml").replace("    public: |\n      Scheduling is working again.\n", "")
    published.write("incidents/outage.yml", text + "  - id: 3\n    at: 2024-07-31T11:00:00Z\n    status: resolved\n"
                    "    retracts: 2\n    public: |\n      Our 10:00 update was posted too early.\n")
    approve(published, keys)
    published.commit("retract update 2")
    assert run("check", "--base", "HEAD^", "--at", T).exit_code == 0
    result = run("build", "--site-dir", "site", "--at", T)
    assert result.exit_code == 0, result.output
    doc = json.loads((published.path / "site" / "approvals.json").read_text())
    u2 = doc["incidents"][0]["updates"][1]
    assert (u2["retracted"], u2["retracted_by"]) == (True, 3)


def test_an_earlier_build_time_is_not_a_rollback(published):
    # as of 09:30 update 2 (10:00) was not public yet: showing less is right
    result = run("build", "--site-dir", "site", "--at", "2024-07-31T09:30:00Z")
    assert result.exit_code == 0, result.output
    doc = json.loads((published.path / "site" / "approvals.json").read_text())
    assert [u["update"] for u in doc["incidents"][0]["updates"]] == [1]


def test_an_embargo_counts_as_the_publication_time(repo, keys):
    (repo.path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (repo.path / "docs").mkdir()
    repo.site.incident("outage", INC.format(extra="    embargo_until: 2024-07-31T12:00:00Z\n"))
    repo.site.sign_site()
    approve(repo, keys)
    repo.commit("embargoed resolution")
    assert run("build", "--site-dir", "site", "--at", T).exit_code == 0
    prev = json.loads((repo.path / "site" / "approvals.json").read_text())
    assert prev["incidents"][0]["updates"][1]["published_at"] == "2024-07-31T12:00:00Z"
    # 11:00 is after update 2's `at` but before its embargo lifted: not a rollback
    assert run("build", "--site-dir", "site", "--at", "2024-07-31T11:00:00Z").exit_code == 0
    # an approvals.json without published_at (older statuskit) only knows `at`: fail closed
    for u in prev["incidents"][0]["updates"]:
        del u["published_at"]
    (repo.path / "old.json").write_text(json.dumps(prev))
    result = run("build", "--site-dir", "site", "--at", "2024-07-31T11:00:00Z", "--previous", "old.json")
    assert result.exit_code == 1 and "incident 'outage' update 2: missing" in result.output, result.output


def test_a_bad_previous_file_is_a_clear_error(published):
    (published.path / "bad.json").write_text('{"protocol": "something else"}')
    result = run("build", "--site-dir", "site", "--at", T, "--previous", "bad.json")
    assert result.exit_code == 1
    assert result.output.startswith('error: bad.json: protocol: expected "statuskit-approval v1"; this is not the '
                                    "approvals.json of a statuskit site"), result.output


# --- stale approvals of published updates: correct, never re-approve ---------------------------------

def test_stale_advice_without_base_covers_both_cases(published):
    edit_published_update_on_main(published)
    result = run("check", "--at", T)
    stale = [ln for ln in result.output.splitlines() if "[approval-stale]" in ln]
    assert len(stale) == 2
    assert stale[0] == ("content/approvals/outage/2/comms--alice.sig: warning: approval by alice (comms) does not "
                        "match update 2 as it is now: the update was edited after approval, or the file was copied "
                        "from elsewhere; if update 2 was never published, ask alice to approve again; if it is "
                        "already public, do not re-approve: restore it as it was published and add a correcting "
                        "update (statuskit update outage --corrects 2) [approval-stale]")


def test_stale_approval_of_an_update_published_at_base_is_an_error(published):
    base = git(published.path, "rev-parse", "HEAD").strip()
    edit_published_update_on_main(published)
    result = run("check", "--base", base, "--at", T)
    assert result.exit_code == 1, result.output
    line = next(ln for ln in result.output.splitlines() if "comms--alice.sig" in ln)
    assert line == (f"content/approvals/outage/2/comms--alice.sig: approval by alice (comms) does not match update 2 "
                    f"as it is now, and update 2 was published at {base}: its words cannot change; restore it as it "
                    f"was published and add a correcting update (statuskit update outage --corrects 2) "
                    f"[approval-stale]")
    assert "approve again" not in result.output


def test_stale_approval_of_an_update_the_live_site_published_is_an_error(published):
    edit_published_update_on_main(published)
    result = run("check", "--at", T, "--previous", "site/approvals.json")
    assert result.exit_code == 1, result.output
    assert ("as it is now, and update 2 was published by the site (site/approvals.json): its words cannot change; "
            "restore it as it was published and add a correcting update") in result.output


def test_stale_approval_of_a_retracted_update_is_no_error(published, keys):
    text = published.read("incidents/outage.yml").replace("      Scheduling is working again.\n", "      [removed]\n")
    published.write("incidents/outage.yml", text + "  - id: 3\n    at: 2024-07-31T11:00:00Z\n    status: resolved\n"
                    "    retracts: 2\n    public: |\n      Our 10:00 update was posted too early.\n")
    approve(published, keys)
    published.commit("retract update 2")
    result = run("check", "--base", "HEAD^", "--at", T)
    assert result.exit_code == 0, result.output
    assert ("approval by alice (comms) does not match update 2 as it is now: update 3 retracts it, so its text may "
            "go and this approval no longer matters [approval-stale]") in result.output


def test_a_previous_that_is_not_a_regular_file_is_a_clear_error(published):
    # check --previous: click lets a named pipe through (it exists and is no folder)
    os.mkfifo(published.path / "pipe.json")
    result = run("check", "--at", T, "--previous", "pipe.json")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "error: pipe.json: not a regular file; give the previous site's approvals.json" in result.output
    # build: an approvals.json in the site folder that is not a file does not make this a first build
    (published.path / "site" / "approvals.json").unlink()
    (published.path / "site" / "approvals.json").mkdir()
    edit_published_update_on_main(published)
    result = run("build", "--site-dir", "site", "--at", T)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "error: site/approvals.json: not a regular file; give the previous site's approvals.json" in result.output
