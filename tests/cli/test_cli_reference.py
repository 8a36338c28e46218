"""reference/cli.md's per-command part is the commands' own --help (scripts/cli_reference.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_is_current():
    tool = _tool()
    text = tool.REFERENCE.read_text(encoding="utf-8")
    assert tool.BEGIN in text and tool.END in text, "reference/cli.md has no generated part"
    assert tool.updated(text) == text, \
        "reference/cli.md is stale: regenerate it with `.venv/bin/python scripts/cli_reference.py`"


def test_every_option_of_every_command_is_in_it():
    import click

    from statuskit.cli.main import cli

    tool = _tool()
    part = tool.generated()
    root = click.Context(cli, info_name="statuskit")
    for ctx, cmd in tool._commands(cli, root):
        assert f"### `{ctx.command_path}`" in part
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in part, (ctx.command_path, opt)


def test_a_stale_reference_is_found(tmp_path):
    tool = _tool()
    text = tool.REFERENCE.read_text(encoding="utf-8")
    head, _, part = text.partition(tool.BEGIN)
    stale = head + tool.BEGIN + part.replace("--allow-unpublish REASON", "--allow-unpublish", 1)
    assert stale != text and tool.updated(stale) == text
    # the hand-written part above the markers is kept as it is
    edited = text.replace("# Command line (as built)", "# Command line (as built, edited by hand)", 1)
    assert tool.updated(edited) == edited
