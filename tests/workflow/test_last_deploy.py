"""The publish workflow re-checks what it deploys against what was last deployed, so a commit that skipped the
pull-request check still cannot publish. GitHub's API is a real HTTP server on 127.0.0.1 serving the recorded,
documented shapes in github_api/ (see its README); the repository, signatures and builds are real."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli

from test_rollback import EDITED, INC, MKDOCS_YML, T, approve

SHAPES = Path(__file__).parent / "github_api"
REPOSITORY = "octo-org/status"
TOKEN = "ghs_test-token-not-a-secret"


class FakeGitHub:
    """Serves the deployments API of REPOSITORY from github_api/*.json, and a deployed site under /site/."""

    def __init__(self, shas: dict[int, str], site: Path | None, status: int = 200):
        self.shas, self.site, self.status = shas, site, status
        self.requests: list[tuple[str, str | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.requests.append((self.path, self.headers.get("Authorization")))
                body, code = fake.answer(self.path)
                self.send_response(code)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fill(self, name: str) -> bytes:
        text = (SHAPES / name).read_text(encoding="utf-8").replace("@@SITE@@", f"{self.url}/site/")
        for n, sha in self.shas.items():
            text = text.replace(f"@@SHA_{n}@@", sha)
        return text.encode("utf-8")

    def answer(self, path: str) -> tuple[bytes, int]:
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        if parts.path.startswith("/site/") and self.site is not None:
            f = self.site / parts.path[len("/site/"):]
            return (f.read_bytes(), 200) if f.is_file() else (b'{"message": "Not Found"}', 404)
        if self.status != 200:
            return b'{"message": "Resource not accessible by integration"}', self.status
        base = f"/repos/{REPOSITORY}/deployments"
        if parts.path == base and query.get("environment") == ["github-pages"]:
            if not self.shas or query.get("page") != ["1"]:
                return b"[]", 200
            return self.fill("deployments.json"), 200
        if parts.path.startswith(base + "/") and parts.path.endswith("/statuses"):
            return self.fill(f"statuses-{parts.path.split('/')[-2]}.json"), 200
        return b'{"message": "Not Found"}', 404

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def github(monkeypatch):
    servers = []

    def start(shas: dict[int, str], site: Path | None = None, status: int = 200) -> FakeGitHub:
        fake = FakeGitHub(shas, site, status)
        servers.append(fake)
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        monkeypatch.setenv("GITHUB_REPOSITORY", REPOSITORY)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        return fake

    yield start
    for s in servers:
        s.close()


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_commit_that_skipped_the_check_cannot_publish(repo, keys, github):
    # deploy 101: update 1; deploy 102 (the live site): updates 1 and 2, resolved
    (repo.path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (repo.path / "docs").mkdir()
    (repo.path / ".gitignore").write_text("live/\nsite/\n*.json\n")
    repo.site.incident("outage", INC.format(extra=""))
    repo.site.sign_site()
    approve(repo, keys)
    first = repo.commit("resolved")
    assert run("build", "--site-dir", "live", "--at", T).exit_code == 0
    # a direct push to main edits the published update 2 (no pull request, so no check ran)
    repo.replace("incidents/outage.yml", "Scheduling is working again.", EDITED)
    pushed = repo.commit("edit a published update")
    fake = github({101: first, 102: first, 103: pushed}, site=repo.path / "live")

    # the publish job: find the last deploy, check against it, build against the live site
    found = run("last-deploy", "--environment", "github-pages", "--approvals", "live-approvals.json")
    assert found.exit_code == 0, found.output
    assert found.stdout == f"{first}\n"
    assert json.loads((repo.path / "live-approvals.json").read_text())["incidents"][0]["updates"][1]["update"] == 2
    check = run("check", "--base", found.stdout.strip(), "--at", T, "--format", "github")
    assert check.exit_code == 1, check.output
    assert f"title=statuskit history-edited::updates[1].public: update 2 was published at {first}" in check.output
    build = run("build", "--site-dir", "site", "--at", T, "--previous", "live-approvals.json")
    assert build.exit_code == 1, build.output
    assert "incident 'outage' update 2: missing" in build.output
    assert not (repo.path / "site").exists()

    # the token went to the API only, never to the site; the failed newest deploy (103) was passed over
    api = [(p, a) for p, a in fake.requests if p.startswith("/repos/")]
    assert api[0][0] == f"/repos/{REPOSITORY}/deployments?environment=github-pages&per_page=100&page=1"
    assert [p.split("/")[-2] for p, _ in api[1:]] == ["103", "102"]
    assert all(a == f"Bearer {TOKEN}" for _, a in api)
    assert [a for p, a in fake.requests if p.startswith("/site/")] == [None]


def test_before_the_first_deploy_it_prints_nothing(tmp_path, github, monkeypatch):
    monkeypatch.chdir(tmp_path)
    github({})
    result = run("last-deploy", "--approvals", "live.json")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no successful deploy to github-pages yet: nothing was published before" in result.output
    assert not (tmp_path / "live.json").exists()


def test_api_errors_fail_clearly(tmp_path, github, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fake = github({102: "0" * 40}, status=403)
    result = run("last-deploy")
    assert result.exit_code == 1
    assert result.output.startswith(f"error: GET {fake.url}/repos/{REPOSITORY}/deployments?environment=github-pages"
                                    "&per_page=100&page=1: HTTP 403 Forbidden\n"), result.output
    assert "Traceback" not in result.output


def test_a_live_site_without_approvals_json_fails_closed(tmp_path, github, monkeypatch):
    monkeypatch.chdir(tmp_path)
    github({101: "1" * 40, 102: "2" * 40, 103: "3" * 40}, site=tmp_path / "empty")
    result = run("last-deploy", "--approvals", "live.json")
    assert result.exit_code == 1
    assert "/site/approvals.json: HTTP 404 Not Found" in result.output


def test_it_needs_the_token(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("GITHUB_REPOSITORY", REPOSITORY)
    result = run("last-deploy")
    assert result.exit_code == 1
    assert "$GITHUB_TOKEN is not set" in result.output
