"""The last successful deploy, from GitHub's deployments API: ``statuskit last-deploy``.

>>> last = last_deploy("github-pages")            # $GITHUB_API_URL, $GITHUB_REPOSITORY, $GITHUB_TOKEN
>>> last.sha, last.url                            # the deployed commit, and the site's address
('4d0e1c...', 'https://octo-org.github.io/status/')

The publish workflow checks what it is about to deploy against this commit
(``statuskit check --base SHA``) and the live site's approvals.json
(``statuskit build --previous FILE``), so a commit that reached the publishing branch
without the pull-request check still cannot change or unpublish published history.

Two documented REST endpoints (https://docs.github.com/en/rest/deployments):

- ``GET /repos/{owner}/{repo}/deployments?environment=ENV&per_page=100&page=N``: the
  environment's deployments, newest first (``id``, ``sha``, ``environment``, ...);
- ``GET /repos/{owner}/{repo}/deployments/{id}/statuses?per_page=100``: its statuses,
  newest first (``state``: error, failure, inactive, in_progress, queued, pending or
  success; ``environment_url``).

The last successful deploy is the newest deployment with a ``success`` status (an
earlier one becomes ``inactive`` once a newer one succeeds). No such deployment: this is
the first deploy, and nothing was published before. Any failure to ask is an error.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import StatuskitError

__all__ = ["Deploy", "last_deploy", "download_approvals"]

MAX_PAGES = 10
"""Deployments read (100 a page) before giving up looking for a successful one."""
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Deploy:
    """A successful deployment."""

    id: int
    sha: str
    """The commit that was deployed."""
    url: str | None
    """The deployed site's address (``environment_url`` of its success status)."""


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name) or default
    if not value:
        raise StatuskitError(f"${name} is not set: statuskit last-deploy asks GitHub's API and runs in GitHub "
                             "Actions (give the job `permissions: deployments: read` and "
                             "`env: GITHUB_TOKEN: ${{ github.token }}`)")
    return value


def _get(url: str, token: str | None) -> object:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
               "User-Agent": "statuskit"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise StatuskitError(f"GET {url}: HTTP {exc.code} {exc.reason}",
                             hint="The job needs `permissions: deployments: read` and GITHUB_TOKEN.") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise StatuskitError(f"GET {url}: {getattr(exc, 'reason', None) or exc}") from None


def last_deploy(environment: str = "github-pages") -> Deploy | None:
    """The newest successful deployment to ``environment``; None when there has been none."""
    api = _env("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    repo = _env("GITHUB_REPOSITORY")
    token = _env("GITHUB_TOKEN")
    base = f"{api}/repos/{repo}/deployments"
    for page in range(1, MAX_PAGES + 1):
        deployments = _get(f"{base}?environment={quote(environment)}&per_page=100&page={page}", token)
        if not isinstance(deployments, list):
            raise StatuskitError(f"GET {base}: expected a list of deployments, got {type(deployments).__name__}")
        if not deployments:
            return None
        for d in sorted(deployments, key=lambda d: d.get("id", 0) if isinstance(d, dict) else 0, reverse=True):
            if not isinstance(d, dict) or not isinstance(d.get("id"), int) or d.get("environment") != environment:
                continue
            statuses = _get(f"{base}/{d['id']}/statuses?per_page=100", token)
            if not isinstance(statuses, list):
                raise StatuskitError(f"GET {base}/{d['id']}/statuses: expected a list of statuses")
            success = next((s for s in statuses if isinstance(s, dict) and s.get("state") == "success"), None)
            if success is None:
                continue
            sha = d.get("sha")
            if not isinstance(sha, str) or not _SHA.match(sha):
                raise StatuskitError(f"deployment {d['id']}: sha {sha!r} is not a 40-hex commit id")
            url = success.get("environment_url") or None
            return Deploy(d["id"], sha, url if isinstance(url, str) else None)
    raise StatuskitError(f"no successful deployment to {environment} among the newest {MAX_PAGES * 100}: "
                         "cannot tell what the live site published")


def download_approvals(deploy: Deploy, dest: Path) -> None:
    """Save the deployed site's approvals.json to ``dest`` (raises when it cannot)."""
    if not deploy.url or not deploy.url.startswith(("https://", "http://")):
        raise StatuskitError(f"deployment {deploy.id} has no site address (environment_url), so the live site's "
                             "approvals.json cannot be downloaded")
    url = deploy.url.rstrip("/") + "/approvals.json"
    doc = _get(url, None)  # never send the token to the site
    if not isinstance(doc, dict):
        raise StatuskitError(f"GET {url}: not a statuskit approvals.json")
    Path(dest).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
