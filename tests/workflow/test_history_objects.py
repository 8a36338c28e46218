"""`check --base REF` reads REF from git's objects: attributes, links and submodules cannot blind it."""

from __future__ import annotations

import os
import subprocess

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli
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
EDITED = INC.replace("a failed database upgrade", "a cosmic ray")
REMOVED = INC[:INC.index("  - id: 2")]
FILE = "incidents/outage.yml"
AT = "2024-08-01T00:00:00Z"


def check_cli(*extra: str):
    result = CliRunner().invoke(cli, ["check", "--base", "main", "--at", AT, *extra], catch_exceptions=False)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


def rules(problems) -> list[str]:
    return sorted(p.rule for p in problems)


# --- attributes at REF: export-ignore hid every incident from `git archive` -------------------------

ATTRIBUTES = {
    "content/.gitattributes": "* export-ignore\n",
    ".gitattributes": "content/** export-ignore\n",
}


@pytest.mark.parametrize("where", sorted(ATTRIBUTES))
@pytest.mark.parametrize("change, rule", [(EDITED, "history-edited"), (REMOVED, "history-removed")])
def test_export_ignore_at_base_does_not_hide_published_updates(repo, where, change, rule):
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    repo.commit("base")
    (repo.path / where).write_text(ATTRIBUTES[where], encoding="utf-8")
    repo.commit("attributes")  # committed on main: REF has them
    repo.branch()
    (repo.path / where).unlink()  # the branch leaves no hidden file in content/ for `check` to refuse
    repo.write(FILE, change)
    problems = check_base(repo.site.root, "main", T)
    assert rules(problems) == [rule], [str(p) for p in problems]
    result = check_cli()
    assert result.exit_code == 1, result.output
    assert f"[{rule}]" in result.output


def test_attributes_in_the_working_tree_do_not_matter_either(repo):
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    repo.commit("base")
    repo.branch()
    (repo.path / ".gitattributes").write_text("* export-ignore -diff\n", encoding="utf-8")
    repo.write(FILE, EDITED)
    assert rules(check_base(repo.site.root, "main", T)) == ["history-edited"]


# --- links and submodules at REF ------------------------------------------------------------------

def _publish_then_link(repo) -> None:
    """main: content/incidents/outage.yml is a link to ../../elsewhere/outage.yml (approved as it read then)."""
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    (repo.path / "elsewhere").mkdir()
    (repo.path / "elsewhere" / "outage.yml").write_text(INC, encoding="utf-8")
    (repo.site.root / FILE).unlink()
    os.symlink("../../elsewhere/outage.yml", repo.site.root / FILE)
    repo.commit("base, with a link")
    repo.branch()


def test_a_link_at_base_is_refused_naming_it(repo, monkeypatch):
    from statuskit.workflow import history

    _publish_then_link(repo)
    # the target, outside content/, is edited: the update would change or vanish unnoticed
    (repo.path / "elsewhere" / "outage.yml").write_text(REMOVED, encoding="utf-8")
    monkeypatch.setattr(history, "MAX_PATHS", -1)  # content/ itself is unchanged: read all of it at main
    problems = check_base(repo.site.root, "main", T)
    assert [p.rule for p in problems] == ["history-base-invalid"]
    assert ("main:content/incidents/outage.yml: this is a symbolic link at this revision; statuskit reads only "
            "regular files inside content/") in problems[0].message
    result = check_cli()
    assert result.exit_code == 1, result.output
    # the working tree's link is refused by the loader as well, file by file
    assert ("content/incidents/outage.yml: this is a symbolic link; statuskit reads only regular files and "
            "folders inside content/ (a link could point anywhere): replace it with the file or folder itself"
            ) in result.output.splitlines()
    assert "main:content/incidents/outage.yml: this is a symbolic link at this revision" in result.output


def test_replacing_the_link_at_base_with_the_file_still_fails_closed(repo):
    _publish_then_link(repo)
    (repo.site.root / FILE).unlink()
    repo.write(FILE, REMOVED)
    problems = check_base(repo.site.root, "main", T)
    assert [p.rule for p in problems] == ["history-base-invalid"]
    assert "fix main first" in problems[0].message


def test_a_linked_approvals_folder_at_base_is_refused(repo):
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    os.rename(repo.site.root / "approvals" / "outage", repo.path / "sigs")
    os.symlink("../../sigs", repo.site.root / "approvals" / "outage")
    repo.commit("base")
    repo.branch()
    repo.write(FILE, EDITED)
    problems = check_base(repo.site.root, "main", T)
    assert [p.rule for p in problems] == ["history-base-invalid"]
    assert "main:content/approvals/outage: this is a symbolic link at this revision" in problems[0].message


def test_a_submodule_at_base_is_refused(repo):
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    head = repo.commit("base")
    git(repo.path, "update-index", "--add", "--cacheinfo", f"160000,{head},content/incidents/sub.yml")
    git(repo.path, "commit", "-q", "-m", "a submodule in content/")
    git(repo.path, "update-index", "--force-remove", "content/incidents/sub.yml")
    repo.branch()
    repo.write(FILE, EDITED)
    problems = check_base(repo.site.root, "main", T)
    assert [p.rule for p in problems] == ["history-base-invalid"]
    assert "main:content/incidents/sub.yml: this is a git submodule at this revision" in problems[0].message


def test_hidden_files_at_base_are_not_read(repo):
    """`statuskit init` used to write content/incidents/.gitkeep: at REF it is skipped, not an error."""
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    repo.write("incidents/.gitkeep", "")
    repo.write(".notes.yml", "not: [yaml")
    repo.commit("base")
    repo.branch()
    (repo.site.root / "incidents" / ".gitkeep").unlink()
    (repo.site.root / ".notes.yml").unlink()
    assert check_base(repo.site.root, "main", T) == []
    repo.write(FILE, EDITED)
    assert rules(check_base(repo.site.root, "main", T)) == ["history-edited"]


def test_base_is_read_without_git_archive(repo, monkeypatch):
    """One ls-tree and one cat-file --batch for any number of files; never archive or checkout."""
    from statuskit.workflow import history

    for i in range(5):
        repo.site.incident(f"other-{i}", INC.replace("id: outage", f"id: other-{i}"))
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    repo.commit("base")
    repo.branch()
    repo.write(FILE, EDITED)
    calls: list[list[str]] = []
    real = subprocess.run

    def spy(args, *a, **kw):
        calls.append(list(args))
        return real(args, *a, **kw)

    monkeypatch.setattr(history.subprocess, "run", spy)
    assert rules(check_base(repo.site.root, "main", T)) == ["history-edited"]
    verbs = [next(x for x in c[3:] if not x.startswith("-")) for c in calls]
    assert "archive" not in verbs and "checkout" not in verbs
    # the incidents: one ls-tree, one cat-file -t, one --batch; then the site files and the approval
    # steps (statuskit.gate.site_chain): one ls-tree per folder or file they name (mkdocs.yml, docs/,
    # components.yml, .github/..., approvals/_teams/, approvals/_site/, never the whole content folder of
    # 110,000 files at 10,000 incidents) and at most one --batch for each of the two trees
    listed = [c[-1] for c in calls if "ls-tree" in c]
    assert len(listed) == len(set(listed)) == 8 and verbs.count("cat-file") <= 4, verbs
    assert "content" not in listed and "." not in listed, listed
    # with every incident changed (more than MAX_PATHS), still one batch for all blobs
    calls.clear()
    monkeypatch.setattr(history, "MAX_PATHS", 2)
    for i in range(5):
        repo.write(f"incidents/other-{i}.yml", INC.replace("id: outage", f"id: other-{i}") + "# edited\n")
    assert rules(check_base(repo.site.root, "main", T)) == ["history-edited"]
    verbs = [next(x for x in c[3:] if not x.startswith("-")) for c in calls]
    assert verbs.count("ls-tree") == 8 and verbs.count("cat-file") <= 4, verbs


# --- attributes in the working tree: git's own comparison would see smudged files as unchanged -------

def test_an_ident_attribute_cannot_hide_a_rewritten_published_update(repo):
    """`ident` rewrites $Id$ on checkout; git diff (which cleans it back) sees no change, but the words
    statuskit reads, and the build publishes from, have changed: the incident is compared in full."""
    repo.site.incident("outage", INC.replace("a failed database upgrade.", "a failed database upgrade ($Id$)."))
    repo.site.approve_all()
    repo.commit("base")
    repo.branch()
    (repo.path / ".gitattributes").write_text("content/** ident\n", encoding="utf-8")
    repo.commit("attributes")
    (repo.site.root / FILE).unlink()
    git(repo.path, "checkout", "--", f"content/{FILE}")  # as CI checks the branch out
    assert "$Id: " in repo.read(FILE)
    assert git(repo.path, "diff", "--name-only", "main", "--", "content") == ""  # git sees no change
    problems = check_base(repo.site.root, "main", T)
    assert rules(problems) == ["history-edited"], [str(p) for p in problems]


def test_rewriting_attributes_are_found_on_any_file_of_a_large_folder(repo):
    """git check-attr's answer is read as a stream (about 100 bytes per file): a set attribute on the
    last file, far past the first read, is found; none set, none found."""
    from statuskit.workflow.history import _rewritten_on_checkout

    many = repo.site.root / "notes"
    many.mkdir()
    for i in range(1500):
        (many / f"note-with-a-long-name-{i:04d}.txt").write_text("x")
    repo.commit("many files")
    assert not _rewritten_on_checkout(repo.path, "content")
    (repo.path / ".gitattributes").write_text("*.txt -text\ncontent/notes/note-with-a-long-name-1499.txt ident\n")
    assert _rewritten_on_checkout(repo.path, "content")
    (repo.path / ".gitattributes").write_text("content/notes/*.txt working-tree-encoding=UTF-16\n")
    assert _rewritten_on_checkout(repo.path, "content")
