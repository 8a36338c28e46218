"""statuskit build / export / serve and the MkDocs plugin, on real MkDocs builds."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

import markdown
import pytest
from click.testing import CliRunner
from sitetools import REPO, elements

from statuskit.gate.clock import resolve_time
from statuskit.publish.build import site_info
from statuskit.cli.main import cli
from statuskit.errors import StatuskitError
from statuskit.mkdocs_adapter.plugin import StatuskitPlugin
from statuskit.model.validate import parse_time

DEMO_INCIDENTS = {
    "2026-03-03-portal-sign-in-failures": False,
    "2026-04-18-portal-database-upgrade": False,
    "2026-06-09-telehealth-video-provider": False,
    "2026-08-21-ddos-website-partner-api": True,
    "2026-10-14-pharmacy-refill-delays": False,
    "2026-11-24-ransomware-scheduling": True,
    "2026-11-27-pharmacy-refills-degraded": False,
    "2026-12-05-scheduling-network-maintenance": False,
}
"""Demo incident -> whether it has a technical page at DEMO_AT."""
COMPONENTS = ["patient-portal", "scheduling", "telehealth", "pharmacy-refills", "partner-api", "website"]


# --- the demo site ---------------------------------------------------------------------------------

def test_demo_has_every_page(demo_site):
    pages = {p.relative_to(demo_site).as_posix() for p in demo_site.rglob("index.html")}
    expected = {"index.html", "history/index.html"}
    expected |= {f"components/{c}/index.html" for c in COMPONENTS}
    for iid, technical in DEMO_INCIDENTS.items():
        expected.add(f"incidents/{iid}/index.html")
        if technical:
            expected.add(f"incidents/{iid}/technical/index.html")
    assert pages == expected


def test_demo_has_the_feeds_api_and_badges(demo_site):
    for rel in ["history.rss", "history.atom", "technical.rss", "technical.atom", "api/v2/summary.json",
                "badge.svg", "components/scheduling/badge.svg", "components/scheduling/history.rss",
                "approvals.json", "sitemap.xml", "search/search_index.json"]:
        assert (demo_site / rel).is_file(), rel


def test_navigation_is_home_and_history_only(demo_site):
    for page in ["index.html", "incidents/2026-11-24-ransomware-scheduling/index.html", "components/website/index.html"]:
        base = "https://x.example/" + page.removesuffix("index.html")
        tags = elements((demo_site / page).read_text()).tags
        nav = {urljoin(base, a["href"]) for t, a in tags if t == "a" and re.search(r"md-(nav|tabs)__link", a.get("class") or "")}
        assert {n.rstrip("/") for n in nav} == {"https://x.example", "https://x.example/history"}, page


def test_every_page_advertises_the_feeds(demo_site):
    for path in demo_site.rglob("index.html"):
        links = [(a.get("type"), a.get("href")) for t, a in elements(path.read_text()).tags
                 if t == "link" and a.get("rel") == "alternate"]
        hrefs = [h.rsplit("/", 1)[-1] for _, h in links]
        assert "history.rss" in hrefs and "history.atom" in hrefs, path
        assert ("application/rss+xml", links[0][1]) == links[0]
    tech = (demo_site / "incidents/2026-11-24-ransomware-scheduling/technical/index.html").read_text()
    assert 'href="../../../technical.rss"' in tech and 'href="../../../technical.atom"' in tech
    comp = (demo_site / "components/scheduling/index.html").read_text()
    assert 'type="application/atom+xml" title="Northbridge Health status: Appointment scheduling: updates (Atom)" ' \
           'href="history.atom"' in comp


def test_home_links_the_api_and_badges(demo_site):
    home = (demo_site / "index.html").read_text()
    assert '<a href="api/v2/summary.json">summary.json</a>' in home
    assert '<img class="sk-badge" src="badge.svg"' in home


def test_sitemap_lists_incidents_dated_by_their_content(demo_site):
    sitemap = (demo_site / "sitemap.xml").read_text()
    assert "https://status.northbridge-health.example/incidents/2026-11-24-ransomware-scheduling/technical/" in sitemap
    # each page's latest published update (tests/site/test_site_meta.py), never the wall clock
    assert set(re.findall(r"<lastmod>(.*?)</lastmod>", sitemap)) == {
        "2026-03-03", "2026-04-18", "2026-06-09", "2026-08-21", "2026-10-14", "2026-11-26", "2026-11-27"}


def test_pages_work_without_javascript(demo_site):
    """The status, the incidents and the components are in the HTML itself."""
    home = (demo_site / "index.html").read_text()
    assert '<span class="sk-sr">Current status: </span>Minor Service Outage</h1>' in home
    assert "Refill requests slow to be confirmed" in home
    assert '<span class="sk-status-text">Degraded performance</span>' in home


# --- failures and safety ------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path, fixture_project) -> Path:
    """A copy of the fixture project (mkdocs.yml, docs/, content/) in tmp_path, as cwd."""
    dst = tmp_path / "project"
    shutil.copytree(fixture_project, dst, ignore=shutil.ignore_patterns("site"))
    return dst


def build(project: Path, *args: str):
    return CliRunner().invoke(cli, ["build", "--config-file", str(project / "mkdocs.yml"), *args],
                              catch_exceptions=False)


def test_failed_build_leaves_the_previous_site(project):
    first = build(project, "--site-dir", str(project / "site"), "--at", "2024-08-01T12:00:00Z")
    assert first.exit_code == 0, first.output
    assert first.output.endswith("as of 2024-08-01T12:00:00Z\n")
    (project / "site" / "sentinel").write_text("old site")
    bad = project / "content/incidents/2024-07-30-embargoed.yml"
    bad.write_text(bad.read_text().replace("status: identified", "status: identifed"))

    result = build(project, "--site-dir", str(project / "site"), "--at", "2024-08-01T12:00:00Z")
    assert result.exit_code == 1
    assert re.search(r"content/incidents/2024-07-30-embargoed\.yml:\d+: updates\[1\]\.status: ", result.output)
    assert (project / "site" / "sentinel").read_text() == "old site"
    assert sorted(p.name for p in project.iterdir()) == ["content", "docs", "mkdocs.yml", "site"]


def test_refuses_to_replace_a_project_folder(project):
    result = build(project, "--site-dir", str(project), "--at", "2024-08-01T12:00:00Z")
    assert result.exit_code == 1
    assert "refusing to replace" in result.output and "mkdocs.yml" in result.output
    assert (project / "content" / "teams.yml").is_file()


# --- what a build may replace: a mistyped folder never deletes anything --------------------------

AT = "2024-08-01T12:00:00Z"


@pytest.fixture
def full_project(project, monkeypatch, site_signer) -> Path:
    """The project with a custom_dir theme, .github and .git, as the working directory (its site
    files approved by both teams)."""
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("  font: false\n", "  font: false\n  custom_dir: theme\n"))
    for rel, text in {"theme/main.html": "{% extends 'base.html' %}\n", ".github/workflows/ci.yml": "on: push\n",
                      ".git/HEAD": "ref: refs/heads/main\n"}.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    site_signer(project / "content")
    monkeypatch.chdir(project)
    return project


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file and folder under ``root`` (folders as None), to show nothing changed."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None) for p in root.rglob("*")}


@pytest.mark.parametrize("site_dir, says", [
    ("content/incidents", "is inside content"),
    ("content", "is an input"),
    ("content/approvals", "is inside content"),
    ("docs", "is an input"),
    ("theme", "is an input"),
    (".github", "is an input"),
    (".git", "is an input"),
    (".", "is the working directory or one of its parents"),
    ("..", "is the working directory or one of its parents"),
])
def test_an_input_folder_is_never_replaced(full_project, site_dir, says):
    before = snapshot(full_project.parent)
    result = build(full_project, "--site-dir", site_dir, "--at", AT)
    assert result.exit_code == 1, result.output
    assert f"error: refusing to replace {site_dir}: it {says}" in result.output
    assert snapshot(full_project.parent) == before


def test_a_folder_holding_the_project_is_never_replaced(full_project, tmp_path):
    """Even with a marker planted in it (anyone can write one)."""
    (tmp_path / ".statuskit-output").write_text("statuskit site v1\n")
    before = snapshot(tmp_path)
    result = build(full_project, "--site-dir", str(tmp_path), "--at", AT)
    assert result.exit_code == 1, result.output
    assert "refusing to replace" in result.output
    assert snapshot(tmp_path) == before


def test_an_input_is_never_replaced_even_with_a_marker(full_project):
    (full_project / "docs" / ".statuskit-output").write_text("statuskit site v1\n")
    before = snapshot(full_project)
    result = build(full_project, "--site-dir", "docs", "--at", AT)
    assert result.exit_code == 1 and "refusing to replace docs: it is an input" in result.output
    assert snapshot(full_project) == before


def test_a_folder_statuskit_did_not_write_is_refused(full_project, tmp_path):
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / ".bashrc").write_text("alias ll='ls -l'\n")
    (home / "notes" / "todo.txt").write_text("keep me\n")
    before = snapshot(home)
    result = build(full_project, "--site-dir", str(home), "--at", AT)
    assert result.exit_code == 1, result.output
    assert (f"error: refusing to replace {home}: it is not a folder statuskit wrote (no .statuskit-output); "
            "choose an empty folder or delete it yourself\n") in result.output
    assert snapshot(home) == before


def test_a_site_built_before_the_marker_is_refused_once(full_project):
    """Decision: an old site/ (no marker) is not replaced; the message says to delete it once."""
    (full_project / "site").mkdir()
    (full_project / "site" / "index.html").write_text("old site")
    result = build(full_project, "--at", AT)
    assert result.exit_code == 1
    assert "not a folder statuskit wrote" in result.output and "delete that folder once" in result.output
    assert (full_project / "site" / "index.html").read_text() == "old site"


def test_an_empty_folder_and_a_statuskit_site_are_replaced(full_project):
    (full_project / "site").mkdir()
    first = build(full_project, "--at", AT)
    assert first.exit_code == 0, first.output
    assert (full_project / "site" / ".statuskit-output").read_text() == "statuskit site v1\n"
    (full_project / "site" / "sentinel").write_text("from the first build")
    second = build(full_project, "--at", AT)
    assert second.exit_code == 0, second.output
    assert not (full_project / "site" / "sentinel").exists()
    assert (full_project / "site" / "index.html").is_file()
    assert sorted(p.name for p in full_project.iterdir() if not p.name.startswith(".")) == \
        ["content", "docs", "mkdocs.yml", "site", "theme"]


def test_a_symlinked_site_dir_replaces_the_link_target(full_project, tmp_path):
    served = tmp_path / "www" / "status"
    served.mkdir(parents=True)
    (full_project / "site").symlink_to(served, target_is_directory=True)
    for _ in range(2):  # the second build replaces the folder the first one wrote
        result = build(full_project, "--at", AT)
        assert result.exit_code == 0, result.output
    assert (full_project / "site").is_symlink() and (full_project / "site").resolve() == served
    assert (served / "index.html").is_file() and (served / ".statuskit-output").is_file()
    assert sorted(p.name for p in served.parent.iterdir()) == ["status"]
    assert sorted(p.name for p in full_project.iterdir() if p.name.startswith(".site")) == []


def test_a_symlink_to_nothing_is_refused(full_project, tmp_path):
    (full_project / "site").symlink_to(tmp_path / "nowhere")
    result = build(full_project, "--at", AT)
    assert result.exit_code == 1
    assert f"refusing to replace site: it is a symbolic link to {tmp_path / 'nowhere'}, which does not exist" in result.output
    assert not (tmp_path / "nowhere").exists()


def test_a_symlink_to_an_input_is_refused(full_project):
    (full_project / "site").symlink_to(full_project / "content", target_is_directory=True)
    before = snapshot(full_project / "content")
    result = build(full_project, "--at", AT)
    assert result.exit_code == 1 and "refusing to replace site: it is an input" in result.output
    assert snapshot(full_project / "content") == before


def test_stale_temporary_folders_of_killed_builds_are_cleaned(full_project):
    import os
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    stale = {f".site.{dead}-abcd1234.tmp": "statuskit site v1\n", f".site.{dead}-efgh5678.old": "statuskit site v1\n"}
    kept = {f".site.{os.getpid()}-live0000.tmp": "statuskit site v1\n",  # a live build's
            f".site.{dead}-notmine0.tmp": None,                           # not statuskit's: no marker
            ".site.k2j4h5x.tmp": "statuskit site v1\n",                   # not our name pattern
            f".other.{dead}-abcd1234.tmp": "statuskit site v1\n"}         # another target's
    for name, marker in {**stale, **kept}.items():
        (full_project / name).mkdir()
        (full_project / name / "page.html").write_text("x")
        if marker:
            (full_project / name / ".statuskit-output").write_text(marker)
    (full_project / f".site.{dead}-empty000.tmp").mkdir()
    (full_project / f".site.{dead}-partial0.tmp").mkdir()  # killed while writing the marker
    (full_project / f".site.{dead}-partial0.tmp" / ".statuskit-output").write_text("")
    result = build(full_project, "--at", AT)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in full_project.iterdir() if p.name.startswith((".site", ".other"))) == sorted(kept)


def test_a_killed_build_leaves_nothing_after_the_next_build(full_project):
    """A real build, killed (SIGKILL) once its temporary folder exists; the next build cleans up."""
    import contextlib
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "statuskit", "build", "--at", AT], cwd=full_project,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(full_project.glob(".site.*.tmp")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if not list(full_project.glob(".site.*.tmp")):
        pytest.skip("the build ended before it could be killed")
    result = build(full_project, "--at", AT)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in full_project.iterdir() if p.name.startswith(".site")) == []
    assert (full_project / "site" / "index.html").is_file()


def test_export_replaces_its_own_folder_and_refuses_the_content(full_project):
    args = ["--at", AT, "--content", "content", "--config-file", "mkdocs.yml"]
    for _ in range(2):
        result = CliRunner().invoke(cli, ["export", "out", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert (full_project / "out" / ".statuskit-output").read_text() == "statuskit export v1\n"
    before = snapshot(full_project / "content")
    result = CliRunner().invoke(cli, ["export", "content/approvals", *args], catch_exceptions=False)
    assert result.exit_code == 1
    assert "error: refusing to replace content/approvals: it is inside content" in result.output
    assert snapshot(full_project / "content") == before


def test_a_site_folder_is_not_replaced_by_another_kind(full_project):
    assert build(full_project, "--at", AT).exit_code == 0
    result = CliRunner().invoke(cli, ["export", "site", "--at", AT], catch_exceptions=False)
    assert result.exit_code == 1
    assert "error: refusing to replace site: it holds statuskit site output, not export output" in result.output
    assert (full_project / "site" / "index.html").is_file()


# --- I/O failures, explained -------------------------------------------------------------------------

def _raise_on(monkeypatch, obj, name, err, when=lambda *a: True):
    real = getattr(obj, name)

    def fake(*args, **kwargs):
        if when(*args):
            raise OSError(err, os.strerror(err), str(args[0]) if args else None)
        return real(*args, **kwargs)
    monkeypatch.setattr(obj, name, fake)


@pytest.mark.parametrize("err, reason", [(errno.ENOSPC, "no space left on device"),
                                         (errno.EACCES, "permission denied")])
def test_a_failed_write_says_what_happened_and_keeps_the_site(full_project, monkeypatch, err, reason):
    assert build(full_project, "--at", AT).exit_code == 0
    before = snapshot(full_project / "site")
    _raise_on(monkeypatch, Path, "write_bytes", err, lambda path, *a: path.name == "summary.json")
    result = build(full_project, "--at", AT)
    assert result.exit_code == 1
    assert re.search(rf"error: could not write site/api/v2/summary\.json: {reason}; site was left as it was\n",
                     result.output), result.output
    assert snapshot(full_project / "site") == before
    assert sorted(p.name for p in full_project.iterdir() if p.name.startswith(".site")) == []


def test_a_read_only_parent_says_so(full_project, monkeypatch):
    import tempfile
    monkeypatch.setattr(tempfile, "mkdtemp", _erofs_mkdtemp)
    result = build(full_project, "--at", AT)
    assert result.exit_code == 1
    assert f"error: could not write {full_project}: the file system is read-only; site was left as it was" \
        in result.output
    assert not (full_project / "site").exists()


def _erofs_mkdtemp(*args, dir=None, **kwargs):
    raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dir))


def test_a_lost_race_with_a_concurrent_build_is_explained(full_project, monkeypatch):
    """A second build swaps its site in between the first build's two renames."""
    from statuskit.publish import output
    from statuskit.publish.build import build_site

    real_replace = os.replace
    raced = []

    def replace(src, dst):
        real_replace(src, dst)
        if not raced and Path(src).name == "site":  # the first build moved the old site aside
            raced.append(True)
            build_site(full_project / "mkdocs.yml", at=parse_time(AT))   # the other build, to the end
    monkeypatch.setattr(output.os, "replace", replace)
    assert build(full_project, "--at", AT).exit_code == 0  # the previous site
    raced.clear()
    result = build(full_project, "--at", AT)
    assert raced and result.exit_code == 1
    assert ("error: could not put the new site in place at site: another build replaced it at the same time; "
            "site now holds that build's output") in result.output
    assert output.output_kind(full_project / "site") == "site" and (full_project / "site" / "index.html").is_file()
    assert [p.name for p in full_project.iterdir() if p.name.endswith(".tmp")] == []


def test_google_fonts_are_refused(project):
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("  font: false\n", ""))
    result = build(project, "--at", "2024-08-01T12:00:00Z")
    assert result.exit_code == 1
    assert "theme.font must be false" in result.output
    assert not (project / "site").exists()


def test_a_docs_page_in_the_way_is_an_error(project, site_signer):
    (project / "docs" / "history.md").write_text("# mine\n")
    site_signer(project / "content")
    result = build(project, "--at", "2024-08-01T12:00:00Z")
    assert result.exit_code == 1
    assert "docs/history.md: statuskit generates this page; remove or rename the file" in result.output


def test_missing_config_file(tmp_path):
    result = build(tmp_path, "--at", "2024-08-01T12:00:00Z")
    assert result.exit_code == 1
    assert "mkdocs.yml: file not found (use --config-file)" in result.output


# --- time, site settings, serve --------------------------------------------------------------------

def test_build_time_sources(monkeypatch):
    monkeypatch.delenv("STATUSKIT_AT", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1722513600")
    assert resolve_time(None) == datetime(2024, 8, 1, 12, 0, tzinfo=timezone.utc)
    monkeypatch.setenv("STATUSKIT_AT", "2024-08-02T00:00:00+02:00")
    assert resolve_time(None) == datetime(2024, 8, 1, 22, 0, tzinfo=timezone.utc)
    assert resolve_time(datetime(2024, 8, 3, tzinfo=timezone.utc)) == datetime(2024, 8, 3, tzinfo=timezone.utc)
    monkeypatch.setenv("STATUSKIT_AT", "yesterday")
    with pytest.raises(StatuskitError, match=r"\$STATUSKIT_AT: expected a time like 2024-07-31T09:05:00Z, got 'yesterday'"):
        resolve_time(None)
    monkeypatch.delenv("STATUSKIT_AT")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(StatuskitError, match="SOURCE_DATE_EPOCH must be an integer"):
        resolve_time(None)


def test_page_id_is_derived_from_the_site_url():
    a = site_info("S", "https://status.example.org/")
    assert a.page_id == site_info("Other name", "https://status.example.org").page_id
    assert a.page_id != site_info("S", "https://status.example.com/").page_id
    assert re.fullmatch(r"[a-z2-7]{12}", a.page_id)
    assert site_info("S", "https://status.example.org/", "fixed").page_id == "fixed"
    with pytest.raises(StatuskitError, match="site_url must be an absolute http"):
        site_info("S", "")


def test_serve_watches_the_content_folder(tmp_path):
    class Server:
        watched: list[str] = []

        def watch(self, path):
            self.watched.append(path)

    from mkdocs.config import load_config

    plugin = StatuskitPlugin()
    plugin.content_dir = tmp_path / "content"
    server = plugin.on_serve(Server(), config=load_config(str(REPO / "mkdocs.yml")), builder=None)
    assert server.watched == [str(tmp_path / "content"), str(REPO / "theme")]  # and the theme's custom_dir


def test_serve_rebuilds_when_the_theme_changes(project, tmp_path):
    """A real ``statuskit serve``: an edit under theme/ (custom_dir) rebuilds the preview."""
    import socket
    import time

    (project / "theme").mkdir()
    (project / "theme" / "main.html").write_text('{% extends "statuskit/base.html" %}\n')
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("  name: material\n", "  name: material\n  custom_dir: theme\n"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "statuskit", "serve", "--config-file", str(yml),
                                 "--content", str(project / "content"), "--at", "2024-08-01T12:00:00Z",
                                 "--dev-addr", f"127.0.0.1:{port}"], cwd=project, stdout=out, stderr=subprocess.STDOUT)
        try:
            def wait_for(text: str, count: int = 1) -> None:
                deadline = time.monotonic() + 90
                while log.read_text(errors="replace").count(text) < count:
                    assert proc.poll() is None, log.read_text(errors="replace")
                    assert time.monotonic() < deadline, log.read_text(errors="replace")
                    time.sleep(0.2)

            wait_for("Serving on")
            builds = log.read_text(errors="replace").count("Building documentation")
            (project / "theme" / "main.html").write_text('{% extends "statuskit/base.html" %}\n{# edited #}\n')
            wait_for("Building documentation", builds + 1)
            assert "Detected file changes" in log.read_text(errors="replace")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@pytest.mark.parametrize("command", ["build", "serve", "export"])
def test_commands_have_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example: statuskit " + command in result.output


# --- export -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "out"
    result = CliRunner().invoke(cli, ["export", str(out), "--at", "2026-11-27T18:00:00Z", "--content",
                                      str(REPO / "content"), "--config-file", str(REPO / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"exported {out}: 18 pages, as of 2026-11-27T18:00:00Z") or "18 pages" in result.output
    return out


def test_export_writes_pages_feeds_and_json(exported):
    for rel in ["index.md", "history.md", "incidents/2026-11-24-ransomware-scheduling.md",
                "incidents/2026-11-24-ransomware-scheduling/technical.md", "components/scheduling.md",
                "pages.json", "history.rss", "technical.atom", "api/v2/summary.json", "badge.svg", "approvals.json"]:
        assert (exported / rel).is_file(), rel
    page = (exported / "incidents/2026-11-24-ransomware-scheduling.md").read_text()
    assert page.startswith('---\ntitle: "Ransomware attack affecting appointment scheduling and the patient portal, 24 November 2026"\n')
    assert '\n---\n\n<div class="statuskit sk-incident-page">\n' in page


def test_exported_bodies_pass_through_markdown_untouched(exported):
    """Another generator can feed the .md files to its Markdown processor: the HTML survives."""
    for path in exported.rglob("*.md"):
        body = path.read_text().split("\n---\n\n", 1)[1].rstrip("\n")
        assert markdown.markdown(body) == body, path


def test_export_matches_the_built_pages(exported, demo_site):
    body = (exported / "incidents/2026-08-21-ddos-website-partner-api/technical.md").read_text().split("\n---\n\n", 1)[1]
    assert body.strip() in (demo_site / "incidents/2026-08-21-ddos-website-partner-api/technical/index.html").read_text()


# --- a plain `mkdocs build` with the plugin: MkDocs empties site_dir itself ------------------------

def _mkdocs_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), *args],
                          capture_output=True, text=True, cwd=project, env={**os.environ, "STATUSKIT_AT": AT},
                          timeout=300)


@pytest.mark.parametrize("site_dir, says", [
    ("content", "refusing to replace"), ("content/incidents", "refusing to replace"), ("theme", "refusing to replace"),
    ("docs", "docs_dir"), (".", "docs_dir"),  # MkDocs itself refuses these two
])
def test_plain_mkdocs_build_never_empties_an_input(full_project, site_dir, says):
    before = snapshot(full_project)
    proc = _mkdocs_build(full_project, "--site-dir", str(full_project / site_dir))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert says in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(full_project) == before


def test_plain_mkdocs_build_marks_its_site_and_statuskit_build_replaces_it(full_project):
    proc = _mkdocs_build(full_project, "--site-dir", str(full_project / "site"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (full_project / "site" / ".statuskit-output").read_text() == "statuskit site v1\n"
    assert build(full_project, "--at", AT).exit_code == 0
    # ... and a plain build refuses a folder that someone else wrote
    (full_project / "elsewhere").mkdir()
    (full_project / "elsewhere" / "notes.txt").write_text("keep me\n")
    proc = _mkdocs_build(full_project, "--site-dir", str(full_project / "elsewhere"))
    assert proc.returncode == 1 and "not a folder statuskit wrote" in proc.stderr
    assert (full_project / "elsewhere" / "notes.txt").read_text() == "keep me\n"


# --- robots.txt: the site URL in one place ---------------------------------------------------------

def test_robots_txt_follows_site_url_and_a_site_of_its_own_keeps_its_own(project, site_signer):
    first = build(project, "--at", "2024-08-01T12:00:00Z")
    assert first.exit_code == 0, first.output
    assert (project / "site" / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\nSitemap: https://status.fixture.example/sitemap.xml\n")
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("site_url: https://status.fixture.example/",
                                           "site_url: https://status.elsewhere.example/health/"))
    site_signer(project / "content")
    moved = build(project, "--at", "2024-08-01T12:00:00Z")
    assert moved.exit_code == 0, moved.output
    assert (project / "site" / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\nSitemap: https://status.elsewhere.example/health/sitemap.xml\n")
    assert "https://status.elsewhere.example/health/" in (project / "site" / "sitemap.xml").read_text()
    (project / "docs" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    site_signer(project / "content")
    own = build(project, "--at", "2024-08-01T12:00:00Z")
    assert own.exit_code == 0, own.output
    assert (project / "site" / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"


def test_the_demo_has_no_hand_written_robots_txt(demo_site):
    assert not (REPO / "docs" / "robots.txt").exists()
    assert (demo_site / "robots.txt").read_text().endswith(
        "Sitemap: https://status.northbridge-health.example/sitemap.xml\n")
