"""Real git repositories in temporary folders, for `check --base` and `preview --base`.

>>> def test_x(repo):
...     repo.site.incident("inc", ...); repo.site.approve_all(); repo.commit("base"); repo.branch()
...     ...edit the working tree...; problems = check_base(repo.site.root, "main", T)
"""

from __future__ import annotations

import pytest

from gitrepo import GIT_ENV, Repo, git


@pytest.fixture
def repo(tmp_path, make_site, monkeypatch) -> Repo:
    """tmp_path is a git repository (branch main) with the content folder at tmp_path/content; cwd is tmp_path."""
    monkeypatch.chdir(tmp_path)
    for k, v in GIT_ENV.items():
        monkeypatch.setenv(k, v)
    git(tmp_path, "init", "-q", "-b", "main")
    return Repo(tmp_path, make_site())
