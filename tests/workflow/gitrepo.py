"""Helpers for tests that build real git repositories in temporary folders.

The ``repo`` fixture (conftest.py beside this file) gives a :class:`Repo`.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


T = datetime(2024, 8, 1, 0, 0, tzinfo=timezone.utc)
"""The check time of these tests: after every update of INCIDENT_YML."""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@test.example",
    "GIT_COMMITTER_NAME": "Test Committer", "GIT_COMMITTER_EMAIL": "committer@test.example",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0",
}


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True)
    assert proc.returncode == 0, f"git {' '.join(args)} failed: {proc.stderr}"
    return proc.stdout


@dataclass
class Repo:
    """A git repository whose working tree holds a content folder (``site.root``)."""

    path: Path
    site: object

    def commit(self, message: str = "change") -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.path, "rev-parse", "HEAD").strip()

    def branch(self, name: str = "change") -> None:
        git(self.path, "switch", "-q", "-c", name)

    def teams_at(self, ref: str = "main"):
        """The validated teams.yml of the content folder at ``ref``."""
        from statuskit.model.load import parse_yaml
        from statuskit.model.validate import validate_teams

        rel = self.site.root.relative_to(self.path).as_posix()
        doc, _ = parse_yaml(git(self.path, "show", f"{ref}:{rel}/teams.yml").encode(), "teams.yml")
        return validate_teams(doc)[0]

    def read(self, rel: str) -> str:
        return (self.site.root / rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        (self.site.root / rel).write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, count))
