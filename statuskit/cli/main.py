"""The statuskit command line: parse, call the core, print, exit code.

Exit codes: 0 success, 1 content errors or something fell short, 2 usage errors. The
group is here; each command family is a module (content, site, workflow).
"""

from __future__ import annotations

import os
import sys

import click

from ..version import __version__
from ..workflow.source import version_note
from . import content, site, workflow


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="statuskit", message="%(prog)s, version %(version)s" + version_note())
def cli():
    """statuskit: a status site kept in git, where nothing publishes until both teams approve it.

    Incidents are YAML files under content/; approvals are SSH signatures under
    content/approvals/; `statuskit build` compiles what is approved into a site.
    """



for _family in (content, site, workflow):
    for _command in _family.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Entry point: run the CLI; never show a traceback for an unexpected error unless asked."""
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no tracebacks for users
        if os.environ.get("STATUSKIT_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in statuskit; rerun with STATUSKIT_DEBUG=1 for details and report it.", err=True)
        sys.exit(1)
