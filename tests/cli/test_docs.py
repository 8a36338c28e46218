"""Every command has help with an example; `python -m statuskit --version` works."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from statuskit.version import __version__
from statuskit.cli.main import cli


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every command (not group), e.g. ("teams", "allowed-signers")."""
    out = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += commands(command, prefix + (name,))
        else:
            out.append(prefix + (name,))
    return out


def groups(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += groups(command, prefix + (name,))
    return out


def test_the_core_commands_exist():
    names = {" ".join(c) for c in commands()}
    assert {"check", "status", "new", "update", "approve", "teams allowed-signers", "next-release"} <= names


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_command_help_has_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {' '.join(path)} ")
    body = result.output.split("\n\n", 2)[1].strip()
    assert body and not body.startswith("Options:"), f"`statuskit {' '.join(path)}` has no description"
    examples = [line.strip() for line in result.output.splitlines() if line.strip().startswith("Example")]
    assert examples, f"`statuskit {' '.join(path)} --help` shows no Example"
    assert f"statuskit {' '.join(path)}" in result.output.split("Example", 1)[1], "the example runs another command"


@pytest.mark.parametrize("path", groups(), ids=lambda p: " ".join(p) or "statuskit")
def test_group_help_lists_its_commands(path):
    result = CliRunner().invoke(cli, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    group = cli
    for name in path:
        group = group.commands[name]
    for name, command in group.commands.items():
        assert f"  {name} " in result.output
        assert command.get_short_help_str(), f"{name} has no short help"


def test_short_help_flag():
    assert CliRunner().invoke(cli, ["check", "-h"]).output == CliRunner().invoke(cli, ["check", "--help"]).output


def test_python_dash_m_version():
    result = subprocess.run([sys.executable, "-m", "statuskit", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"statuskit, version {__version__}\n"


def test_python_dash_m_usage_error_exits_2():
    result = subprocess.run([sys.executable, "-m", "statuskit", "no-such-command"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "No such command 'no-such-command'" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_command_is_in_the_cli_reference():
    """reference/cli.md documents every command the CLI has (and the README points to it)."""
    from pathlib import Path

    import click

    from statuskit.cli.main import cli

    root = Path(__file__).resolve().parents[2]
    reference = (root / "reference" / "cli.md").read_text()

    def names(group: click.Group, prefix: str = "") -> list[str]:
        out = []
        for name, cmd in sorted(group.commands.items()):
            full = f"{prefix}{name}"
            out += names(cmd, full + " ") if isinstance(cmd, click.Group) else [full]
        return out

    missing = [n for n in names(cli) if f"`statuskit {n}" not in reference]
    assert missing == []
    assert "reference/cli.md" in (root / "README.md").read_text()


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_option_has_help(path):
    group = cli
    for name in path:
        group = group.commands[name]
    missing = [p.name for p in group.params if isinstance(p, click.Option) and not p.help and p.name != "help"]
    assert missing == [], f"`statuskit {' '.join(path)}`: options without help: {missing}"


@pytest.mark.parametrize("command", ["new", "update"])
def test_at_on_new_and_update_is_the_update_s_time(command):
    out = CliRunner().invoke(cli, [command, "--help"]).output
    assert "The update's time" in out and "Build time T" not in out
    assert "investigating, identified, monitoring" in out  # --status lists its values
