"""What the statuskit commands share: options, build time T, error handling, problem output."""

from __future__ import annotations

import functools
import sys
from datetime import datetime
from pathlib import Path

import click

from ..errors import ContentError, Problem, Severity, StatuskitError
from ..gate.clock import resolve_time
from ..model.validate import parse_time


def _time_param(ctx, param, value):
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def build_time(at: datetime | None) -> datetime:
    """T for every command: ``--at``, else $STATUSKIT_AT, else $SOURCE_DATE_EPOCH, else now (whole
    seconds, UTC) -- :func:`statuskit.gate.clock.resolve_time`, the one rule."""
    return resolve_time(at)


def content_option(f):
    return click.option(
        "--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
        default=Path("content"), show_default=True, envvar="STATUSKIT_CONTENT",
        help="The content folder.",
    )(f)


def at_option(f):
    return click.option(
        "--at", "at", callback=_time_param, metavar="TIME",
        help="Build time T (ISO 8601 with offset); default: $STATUSKIT_AT, else $SOURCE_DATE_EPOCH, else now.",
    )(f)


def format_option(*choices):
    def deco(f):
        return click.option("--format", "fmt", type=click.Choice(choices), default="text", show_default=True,
                            help="Output format.")(f)
    return deco


def handle_errors(f):
    """Turn StatuskitError into a message and exit 1 (the one place errors are caught)."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except StatuskitError as exc:
            click.echo(f"error: {exc}" if not isinstance(exc, ContentError) else str(exc), err=True)
            sys.exit(1)
        except OSError as exc:  # a file the command reads or writes: say what happened, no traceback
            from ..publish.output import describe_os_error
            click.echo(f"error: {describe_os_error(exc, doing='')}", err=True)
            sys.exit(1)
    return wrapper


def _problem_json(p: Problem) -> dict:
    return {"file": p.file, "line": p.line, "field": p.field, "message": p.message,
            "severity": p.severity.value, "rule": p.rule}


def _github_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(p: Problem) -> str:
    """A GitHub Actions workflow command for one problem."""
    level = "error" if p.severity is Severity.ERROR else "warning"
    props = [f"file={_github_escape(p.file, True)}"]
    if p.line:
        props.append(f"line={p.line}")
    title = f"statuskit {p.rule}" if p.rule else "statuskit"
    props.append(f"title={_github_escape(title, True)}")
    msg = f"{p.field}: {p.message}" if p.field else p.message
    return f"::{level} {','.join(props)}::{_github_escape(msg)}"


def print_problems(problems: list[Problem], fmt: str, summary: str) -> None:
    if fmt == "json":
        return
    for p in problems:
        click.echo(github_annotation(p) if fmt == "github" else str(p))
    click.echo(summary, err=fmt == "github")
