"""One build time T, by one rule: ``--at``, else ``$STATUSKIT_AT``, else ``$SOURCE_DATE_EPOCH``, else now.

The same rule for every command (check, status, build, ...), for ``statuskit build`` (which hands T to
the plugin as a value) and for a plain ``mkdocs build``; the plugin's ``at:`` option is refused.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.model.validate import parse_time

T_AT = "2024-08-03T00:00:00Z"
T_ENV = "2024-08-02T00:00:00Z"
EPOCH, T_EPOCH = "1722513600", "2024-08-01T12:00:00Z"
BOTH = {"STATUSKIT_AT": T_ENV, "SOURCE_DATE_EPOCH": EPOCH}

# (--at, environment, the T every front end must use)
ORDER = [
    pytest.param(T_AT, BOTH, T_AT, id="--at-wins"),
    pytest.param(None, BOTH, T_ENV, id="STATUSKIT_AT-before-SOURCE_DATE_EPOCH"),
    pytest.param(None, {"SOURCE_DATE_EPOCH": EPOCH}, T_EPOCH, id="SOURCE_DATE_EPOCH"),
]


@pytest.fixture
def project(tmp_path, fixture_project, monkeypatch):
    """A copy of the fixture project (approved site files), with no time in the environment."""
    dst = tmp_path / "project"
    shutil.copytree(fixture_project, dst, ignore=shutil.ignore_patterns("site"))
    monkeypatch.delenv("STATUSKIT_AT", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return dst


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _at(at: str | None) -> list[str]:
    return ["--at", at] if at else []


@pytest.mark.parametrize("command", ["check", "status"])
@pytest.mark.parametrize("at, env, expected", ORDER)
def test_every_command_takes_t_by_the_one_rule(project, monkeypatch, command, at, env, expected):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    result = invoke(command, "--content", str(project / "content"), "--format", "json", *_at(at))
    assert json.loads(result.stdout)["at"] == expected


def test_now_when_nothing_is_given(project):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = invoke("status", "--content", str(project / "content"), "--format", "json")
    assert before <= parse_time(json.loads(result.stdout)["at"]) <= datetime.now(timezone.utc)


@pytest.mark.parametrize("at, env, expected", ORDER)
def test_statuskit_build_takes_t_by_the_one_rule(project, monkeypatch, at, env, expected):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    out = project / "out"
    result = invoke("build", "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(out), *_at(at))
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"as of {expected}\n")
    assert json.loads((out / "approvals.json").read_text())["at"] == expected


@pytest.mark.parametrize("at, env, expected", [p for p in ORDER if p.values[0] is None])
def test_plain_mkdocs_build_takes_t_by_the_one_rule(project, at, env, expected):
    out = project / "out"
    clean = {k: v for k, v in os.environ.items() if k not in ("STATUSKIT_AT", "SOURCE_DATE_EPOCH")}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"),
                           "-d", str(out)], cwd=project, env={**clean, **env}, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((out / "approvals.json").read_text())["at"] == expected


@pytest.mark.parametrize("var, value, message", [
    ("STATUSKIT_AT", "yesterday", "error: $STATUSKIT_AT: expected a time like 2024-07-31T09:05:00Z, got 'yesterday'"),
    ("SOURCE_DATE_EPOCH", "soon", "error: SOURCE_DATE_EPOCH must be an integer number of seconds, got 'soon'"),
    # the site's files carry T in 32 bits (gzip): a later T was an internal error while writing them
    ("STATUSKIT_AT", "2200-01-01T00:00:00Z", "error: $STATUSKIT_AT: the build time 2200-01-01T00:00:00Z is after "
                                             "2106-02-07T06:28:15Z, the latest time a site's files can carry"),
    ("SOURCE_DATE_EPOCH", "7258118400", "error: $SOURCE_DATE_EPOCH: the build time 2200-01-01T00:00:00Z is after"),
])
@pytest.mark.parametrize("command", ["check", "status", "build", "next-release"])
def test_a_bad_time_in_the_environment_is_a_clear_error(project, monkeypatch, command, var, value, message):
    monkeypatch.setenv(var, value)
    args = ["--config-file", str(project / "mkdocs.yml"), "--site-dir", str(project / "out")] if command == "build" \
        else ["--content", str(project / "content")]
    result = invoke(command, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output and not (project / "out").exists()


@pytest.mark.parametrize("preview", [False, True])
def test_the_plugin_at_option_is_refused_even_for_a_preview(project, preview):
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("  - statuskit\n", "  - statuskit:\n      at: 2030-01-01T00:00:00Z\n"))
    result = invoke("build", "--config-file", str(yml), "--site-dir", str(project / "out"), "--at", T_AT,
                    *(["--preview"] if preview else []))
    assert result.exit_code == 1
    assert "plugins.statuskit.at: the build time comes only from the operator" in result.output
