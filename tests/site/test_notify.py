"""`statuskit notify`: real sites (a real MkDocs build), real SMTP and webhook servers on 127.0.0.1.

What is asserted: the exact messages the servers receive; exactly once across reruns and
failures (a failed channel is retried alone on the next run); nothing unapproved, embargoed,
scheduled for later or withdrawn is ever sent; a preview, a content that is not the built
one and a channel URL written in the repository are refused with nothing sent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from receivers import smtp_server, webhook_server
from sitetools import FIXTURE_AT, FIXTURE_MKDOCS_YML, MARKERS, build_content_site

from statuskit.cli.main import cli
from statuskit.publish.build import build_site

T1 = datetime(2024, 7, 31, 9, 30, tzinfo=timezone.utc)
T2 = datetime(2024, 7, 31, 12, 0, tzinfo=timezone.utc)

OUTAGE = """\
id: 2024-07-31-outage
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
      We are **investigating** an outage of appointment scheduling.

      - Calls to the clinic still work.
      - See [the help page](https://help.example.org/) for phone numbers.
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: resolved
    technical_embargo_until: 2024-07-31T11:00:00Z
    public: Scheduling is working again.
    technical: |
      A bad deploy; requests to evil.example were blocked.
    report:
      summary: A deploy broke scheduling.
      indicators: [{type: domain, value: evil.example}]
"""

UNSUBSCRIBE = "<mailto:status-unsubscribe@lists.example.org>"


def run(project: Path, site: Path, env: dict[str, str], *extra: str):
    args = ["notify", "--site-dir", str(site), "--content", str(project / "content"),
            "-f", str(project / "mkdocs.yml"), "--state", str(project / "state" / "notify-state.json"), *extra]
    env = {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", **env}  # the receivers are local, whatever the machine
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def empty_state(project: Path, url: str = "https://status.fixture.example/") -> None:
    """A ledger with nothing announced yet: everything published is new."""
    path = project / "state" / "notify-state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"protocol": "statuskit-notify v1", "site": url, "announced": [], "pending": {}}))


def mail_url(smtp, to="status@lists.example.org") -> str:
    return (f"mailto://127.0.0.1:{smtp.port}?mode=insecure&from=noreply@status.fixture.example&to={to}"
            f"&+List-Unsubscribe={UNSUBSCRIBE.replace('<', '%3C').replace('>', '%3E').replace(':', '%3A')}")


@pytest.fixture
def outage(make_site, tmp_path):
    site = make_site({"2024-07-31-outage": OUTAGE})
    site.approve_all()
    return tmp_path, site


def test_messages_exactly_as_received_on_email_and_webhooks(outage):
    project, content = outage
    built = build_content_site(project, T1, sign_site=content.sign_site)
    empty_state(project)
    with smtp_server() as smtp, webhook_server() as hooks:
        env = {"STATUSKIT_NOTIFY_PUBLIC": f"{mail_url(smtp)} json://127.0.0.1:{hooks.port}/public",
               "STATUSKIT_NOTIFY_TECHNICAL": f"json://127.0.0.1:{hooks.port}/peers"}
        result = run(project, built, env)
    assert result.exit_code == 0, result.output
    body = ("We are investigating an outage of appointment scheduling.\n\n"
            "- Calls to the clinic still work.\n"
            "- See the help page (https://help.example.org/) for phone numbers.\n\n"
            "Full update: https://status.fixture.example/incidents/2024-07-31-outage/#update-1")
    subject = "[Fixture status] Appointment scheduling unavailable — Investigating"
    [mail] = smtp.messages
    assert mail["Subject"] == subject
    assert mail["From"] == "Fixture status <noreply@status.fixture.example>"
    assert mail["To"] == "status@lists.example.org"
    assert mail["List-Unsubscribe"] == UNSUBSCRIBE
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content().replace("\r\n", "\n").rstrip("\n") == body
    [hook] = hooks.received("/public")
    assert (hook["title"], hook["message"]) == (subject, body)
    assert hooks.received("/peers") == []  # update 1 has no technical track
    assert "sent public:2024-07-31-outage:1 on $STATUSKIT_NOTIFY_PUBLIC #1 (mailto)" in result.output
    assert "127.0.0.1" not in result.output  # channel URLs are secrets: never printed


def test_technical_track_after_its_embargo_defanged_once(outage):
    project, content = outage
    built = build_content_site(project, T1, sign_site=content.sign_site)
    empty_state(project)
    with webhook_server() as hooks:
        env = {"STATUSKIT_NOTIFY_PUBLIC": f"json://127.0.0.1:{hooks.port}/public",
               "STATUSKIT_NOTIFY_TECHNICAL": f"json://127.0.0.1:{hooks.port}/peers"}
        assert run(project, built, env).exit_code == 0
        # 10:30: update 2 is public, its technical text still embargoed
        build_site(project / "mkdocs.yml", site_dir=built, at=datetime(2024, 7, 31, 10, 30, tzinfo=timezone.utc))
        assert run(project, built, env).exit_code == 0
        assert [h["title"] for h in hooks.received("/public")] == [
            "[Fixture status] Appointment scheduling unavailable — Investigating",
            "[Fixture status] Appointment scheduling unavailable — Resolved"]
        assert hooks.received("/peers") == []
        # 12:00: the technical embargo lifted
        build_site(project / "mkdocs.yml", site_dir=built, at=T2)
        for _ in range(2):  # the rerun sends nothing
            result = run(project, built, env)
            assert result.exit_code == 0, result.output
    assert len(hooks.received("/public")) == 2
    [peer] = hooks.received("/peers")
    assert peer["title"] == "[Fixture status] Appointment scheduling unavailable — Resolved (technical details)"
    assert peer["message"] == (
        "A bad deploy; requests to evil[.]example were blocked.\n\n"
        "The technical report was revised with this update; read it on the technical page (indicators defanged).\n\n"
        "Technical page: https://status.fixture.example/incidents/2024-07-31-outage/technical/#update-2")


def test_rerun_sends_nothing_twice_and_a_failed_channel_is_retried_alone(outage):
    project, content = outage
    built = build_content_site(project, T2, sign_site=content.sign_site)
    empty_state(project)
    with smtp_server() as smtp, webhook_server() as hooks:
        env = {"STATUSKIT_NOTIFY_PUBLIC": f"json://127.0.0.1:{hooks.port}/a {mail_url(smtp)} "
                                          f"json://127.0.0.1:{hooks.port}/b"}
        hooks.status["/a"] = 500
        smtp.refuse = True
        result = run(project, built, env)
        # the site is published; the exit code says some channels failed
        assert result.exit_code == 3, result.output
        assert [h["title"] for h in hooks.received("/b")] == [
            "[Fixture status] Appointment scheduling unavailable — Investigating",
            "[Fixture status] Appointment scheduling unavailable — Resolved"]
        assert hooks.received("/a") == [] and smtp.messages == []
        assert "error: $STATUSKIT_NOTIFY_PUBLIC #1 (json): public:2024-07-31-outage:1 not sent" in result.output
        assert "error: $STATUSKIT_NOTIFY_PUBLIC #2 (mailto): public:2024-07-31-outage:1 not sent" in result.output
        assert "2 message(s) sent on 3 channel(s)" in result.output
        # the webhook is fixed, the mail server still refuses
        del hooks.status["/a"]
        result = run(project, built, env)
        assert result.exit_code == 3, result.output
        assert len(hooks.received("/a")) == 2 and len(hooks.received("/b")) == 2
        # the mail server accepts again: only it gets the two messages
        smtp.refuse = False
        result = run(project, built, env)
        assert result.exit_code == 0, result.output
        assert [m["Subject"] for m in smtp.messages] == [h["title"] for h in hooks.received("/b")]
        assert len(hooks.received("/a")) == 2 and len(hooks.received("/b")) == 2
        # and a rerun sends nothing at all
        before = (len(hooks.attempts), smtp.attempts)
        result = run(project, built, env)
        assert result.exit_code == 0 and (len(hooks.attempts), smtp.attempts) == before, result.output
        assert "0 message(s) sent on 3 channel(s)" in result.output
    state = (project / "state" / "notify-state.json").read_text()
    assert "127.0.0.1" not in state and "mailto" not in state  # ids and digests only


def test_a_failed_message_holds_back_the_later_ones_of_its_channel(outage):
    """A channel's messages arrive in order: after a failure the rest of its queue waits for the next run."""
    project, content = outage
    built = build_content_site(project, T2, sign_site=content.sign_site)
    empty_state(project)
    with webhook_server() as hooks:
        env = {"STATUSKIT_NOTIFY_PUBLIC": f"json://127.0.0.1:{hooks.port}/public"}
        hooks.refuse_title = "Investigating"
        assert run(project, built, env).exit_code == 3
        assert hooks.attempts == ["/public"] and hooks.requests == []
        hooks.refuse_title = None
        assert run(project, built, env).exit_code == 0
    assert [h["title"].rsplit("— ", 1)[1] for h in hooks.received("/public")] == ["Investigating", "Resolved"]


def test_first_run_announces_only_what_this_deploy_added(outage):
    project, content = outage
    built = build_content_site(project, T1, sign_site=content.sign_site)
    shutil.copy(built / "approvals.json", project / "live-approvals.json")  # the previous deploy's
    build_site(project / "mkdocs.yml", site_dir=built, at=T2)
    with webhook_server() as hooks:
        env = {"STATUSKIT_NOTIFY_PUBLIC": f"json://127.0.0.1:{hooks.port}/public",
               "STATUSKIT_NOTIFY_TECHNICAL": f"json://127.0.0.1:{hooks.port}/peers"}
        result = run(project, built, env, "--previous", str(project / "live-approvals.json"))
        assert result.exit_code == 0, result.output
        assert "sent public:2024-07-31-outage:2" in result.output, result.output
        assert [h["title"].rsplit("— ", 1)[1] for h in hooks.received("/public")] == ["Resolved"]
        assert [h["title"].rsplit("— ", 1)[1] for h in hooks.received("/peers")] == ["Resolved (technical details)"]
        # without --previous and without a state, the first run records everything and sends nothing
        shutil.rmtree(project / "state")
        result = run(project, built, env)
        assert result.exit_code == 0, result.output
        assert "first run: 3 message(s) of published updates recorded as already announced; nothing sent" in result.output
        assert len(hooks.attempts) == 2


def test_component_routing(make_site, tmp_path):
    site = make_site({"2024-07-31-outage": OUTAGE, "2024-07-30-web": OUTAGE.replace(
        "2024-07-31-outage", "2024-07-30-web").replace("scheduling: major_outage", "website: major_outage")})
    site.approve_all()
    built = build_content_site(tmp_path, T2, sign_site=site.sign_site)
    empty_state(tmp_path)
    with webhook_server() as hooks:
        env = {"STATUSKIT_NOTIFY_PUBLIC__SCHEDULING": f"json://127.0.0.1:{hooks.port}/scheduling",
               "STATUSKIT_NOTIFY_PUBLIC": f"json://127.0.0.1:{hooks.port}/all"}
        assert run(tmp_path, built, env).exit_code == 0
    assert len(hooks.received("/all")) == 4
    assert {h["message"].rsplit("incidents/", 1)[1] for h in hooks.received("/scheduling")} == {
        "2024-07-31-outage/#update-1", "2024-07-31-outage/#update-2"}
    with webhook_server() as hooks:
        result = run(tmp_path, built, {"STATUSKIT_NOTIFY_PUBLIC__BILLING": f"json://127.0.0.1:{hooks.port}/x"})
    assert result.exit_code == 1
    assert "$STATUSKIT_NOTIFY_PUBLIC__BILLING: 'BILLING' is not a component of components.yml" in result.output
    assert hooks.attempts == []


def test_a_preview_is_refused(outage):
    project, content = outage
    build_content_site(project, T2, sign_site=content.sign_site)
    preview = project / "preview"
    build_site(project / "mkdocs.yml", site_dir=preview, at=T2, preview=True)
    empty_state(project)
    with webhook_server() as hooks:
        result = run(project, preview, {"STATUSKIT_NOTIFY_PUBLIC": f"json://127.0.0.1:{hooks.port}/public"})
    assert result.exit_code == 1
    assert "a preview build (its .statuskit-output marker says preview): nothing is announced" in result.output
    assert hooks.attempts == []


def test_content_that_is_not_the_built_one_is_refused(outage):
    project, content = outage
    built = build_content_site(project, T2, sign_site=content.sign_site)
    empty_state(project)
    # an approved update 3 added after the build: the site does not publish it
    text = (project / "content/incidents/2024-07-31-outage.yml").read_text()
    (project / "content/incidents/2024-07-31-outage.yml").write_text(
        text + "  - id: 3\n    at: 2024-07-31T11:00:00Z\n    status: postmortem\n    public: NOTBUILT\n")
    content.approve_all()
    with webhook_server() as hooks:
        result = run(project, built, {"STATUSKIT_NOTIFY_PUBLIC": f"json://127.0.0.1:{hooks.port}/public"})
    assert result.exit_code == 1
    assert "does not give this site's approvals.json: it is not the content the site was built from" in result.output
    assert hooks.attempts == []


@pytest.mark.parametrize("where", ["mkdocs.yml", "content/components.yml", "docs/index.md"])
def test_a_channel_url_in_the_repository_is_refused(outage, where):
    project, content = outage
    built = build_content_site(project, T2, sign_site=content.sign_site)
    empty_state(project)
    with webhook_server() as hooks:
        url = f"json://127.0.0.1:{hooks.port}/public"
        path = project / where
        with path.open("a") as f:
            f.write(f"\n# notify: {url}\n")
        result = run(project, built, {"STATUSKIT_NOTIFY_PUBLIC": url})
    assert result.exit_code == 1
    line = len(path.read_text().splitlines())
    assert f"{where}:{line}: the notification channel $STATUSKIT_NOTIFY_PUBLIC #1 (json) is written in the " \
           "repository" in result.output
    assert "127.0.0.1" not in result.output
    assert hooks.attempts == []


def test_an_apprise_url_in_mkdocs_yml_is_refused_even_when_not_configured(outage):
    project, content = outage
    built = build_content_site(project, T2, sign_site=content.sign_site)
    with (project / "mkdocs.yml").open("a") as f:
        f.write("extra:\n  notify: mailtos://user:hunter2pw@smtp.example.org\n")
    result = run(project, built, {})
    assert result.exit_code == 1
    assert "mkdocs.yml:11: a notification channel URL (mailtos://...) is written in the repository" in result.output
    assert "hunter2pw" not in result.output


# --- nothing withheld is ever sent -----------------------------------------------------------

def test_nothing_unapproved_embargoed_or_withdrawn_is_sent(fixture_project, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in ("mkdocs.yml", "docs", "content"):
        src = fixture_project / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    built = project / "site"
    build_site(project / "mkdocs.yml", site_dir=built, at=FIXTURE_AT)
    empty_state(project)
    with smtp_server() as smtp, webhook_server() as hooks:
        env = {"STATUSKIT_NOTIFY_PUBLIC": f"{mail_url(smtp)} json://127.0.0.1:{hooks.port}/public",
               "STATUSKIT_NOTIFY_TECHNICAL": f"json://127.0.0.1:{hooks.port}/peers"}
        result = run(project, built, env)
        assert result.exit_code == 0, result.output
        first = received(smtp, hooks)
        counts = len(smtp.messages), len(hooks.requests)
        for what, marker in MARKERS.items():
            assert marker.lower() not in first.lower(), f"{what} text ({marker}) was sent"
        for visible in ("VISIBLEONE", "VISIBLETWO", "VISIBLETHREE", "VISIBLEFOUR", "VISIBLEFIVE"):
            assert visible in first
        # later: the embargo (08-02), the maintenance's time (08-05) and the technical embargo (08-14) passed
        build_site(project / "mkdocs.yml", site_dir=built, at=datetime(2024, 8, 15, tzinfo=timezone.utc))
        for _ in range(2):
            result = run(project, built, env)
            assert result.exit_code == 0, result.output
        later = received(smtp, hooks, *counts)
    for what in ("unapproved", "half-approved", "whole-incident-unapproved", "retracted"):
        assert MARKERS[what].lower() not in later.lower(), f"{what} text ({MARKERS[what]}) was sent"
    assert later.count("Technical MARKERTECHEMBARGO from markertechembargo[.]example") == 1
    assert "markertechembargo.example" not in later  # defanged
    assert later.count("Public MARKEREMBARGOED") == 2  # email and webhook, once each
    assert later.count("Public MARKERFUTURE") == 2


def received(smtp, hooks, mails_before: int = 0, posts_before: int = 0) -> str:
    """Everything both servers accepted (after the first ``*_before``), as one text."""
    mails = [f"{m['Subject']}\n{m.get_content()}" for m in smtp.messages[mails_before:]]
    posts = [f"{path}: {body['title']}\n{body['message']}" for path, body in hooks.requests[posts_before:]]
    return "\n".join(mails + posts)


# --- the publish workflow that `statuskit init` writes ---------------------------------------

WORKFLOW = Path(__file__).resolve().parents[2] / "statuskit/templates/init/dot-github/workflows/statuskit-publish.yml"


def _step(job: dict, name: str) -> dict:
    return next(s for s in job["steps"] if s["name"].startswith(name))


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os
    import sys

    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # `statuskit` of this venv
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": path, "HOME": str(cwd), **env})


def test_the_publish_workflow_announces_after_the_deploy_once(outage):
    import yaml

    doc = yaml.load(WORKFLOW.read_text(), Loader=yaml.BaseLoader)
    build, notify_job = doc["jobs"]["build"], doc["jobs"]["notify"]
    assert notify_job["needs"] == ["build", "deploy"] and notify_job["if"] == "needs.build.outputs.publish == 'true'"
    # off until a channel is configured: every step after the first depends on it
    assert all(s["if"] in ("steps.channels.outputs.configured == 'true'",
                           "always() && steps.channels.outputs.configured == 'true'") for s in notify_job["steps"][1:])
    upload = _step(build, "Upload them for the notify job")
    assert upload["with"]["include-hidden-files"] == "true"
    restore, save = _step(notify_job, "Restore the delivery ledger"), _step(notify_job, "Save the delivery ledger")
    assert restore["with"]["path"] == save["with"]["path"] == "${{ runner.temp }}/notify-state"
    assert restore["with"]["key"] == save["with"]["key"] and restore["with"]["restore-keys"] == "statuskit-notify-"
    assert save["if"].startswith("always()")

    project, content = outage
    runner = project / "runner"
    runner.mkdir()
    out = runner / "github-output"
    channels = _step(notify_job, "Are notification channels configured?")["run"]
    assert _bash(channels, project, {"PUBLIC": "", "TECHNICAL": "", "GITHUB_OUTPUT": str(out),
                                     "GITHUB_STEP_SUMMARY": str(runner / "summary")}).returncode == 0
    assert out.read_text() == "configured=false\n"
    keep, announce = _step(build, "Keep what notify compares")["run"], _step(notify_job, "Announce")["run"]
    (project / "mkdocs.yml").write_text(FIXTURE_MKDOCS_YML)
    (project / "docs").mkdir()
    content.sign_site()
    with webhook_server() as hooks:
        env = {"RUNNER_TEMP": str(runner), "STATUSKIT_NOTIFY_PUBLIC": f"json://127.0.0.1:{hooks.port}/public",
               "STATUSKIT_NOTIFY_TECHNICAL": f"json://127.0.0.1:{hooks.port}/peers"}
        # the first deploy with notifications: no ledger and no previous deploy -> nothing sent
        build_site(project / "mkdocs.yml", site_dir=project / "site", at=T1)
        assert _bash(keep, project, {**env, "DEPLOYED": ""}).returncode == 0
        proc = _bash(announce, project, env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert hooks.attempts == []
        # the next deploy publishes update 2 and its technical text: sent once, a rerun sends nothing
        shutil.copy(project / "site/approvals.json", runner / "live-approvals.json")
        build_site(project / "mkdocs.yml", site_dir=project / "site", at=T2)
        assert _bash(keep, project, {**env, "DEPLOYED": "0" * 40}).returncode == 0
        for _ in range(2):
            proc = _bash(announce, project, env)
            assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [h["title"] for h in hooks.received("/public")] == [
        "[Fixture status] Appointment scheduling unavailable — Resolved"]
    assert [h["title"] for h in hooks.received("/peers")] == [
        "[Fixture status] Appointment scheduling unavailable — Resolved (technical details)"]
    assert sorted(p.name for p in (runner / "published").iterdir()) == [
        ".statuskit-output", "approvals.json", "previous-approvals.json"]
