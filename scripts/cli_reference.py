"""Write the per-command part of reference/cli.md from the commands' own ``--help`` (click).

    .venv/bin/python scripts/cli_reference.py           # rewrite the generated part
    .venv/bin/python scripts/cli_reference.py --check   # exit 1 when it is stale

Everything between the two markers below is generated; the overview tables and prose above
them are written by hand. ``tests/cli/test_cli_reference.py`` fails when the file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "cli.md"
BEGIN = "<!-- generated: scripts/cli_reference.py -->"
END = "<!-- end generated: scripts/cli_reference.py -->"
WIDTH = 200  # a terminal wider than the group's max_content_width: the help as most people see it


def _commands(group: click.Group, ctx: click.Context):
    """(context, command) for each command under ``group``, depth first, by name."""
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        sub = click.Context(cmd, info_name=name, parent=ctx, **cmd.context_settings)
        yield sub, cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, sub)


def generated() -> str:
    """The generated part: one section per command with its ``--help``, deterministic."""
    sys.path.insert(0, str(ROOT))
    from statuskit.cli.main import cli

    # as on a wide terminal: the group's settings (-h, --help; at most 100 columns) reach every command
    root = click.Context(cli, info_name="statuskit", **{**cli.context_settings, "terminal_width": WIDTH})
    out = [BEGIN, "", "## Every command's options (from `--help`)", "",
           "Generated from the commands themselves by `scripts/cli_reference.py`; do not edit by hand.", ""]
    for ctx, cmd in _commands(cli, root):
        out += [f"### `{ctx.command_path}`", "", "```text", cmd.get_help(ctx).rstrip(), "```", ""]
    out.append(END)
    return "\n".join(out) + "\n"


def updated(text: str) -> str:
    """``text`` with the generated part replaced (appended at the end when there is none yet)."""
    part = generated()
    if BEGIN in text:
        head, _, rest = text.partition(BEGIN)
        if END not in rest:
            raise SystemExit(f"{REFERENCE}: {BEGIN} without {END}")
        return head + part + rest.partition(END)[2].lstrip("\n")
    return text.rstrip("\n") + "\n\n" + part


def main(argv: list[str]) -> int:
    text = REFERENCE.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in argv:
        if new != text:
            print(f"{REFERENCE.relative_to(ROOT)} is stale; run: .venv/bin/python scripts/cli_reference.py")
            return 1
        return 0
    if new != text:
        REFERENCE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
