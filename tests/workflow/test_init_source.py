"""`statuskit init` pins exactly the statuskit that ran it, from a source that exists: a git URL at a commit."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from statuskit.version import __version__
from statuskit.workflow import source
from statuskit.cli.main import cli

from gitrepo import GIT_ENV, git

REPO = Path(__file__).resolve().parents[2]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def requirement_of(site: Path) -> str:
    return (site / ".github/statuskit-requirements.txt").read_text().splitlines()[-1]


@pytest.fixture
def installed(monkeypatch):
    """Pretend statuskit was installed as ``direct_url.json`` says (None: from a package index)."""
    def set_(info: dict | None) -> None:
        monkeypatch.setattr(source, "_direct_url", lambda: info)
    return set_


def test_no_release_name_on_an_index_unknown_source_fails_clearly(tmp_path, installed):
    installed(None)  # a wheel from a package index: no commit
    result = run("init", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert result.output == (f"error: statuskit {__version__} was installed from a package index, which does not say "
                             "which commit it is; pass --statuskit-source URL@COMMIT (a git URL CI can fetch and a "
                             "40-hex commit id), or --requirement\n")
    assert not (tmp_path / "s").exists()


def test_a_git_install_pins_its_url_and_commit(tmp_path, installed):
    installed({"url": "https://git.example.org/statuskit.git",
               "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"}})
    assert run("init", str(tmp_path / "s")).exit_code == 0
    assert requirement_of(tmp_path / "s") == f"statuskit @ git+https://git.example.org/statuskit.git@{COMMIT}"
    assert "statuskit==" not in (tmp_path / "s/.github/statuskit-requirements.txt").read_text()


def test_an_explicit_source(tmp_path, installed):
    installed(None)
    result = run("init", str(tmp_path / "s"), "--statuskit-source", f"git+ssh://git@git.example.org/sk.git@{COMMIT}")
    assert result.exit_code == 0, result.output
    assert requirement_of(tmp_path / "s") == f"statuskit @ git+ssh://git@git.example.org/sk.git@{COMMIT}"
    secret = run("init", str(tmp_path / "t"), "--statuskit-source", f"https://me:ghp_x@git.example.org/sk.git@{COMMIT}")
    assert secret.exit_code == 1 and "the URL holds a password or token" in secret.output and "ghp_x" not in \
        secret.output.split("holds")[1]
    bad = run("init", str(tmp_path / "t"), "--statuskit-source", "https://git.example.org/sk.git@main")
    assert bad.exit_code == 1
    assert "--statuskit-source 'https://git.example.org/sk.git@main': expected URL@COMMIT with a full 40-hex " \
           "commit id" in bad.output


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A git checkout of "statuskit" with an origin remote (a bare repository), HEAD pushed."""
    for k, v in GIT_ENV.items():
        monkeypatch.setenv(k, v)
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    (work / "README").write_text("statuskit\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "one")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    return work, origin


def test_an_editable_install_from_a_pushed_checkout(tmp_path, installed, checkout):
    work, origin = checkout
    installed({"url": work.as_uri(), "dir_info": {"editable": True}})
    result = run("init", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    head = git(work, "rev-parse", "HEAD").strip()
    assert requirement_of(tmp_path / "s") == f"statuskit @ git+file://localhost{origin}@{head}"


def test_a_dirty_or_unpushed_checkout_is_refused(tmp_path, installed, checkout):
    work, _ = checkout
    installed({"url": work.as_uri(), "dir_info": {"editable": True}})
    (work / "README").write_text("changed\n")
    result = run("init", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert f"statuskit runs from the folder {work}, which has uncommitted changes" in result.output
    git(work, "commit", "-q", "-am", "two")
    result = run("init", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert "is on no origin/* branch (not pushed), so CI could not fetch it; push it, or pass --statuskit-source" \
        in result.output
    assert not (tmp_path / "s").exists()


# --- the generated workflow's install step, for real: a fresh venv against a local git remote -------

def _venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin" / "python"


@pytest.mark.network
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="needs statuskit's own git checkout")
def test_the_generated_install_step_installs_that_commit(tmp_path, monkeypatch):
    """Needs PyPI for the dependencies (pip's cache makes it quicker); the final install is a full install."""
    for k, v in GIT_ENV.items():
        monkeypatch.setenv(k, v)
    commit = git(REPO, "rev-parse", "HEAD").strip()
    remote = tmp_path / "statuskit.git"
    git(tmp_path, "clone", "-q", "--bare", "--no-local", str(REPO), str(remote))
    url = f"git+{remote.as_uri()}@{commit}"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]

    # 1. statuskit installed from the git remote at that commit runs init (its dependencies: this venv's)
    first = tmp_path / "first"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(first), f"statuskit @ {url}"], check=True,
                   capture_output=True)
    site = tmp_path / "site"
    code = ("import sys; sys.path.insert(0, sys.argv.pop(1)); import statuskit; "
            "assert statuskit.__file__.startswith(sys.path[0]), statuskit.__file__; "
            "from statuskit.cli.main import main; sys.argv[0] = 'statuskit'; main()")
    init = subprocess.run([sys.executable, "-c", code, str(first), "init", str(site)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ""})
    assert init.returncode == 0, init.stdout + init.stderr
    local = remote.as_uri().replace("file:///", "file://localhost/")  # the form every pip version reads
    assert requirement_of(site) == f"statuskit @ git+{local}@{commit}"

    # 2. the install step of the generated workflow, as it is written there, in another fresh venv
    check = yaml.safe_load((site / ".github/workflows/statuskit-check.yml").read_text())
    step = next(s for s in check["jobs"]["check"]["steps"] if "pip install" in s.get("run", ""))
    assert step["run"].startswith("python -m pip install ")
    python = _venv(tmp_path / "ci")
    proc = subprocess.run(["bash", "-c", step["run"]], cwd=site, capture_output=True, text=True,
                          env={**os.environ, "PATH": f"{python.parent}{os.pathsep}{os.environ['PATH']}",
                               "PYTHONPATH": "", "PIP_NO_INPUT": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    version = subprocess.run([str(python.parent / "statuskit"), "--version"], capture_output=True, text=True)
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"statuskit, version {__version__} (from {local}@{commit})\n"
    # a full install: the dependencies are there, and it works on the generated site
    checked = subprocess.run([str(python.parent / "statuskit"), "check", "--content", str(site / "content")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
